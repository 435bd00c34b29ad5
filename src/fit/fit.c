/* Weighted nonlinear least squares on log-parameters (see ketsim/fit.h).
 *
 * Profiled likelihood as a sum of squares.  With DV_i = f_i + sigma h_i e_i
 * (h_i = 1 additive, f_i proportional, sqrt(c + f_i^2) combined) the ML
 * sigma^2 is Q/n, Q = sum (DV_i - f_i)^2 / h_i^2, and
 *     -2LL = n log(2 pi) + n + n log(Q/n) + sum log h_i^2
 *          = n log(2 pi) + n + n log(S/n),  S = sum ((DV_i - f_i) G / h_i)^2,
 * with G the geometric mean of h.  So minimising S over (log theta, log c)
 * is exact maximum likelihood and fits GSL's least-squares driver. */
#include "ketsim/fit.h"
#include "ketsim/events.h"
#include "ketsim/model.h"
#include "ketsim/rng.h"
#include "ketsim/subject.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FD_STEP_LOG 1e-3   /* central-difference step on the log scale */
#define PENALTY 1e6        /* residual value returned where the model cannot be evaluated */

typedef struct fit_ctx {
    const ketsim_events *ev;
    ketsim_subject_worker *w;
    ketsim_events_runner *runner;
    double weight_kg, h_floor;
    const char *const *names;
    ketsim_param_value *values; /* the estimated rows at the current point */
    size_t n_par, n_x;     /* model parameters; + 1 for log c (combined) */
    ketsim_fit_errmodel em;
    size_t *obs;           /* record index of each fitted observation */
    size_t n_obs;
    double *rec_pred;      /* per record of the table */
    double *pred, *h;      /* per fitted observation */
    size_t n_evals;
} fit_ctx;

int ketsim_fit_errmodel_parse(const char *s, ketsim_fit_errmodel *out, ketsim_error *err)
{
    static const char *const names[] = {"additive", "proportional", "combined"};
    for (int i = 0; i < 3; i++)
        if (strcasecmp(s, names[i]) == 0) {
            *out = (ketsim_fit_errmodel)i;
            return KETSIM_OK;
        }
    return KETSIM_FAIL(err, KETSIM_EINPUT, "unknown error model '%s' (additive, proportional or combined)", s);
}

/* Model predictions for every fitted observation at log-parameters x. */
static int predict(fit_ctx *c, const double *x, ketsim_error *err)
{
    c->n_evals++;
    for (size_t j = 0; j < c->n_par; j++)
        c->values[j].value = exp(x[j]);
    int rc = KETSIM_OK;
    for (size_t s = 0; !rc && s < ketsim_events_n_subjects(c->ev); s++) {
        size_t first, n;
        ketsim_events_subject(c->ev, s, &first, &n);
        rc = ketsim_events_runner_run_wt(c->runner, s, c->weight_kg, c->values, c->n_par, c->rec_pred + first, err);
    }
    for (size_t i = 0; !rc && i < c->n_obs; i++)
        c->pred[i] = c->rec_pred[c->obs[i]];
    return rc;
}

/* Error-model scale h_i for each observation; returns the geometric mean. */
static double scales(const fit_ctx *c, const double *x)
{
    size_t n = c->n_obs;
    double cc = c->em == KETSIM_FIT_COMBINED ? exp(x[c->n_par]) : 0, sum_log = 0;
    for (size_t i = 0; i < n; i++) {
        double f = fabs(c->pred[i]);
        if (c->em == KETSIM_FIT_ADDITIVE)
            c->h[i] = 1.0;
        else if (c->em == KETSIM_FIT_PROPORTIONAL)
            c->h[i] = f > c->h_floor ? f : c->h_floor;
        else
            c->h[i] = sqrt(cc + f * f);
        sum_log += log(c->h[i]);
    }
    return exp(sum_log / (double)n);
}

static void residuals_at(fit_ctx *c, const double *x, double *r)
{
    size_t n = c->n_obs;
    ketsim_error e;
    if (predict(c, x, &e)) {
        /* Outside a parameter's allowed range or a failed solve: a large
         * residual makes the trust-region step be rejected. */
        for (size_t i = 0; i < n; i++)
            r[i] = PENALTY;
        return;
    }
    double g = scales(c, x);
    for (size_t i = 0; i < n; i++)
        r[i] = (ketsim_events_record(c->ev, c->obs[i])->dv - c->pred[i]) * g / c->h[i];
}

