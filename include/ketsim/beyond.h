/* Beyond the anchors: early markers of response, compound design and regimen
 * optimisation on virtual cohorts (docs/beyond.md).
 *
 *   ketsim_beyond_predict   which early measurement predicts an outcome (ROC/AUC with
 *                    bootstrap intervals, Youden cut, correlations);
 *   ketsim_beyond_design    candidate compounds (drug files with knobs) against
 *                    efficacy and burden, with the Pareto front;
 *   ketsim_beyond_optimize  dose, infusion, route, interval and number of doses that
 *                    maximise time in response under caps.
 * All three run virtual cohorts (include/ketsim/cohort.h) with common random
 * numbers: every candidate sees the same virtual patients.  Their tables,
 * CSV and JSON are written by the formats layer (include/ketsim/formats.h). */
#ifndef KETSIM_BEYOND_H
#define KETSIM_BEYOND_H

#include <stddef.h>
#include <stdint.h>

#include "ketsim/catalog.h"
#include "ketsim/error.h"
#include "ketsim/params.h"
#include "ketsim/regimen.h"
#include "ketsim/roc.h"
#include "ketsim/stats.h"
#include "ketsim/trial.h"

/* ---- predict -------------------------------------------------------------- */

typedef enum ketsim_predict_outcome { KETSIM_PREDICT_RESPONSE_24H = 0, KETSIM_PREDICT_RESPONSE_END, KETSIM_PREDICT_RELAPSE_BY } ketsim_predict_outcome;

#define KETSIM_PREDICT_MAX_USER 8
#define KETSIM_PREDICT_MAX_ROWS 24

typedef struct ketsim_predict_user_marker {
    char output[64];  /* model output name */
    double time_h;    /* after the first dose; < 0: peak over the first 4 h */
} ketsim_predict_user_marker;

typedef struct ketsim_predict_opts {
    ketsim_trial_scenario sc;         /* course, visits and dose of its first active arm */
    ketsim_predict_outcome outcome;
    double relapse_days;       /* KETSIM_PREDICT_RELAPSE_BY: window after the last dose */
    size_t n_user;
    ketsim_predict_user_marker user[KETSIM_PREDICT_MAX_USER];
    int default_markers;       /* 1: the built-in candidate markers too */
    uint64_t seed;
    int n_subjects;
    int threads;
    int n_boot;
} ketsim_predict_opts;

typedef struct ketsim_predict_row {
    char name[96];
    char description[160];
    size_t n;                 /* subjects with the outcome defined */
    ketsim_roc_result roc;    /* curve owned by the row */
    int roc_ok;               /* 0: marker constant (no ROC) */
    double r_outcome, rho_outcome;   /* point-biserial (Pearson) and Spearman with the 0/1 outcome */
    double r_change, p_change;       /* Pearson with the % MADRS change at the outcome visit */
    double rho_change;
    int binary;               /* 1: the marker is 0 or 1 in every subject, a yes/no test */
    ketsim_stats_diagnostic diag; /* binary: test positive = 1; sensitivity, specificity,
                                     PPV, NPV with Wilson 95% intervals */
    double *values;           /* the marker in each of the n_subjects subjects (owned) */
} ketsim_predict_row;

typedef struct ketsim_predict_report {
    char outcome_label[64];
    char change_label[96];
    double outcome_time_h;    /* visit the outcome is rated at (after the first dose) */
    int n_subjects;
    size_t n_defined, n_positive;
    size_t n_rows;
    ketsim_predict_row rows[KETSIM_PREDICT_MAX_ROWS]; /* ranked: oriented AUC, descending */
    /* Per subject (n_subjects each, owned): kept so that a cohort's results
     * can be stored with its patients, not only as the statistics above. */
    int *outcome;             /* 0/1; -1 where undefined (relapse: not a responder) */
    double *change;           /* % MADRS change from baseline at the outcome visit */
} ketsim_predict_report;

int ketsim_beyond_predict(const ketsim_params *params, const ketsim_predict_opts *o, ketsim_predict_report *rep, ketsim_error *err);
/* Frees the curves and the per-subject arrays (not rep itself). */
void ketsim_predict_report_free(ketsim_predict_report *rep);

