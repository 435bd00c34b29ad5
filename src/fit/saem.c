/* SAEM: stochastic approximation EM (Delyon, Lavielle & Moulines 1999) with
 * a Metropolis-Hastings simulation step (Kuhn & Lavielle 2004), as Monolix
 * popularised it, and the importance-sampling objective.
 *
 * Each iteration k:
 *  S  (simulation) every subject's chains move by three Metropolis-Hastings
 *     kernels: independent proposals from the prior N(mu_i, OMEGA) (accepted
 *     on the likelihood ratio), a joint random walk scaled by OMEGA, and a
 *     random walk on one component at a time; the walks' step sizes adapt
 *     per subject towards an acceptance rate of about 0.4.
 *  SA the sufficient statistics - each subject's E[phi_i], the sum of
 *     E[phi_i phi_i'], and per output the sum of squared (weighted)
 *     residuals - move towards the values of the current samples with step
 *     gamma_k: 1 during the exploration phase, 1 / (k - K1) during the
 *     smoothing phase, so the estimates converge (Robbins-Monro).
 *  M  THETA and the covariate coefficients minimise
 *     sum_i (E[phi_i] - mu_i(b))' OMEGA^-1 (E[phi_i] - mu_i(b)) (weighted
 *     least squares, Gauss-Newton for the linear covariate model); OMEGA is
 *     the statistics' residual second moment (diagonal outside the blocks);
 *     additive and proportional SDs come from their residual statistic.
 *     A combined error, or an output with BLQ records (M3), has no closed
 *     form: its SDs minimise -2 log p(y | phi) of the current samples and
 *     are smoothed with the same step.
 *  During exploration OMEGA's variances may fall by at most 5% per
 *  iteration (simulated annealing, as Monolix does), so the chains keep
 *  exploring before the variances settle.
 *
 * A THETA without ETA has no individual values to average.  It is given an
 * auxiliary random effect whose variance starts at 0.05 and shrinks by 8%
 * per iteration (to 1e-8): the chains explore it early and its estimate
 * becomes the mean of the samples, the decreasing-variance device of early
 * Monolix versions.
 *
 * Random numbers: subject s, chain c draws from the ketsim_rng stream
 * (seed, 2^32 c + s, SAMPLING), and the importance sampler from
 * (seed, 2^40 + s, SAMPLING); a subject's draws depend only on its own state, so
 * the estimates are the same for any number of threads. */
#include "popest_impl.h"
#include "ketsim/rng.h"

#include <gsl/gsl_multimin.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LOG2PI 1.8378770664093454836
#define MAXD (PE_MAX_ETA + PE_MAX_ROWS)

typedef struct chain {
    double eta[MAXD];   /* the state: phi of every random dimension */
    double l;           /* -2 log p(y | phi) */
    double *f;          /* predictions at the chain's state */
    ketsim_rng rng;
} chain;

typedef struct saem_subj {
    chain *ch;
    double s2, s3[MAXD];
    double phibar[MAXD];  /* SA statistic E[phi_i] */
    /* this iteration's sample means */
    double m1[MAXD], m2[MAXD * MAXD], res[PE_MAX_ERR];
} saem_subj;

typedef struct saem {
    ketsim_popest *pe;
    size_t D, C;
    int rdim[MAXD];            /* row of each random dimension */
    pe_par par;
    double Om[MAXD * MAXD], Lo[MAXD * MAXD], Oi[MAXD * MAXD];
    double aux_var;
    saem_subj *sj;
    double *fbuf;
    int k_iter, init;
} saem;

static int build_omega(saem *sa)
{
    size_t D = sa->D, q = sa->pe->q;
    memset(sa->Om, 0, D * D * sizeof(double));
    for (size_t a = 0; a < q; a++)
        for (size_t b = 0; b < q; b++)
            sa->Om[a * D + b] = sa->par.omega[a * q + b];
    for (size_t a = q; a < D; a++)
        sa->Om[a * D + a] = sa->aux_var;
    if (pe_chol(D, sa->Om, sa->Lo))
        return -1;
    return pe_spd_inverse(D, sa->Om, sa->Oi);
}