static int gsl_f(const gsl_vector *x, void *p, gsl_vector *f)
{
    residuals_at(p, gsl_vector_const_ptr(x, 0), gsl_vector_ptr(f, 0));
    return GSL_SUCCESS;
}

/* Central differences: the solver's relative tolerance (1e-6) makes GSL's
 * default forward step (sqrt(eps)) useless. */
static void jacobian_at(fit_ctx *c, const double *x0, gsl_matrix *J)
{
    size_t n = c->n_obs;
    double *x = malloc(c->n_x * sizeof *x), *rp = malloc(2 * n * sizeof *rp);
    if (!x || !rp) {
        gsl_matrix_set_all(J, 0);
        free(x);
        free(rp);
        return;
    }
    double *rm = rp + n;
    memcpy(x, x0, c->n_x * sizeof *x);
    for (size_t j = 0; j < c->n_x; j++) {
        x[j] = x0[j] + FD_STEP_LOG;
        residuals_at(c, x, rp);
        x[j] = x0[j] - FD_STEP_LOG;
        residuals_at(c, x, rm);
        x[j] = x0[j];
        for (size_t i = 0; i < n; i++)
            gsl_matrix_set(J, i, j, (rp[i] - rm[i]) / (2 * FD_STEP_LOG));
    }
    free(x);
    free(rp);
}

static int gsl_df(const gsl_vector *x, void *p, gsl_matrix *J)
{
    jacobian_at(p, gsl_vector_const_ptr(x, 0), J);
    return GSL_SUCCESS;
}

static void ctx_free(fit_ctx *c)
{
    ketsim_events_runner_free(c->runner);
    ketsim_subject_worker_free(c->w);
    free(c->values);
    free(c->obs);
    free(c->rec_pred);
    free(c->pred);
    free(c->h);
}

/* The observations a least-squares fit can use: EVID 0 with MDV 0.  A BLQ
 * record has no value to fit; refuse it rather than drop it unseen. */
static int select_obs(fit_ctx *c, ketsim_error *err)
{
    size_t nr = ketsim_events_n_records(c->ev);
    if (!(c->obs = malloc((nr ? nr : 1) * sizeof *c->obs)))
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    for (size_t i = 0; i < nr; i++) {
        const ketsim_event *r = ketsim_events_record(c->ev, i);
        if (r->blq && !r->mdv)
            return KETSIM_FAIL(err, KETSIM_EINPUT,
                               "%s:%ld: a BLQ observation cannot enter a least-squares fit (set MDV=1 to leave "
                               "it out, or use a population method with the M3 likelihood)",
                               ketsim_events_name(c->ev), r->line);
        if (ketsim_event_is_fitted(r))
            c->obs[c->n_obs++] = i;
    }
    if (c->n_obs == 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: no observation to fit (EVID 0 with MDV 0 and a DV)",
                           ketsim_events_name(c->ev));
    return KETSIM_OK;
}

static int ctx_init(fit_ctx *c, const ketsim_params *start, const ketsim_catalog *cat, const char *drug,
                    ketsim_error *err)
{
    const char *drugs[1] = {drug};
    int rc = select_obs(c, err);
    size_t n = c->n_obs, nr = ketsim_events_n_records(c->ev);
    if (!rc)
        rc = ketsim_subject_worker_create(start, cat, drugs, 1, &c->w, err);
    if (!rc)
        rc = ketsim_events_runner_create(c->ev, c->w, 0, &c->runner, err);
    if (!rc) {
        c->values = calloc(c->n_par, sizeof *c->values);
        c->rec_pred = calloc(nr ? nr : 1, sizeof *c->rec_pred);
        c->pred = calloc(n, sizeof *c->pred);
        c->h = calloc(n, sizeof *c->h);
        if (!c->values || !c->rec_pred || !c->pred || !c->h)
            rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    for (size_t j = 0; !rc && j < c->n_par; j++)
        rc = ketsim_params_find(start, c->names[j], &c->values[j].row, err);
    double dv_max = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        double a = fabs(ketsim_events_record(c->ev, c->obs[i])->dv);
        dv_max = a > dv_max ? a : dv_max;
    }
    c->h_floor = 1e-9 * dv_max + 1e-300; /* proportional scale where f = 0 */
    return rc;
}

