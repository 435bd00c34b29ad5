/* Shared pieces of ketsim predict, design and optimize. */
#ifndef KETSIM_BEYOND_CLI_H
#define KETSIM_BEYOND_CLI_H

#include <stdio.h>

#include "ketsim/error.h"
#include "ketsim/params.h"
#include "output.h"

/* Writes one file's content; a formats writer with its arguments bound. */
typedef int (*beyond_writer)(FILE *fp, const void *ctx, ketsim_error *err);

/* Draws the command's figures into a directory. */
typedef int (*beyond_plotter)(const void *ctx, const char *dir, ketsim_error *err);

/* Open the output sets (--out-dir, --plot; either may be NULL) before the
 * work: named BASE (BASE_manifest.json). */
int beyond_cli_begin(cli_outdirs *out, const char *out_dir, const char *plot_dir, const char *base,
                     ketsim_error *err);
/* Write BASE.csv and BASE.json into the data set and the figures into the
 * figure set, then publish both (or, on an error, discard them). */
int beyond_cli_finish(cli_outdirs *out, const char *base, beyond_writer csv, beyond_writer json, const void *ctx,
                      beyond_plotter plot, const void *plot_ctx, const cli_run_info *info, ketsim_error *err);
/* Integer option in [lo, hi]; -1 when malformed. */
int beyond_cli_count(const char *s, long lo, long hi, long *out);
/* The human parameter table with --set assignments applied. */
int beyond_cli_params(char **sets, size_t n_sets, ketsim_params **out, ketsim_error *err);

#endif
