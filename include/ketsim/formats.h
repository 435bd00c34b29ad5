/* Readers and writers: every file ketsim reads from a user (scenarios, lab
 * protocols, drug files; NONMEM-style datasets in dataset.h, SBML in
 * sbml.h) and every table, CSV and JSON it writes (docs/formats.md).
 *
 * The domain layers below compute and return plain results; this layer is
 * the only one that turns them into text.  All JSON is built and dumped by
 * jansson: 10 significant digits, null for NaN and infinities, members in
 * insertion order.  CSV text fields go through ketsim_csv_field, which
 * quotes them per RFC 4180 when they need it.
 *
 * Writers take a stream the caller opened (an atomic file, stdout, a memory
 * stream) and return KETSIM_OK, KETSIM_ENOMEM (a JSON document could not be
 * built; nothing is written then) or KETSIM_EIO (the stream reported an
 * error), with err filled; they never open or close files themselves. */
#ifndef KETSIM_FORMATS_H
#define KETSIM_FORMATS_H

#include <stddef.h>
#include <stdio.h>

#include "ketsim/beyond.h"
#include "ketsim/calibrate.h"
#include "ketsim/catalog.h"
#include "ketsim/error.h"
#include "ketsim/events.h"
#include "ketsim/lab.h"
#include "ketsim/params.h"
#include "ketsim/simulate.h"
#include "ketsim/trial.h"
#include "ketsim/validate.h"

/* ---- CSV (src/formats/csv_out.c) ------------------------------------------ */

/* Write one CSV field: as is, or between double quotes with every quote
 * doubled when it contains a comma, a double quote, CR or LF (RFC 4180).
 * NULL writes an empty field.  Write errors stay on the stream (ferror). */
void ketsim_csv_field(FILE *fp, const char *text);
/* The same, always between quotes (columns that have always been quoted,
 * such as free-text sources, stay so). */
void ketsim_csv_quoted(FILE *fp, const char *text);

/* ---- drug files (src/formats/drugfile.c; docs/drugs.md) ------------------- */

/* Load a drug file: defines zero or more new compounds (adding their rows to
 * params) and one drug.  *drug_name receives the drug's name (owned by cat). */
int ketsim_catalog_load_drug_file(ketsim_catalog *cat, ketsim_params *params, const char *path,
                                  const char **drug_name, ketsim_error *err);

/* ---- listings (src/formats/params_out.c) ---------------------------------- */

/* The parameter table: one line per row (name, value, '*' when overridden,
 * unit, meaning, source), or as CSV name,value,unit,source,description. */
int ketsim_params_print_table(FILE *fp, const ketsim_params *p, ketsim_error *err);
int ketsim_params_write_csv(FILE *fp, const ketsim_params *p, ketsim_error *err);
/* Every output column with unit and meaning. */
int ketsim_outputs_print(FILE *fp, const ketsim_model *m, ketsim_error *err);
/* The drugs of a catalog with their descriptions. */
int ketsim_catalog_print_drugs(FILE *fp, const ketsim_catalog *cat, ketsim_error *err);

/* ---- simulate (src/formats/traj_out.c) ------------------------------------ */

/* Wide CSV: a header of output names, one row per time. */
int ketsim_traj_write_csv(FILE *fp, const ketsim_trajectory *t, const size_t *cols, size_t n_cols,
                          ketsim_error *err);
/* JSON: species, drug, weight_kg, units {output: unit}, series {output: [..]}. */
int ketsim_traj_write_json(FILE *fp, const ketsim_trajectory *t, const size_t *cols, size_t n_cols,
                           const char *species, const char *drug, double weight_kg, ketsim_error *err);

/* The same two files written row by row as a run is solved
 * (ketsim_subject_run_stream), so that no trajectory is held: CSV rows go
 * out at once; JSON is column-major, so its selected columns are kept (8
 * bytes a value) and written at the end, with the layout of
 * ketsim_traj_write_json.  `m` names the columns (ketsim_model_output). */
typedef struct ketsim_traj_writer ketsim_traj_writer;
int ketsim_traj_writer_open(FILE *fp, int json, const ketsim_model *m, const size_t *cols, size_t n_cols,
                            const char *species, const char *drug, double weight_kg, ketsim_traj_writer **out,
                            ketsim_error *err);