static int alloc_result(ketsim_fit_result **out, size_t p, ketsim_error *err)
{
    ketsim_fit_result *r = calloc(1, sizeof *r);
    if (r) {
        r->n_par = p;
        r->names = calloc(p, sizeof *r->names);
        r->initial = calloc(p, sizeof(double));
        r->estimate = calloc(p, sizeof(double));
        r->se = calloc(p, sizeof(double));
        r->rse_pct = calloc(p, sizeof(double));
        r->corr = calloc(p * p, sizeof(double));
    }
    if (!r || !r->names || !r->initial || !r->estimate || !r->se || !r->rse_pct || !r->corr) {
        ketsim_fit_result_free(r);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    *out = r;
    return KETSIM_OK;
}

/* Inverse of a symmetric positive-definite matrix through its Cholesky factor. */
static int spd_inverse(size_t p, const double *a, double *inv)
{
    double *L = malloc(p * p * sizeof *L), *col = malloc(p * sizeof *col);
    ketsim_error e;
    int rc = (!L || !col) ? KETSIM_ENOMEM : ketsim_cholesky(p, a, L, &e);
    for (size_t k = 0; !rc && k < p; k++) {
        for (size_t i = 0; i < p; i++) { /* L y = e_k */
            double s = i == k ? 1.0 : 0.0;
            for (size_t j = 0; j < i; j++)
                s -= L[i * p + j] * col[j];
            col[i] = s / L[i * p + i];
        }
        for (size_t i = p; i-- > 0;) { /* L^T x = y */
            double s = col[i];
            for (size_t j = i + 1; j < p; j++)
                s -= L[j * p + i] * col[j];
            col[i] = s / L[i * p + i];
        }
        for (size_t i = 0; i < p; i++)
            inv[i * p + k] = col[i];
    }
    free(L);
    free(col);
    return rc;
}

/* cov(log theta) = s^2 (J^T J)^-1 at the optimum; natural-scale SE by the
 * delta method: se(theta) = theta * se(log theta). */
static void uncertainty(fit_ctx *c, const double *x, double s2, ketsim_fit_result *r)
{
    size_t n = c->n_obs, q = c->n_x, p = c->n_par;
    gsl_matrix *J = gsl_matrix_alloc(n, q), *JTJ = gsl_matrix_alloc(q, q);
    double *cov = malloc(q * q * sizeof *cov);
    if (J && JTJ && cov) {
        jacobian_at(c, x, J);
        gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, J, J, 0.0, JTJ);
        if (spd_inverse(q, JTJ->data, cov) == KETSIM_OK) {
            r->se_available = 1;
            for (size_t i = 0; i < p; i++) {
                double sd_log = sqrt(s2 * cov[i * q + i]);
                r->se[i] = r->estimate[i] * sd_log;
                r->rse_pct[i] = 100.0 * sd_log;
                for (size_t j = 0; j < p; j++)
                    r->corr[i * p + j] = cov[i * q + j] / sqrt(cov[i * q + i] * cov[j * q + j]);
            }
        }
    }
    if (!r->se_available)
        for (size_t i = 0; i < p; i++)
            r->se[i] = r->rse_pct[i] = r->corr[i * p + i] = NAN;
    gsl_matrix_free(J);
    gsl_matrix_free(JTJ);
    free(cov);
}

static void summarise(fit_ctx *c, const double *x, ketsim_fit_result *r)
{
    size_t n = c->n_obs;
    double *res = malloc(n * sizeof *res);
    if (!res)
        return;
    residuals_at(c, x, res);
    double S = 0, Q = 0, g = scales(c, x);
    for (size_t i = 0; i < n; i++) {
        S += res[i] * res[i];
        Q += res[i] * res[i] / (g * g);
    }
    free(res);
    double sigma = sqrt(Q / (double)n);
    r->n_sigma = c->em == KETSIM_FIT_COMBINED ? 2 : 1;
    r->sigma_add = c->em == KETSIM_FIT_ADDITIVE ? sigma : c->em == KETSIM_FIT_COMBINED ? sigma * sqrt(exp(x[c->n_par])) : 0;
    r->sigma_prop = c->em == KETSIM_FIT_ADDITIVE ? 0 : sigma;
    r->ofv = (double)n * (log(2 * 3.14159265358979323846) + 1 + log(S / (double)n));
    double k = (double)(c->n_par + r->n_sigma);
    r->aic = r->ofv + 2 * k;
    r->bic = r->ofv + k * log((double)n);
    for (size_t j = 0; j < c->n_par; j++)
        r->estimate[j] = exp(x[j]);
    double dof = (double)n - (double)c->n_x;
    uncertainty(c, x, dof > 0 ? S / dof : NAN, r);
}

