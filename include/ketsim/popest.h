/* Population estimation: nonlinear mixed-effects models fitted by FOCE-I or
 * SAEM to the records of a NONMEM-style event table (docs/fit.md,
 * "Population estimation").
 *
 * The model of subject i for a parameter row P with THETA and ETA:
 *
 *     log P_i = log THETA + sum of covariate terms + ETA_i,  ETA_i ~ N(0, OMEGA)
 *
 * (exponential inter-individual variability, "mu-referenced": every
 * covariate enters the log of the parameter).  A row without ETA has no
 * variability (P_i = THETA times its covariate terms).  Observations have an
 * additive, proportional or combined residual error of their own per output,
 * and below-LLOQ observations enter through the M3 likelihood.
 *
 * Object style as elsewhere: create -> add/set -> run -> free; every call
 * returns KETSIM_OK or an error code and fills a ketsim_error.  The run is
 * parallel over subjects (one subject worker and one events runner per
 * thread); subject results are summed in subject order, so the estimates do
 * not depend on the number of threads. */
#ifndef KETSIM_POPEST_H
#define KETSIM_POPEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "ketsim/catalog.h"
#include "ketsim/error.h"
#include "ketsim/events.h"
#include "ketsim/fit.h"
#include "ketsim/params.h"

typedef enum ketsim_popest_method {
    KETSIM_POPEST_FOCEI = 0,  /* first-order conditional estimation with interaction */
    KETSIM_POPEST_SAEM = 1    /* stochastic approximation EM (Kuhn & Lavielle) */
} ketsim_popest_method;

int ketsim_popest_method_parse(const char *s, ketsim_popest_method *out, ketsim_error *err);
const char *ketsim_popest_method_name(ketsim_popest_method m); /* "foce-i", "saem" */

typedef enum ketsim_popest_covkind {
    KETSIM_COV_POWER = 0,       /* P * (c / ref)^beta; ref 70 for WT, else the median */
    KETSIM_COV_EXPONENTIAL = 1, /* P * exp(beta (c - ref)), ref = median */
    KETSIM_COV_LINEAR = 2,      /* P * (1 + beta (c - ref)), ref = median */
    KETSIM_COV_CATEGORICAL = 3  /* P * exp(beta c), c 0 or 1 */
} ketsim_popest_covkind;

int ketsim_popest_covkind_parse(const char *s, ketsim_popest_covkind *out, ketsim_error *err);
const char *ketsim_popest_covkind_name(ketsim_popest_covkind k);

typedef enum ketsim_popest_covstep {
    KETSIM_COVSTEP_SANDWICH = 0, /* R^-1 S R^-1 (NONMEM's default) */
    KETSIM_COVSTEP_R = 1,        /* 2 R^-1: the inverse observed information */
    KETSIM_COVSTEP_NONE = 2
} ketsim_popest_covstep;

typedef struct ketsim_popest ketsim_popest;

/* `base`: the parameter table whose values are the THETA start values (and
 * the values of every row not estimated); `drug`: the catalog name every dose
 * gives; a subject without WT weighs default_weight_kg.  The event table must
 * outlive the object. */
int ketsim_popest_create(const ketsim_params *base, const ketsim_catalog *cat, const char *drug,
                         double default_weight_kg, const ketsim_events *ev, ketsim_popest **out,
                         ketsim_error *err);
void ketsim_popest_free(ketsim_popest *pe);

int ketsim_popest_set_method(ketsim_popest *pe, ketsim_popest_method m, ketsim_error *err);
/* A THETA: a positive row of the table, estimated on the log scale from its
 * table value.  lower/upper: natural-scale bounds (NAN: the row's allowed
 * range). */
int ketsim_popest_add_theta(ketsim_popest *pe, const char *name, double lower, double upper,
                            ketsim_error *err);
/* An ETA on a row (a THETA or a fixed row, which keeps its table value as
 * typical value); omega_start: its start variance (<= 0: 0.1). */
int ketsim_popest_add_eta(ketsim_popest *pe, const char *name, double omega_start, ketsim_error *err);
/* The named ETAs (already added, at least two) share one full block of
 * OMEGA; ETAs in no block are independent. */
int ketsim_popest_add_omega_block(ketsim_popest *pe, const char *const *names, size_t n, ketsim_error *err);
/* Residual error of one output (NULL: every output not given its own).
 * Start SDs: sd_add in DV units, sd_prop as a fraction (<= 0: defaults from
 * the data, 20% of the mean |DV| and 0.2). */