/* One row: every output of the model at one time (outputs[0] the time). */
int ketsim_traj_writer_row(ketsim_traj_writer *w, const double *outputs, ketsim_error *err);
/* The end of the file (JSON: all of it); then free with _free. */
int ketsim_traj_writer_finish(ketsim_traj_writer *w, ketsim_error *err);
void ketsim_traj_writer_free(ketsim_traj_writer *w);

/* ---- trial scenarios (src/formats/scenario.c; docs/trial.md) -------------- */

/* Load and check a scenario file.  Every error is KETSIM_EINPUT with
 * "FILE:LINE: field 'PATH': ..." in the message, before any work is done. */
int ketsim_trial_scenario_load(const char *path, ketsim_trial_scenario *sc, ketsim_error *err);
int ketsim_trial_scenario_load_string(const char *name, const char *text, ketsim_trial_scenario *sc,
                                      ketsim_error *err);
/* Directory of built-in scenarios: $KETSIM_DATA_DIR/scenarios or the
 * compiled-in data directory. */
char *ketsim_trial_scenario_dir(char *buf, size_t size);
/* NAME (built-in, looked up in ketsim_trial_scenario_dir) or a path to a file. */
int ketsim_trial_scenario_resolve(const char *name_or_path, ketsim_trial_scenario *sc, ketsim_error *err);
/* The built-in scenarios, one line each: name and description (or why the
 * file is invalid). */
int ketsim_trial_scenario_list(FILE *fp, ketsim_error *err);

/* Published arm means of sc's arms (docs/trial.md, "Figures"): a CSV with
 * the columns arm, time_h and madrs_mean, optionally madrs_se and source,
 * in any order, on the first line that is not blank or a comment (#);
 * blank and comment lines are skipped.  Errors
 * name the file, line and column.  Release with ketsim_trial_observed_free. */
int ketsim_trial_observed_read(const char *path, const ketsim_trial_scenario *sc, ketsim_trial_observed *out,
                               ketsim_error *err);
void ketsim_trial_observed_free(ketsim_trial_observed *o);
/* ketsim_trial_scenario_resolve as a ketsim_scenario_loader (validate.h),
 * for ketsim_validation_set_scenario_loader and ketsim_calib_options;
 * `user` is unused. */
int ketsim_formats_scenario_loader(const char *name, ketsim_trial_scenario *sc, void *user, ketsim_error *err);

/* ---- trial results (src/formats/trial_out.c, nonmem_out.c) ---------------- */

/* Per-subject long CSV of one replicate (rows: subject x period x visit);
 * the header is written with replicate 0, so replicates written one after
 * the other in order make one file.  d gives the response rule of the
 * infusions_to_response column. */
int ketsim_trial_write_subjects_csv(FILE *fp, const ketsim_trial_scenario *sc, const ketsim_trial_defs *d,
                                    const ketsim_trial_subject_result *subj, int replicate, ketsim_error *err);
/* Replicate 0 as a NONMEM-style dataset: ID (1-based), TIME (h), AMT (mg),
 * RATE (mg/h), CMT, EVID (1 dose, 0 rating), MDV, DV (rated MADRS), OUTPUT
 * madrs, ARM, PERIOD, WT, SEX, AGE, GENO (BDNF Met carrier).  Control arms
 * have no dose records; failed subjects are left out. */
int ketsim_trial_write_subjects_nonmem(FILE *fp, const ketsim_trial_scenario *sc,
                                       const ketsim_trial_subject_result *subj, ketsim_error *err);
/* Summary over replicates (schema ketsim-trial-summary/1): the endpoint
 * rules (d with the scenario's own), for each metric median, p5, p95, mean,
 * SD and the number of replicates where it is defined; for each p value
 * metric, the power with its Wilson interval. */
int ketsim_trial_write_summary_json(FILE *fp, const ketsim_trial_scenario *sc, const ketsim_trial_defs *d,
                                    const ketsim_trial_run_opts *o, const ketsim_trial_metrics *reps, size_t n_reps,
                                    ketsim_error *err);
/* Per-replicate typical values (src/formats/trial_unc_io.c, docs/trial.md
 * "Parameter uncertainty").  A population fit's fit.json: its THETAs of
 * model rows with the covariance of their logs (refused without a
 * successful covariance step).  A table of parameter sets: a header of
 * parameter names (an optional first column `replicate` is ignored, so the
 * file written below reads back), then one row per replicate. */
