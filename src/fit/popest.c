/* Population estimation: the model description, the data, the subject
 * likelihood and conditional modes, the thread pool and the results (see
 * ketsim/popest.h and popest_impl.h).  The two methods are in foce.c and
 * saem.c, the covariance step in popest_cov.c.
 *
 * Subject likelihood.  With prediction f and residual variance
 * V = sd_add^2 + sd_prop^2 f^2 (one pair per output), a quantified
 * observation contributes log(2 pi V) + (y - f)^2 / V to -2 log p(y | eta),
 * and one below the limit (M3, Beal 2001) contributes -2 log Phi(z),
 * z = (LLOQ - f) / sqrt(V): the probability that the measurement would have
 * come out under the limit.
 *
 * FOCE-I, as implemented here.  For subject i let
 *     l(eta) = -2 log p(y | eta) + eta' OMEGA^-1 eta
 * and eta^ its minimum (the conditional mode, found with the full model,
 * residual variance moving with eta: this is the "interaction").  The
 * subject's -2LL is the Laplace approximation of the integral over eta
 * with the Hessian of l replaced by its first-order (Gauss-Newton) part,
 * evaluated at eta^:
 *     OFV_i = l(eta^) + log det OMEGA + log det(OMEGA^-1 + M),
 *     M = sum_j G_j G_j' / V_j   (G_j = d f_j / d eta at eta^, V_j at eta^),
 * with (lambda^2 + z lambda) / V_j, lambda = phi(z) / Phi(z), in place of
 * 1 / V_j for an M3 term (the curvature of -2 log Phi).  Where no record is
 * censored this is NONMEM's FOCE-I objective: the model linearised in eta
 * around eta^, with C = G OMEGA G' + V(eta^), gives log det C +
 * r' C^-1 r with r = y - f(eta^) + G eta^, and the two are the same
 * expression when eta^ solves the linearised normal equations (exactly for
 * an additive error, to second order otherwise).  The n log(2 pi) constant
 * is included (NONMEM leaves it out). */
#include "popest_impl.h"
#include "ketsim/model.h"

#include <gsl/gsl_sf_erf.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define LOG2PI 1.8378770664093454836
#define FD_ETA 1e-3     /* central-difference step on log parameters (solver rtol 1e-8) */

/* ---------------------------------------------------------------- names */

int ketsim_popest_method_parse(const char *s, ketsim_popest_method *out, ketsim_error *err)
{
    if (strcasecmp(s, "foce-i") == 0 || strcasecmp(s, "focei") == 0)
        *out = KETSIM_POPEST_FOCEI;
    else if (strcasecmp(s, "saem") == 0)
        *out = KETSIM_POPEST_SAEM;
    else
        return KETSIM_FAIL(err, KETSIM_EINPUT, "unknown method '%s' (pooled, foce-i or saem)", s);
    return KETSIM_OK;
}

const char *ketsim_popest_method_name(ketsim_popest_method m)
{
    return m == KETSIM_POPEST_SAEM ? "saem" : "foce-i";
}

static const char *const COVKIND[] = {"power", "exponential", "linear", "categorical"};

int ketsim_popest_covkind_parse(const char *s, ketsim_popest_covkind *out, ketsim_error *err)
{
    for (int i = 0; i < 4; i++)
        if (strcasecmp(s, COVKIND[i]) == 0 || (i == 1 && strcasecmp(s, "exp") == 0) ||
            (i == 3 && strcasecmp(s, "cat") == 0)) {
            *out = (ketsim_popest_covkind)i;
            return KETSIM_OK;
        }
    return KETSIM_FAIL(err, KETSIM_EINPUT, "unknown covariate model '%s' (power, exponential, linear or categorical)", s);
}

const char *ketsim_popest_covkind_name(ketsim_popest_covkind k)
{
    return (unsigned)k < 4 ? COVKIND[k] : "?";
}

/* ------------------------------------------------------- dense helpers */

int pe_chol(size_t n, const double *a, double *L)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            if (j > i) {
                L[i * n + j] = 0;
                continue;
            }
            double s = a[i * n + j];
            for (size_t k = 0; k < j; k++)
                s -= L[i * n + k] * L[j * n + k];
            if (i == j) {
                if (!(s > 0) || !isfinite(s))
                    return -1;
                L[i * n + i] = sqrt(s);
            } else
                L[i * n + j] = s / L[j * n + j];
        }
    return 0;
}

void pe_chol_solve(size_t n, const double *L, double *b)
{
    for (size_t i = 0; i < n; i++) {
        double s = b[i];
        for (size_t k = 0; k < i; k++)
            s -= L[i * n + k] * b[k];
        b[i] = s / L[i * n + i];
    }
    for (size_t i = n; i-- > 0;) {
        double s = b[i];
        for (size_t k = i + 1; k < n; k++)
            s -= L[k * n + i] * b[k];
        b[i] = s / L[i * n + i];
    }
}

int pe_spd_inverse(size_t n, const double *a, double *inv)
{
    double *L = malloc(n * n * sizeof *L), *col = malloc(n * sizeof *col);
    int rc = (!L || !col) ? -1 : pe_chol(n, a, L);
    for (size_t k = 0; !rc && k < n; k++) {
        for (size_t i = 0; i < n; i++)
            col[i] = i == k;
        pe_chol_solve(n, L, col);
        for (size_t i = 0; i < n; i++)
            inv[i * n + k] = col[i];
    }
    free(L);
    free(col);
    return rc;
}

double pe_logdet_ilml(size_t q, const double *L, const double *M)
{
    /* A = I + L' M L is symmetric positive definite for M >= 0, however
     * small OMEGA is, which keeps the determinant well conditioned. */
    double ML[PE_MAX_ETA * PE_MAX_ETA] = {0}, A[PE_MAX_ETA * PE_MAX_ETA] = {0}, C[PE_MAX_ETA * PE_MAX_ETA];
    for (size_t i = 0; i < q; i++)
        for (size_t j = 0; j < q; j++) {
            double s = 0;
            for (size_t k = j; k < q; k++)
                s += M[i * q + k] * L[k * q + j];
            ML[i * q + j] = s;
        }
    for (size_t i = 0; i < q; i++)
        for (size_t j = 0; j < q; j++) {
            double s = i == j;
            for (size_t k = i; k < q; k++)
                s += L[k * q + i] * ML[k * q + j];
            A[i * q + j] = s;
        }
    for (size_t i = 0; i < q; i++) /* symmetrise rounding */
        for (size_t j = 0; j < i; j++)
            A[i * q + j] = A[j * q + i] = 0.5 * (A[i * q + j] + A[j * q + i]);
    if (pe_chol(q, A, C))
        return INFINITY;
    double ld = 0;
    for (size_t i = 0; i < q; i++)
        ld += 2 * log(C[i * q + i]);
    return ld;
}

/* ------------------------------------------------------ create and set */

int ketsim_popest_create(const ketsim_params *base, const ketsim_catalog *cat, const char *drug,
                         double default_weight_kg, const ketsim_events *ev, ketsim_popest **out,
                         ketsim_error *err)
{
    *out = NULL;
    if (!base || !cat || !drug || !ev)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "popest: missing table, catalog, drug or data");
    ketsim_popest *pe = calloc(1, sizeof *pe);
    if (!pe)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    int rc = ketsim_params_clone(base, &pe->base, err);
    if (rc) {
        free(pe);
        return rc;
    }
    pe->cat = cat;
    snprintf(pe->drug, sizeof pe->drug, "%s", drug);
    pe->wdef = default_weight_kg;
    pe->ev = ev;
    pe->em_default = KETSIM_FIT_PROPORTIONAL;
    *out = pe;
    return KETSIM_OK;
}

static void threads_free(ketsim_popest *pe)
{
    for (size_t k = 0; k < pe->n_th; k++) {
        ketsim_events_runner_free(pe->th[k].run);
        ketsim_subject_worker_free(pe->th[k].w);
        free(pe->th[k].rec);
        free(pe->th[k].work);
        free(pe->th[k].piece_values);
        free(pe->th[k].pieces);
    }
    free(pe->th);
    pe->th = NULL;
    pe->n_th = 0;
}

void ketsim_popest_free(ketsim_popest *pe)
{
    if (!pe)
        return;
    threads_free(pe);
    free(pe->subj);
    free(pe->obs);
    free(pe->pieces);
    free(pe->modes);
    free(pe->mode_f);
    free(pe->mode_J);
    free(pe->mode_Jb);
    ketsim_params_free(pe->base);
    free(pe);
}

int ketsim_popest_set_method(ketsim_popest *pe, ketsim_popest_method m, ketsim_error *err)
{
    if (m != KETSIM_POPEST_FOCEI && m != KETSIM_POPEST_SAEM)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "unknown method %d", (int)m);
    pe->method = m;
    return KETSIM_OK;
}