/* ---- design --------------------------------------------------------------- */

#define KETSIM_DESIGN_MAX_SETS 12
#define KETSIM_DESIGN_MAX_CANDIDATES 400

/* A candidate: a drug of the catalog, parameter overrides (knobs) and one
 * dose at time 0. */
typedef struct ketsim_design_candidate {
    char name[96];
    char drug[KETSIM_NAME_MAX];
    size_t n_sets;
    char set_name[KETSIM_DESIGN_MAX_SETS][96];
    double set_value[KETSIM_DESIGN_MAX_SETS];
    ketsim_route route;
    double amount;          /* mg, or mg/kg when per_kg */
    int per_kg;
    double duration_h;      /* infusion (0 = bolus) */
    int placebo;            /* 1: no drug (the reference every effect is measured against) */
} ketsim_design_candidate;

typedef struct ketsim_design_result {
    double response_24h, response_24h_lo, response_24h_hi; /* fraction, Wilson 95% */
    double days_in_response, days_lo, days_hi;               /* mean over 14 d, t 95% interval */
    double response_24h_excess;     /* minus placebo (same patients) */
    double days_excess;
    double madrs_effect_24h;        /* mean true MADRS at 24 h minus placebo's (points; < 0 = better) */
    double cadss_peak, sbp_peak;    /* mean per-patient peak over 0-3 h */
    int effective;                  /* days_excess > 0 and response_24h_excess > 0 */
    int pareto;                     /* on the front among effective candidates */
} ketsim_design_result;

/* One patient's outcome under one candidate (the terms of its result). */
typedef struct ketsim_design_subject {
    int response_24h;               /* 0/1 */
    double days_in_response;        /* days 1..horizon with rated MADRS in response */
    double madrs_true_24h;          /* true MADRS at 24 h (points) */
    double cadss_peak, sbp_peak;    /* peak over 0-3 h */
} ketsim_design_subject;

/* Receives each candidate's patients (candidate -1: the placebo reference,
 * first), in candidate order whatever the thread count; a non-zero return
 * stops the run with that status. */
typedef int (*ketsim_design_subjects_fn)(void *user, long candidate, const ketsim_design_subject *s, int n,
                                         ketsim_error *err);

typedef struct ketsim_design_opts {
    int n_subjects;
    uint64_t seed;
    int threads;
    double horizon_days;            /* 14 */
    ketsim_design_subjects_fn on_subjects; /* optional (NULL: nothing per patient) */
    void *subjects_user;
} ketsim_design_opts;

/* Evaluate candidates (cand[0..n-1]) on one virtual cohort; the placebo
 * reference is run as well (first, if none of cand is a placebo).  params
 * and cat hold every drug file the candidates use. */
int ketsim_beyond_design(const ketsim_params *params, const ketsim_catalog *cat, const ketsim_design_candidate *cand, size_t n,
                  const ketsim_design_opts *o, ketsim_design_result *res, ketsim_error *err);
/* Mark the Pareto front: maximise days_excess and response_24h_excess,
 * minimise cadss_peak and sbp_peak, among effective candidates. */
void ketsim_design_pareto(const ketsim_design_candidate *cand, ketsim_design_result *res, size_t n);
/* Knob -> parameter override on compound `compound` (see docs/beyond.md);
 * dose knobs (dose_mg_per_kg, dose_mg, infusion_h) change the candidate's
 * dose instead. */
int ketsim_design_apply_knob(const ketsim_params *params, const char *compound, const char *knob, double value,
                      ketsim_design_candidate *c, ketsim_error *err);

/* ---- optimize ------------------------------------------------------------- */

typedef enum ketsim_opt_family { KETSIM_OPT_IV_KETAMINE = 0, KETSIM_OPT_IN_ESKETAMINE = 1 } ketsim_opt_family;

#define KETSIM_OPT_MAX_DOSES 32
#define KETSIM_OPT_TOP 3

/* A course: n_doses of `dose` (mg/kg IV racemic ketamine over infusion_h, or
 * flat mg intranasal esketamine) every interval_d days from day 0; or, with
 * n_explicit > 0, at the listed days. */
