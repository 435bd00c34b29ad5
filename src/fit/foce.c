/* FOCE-I: the outer problem over (THETA, OMEGA, SIGMA) (objective in
 * popest.c).
 *
 * Evaluating the objective means finding every subject's conditional mode
 * with the ODE model, so a quasi-Newton search with finite-difference
 * gradients would need 2 p + 1 such sweeps per step.  The search is done in
 * two phases instead:
 *
 * 1. Successive linearisation (the Lindstrom-Bates idea that nlme uses).
 *    At the current x every subject's mode phi^ and the Jacobian
 *    J = d f / d phi there (all varying rows) are computed once.  The model
 *    is then replaced by f(phi) = f^ + J (phi - phi^), with the residual
 *    variance taken at f^ (the interaction term), and the FOCE-I objective
 *    of that linear model, which needs no simulation, is minimised over x
 *    by BFGS.  The real objective is evaluated at the new x (new modes, new
 *    linearisation); a step that does not lower it is halved.
 * 2. Polish on the real objective: its gradient by central differences
 *    (modes re-found from warm starts) and a Newton step with the linear
 *    model's Hessian, with a line search, until the decrease the step
 *    predicts is below 0.01.  The fixed point of phase 1 is not exactly the
 *    minimum of the FOCE-I objective (the linearisation point moves with
 *    x); phase 2 removes that difference and is the convergence test. */
#include "popest_impl.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LOG2PI 1.8378770664093454836

typedef struct lin_ctx {
    ketsim_popest *pe;
} lin_ctx;

/* The FOCE-I -2LL of subject s for the model linearised at its stored mode. */
static double lin_subject(ketsim_popest *pe, size_t s, const pe_par *par)
{
    const pe_subj *sj = &pe->subj[s];
    const pe_mode *m = &pe->modes[s];
    size_t n = sj->n_obs, q = pe->q, nr = pe->n_rows;
    double mu[PE_MAX_ROWS], d[PE_MAX_ROWS];
    if (pe_mu(pe, par, s, mu))
        return INFINITY;
    for (size_t r = 0; r < nr; r++)
        d[r] = mu[r] - m->phi[r];
    /* per observation: prediction at eta = 0 of the linear model, V fixed
     * at the mode's prediction */
    double eta[PE_MAX_ETA] = {0};
    for (size_t k = 0; k < q; k++)
        eta[k] = m->eta[k];
    double l = 0;
    for (int it = 0; it < 30; it++) {
        double g[PE_MAX_ETA] = {0}, H[PE_MAX_ETA * PE_MAX_ETA] = {0}, M[PE_MAX_ETA * PE_MAX_ETA] = {0};
        l = 0;
        for (size_t a = 0; a < q; a++)
            for (size_t b = 0; b < q; b++) {
                g[a] += 2 * par->omega_inv[a * q + b] * eta[b];
                l += eta[a] * par->omega_inv[a * q + b] * eta[b];
            }
        for (size_t j = 0; j < n; j++) {
            const pe_obs *o = &sj->obs[j];
            const pe_err *e = &pe->errs[o->err];
            const double *Jj = m->J + j * nr;
            double f = m->f[j];
            for (size_t r = 0; r < nr; r++)
                f += Jj[r] * d[r];
            for (size_t k = 0; k < q; k++)
                f += Jj[pe->eta_row[k]] * eta[k];
            for (size_t c = 0; c < pe->n_cov; c++) /* effects through later pieces */
                f += m->Jb[j * PE_MAX_COV + c] * (par->beta[c] - m->beta[c]);
            double sa = par->sa[o->err], sb = par->sb[o->err], af = fabs(m->f[j]);
            double h = af > e->h_floor ? af : e->h_floor, V = sa * sa + sb * sb * h * h;
            double d1, w;
            if (!o->blq) {
                double r = o->dv - f;
                l += LOG2PI + log(V) + r * r / V;
                d1 = -2 * r / V;
                w = 2 / V;
            } else {
                double sd = sqrt(V), z = (o->lloq - f) / sd;
                double lp = log(0.5) + log(erfc(-z / 1.41421356237309504880));
                if (!isfinite(lp)) /* far tail: the asymptote of log Phi */
                    lp = -0.5 * z * z - log(-z) - 0.5 * LOG2PI;
                double lam = exp(-0.5 * z * z - 0.5 * LOG2PI - lp);
                l += -2 * lp;
                d1 = 2 * lam / sd;
                w = 2 * (lam * lam + z * lam) / V;
            }
            for (size_t a = 0; a < q; a++) {
                double ga = Jj[pe->eta_row[a]];
                g[a] += d1 * ga;
                for (size_t b = 0; b < q; b++) {
                    H[a * q + b] += w * ga * Jj[pe->eta_row[b]];
                    M[a * q + b] += 0.5 * w * ga * Jj[pe->eta_row[b]];
                }
            }
        }
        double Hf[PE_MAX_ETA * PE_MAX_ETA], L[PE_MAX_ETA * PE_MAX_ETA], step[PE_MAX_ETA];
        for (size_t a = 0; a < q * q; a++)
            Hf[a] = H[a] + 2 * par->omega_inv[a];
        if (pe_chol(q, Hf, L))
            return INFINITY;
        double big = 0;
        for (size_t a = 0; a < q; a++)
            step[a] = -g[a];
        pe_chol_solve(q, L, step);
        for (size_t a = 0; a < q; a++)
            big = fabs(step[a]) > big ? fabs(step[a]) : big;
        if (big < 1e-10 || it == 29)
            return l + pe_logdet_ilml(q, par->chol, M);
        for (size_t a = 0; a < q; a++)
            eta[a] += step[a];
    }
    return INFINITY;
}