static double quad(size_t D, const double *Oi, const double *v)
{
    double s = 0;
    for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < D; j++)
            s += v[i] * Oi[i * D + j] * v[j];
    return s;
}

/* -2 log p(y | phi) of subject s; INFINITY where it cannot be run.  Every
 * varying row is a random dimension (an ETA or an auxiliary one), so the
 * chain's state is phi itself: when the parameters move, the predictions
 * stay and only the likelihood's SDs and the prior change. */
static double chain_eval(saem *sa, pe_thread *t, size_t s, const double *ph, double *f)
{
    ketsim_popest *pe = sa->pe;
    double phi[PE_MAX_ROWS];
    for (size_t d = 0; d < sa->D; d++)
        phi[sa->rdim[d]] = ph[d];
    ketsim_error e;
    if (pe_sim(pe, t, s, &sa->par, phi, f, &e))
        return INFINITY;
    double l = pe_data_m2ll(pe, s, &sa->par, f, NULL, NULL, NULL);
    return isfinite(l) ? l : INFINITY;
}

static void adapt(double *scale, int accepted)
{
    *scale *= accepted ? 1.05 : 0.97;
    if (*scale < 1e-3)
        *scale = 1e-3;
    if (*scale > 10)
        *scale = 10;
}

/* U = -2 log p(y | phi) + (phi - mu)' OMEGA^-1 (phi - mu) */
static double prior_term(const saem *sa, const double *md, const double *ph)
{
    double v[MAXD];
    for (size_t d = 0; d < sa->D; d++)
        v[d] = ph[d] - md[d];
    return quad(sa->D, sa->Oi, v);
}

static void mh_accept(chain *ch, const double *prop, const double *ft, size_t D, size_t n, double lp, double Up,
                      double *U)
{
    memcpy(ch->eta, prop, D * sizeof *prop);
    memcpy(ch->f, ft, n * sizeof *ft);
    ch->l = lp;
    *U = Up;
}

