/* Output sets: the files one run writes into one directory, published
 * together.
 *
 * A run's files are written into a private staging directory inside the
 * output directory (DIR/.ketsim-stage.XXXXXX), each flushed and synced.  Only
 * when all are complete is the set published:
 *
 *   1. a manifest (SET_manifest.json: run id, command, seeds, the data files
 *      read, and each file's size and SHA-256) is written into the stage;
 *   2. the stage is renamed DIR/.ketsim-ready.XXXXXX: from here the set is
 *      complete on disk and will be published even if this process dies;
 *   3. the old manifest is removed, the files are renamed into DIR, and the
 *      new manifest is renamed in last.
 *
 * So a failure (a full disk, a bad write, an error of the run) before step 2
 * leaves the previous set in DIR untouched; a kill during step 3 leaves no
 * manifest until the next run that opens DIR, which finishes the
 * publication first; and a reader that finds SET_manifest.json can check
 * every file it names against its size and checksum.
 *
 * DIR is locked (flock) from begin to end: a second run that wants to write
 * there fails at once instead of mixing its files with the first's.  The
 * lock goes with the process, so a killed run never leaves it behind. */
#ifndef KETSIM_UTIL_OUTSET_H
#define KETSIM_UTIL_OUTSET_H

#include <stdio.h>
#include "ketsim/error.h"

typedef struct outset outset;

/* One published file, as the manifest lists it. */
typedef struct outset_entry {
    char name[256];
    unsigned long long bytes;
    char sha256[65];
} outset_entry;

/* Writes the manifest's text for the files of the set (sorted by name);
 * the set's own manifest is not among them. */
typedef int (*outset_manifest_fn)(FILE *fp, const outset_entry *files, size_t n, void *user, ketsim_error *err);

/* Open DIR for a set named `set` (a plain name: the manifest is
 * SET_manifest.json): create DIR if it is missing (its parent must exist),
 * lock it, finish a publication a killed run left ready, remove stages
 * killed runs left, and make this run's stage.  `flag` names the option in
 * messages (e.g. "--out-dir"). */
int outset_begin(const char *dir, const char *flag, const char *set, outset **out, ketsim_error *err);

/* The staging directory: write the set's files (and figures) there. */
const char *outset_stage(const outset *s);
/* The output directory as given, and the set's name. */
const char *outset_dir(const outset *s);
const char *outset_name(const outset *s);
/* Whether `path` names this set's directory (the same inode). */
int outset_is_dir(const outset *s, const char *path);

/* Open STAGE/NAME for writing (a plain name).  Close with
 * outset_close_file, which flushes, syncs and checks every write. */
int outset_open_file(outset *s, const char *name, FILE **fp, ketsim_error *err);
int outset_close_file(outset *s, FILE *fp, const char *name, ketsim_error *err);

/* Publish every file of the stage as described above; the set then ends.
 * On an error before the stage is ready, the stage is discarded. */
int outset_publish(outset *s, outset_manifest_fn manifest, void *user, ketsim_error *err);

/* End without publishing: remove the stage, and DIR itself if this run
 * created it and it is empty.  Only file-system calls on paths kept in s,
 * so that it can also run from the interrupt watcher. */
void outset_discard(outset *s);

/* Release the lock and the memory (after publish or discard). */
void outset_free(outset *s);

#endif
