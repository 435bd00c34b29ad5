/* Atomic output files: write to PATH.tmp.XXXXXX in the same directory, then
 * rename over PATH on success, so a reader never sees a half-written file and
 * a failed or killed run leaves no file at PATH. */
#ifndef KETSIM_ATOMIC_H
#define KETSIM_ATOMIC_H

#include <stdio.h>
#include "ketsim/error.h"

typedef struct atomic_file {
    FILE *fp;
    char final_path[4096];
    char tmp_path[4096 + 16];
    int is_stdout;
} atomic_file;

/* path "-" (or NULL) writes to stdout. */
int atomic_open(atomic_file *af, const char *path, ketsim_error *err);
/* Flush, fsync and rename; on any write error remove the temporary file. */
int atomic_commit(atomic_file *af, ketsim_error *err);
/* Abandon: remove the temporary file. */
void atomic_abort(atomic_file *af);

#endif
