/* Private pieces of population estimation shared by popest.c (data, subject
 * likelihood, conditional modes, results), foce.c, saem.c and popest_cov.c.
 *
 * Notation used in all four files:
 *   rows     the model parameters that vary between runs: every THETA and
 *            every row with an ETA; phi_r = log of the individual value
 *   mu_i     the subject's typical phi: log THETA + covariate terms
 *   eta_i    the random effects (q of them, on some rows)
 *   x        the unknowns the optimisers move: log THETA (estimated ones),
 *            covariate coefficients, OMEGA's Cholesky factor (log diagonal,
 *            off-diagonals inside blocks) and log SIGMA (SDs)
 *   par      x unpacked: every THETA, OMEGA and its inverse, SDs per output */
#ifndef KETSIM_FIT_POPEST_IMPL_H
#define KETSIM_FIT_POPEST_IMPL_H

#include "ketsim/popest.h"
#include "ketsim/subject.h"

#include <stdint.h>

#define PE_MAX_ROWS 32
#define PE_MAX_ETA 16
#define PE_MAX_COV 32
#define PE_MAX_ERR 16
#define PE_MAX_X (PE_MAX_ROWS + PE_MAX_COV + PE_MAX_ETA * (PE_MAX_ETA + 1) / 2 + 2 * PE_MAX_ERR)

typedef struct pe_row {
    char name[64];
    size_t row;        /* in the base table */
    double start;      /* THETA start (natural) */
    int est;           /* THETA estimated (else fixed at start) */
    double lo, hi;     /* natural bounds */
    int eta;           /* index of its ETA, -1: none */
    int x;             /* index of log THETA in x, -1: fixed */
} pe_row;

typedef struct pe_cov {
    int prow;          /* pe_row index */
    int col;           /* covariate column of the event table, -1: WT */
    ketsim_popest_covkind kind;
    double ref, start;
    char name[160];
    int x;
} pe_cov;

typedef struct pe_err {
    char oname[96];    /* the output's name as given (matched to codes as records are read) */
    int resolved;
    size_t output;     /* output code */
    ketsim_fit_errmodel em;
    double sd_add, sd_prop;  /* starts (0: from the data) */
    size_t n_obs, n_blq;
    double h_floor;    /* |f| used in the proportional part is at least this */
    int xa, xb;        /* x index of log SD add / prop, -1: none */
} pe_err;

typedef struct pe_obs {
    size_t rec, local, err;
    double dv, lloq;
    int blq;
} pe_obs;

/* A stretch of a subject's records over which WT and the covariates in
 * the model are constant (time-varying covariates, carried forward): from
 * time_h on, until the next piece. */
typedef struct pe_piece {
    double time_h, weight;
    long line;             /* the record that starts it */
    double cv[PE_MAX_COV];
} pe_piece;

typedef struct pe_subj {
    size_t first, n_rec;
    double weight, id;     /* weight and cv: those of the first piece */
    pe_obs *obs;
    size_t n_obs;
    double cv[PE_MAX_COV]; /* the covariate value of each effect */
    pe_piece *pieces;      /* at least one */
    size_t n_piece;
} pe_subj;

typedef struct pe_thread {
    ketsim_subject_worker *w;
    ketsim_events_runner *run;
    ketsim_param_value *piece_values; /* max_piece x PE_MAX_ROWS */
    ketsim_events_piece *pieces;      /* max_piece */
    double *rec;       /* per record of the largest subject */
    double *work;      /* scratch: 4 * max_obs * (PE_MAX_ROWS + 2) */
    size_t n_sims;
} pe_thread;

/* x unpacked. */
typedef struct pe_par {
    double logtheta[PE_MAX_ROWS];
    double beta[PE_MAX_COV];
    double omega[PE_MAX_ETA * PE_MAX_ETA], chol[PE_MAX_ETA * PE_MAX_ETA], omega_inv[PE_MAX_ETA * PE_MAX_ETA];
    double sa[PE_MAX_ERR], sb[PE_MAX_ERR];
} pe_par;

/* A subject's conditional mode and what FOCE-I needs there. */
typedef struct pe_mode {
    double eta[PE_MAX_ETA];
    double phi[PE_MAX_ROWS];
    double l;          /* -2 log p(y | eta) + eta' OMEGA^-1 eta at the mode */
    double ofv;        /* the subject's FOCE-I -2LL */
    double *f;         /* predictions at the mode, per observation */
    double *J;         /* d f / d phi: n_obs x n_rows (filled by pe_jacobian_rows) */
    /* d f / d beta at fixed phi, n_obs x PE_MAX_COV: how a covariate effect
     * acts through the pieces after the first (zero for a covariate that
     * is constant in the subject), at the effects in beta */
    double *Jb;
    double beta[PE_MAX_COV];
    int ok;
} pe_mode;

