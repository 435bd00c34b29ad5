/* Small file-system helpers shared by the output writers (atomic.c,
 * outset.c) and the figures. */
#ifndef KETSIM_UTIL_FILES_H
#define KETSIM_UTIL_FILES_H

#include <stddef.h>
#include "ketsim/error.h"

/* Longest name accepted by files_name_is_plain (a file name component). */
#define FILES_NAME_MAX 200

/* Whether `name` can be used as is inside a file name: 1 to FILES_NAME_MAX
 * characters from [A-Za-z0-9_.-], not starting with '.', so that it can
 * neither leave the output directory ("../x", "/etc/x") nor hide there. */
int files_name_is_plain(const char *name);

/* KETSIM_OK, or KETSIM_EINPUT naming `what` (e.g. "scenario 'f.yaml': name")
 * and saying what a plain name is. */
int files_check_name(const char *what, const char *name, ketsim_error *err);

/* `n` random lower-case hexadecimal digits and a NUL into buf (n + 1 bytes):
 * from the kernel's generator, so two processes never pick the same. */
int files_random_hex(char *buf, size_t n, ketsim_error *err);

/* Create PATH.tmp.XXXXXX next to PATH, open for writing (O_EXCL), with mode
 * 0666 less the umask, as any new file; the name goes into tmp (size
 * bytes).  Returns the descriptor, or -1 with err filled. */
int files_create_tmp(const char *path, char *tmp, size_t size, ketsim_error *err);

/* fsync the directory that holds `path` (after a rename into it), so that
 * the new name survives a power loss; errors are ignored where a file
 * system cannot sync directories. */
void files_sync_parent(const char *path);

/* Remove the directory `name` inside the directory `dirfd` with the
 * regular files in it (an output staging directory holds nothing else).
 * Best effort: used on the way out of a failed or interrupted run. */
void files_remove_flat_dir(int dirfd, const char *name);

#endif