static double lin_total(ketsim_popest *pe, const double *x)
{
    double xc[PE_MAX_X];
    double pen = pe_bound_penalty(pe, x, xc);
    pe_par *par = malloc(sizeof *par);
    if (!par || pe_unpack(pe, xc, par)) {
        free(par);
        return GSL_POSINF;
    }
    double sum = pen;
    for (size_t s = 0; s < pe->n_subj && isfinite(sum); s++)
        sum += lin_subject(pe, s, par);
    free(par);
    return isfinite(sum) ? sum : GSL_POSINF;
}

static double gsl_lin_f(const gsl_vector *v, void *p)
{
    return lin_total(((lin_ctx *)p)->pe, v->data);
}

static void gsl_lin_df(const gsl_vector *v, void *p, gsl_vector *g)
{
    ketsim_popest *pe = ((lin_ctx *)p)->pe;
    double x[PE_MAX_X];
    memcpy(x, v->data, pe->n_x * sizeof *x);
    for (size_t j = 0; j < pe->n_x; j++) {
        double h = 1e-5, x0 = x[j];
        x[j] = x0 + h;
        double fp = lin_total(pe, x);
        x[j] = x0 - h;
        double fm = lin_total(pe, x);
        x[j] = x0;
        gsl_vector_set(g, j, isfinite(fp) && isfinite(fm) ? (fp - fm) / (2 * h) : 0);
    }
}

static void gsl_lin_fdf(const gsl_vector *v, void *p, double *f, gsl_vector *g)
{
    *f = gsl_lin_f(v, p);
    gsl_lin_df(v, p, g);
}

/* Minimise the linearised objective from x (in place). */
static void lin_minimise(ketsim_popest *pe, double *x)
{
    lin_ctx lc = {pe};
    size_t n = pe->n_x;
    gsl_multimin_function_fdf fdf = {.f = gsl_lin_f, .df = gsl_lin_df, .fdf = gsl_lin_fdf, .n = n, .params = &lc};
    gsl_vector *v = gsl_vector_alloc(n);
    gsl_multimin_fdfminimizer *m = gsl_multimin_fdfminimizer_alloc(gsl_multimin_fdfminimizer_vector_bfgs2, n);
    if (!v || !m) {
        gsl_vector_free(v);
        gsl_multimin_fdfminimizer_free(m);
        return;
    }
    memcpy(v->data, x, n * sizeof *x);
    gsl_multimin_fdfminimizer_set(m, &fdf, v, 0.05, 0.1);
    for (int it = 0; it < 300; it++) {
        if (gsl_multimin_fdfminimizer_iterate(m) != GSL_SUCCESS)
            break;
        if (gsl_multimin_test_gradient(m->gradient, 1e-5) == GSL_SUCCESS)
            break;
    }
    if (isfinite(m->f))
        pe_bound_penalty(pe, m->x->data, x);
    gsl_vector_free(v);
    gsl_multimin_fdfminimizer_free(m);
}