int ketsim_popest_set_error(ketsim_popest *pe, const char *output, ketsim_fit_errmodel em, double sd_add,
                            double sd_prop, ketsim_error *err);
/* A covariate effect on a row that has a THETA or an ETA: `covariate` is WT
 * or a column of the event table; the subject's first non-missing value is
 * used. */
int ketsim_popest_add_covariate(ketsim_popest *pe, const char *param, const char *covariate,
                                ketsim_popest_covkind kind, double start, ketsim_error *err);

typedef struct ketsim_popest_options {
    size_t threads;          /* 0 or 1: one thread */
    uint64_t seed;           /* SAEM and importance sampling */
    size_t max_iter;         /* FOCE-I outer iterations (0: 100) */
    size_t saem_explore;     /* SAEM iterations with step 1 (0: 200) */
    size_t saem_smooth;      /* SAEM iterations with decreasing steps (0: 100) */
    size_t saem_chains;      /* Markov chains per subject (0: 1) */
    size_t is_samples;       /* importance samples per subject for SAEM's objective (0: 300) */
    ketsim_popest_covstep covstep;
    double rtol;             /* solver relative tolerance (0: 1e-8) */
} ketsim_popest_options;

int ketsim_popest_set_options(ketsim_popest *pe, const ketsim_popest_options *opt, ketsim_error *err);

/* One estimated (or fixed) quantity. */
typedef struct ketsim_popest_value {
    char name[160];
    double estimate;     /* natural scale */
    double se;           /* NAN without a covariance step */
    double rse_pct;      /* 100 se / |estimate| */
    int fixed;
    int at_bound;
} ketsim_popest_value;

typedef struct ketsim_popest_result {
    ketsim_popest_method method;
    size_t n_subjects, n_obs, n_blq, n_est;  /* n_est: estimated unknowns */
    /* THETAs, then covariate effects (name "PARAM~COV(kind)", estimate the
     * coefficient or exponent) */
    size_t n_theta;
    ketsim_popest_value *theta;
    /* OMEGA: n_eta x n_eta (row-major) variances and covariances, their SEs
     * (NAN where the element is not estimated, i.e. outside every block),
     * and names of the ETA rows */
    size_t n_eta;
    char (*eta_names)[64];
    double *omega, *omega_se, *omega_corr, *omega_cv_pct;
    int *omega_est;                 /* 1 where the element is estimated */
    /* SIGMA: one value per estimated residual SD ("OUTPUT:add", "OUTPUT:prop") */
    size_t n_sigma;
    ketsim_popest_value *sigma;
    /* objective (-2 log likelihood, with the n log 2 pi constant); for SAEM
     * ofv is the importance-sampling value and ofv_foce the FOCE-I one at the
     * same estimates */
    double ofv, ofv_foce, ofv_is, aic, bic;
    char ofv_method[32];            /* "FOCE-I" or "importance sampling" */
    double *eta_shrinkage_pct;      /* per ETA: 100 (1 - SD(EBE) / omega) */
    double eps_shrinkage_pct;       /* 100 (1 - SD(IWRES)) */
    /* EBEs: n_subjects x n_eta; subject IDs */
    double *ebe, *subject_id;
    /* per record of the event table (NAN where not a fitted observation) */
    size_t n_records;
    double *pred, *ipred, *res, *iwres, *cwres;
    double *npde;                   /* NULL until ketsim_popest_npde fills it */
    /* covariance step */
    int cov_ok;
    char cov_method[64];
    size_t n_cov;                   /* estimated unknowns the covariance covers */
    double *cov_corr;               /* n_cov x n_cov correlation of the estimates (natural scale) */
    char (*cov_names)[160];
    /* convergence, judged: see ketsim_popest_run */
    int converged;
    char message[512];              /* why not converged ("" when converged) */
    size_t iterations, n_sims;          /* n_sims: ODE solves, all of them */
    double seconds;                     /* wall clock, all of the run */
    double seconds_estimation;          /* wall clock up to the estimates (before diagnostics
                                         * and the covariance step) */
    size_t n_sims_estimation;
} ketsim_popest_result;

/* Estimate.  The result is returned even when the fit did not converge
 * (r->converged = 0 with the reasons in r->message): the optimiser stopped
 * without meeting its criterion, a THETA ended at a bound, the covariance
 * step failed (singular) or an RSE exceeds 100%. */
int ketsim_popest_run(ketsim_popest *pe, ketsim_popest_result **out, ketsim_error *err);
void ketsim_popest_result_free(ketsim_popest_result *r);