int ketsim_trial_uncertainty_load(const char *path, ketsim_trial_uncertainty *u, ketsim_error *err);
int ketsim_trial_param_sets_load(const char *path, ketsim_trial_rep_params *rp, ketsim_error *err);
/* A population fit's OMEGA (fit.json's `omega`: variances and block
 * covariances of the ETAs) into the scenario's own variability: each ETA's
 * parameter is added to sc's omega or has its variance replaced, and the
 * covariances between the fit's ETAs replace the scenario's for those
 * pairs (src/formats/fit_omega_io.c).  Refused: a fit that is not
 * converged, one without ETAs, a variance outside (0, 10].  Names and
 * positive definiteness are checked by ketsim_trial_scenario_omega_check. */
int ketsim_trial_scenario_omega_from_fit(const char *path, ketsim_trial_scenario *sc, ketsim_error *err);
/* replicate,NAME,... with the values replicates [0, replicates) used. */
int ketsim_trial_write_rep_params_csv(FILE *fp, const ketsim_trial_rep_params *rp, int replicates, ketsim_error *err);
/* The readable table of a run: per visit and arm MADRS change, response and
 * remission; burden per arm; per comparison difference, effect size and
 * power (at o->alpha); onset, peak, duration; sessions to response; the
 * early visit as a test; relapse by both rules. */
int ketsim_trial_print_table(FILE *fp, const ketsim_trial_scenario *sc, const ketsim_trial_defs *d,
                             const ketsim_trial_run_opts *o, const ketsim_trial_metrics *reps, size_t n_reps,
                             ketsim_error *err);

/* ---- results in SQLite (src/formats/sqlite_out.c; docs/formats.md) ------- */

/* A results database being written (schema ketsim-results/2).  It is built
 * in PATH.tmp.XXXXXX inside one transaction; _commit builds the indexes,
 * commits, closes, fsyncs and renames it over PATH (and frees it); _abort
 * removes the temporary file (and frees it), so a failed or killed run
 * leaves the previous database at PATH, or none.  _open checks the path
 * first: a missing directory or a directory as PATH is KETSIM_EINPUT. */
typedef struct ketsim_results_db ketsim_results_db;
int ketsim_results_db_open(const char *path, ketsim_results_db **out, ketsim_error *err);
int ketsim_results_db_commit(ketsim_results_db *db, ketsim_error *err);
void ketsim_results_db_abort(ketsim_results_db *db);
/* The temporary file being written (PATH.tmp.XXXXXX), for a caller that
 * must remove it from a signal's cleanup without touching the database. */
const char *ketsim_results_db_temp_path(const ketsim_results_db *db);
/* One row of the run table (key unique) and of the data_file table. */
int ketsim_results_db_meta(ketsim_results_db *db, const char *key, const char *value, ketsim_error *err);
int ketsim_results_db_data_file(ketsim_results_db *db, const char *path, const char *role, ketsim_error *err);
/* Every row of p whose value differs from its default; rows named in
 * scenario_names have origin "scenario", the others "--set". */
int ketsim_results_db_params(ketsim_results_db *db, const ketsim_params *p, const char *const *scenario_names,
                             size_t n_scenario, ketsim_error *err);
/* The arms and visits of a scenario. */
int ketsim_results_db_trial_design(ketsim_results_db *db, const ketsim_trial_scenario *sc, ketsim_error *err);
/* One replicate's subjects: covariates (failed ones too), per period the
 * arm, burden peaks and sessions to response, and every rating. */
int ketsim_results_db_trial_subjects(ketsim_results_db *db, const ketsim_trial_scenario *sc,
                                     const ketsim_trial_defs *d, const ketsim_trial_subject_result *subj,
                                     int replicate, ketsim_error *err);
/* Every endpoint of every replicate, their summary over replicates (as in
 * the summary JSON) and the power of each p value metric. */
int ketsim_results_db_trial_endpoints(ketsim_results_db *db, const ketsim_trial_scenario *sc,
                                      const ketsim_trial_run_opts *o, const ketsim_trial_metrics *reps,
                                      size_t n_reps, ketsim_error *err);
/* A lab experiment: its groups and read-outs, every animal's value, the
 * group statistics and the contrasts (as in the lab summary JSON). */
int ketsim_results_db_lab(ketsim_results_db *db, const ketsim_lab_result *res, ketsim_error *err);
/* simulate --dataset: every record of the dataset as read (typed), with
 * the prediction on prediction records (pred: one value per record), and
 * the covariates given on each record. */
