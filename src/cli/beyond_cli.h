/* Shared pieces of ketsim predict, design and optimize. */
#ifndef KETSIM_BEYOND_CLI_H
#define KETSIM_BEYOND_CLI_H

#include <stdio.h>

#include "ketsim/error.h"
#include "ketsim/params.h"

/* Writes one file's content; a formats writer with its arguments bound. */
typedef int (*beyond_writer)(FILE *fp, const void *ctx, ketsim_error *err);

/* Write DIR/BASE.csv and DIR/BASE.json atomically: both temporary files are
 * written first and renamed only when both succeeded. */
int beyond_cli_write(const char *dir, const char *base, beyond_writer csv, beyond_writer json, const void *ctx,
                     ketsim_error *err);
/* Integer option in [lo, hi]; -1 when malformed. */
int beyond_cli_count(const char *s, long lo, long hi, long *out);
/* The human parameter table with --set assignments applied. */
int beyond_cli_params(char **sets, size_t n_sets, ketsim_params **out, ketsim_error *err);

#endif