/* Modes and full Jacobians at x; returns the FOCE-I objective. */
typedef struct sweep_task {
    pe_par par;
} sweep_task;

static int sweep_subject(ketsim_popest *pe, pe_thread *t, size_t s, void *user, ketsim_error *err)
{
    sweep_task *st = user;
    int rc = pe_mode_find(pe, t, s, &st->par, &pe->modes[s], err);
    return rc ? rc : pe_jacobian_rows(pe, t, s, &st->par, &pe->modes[s], err);
}

static double sweep(ketsim_popest *pe, const double *x, ketsim_error *err)
{
    sweep_task *st = malloc(sizeof *st);
    double sum = INFINITY;
    if (st && pe_unpack(pe, x, &st->par) == 0 && pe_parallel(pe, sweep_subject, st, err) == KETSIM_OK) {
        sum = 0;
        for (size_t s = 0; s < pe->n_subj; s++)
            sum += pe->modes[s].ofv;
    }
    free(st);
    return isfinite(sum) ? sum : INFINITY;
}

static void save_eta(const ketsim_popest *pe, double *buf)
{
    for (size_t s = 0; s < pe->n_subj; s++)
        memcpy(buf + s * PE_MAX_ETA, pe->modes[s].eta, pe->q * sizeof *buf);
}

static void load_eta(ketsim_popest *pe, const double *buf)
{
    for (size_t s = 0; s < pe->n_subj; s++)
        memcpy(pe->modes[s].eta, buf + s * PE_MAX_ETA, pe->q * sizeof *buf);
}

/* The real objective at x, clamped to the bounds, modes warm-started from
 * `from` and left where they end. */
static double real_ofv(ketsim_popest *pe, const double *x, const double *from)
{
    double xc[PE_MAX_X];
    double pen = pe_bound_penalty(pe, x, xc);
    load_eta(pe, from);
    ketsim_error e = {0};
    return pe_foce_ofv(pe, xc, NULL, &e) + pen;
}

/* Hessian of the linearised objective at x (central differences of its
 * gradient), the polish's Newton matrix. */
