/* Pieces of `ketsim simulate` that live outside cmd_simulate.c: dataset runs
 * and figures. */
#ifndef KETSIM_SIM_EXTRAS_H
#define KETSIM_SIM_EXTRAS_H

#include "cli.h"

/* Simulate every subject of a NONMEM-style dataset and write predictions
 * (to a results database when out ends in .sqlite, .sqlite3 or .db; its
 * run table quotes command_line); with report (NULL: none), a run report
 * with the predictions against the observations, committed last. */
int cli_simulate_dataset(const cli_subject *subj, const char *dataset, const char *out, const char *report,
                         int quiet, const char *command_line, ketsim_error *err);

#endif