static int estep_subject(ketsim_popest *pe, pe_thread *t, size_t s, void *user, ketsim_error *err)
{
    saem *sa = user;
    saem_subj *ss = &sa->sj[s];
    size_t D = sa->D, n = pe->subj[s].n_obs;
    double mu[PE_MAX_ROWS], md[MAXD], prop[MAXD], z[MAXD];
    double *ft = t->work + 6 * pe->max_obs;
    if (pe_mu(pe, &sa->par, s, mu))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "ID %g: a linear covariate term is not positive", pe->subj[s].id);
    for (size_t d = 0; d < D; d++)
        md[d] = mu[sa->rdim[d]];
    for (size_t c = 0; c < sa->C; c++) {
        chain *ch = &ss->ch[c];
        if (sa->init) {
            memcpy(ch->eta, md, D * sizeof *md);
            ch->l = chain_eval(sa, t, s, ch->eta, ch->f);
            if (!isfinite(ch->l))
                return KETSIM_FAIL(err, KETSIM_ESOLVER, "SAEM: ID %g cannot be simulated at the start values",
                                   pe->subj[s].id);
        } else /* new SDs: same predictions, new likelihood */
            ch->l = pe_data_m2ll(pe, s, &sa->par, ch->f, NULL, NULL, NULL);
        double U = ch->l + prior_term(sa, md, ch->eta);
        /* kernel 1: from the prior */
        for (int m = 0; m < 2; m++) {
            for (size_t d = 0; d < D; d++)
                z[d] = ketsim_rng_normal(&ch->rng);
            for (size_t d = 0; d < D; d++) {
                prop[d] = md[d];
                for (size_t e = 0; e <= d; e++)
                    prop[d] += sa->Lo[d * D + e] * z[e];
            }
            double lp = chain_eval(sa, t, s, prop, ft);
            double u = ketsim_rng_uniform(&ch->rng);
            if (isfinite(lp) && (!isfinite(ch->l) || log(u) < -0.5 * (lp - ch->l)))
                mh_accept(ch, prop, ft, D, n, lp, lp + prior_term(sa, md, prop), &U);
        }
        /* kernel 2: joint random walk */
        for (int m = 0; m < 2; m++) {
            for (size_t d = 0; d < D; d++)
                z[d] = ketsim_rng_normal(&ch->rng);
            for (size_t d = 0; d < D; d++) {
                prop[d] = ch->eta[d];
                for (size_t e = 0; e <= d; e++)
                    prop[d] += ss->s2 * sa->Lo[d * D + e] * z[e];
            }
            double lp = chain_eval(sa, t, s, prop, ft), Up = lp + prior_term(sa, md, prop);
            double u = ketsim_rng_uniform(&ch->rng);
            int acc = isfinite(Up) && log(u) < -0.5 * (Up - U);
            if (acc)
                mh_accept(ch, prop, ft, D, n, lp, Up, &U);
            adapt(&ss->s2, acc);
        }
        /* kernel 3: one component at a time */
        for (size_t d = 0; d < D; d++) {
            memcpy(prop, ch->eta, D * sizeof *prop);
            prop[d] += ss->s3[d] * sqrt(sa->Om[d * D + d]) * ketsim_rng_normal(&ch->rng);
            double lp = chain_eval(sa, t, s, prop, ft), Up = lp + prior_term(sa, md, prop);
            double u = ketsim_rng_uniform(&ch->rng);
            int acc = isfinite(Up) && log(u) < -0.5 * (Up - U);
            if (acc)
                mh_accept(ch, prop, ft, D, n, lp, Up, &U);
            adapt(&ss->s3[d], acc);
        }
        if (!isfinite(ch->l))
            return KETSIM_FAIL(err, KETSIM_ESOLVER, "SAEM: ID %g has no state the model can simulate", pe->subj[s].id);
    }
    /* this iteration's statistics: means over the chains */
    memset(ss->m1, 0, sizeof ss->m1);
    memset(ss->m2, 0, D * D * sizeof *ss->m2);
    memset(ss->res, 0, sizeof ss->res);
    for (size_t c = 0; c < sa->C; c++) {
        const chain *ch = &ss->ch[c];
        for (size_t a = 0; a < D; a++) {
            ss->m1[a] += ch->eta[a] / (double)sa->C;
            for (size_t b = 0; b < D; b++)
                ss->m2[a * D + b] += ch->eta[a] * ch->eta[b] / (double)sa->C;
        }
        for (size_t j = 0; j < n; j++) {
            const pe_obs *o = &pe->subj[s].obs[j];
            if (o->blq)
                continue;
            const pe_err *e = &pe->errs[o->err];
            double r = o->dv - ch->f[j], af = fabs(ch->f[j]);
            double h = e->em == KETSIM_FIT_PROPORTIONAL ? (af > e->h_floor ? af : e->h_floor) : 1;
            ss->res[o->err] += r * r / (h * h) / (double)sa->C;
        }
    }
    return KETSIM_OK;
}

/* x from the current parameters. */
static void pack_x(const saem *sa, double *x)
{
    const ketsim_popest *pe = sa->pe;
    size_t q = pe->q;
    double L[PE_MAX_ETA * PE_MAX_ETA];
    for (size_t r = 0; r < pe->n_rows; r++)
        if (pe->rows[r].est)
            x[pe->rows[r].x] = sa->par.logtheta[r];
    for (size_t c = 0; c < pe->n_cov; c++)
        x[pe->covs[c].x] = sa->par.beta[c];
    if (pe_chol(q, sa->par.omega, L) == 0)
        for (size_t j = 0; j < pe->n_om; j++) {
            int k = pe->om_k[j], l = pe->om_l[j];
            x[pe->om_x0 + (int)j] = k == l ? log(L[k * q + k]) : L[k * q + l];
        }
    for (size_t i = 0; i < pe->n_err; i++) {
        if (pe->errs[i].xa >= 0)
            x[pe->errs[i].xa] = log(sa->par.sa[i]);
        if (pe->errs[i].xb >= 0)
            x[pe->errs[i].xb] = log(sa->par.sb[i]);
    }
}