static int find_row(const ketsim_popest *pe, const char *name)
{
    for (size_t i = 0; i < pe->n_rows; i++)
        if (strcmp(pe->rows[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* A row of the table that may vary: positive (it is moved on the log scale). */
static int add_row(ketsim_popest *pe, const char *what, const char *name, int *idx, ketsim_error *err)
{
    int i = find_row(pe, name);
    if (i >= 0) {
        *idx = i;
        return KETSIM_OK;
    }
    size_t row;
    if (strlen(name) >= sizeof pe->rows[0].name)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: name too long: '%s'", what, name);
    if (ketsim_params_find(pe->base, name, &row, err))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: unknown parameter '%s' (see ketsim params)", what, name);
    double v = ketsim_params_value_at(pe->base, row);
    if (!(v > 0))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: '%s' = %g: only positive parameters can be estimated (log scale)",
                           what, name, v);
    if (pe->n_rows == PE_MAX_ROWS)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: at most %d parameters", what, PE_MAX_ROWS);
    ketsim_param_info info;
    ketsim_params_info(pe->base, row, &info);
    pe_row *r = &pe->rows[pe->n_rows];
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name);
    r->row = row;
    r->start = v;
    r->lo = info.min > 0 ? info.min : 0;
    r->hi = info.max;
    r->eta = -1;
    r->x = -1;
    *idx = (int)pe->n_rows++;
    return KETSIM_OK;
}

int ketsim_popest_add_theta(ketsim_popest *pe, const char *name, double lower, double upper, ketsim_error *err)
{
    int i, rc = add_row(pe, "--estimate", name, &i, err);
    if (rc)
        return rc;
    pe_row *r = &pe->rows[i];
    if (r->est)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--estimate: '%s' named twice", name);
    r->est = 1;
    if (!isnan(lower))
        r->lo = lower > r->lo ? lower : r->lo;
    if (!isnan(upper))
        r->hi = upper < r->hi ? upper : r->hi;
    if (!(r->lo < r->hi) || !(r->start > r->lo) || !(r->start < r->hi))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--bound: '%s': start %g is not inside (%g, %g)", name, r->start,
                           r->lo, r->hi);
    return KETSIM_OK;
}

int ketsim_popest_add_eta(ketsim_popest *pe, const char *name, double omega_start, ketsim_error *err)
{
    int i, rc = add_row(pe, "--eta", name, &i, err);
    if (rc)
        return rc;
    if (pe->rows[i].eta >= 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--eta: '%s' named twice", name);
    if (pe->q == PE_MAX_ETA)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--eta: at most %d ETAs", PE_MAX_ETA);
    if (!isfinite(omega_start) || omega_start > 25)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--omega: '%s': start variance %g out of range (0, 25]", name,
                           omega_start);
    pe->rows[i].eta = (int)pe->q;
    pe->eta_row[pe->q] = i;
    pe->omega_start[pe->q] = omega_start > 0 ? omega_start : 0.1;
    pe->block[pe->q] = -1;
    pe->q++;
    return KETSIM_OK;
}

int ketsim_popest_add_omega_block(ketsim_popest *pe, const char *const *names, size_t n, ketsim_error *err)
{
    if (n < 2)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--omega-block: name at least two ETAs");
    int ks[PE_MAX_ETA];
    for (size_t j = 0; j < n; j++) {
        int i = find_row(pe, names[j]);
        if (i < 0 || pe->rows[i].eta < 0)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "--omega-block: '%s' has no ETA (name it in --eta)", names[j]);
        ks[j] = pe->rows[i].eta;
        if (pe->block[ks[j]] >= 0)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "--omega-block: '%s' is in two blocks", names[j]);
        for (size_t k = 0; k < j; k++)
            if (ks[k] == ks[j])
                return KETSIM_FAIL(err, KETSIM_EINPUT, "--omega-block: '%s' named twice", names[j]);
    }
    for (size_t j = 0; j < n; j++)
        pe->block[ks[j]] = pe->n_blocks;
    pe->n_blocks++;
    return KETSIM_OK;
}

int ketsim_popest_set_error(ketsim_popest *pe, const char *output, ketsim_fit_errmodel em, double sd_add,
                            double sd_prop, ketsim_error *err)
{
    if ((int)em < 0 || em > KETSIM_FIT_COMBINED)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "unknown error model %d", (int)em);
    if (!output) {
        pe->em_default = em;
        pe->sd_add_default = sd_add;
        pe->sd_prop_default = sd_prop;
        pe->em_default_set = 1;
        return KETSIM_OK;
    }
    if (strlen(output) >= sizeof pe->errs[0].oname)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--error: output name too long: '%s'", output);
    if (ketsim_output_index(output) < 0 && !ketsim_output_is_compound_form(output))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--error: unknown output '%s' (see ketsim outputs)", output);
    for (size_t i = 0; i < pe->n_err; i++)
        if (strcmp(pe->errs[i].oname, output) == 0)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "--error: output '%s' given twice", output);
    if (pe->n_err == PE_MAX_ERR)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--error: at most %d outputs", PE_MAX_ERR);
    pe_err *e = &pe->errs[pe->n_err++];
    *e = (pe_err){.em = em, .sd_add = sd_add, .sd_prop = sd_prop, .xa = -1, .xb = -1};
    snprintf(e->oname, sizeof e->oname, "%s", output);
    return KETSIM_OK;
}

int ketsim_popest_add_covariate(ketsim_popest *pe, const char *param, const char *covariate,
                                ketsim_popest_covkind kind, double start, ketsim_error *err)
{
    int i = find_row(pe, param);
    if (i < 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--covariate: '%s' is neither in --estimate nor in --eta", param);
    if (pe->n_cov == PE_MAX_COV)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--covariate: at most %d effects", PE_MAX_COV);
    if ((unsigned)kind > KETSIM_COV_CATEGORICAL)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--covariate: unknown kind %d", (int)kind);
    int col = -2;
    if (strcasecmp(covariate, "WT") == 0)
        col = -1;
    for (size_t k = 0; col == -2 && k < ketsim_events_n_covariates(pe->ev); k++)
        if (strcasecmp(ketsim_events_covariate_name(pe->ev, k), covariate) == 0)
            col = (int)k;
    if (col == -2)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--covariate: no column '%s' in %s", covariate,
                           ketsim_events_name(pe->ev));
    for (size_t k = 0; k < pe->n_cov; k++)
        if (pe->covs[k].prow == i && pe->covs[k].col == col)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "--covariate: %s on %s given twice", covariate, param);
    if (!isfinite(start))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--covariate: start value must be finite");
    pe_cov *c = &pe->covs[pe->n_cov++];
    memset(c, 0, sizeof *c);
    c->prow = i;
    c->col = col;
    c->kind = kind;
    c->start = start;
    c->x = -1;
    snprintf(c->name, sizeof c->name, "%s~%s(%s)", param, col < 0 ? "WT" : ketsim_events_covariate_name(pe->ev, (size_t)col),
             COVKIND[kind]);
    return KETSIM_OK;
}

int ketsim_popest_set_options(ketsim_popest *pe, const ketsim_popest_options *opt, ketsim_error *err)
{
    if (!opt)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "popest: no options");
    if (opt->threads > 64)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--threads: at most 64");
    if (opt->rtol < 0 || opt->rtol > 1e-3)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "solver tolerance %g out of range", opt->rtol);
    pe->opt = *opt;
    return KETSIM_OK;
}

/* -------------------------------------------------------------- threads */

typedef struct par_shared {
    ketsim_popest *pe;
    pe_task fn;
    void *user;
    atomic_size_t next;
    int *rc;               /* per subject */
    ketsim_error *errs;    /* per thread: the error of its lowest failing subject */
    size_t *err_s;
} par_shared;

typedef struct par_arg {
    par_shared *sh;
    size_t k;
} par_arg;

static void *par_main(void *p)
{
    par_arg *a = p;
    par_shared *sh = a->sh;
    for (;;) {
        size_t s = atomic_fetch_add(&sh->next, 1);
        if (s >= sh->pe->n_subj)
            break;
        ketsim_error e = {0};
        sh->rc[s] = sh->fn(sh->pe, &sh->pe->th[a->k], s, sh->user, &e);
        if (sh->rc[s] && s < sh->err_s[a->k]) {
            sh->err_s[a->k] = s;
            sh->errs[a->k] = e;
        }
    }
    return NULL;
}

/* Subjects are handed out one at a time; each writes only its own slots, and
 * the error reported is the one of the lowest-numbered failing subject, so
 * the outcome is the same for any number of threads. */