static int check_names(const ketsim_params *start, const char *const *names, size_t n, ketsim_error *err)
{
    if (n == 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--estimate: no parameter named");
    for (size_t i = 0; i < n; i++) {
        double v;
        if (ketsim_params_get(start, names[i], &v, err))
            return KETSIM_FAIL(err, KETSIM_EINPUT, "--estimate: unknown parameter '%s' (see ketsim params)", names[i]);
        if (!(v > 0))
            return KETSIM_FAIL(err, KETSIM_EINPUT, "--estimate: '%s' = %g: only positive parameters can be fitted (log scale)",
                               names[i], v);
        if (strlen(names[i]) >= 64)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "--estimate: name too long: '%s'", names[i]);
        for (size_t j = 0; j < i; j++)
            if (strcmp(names[i], names[j]) == 0)
                return KETSIM_FAIL(err, KETSIM_EINPUT, "--estimate: '%s' named twice", names[i]);
    }
    return KETSIM_OK;
}

static int optimise(fit_ctx *c, double *x0, const ketsim_fit_options *opt, ketsim_fit_result *r, ketsim_error *err)
{
    size_t n = c->n_obs;
    if (n <= c->n_x)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%zu observations cannot determine %zu unknowns", n, c->n_x);
    gsl_multifit_nlinear_parameters par = gsl_multifit_nlinear_default_parameters();
    par.trs = gsl_multifit_nlinear_trs_lm;
    gsl_multifit_nlinear_fdf fdf = {.f = gsl_f, .df = gsl_df, .n = n, .p = c->n_x, .params = c};
    gsl_multifit_nlinear_workspace *w = gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &par, n, c->n_x);
    if (!w)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    gsl_vector_view xv = gsl_vector_view_array(x0, c->n_x);
    gsl_multifit_nlinear_init(&xv.vector, &fdf, w);
    int info = 0;
    int status = gsl_multifit_nlinear_driver(opt && opt->max_iter ? opt->max_iter : 100, 1e-8, 1e-8, 1e-10,
                                             NULL, NULL, &info, w);
    r->converged = status == GSL_SUCCESS;
    r->iterations = gsl_multifit_nlinear_niter(w);
    memcpy(x0, gsl_multifit_nlinear_position(w)->data, c->n_x * sizeof *x0);
    gsl_multifit_nlinear_free(w);
    return KETSIM_OK;
}

int ketsim_fit_run(const ketsim_params *start, const ketsim_catalog *cat, const char *drug, double weight_kg,
                   const ketsim_events *ev, const char *const *names, size_t n_names,
                   const ketsim_fit_options *opt, ketsim_fit_result **out, ketsim_error *err)
{
    *out = NULL;
    int rc = check_names(start, names, n_names, err);
    if (rc)
        return rc;
    fit_ctx c = {.ev = ev, .weight_kg = weight_kg, .names = names, .n_par = n_names,
                 .em = opt ? opt->error_model : KETSIM_FIT_ADDITIVE};
    c.n_x = n_names + (c.em == KETSIM_FIT_COMBINED);
    ketsim_fit_result *r = NULL;
    double *x = calloc(c.n_x, sizeof *x);
    rc = x ? ctx_init(&c, start, cat, drug, err) : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    if (!rc)
        rc = alloc_result(&r, n_names, err);
    for (size_t j = 0; !rc && j < n_names; j++) {
        ketsim_params_get(start, names[j], &r->initial[j], NULL);
        snprintf(r->names[j], sizeof r->names[j], "%s", names[j]);
        x[j] = log(r->initial[j]);
    }
    if (!rc && c.em == KETSIM_FIT_COMBINED) {
        /* Start with sigma_add / sigma_prop = 10% of the mean |prediction|. */
        rc = predict(&c, x, err);
        double m = 0;
        for (size_t i = 0; !rc && i < c.n_obs; i++)
            m += fabs(c.pred[i]) / (double)c.n_obs;
        x[n_names] = 2 * log(m > 0 ? 0.1 * m : 1e-3);
    }
    if (!rc)
        rc = predict(&c, x, err); /* the start must be computable */
    if (!rc)
        rc = optimise(&c, x, opt, r, err);
    if (!rc) {
        summarise(&c, x, r);
        r->n_obs = c.n_obs;
        r->n_subjects = ketsim_events_n_subjects(ev);
        r->n_evals = c.n_evals;
    }
    ctx_free(&c);
    free(x);
    if (rc) {
        ketsim_fit_result_free(r);
        return rc;
    }
    *out = r;
    return KETSIM_OK;
}

void ketsim_fit_result_free(ketsim_fit_result *r)
{
    if (!r)
        return;
    free(r->names);
    free(r->initial);
    free(r->estimate);
    free(r->se);
    free(r->rse_pct);
    free(r->corr);
    free(r);
}
