/* Writing a trajectory: wide CSV (one row per time, one column per output)
 * and JSON (columns as arrays). */
#ifndef KETSIM_TRAJIO_H
#define KETSIM_TRAJIO_H

#include <stdio.h>
#include "ketsim/simulate.h"

void trajio_write_csv(FILE *fp, const ketsim_trajectory *t, const size_t *cols, size_t n_cols);
void trajio_write_json(FILE *fp, const ketsim_trajectory *t, const size_t *cols, size_t n_cols,
                       const char *species, const char *drug, double weight_kg);
/* Write a JSON string literal with escapes. */
void trajio_json_string(FILE *fp, const char *s);

#endif