int pe_parallel(ketsim_popest *pe, pe_task fn, void *user, ketsim_error *err)
{
    size_t n = pe->n_subj, nt = pe->n_th;
    int *rc = calloc(n, sizeof *rc);
    ketsim_error *errs = calloc(nt, sizeof *errs);
    size_t *err_s = malloc(nt * sizeof *err_s);
    par_arg *args = malloc(nt * sizeof *args);
    pthread_t *th = malloc(nt * sizeof *th);
    if (!rc || !errs || !err_s || !args || !th) {
        free(rc), free(errs), free(err_s), free(args), free(th);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    par_shared sh = {.pe = pe, .fn = fn, .user = user, .rc = rc, .errs = errs, .err_s = err_s};
    atomic_init(&sh.next, 0);
    for (size_t k = 0; k < nt; k++) {
        err_s[k] = SIZE_MAX;
        args[k] = (par_arg){&sh, k};
    }
    size_t started = 1;
    for (size_t k = 1; k < nt; k++, started++)
        if (pthread_create(&th[k], NULL, par_main, &args[k]) != 0)
            break;
    par_main(&args[0]);
    for (size_t k = 1; k < started; k++)
        pthread_join(th[k], NULL);
    int out = KETSIM_OK;
    size_t best = SIZE_MAX;
    for (size_t k = 0; k < nt; k++)
        if (err_s[k] < best) {
            best = err_s[k];
            if (err)
                *err = errs[k];
            out = rc[best];
        }
    free(rc), free(errs), free(err_s), free(args), free(th);
    return out;
}

/* ------------------------------------------------------------ the data */

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static pe_err *err_for(ketsim_popest *pe, size_t output)
{
    for (size_t i = 0; i < pe->n_err; i++)
        if (pe->errs[i].resolved && pe->errs[i].output == output)
            return &pe->errs[i];
    const char *name = ketsim_events_output_name(pe->ev, output);
    for (size_t i = 0; i < pe->n_err; i++)
        if (!pe->errs[i].resolved && name && strcmp(pe->errs[i].oname, name) == 0) {
            pe->errs[i].resolved = 1;
            pe->errs[i].output = output;
            return &pe->errs[i];
        }
    if (pe->n_err == PE_MAX_ERR)
        return NULL;
    pe->errs[pe->n_err] = (pe_err){.output = output, .resolved = 1, .em = pe->em_default,
                                   .sd_add = pe->sd_add_default, .sd_prop = pe->sd_prop_default, .xa = -1, .xb = -1};
    snprintf(pe->errs[pe->n_err].oname, sizeof pe->errs[0].oname, "%s", name ? name : "?");
    return &pe->errs[pe->n_err++];
}

static int setup_obs(ketsim_popest *pe, ketsim_error *err)
{
    const ketsim_events *ev = pe->ev;
    size_t nr = ketsim_events_n_records(ev), ns = ketsim_events_n_subjects(ev);
    const char *name = ketsim_events_name(ev);
    pe->subj = calloc(ns ? ns : 1, sizeof *pe->subj);
    pe->obs = calloc(nr ? nr : 1, sizeof *pe->obs);
    if (!pe->subj || !pe->obs)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    pe->n_subj = ns;
    double sum_abs[PE_MAX_ERR] = {0};
    for (size_t s = 0; s < ns; s++) {
        pe_subj *sj = &pe->subj[s];
        ketsim_events_subject(ev, s, &sj->first, &sj->n_rec);
        sj->id = ketsim_events_record(ev, sj->first)->id;
        sj->obs = pe->obs + pe->n_obs;
        for (size_t j = 0; j < sj->n_rec; j++) {
            const ketsim_event *r = ketsim_events_record(ev, sj->first + j);
            if (!ketsim_event_is_fitted(r))
                continue;
            pe_err *e = err_for(pe, r->output);
            if (!e)
                return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: more than %d outputs observed", name, PE_MAX_ERR);
            pe_obs *o = &sj->obs[sj->n_obs++];
            o->rec = sj->first + j;
            o->local = j;
            o->err = (size_t)(e - pe->errs);
            o->dv = r->dv;
            o->blq = r->blq;
            o->lloq = r->blq ? (isnan(r->lloq) ? r->dv : r->lloq) : NAN;
            if (o->blq && !isfinite(o->lloq))
                return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%ld: a BLQ observation needs an LLOQ (or the LLOQ in DV)",
                                   name, r->line);
            if (!isfinite(o->dv) && !o->blq)
                return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%ld: column DV: not a finite number", name, r->line);
            e->n_obs++;
            e->n_blq += (size_t)o->blq;
            sum_abs[o->err] += fabs(o->blq ? o->lloq : o->dv);
            pe->n_blq += (size_t)o->blq;
        }
        pe->n_obs += sj->n_obs;
        pe->max_obs = sj->n_obs > pe->max_obs ? sj->n_obs : pe->max_obs;
        pe->max_rec = sj->n_rec > pe->max_rec ? sj->n_rec : pe->max_rec;
    }
    if (pe->n_obs == 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: no observation to fit (EVID 0 with MDV 0 and a DV)", name);
    for (size_t i = 0; i < pe->n_err; i++) {
        pe_err *e = &pe->errs[i];
        if (e->n_obs == 0)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "--error: output '%s' has no observation in %s", e->oname, name);
        if (e->n_blq == e->n_obs)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: every observation of '%s' is below the LLOQ", name,
                               ketsim_events_output_name(ev, e->output));
        double m = sum_abs[i] / (double)e->n_obs;
        if (!(m > 0))
            m = 1;
        e->h_floor = 1e-3 * m;
        /* start SDs: given, or a generous share of the data's size */
        int add = e->em != KETSIM_FIT_PROPORTIONAL, prop = e->em != KETSIM_FIT_ADDITIVE;
        if (add && !(e->sd_add > 0))
            e->sd_add = (prop ? 0.1 : 0.2) * m;
        if (prop && !(e->sd_prop > 0))
            e->sd_prop = add ? 0.1 : 0.2;
    }
    return KETSIM_OK;
}

/* The columns that cut a subject into pieces: WT (the model's weight) and
 * each covariate column in the model. */
static size_t piece_columns(const ketsim_popest *pe, int *cols)
{
    size_t n = 0;
    cols[n++] = -1;
    for (size_t c = 0; c < pe->n_cov; c++) {
        int dup = 0;
        for (size_t k = 0; k < n; k++)
            dup |= cols[k] == pe->covs[c].col;
        if (!dup)
            cols[n++] = pe->covs[c].col;
    }
    return n;
}

/* Time-varying covariates, carried forward (docs/dataset.md): a subject is
 * cut where WT or a covariate in the model changes; each piece keeps the
 * values in force from its first record on. */
static int setup_pieces(ketsim_popest *pe, ketsim_error *err)
{
    const ketsim_events *ev = pe->ev;
    size_t nr = ketsim_events_n_records(ev);
    pe->pieces = calloc(nr ? nr : 1, sizeof *pe->pieces);
    size_t *recs = malloc((pe->max_rec ? pe->max_rec : 1) * sizeof *recs);
    if (!pe->pieces || !recs) {
        free(recs);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    int cols[PE_MAX_COV + 1];
    size_t n_cols = piece_columns(pe, cols), used = 0;
    pe->max_piece = 1;
    for (size_t s = 0; s < pe->n_subj; s++) {
        pe_subj *sj = &pe->subj[s];
        size_t n = ketsim_events_subject_changes(ev, s, cols, n_cols, recs);
        sj->pieces = pe->pieces + used, sj->n_piece = n;
        used += n;
        pe->max_piece = n > pe->max_piece ? n : pe->max_piece;
        for (size_t k = 0; k < n; k++) {
            const ketsim_event *r = ketsim_events_record(ev, recs[k]);
            pe_piece *pc = &sj->pieces[k];
            double wt = ketsim_events_value_at(ev, s, recs[k], -1);
            pc->time_h = r->time_h, pc->line = r->line, pc->weight = isnan(wt) ? pe->wdef : wt;
            for (size_t c = 0; c < pe->n_cov; c++)
                pc->cv[c] = pe->covs[c].col < 0 ? pc->weight : ketsim_events_value_at(ev, s, recs[k], pe->covs[c].col);
        }
        sj->weight = sj->pieces[0].weight;
    }
    free(recs);
    return KETSIM_OK;
}

/* The first piece where covariate c has another value than in the
 * subject's first (0: constant in the subject). */
static size_t first_change(const pe_subj *sj, size_t c)
{
    for (size_t k = 1; k < sj->n_piece; k++)
        if (sj->pieces[k].cv[c] != sj->pieces[0].cv[c])
            return k;
    return 0;
}

/* SAEM's M-step takes each covariate effect from the subjects' parameters
 * (a regression of phi on the covariates); with covariates that change
 * within a subject the effect would also act through the data, which that
 * step does not see.  Refused, naming the record, rather than fitted
 * wrongly. */
static int saem_constant(const ketsim_popest *pe, const pe_cov *cv, size_t c, const pe_subj *sj,
                         ketsim_error *err)
{
    size_t k = first_change(sj, c);
    if (k)
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "%s:%ld: ID %g: column %s changes within the subject (%g at TIME %g, line %ld; %g at "
                           "TIME %g): SAEM does not fit time-varying covariates (--covariate %s); use --method "
                           "foce-i",
                           ketsim_events_name(pe->ev), sj->pieces[k].line, sj->id,
                           cv->col < 0 ? "WT" : ketsim_events_covariate_name(pe->ev, (size_t)cv->col),
                           sj->pieces[0].cv[c], sj->pieces[0].time_h, sj->pieces[0].line, sj->pieces[k].cv[c],
                           sj->pieces[k].time_h, cv->name);
    return KETSIM_OK;
}

/* Every piece's value of covariate c is one the effect's model accepts. */
static int covariate_check(const pe_cov *cv, const pe_subj *sj, size_t c, ketsim_error *err)
{
    for (size_t k = 0; k < sj->n_piece; k++) {
        double v = sj->pieces[k].cv[c];
        if (!isfinite(v))
            return KETSIM_FAIL(err, KETSIM_EINPUT, "--covariate %s: ID %g has no value", cv->name, sj->id);
        if (cv->kind == KETSIM_COV_POWER && !(v > 0))
            return KETSIM_FAIL(err, KETSIM_EINPUT, "--covariate %s: ID %g: %g is not positive (power model)",
                               cv->name, sj->id, v);
        if (cv->kind == KETSIM_COV_CATEGORICAL && v != 0 && v != 1)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "--covariate %s: ID %g: %g is not 0 or 1 (categorical)",
                               cv->name, sj->id, v);
    }
    return KETSIM_OK;
}

