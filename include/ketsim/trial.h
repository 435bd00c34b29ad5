/* Virtual clinical trials: designs, schedules, endpoints and replicates.
 *
 * A scenario (docs/trial.md; YAML in data/scenarios/) describes a design:
 *   parallel   each subject receives one arm (permuted-block randomization,
 *              allocation ratios per arm); single-arm (open-label) allowed;
 *   crossover  exactly two arms, each subject receives both in randomized
 *              order (balanced blocks of AB/BA), the second period starting
 *              `washout` after the last dose of the first.  The subject is
 *              simulated continuously through both periods, so carry-over is
 *              whatever the model leaves behind.
 * Each arm has its own dose (any drug, route and amount in the --dose
 * grammar, or one per session) and its own session times within a period;
 * an arm without its own times follows the scenario's course.  Visits are
 * common to all arms, relative to the period's start.  Control arms get no
 * drug: saline or placebo (an inert infusion or spray), or midazolam
 * (modelled as saline plus a sedation-related extra placebo effect,
 * pop.midazolam.*).
 *
 * The trial layer sees a subject as "parameters in, read-outs out": the model
 * is built once per thread and updated per subject. */
#ifndef KETSIM_TRIAL_H
#define KETSIM_TRIAL_H

#include <stddef.h>
#include <stdint.h>

#include "ketsim/error.h"
#include "ketsim/params.h"
#include "ketsim/regimen.h"

#define KETSIM_TRIAL_MAX_ARMS 8
#define KETSIM_TRIAL_MAX_DOSES 64
#define KETSIM_TRIAL_MAX_VISITS 32
#define KETSIM_TRIAL_MAX_FOLLOWUP 64
#define KETSIM_TRIAL_MAX_SETS 32
#define KETSIM_TRIAL_NAME_MAX 64
#define KETSIM_TRIAL_TEXT_MAX 256
#define KETSIM_TRIAL_MAX_SUBJECTS 1000000 /* in one trial (its records are sized to its visits) */
#define KETSIM_COHORT_MAX_SUBJECTS 10000  /* patients of a virtual cohort (predict, design, optimize) */
#define KETSIM_TRIAL_MAX_ITEMS 1000000   /* replicates x subjects in one run */
#define KETSIM_TRIAL_MAX_RELAPSE_BY 8    /* "fraction relapsed by" times */
#define KETSIM_TRIAL_MAX_OMEGA 16        /* parameters with a scenario's own IIV */
#define KETSIM_TRIAL_MAX_REP_PARAMS 64   /* parameters drawn or set per replicate */

typedef enum ketsim_trial_design { KETSIM_TRIAL_PARALLEL = 0, KETSIM_TRIAL_CROSSOVER = 1 } ketsim_trial_design;
typedef enum ketsim_trial_control {
    KETSIM_TRIAL_ACTIVE = 0,
    KETSIM_TRIAL_SALINE = 1,     /* also "placebo": an inert infusion, tablet or spray */
    KETSIM_TRIAL_MIDAZOLAM = 2
} ketsim_trial_control;

typedef struct ketsim_trial_arm {
    char name[KETSIM_TRIAL_NAME_MAX];
    ketsim_trial_control control;
    /* What an active arm gives: one dose for every session, or one per
     * session (n_specs == the arm's sessions).  time_h is 0; drug "" is the
     * scenario's drug.  Control arms have none. */
    size_t n_specs;
    ketsim_dose dose[KETSIM_TRIAL_MAX_DOSES];
    char dose_text[KETSIM_TRIAL_TEXT_MAX];  /* the dose as written (or built from the legacy fields) */
    /* The arm's session starts in a period, h (0: the scenario's course). */
    size_t n_doses;
    double dose_h[KETSIM_TRIAL_MAX_DOSES];
    double session_h;       /* length of a session (infusion; a control arm's sham) */
    int ratio;              /* allocation weight (parallel) */
} ketsim_trial_arm;