typedef struct ketsim_opt_regimen {
    ketsim_opt_family family;
    double dose;
    double infusion_h;
    double interval_d;
    int n_doses;
    size_t n_explicit;
    double day[KETSIM_OPT_MAX_DOSES];
} ketsim_opt_regimen;

typedef struct ketsim_opt_bounds {
    int use_iv, use_in;
    double dose_lo, dose_hi;         /* IV, mg/kg */
    double infusion_lo_h, infusion_hi_h;
    double interval_lo_d, interval_hi_d;
    int doses_lo, doses_hi;
    size_t n_in_doses;               /* intranasal esketamine, mg (e.g. 56, 84) */
    double in_dose[4];
} ketsim_opt_bounds;

/* One patient of the fresh cohort under one regimen. */
typedef struct ketsim_opt_subject {
    double objective_d;              /* smooth days in response */
    double days_in_response;         /* rated, at daily visits */
    int response_end;                /* 0/1, at the last daily visit */
    double cadss_peak, sbp_peak;     /* peak over all sessions */
} ketsim_opt_subject;

/* Receives the fresh cohort's patients under each regimen: rank -1 the
 * standard course (first), then 0, 1, ... the best regimens in rank order;
 * a non-zero return stops the run with that status. */
typedef int (*ketsim_opt_subjects_fn)(void *user, long rank, const ketsim_opt_subject *s, int n, ketsim_error *err);

typedef struct ketsim_opt_opts {
    ketsim_opt_bounds b;
    double cap_cadss, cap_sbp;       /* INFINITY: no cap */
    int max_visits;
    double horizon_d;
    int n_subjects;                  /* optimisation cohort */
    uint64_t seed;
    int eval_subjects;               /* fresh cohort */
    uint64_t eval_seed;
    int threads;
    int grid;                        /* 1: grid search; 0: Nelder-Mead */
    int grid_n;                      /* grid levels per continuous variable */
    int max_iter;                    /* Nelder-Mead iterations per structure */
    ketsim_opt_subjects_fn on_subjects; /* optional (NULL: nothing per patient) */
    void *subjects_user;
} ketsim_opt_opts;

/* On one cohort: the smooth objective (mean over patients of the days whose
 * MADRS is below half of baseline, through a logistic of width 0.05 of
 * baseline, so that it changes smoothly with dose and timing) and burden. */
typedef struct ketsim_opt_eval {
    double objective_d;
    double cadss_peak, sbp_peak;     /* mean per-patient peak over all sessions */
    int feasible;
} ketsim_opt_eval;

/* On the fresh cohort, with rated (noisy) MADRS at daily visits. */
typedef struct ketsim_opt_fresh {
    double objective_d;              /* the smooth objective on the fresh cohort */
    double days, days_lo, days_hi;   /* days in response (rated), t 95% CI */
    double resp_end, resp_end_lo, resp_end_hi; /* response at the horizon, Wilson */
    double diff, diff_lo, diff_hi, diff_p;     /* days minus the standard course, paired t */
    double cadss_peak, sbp_peak;
} ketsim_opt_fresh;

typedef struct ketsim_opt_report {
    size_t n_evals;
    size_t n_best;
    ketsim_opt_regimen best[KETSIM_OPT_TOP];
    ketsim_opt_eval best_eval[KETSIM_OPT_TOP];
    ketsim_opt_fresh best_fresh[KETSIM_OPT_TOP];
    ketsim_opt_regimen standard;            /* 0.5 mg/kg over 40 min on days 0,2,4,7,9,11 */
    ketsim_opt_eval standard_eval;
    ketsim_opt_fresh standard_fresh;
} ketsim_opt_report;

void ketsim_opt_defaults(ketsim_opt_opts *o);
int ketsim_beyond_optimize(const ketsim_params *params, const ketsim_opt_opts *o, ketsim_opt_report *rep, ketsim_error *err);
/* The objective and burden of one regimen on the cohort (n_subjects, seed). */
int ketsim_opt_evaluate(const ketsim_params *params, const ketsim_catalog *cat, const ketsim_opt_opts *o, const ketsim_opt_regimen *r,
                 int n_subjects, uint64_t seed, ketsim_opt_eval *ev, ketsim_error *err);
void ketsim_opt_regimen_text(char *buf, size_t size, const ketsim_opt_regimen *r);

#endif