/* Diagnostics from the final estimates of a run (src/fit/popest_diag.c,
 * docs/fit.md "Diagnostics").  They need ketsim_popest_run to have
 * succeeded on `pe` and use its subject workers, so they give the same
 * predictions as the fit. */

/* The design of the data set simulated n_rep times: per replicate, every
 * subject gets ETAs drawn from N(0, OMEGA) and every fitted observation a
 * residual error from its output's SIGMA.  Deterministic for a seed, whatever
 * the number of threads (one random stream per subject). */
typedef struct ketsim_popest_sims {
    size_t n_rep, n_obs;        /* n_obs: fitted observations, in record order */
    double *y;                  /* n_rep x n_obs simulated observations */
    size_t *rec, *subject, *output; /* per observation: record, subject index, output code */
    double *time_h, *dv;        /* per observation */
    int *blq;                   /* observed below LLOQ */
} ketsim_popest_sims;

int ketsim_popest_simulate_design(ketsim_popest *pe, size_t n_rep, uint64_t seed, ketsim_popest_sims **out,
                                  ketsim_error *err);
void ketsim_popest_sims_free(ketsim_popest_sims *s);

/* NPDE per record into r->npde (allocated here; NAN where not a fitted
 * observation, for BLQ records and for subjects whose simulated covariance
 * is singular). */
int ketsim_popest_npde(const ketsim_popest_sims *s, ketsim_popest_result *r, ketsim_error *err);

/* One time bin of a visual predictive check of one output. */
typedef struct ketsim_popest_vpc_bin {
    double t_lo_h, t_hi_h, t_mid_h; /* the bin's observation times: least, greatest, median */
    size_t n_obs;                   /* observations in the bin (BLQ ones left out) */
    double obs[3];                  /* observed 5th, 50th, 95th percentile */
    double sim[3][3];               /* per percentile: its 2.5%, 50%, 97.5% over the replicates */
} ketsim_popest_vpc_bin;

/* Bins of one output: one bin per distinct observation time when there are
 * at most max_bins of them, else max_bins bins of (about) equal counts. */
int ketsim_popest_vpc(const ketsim_popest_sims *s, size_t output, size_t max_bins, ketsim_popest_vpc_bin **bins,
                      size_t *n_bins, ketsim_error *err);

/* PRED and IPRED curves of every subject on a grid of n_grid times from 0
 * to the subject's last record, for each fitted output (in the order of
 * first appearance in the data). */
typedef struct ketsim_popest_curves {
    size_t n_subjects, n_outputs, n_grid;
    size_t *outputs;            /* output codes */
    double *time_h;             /* n_subjects x n_grid */
    double *pred, *ipred;       /* n_subjects x n_outputs x n_grid */
} ketsim_popest_curves;

int ketsim_popest_curves_compute(ketsim_popest *pe, size_t n_grid, ketsim_popest_curves **out, ketsim_error *err);
void ketsim_popest_curves_free(ketsim_popest_curves *c);

/* Writers (src/formats/popest_out.c). */
/* fit.json: method, ofv, theta, omega, sigma, shrinkage, converged, ... */
int ketsim_popest_write_json(const char *path, const ketsim_popest_result *r, ketsim_error *err);
/* The per-record table: ID,TIME,OUTPUT,DV,MDV,BLQ,PRED,IPRED,RES,IWRES,CWRES
 * (and NPDE when r->npde is set), one row per observation record (EVID 0). */
int ketsim_popest_write_table(const char *path, const ketsim_events *ev, const ketsim_popest_result *r,
                              ketsim_error *err);
/* The bins of ketsim_popest_vpc as CSV (src/formats/popest_vpc_out.c). */
int ketsim_popest_write_vpc(const char *path, const char *output_name, const ketsim_popest_vpc_bin *b, size_t n,
                            size_t n_rep, ketsim_error *err);
/* NAME=VALUE lines of the THETAs (the typical values), for --params. */
int ketsim_popest_write_params(const char *path, const ketsim_popest_result *r, const char *comment,
                               ketsim_error *err);
/* The same three into an open stream (an output set's file); the stream's
 * write errors are reported, closing it is the caller's. */
int ketsim_popest_fprint_json(FILE *fp, const ketsim_popest_result *r, ketsim_error *err);
int ketsim_popest_fprint_table(FILE *fp, const ketsim_events *ev, const ketsim_popest_result *r,
                               ketsim_error *err);
int ketsim_popest_fprint_params(FILE *fp, const ketsim_popest_result *r, const char *comment, ketsim_error *err);

#endif