typedef struct ketsim_trial_scenario {
    char name[KETSIM_TRIAL_NAME_MAX];
    char description[KETSIM_TRIAL_TEXT_MAX];
    char source[KETSIM_TRIAL_TEXT_MAX];
    char drug[KETSIM_TRIAL_NAME_MAX];     /* catalog drug of doses that name none */
    ketsim_trial_design design;
    int n_subjects;                /* enrolled (all arms / sequences together) */
    size_t n_arms;
    ketsim_trial_arm arms[KETSIM_TRIAL_MAX_ARMS];
    size_t n_doses;                /* default course: session starts within a period */
    double dose_h[KETSIM_TRIAL_MAX_DOSES];
    double washout_h;              /* crossover: last dose of period 1 -> first of period 2 */
    size_t n_visits;               /* ratings, h after the period's first dose (> 0) */
    double visit_h[KETSIM_TRIAL_MAX_VISITS];
    char visit_label[KETSIM_TRIAL_MAX_VISITS][16];
    size_t primary_visit;          /* index into visit_h: response, remission, power */
    double followup_until_h;       /* relapse follow-up after the last dose (0 = none) */
    double followup_every_h;
    /* Relapse rules (the scenario's `relapse` block); 0 leaves the trial.*
     * row in force (ketsim_trial_defs_scenario). */
    double relapse_fraction;       /* relapse: MADRS above this fraction of the first baseline */
    double relapse_madrs_min;      /* the absolute rule: MADRS at or above this */
    int relapse_consecutive;       /* ratings in a row, both rules */
    size_t n_relapse_by;           /* 0: 14 d and 28 d, those within the follow-up */
    double relapse_by_h[KETSIM_TRIAL_MAX_RELAPSE_BY];       /* h after the last session */
    char relapse_by_label[KETSIM_TRIAL_MAX_RELAPSE_BY][16];
    /* A visit whose response is judged as a test of response at the
     * primary visit (`early_visit`); used when has_early_visit. */
    int has_early_visit;
    size_t early_visit;            /* index into visit_h, before primary_visit */
    double dropout;                /* probability a subject drops out (at a random visit) */
    double inclusion_madrs_min;    /* -1 = pop.madrs_inclusion_min */
    uint64_t seed;                 /* default seed */
    int replicates;                /* default number of replicate trials */
    size_t n_sets;                 /* parameter overrides (model or pop.*) */
    char set_name[KETSIM_TRIAL_MAX_SETS][80];
    double set_value[KETSIM_TRIAL_MAX_SETS];
    int set_line[KETSIM_TRIAL_MAX_SETS];  /* line of each in `file`, for messages */
    char file[4096];               /* the file the scenario was read from ("" if none) */
    /* The scenario's own between-subject variability (`omega`,
     * `omega_block`): ETA ~ N(0, omega_cov) on the log scale, P_i = P x
     * exp(ETA), on top of the population's built-in variability.  Pairs
     * outside every block have covariance 0. */
    size_t n_omega;
    char omega_name[KETSIM_TRIAL_MAX_OMEGA][80];
    int omega_line[KETSIM_TRIAL_MAX_OMEGA];
    double omega_cov[KETSIM_TRIAL_MAX_OMEGA][KETSIM_TRIAL_MAX_OMEGA];
} ketsim_trial_scenario;

/* ---- Scenarios ---------------------------------------------------------------
 * Scenario files are read by the formats layer (include/ketsim/formats.h:
 * ketsim_trial_scenario_load, _resolve); the checks are the trial's own. */

/* Cross-field checks (also run by the loaders): impossible designs refused. */
int ketsim_trial_scenario_check(const ketsim_trial_scenario *sc, ketsim_error *err);
/* The scenario's `set` entries applied to p (names and ranges checked);
 * errors name the scenario file and line. */
int ketsim_trial_scenario_apply_sets(const ketsim_trial_scenario *sc, ketsim_params *p, ketsim_error *err);

/* The scenario's omega rows checked against p (names exist and are
 * positive-valued, not pop.* or trial.* rows) and the lower Cholesky factor
 * of omega_cov (n_omega x n_omega, row-major) into chol; errors name the
 * scenario file and line. */
int ketsim_trial_scenario_omega_check(const ketsim_trial_scenario *sc, const ketsim_params *p, double *chol,
                                      ketsim_error *err);

/* ---- Per-replicate parameters (src/trial/uncertainty.c) --------------------
 * Typical values that differ between replicate trials: replicate r uses row
 * r of `value`.  Filled from a fit's covariance step
 * (ketsim_trial_uncertainty_draw) or from a user's table (formats.h). */
typedef struct ketsim_trial_rep_params {
    char source[16];                /* "uncertainty" or "parameter-sets" */
    char file[KETSIM_TRIAL_TEXT_MAX];
    size_t n_params;
    char name[KETSIM_TRIAL_MAX_REP_PARAMS][80];
    int drawn[KETSIM_TRIAL_MAX_REP_PARAMS];  /* 1: varies between replicates */
    size_t n_rows;
    double *value;                  /* n_rows x n_params, natural scale */
} ketsim_trial_rep_params;

