/* Parameter estimation: weighted nonlinear least squares of model outputs
 * against observations (docs/fit.md).
 *
 * The estimated parameters are fitted on the log scale (so they stay
 * positive) with GSL's trust-region Levenberg-Marquardt.  The residual
 * variance is profiled out of the likelihood, which turns every error model
 * into one sum of squares whose minimum is the maximum-likelihood estimate. */
#ifndef KETSIM_FIT_H
#define KETSIM_FIT_H

#include <stddef.h>
#include "ketsim/catalog.h"
#include "ketsim/error.h"
#include "ketsim/events.h"
#include "ketsim/params.h"

typedef enum ketsim_fit_errmodel {
    KETSIM_FIT_ADDITIVE = 0,     /* DV = f + sigma_add * e */
    KETSIM_FIT_PROPORTIONAL = 1, /* DV = f + sigma_prop * f * e */
    KETSIM_FIT_COMBINED = 2      /* DV = f + sqrt(sigma_add^2 + sigma_prop^2 f^2) * e */
} ketsim_fit_errmodel;

int ketsim_fit_errmodel_parse(const char *s, ketsim_fit_errmodel *out, ketsim_error *err);

typedef struct ketsim_fit_options {
    ketsim_fit_errmodel error_model;
    size_t max_iter;   /* 0: 100 */
} ketsim_fit_options;

typedef struct ketsim_fit_result {
    size_t n_par;          /* estimated model parameters */
    char (*names)[64];
    double *initial;       /* start values */
    double *estimate;      /* natural scale */
    double *se;            /* delta method from the log-scale covariance */
    double *rse_pct;       /* 100 * se / estimate */
    double *corr;          /* n_par x n_par, row-major */
    int se_available;      /* 0 if J^T J was singular */
    double sigma_add, sigma_prop; /* 0 where the model has none */
    size_t n_sigma;
    double ofv;            /* -2 log likelihood */
    double aic, bic;
    size_t n_obs, n_subjects, iterations, n_evals;
    int converged;
} ketsim_fit_result;

/* Fit `names` (existing rows of `start`, whose values are the start values)
 * to the observations of an event table (EVID 0, MDV 0; a BLQ observation is
 * refused).  `drug` is a catalog name; a subject without WT weighs
 * `weight_kg`.  Doses follow every NONMEM convention the event table
 * supports (ADDL, SS, resets, RATE/DUR). */
int ketsim_fit_run(const ketsim_params *start, const ketsim_catalog *cat, const char *drug,
                   double weight_kg, const ketsim_events *ev, const char *const *names, size_t n_names,
                   const ketsim_fit_options *opt, ketsim_fit_result **out, ketsim_error *err);
void ketsim_fit_result_free(ketsim_fit_result *r);

#endif