/* THETA and covariate coefficients: weighted least squares of the
 * statistics E[phi_i] on mu_i(b), Gauss-Newton with central differences
 * (exact in one step unless a linear covariate model is used). */
static void mstep_mu(saem *sa, double *x)
{
    ketsim_popest *pe = sa->pe;
    size_t D = sa->D, nb = 0, N = pe->n_subj;
    int bx[PE_MAX_ROWS + PE_MAX_COV];
    for (size_t r = 0; r < pe->n_rows; r++)
        if (pe->rows[r].est)
            bx[nb++] = pe->rows[r].x;
    for (size_t c = 0; c < pe->n_cov; c++)
        bx[nb++] = pe->covs[c].x;
    if (!nb)
        return;
    double *A = malloc(nb * nb * sizeof *A), *La = malloc(nb * nb * sizeof *La), *Jm = malloc(D * nb * sizeof *Jm);
    if (!A || !La || !Jm) {
        free(A), free(La), free(Jm);
        return;
    }
    pe_par pp;
    for (int it = 0; it < 10; it++) {
        double rhs[PE_MAX_ROWS + PE_MAX_COV] = {0};
        memset(A, 0, nb * nb * sizeof *A);
        double xt[PE_MAX_X];
        memcpy(xt, x, pe->n_x * sizeof *xt);
        if (pe_unpack(pe, xt, &pp))
            break;
        for (size_t s = 0; s < N; s++) {
            double mu[PE_MAX_ROWS], mp[PE_MAX_ROWS], mm[PE_MAX_ROWS], res[MAXD];
            if (pe_mu(pe, &pp, s, mu))
                goto done;
            for (size_t d = 0; d < D; d++)
                res[d] = sa->sj[s].phibar[d] - mu[sa->rdim[d]];
            for (size_t b = 0; b < nb; b++) {
                double h = 1e-6, x0 = xt[bx[b]];
                pe_par p2 = pp;
                xt[bx[b]] = x0 + h;
                pe_unpack(pe, xt, &p2);
                int bad = pe_mu(pe, &p2, s, mp);
                xt[bx[b]] = x0 - h;
                pe_unpack(pe, xt, &p2);
                bad |= pe_mu(pe, &p2, s, mm);
                xt[bx[b]] = x0;
                for (size_t d = 0; d < D; d++)
                    Jm[d * nb + b] = bad ? 0 : (mp[sa->rdim[d]] - mm[sa->rdim[d]]) / (2 * h);
            }
            for (size_t a = 0; a < nb; a++)
                for (size_t d = 0; d < D; d++) {
                    double wj = 0, wr = 0;
                    for (size_t e = 0; e < D; e++) {
                        wr += sa->Oi[d * D + e] * res[e];
                    }
                    rhs[a] += Jm[d * nb + a] * wr;
                    for (size_t b = 0; b < nb; b++) {
                        wj = 0;
                        for (size_t e = 0; e < D; e++)
                            wj += sa->Oi[d * D + e] * Jm[e * nb + b];
                        A[a * nb + b] += Jm[d * nb + a] * wj;
                    }
                }
        }
        if (pe_chol(nb, A, La))
            break;
        pe_chol_solve(nb, La, rhs);
        double big = 0;
        for (size_t b = 0; b < nb; b++) {
            x[bx[b]] += rhs[b];
            big = fabs(rhs[b]) > big ? fabs(rhs[b]) : big;
        }
        double xc[PE_MAX_X];
        pe_bound_penalty(pe, x, xc);
        memcpy(x, xc, pe->n_x * sizeof *x);
        if (big < 1e-10)
            break;
    }
done:
    free(A), free(La), free(Jm);
}

typedef struct sig_ctx {
    saem *sa;
    size_t e;
} sig_ctx;

/* -2 log p(y | current samples) of one output's records as a function of
 * its log SDs. */