static int setup_covariates(ketsim_popest *pe, ketsim_error *err)
{
    double *vals = malloc((pe->n_subj ? pe->n_subj : 1) * sizeof *vals);
    if (!vals)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    int rc = KETSIM_OK;
    for (size_t c = 0; !rc && c < pe->n_cov; c++) {
        pe_cov *cv = &pe->covs[c];
        for (size_t s = 0; !rc && s < pe->n_subj; s++) {
            pe_subj *sj = &pe->subj[s];
            rc = covariate_check(cv, sj, c, err);
            if (!rc && pe->method == KETSIM_POPEST_SAEM)
                rc = saem_constant(pe, cv, c, sj, err);
            /* the first piece's value is the subject's (centring, EBE table) */
            sj->cv[c] = vals[s] = sj->pieces[0].cv[c];
        }
        if (rc)
            break;
        qsort(vals, pe->n_subj, sizeof *vals, compare_double);
        double med = pe->n_subj % 2 ? vals[pe->n_subj / 2]
                                    : 0.5 * (vals[pe->n_subj / 2 - 1] + vals[pe->n_subj / 2]);
        cv->ref = cv->kind == KETSIM_COV_CATEGORICAL ? 0
                  : (cv->kind == KETSIM_COV_POWER && cv->col < 0) ? 70 : med;
        if (cv->kind != KETSIM_COV_CATEGORICAL && vals[0] == vals[pe->n_subj - 1])
            rc = KETSIM_FAIL(err, KETSIM_EINPUT, "--covariate %s: every subject has the same value %g", cv->name, vals[0]);
    }
    free(vals);
    return rc;
}

/* The unknowns in x, their names and bounds. */
static int setup_x(ketsim_popest *pe, ketsim_error *err)
{
    size_t n = 0;
    for (size_t r = 0; r < pe->n_rows; r++)
        if (pe->rows[r].est) {
            pe->rows[r].x = (int)n;
            snprintf(pe->xname[n], sizeof pe->xname[n], "%s", pe->rows[r].name);
            pe->x_lo[n] = log(pe->rows[r].lo > 0 ? pe->rows[r].lo : 1e-300);
            pe->x_hi[n] = isfinite(pe->rows[r].hi) ? log(pe->rows[r].hi) : INFINITY;
            n++;
        }
    for (size_t c = 0; c < pe->n_cov; c++) {
        pe->covs[c].x = (int)n;
        snprintf(pe->xname[n], sizeof pe->xname[n], "%s", pe->covs[c].name);
        pe->x_lo[n] = -INFINITY, pe->x_hi[n] = INFINITY;
        n++;
    }
    pe->om_x0 = (int)n;
    pe->n_om = 0;
    for (size_t k = 0; k < pe->q; k++) {
        pe->om_k[pe->n_om] = (int)k, pe->om_l[pe->n_om] = (int)k, pe->n_om++;
    }
    for (size_t k = 0; k < pe->q; k++)
        for (size_t l = 0; l < k; l++)
            if (pe->block[k] >= 0 && pe->block[k] == pe->block[l])
                pe->om_k[pe->n_om] = (int)k, pe->om_l[pe->n_om] = (int)l, pe->n_om++;
    for (size_t j = 0; j < pe->n_om; j++) {
        const char *a = pe->rows[pe->eta_row[pe->om_k[j]]].name, *b = pe->rows[pe->eta_row[pe->om_l[j]]].name;
        if (pe->om_k[j] == pe->om_l[j])
            snprintf(pe->xname[n], sizeof pe->xname[n], "OMEGA(%s)", a);
        else
            snprintf(pe->xname[n], sizeof pe->xname[n], "OMEGA(%s,%s)", a, b);
        pe->x_lo[n] = -INFINITY, pe->x_hi[n] = INFINITY;
        n++;
    }
    for (size_t i = 0; i < pe->n_err; i++) {
        pe_err *e = &pe->errs[i];
        const char *on = ketsim_events_output_name(pe->ev, e->output);
        e->xa = e->xb = -1;
        if (e->em != KETSIM_FIT_PROPORTIONAL) {
            e->xa = (int)n;
            snprintf(pe->xname[n], sizeof pe->xname[n], "%s:add", on);
            pe->x_lo[n] = -INFINITY, pe->x_hi[n] = INFINITY;
            n++;
        }
        if (e->em != KETSIM_FIT_ADDITIVE) {
            e->xb = (int)n;
            snprintf(pe->xname[n], sizeof pe->xname[n], "%s:prop", on);
            pe->x_lo[n] = -INFINITY, pe->x_hi[n] = INFINITY;
            n++;
        }
    }
    pe->n_x = n;
    if (n == 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "nothing to estimate");
    if (pe->n_obs <= n)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%zu observations cannot determine %zu unknowns", pe->n_obs, n);
    return KETSIM_OK;
}

