/* Atomic output files: write to PATH.tmp.XXXXXX in the same directory, then
 * rename over PATH on success, so a reader never sees a half-written file and
 * a failed or killed run leaves no file at PATH.
 *
 * PATH that names a device, a FIFO or a socket (/dev/null, a named pipe) is
 * written in place instead: renaming a regular file over it would replace
 * the special file.  PATH that is a symbolic link to a regular file is
 * replaced through the link (the link stays, its target gets the output).
 * New files get mode 0666 less the umask, like any file the user creates. */
#ifndef KETSIM_ATOMIC_H
#define KETSIM_ATOMIC_H

#include <stdio.h>
#include "ketsim/error.h"

typedef struct atomic_file {
    FILE *fp;
    char final_path[4096];
    char tmp_path[4096 + 16];
    int is_stdout;
    int direct;        /* a special file, written in place */
} atomic_file;

/* path "-" (or NULL) writes to stdout.  Opening is also the check that the
 * output can be written at all, so callers open before the long work. */
int atomic_open(atomic_file *af, const char *path, ketsim_error *err);
/* Flush, fsync and rename (or, in place, flush and close); on any write
 * error remove the temporary file. */
int atomic_commit(atomic_file *af, ketsim_error *err);
/* Abandon: remove the temporary file. */
void atomic_abort(atomic_file *af);

#endif