static double sig_f(const gsl_vector *v, void *p)
{
    sig_ctx *sc = p;
    saem *sa = sc->sa;
    ketsim_popest *pe = sa->pe;
    pe_err *e = &pe->errs[sc->e];
    double a = 0, b = 0;
    size_t k = 0;
    if (e->xa >= 0)
        a = exp(gsl_vector_get(v, k++));
    if (e->xb >= 0)
        b = exp(gsl_vector_get(v, k++));
    double sum = 0;
    for (size_t s = 0; s < pe->n_subj; s++)
        for (size_t c = 0; c < sa->C; c++) {
            const double *f = sa->sj[s].ch[c].f;
            for (size_t j = 0; j < pe->subj[s].n_obs; j++) {
                const pe_obs *o = &pe->subj[s].obs[j];
                if (o->err != sc->e)
                    continue;
                double af = fabs(f[j]), h = af > e->h_floor ? af : e->h_floor, V = a * a + b * b * h * h;
                if (!o->blq)
                    sum += log(V) + (o->dv - f[j]) * (o->dv - f[j]) / V;
                else
                    sum += -2 * log(0.5 * erfc(-(o->lloq - f[j]) / sqrt(2 * V)) + 1e-300);
            }
        }
    return sum / (double)sa->C;
}

static void mstep_sigma(saem *sa, const double *S_res, double gamma)
{
    ketsim_popest *pe = sa->pe;
    for (size_t i = 0; i < pe->n_err; i++) {
        pe_err *e = &pe->errs[i];
        size_t nq = e->n_obs - e->n_blq;
        if (e->n_blq == 0 && e->em == KETSIM_FIT_ADDITIVE) {
            sa->par.sa[i] = sqrt(S_res[i] / (double)nq);
            continue;
        }
        if (e->n_blq == 0 && e->em == KETSIM_FIT_PROPORTIONAL) {
            sa->par.sb[i] = sqrt(S_res[i] / (double)nq);
            continue;
        }
        size_t dim = (size_t)(e->xa >= 0) + (size_t)(e->xb >= 0);
        sig_ctx sc = {sa, i};
        gsl_multimin_function fn = {.f = sig_f, .n = dim, .params = &sc};
        gsl_vector *v = gsl_vector_alloc(dim), *st = gsl_vector_alloc(dim);
        gsl_multimin_fminimizer *m = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, dim);
        if (!v || !st || !m) {
            gsl_vector_free(v), gsl_vector_free(st), gsl_multimin_fminimizer_free(m);
            continue;
        }
        size_t k = 0;
        if (e->xa >= 0)
            gsl_vector_set(v, k++, log(sa->par.sa[i]));
        if (e->xb >= 0)
            gsl_vector_set(v, k++, log(sa->par.sb[i]));
        gsl_vector_set_all(st, 0.2);
        gsl_multimin_fminimizer_set(m, &fn, v, st);
        for (int it = 0; it < 200; it++) {
            if (gsl_multimin_fminimizer_iterate(m))
                break;
            if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(m), 1e-6) == GSL_SUCCESS)
                break;
        }
        k = 0;
        if (e->xa >= 0) {
            double la = log(sa->par.sa[i]);
            sa->par.sa[i] = exp(la + gamma * (gsl_vector_get(m->x, k++) - la));
        }
        if (e->xb >= 0) {
            double lb = log(sa->par.sb[i]);
            sa->par.sb[i] = exp(lb + gamma * (gsl_vector_get(m->x, k++) - lb));
        }
        gsl_vector_free(v), gsl_vector_free(st), gsl_multimin_fminimizer_free(m);
    }
}

