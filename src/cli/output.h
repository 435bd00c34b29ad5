/* The CLI's outputs: single files (--out) and output sets (--out-dir and
 * --plot), opened before the work starts (so a location that cannot be
 * written fails at once), registered with the interrupt watcher (so Ctrl-C
 * leaves nothing behind) and published only at the end.  docs/robustness.md
 * lists what each kind of end leaves. */
#ifndef KETSIM_CLI_OUTPUT_H
#define KETSIM_CLI_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

#include "ketsim/error.h"
#include "util/atomic.h"
#include "util/outset.h"

/* ---- one file: --out PATH (atomic; "-" or NULL is standard output) ---- */

typedef struct cli_file {
    atomic_file af;
    int open;
} cli_file;

int cli_file_open(cli_file *f, const char *path, ketsim_error *err);
FILE *cli_file_stream(cli_file *f);
/* Commit the file; an interrupt noticed here discards it instead. */
int cli_file_commit(cli_file *f, ketsim_error *err);
/* Discard (no-op when not open or already committed). */
void cli_file_abort(cli_file *f);

/* ---- output sets: --out-dir DIR and --plot DIR -------------------------- */

/* The command line as typed, for the manifests: main records it before
 * the commands' option parsing reorders argv.  Kept by pointer (main's
 * argv lives as long as the program). */
void cli_record_command(int argc, char **argv);

/* What made a run, for the manifests (the command line besides). */
typedef struct cli_run_info {
    size_t n_seeds;
    const char *seed_names[4];
    unsigned long long seeds[4];
    size_t n_inputs;
    const char *inputs[8];          /* data files read */
} cli_run_info;

typedef struct cli_outdirs {
    outset *data;                   /* --out-dir, or NULL */
    outset *plots;                  /* --plot DIR: == data for the same directory, or NULL */
    char run_id[33];
} cli_outdirs;

/* Begin the sets (either directory may be NULL): the data set is named
 * `set` (SET_manifest.json), a separate figure directory SET_figures. */
int cli_outdirs_begin(cli_outdirs *o, const char *out_dir, const char *plot_dir, const char *set,
                      ketsim_error *err);
/* Where to write data files / figures until publication (NULL: none). */
const char *cli_outdirs_data_stage(const cli_outdirs *o);
const char *cli_outdirs_plot_stage(const cli_outdirs *o);

typedef int (*cli_writer)(FILE *fp, const void *ctx, ketsim_error *err);
/* Write NAME into the data set (under the output lock). */
int cli_outdirs_write(cli_outdirs *o, const char *name, cli_writer fn, const void *ctx, ketsim_error *err);
/* Publish every set (see util/outset.h); on failure the rest are discarded. */
int cli_outdirs_publish(cli_outdirs *o, const cli_run_info *info, ketsim_error *err);
/* Discard every set that is not published and end them. */
void cli_outdirs_end(cli_outdirs *o);

#endif