static void lin_hessian(ketsim_popest *pe, const double *x0, double *H)
{
    size_t n = pe->n_x;
    lin_ctx lc = {pe};
    gsl_vector *v = gsl_vector_alloc(n), *gp = gsl_vector_alloc(n), *gm = gsl_vector_alloc(n);
    if (!v || !gp || !gm) {
        for (size_t i = 0; i < n * n; i++)
            H[i] = i % (n + 1) == 0;
        gsl_vector_free(v), gsl_vector_free(gp), gsl_vector_free(gm);
        return;
    }
    for (size_t j = 0; j < n; j++) {
        double h = 1e-4;
        memcpy(v->data, x0, n * sizeof *x0);
        v->data[j] = x0[j] + h;
        gsl_lin_df(v, &lc, gp);
        v->data[j] = x0[j] - h;
        gsl_lin_df(v, &lc, gm);
        for (size_t i = 0; i < n; i++)
            H[i * n + j] = (gp->data[i] - gm->data[i]) / (2 * h);
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            H[i * n + j] = H[j * n + i] = 0.5 * (H[i * n + j] + H[j * n + i]);
    gsl_vector_free(v), gsl_vector_free(gp), gsl_vector_free(gm);
}

int pe_foce_run(ketsim_popest *pe, double *x, size_t *iterations, int *converged, char *why, size_t why_n,
                ketsim_error *err)
{
    size_t n = pe->n_x, max_iter = pe->opt.max_iter ? pe->opt.max_iter : 100;
    double *eta0 = malloc(pe->n_subj * PE_MAX_ETA * sizeof *eta0);
    double *H = malloc(n * n * sizeof *H), *L = malloc(n * n * sizeof *L);
    if (!eta0 || !H || !L) {
        free(eta0), free(H), free(L);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    double ofv = sweep(pe, x, err);
    if (!isfinite(ofv)) {
        free(eta0), free(H), free(L);
        return err && err->code ? err->code : KETSIM_FAIL(err, KETSIM_ESOLVER, "FOCE-I: objective not finite at the start");
    }
    *converged = 0;
    size_t it = 0;
    int lin_done = 0, small = 0;
    /* phase 1 */
    for (; it < max_iter && !lin_done; it++) {
        double xn[PE_MAX_X], xt[PE_MAX_X];
        memcpy(xn, x, n * sizeof *x);
        save_eta(pe, eta0);
        lin_minimise(pe, xn);
        double alpha = 1, best = INFINITY;
        for (int bt = 0; bt < 6; bt++, alpha *= 0.5) {
            for (size_t j = 0; j < n; j++)
                xt[j] = x[j] + alpha * (xn[j] - x[j]);
            load_eta(pe, eta0);
            ketsim_error e = {0};
            best = sweep(pe, xt, &e);
            if (best <= ofv + 1e-6)
                break;
        }
        double dx = 0;
        for (size_t j = 0; j < n; j++)
            dx = fabs(xt[j] - x[j]) > dx ? fabs(xt[j] - x[j]) : dx;
        if (!(best <= ofv + 1e-6)) { /* no progress along the linear model's step */
            load_eta(pe, eta0);
            ofv = sweep(pe, x, err);
            lin_done = 1;
            break;
        }
        double dofv = ofv - best;
        memcpy(x, xt, n * sizeof *x);
        ofv = best;
        small = (dofv < 1e-3 || dx < 1e-4) ? small + 1 : 0;
        if (small >= 2 || dx < 1e-5)
            lin_done = 1;
    }
    /* phase 2: FD gradient of the real objective, Newton step with the
     * linear model's Hessian (modes stay linearised at x from the sweep) */
    double dec = INFINITY;
    for (int pol = 0; pol < 8 && it < max_iter; pol++, it++) {
        double g[PE_MAX_X], xp[PE_MAX_X], step[PE_MAX_X];
        save_eta(pe, eta0);
        lin_hessian(pe, x, H);
        int free_j[PE_MAX_X];
        for (size_t j = 0; j < n; j++) {
            double h = 2e-3;
            memcpy(xp, x, n * sizeof *x);
            xp[j] = x[j] + h;
            double fp = real_ofv(pe, xp, eta0);
            xp[j] = x[j] - h;
            double fm = real_ofv(pe, xp, eta0);
            g[j] = (fp - fm) / (2 * h);
            /* a coordinate at a bound pushing outwards is held there */
            free_j[j] = !((x[j] <= pe->x_lo[j] + 1e-6 && g[j] > 0) || (x[j] >= pe->x_hi[j] - 1e-6 && g[j] < 0)) &&
                        isfinite(g[j]);
        }
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++)
                if (!free_j[i] || !free_j[j])
                    H[i * n + j] = i == j;
        for (size_t j = 0; j < n; j++)
            if (!free_j[j])
                g[j] = 0;
        double lambda = 0;
        while (pe_chol(n, H, L)) { /* not positive definite: damp */
            lambda = lambda ? 10 * lambda : 1e-3;
            for (size_t j = 0; j < n; j++)
                H[j * n + j] += lambda * (fabs(H[j * n + j]) + 1);
            if (lambda > 1e6)
                break;
        }
        for (size_t j = 0; j < n; j++)
            step[j] = -g[j];
        pe_chol_solve(n, L, step);
        dec = 0;
        for (size_t j = 0; j < n; j++)
            dec -= 0.5 * g[j] * step[j];
        if (dec < 0.01)
            break;
        double alpha = 1, fbest = ofv;
        int moved = 0;
        for (int ls = 0; ls < 6; ls++, alpha *= 0.5) {
            for (size_t j = 0; j < n; j++)
                xp[j] = x[j] + alpha * step[j];
            double ft = real_ofv(pe, xp, eta0);
            if (ft < fbest) {
                pe_bound_penalty(pe, xp, x);
                moved = 1;
                break;
            }
        }
        load_eta(pe, eta0);
        if (moved) {
            ofv = sweep(pe, x, err);
        } else {
            ofv = sweep(pe, x, err);
            break;
        }
    }
    *iterations = it;
    *converged = dec < 0.01 || (dec < 0.1 && lin_done);
    if (!*converged)
        snprintf(why, why_n, "FOCE-I stopped with a predicted decrease of %.3g in the objective (not converged)", dec);
    free(eta0), free(H), free(L);
    return isfinite(ofv) ? KETSIM_OK : (err && err->code ? err->code : KETSIM_FAIL(err, KETSIM_ESOLVER, "FOCE-I: objective not finite"));
}