static void mstep_omega(saem *sa, const double *S2, int explore)
{
    ketsim_popest *pe = sa->pe;
    size_t D = sa->D, q = pe->q, N = pe->n_subj;
    double Om[PE_MAX_ETA * PE_MAX_ETA] = {0};
    for (size_t s = 0; s < N; s++) {
        double mu[PE_MAX_ROWS];
        if (pe_mu(pe, &sa->par, s, mu))
            continue;
        const double *pb = sa->sj[s].phibar;
        for (size_t a = 0; a < q; a++)
            for (size_t b = 0; b < q; b++) {
                double ma = mu[sa->rdim[a]], mb = mu[sa->rdim[b]];
                Om[a * q + b] += -ma * pb[b] - pb[a] * mb + ma * mb;
            }
    }
    for (size_t a = 0; a < q; a++)
        for (size_t b = 0; b < q; b++) {
            Om[a * q + b] = (Om[a * q + b] + S2[a * D + b]) / (double)N;
            if (a != b && (pe->block[a] < 0 || pe->block[a] != pe->block[b]))
                Om[a * q + b] = 0;
        }
    for (size_t a = 0; a < q; a++) {
        double old = sa->par.omega[a * q + a], v = Om[a * q + a];
        if (!(v > 1e-8))
            v = 1e-8;
        if (explore && v < 0.95 * old)
            v = 0.95 * old;
        double scale = Om[a * q + a] > 0 ? sqrt(v / Om[a * q + a]) : 1;
        for (size_t b = 0; b < q; b++)
            if (b != a) {
                Om[a * q + b] *= scale;
                Om[b * q + a] *= scale;
            }
        Om[a * q + a] = v;
    }
    double L[PE_MAX_ETA * PE_MAX_ETA];
    for (int tries = 0; pe_chol(q, Om, L) && tries < 50; tries++)
        for (size_t a = 0; a < q; a++)
            for (size_t b = 0; b < q; b++)
                if (a != b)
                    Om[a * q + b] *= 0.9;
    memcpy(sa->par.omega, Om, q * q * sizeof *Om);
}

