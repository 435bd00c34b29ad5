/* --out FILE.sqlite on the CLI: open the results database and record what
 * ran (src/formats/sqlite_out.c writes it; docs/formats.md has the schema). */
#ifndef KETSIM_CLI_RESULTS_DB_H
#define KETSIM_CLI_RESULTS_DB_H

#include "ketsim/formats.h"

/* Whether PATH names a results database (.sqlite, .sqlite3 or .db). */
int cli_results_db_path(const char *path);
/* The command line "ketsim CMD ARGS..." as a shell would take it back (an
 * argument that is not plain in single quotes), into buf; call it before
 * getopt_long, which reorders argv. */
void cli_results_db_command_line(char *buf, size_t size, int argc, char **argv);
/* Open PATH and store the run's metadata: command, command line, version,
 * the git commit the program was configured from, thread count and data
 * directory. */
int cli_results_db_open(const char *path, const char *command, const char *command_line, int threads,
                        ketsim_results_db **db, ketsim_error *err);
/* Commit (the database takes its name) or remove it; both end it and
 * take it off the interrupt cleanup list that _open put it on, so a Ctrl-C
 * while it is being written removes the temporary file.  NULL: nothing. */
int cli_results_db_commit(ketsim_results_db *db, ketsim_error *err);
void cli_results_db_abort(ketsim_results_db *db);
/* The end of a run's database: committed when rc is 0 (the commit's status
 * is returned), else removed and rc returned.  NULL: rc. */
int cli_results_db_end(ketsim_results_db *db, int rc, ketsim_error *err);
/* A trial's own rows: scenario, seed, replicates, subjects, the scenario
 * file, the arms and visits, and every parameter that differs from its
 * default (base with --set; the scenario's own `set` entries are applied to
 * a copy here, as the run applies them). */
int cli_results_db_trial_setup(ketsim_results_db *db, const ketsim_trial_scenario *sc,
                               const ketsim_trial_run_opts *o, const ketsim_params *base, ketsim_error *err);
/* A lab run's rows (experiment, seed, species, strain, stress, the
 * protocol file, parameters that differ from the species' defaults, and
 * the results), then the commit; on failure the database is removed. */
int cli_results_db_lab_finish(ketsim_results_db *db, const ketsim_lab_result *res, const ketsim_params *params,
                              ketsim_error *err);
/* predict, design and optimize: their run rows (seeds, cohort sizes,
 * options; the files read, with the fit of --uncertainty, whose draws
 * beyond_unc_write stores) before the run, and their results after it.  Each
 * holds the output lock while it writes.  predict's parameters are the
 * table with --set, before any fit's estimates. */
int cli_results_db_predict_setup(ketsim_results_db *db, const ketsim_predict_opts *o, const ketsim_params *params,
                                 const char *fit, long draws, ketsim_error *err);
int cli_results_db_predict(ketsim_results_db *db, const ketsim_predict_report *rep, ketsim_error *err);
int cli_results_db_design_setup(ketsim_results_db *db, const ketsim_design_opts *o, const char *const *drug_files,
                                size_t n_files, const char *fit, long draws, ketsim_error *err);
int cli_results_db_design(ketsim_results_db *db, const ketsim_design_candidate *cand, const ketsim_design_result *res,
                          size_t n, ketsim_error *err);
int cli_results_db_optimize_setup(ketsim_results_db *db, const ketsim_opt_opts *o, const char *fit, long draws,
                                  ketsim_error *err);
int cli_results_db_optimize(ketsim_results_db *db, const ketsim_opt_report *rep, ketsim_error *err);
/* The per-patient callbacks (ketsim_design_subjects_fn, ketsim_opt_subjects_fn)
 * with the database as user pointer. */
int cli_results_db_design_subjects(void *db, long candidate, const ketsim_design_subject *s, int n,
                                   ketsim_error *err);
int cli_results_db_optimize_subjects(void *db, long rank, const ketsim_opt_subject *s, int n, ketsim_error *err);

#endif
