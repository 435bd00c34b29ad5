/* Beyond the anchors: early markers of response, compound design and regimen
 * optimisation on virtual cohorts (docs/beyond.md).
 *
 *   beyond_predict   which early measurement predicts an outcome (ROC/AUC with
 *                    bootstrap intervals, Youden cut, correlations);
 *   beyond_design    candidate compounds (drug files with knobs) against
 *                    efficacy and burden, with the Pareto front;
 *   beyond_optimize  dose, infusion, route, interval and number of doses that
 *                    maximise time in response under caps.
 * All three run virtual cohorts (include/ketsim/cohort.h) with common random
 * numbers: every candidate sees the same virtual patients. */
#ifndef KETSIM_BEYOND_H
#define KETSIM_BEYOND_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ketsim/catalog.h"
#include "ketsim/error.h"
#include "ketsim/params.h"
#include "ketsim/regimen.h"
#include "ketsim/roc.h"
#include "ketsim/trial.h"

/* ---- predict -------------------------------------------------------------- */

typedef enum predict_outcome { PREDICT_RESPONSE_24H = 0, PREDICT_RESPONSE_END, PREDICT_RELAPSE_BY } predict_outcome;

#define PREDICT_MAX_USER 8
#define PREDICT_MAX_ROWS 24

typedef struct predict_user_marker {
    char output[64];  /* model output name */
    double time_h;    /* after the first dose; < 0: peak over the first 4 h */
} predict_user_marker;

typedef struct predict_opts {
    trial_scenario sc;         /* course, visits and dose of its first active arm */
    predict_outcome outcome;
    double relapse_days;       /* PREDICT_RELAPSE_BY: window after the last dose */
    size_t n_user;
    predict_user_marker user[PREDICT_MAX_USER];
    int default_markers;       /* 1: the built-in candidate markers too */
    uint64_t seed;
    int n_subjects;
    int threads;
    int n_boot;
} predict_opts;

typedef struct predict_row {
    char name[96];
    char description[160];
    size_t n;                 /* subjects with the outcome defined */
    ketsim_roc_result roc;    /* curve owned by the row */
    int roc_ok;               /* 0: marker constant (no ROC) */
    double r_outcome, rho_outcome;   /* point-biserial (Pearson) and Spearman with the 0/1 outcome */
    double r_change, p_change;       /* Pearson with the % MADRS change at the outcome visit */
    double rho_change;
} predict_row;

typedef struct predict_report {
    char outcome_label[64];
    char change_label[96];
    double outcome_time_h;    /* visit the outcome is rated at (after the first dose) */
    int n_subjects;
    size_t n_defined, n_positive;
    size_t n_rows;
    predict_row rows[PREDICT_MAX_ROWS]; /* ranked: oriented AUC, descending */
} predict_report;

int beyond_predict(const ketsim_params *params, const predict_opts *o, predict_report *rep, ketsim_error *err);
void predict_report_free(predict_report *rep);
void predict_print(FILE *fp, const predict_opts *o, const predict_report *rep);
void predict_write_csv(FILE *fp, const predict_report *rep);
void predict_write_json(FILE *fp, const predict_opts *o, const predict_report *rep);

/* ---- design --------------------------------------------------------------- */

#define DESIGN_MAX_SETS 12
#define DESIGN_MAX_CANDIDATES 400

/* A candidate: a drug of the catalog, parameter overrides (knobs) and one
 * dose at time 0. */
typedef struct design_candidate {
    char name[96];
    char drug[KETSIM_NAME_MAX];
    size_t n_sets;
    char set_name[DESIGN_MAX_SETS][96];
    double set_value[DESIGN_MAX_SETS];
    ketsim_route route;
    double amount;          /* mg, or mg/kg when per_kg */
    int per_kg;
    double duration_h;      /* infusion (0 = bolus) */
    int placebo;            /* 1: no drug (the reference every effect is measured against) */
} design_candidate;

typedef struct design_result {
    double response_24h, response_24h_lo, response_24h_hi; /* fraction, Wilson 95% */
    double days_in_response, days_lo, days_hi;               /* mean over 14 d, t 95% interval */
    double response_24h_excess;     /* minus placebo (same patients) */
    double days_excess;
    double madrs_effect_24h;        /* mean true MADRS at 24 h minus placebo's (points; < 0 = better) */
    double cadss_peak, sbp_peak;    /* mean per-patient peak over 0-3 h */
    int effective;                  /* days_excess > 0 and response_24h_excess > 0 */
    int pareto;                     /* on the front among effective candidates */
} design_result;