struct ketsim_popest {
    ketsim_params *base;
    const ketsim_catalog *cat;
    char drug[96];
    double wdef;
    const ketsim_events *ev;
    ketsim_popest_method method;
    ketsim_popest_options opt;
    pe_row rows[PE_MAX_ROWS];
    size_t n_rows;
    size_t q;
    int eta_row[PE_MAX_ETA];
    double omega_start[PE_MAX_ETA];
    int block[PE_MAX_ETA];         /* block id, -1: diagonal */
    int n_blocks;
    pe_cov covs[PE_MAX_COV];
    size_t n_cov;
    pe_err errs[PE_MAX_ERR];
    size_t n_err;
    ketsim_fit_errmodel em_default;
    double sd_add_default, sd_prop_default;
    int em_default_set;
    /* set up by pe_prepare */
    pe_subj *subj;
    size_t n_subj;
    pe_obs *obs;
    size_t n_obs, n_blq, max_obs, max_rec;
    pe_piece *pieces;              /* storage behind subj[].pieces */
    double *mode_Jb;               /* storage behind modes[].Jb */
    size_t max_piece;
    pe_thread *th;
    size_t n_th;
    size_t n_x;
    int om_k[PE_MAX_ETA * (PE_MAX_ETA + 1) / 2], om_l[PE_MAX_ETA * (PE_MAX_ETA + 1) / 2];
    size_t n_om;                   /* estimated OMEGA elements (x order) */
    int om_x0;                     /* x index of the first */
    char xname[PE_MAX_X][160];
    double x_lo[PE_MAX_X], x_hi[PE_MAX_X];
    pe_mode *modes;                /* per subject */
    double *mode_f, *mode_J;       /* storage behind modes[] */
    size_t n_sims_total;
    /* the final estimates, kept by ketsim_popest_run for the diagnostics
     * (popest_diag.c) */
    double x_final[PE_MAX_X];
    int have_final;
};

/* parallel loop over subjects; fn's results go into per-subject slots */
typedef int (*pe_task)(ketsim_popest *pe, pe_thread *t, size_t s, void *user, ketsim_error *err);
int pe_parallel(ketsim_popest *pe, pe_task fn, void *user, ketsim_error *err);

int pe_unpack(const ketsim_popest *pe, const double *x, pe_par *par);
void pe_start_x(const ketsim_popest *pe, double *x);
/* natural-scale value of each x (THETA, beta, OMEGA element, SD) */
void pe_natural(const ketsim_popest *pe, const double *x, double *nat);
/* subject's mu (per row); -1 where a linear covariate term is not positive */
int pe_mu(const ketsim_popest *pe, const pe_par *par, size_t s, double *mu);
/* predictions at phi for the subject's observations; par's covariate
 * effects move phi in the pieces after the first */
int pe_sim(ketsim_popest *pe, pe_thread *t, size_t s, const pe_par *par, const double *phi, double *f,
           ketsim_error *err);
/* the same into pred (one per record of the subject in the runner's
 * table, which may be another table than the data's, e.g. a finer grid) */
int pe_run(ketsim_popest *pe, pe_thread *t, ketsim_events_runner *run, size_t s, const pe_par *par,
           const double *phi, double *pred, ketsim_error *err);
/* -2 log p(y | f), and per observation d/df and the two Hessian weights
 * (NULL to skip) */
double pe_data_m2ll(const ketsim_popest *pe, size_t s, const pe_par *par, const double *f, double *d1,
                    double *w_in, double *w_ofv);
/* log det(I + L' M L) for the q x q matrix M (L: OMEGA's Cholesky factor) */
double pe_logdet_ilml(size_t q, const double *chol, const double *M);
/* Conditional mode of subject s from m->eta (warm start); fills m (f, phi,
 * l, ofv; J's ETA columns).  Fails only where the start cannot be simulated
 * at all. */
int pe_mode_find(ketsim_popest *pe, pe_thread *t, size_t s, const pe_par *par, pe_mode *m, ketsim_error *err);
/* Fill every column of m->J (the rows without ETA too) at m->phi. */
int pe_jacobian_rows(ketsim_popest *pe, pe_thread *t, size_t s, const pe_par *par, pe_mode *m, ketsim_error *err);
/* FOCE-I objective at x: every subject's mode from its stored eta; per
 * subject values into ofv_i (may be NULL); returns the sum (INFINITY where
 * x is infeasible). */
double pe_foce_ofv(ketsim_popest *pe, const double *x, double *ofv_i, ketsim_error *err);
double pe_bound_penalty(const ketsim_popest *pe, const double *x, double *xc);

int pe_foce_run(ketsim_popest *pe, double *x, size_t *iterations, int *converged, char *why, size_t why_n,
                ketsim_error *err);
int pe_saem_run(ketsim_popest *pe, double *x, size_t *iterations, ketsim_error *err);
/* -2LL by importance sampling around the modes (modes must be current). */
int pe_is_ofv(ketsim_popest *pe, const double *x, double *ofv, ketsim_error *err);
/* covariance of x by finite differences of the FOCE-I objective */
int pe_covariance(ketsim_popest *pe, const double *x, double *cov_x, int *ok, char *what, size_t what_n,
                  ketsim_error *err);

/* small dense helpers (row-major) */
int pe_chol(size_t n, const double *a, double *L);         /* -1 if not positive definite */
void pe_chol_solve(size_t n, const double *L, double *b);   /* in place */
int pe_spd_inverse(size_t n, const double *a, double *inv); /* -1 if not positive definite */

#endif
