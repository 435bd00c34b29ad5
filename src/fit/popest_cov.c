/* The covariance step: the uncertainty of the estimates from the curvature
 * of the FOCE-I objective (for SAEM too, evaluated at its estimates).
 *
 * With OFV = sum_i OFV_i (-2LL), by central finite differences on x:
 *     R = d^2 OFV / dx dx'               (the Hessian of the total)
 *     S = sum_i g_i g_i',  g_i = d OFV_i / dx   (per-subject gradients)
 * and, as NONMEM's $COVARIANCE does by default, the sandwich
 *     cov(x) = R^-1 S R^-1
 * (with -2LL in place of -LL the factors of 2 cancel); `r` instead gives
 * 2 R^-1, the inverse of the observed information.  Every objective value
 * re-finds the subjects' modes from the ones at the estimates.  A THETA at a
 * bound is left out (its SE is reported as missing).  The step is 0.01 on
 * x: the log of THETAs and SDs, the log diagonal and the off-diagonals of
 * OMEGA's Cholesky factor; the natural-scale covariance follows by the
 * delta method in popest.c. */
#include "popest_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define COV_STEP 1e-2

typedef struct cov_work {
    double *eta0;
} cov_work;

static void put_eta(ketsim_popest *pe, const double *buf)
{
    for (size_t s = 0; s < pe->n_subj; s++)
        memcpy(pe->modes[s].eta, buf + s * PE_MAX_ETA, pe->q * sizeof *buf);
}

static double eval(ketsim_popest *pe, const double *x, const double *eta0, double *per)
{
    put_eta(pe, eta0);
    ketsim_error e = {0};
    return pe_foce_ofv(pe, x, per, &e);
}

int pe_covariance(ketsim_popest *pe, const double *x, double *cov_x, int *ok, char *what, size_t what_n,
                  ketsim_error *err)
{
    size_t n = pe->n_x, N = pe->n_subj;
    *ok = 0;
    snprintf(what, what_n, "%s", pe->opt.covstep == KETSIM_COVSTEP_R ? "R-matrix: 2 R^-1 (finite differences)"
                                                                      : "sandwich: R^-1 S R^-1 (finite differences)");
    int fr[PE_MAX_X];
    size_t m = 0;
    for (size_t j = 0; j < n; j++)
        if (!(x[j] <= pe->x_lo[j] + 1e-3 || x[j] >= pe->x_hi[j] - 1e-3))
            fr[m++] = (int)j;
    memset(cov_x, 0, n * n * sizeof *cov_x);
    if (m == 0)
        return KETSIM_OK;
    double *eta0 = malloc(N * PE_MAX_ETA * sizeof *eta0), *fp = malloc(m * N * sizeof *fp),
           *fm = malloc(m * N * sizeof *fm), *Fp = malloc(m * sizeof *Fp), *Fm = malloc(m * sizeof *Fm),
           *R = calloc(m * m, sizeof *R), *S = calloc(m * m, sizeof *S), *Ri = calloc(m * m, sizeof *Ri),
           *C = calloc(m * m, sizeof *C);
    if (!eta0 || !fp || !fm || !Fp || !Fm || !R || !S || !Ri || !C) {
        free(eta0), free(fp), free(fm), free(Fp), free(Fm), free(R), free(S), free(Ri), free(C);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    for (size_t s = 0; s < N; s++)
        memcpy(eta0 + s * PE_MAX_ETA, pe->modes[s].eta, pe->q * sizeof *eta0);
    double xp[PE_MAX_X];
    double F0 = eval(pe, x, eta0, NULL);
    int bad = !isfinite(F0);
    for (size_t a = 0; a < m && !bad; a++) {
        int j = fr[a];
        memcpy(xp, x, n * sizeof *xp);
        xp[j] = x[j] + COV_STEP;
        Fp[a] = eval(pe, xp, eta0, fp + a * N);
        xp[j] = x[j] - COV_STEP;
        Fm[a] = eval(pe, xp, eta0, fm + a * N);
        bad = !isfinite(Fp[a]) || !isfinite(Fm[a]);
        R[a * m + a] = (Fp[a] - 2 * F0 + Fm[a]) / (COV_STEP * COV_STEP);
    }
    for (size_t a = 0; a < m && !bad; a++)
        for (size_t b = 0; b < a && !bad; b++) {
            memcpy(xp, x, n * sizeof *xp);
            xp[fr[a]] = x[fr[a]] + COV_STEP;
            xp[fr[b]] = x[fr[b]] + COV_STEP;
            double fpp = eval(pe, xp, eta0, NULL);
            xp[fr[a]] = x[fr[a]] - COV_STEP;
            xp[fr[b]] = x[fr[b]] - COV_STEP;
            double fmm = eval(pe, xp, eta0, NULL);
            bad = !isfinite(fpp) || !isfinite(fmm);
            R[a * m + b] = R[b * m + a] =
                (fpp + fmm - Fp[a] - Fm[a] - Fp[b] - Fm[b] + 2 * F0) / (2 * COV_STEP * COV_STEP);
        }
    for (size_t s = 0; s < N && !bad; s++)
        for (size_t a = 0; a < m; a++) {
            double ga = (fp[a * N + s] - fm[a * N + s]) / (2 * COV_STEP);
            for (size_t b = 0; b < m; b++)
                S[a * m + b] += ga * (fp[b * N + s] - fm[b * N + s]) / (2 * COV_STEP);
        }
    /* leave the modes at the estimates for the caller */
    eval(pe, x, eta0, NULL);
    int rc = KETSIM_OK;
    if (!bad && pe_spd_inverse(m, R, Ri) == 0) {
        if (pe->opt.covstep == KETSIM_COVSTEP_R)
            for (size_t a = 0; a < m * m; a++)
                C[a] = 2 * Ri[a];
        else
            for (size_t a = 0; a < m; a++)
                for (size_t b = 0; b < m; b++) {
                    double sum = 0;
                    for (size_t c = 0; c < m; c++)
                        for (size_t d = 0; d < m; d++)
                            sum += Ri[a * m + c] * S[c * m + d] * Ri[d * m + b];
                    C[a * m + b] = sum;
                }
        double *Lc = malloc(m * m * sizeof *Lc);
        *ok = Lc && pe_chol(m, C, Lc) == 0;
        free(Lc);
        if (*ok)
            for (size_t a = 0; a < m; a++)
                for (size_t b = 0; b < m; b++)
                    cov_x[(size_t)fr[a] * n + (size_t)fr[b]] = C[a * m + b];
    }
    free(eta0), free(fp), free(fm), free(Fp), free(Fm), free(R), free(S), free(Ri), free(C);
    return rc;
}
