/* Calibration: fit the parameter rows of kind "calibrated" to the
 * calibration targets they name (docs/fit.md), leaving check targets out of
 * the objective and reporting every target before and after.
 *
 * Each parameter is scaled by one factor shared by all species (so the
 * table's species differences stay), fitted on the log scale by GSL's
 * Levenberg-Marquardt, starting at its prior.  A target whose literature
 * value is a number contributes (simulated - literature) / (range width); any
 * other target contributes (distance outside its range, less a 2% margin) /
 * (range width, or |bound| when one-sided).  A weak pull 0.05 * ln(value /
 * prior) per parameter keeps what the targets do not determine at its prior.
 *
 * The priors are written before fitting (data/calibration_priors.csv): each
 * is a literature value with its source, or a declared assumption with its
 * reason.  The result says, per parameter, prior, fitted value and distance;
 * per target, before and after; and whether the targets determine the
 * parameters: the rank and condition of the targets' sensitivity matrix and
 * the parameter combinations they leave undetermined. */
#ifndef KETSIM_CALIBRATE_H
#define KETSIM_CALIBRATE_H

#include <stddef.h>
#include "ketsim/error.h"
#include "ketsim/params.h"
#include "ketsim/validate.h"

/* A prior: the human value the pull is centred on and the fit starts from,
 * and what it rests on. */
typedef struct ketsim_calib_prior {
    char name[80];
    double value;
    char basis[16];     /* "literature" or "assumption" */
    char source[320];
    char where[280];    /* "FILE:LINE" it was read from, for messages ("" if built in code) */
} ketsim_calib_prior;

typedef struct ketsim_calib_options {
    const ketsim_params *base;  /* the registered tables (ketsim_params_create), any species */
    const char *const *only;   /* restrict to these parameters (NULL: all calibrated ones) */
    size_t n_only;
    const char *const *set_names; /* start values for every species (like a target's set) */
    const double *set_values;
    size_t n_set;
    ketsim_species report_species; /* species of the values reported */
    size_t max_iter;           /* 0: 50 */
    const ketsim_calib_prior *priors; /* one per calibrated parameter (NULL: the table is the prior) */
    size_t n_priors;
} ketsim_calib_options;

typedef struct ketsim_calib_param {
    char name[64];
    double prior, before, after, factor;  /* values for report_species; before = the start */
    double distance;       /* ln(after / prior) */
    double sensitivity;    /* norm of its column of the targets' sensitivity matrix at the end */
    char basis[16];
} ketsim_calib_param;

typedef struct ketsim_calib_target {
    char id[64], role[16];
    double lower, upper, before, after;
    int pass_before, pass_after, used;  /* used: in the objective */
    int trial_level;                    /* not re-run: see ketsim validate */
} ketsim_calib_target;

#define KETSIM_CALIB_MAX_WEAK 16
#define KETSIM_CALIB_WEAK_TOP 3

/* A parameter combination the targets barely constrain: the eigenvector of
 * J^T J (J: targets' residuals against ln parameters) for a small
 * eigenvalue, by its largest loadings. */
typedef struct ketsim_calib_weak {
    double singular;                 /* sqrt(eigenvalue) relative to the largest */
    size_t par[KETSIM_CALIB_WEAK_TOP];
    double loading[KETSIM_CALIB_WEAK_TOP];
} ketsim_calib_weak;

typedef struct ketsim_calib_result {
    size_t n_par, n_targets, n_used, iterations;
    ketsim_calib_param *par;
    ketsim_calib_target *tgt;
    double objective_before, objective_after; /* sum of squared distances, pull included */
    int converged;
    /* identifiability at the end */
    size_t rank;          /* singular values above 1e-3 of the largest */
    double condition;     /* largest / smallest singular value (inf when rank < n_par) */
    size_t n_weak;
    ketsim_calib_weak weak[KETSIM_CALIB_MAX_WEAK];
    size_t n_orphan;      /* calibration targets no calibrated parameter names */
    char orphan[32][64];
} ketsim_calib_result;

/* Fit against the targets of v (its scenario loader set; run through
 * ketsim_validation_run_target). */
int ketsim_calibrate(ketsim_validation *v, const ketsim_calib_options *opt, ketsim_calib_result **out,
                     ketsim_error *err);
void ketsim_calib_result_free(ketsim_calib_result *r);

#endif
