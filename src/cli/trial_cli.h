/* Shared pieces of `ketsim trial` and the main job. */
#ifndef KETSIM_TRIAL_CLI_H
#define KETSIM_TRIAL_CLI_H

#include <stdio.h>

#include "ketsim/api.h"
#include "ketsim/formats.h"
#include "ketsim/trial.h"
#include "output.h"

int cmd_trial(int argc, char **argv);
void help_trial(void);

/* One finished run: the per-replicate endpoints (include/ketsim/api.h). */
typedef ketsim_trial_outcome trial_cli_result;

/* What goes into the per-subject file. */
enum {
    TRIAL_SUBJECTS_NONE = 0,   /* no file */
    TRIAL_SUBJECTS_FIRST = 1,  /* NAME_subjects.csv, replicate 0 */
    TRIAL_SUBJECTS_NONMEM = 2, /* NAME_subjects_nonmem.csv, replicate 0 */
    TRIAL_SUBJECTS_ALL = 3     /* NAME_subjects.csv, every replicate, streamed */
};

/* Run a scenario (already loaded) on the human table plus `sets`, compute
 * endpoints per replicate, and write the per-subject file (`subjects`, one
 * of TRIAL_SUBJECTS_*) and NAME_summary.json into out's data set and the
 * figures (ketsim_plot_trial) into its figure set, where out has them (out
 * may be NULL).  Replicates are simulated chunk_subjects subjects at a time
 * (at least one replicate; <= 0: 4096).  db (NULL: none) is the open
 * results database of --out: the run fills it and, on failure, removes it;
 * the caller publishes the set and then commits the database.  Returns an
 * exit status (0 on success, the error printed). */
int trial_cli_run(const ketsim_trial_scenario *sc, const ketsim_trial_run_opts *o, char **sets, size_t n_sets,
                  cli_outdirs *out, int subjects, int chunk_subjects, ketsim_results_db *db, trial_cli_result *res);
/* As trial_cli_run, with replicate 0's figures also drawn into fig_dir
 * (NULL: not), for the run report, and published arm means obs (NULL:
 * none) drawn over the MADRS figure. */
int trial_cli_run_figs(const ketsim_trial_scenario *sc, const ketsim_trial_run_opts *o, char **sets, size_t n_sets,
                       cli_outdirs *out, int subjects, int chunk_subjects, ketsim_results_db *db,
                       const char *fig_dir, const ketsim_trial_observed *obs, trial_cli_result *res);
/* The scenario's name is used in file names: it must be plain (no '/',
 * no leading '.'); the error names the scenario file. */
int trial_cli_check_name(const ketsim_trial_scenario *sc, ketsim_error *err);
void trial_cli_result_free(trial_cli_result *res);
/* Independent copies of the replicates' tables (each freed with
 * ketsim_trial_metrics_free), for a consumer that takes ownership. */
int trial_cli_result_copy_reps(const trial_cli_result *res, ketsim_trial_metrics **out, ketsim_error *err);
/* Default thread count: online CPUs, at most 16. */
int trial_cli_default_threads(void);

/* --uncertainty / --parameter-sets (NULL: not given): rp filled for
 * o->replicates and o->rep_params set; 0, or the exit status with the error
 * printed.  Free rp with ketsim_trial_rep_params_free. */
int trial_unc_cli_prepare(const char *fit_json, const char *sets_csv, ketsim_trial_run_opts *o,
                          ketsim_trial_rep_params *rp);
/* --omega PARAMETER=VARIANCE (log scale; repeatable) added to the
 * scenario's own omega, or replacing a variance it gives; 0 or the exit
 * status with the error printed. */
int trial_unc_cli_omega(ketsim_trial_scenario *sc, char **omegas, size_t n);
/* --omega-from FIT.json (NULL: not given): the population fit's OMEGA as
 * the scenario's own variability (ketsim_trial_scenario_omega_from_fit);
 * 0 or the exit status with the error printed. */
int trial_unc_cli_omega_from(ketsim_trial_scenario *sc, const char *fit_json);
/* DIR/NAME_replicate_parameters.csv of a run with per-replicate values. */
int trial_unc_cli_write(const trial_cli_result *res, cli_outdirs *out, ketsim_error *err);

#endif