void ketsim_trial_rep_params_free(ketsim_trial_rep_params *rp);
/* Names exist in p, are not trial.* rows (those are read once per run) and
 * every value is within its row's range; rows >= replicates.  Callers run it
 * once before a run (the runner checks only what each chunk uses). */
int ketsim_trial_rep_params_check(const ketsim_trial_rep_params *rp, const ketsim_params *p, int replicates,
                                  ketsim_error *err);

/* Parameter uncertainty of THETAs estimated on the log scale: log THETA ~
 * N(log estimate, cov_log). */
typedef struct ketsim_trial_uncertainty {
    size_t n;
    char name[KETSIM_TRIAL_MAX_REP_PARAMS][80];
    double estimate[KETSIM_TRIAL_MAX_REP_PARAMS];   /* natural scale */
    int drawn[KETSIM_TRIAL_MAX_REP_PARAMS];         /* 0: no SE (at a bound): kept at the estimate */
    double cov_log[KETSIM_TRIAL_MAX_REP_PARAMS * KETSIM_TRIAL_MAX_REP_PARAMS]; /* drawn ones only, packed */
} ketsim_trial_uncertainty;

/* One THETA vector per replicate [0, replicates) into rp, replicate r from
 * the stream (seed, r, KETSIM_RNG_UNCERTAINTY): the same values whatever
 * the chunking or thread count.  Fails if cov_log is not positive definite. */
int ketsim_trial_uncertainty_draw(const ketsim_trial_uncertainty *u, uint64_t seed, int replicates,
                                  ketsim_trial_rep_params *rp, ketsim_error *err);

/* ---- Design (src/trial/design.c, schedule.c) ------------------------------ */

/* Number of periods: 2 for crossover, else 1. */
int ketsim_trial_n_periods(const ketsim_trial_scenario *sc);

/* Published arm means to draw over a trial's MADRS figure (`trial
 * --observed FILE`, read by ketsim_trial_observed_read in formats.h). */
typedef struct ketsim_trial_observed_point {
    size_t arm;             /* index into the scenario's arms */
    double time_h;          /* after the period's first dose; 0: baseline */
    double madrs;           /* the arm's mean MADRS */
    double se;              /* its standard error; NAN: not given */
} ketsim_trial_observed_point;

typedef struct ketsim_trial_observed {
    size_t n;
    ketsim_trial_observed_point *pt;
} ketsim_trial_observed;
/* Randomization of one replicate trial: assign[i] is the arm (parallel) or
 * the sequence (crossover: 0 = arms[0] first, 1 = arms[1] first) of subject
 * i, in permuted blocks (parallel: blocks of sum(ratio); crossover: AB/BA
 * pairs), keyed by (seed, replicate, RANDOMIZATION). */
void ketsim_trial_randomize(const ketsim_trial_scenario *sc, uint64_t seed, uint64_t replicate, int *assign);
/* Arm given in period p to a subject with assignment a. */
size_t ketsim_trial_arm_in_period(const ketsim_trial_scenario *sc, int a, int period);
/* Start of period p (h since the first dose of period 0). */
double ketsim_trial_period_start_h(const ketsim_trial_scenario *sc, int period);
/* Sessions of an arm in a period (its own course, or the scenario's), the
 * start of session k, and the dose given then (NULL for a control arm). */
size_t ketsim_trial_arm_n_sessions(const ketsim_trial_scenario *sc, const ketsim_trial_arm *a);
double ketsim_trial_arm_session_h(const ketsim_trial_scenario *sc, const ketsim_trial_arm *a, size_t k);
const ketsim_dose *ketsim_trial_arm_dose(const ketsim_trial_arm *a, size_t k);
/* Latest session start of any arm within a period (h after its start). */
double ketsim_trial_last_session_h(const ketsim_trial_scenario *sc);
/* Number of follow-up visits and their times (h after the last session of
 * the last period, ketsim_trial_last_session_h). */
size_t ketsim_trial_n_followup(const ketsim_trial_scenario *sc);
double ketsim_trial_followup_h(const ketsim_trial_scenario *sc, size_t k);

/* ---- Running ---------------------------------------------------------------- */

