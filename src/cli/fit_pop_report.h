/* The run report of a population fit (ketsim fit --method foce-i|saem
 * --report FILE.html): the run, the fit's statistics and verdict, the
 * parameters changed from their defaults, THETA, OMEGA (with shrinkage)
 * and SIGMA with SE, RSE and 95% intervals, and the --plot figures. */
#ifndef KETSIM_CLI_FIT_POP_REPORT_H
#define KETSIM_CLI_FIT_POP_REPORT_H

#include "report_cli.h"
#include "ketsim/popest.h"

typedef struct fit_pop_report_input {
    const ketsim_popest_result *r;
    const ketsim_params *params;    /* the start values' table */
    const char *command_line, *data, *params_file;
    unsigned long long seed;
    int figures;                    /* --plot: a figures section from the report's figure directory */
} fit_pop_report_input;

/* Write every section (no-op without --report); the caller commits. */
int fit_pop_report_write(cli_report *rep, const fit_pop_report_input *in, ketsim_error *err);

#endif