static int setup_threads(ketsim_popest *pe, ketsim_error *err)
{
    size_t nt = pe->opt.threads ? pe->opt.threads : 1;
    if (nt > pe->n_subj)
        nt = pe->n_subj;
    pe->th = calloc(nt, sizeof *pe->th);
    if (!pe->th)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    pe->n_th = nt;
    const char *drugs[1] = {pe->drug};
    double rtol = pe->opt.rtol > 0 ? pe->opt.rtol : 1e-8;
    for (size_t k = 0; k < nt; k++) {
        pe_thread *t = &pe->th[k];
        int rc = ketsim_subject_worker_create(pe->base, pe->cat, drugs, 1, &t->w, err);
        if (!rc)
            rc = ketsim_events_runner_create(pe->ev, t->w, 0, &t->run, err);
        if (rc)
            return rc;
        /* Finite differences of the predictions (step 1e-3 on log
         * parameters) need the solver's error well below the step. */
        ketsim_subject_worker_set_tolerances(t->w, rtol, 1e-2);
        t->rec = malloc(pe->max_rec * sizeof *t->rec);
        t->work = malloc(pe->max_obs * (PE_MAX_ROWS + 12) * sizeof *t->work);
        t->piece_values = malloc(pe->max_piece * PE_MAX_ROWS * sizeof *t->piece_values);
        t->pieces = malloc(pe->max_piece * sizeof *t->pieces);
        if (!t->rec || !t->work || !t->piece_values || !t->pieces)
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    return KETSIM_OK;
}

static int setup(ketsim_popest *pe, ketsim_error *err)
{
    if (pe->n_rows == 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--estimate or --eta: no parameter named");
    if (pe->q == 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--eta: a population method needs at least one ETA (or use --method pooled)");
    for (size_t i = 0; i < pe->n_rows; i++)
        if (pe->rows[i].est == 0 && pe->rows[i].eta < 0)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "internal: row %s neither estimated nor random", pe->rows[i].name);
    int rc = setup_obs(pe, err);
    if (!rc)
        rc = setup_pieces(pe, err);
    if (!rc)
        rc = setup_covariates(pe, err);
    if (!rc)
        rc = setup_x(pe, err);
    if (!rc)
        rc = setup_threads(pe, err);
    if (!rc) {
        pe->modes = calloc(pe->n_subj, sizeof *pe->modes);
        pe->mode_f = calloc(pe->n_obs, sizeof *pe->mode_f);
        pe->mode_J = calloc(pe->n_obs * pe->n_rows, sizeof *pe->mode_J);
        pe->mode_Jb = calloc(pe->n_obs * PE_MAX_COV, sizeof *pe->mode_Jb);
        if (!pe->modes || !pe->mode_f || !pe->mode_J || !pe->mode_Jb)
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
        size_t off = 0;
        for (size_t s = 0; s < pe->n_subj; s++) {
            pe->modes[s].f = pe->mode_f + off;
            pe->modes[s].J = pe->mode_J + off * pe->n_rows;
            pe->modes[s].Jb = pe->mode_Jb + off * PE_MAX_COV;
            off += pe->subj[s].n_obs;
        }
    }
    return rc;
}

/* --------------------------------------------------------- parameters */

int pe_unpack(const ketsim_popest *pe, const double *x, pe_par *par)
{
    size_t q = pe->q;
    for (size_t r = 0; r < pe->n_rows; r++)
        par->logtheta[r] = pe->rows[r].est ? x[pe->rows[r].x] : log(pe->rows[r].start);
    for (size_t c = 0; c < pe->n_cov; c++)
        par->beta[c] = x[pe->covs[c].x];
    memset(par->chol, 0, q * q * sizeof *par->chol);
    for (size_t j = 0; j < pe->n_om; j++) {
        int k = pe->om_k[j], l = pe->om_l[j];
        double v = x[pe->om_x0 + (int)j];
        par->chol[k * q + l] = k == l ? exp(v) : v;
    }
    for (size_t i = 0; i < q; i++)
        for (size_t j = 0; j < q; j++) {
            double s = 0;
            for (size_t k = 0; k <= (i < j ? i : j); k++)
                s += par->chol[i * q + k] * par->chol[j * q + k];
            par->omega[i * q + j] = s;
        }
    if (pe_spd_inverse(q, par->omega, par->omega_inv))
        return -1;
    for (size_t i = 0; i < pe->n_err; i++) {
        par->sa[i] = pe->errs[i].xa >= 0 ? exp(x[pe->errs[i].xa]) : 0;
        par->sb[i] = pe->errs[i].xb >= 0 ? exp(x[pe->errs[i].xb]) : 0;
    }
    for (size_t j = 0; j < pe->n_x; j++)
        if (!isfinite(x[j]))
            return -1;
    return 0;
}

void pe_start_x(const ketsim_popest *pe, double *x)
{
    for (size_t r = 0; r < pe->n_rows; r++)
        if (pe->rows[r].est)
            x[pe->rows[r].x] = log(pe->rows[r].start);
    for (size_t c = 0; c < pe->n_cov; c++)
        x[pe->covs[c].x] = pe->covs[c].start;
    for (size_t j = 0; j < pe->n_om; j++) {
        int k = pe->om_k[j], l = pe->om_l[j];
        x[pe->om_x0 + (int)j] = k == l ? 0.5 * log(pe->omega_start[k]) : 0;
    }
    for (size_t i = 0; i < pe->n_err; i++) {
        if (pe->errs[i].xa >= 0)
            x[pe->errs[i].xa] = log(pe->errs[i].sd_add);
        if (pe->errs[i].xb >= 0)
            x[pe->errs[i].xb] = log(pe->errs[i].sd_prop);
    }
}

void pe_natural(const ketsim_popest *pe, const double *x, double *nat)
{
    memcpy(nat, x, pe->n_x * sizeof *nat);
    for (size_t r = 0; r < pe->n_rows; r++)
        if (pe->rows[r].est)
            nat[pe->rows[r].x] = exp(x[pe->rows[r].x]);
    size_t q = pe->q;
    double L[PE_MAX_ETA * PE_MAX_ETA] = {0};
    for (size_t j = 0; j < pe->n_om; j++) {
        int k = pe->om_k[j], l = pe->om_l[j];
        double v = x[pe->om_x0 + (int)j];
        L[k * q + l] = k == l ? exp(v) : v;
    }
    for (size_t j = 0; j < pe->n_om; j++) {
        int k = pe->om_k[j], l = pe->om_l[j];
        double s = 0;
        for (int m = 0; m <= l; m++)
            s += L[k * q + m] * L[l * q + m];
        nat[pe->om_x0 + (int)j] = s;
    }
    for (size_t i = 0; i < pe->n_err; i++) {
        if (pe->errs[i].xa >= 0)
            nat[pe->errs[i].xa] = exp(x[pe->errs[i].xa]);
        if (pe->errs[i].xb >= 0)
            nat[pe->errs[i].xb] = exp(x[pe->errs[i].xb]);
    }
}

/* A covariate effect's term on the log parameter at value v; -1 where a
 * linear term is not positive. */
static int cov_term(const pe_cov *cv, double v, double b, double *t)
{
    switch (cv->kind) {
    case KETSIM_COV_POWER: *t = b * log(v / cv->ref); return 0;
    case KETSIM_COV_EXPONENTIAL: *t = b * (v - cv->ref); return 0;
    case KETSIM_COV_CATEGORICAL: *t = b * v; return 0;
    default: {
        double u = 1 + b * (v - cv->ref);
        if (!(u > 0))
            return -1;
        *t = log(u);
        return 0;
    }
    }
}

int pe_mu(const ketsim_popest *pe, const pe_par *par, size_t s, double *mu)
{
    for (size_t r = 0; r < pe->n_rows; r++)
        mu[r] = par->logtheta[r];
    for (size_t c = 0; c < pe->n_cov; c++) {
        double t;
        if (cov_term(&pe->covs[c], pe->subj[s].cv[c], par->beta[c], &t))
            return -1;
        mu[pe->covs[c].prow] += t;
    }
    return 0;
}

/* How piece k moves the log parameters from the first piece's. */
static int piece_shift(const ketsim_popest *pe, const pe_par *par, const pe_subj *sj, size_t k, double *shift)
{
    for (size_t r = 0; r < pe->n_rows; r++)
        shift[r] = 0;
    for (size_t c = 0; k > 0 && c < pe->n_cov; c++) {
        double t0, tk;
        if (cov_term(&pe->covs[c], sj->pieces[0].cv[c], par->beta[c], &t0) ||
            cov_term(&pe->covs[c], sj->pieces[k].cv[c], par->beta[c], &tk))
            return -1;
        shift[pe->covs[c].prow] += tk - t0;
    }
    return 0;
}

/* ------------------------------------------------- subject likelihood */

int pe_run(ketsim_popest *pe, pe_thread *t, ketsim_events_runner *run, size_t s, const pe_par *par,
           const double *phi, double *pred, ketsim_error *err)
{
    const pe_subj *sj = &pe->subj[s];
    for (size_t k = 0; k < sj->n_piece; k++) {
        double shift[PE_MAX_ROWS];
        if (piece_shift(pe, par, sj, k, shift))
            return KETSIM_FAIL(err, KETSIM_EINPUT, "ID %g: a linear covariate term is not positive from TIME %g",
                               sj->id, sj->pieces[k].time_h);
        ketsim_param_value *pv = t->piece_values + k * PE_MAX_ROWS;
        for (size_t r = 0; r < pe->n_rows; r++) {
            double v = exp(phi[r] + shift[r]);
            if (!isfinite(v) || !(v > 0) || v < pe->rows[r].lo * (1 - 1e-12) || v > pe->rows[r].hi)
                return KETSIM_FAIL(err, KETSIM_EINPUT, "ID %g: %s = %g outside its range (from TIME %g)", sj->id,
                                   pe->rows[r].name, v, sj->pieces[k].time_h);
            pv[r] = (ketsim_param_value){pe->rows[r].row, v};
        }
        t->pieces[k] = (ketsim_events_piece){sj->pieces[k].time_h, sj->pieces[k].weight, pv, pe->n_rows};
    }
    return ketsim_events_runner_run_pieces(run, s, t->pieces, sj->n_piece, pred, err);
}

int pe_sim(ketsim_popest *pe, pe_thread *t, size_t s, const pe_par *par, const double *phi, double *f,
           ketsim_error *err)
{
    const pe_subj *sj = &pe->subj[s];
    t->n_sims++;
    int rc = pe_run(pe, t, t->run, s, par, phi, t->rec, err);
    for (size_t j = 0; !rc && j < sj->n_obs; j++) {
        f[j] = t->rec[sj->obs[j].local];
        if (!isfinite(f[j]))
            rc = KETSIM_FAIL(err, KETSIM_ESOLVER, "ID %g: no finite prediction at record %zu", sj->id, sj->obs[j].rec);
    }
    return rc;
}

/* log Phi(z) and lambda = phi(z) / Phi(z), accurate far in the lower tail. */
static double log_ncdf(double z, double *lambda)
{
    double lp = log(0.5) + gsl_sf_log_erfc(-z / 1.41421356237309504880);
    if (lambda)
        *lambda = exp(-0.5 * z * z - 0.5 * LOG2PI - lp);
    return lp;
}

double pe_data_m2ll(const ketsim_popest *pe, size_t s, const pe_par *par, const double *f, double *d1,
                    double *w_in, double *w_ofv)
{
    const pe_subj *sj = &pe->subj[s];
    double sum = 0;
    for (size_t j = 0; j < sj->n_obs; j++) {
        const pe_obs *o = &sj->obs[j];
        const pe_err *e = &pe->errs[o->err];
        double sa = par->sa[o->err], sb = par->sb[o->err];
        double af = fabs(f[j]), h = af > e->h_floor ? af : e->h_floor;
        double V = sa * sa + sb * sb * h * h;
        double dV = af > e->h_floor ? 2 * sb * sb * f[j] : 0; /* dV/df */
        if (!o->blq) {
            double r = o->dv - f[j];
            sum += LOG2PI + log(V) + r * r / V;
            if (d1)
                d1[j] = dV / V - r * r * dV / (V * V) - 2 * r / V;
            if (w_in)
                w_in[j] = 2 / V + dV * dV / (V * V);
            if (w_ofv)
                w_ofv[j] = 2 / V;
        } else {
            double sd = sqrt(V), z = (o->lloq - f[j]) / sd, lam;
            sum += -2 * log_ncdf(z, &lam);
            double dz = -1 / sd - (o->lloq - f[j]) * dV / (2 * V * sd);
            double c2 = 2 * (lam * lam + z * lam); /* d^2/dz^2 of -2 log Phi(z) */
            if (d1)
                d1[j] = -2 * lam * dz;
            if (w_in)
                w_in[j] = c2 * dz * dz;
            if (w_ofv)
                w_ofv[j] = c2 / V;
        }
    }
    return sum;
}

/* G = d f / d phi for the listed rows, by central differences. */
static int jac_cols(ketsim_popest *pe, pe_thread *t, size_t s, const pe_par *par, const double *phi,
                    const int *rows, size_t nc, double *J, size_t ldj, double *fp, double *fm, ketsim_error *err)
{
    size_t n = pe->subj[s].n_obs;
    double ph[PE_MAX_ROWS];
    memcpy(ph, phi, pe->n_rows * sizeof *ph);
    for (size_t c = 0; c < nc; c++) {
        int r = rows[c];
        ph[r] = phi[r] + FD_ETA;
        int rc = pe_sim(pe, t, s, par, ph, fp, err);
        ph[r] = phi[r] - FD_ETA;
        if (!rc)
            rc = pe_sim(pe, t, s, par, ph, fm, err);
        ph[r] = phi[r];
        if (rc)
            return rc;
        for (size_t j = 0; j < n; j++)
            J[j * ldj + (size_t)r] = (fp[j] - fm[j]) / (2 * FD_ETA);
    }
    return KETSIM_OK;
}

static double quad_inv(size_t q, const double *Oi, const double *eta)
{
    double s = 0;
    for (size_t i = 0; i < q; i++)
        for (size_t j = 0; j < q; j++)
            s += eta[i] * Oi[i * q + j] * eta[j];
    return s;
}

/* The subject's FOCE-I -2LL from the mode's l, G and weights. */
static double mode_ofv(const ketsim_popest *pe, size_t s, const pe_par *par, const pe_mode *m, const double *w_ofv)
{
    size_t q = pe->q, n = pe->subj[s].n_obs, nr = pe->n_rows;
    double M[PE_MAX_ETA * PE_MAX_ETA] = {0};
    for (size_t j = 0; j < n; j++)
        for (size_t a = 0; a < q; a++) {
            double ga = m->J[j * nr + (size_t)pe->eta_row[a]];
            for (size_t b = 0; b < q; b++)
                M[a * q + b] += 0.5 * w_ofv[j] * ga * m->J[j * nr + (size_t)pe->eta_row[b]];
        }
    return m->l + pe_logdet_ilml(q, par->chol, M);
}

int pe_mode_find(ketsim_popest *pe, pe_thread *t, size_t s, const pe_par *par, pe_mode *m, ketsim_error *err)
{
    size_t q = pe->q, n = pe->subj[s].n_obs, nr = pe->n_rows;
    double *ft = t->work, *fp = ft + pe->max_obs, *fm = fp + pe->max_obs, *d1 = fm + pe->max_obs,
           *w_in = d1 + pe->max_obs, *w_ofv = w_in + pe->max_obs;
    double mu[PE_MAX_ROWS], phi[PE_MAX_ROWS], eta[PE_MAX_ETA], et[PE_MAX_ETA];
    int cols[PE_MAX_ETA];
    for (size_t k = 0; k < q; k++)
        cols[k] = pe->eta_row[k];
    m->ok = 0;
    if (pe_mu(pe, par, s, mu))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "ID %g: a linear covariate term is not positive", pe->subj[s].id);
    memcpy(eta, m->eta, q * sizeof *eta);
    int rc = KETSIM_OK;
    for (int attempt = 0; attempt < 2; attempt++) {
        memcpy(phi, mu, nr * sizeof *phi);
        for (size_t k = 0; k < q; k++)
            phi[cols[k]] += eta[k];
        rc = pe_sim(pe, t, s, par, phi, m->f, err);
        if (!rc)
            break;
        memset(eta, 0, sizeof eta); /* the warm start failed: from the typical subject */
    }
    if (rc)
        return rc;
    double l = pe_data_m2ll(pe, s, par, m->f, NULL, NULL, NULL) + quad_inv(q, par->omega_inv, eta);
    /* The Gauss-Newton matrix misses the curvature of the predictions
     * (residual times d2f/deta2); a symmetric rank-one correction A, fitted
     * to the change of the gradient over each step (secant condition),
     * adds it back and makes the convergence superlinear without second
     * derivatives. */
    double A[PE_MAX_ETA * PE_MAX_ETA] = {0}, g_prev[PE_MAX_ETA], s_prev[PE_MAX_ETA];
    int have_prev = 0;
    for (int it = 0; it < 60; it++) {
        rc = jac_cols(pe, t, s, par, phi, cols, q, m->J, nr, fp, fm, err);
        if (rc)
            return rc;
        pe_data_m2ll(pe, s, par, m->f, d1, w_in, w_ofv);
        double g[PE_MAX_ETA], H[PE_MAX_ETA * PE_MAX_ETA], L[PE_MAX_ETA * PE_MAX_ETA], step[PE_MAX_ETA];
        for (size_t a = 0; a < q; a++) {
            double oe = 0;
            for (size_t b = 0; b < q; b++) {
                oe += par->omega_inv[a * q + b] * eta[b];
                H[a * q + b] = 2 * par->omega_inv[a * q + b];
            }
            g[a] = 2 * oe;
        }
        for (size_t j = 0; j < n; j++)
            for (size_t a = 0; a < q; a++) {
                double ga = m->J[j * nr + (size_t)cols[a]];
                g[a] += d1[j] * ga;
                for (size_t b = 0; b < q; b++)
                    H[a * q + b] += w_in[j] * ga * m->J[j * nr + (size_t)cols[b]];
            }
        if (have_prev) {
            double r[PE_MAX_ETA], rs = 0, rr = 0, ss2 = 0;
            for (size_t a = 0; a < q; a++) {
                r[a] = g[a] - g_prev[a];
                for (size_t b = 0; b < q; b++)
                    r[a] -= (H[a * q + b] + A[a * q + b]) * s_prev[b];
            }
            for (size_t a = 0; a < q; a++)
                rs += r[a] * s_prev[a], rr += r[a] * r[a], ss2 += s_prev[a] * s_prev[a];
            if (fabs(rs) > 1e-8 * sqrt(rr * ss2))
                for (size_t a = 0; a < q; a++)
                    for (size_t b = 0; b < q; b++)
                        A[a * q + b] += r[a] * r[b] / rs;
        }
        double HA[PE_MAX_ETA * PE_MAX_ETA];
        for (size_t a = 0; a < q * q; a++)
            HA[a] = H[a] + A[a];
        if (pe_chol(q, HA, L)) {
            memset(A, 0, sizeof A); /* the correction made it indefinite: plain Gauss-Newton */
            if (pe_chol(q, H, L))
                break; /* cannot happen for OMEGA > 0; stop at the current point */
        }
        double dec = 0, big = 0;
        for (size_t a = 0; a < q; a++)
            step[a] = -g[a];
        pe_chol_solve(q, L, step);
        for (size_t a = 0; a < q; a++) {
            dec -= 0.5 * g[a] * step[a];
            big = fabs(step[a]) > big ? fabs(step[a]) : big;
        }
        /* converged: the Gauss-Newton model promises less than 1e-9 in
         * -2LL and the step is tiny (the FOCE-I objective's finite
         * differences need the mode to this precision) */
        if (dec < 1e-9 && big < 1e-5)
            break;
        if (big > 2) /* keep steps inside where the model was linearised */
            for (size_t a = 0; a < q; a++)
                step[a] *= 2 / big;
        double alpha = 1;
        int accepted = 0;
        for (int ls = 0; ls < 12 && !accepted; ls++, alpha *= 0.5) {
            double ph[PE_MAX_ROWS];
            memcpy(ph, mu, nr * sizeof *ph);
            for (size_t k = 0; k < q; k++) {
                et[k] = eta[k] + alpha * step[k];
                ph[cols[k]] += et[k];
            }
            ketsim_error e2;
            if (pe_sim(pe, t, s, par, ph, ft, &e2))
                continue;
            double lt = pe_data_m2ll(pe, s, par, ft, NULL, NULL, NULL) + quad_inv(q, par->omega_inv, et);
            if (lt <= l) {
                accepted = 1;
                for (size_t a = 0; a < q; a++)
                    s_prev[a] = et[a] - eta[a], g_prev[a] = g[a];
                have_prev = 1;
                l = lt;
                memcpy(eta, et, q * sizeof *eta);
                memcpy(phi, ph, nr * sizeof *phi);
                memcpy(m->f, ft, n * sizeof *ft);
            }
        }
        if (!accepted) { /* no decrease along the step: the mode to numerical precision; G is current */
            break;
        }
    }
    /* J's ETA columns are at the final point: each pass recomputes them
     * first, and a pass that moves goes round again */
    memcpy(m->eta, eta, q * sizeof *eta);
    memcpy(m->phi, phi, nr * sizeof *phi);
    m->l = l;
    pe_data_m2ll(pe, s, par, m->f, NULL, NULL, w_ofv);
    m->ofv = mode_ofv(pe, s, par, m, w_ofv);
    m->ok = isfinite(m->ofv);
    return KETSIM_OK;
}

/* m->Jb by central differences on each effect that varies in the subject. */
static int jac_beta(ketsim_popest *pe, pe_thread *t, size_t s, const pe_par *par, pe_mode *m, double *fp,
                    double *fm, ketsim_error *err)
{
    const pe_subj *sj = &pe->subj[s];
    memcpy(m->beta, par->beta, sizeof m->beta);
    memset(m->Jb, 0, sj->n_obs * PE_MAX_COV * sizeof *m->Jb);
    for (size_t c = 0; c < pe->n_cov; c++) {
        if (!first_change(sj, c))
            continue;
        pe_par p2 = *par;
        p2.beta[c] = par->beta[c] + FD_ETA;
        int rc = pe_sim(pe, t, s, &p2, m->phi, fp, err);
        p2.beta[c] = par->beta[c] - FD_ETA;
        if (!rc)
            rc = pe_sim(pe, t, s, &p2, m->phi, fm, err);
        if (rc)
            return rc;
        for (size_t j = 0; j < sj->n_obs; j++)
            m->Jb[j * PE_MAX_COV + c] = (fp[j] - fm[j]) / (2 * FD_ETA);
    }
    return KETSIM_OK;
}

int pe_jacobian_rows(ketsim_popest *pe, pe_thread *t, size_t s, const pe_par *par, pe_mode *m, ketsim_error *err)
{
    int cols[PE_MAX_ROWS];
    size_t nc = 0;
    for (size_t r = 0; r < pe->n_rows; r++)
        if (pe->rows[r].eta < 0)
            cols[nc++] = (int)r;
    double *fp = t->work + pe->max_obs, *fm = fp + pe->max_obs;
    int rc = nc ? jac_cols(pe, t, s, par, m->phi, cols, nc, m->J, pe->n_rows, fp, fm, err) : KETSIM_OK;
    return rc ? rc : jac_beta(pe, t, s, par, m, fp, fm, err);
}

typedef struct ofv_task {
    pe_par par;
} ofv_task;

static int ofv_subject(ketsim_popest *pe, pe_thread *t, size_t s, void *user, ketsim_error *err)
{
    ofv_task *ot = user;
    return pe_mode_find(pe, t, s, &ot->par, &pe->modes[s], err);
}

double pe_foce_ofv(ketsim_popest *pe, const double *x, double *ofv_i, ketsim_error *err)
{
    ofv_task *ot = malloc(sizeof *ot);
    if (!ot) {
        KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
        return NAN;
    }
    if (pe_unpack(pe, x, &ot->par)) {
        free(ot);
        return INFINITY;
    }
    int rc = pe_parallel(pe, ofv_subject, ot, err);
    free(ot);
    if (rc)
        return INFINITY;
    double sum = 0;
    for (size_t s = 0; s < pe->n_subj; s++) {
        if (ofv_i)
            ofv_i[s] = pe->modes[s].ofv;
        sum += pe->modes[s].ofv;
    }
    return isfinite(sum) ? sum : INFINITY;
}

double pe_bound_penalty(const ketsim_popest *pe, const double *x, double *xc)
{
    double p = 0;
    for (size_t j = 0; j < pe->n_x; j++) {
        double v = x[j];
        /* a hair inside, so that exp(log bound) passes the range check */
        double lo = pe->x_lo[j] + (isfinite(pe->x_lo[j]) ? 1e-9 : 0), hi = pe->x_hi[j] - (isfinite(pe->x_hi[j]) ? 1e-9 : 0);
        if (v < lo)
            p += 1e4 * (lo - v) * (lo - v), v = lo;
        if (v > hi)
            p += 1e4 * (v - hi) * (v - hi), v = hi;
        xc[j] = v;
    }
    return p;
}

/* ------------------------------------------------------------- results */

static int alloc_result(const ketsim_popest *pe, ketsim_popest_result **out, ketsim_error *err)
{
    ketsim_popest_result *r = calloc(1, sizeof *r);
    size_t q = pe->q, ns = pe->n_subj, nr = ketsim_events_n_records(pe->ev), nx = pe->n_x;
    if (r) {
        r->n_theta = 0;
        for (size_t i = 0; i < pe->n_rows; i++)
            r->n_theta += (size_t)pe->rows[i].est;
        r->n_theta += pe->n_cov;
        r->theta = calloc(r->n_theta ? r->n_theta : 1, sizeof *r->theta);
        r->n_eta = q;
        r->eta_names = calloc(q, sizeof *r->eta_names);
        r->omega = calloc(q * q, sizeof(double));
        r->omega_se = calloc(q * q, sizeof(double));
        r->omega_corr = calloc(q * q, sizeof(double));
        r->omega_cv_pct = calloc(q, sizeof(double));
        r->omega_est = calloc(q * q, sizeof(int));
        r->sigma = calloc(2 * pe->n_err, sizeof *r->sigma);
        r->eta_shrinkage_pct = calloc(q, sizeof(double));
        r->ebe = calloc(ns * q, sizeof(double));
        r->subject_id = calloc(ns, sizeof(double));
        r->n_records = nr;
        r->pred = malloc(nr * sizeof(double));
        r->ipred = malloc(nr * sizeof(double));
        r->res = malloc(nr * sizeof(double));
        r->iwres = malloc(nr * sizeof(double));
        r->cwres = malloc(nr * sizeof(double));
        r->cov_corr = calloc(nx * nx, sizeof(double));
        r->cov_names = calloc(nx, sizeof *r->cov_names);
    }
    if (!r || !r->theta || !r->eta_names || !r->omega || !r->omega_se || !r->omega_corr || !r->omega_cv_pct ||
        !r->omega_est || !r->sigma || !r->eta_shrinkage_pct || !r->ebe || !r->subject_id || !r->pred ||
        !r->ipred || !r->res || !r->iwres || !r->cwres || !r->cov_corr || !r->cov_names) {
        ketsim_popest_result_free(r);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < nr; i++)
        r->pred[i] = r->ipred[i] = r->res[i] = r->iwres[i] = r->cwres[i] = NAN;
    *out = r;
    return KETSIM_OK;
}

void ketsim_popest_result_free(ketsim_popest_result *r)
{
    if (!r)
        return;
    free(r->theta);
    free(r->eta_names);
    free(r->omega);
    free(r->omega_se);
    free(r->omega_corr);
    free(r->omega_cv_pct);
    free(r->omega_est);
    free(r->sigma);
    free(r->eta_shrinkage_pct);
    free(r->ebe);
    free(r->subject_id);
    free(r->pred);
    free(r->ipred);
    free(r->res);
    free(r->iwres);
    free(r->cwres);
    free(r->npde);
    free(r->cov_corr);
    free(r->cov_names);
    free(r);
}

/* PRED (eta = 0), IPRED (the mode) and the residuals of one subject. */
typedef struct diag_task {
    pe_par par;
    ketsim_popest_result *r;
} diag_task;

static int diag_subject(ketsim_popest *pe, pe_thread *t, size_t s, void *user, ketsim_error *err)
{
    diag_task *dt = user;
    ketsim_popest_result *r = dt->r;
    const pe_subj *sj = &pe->subj[s];
    const pe_mode *m = &pe->modes[s];
    size_t n = sj->n_obs, q = pe->q, nr = pe->n_rows;
    double mu[PE_MAX_ROWS];
    if (pe_mu(pe, &dt->par, s, mu))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "ID %g: a linear covariate term is not positive", sj->id);
    /* every prediction record gets PRED and IPRED, fitted or not */
    double *f = t->work;
    int rc = pe_sim(pe, t, s, &dt->par, mu, f, err);
    for (size_t j = 0; !rc && j < sj->n_rec; j++)
        if (ketsim_event_is_prediction(ketsim_events_record(pe->ev, sj->first + j)))
            r->pred[sj->first + j] = t->rec[j];
    if (!rc)
        rc = pe_sim(pe, t, s, &dt->par, m->phi, f, err);
    for (size_t j = 0; !rc && j < sj->n_rec; j++)
        if (ketsim_event_is_prediction(ketsim_events_record(pe->ev, sj->first + j)))
            r->ipred[sj->first + j] = t->rec[j];
    if (rc)
        return rc;
    /* CWRES (Hooker et al. 2007): the residuals of the model linearised
     * around the mode, y - (f^ - G eta^), decorrelated by the Cholesky
     * factor of C = G OMEGA G' + V(f^); censored records are left out. */
    size_t nq = 0;
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);
    size_t nn = n * n > 0 ? n * n : 1;
    double *C = malloc(nn * sizeof *C), *LC = malloc(nn * sizeof *LC),
           *e = malloc((n ? n : 1) * sizeof *e);
    if (!idx || !C || !LC || !e) {
        free(idx), free(C), free(LC), free(e);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    for (size_t j = 0; j < n; j++)
        if (!sj->obs[j].blq)
            idx[nq++] = j;
    for (size_t a = 0; a < nq; a++) {
        size_t ja = idx[a];
        const pe_obs *o = &sj->obs[ja];
        const pe_err *er = &pe->errs[o->err];
        double sa = dt->par.sa[o->err], sb = dt->par.sb[o->err];
        double af = fabs(m->f[ja]), h = af > er->h_floor ? af : er->h_floor;
        double V = sa * sa + sb * sb * h * h;
        double lin = m->f[ja];
        for (size_t k = 0; k < q; k++)
            lin -= m->J[ja * nr + (size_t)pe->eta_row[k]] * m->eta[k];
        e[a] = o->dv - lin;
        r->res[o->rec] = o->dv - r->pred[o->rec];
        r->iwres[o->rec] = (o->dv - m->f[ja]) / sqrt(V);
        for (size_t b = 0; b < nq; b++) {
            size_t jb = idx[b];
            double c = a == b ? V : 0;
            for (size_t k = 0; k < q; k++)
                for (size_t l = 0; l < q; l++)
                    c += m->J[ja * nr + (size_t)pe->eta_row[k]] * dt->par.omega[k * q + l] *
                         m->J[jb * nr + (size_t)pe->eta_row[l]];
            C[a * nq + b] = c;
        }
    }
    if (nq && pe_chol(nq, C, LC) == 0)
        for (size_t a = 0; a < nq; a++) {
            double sum = e[a];
            for (size_t k = 0; k < a; k++)
                sum -= LC[a * nq + k] * e[k];
            e[a] = sum / LC[a * nq + a];
            r->cwres[sj->obs[idx[a]].rec] = e[a];
        }
    free(idx), free(C), free(LC), free(e);
    return KETSIM_OK;
}