int pe_saem_run(ketsim_popest *pe, double *x, size_t *iterations, ketsim_error *err)
{
    saem *sa = calloc(1, sizeof *sa);
    if (!sa)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    sa->pe = pe;
    size_t K1 = pe->opt.saem_explore ? pe->opt.saem_explore : 200, K2 = pe->opt.saem_smooth ? pe->opt.saem_smooth : 100;
    sa->C = pe->opt.saem_chains ? pe->opt.saem_chains : 1;
    size_t q = pe->q, D = q, N = pe->n_subj;
    for (size_t k = 0; k < q; k++)
        sa->rdim[k] = pe->eta_row[k];
    for (size_t r = 0; r < pe->n_rows; r++)
        if (pe->rows[r].eta < 0 && pe->rows[r].est)
            sa->rdim[D++] = (int)r;
    sa->D = D;
    sa->aux_var = 0.05;
    sa->sj = calloc(N, sizeof *sa->sj);
    sa->fbuf = calloc(pe->n_obs * sa->C, sizeof *sa->fbuf);
    double *S2 = calloc(D * D, sizeof *S2), S_res[PE_MAX_ERR] = {0};
    int rc = KETSIM_OK;
    if (!sa->sj || !sa->fbuf || !S2)
        rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    for (size_t s = 0; !rc && s < N; s++) {
        sa->sj[s].ch = calloc(sa->C, sizeof *sa->sj[s].ch);
        if (!sa->sj[s].ch) {
            rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
            break;
        }
        sa->sj[s].s2 = 0.5;
        for (size_t d = 0; d < D; d++)
            sa->sj[s].s3[d] = 0.5;
        size_t off = (size_t)(pe->subj[s].obs - pe->obs);
        for (size_t c = 0; c < sa->C; c++) {
            sa->sj[s].ch[c].f = sa->fbuf + c * pe->n_obs + off;
            ketsim_rng_init(&sa->sj[s].ch[c].rng, pe->opt.seed, ((uint64_t)c << 32) | (uint64_t)s, KETSIM_RNG_SAMPLING);
        }
    }
    if (!rc && (pe_unpack(pe, x, &sa->par) || build_omega(sa)))
        rc = KETSIM_FAIL(err, KETSIM_EINPUT, "SAEM: the start OMEGA is not positive definite");
    sa->init = 1;
    size_t k;
    for (k = 1; !rc && k <= K1 + K2; k++) {
        rc = pe_parallel(pe, estep_subject, sa, err);
        if (rc)
            break;
        sa->init = 0;
        int explore = k <= K1;
        double gamma = explore ? 1.0 : 1.0 / (double)(k - K1);
        /* SA of the statistics, in subject order */
        double m2sum[MAXD * MAXD] = {0}, rsum[PE_MAX_ERR] = {0};
        for (size_t s = 0; s < N; s++) {
            saem_subj *ss = &sa->sj[s];
            for (size_t d = 0; d < D; d++)
                ss->phibar[d] += gamma * (ss->m1[d] - ss->phibar[d]);
            for (size_t a = 0; a < D * D; a++)
                m2sum[a] += ss->m2[a];
            for (size_t i = 0; i < pe->n_err; i++)
                rsum[i] += ss->res[i];
        }
        for (size_t a = 0; a < D * D; a++)
            S2[a] += gamma * (m2sum[a] - S2[a]);
        for (size_t i = 0; i < pe->n_err; i++)
            S_res[i] += gamma * (rsum[i] - S_res[i]);
        /* M-step */
        pack_x(sa, x);
        mstep_mu(sa, x);
        pe_par np;
        if (pe_unpack(pe, x, &np) == 0) {
            memcpy(sa->par.logtheta, np.logtheta, sizeof np.logtheta);
            memcpy(sa->par.beta, np.beta, sizeof np.beta);
        }
        mstep_omega(sa, S2, explore);
        mstep_sigma(sa, S_res, gamma);
        sa->aux_var = sa->aux_var * 0.92 > 1e-8 ? sa->aux_var * 0.92 : 1e-8;
        pack_x(sa, x);
        if (pe_unpack(pe, x, &sa->par) || build_omega(sa)) {
            rc = KETSIM_FAIL(err, KETSIM_EINTERNAL, "SAEM: OMEGA lost positive definiteness at iteration %zu", k);
            break;
        }
    }
    *iterations = k - 1;
    /* warm starts for the conditional modes: the conditional means */
    for (size_t s = 0; !rc && s < N; s++) {
        double mu[PE_MAX_ROWS];
        if (pe_mu(pe, &sa->par, s, mu) == 0)
            for (size_t d = 0; d < q; d++)
                pe->modes[s].eta[d] = sa->sj[s].phibar[d] - mu[sa->rdim[d]];
    }
    for (size_t s = 0; sa->sj && s < N; s++)
        free(sa->sj[s].ch);
    free(sa->sj);
    free(sa->fbuf);
    free(S2);
    free(sa);
    return rc;
}

/* ------------------------------------------------ importance sampling */

typedef struct is_task {
    pe_par par;
    double *ofv;      /* per subject */
    size_t M;
} is_task;

#define IS_NU 4.0