typedef struct ketsim_trial_subject_result {
    int assign;            /* arm or sequence */
    int dropout_index;     /* first missing rating (global index), -1 = completed */
    double weight_kg, age_y;
    int female, bdnf_met, cyp2b6_pm;
    double placebo_points;
    /* per period: baseline and visits */
    double base_true[2];
    int base_rated[2];
    double cadss_peak[2], sbp_peak[2], dbp_peak[2], hr_peak[2]; /* per period, over the peak window */
    /* The ratings are sized to the scenario (sc->n_visits per period,
     * ketsim_trial_n_followup(sc) in the follow-up, sc->n_omega ETAs) and
     * live in the block the records were allocated with
     * (ketsim_trial_subjects_alloc): a million subjects of a six-visit trial
     * need about 0.3 GB, not the 2 GB that arrays for the largest scenario
     * would.  Unused periods and an empty follow-up are NULL. */
    double *madrs_true[2];
    int *madrs_rated[2];   /* -1 = missing (dropped out) */
    double *fu_true;
    int *fu_rated;         /* -1 = missing */
    double *eta;           /* the scenario's own ETAs (sc->omega_name order) */
    /* skipped solver failure (ketsim_trial_run_opts.skip_failures): every rating is
     * missing, the subject is left out of all endpoints, and fail_reason
     * (KETSIM_TRIAL_FAIL_REASON bytes, allocated only for a run that skips
     * failures; else NULL) holds "replicate R, subject I: solver failed at
     * t = ... h: REASON" */
    int failed;
    char *fail_reason;
    unsigned char *block;  /* this record's ratings (private: the allocator's) */
} ketsim_trial_subject_result;

#define KETSIM_TRIAL_FAIL_REASON 160

/* n records with their ratings, zeroed, in one allocation (free() it, or
 * ketsim_trial_subjects_free); with_reasons reserves room for failure
 * reasons (runs that skip failures).  NULL when out of memory. */
ketsim_trial_subject_result *ketsim_trial_subjects_alloc(const ketsim_trial_scenario *sc, size_t n, int with_reasons);
void ketsim_trial_subjects_free(ketsim_trial_subject_result *s);
/* Copy n records' values, ratings included, into records of another block
 * of the same scenario and layout (dst keeps its own storage). */
void ketsim_trial_subjects_copy(const ketsim_trial_scenario *sc, ketsim_trial_subject_result *dst,
                                const ketsim_trial_subject_result *src, size_t n);
/* Zero one record's values, keeping its storage. */
void ketsim_trial_subject_clear(const ketsim_trial_scenario *sc, ketsim_trial_subject_result *s);

typedef struct ketsim_trial_run_opts {
    uint64_t seed;
    int replicates;
    int threads;
    double alpha;          /* significance level for power (0 = 0.05) */
    int first_replicate;   /* replicate id of the first one simulated (chunked runs) */
    int skip_failures;     /* 0: a subject's solver failure stops the run (default);
                              1: the subject is marked failed and excluded */
    double subject_timeout_s; /* wall-clock limit per subject solve (<= 0: none) */
    /* Typical values per replicate (NULL: every replicate uses the table);
     * row first_replicate + r for the r-th replicate of the call. */
    const ketsim_trial_rep_params *rep_params;
} ketsim_trial_run_opts;

/* Simulate replicates x n_subjects subjects.  *out (replicates * n_subjects,
 * replicate-major) is allocated with ketsim_trial_subjects_alloc; free() it.  base holds the species table
 * with any overrides; the scenario's own `set` entries are applied here. */
int ketsim_trial_run(const ketsim_trial_scenario *sc, const ketsim_params *base, const ketsim_trial_run_opts *o,
              ketsim_trial_subject_result **out, ketsim_error *err);
/* The same into a caller's buffer of at least replicates * n_subjects records
 * from ketsim_trial_subjects_alloc (with reasons if o->skip_failures), so
 * that chunked runs reuse one buffer. */
int ketsim_trial_run_into(const ketsim_trial_scenario *sc, const ketsim_params *base, const ketsim_trial_run_opts *o,
                   ketsim_trial_subject_result *out, ketsim_error *err);

/* ---- Endpoints (src/trial/endpoints.c) --------------------------------------- */

typedef struct ketsim_trial_defs {
    double response_fraction, remission_max, relapse_fraction, alpha;
    int relapse_consecutive;
    double relapse_madrs_min;  /* the absolute relapse rule: MADRS >= this */
} ketsim_trial_defs;
/* The trial.* rows of a table. */
void ketsim_trial_defs_read(const ketsim_params *p, ketsim_trial_defs *d);
/* The scenario's own relapse rules (its `relapse` block) over d: what the
 * endpoints use (ketsim_trial_endpoints and ketsim_trial_relapse_times apply
 * it themselves; callers that print the rules call it). */