int ketsim_results_db_dataset(ketsim_results_db *db, const ketsim_events *ev, const double *pred, ketsim_error *err);
/* predict: every marker as its predict.csv row (with its description), its
 * ROC curve, the literature comparison, each subject's outcome and %
 * MADRS change, and every marker's value in every subject. */
int ketsim_results_db_predict(ketsim_results_db *db, const ketsim_predict_report *rep, ketsim_error *err);
/* design: every candidate as its design.csv row (with the dose in words)
 * and its knobs. */
int ketsim_results_db_design(ketsim_results_db *db, const ketsim_design_candidate *cand,
                             const ketsim_design_result *res, size_t n, ketsim_error *err);
/* design: one candidate's patients (-1: the placebo reference), as
 * ketsim_design_opts.on_subjects hands them over. */
int ketsim_results_db_design_subjects(ketsim_results_db *db, long candidate, const ketsim_design_subject *s, int n,
                                      ketsim_error *err);
/* optimize: the best regimens and the standard course as optimize.csv's
 * rows (rank "1", "2", "3", "standard") with their dose days. */
int ketsim_results_db_optimize(ketsim_results_db *db, const ketsim_opt_report *rep, ketsim_error *err);
/* optimize: the fresh cohort under one regimen (rank -1: the standard
 * course), as ketsim_opt_opts.on_subjects hands it over. */
int ketsim_results_db_optimize_subjects(ketsim_results_db *db, long rank, const ketsim_opt_subject *s, int n,
                                        ketsim_error *err);
/* predict, design and optimize --uncertainty: the THETAs of draws [0,
 * draws) as BASE_uncertainty_parameters.csv holds them (draw k: row k of
 * rp), one uncertainty_draw row per draw and parameter. */
int ketsim_results_db_uncertainty_draws(ketsim_results_db *db, const ketsim_trial_rep_params *rp, long draws,
                                        ketsim_error *err);
/* A number followed over the draws of --uncertainty, as its row of
 * BASE_uncertainty.csv: the value at the fit's estimates, its value in each
 * draw and the spread over the draws where it is defined (NaN: undefined,
 * or fewer than two such draws).  The values are strided so that a caller's
 * draws x quantities table is handed over without a copy. */
typedef struct ketsim_uncertainty_quantity {
    const char *name;
    double at_estimates, median, p2_5, p97_5, sd;
    size_t n_defined;      /* draws where it is defined */
    size_t n_draws;
    const double *value;   /* draw k: value[k * stride] */
    size_t stride;
} ketsim_uncertainty_quantity;
/* Quantity `index` (its row in BASE_uncertainty.csv, from 0): one
 * uncertainty_summary row and one uncertainty_value row per draw. */
int ketsim_results_db_uncertainty_quantity(ketsim_results_db *db, size_t index, const ketsim_uncertainty_quantity *u,
                                           ketsim_error *err);

/* ---- lab protocols and results (src/formats/protocol.c, lab_out.c) -------- */

/* Parse and check a protocol file; nothing is simulated.  `tables` (any
 * species, e.g. from ketsim_params_create) holds the registered parameter
 * tables the groups' `set` names are checked against.  Errors name
 * FILE:LINE and the field (KETSIM_EINPUT). */
int ketsim_lab_protocol_load(const char *path, const ketsim_params *tables, ketsim_lab_protocol *out,
                             ketsim_error *err);
/* Built-in protocols: data/lab/NAME.yaml; find the file for NAME. */
int ketsim_lab_protocol_find(const char *name_or_path, char *path, size_t size, ketsim_error *err);
/* List built-in protocol names, one per line, with their descriptions. */
int ketsim_lab_protocol_list(FILE *out, const ketsim_params *tables, ketsim_error *err);
/* Paper-style table: groups, then mean +- SEM and p per read-out. */
int ketsim_lab_print_table(const ketsim_lab_result *r, FILE *out, ketsim_error *err);
/* One row per animal and read-out. */
int ketsim_lab_write_animals_csv(const ketsim_lab_result *r, FILE *out, ketsim_error *err);
/* Group statistics per read-out (schema ketsim-lab-summary/1). */
int ketsim_lab_write_summary_json(const ketsim_lab_result *r, FILE *out, ketsim_error *err);

/* ---- validation and calibration (src/formats/validate_out.c) -------------- */

/* Read the targets table (docs/validation.md): every row checked, errors
 * naming FILE:LINE and the column; the scenario loader is the formats one. */