typedef struct design_opts {
    int n_subjects;
    uint64_t seed;
    int threads;
    double horizon_days;            /* 14 */
} design_opts;

/* Evaluate candidates (cand[0..n-1]) on one virtual cohort; the placebo
 * reference is run as well (first, if none of cand is a placebo).  params
 * and cat hold every drug file the candidates use. */
int beyond_design(const ketsim_params *params, const ketsim_catalog *cat, const design_candidate *cand, size_t n,
                  const design_opts *o, design_result *res, ketsim_error *err);
/* Mark the Pareto front: maximise days_excess and response_24h_excess,
 * minimise cadss_peak and sbp_peak, among effective candidates. */
void design_pareto(const design_candidate *cand, design_result *res, size_t n);
/* Knob -> parameter override on compound `compound` (see docs/beyond.md);
 * dose knobs (dose_mg_per_kg, dose_mg, infusion_h) change the candidate's
 * dose instead. */
int design_apply_knob(const ketsim_params *params, const char *compound, const char *knob, double value,
                      design_candidate *c, ketsim_error *err);
void design_print(FILE *fp, const design_candidate *cand, const design_result *res, size_t n, const design_opts *o);
void design_write_csv(FILE *fp, const design_candidate *cand, const design_result *res, size_t n);
void design_write_json(FILE *fp, const design_candidate *cand, const design_result *res, size_t n,
                       const design_opts *o);

/* ---- optimize ------------------------------------------------------------- */

typedef enum opt_family { OPT_IV_KETAMINE = 0, OPT_IN_ESKETAMINE = 1 } opt_family;

#define OPT_MAX_DOSES 32
#define OPT_TOP 3

/* A course: n_doses of `dose` (mg/kg IV racemic ketamine over infusion_h, or
 * flat mg intranasal esketamine) every interval_d days from day 0; or, with
 * n_explicit > 0, at the listed days. */
typedef struct opt_regimen {
    opt_family family;
    double dose;
    double infusion_h;
    double interval_d;
    int n_doses;
    size_t n_explicit;
    double day[OPT_MAX_DOSES];
} opt_regimen;

typedef struct opt_bounds {
    int use_iv, use_in;
    double dose_lo, dose_hi;         /* IV, mg/kg */
    double infusion_lo_h, infusion_hi_h;
    double interval_lo_d, interval_hi_d;
    int doses_lo, doses_hi;
    size_t n_in_doses;               /* intranasal esketamine, mg (e.g. 56, 84) */
    double in_dose[4];
} opt_bounds;

typedef struct opt_opts {
    opt_bounds b;
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
} opt_opts;

/* On one cohort: the smooth objective (mean over patients of the days whose
 * MADRS is below half of baseline, through a logistic of width 0.05 of
 * baseline, so that it changes smoothly with dose and timing) and burden. */
typedef struct opt_eval {
    double objective_d;
    double cadss_peak, sbp_peak;     /* mean per-patient peak over all sessions */
    int feasible;
} opt_eval;

/* On the fresh cohort, with rated (noisy) MADRS at daily visits. */
typedef struct opt_fresh {
    double objective_d;              /* the smooth objective on the fresh cohort */
    double days, days_lo, days_hi;   /* days in response (rated), t 95% CI */
    double resp_end, resp_end_lo, resp_end_hi; /* response at the horizon, Wilson */
    double diff, diff_lo, diff_hi, diff_p;     /* days minus the standard course, paired t */
    double cadss_peak, sbp_peak;
} opt_fresh;

typedef struct opt_report {
    size_t n_evals;
    size_t n_best;
    opt_regimen best[OPT_TOP];
    opt_eval best_eval[OPT_TOP];
    opt_fresh best_fresh[OPT_TOP];
    opt_regimen standard;            /* 0.5 mg/kg over 40 min on days 0,2,4,7,9,11 */
    opt_eval standard_eval;
    opt_fresh standard_fresh;
} opt_report;

void opt_defaults(opt_opts *o);
int beyond_optimize(const ketsim_params *params, const opt_opts *o, opt_report *rep, ketsim_error *err);
/* The objective and burden of one regimen on the cohort (n_subjects, seed). */
int opt_evaluate(const ketsim_params *params, const ketsim_catalog *cat, const opt_opts *o, const opt_regimen *r,
                 int n_subjects, uint64_t seed, opt_eval *ev, ketsim_error *err);
void opt_regimen_text(char *buf, size_t size, const opt_regimen *r);
void opt_print(FILE *fp, const opt_opts *o, const opt_report *rep);
void opt_write_csv(FILE *fp, const opt_report *rep);
void opt_write_json(FILE *fp, const opt_opts *o, const opt_report *rep);

#endif