void ketsim_trial_defs_scenario(const ketsim_trial_scenario *sc, ketsim_trial_defs *d);

/* Subjects of one replicate whose solve failed and was skipped. */
size_t ketsim_trial_count_failed(const ketsim_trial_scenario *sc, const ketsim_trial_subject_result *subj);

/* Scalar endpoints of one replicate trial, by name.  Failed subjects are
 * excluded; "failed_subjects" counts them.  The list of names is the
 * same for every replicate of a scenario; undefined values are NAN. */
typedef struct ketsim_trial_metrics {
    size_t n;
    size_t cap;
    char (*name)[80];
    double *value;
} ketsim_trial_metrics;

int ketsim_trial_endpoints(const ketsim_trial_scenario *sc, const ketsim_trial_defs *d, const ketsim_trial_subject_result *subj,
                    ketsim_trial_metrics *m, ketsim_error *err);
void ketsim_trial_metrics_free(ketsim_trial_metrics *m);
/* Value by name, NAN if absent. */
double ketsim_trial_metric(const ketsim_trial_metrics *m, const char *name);
/* Whether the endpoint exists at all (it may still be NAN, undefined). */
int ketsim_trial_metrics_has(const ketsim_trial_metrics *m, const char *name);

/* Relapse rules: a rating above relapse_fraction x the first period's
 * baseline, or (absolute) at or above relapse_madrs_min; both need
 * relapse_consecutive such ratings in a row. */
typedef enum ketsim_trial_relapse_rule {
    KETSIM_TRIAL_RELAPSE_FRACTION = 0,
    KETSIM_TRIAL_RELAPSE_ABSOLUTE = 1
} ketsim_trial_relapse_rule;

/* Relapse follow-up of arm a (active) in one replicate: for each responder at
 * the primary visit of the last period, the time in days after the last dose
 * of the relapse (ev 1) or of the last follow-up rating (ev 0, censored).
 * tt and ev hold n_subjects entries; returns how many were filled.  The
 * first form is the fraction rule. */
size_t ketsim_trial_relapse_times(const ketsim_trial_scenario *sc, const ketsim_trial_defs *d, const ketsim_trial_subject_result *s,
                           size_t a, double *tt, int *ev);
size_t ketsim_trial_relapse_times_rule(const ketsim_trial_scenario *sc, const ketsim_trial_defs *d,
                                       const ketsim_trial_subject_result *s, size_t a, ketsim_trial_relapse_rule rule,
                                       double *tt, int *ev);
/* The "fraction relapsed by" times of a scenario (h after the last session):
 * its `relapse.by` list, or 14 d and 28 d where the follow-up reaches them;
 * label (16 bytes) names the time as in the metric names ("14d"). */
size_t ketsim_trial_n_relapse_by(const ketsim_trial_scenario *sc);
double ketsim_trial_relapse_by_h(const ketsim_trial_scenario *sc, size_t k, char *label);

/* Sessions of the arm given in period p that a subject had started before
 * the first visit of that period with a response (a visit at a session's
 * start is rated before it): 1, 2, ...; 0 when no visit of the period shows
 * a response; -1 when the period's baseline is missing or the subject
 * failed. */
int ketsim_trial_infusions_to_response(const ketsim_trial_scenario *sc, const ketsim_trial_defs *d,
                                       const ketsim_trial_subject_result *s, int period);

/* The per-subject CSV, the NONMEM-style dataset, the summary JSON and the
 * printed table of a run are written by the formats layer (formats.h). */

/* Median, 5th and 95th percentile of one metric across replicates (finite
 * values only; NAN with none) and in *n_finite the number of finite values.
 * KETSIM_ENOMEM when the values cannot be gathered: an error, not a metric
 * without values. */
int ketsim_trial_metric_quantiles(const ketsim_trial_metrics *reps, size_t n_reps, const char *name,
                                  double *median, double *p5, double *p95, size_t *n_finite, ketsim_error *err);
/* Mean and sample SD (n - 1) of one metric across replicates (finite values
 * only; NAN with none, SD NAN with fewer than two); returns the number of
 * finite values. */
size_t ketsim_trial_metric_moments(const ketsim_trial_metrics *reps, size_t n_reps, const char *name, double *mean,
                                   double *sd);
/* Fraction of replicates with metric `pname` < alpha (NAN counts as not
 * significant). */
double ketsim_trial_power(const ketsim_trial_metrics *reps, size_t n_reps, const char *pname, double alpha);

/* The trial endpoint conventions (trial.*). */
const ketsim_param_table *ketsim_trial_param_table(void);

#endif