int ketsim_targets_read(const char *path, const ketsim_params *base, ketsim_validation **out,
                        ketsim_error *err);
/* Literature, accepted range, simulated value, margin and pass/MISS per
 * target, and the totals by role. */
int ketsim_validation_print_table(FILE *fp, const ketsim_validation *v, ketsim_error *err);
/* {"targets": [...], "totals": {...}}. */
int ketsim_validation_write_json(FILE *fp, const ketsim_validation *v, ketsim_error *err);
/* The validation report (docs/validation.md): totals, then checks and
 * calibration targets with literature, source, range and its reason,
 * simulated value, margin and result.  `command` is quoted as what made it. */
int ketsim_validation_write_markdown(FILE *fp, const ketsim_validation *v, const char *command,
                                     ketsim_error *err);
/* Read the priors of the calibrated parameters (data/calibration_prior.txt:
 * `NAME = VALUE | literature|assumption | SOURCE`, src/formats/calib_priors.c);
 * *out is freed with free(). */
int ketsim_calib_priors_read(const char *path, ketsim_calib_prior **out, size_t *n_out, ketsim_error *err);
/* Parameters (prior, start, fitted, distance, basis), targets before and
 * after, and identifiability (rank, condition, undetermined combinations,
 * calibration targets nothing was set against); `species` names the species
 * the values are for. */
int ketsim_calib_print(FILE *fp, const ketsim_calib_result *r, const char *species, ketsim_error *err);
/* NAME=VALUE lines (a parameter file for --params) after a comment line. */
int ketsim_calib_write_params(FILE *fp, const ketsim_calib_result *r, ketsim_error *err);

/* ---- predict, design, optimize (src/formats/predict_out.c,
 *      compound_design_out.c, regimen_opt_out.c; docs/beyond.md) ----------- */

int ketsim_predict_print(FILE *fp, const ketsim_predict_opts *o, const ketsim_predict_report *rep, ketsim_error *err);
int ketsim_predict_write_csv(FILE *fp, const ketsim_predict_report *rep, ketsim_error *err);
int ketsim_predict_write_json(FILE *fp, const ketsim_predict_opts *o, const ketsim_predict_report *rep,
                              ketsim_error *err);

int ketsim_design_print(FILE *fp, const ketsim_design_candidate *cand, const ketsim_design_result *res, size_t n,
                        const ketsim_design_opts *o, ketsim_error *err);
int ketsim_design_write_csv(FILE *fp, const ketsim_design_candidate *cand, const ketsim_design_result *res, size_t n,
                            ketsim_error *err);
int ketsim_design_write_json(FILE *fp, const ketsim_design_candidate *cand, const ketsim_design_result *res, size_t n,
                             const ketsim_design_opts *o, ketsim_error *err);

int ketsim_opt_print(FILE *fp, const ketsim_opt_opts *o, const ketsim_opt_report *rep, ketsim_error *err);
int ketsim_opt_write_csv(FILE *fp, const ketsim_opt_report *rep, ketsim_error *err);
int ketsim_opt_write_json(FILE *fp, const ketsim_opt_opts *o, const ketsim_opt_report *rep, ketsim_error *err);

/* ---- output-set manifests (src/formats/manifest_out.c; docs/formats.md) -- */

/* One file of an output set. */
typedef struct ketsim_manifest_file {
    const char *name;          /* inside the output directory */
    unsigned long long bytes;
    const char *sha256;        /* 64 hexadecimal digits */
} ketsim_manifest_file;

/* What a run published into one directory, and how it was made. */
typedef struct ketsim_manifest {
    const char *set;           /* e.g. "zarate2006": the file is SET_manifest.json */
    const char *run_id;        /* random, unique per run */
    const char *created_utc;   /* ISO 8601 */
    const char *version;       /* ketsim's */
    int argc;                  /* the command line, argv[0] = "ketsim" */
    char *const *argv;
    size_t n_seeds;            /* the seeds used, by name (e.g. "zarate2006") */
    const char *const *seed_names;
    const unsigned long long *seeds;
    size_t n_inputs;           /* the data files read (scenarios, protocols, targets) */
    const char *const *inputs;
    size_t n_files;
    const ketsim_manifest_file *files;
} ketsim_manifest;

int ketsim_manifest_write_json(FILE *fp, const ketsim_manifest *m, ketsim_error *err);

#endif
