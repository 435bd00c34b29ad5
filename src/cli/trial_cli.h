/* Shared pieces of `ketsim trial` and the main job. */
#ifndef KETSIM_TRIAL_CLI_H
#define KETSIM_TRIAL_CLI_H

#include <stdio.h>

#include "ketsim/formats.h"
#include "ketsim/trial.h"

int cmd_trial(int argc, char **argv);
void help_trial(void);

/* One finished run: the per-replicate endpoints. */
typedef struct trial_cli_result {
    ketsim_trial_scenario sc;
    ketsim_trial_run_opts opts;
    ketsim_trial_defs defs;
    ketsim_trial_metrics *reps; /* opts.replicates entries */
} trial_cli_result;

/* What goes into the per-subject file. */
enum {
    TRIAL_SUBJECTS_NONE = 0,   /* no file */
    TRIAL_SUBJECTS_FIRST = 1,  /* NAME_subjects.csv, replicate 0 */
    TRIAL_SUBJECTS_NONMEM = 2, /* NAME_subjects_nonmem.csv, replicate 0 */
    TRIAL_SUBJECTS_ALL = 3     /* NAME_subjects.csv, every replicate, streamed */
};

/* Run a scenario (already loaded) on the human table plus `sets`, compute
 * endpoints per replicate, and write the per-subject file (`subjects`, one
 * of TRIAL_SUBJECTS_*) and DIR/NAME_summary.json when out_dir is non-NULL,
 * and the figures (ketsim_plot_trial) into plot_dir when that is non-NULL.
 * Replicates are simulated chunk_subjects subjects at a time (at least one
 * replicate; <= 0: 4096).  db (NULL: none) is the open results database
 * of --out: the run fills it, then commits it (success) or removes it
 * (failure).  Returns an exit status (0 on success, the error
 * printed). */
int trial_cli_run(const ketsim_trial_scenario *sc, const ketsim_trial_run_opts *o, char **sets, size_t n_sets,
                  const char *out_dir, int subjects, int chunk_subjects, const char *plot_dir,
                  ketsim_results_db *db, trial_cli_result *res);
void trial_cli_result_free(trial_cli_result *res);
/* Default thread count: online CPUs, at most 16. */
int trial_cli_default_threads(void);
/* mkdir DIR if it does not exist (one level); KETSIM_EIO on failure. */
int trial_cli_mkdir(const char *dir, ketsim_error *err);

#endif
