/* Shared pieces of `ketsim trial` and the main job. */
#ifndef KETSIM_TRIAL_CLI_H
#define KETSIM_TRIAL_CLI_H

#include <stdio.h>

#include "ketsim/trial.h"
#include "output.h"

int cmd_trial(int argc, char **argv);
void help_trial(void);

/* One finished run: the per-replicate endpoints. */
typedef struct trial_cli_result {
    ketsim_trial_scenario sc;
    ketsim_trial_run_opts opts;
    ketsim_trial_defs defs;
    ketsim_trial_metrics *reps; /* opts.replicates entries */
} trial_cli_result;

/* Run a scenario (already loaded) on the human table plus `sets`, compute
 * endpoints per replicate, and write NAME_subjects.csv (replicate 0) and
 * NAME_summary.json into out's data set and the figures (ketsim_plot_trial)
 * into its figure set, where out has them (out may be NULL).  The caller
 * publishes.  Returns an exit status (0 on success, the error printed). */
int trial_cli_run(const ketsim_trial_scenario *sc, const ketsim_trial_run_opts *o, char **sets, size_t n_sets,
                  cli_outdirs *out, int subjects_csv, trial_cli_result *res);
/* The scenario's name is used in file names: it must be plain (no '/',
 * no leading '.'); the error names the scenario file. */
int trial_cli_check_name(const ketsim_trial_scenario *sc, ketsim_error *err);
void trial_cli_result_free(trial_cli_result *res);
/* Default thread count: online CPUs, at most 16. */
int trial_cli_default_threads(void);

#endif
