/* Shared pieces of `ketsim trial` and the main job. */
#ifndef KETSIM_TRIAL_CLI_H
#define KETSIM_TRIAL_CLI_H

#include <stdio.h>

#include "ketsim/api.h"
#include "ketsim/trial.h"

int cmd_trial(int argc, char **argv);
void help_trial(void);

/* One finished run: the per-replicate endpoints (include/ketsim/api.h). */
typedef ketsim_trial_outcome trial_cli_result;

/* Run a scenario (already loaded) on the human table plus `sets`, compute
 * endpoints per replicate, and write DIR/NAME_subjects.csv (replicate 0) and
 * DIR/NAME_summary.json when out_dir is non-NULL, and the figures
 * (ketsim_plot_trial) into plot_dir when that is non-NULL.  Returns an exit
 * status (0 on success, the error printed). */
int trial_cli_run(const ketsim_trial_scenario *sc, const ketsim_trial_run_opts *o, char **sets, size_t n_sets,
                  const char *out_dir, int subjects_csv, const char *plot_dir,
                  trial_cli_result *res);
void trial_cli_result_free(trial_cli_result *res);
/* Default thread count: online CPUs, at most 16. */
int trial_cli_default_threads(void);
/* mkdir DIR if it does not exist (one level); KETSIM_EIO on failure. */
int trial_cli_mkdir(const char *dir, ketsim_error *err);

#endif
