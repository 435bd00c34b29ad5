/* The seed's Table 1 and Table 2 for the main job, made of the target rows
 * of data/targets.csv whose `table` column names them. */
#ifndef KETSIM_CLI_MAIN_TABLES_H
#define KETSIM_CLI_MAIN_TABLES_H

#include <stdio.h>
#include "ketsim/error.h"
#include "ketsim/validate.h"

/* Run the targets of table `code` ("1", "1s" or "2") and print one row each
 * under `title`: quantity, literature value, simulated value, accepted range
 * and pass/MISS, judged exactly as `ketsim validate` judges them.  Adds the
 * passes and misses to *pass and *miss. */
int main_tables_print(FILE *fp, ketsim_validation *v, const char *code, const char *title, size_t *pass,
                      size_t *miss, ketsim_error *err);

#endif