static int is_subject(ketsim_popest *pe, pe_thread *t, size_t s, void *user, ketsim_error *err)
{
    is_task *it = user;
    const pe_mode *m = &pe->modes[s];
    size_t q = pe->q, n = pe->subj[s].n_obs, nr = pe->n_rows;
    double *w_ofv = t->work + 5 * pe->max_obs, *f = t->work + 6 * pe->max_obs;
    double mu[PE_MAX_ROWS], phi[PE_MAX_ROWS];
    if (pe_mu(pe, &it->par, s, mu))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "ID %g: a linear covariate term is not positive", pe->subj[s].id);
    /* proposal: multivariate t (4 degrees of freedom) at the mode with the
     * Laplace covariance (OMEGA^-1 + M)^-1 */
    pe_data_m2ll(pe, s, &it->par, m->f, NULL, NULL, w_ofv);
    double P[PE_MAX_ETA * PE_MAX_ETA], S[PE_MAX_ETA * PE_MAX_ETA], L[PE_MAX_ETA * PE_MAX_ETA];
    memcpy(P, it->par.omega_inv, q * q * sizeof *P);
    for (size_t j = 0; j < n; j++)
        for (size_t a = 0; a < q; a++)
            for (size_t b = 0; b < q; b++)
                P[a * q + b] += 0.5 * w_ofv[j] * m->J[j * nr + (size_t)pe->eta_row[a]] * m->J[j * nr + (size_t)pe->eta_row[b]];
    if (pe_spd_inverse(q, P, S) || pe_chol(q, S, L))
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "ID %g: importance-sampling covariance not positive definite",
                           pe->subj[s].id);
    double logdetS = 0, logdetO = 0, Lo[PE_MAX_ETA * PE_MAX_ETA];
    for (size_t a = 0; a < q; a++)
        logdetS += 2 * log(L[a * q + a]);
    pe_chol(q, it->par.omega, Lo);
    for (size_t a = 0; a < q; a++)
        logdetO += 2 * log(Lo[a * q + a]);
    double nu = IS_NU, dq = (double)q;
    double cst = gsl_sf_lngamma(0.5 * (nu + dq)) - gsl_sf_lngamma(0.5 * nu) - 0.5 * dq * log(nu * 3.14159265358979323846) - 0.5 * logdetS;
    ketsim_rng rng;
    ketsim_rng_init(&rng, pe->opt.seed, ((uint64_t)1 << 40) | (uint64_t)s, KETSIM_RNG_SAMPLING);
    double *lw = malloc(it->M * sizeof *lw), mx = -INFINITY;
    if (!lw)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    for (size_t k = 0; k < it->M; k++) {
        double z[PE_MAX_ETA], eta[PE_MAX_ETA], chi = 0, zz = 0;
        for (size_t a = 0; a < q; a++) {
            z[a] = ketsim_rng_normal(&rng);
            zz += z[a] * z[a];
        }
        for (int a = 0; a < (int)nu; a++) {
            double g = ketsim_rng_normal(&rng);
            chi += g * g;
        }
        double sc = sqrt(nu / chi);
        memcpy(phi, mu, nr * sizeof *phi);
        for (size_t a = 0; a < q; a++) {
            eta[a] = m->eta[a];
            for (size_t b = 0; b <= a; b++)
                eta[a] += L[a * q + b] * z[b] * sc;
            phi[pe->eta_row[a]] += eta[a];
        }
        double delta = zz * sc * sc;
        double lq = cst - 0.5 * (nu + dq) * log1p(delta / nu);
        ketsim_error e2;
        double ld = INFINITY;
        if (pe_sim(pe, t, s, &it->par, phi, f, &e2) == 0)
            ld = pe_data_m2ll(pe, s, &it->par, f, NULL, NULL, NULL);
        double qo = 0;
        for (size_t a = 0; a < q; a++)
            for (size_t b = 0; b < q; b++)
                qo += eta[a] * it->par.omega_inv[a * q + b] * eta[b];
        double lprior = -0.5 * (dq * LOG2PI + logdetO + qo);
        lw[k] = isfinite(ld) ? -0.5 * ld + lprior - lq : -INFINITY;
        if (lw[k] > mx)
            mx = lw[k];
    }
    double sum = 0;
    for (size_t k = 0; k < it->M; k++)
        sum += exp(lw[k] - mx);
    free(lw);
    it->ofv[s] = -2 * (mx + log(sum / (double)it->M));
    return KETSIM_OK;
}

int pe_is_ofv(ketsim_popest *pe, const double *x, double *ofv, ketsim_error *err)
{
    is_task *it = malloc(sizeof *it);
    double *v = calloc(pe->n_subj, sizeof *v);
    int rc = (!it || !v) ? KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory") : KETSIM_OK;
    if (!rc && pe_unpack(pe, x, &it->par))
        rc = KETSIM_FAIL(err, KETSIM_EINTERNAL, "importance sampling: OMEGA not positive definite");
    if (!rc) {
        it->ofv = v;
        it->M = pe->opt.is_samples ? pe->opt.is_samples : 300;
        rc = pe_parallel(pe, is_subject, it, err);
    }
    double sum = 0;
    for (size_t s = 0; !rc && s < pe->n_subj; s++)
        sum += v[s];
    *ofv = sum;
    free(it);
    free(v);
    return rc;
}