static double sd_of(const double *v, size_t n, size_t stride)
{
    double m = 0, s = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i * stride]))
            m += v[i * stride], k++;
    if (k < 2)
        return NAN;
    m /= (double)k;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i * stride]))
            s += (v[i * stride] - m) * (v[i * stride] - m);
    return sqrt(s / (double)(k - 1));
}

static void append(char *buf, size_t n, const char *what)
{
    size_t len = strlen(buf);
    snprintf(buf + len, n - len, "%s%s", len ? "; " : "", what);
}

static int finish(ketsim_popest *pe, const double *x, ketsim_popest_result *r, ketsim_error *err)
{
    size_t q = pe->q, nx = pe->n_x;
    double nat[PE_MAX_X];
    diag_task *dt = malloc(sizeof *dt);
    double *cov = calloc(nx * nx, sizeof *cov), *Jn = calloc(nx * nx, sizeof *Jn), *covn = calloc(nx * nx, sizeof *covn);
    if (!dt || !cov || !Jn || !covn) {
        free(dt), free(cov), free(Jn), free(covn);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    int rc = KETSIM_OK;
    r->ofv_foce = pe_foce_ofv(pe, x, NULL, err);
    if (!isfinite(r->ofv_foce))
        rc = err && err->code ? err->code : KETSIM_FAIL(err, KETSIM_ESOLVER, "the objective is not finite at the estimates");
    if (!rc && pe->method == KETSIM_POPEST_SAEM)
        rc = pe_is_ofv(pe, x, &r->ofv_is, err);
    if (!rc) {
        r->ofv = pe->method == KETSIM_POPEST_SAEM ? r->ofv_is : r->ofv_foce;
        snprintf(r->ofv_method, sizeof r->ofv_method, "%s",
                 pe->method == KETSIM_POPEST_SAEM ? "importance sampling" : "FOCE-I");
        if (pe->method != KETSIM_POPEST_SAEM)
            r->ofv_is = NAN;
        double k = (double)nx;
        r->aic = r->ofv + 2 * k;
        r->bic = r->ofv + k * log((double)pe->n_obs);
        pe_unpack(pe, x, &dt->par);
        dt->r = r;
        rc = pe_parallel(pe, diag_subject, dt, err);
    }
    /* covariance step */
    int cov_ok = 0;
    if (!rc && pe->opt.covstep != KETSIM_COVSTEP_NONE)
        rc = pe_covariance(pe, x, cov, &cov_ok, r->cov_method, sizeof r->cov_method, err);
    else
        snprintf(r->cov_method, sizeof r->cov_method, "none");
    if (rc) {
        free(dt), free(cov), free(Jn), free(covn);
        return rc;
    }
    pe_natural(pe, x, nat);
    if (cov_ok) {
        /* delta method: d nat / d x by central differences */
        double xp[PE_MAX_X], np[PE_MAX_X], nm[PE_MAX_X];
        for (size_t j = 0; j < nx; j++) {
            memcpy(xp, x, nx * sizeof *xp);
            double h = 1e-6 * (fabs(x[j]) > 1 ? fabs(x[j]) : 1);
            xp[j] = x[j] + h;
            pe_natural(pe, xp, np);
            xp[j] = x[j] - h;
            pe_natural(pe, xp, nm);
            for (size_t i = 0; i < nx; i++)
                Jn[i * nx + j] = (np[i] - nm[i]) / (2 * h);
        }
        for (size_t i = 0; i < nx; i++)
            for (size_t j = 0; j < nx; j++) {
                double s = 0;
                for (size_t a = 0; a < nx; a++)
                    for (size_t b = 0; b < nx; b++)
                        s += Jn[i * nx + a] * cov[a * nx + b] * Jn[j * nx + b];
                covn[i * nx + j] = s;
            }
    }
    r->cov_ok = cov_ok;
    r->n_cov = nx;
    for (size_t i = 0; i < nx; i++) {
        snprintf(r->cov_names[i], sizeof r->cov_names[i], "%s", pe->xname[i]);
        for (size_t j = 0; j < nx; j++)
            r->cov_corr[i * nx + j] = cov_ok ? covn[i * nx + j] / sqrt(covn[i * nx + i] * covn[j * nx + j]) : NAN;
    }
    double se[PE_MAX_X];
    for (size_t i = 0; i < nx; i++)
        se[i] = cov_ok && covn[i * nx + i] > 0 ? sqrt(covn[i * nx + i]) : NAN;
    /* fill the values */
    size_t kt = 0;
    int at_bound = 0, big_rse = 0;
    for (size_t i = 0; i < pe->n_rows; i++) {
        const pe_row *rw = &pe->rows[i];
        if (!rw->est)
            continue;
        ketsim_popest_value *v = &r->theta[kt++];
        snprintf(v->name, sizeof v->name, "%s", rw->name);
        v->estimate = nat[rw->x];
        v->se = se[rw->x];
        v->rse_pct = 100 * v->se / fabs(v->estimate);
        v->at_bound = x[rw->x] <= pe->x_lo[rw->x] + 1e-3 || x[rw->x] >= pe->x_hi[rw->x] - 1e-3;
        at_bound |= v->at_bound;
        big_rse |= v->rse_pct > 100;
    }
    for (size_t c = 0; c < pe->n_cov; c++) {
        ketsim_popest_value *v = &r->theta[kt++];
        snprintf(v->name, sizeof v->name, "%s", pe->covs[c].name);
        v->estimate = nat[pe->covs[c].x];
        v->se = se[pe->covs[c].x];
        v->rse_pct = 100 * v->se / fabs(v->estimate);
    }
    pe_par *par = &dt->par;
    pe_unpack(pe, x, par);
    for (size_t k = 0; k < q; k++) {
        snprintf(r->eta_names[k], sizeof r->eta_names[k], "%s", pe->rows[pe->eta_row[k]].name);
        for (size_t l = 0; l < q; l++) {
            r->omega[k * q + l] = par->omega[k * q + l];
            r->omega_corr[k * q + l] = par->omega[k * q + l] / sqrt(par->omega[k * q + k] * par->omega[l * q + l]);
            r->omega_se[k * q + l] = NAN;
        }
        r->omega_cv_pct[k] = 100 * sqrt(exp(par->omega[k * q + k]) - 1);
    }
    for (size_t j = 0; j < pe->n_om; j++) {
        int k = pe->om_k[j], l = pe->om_l[j];
        double s = se[pe->om_x0 + (int)j];
        r->omega_se[k * q + l] = r->omega_se[l * q + k] = s;
        r->omega_est[k * q + l] = r->omega_est[l * q + k] = 1;
        if (k == l)
            big_rse |= 100 * s / par->omega[k * q + k] > 100;
    }
    r->n_sigma = 0;
    for (size_t i = 0; i < pe->n_err; i++) {
        int xs[2] = {pe->errs[i].xa, pe->errs[i].xb};
        for (int a = 0; a < 2; a++)
            if (xs[a] >= 0) {
                ketsim_popest_value *v = &r->sigma[r->n_sigma++];
                snprintf(v->name, sizeof v->name, "%s", pe->xname[xs[a]]);
                v->estimate = nat[xs[a]];
                v->se = se[xs[a]];
                v->rse_pct = 100 * v->se / v->estimate;
                big_rse |= v->rse_pct > 100;
            }
    }
    /* EBEs and shrinkage (NONMEM's: 1 - SD(EBE) / omega, 1 - SD(IWRES)) */
    for (size_t s = 0; s < pe->n_subj; s++) {
        r->subject_id[s] = pe->subj[s].id;
        memcpy(r->ebe + s * q, pe->modes[s].eta, q * sizeof(double));
    }
    for (size_t k = 0; k < q; k++)
        r->eta_shrinkage_pct[k] = 100 * (1 - sd_of(r->ebe + k, pe->n_subj, q) / sqrt(par->omega[k * q + k]));
    r->eps_shrinkage_pct = 100 * (1 - sd_of(r->iwres, r->n_records, 1));
    r->n_subjects = pe->n_subj;
    r->n_obs = pe->n_obs;
    r->n_blq = pe->n_blq;
    r->n_est = nx;
    if (at_bound)
        append(r->message, sizeof r->message, "a THETA is at a bound");
    if (pe->opt.covstep != KETSIM_COVSTEP_NONE && !cov_ok)
        append(r->message, sizeof r->message, "the covariance step failed (singular or not positive definite)");
    if (big_rse)
        append(r->message, sizeof r->message, "an RSE is over 100%");
    free(dt), free(cov), free(Jn), free(covn);
    return KETSIM_OK;
}

int ketsim_popest_run(ketsim_popest *pe, ketsim_popest_result **out, ketsim_error *err)
{
    *out = NULL;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = pe->th ? KETSIM_FAIL(err, KETSIM_EINPUT, "popest: run twice") : setup(pe, err);
    double x[PE_MAX_X];
    ketsim_popest_result *r = NULL;
    if (!rc)
        rc = alloc_result(pe, &r, err);
    if (rc) {
        ketsim_popest_result_free(r);
        return rc;
    }
    r->method = pe->method;
    pe_start_x(pe, x);
    /* the start must be computable */
    if (!isfinite(pe_foce_ofv(pe, x, NULL, err))) {
        ketsim_popest_result_free(r);
        if (err && err->code)
            ketsim_error_prefix(err, "at the start values: ");
        return err && err->code ? err->code : KETSIM_FAIL(err, KETSIM_EINPUT, "the objective is not finite at the start values");
    }
    int converged = 1;
    char why[256] = "";
    if (pe->method == KETSIM_POPEST_FOCEI)
        rc = pe_foce_run(pe, x, &r->iterations, &converged, why, sizeof why, err);
    else
        rc = pe_saem_run(pe, x, &r->iterations, err);
    size_t sims_est = 0;
    for (size_t k = 0; k < pe->n_th; k++)
        sims_est += pe->th[k].n_sims;
    struct timespec te;
    clock_gettime(CLOCK_MONOTONIC, &te);
    if (!rc)
        rc = finish(pe, x, r, err);
    if (rc) {
        ketsim_popest_result_free(r);
        return rc;
    }
    if (!converged) {
        char m[1024];
        snprintf(m, sizeof m, "%.250s%s%.250s", why, r->message[0] ? "; " : "", r->message);
        snprintf(r->message, sizeof r->message, "%.500s", m);
    }
    r->converged = r->message[0] == 0;
    memcpy(pe->x_final, x, pe->n_x * sizeof *x);
    pe->have_final = 1;
    for (size_t k = 0; k < pe->n_th; k++)
        r->n_sims += pe->th[k].n_sims;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r->seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    r->seconds_estimation = (double)(te.tv_sec - t0.tv_sec) + 1e-9 * (double)(te.tv_nsec - t0.tv_nsec);
    r->n_sims_estimation = sims_est;
    *out = r;
    return KETSIM_OK;
}
