/* Sobol indices (Saltelli design, Jansen estimators) and Morris screening;
 * see ketsim/gsa.h for the formulas. */
#include "ketsim/gsa.h"
#include "ketsim/rng.h"

#include <gsl/gsl_qrng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int check_box(size_t k, const double *lo, const double *hi, ketsim_error *err)
{
    if (k == 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "sensitivity analysis needs at least one input");
    for (size_t i = 0; i < k; i++)
        if (!(isfinite(lo[i]) && isfinite(hi[i]) && lo[i] < hi[i]))
            return KETSIM_FAIL(err, KETSIM_EINPUT, "input %zu: range [%g, %g] is empty or not finite", i + 1,
                               lo[i], hi[i]);
    return KETSIM_OK;
}

static void scale(size_t k, const double *u, const double *lo, const double *hi, double *x)
{
    for (size_t i = 0; i < k; i++)
        x[i] = lo[i] + u[i] * (hi[i] - lo[i]);
}

/* Fill fa, fb (n each) and fab (n x k, row j = AB_j) from the sequence. */
static int saltelli_evals(size_t k, const double *lo, const double *hi, size_t n, ketsim_gsa_fn f, void *ctx,
                          double *fa, double *fb, double *fab, ketsim_error *err)
{
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)(2 * k));
    double *u = malloc(2 * k * sizeof *u), *ab = malloc(k * sizeof *ab), *x = malloc(k * sizeof *x);
    int rc = (q && u && ab && x) ? KETSIM_OK : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    if (!rc)
        gsl_qrng_get(q, u); /* skip the first point (the cube's corner) */
    for (size_t s = 0; !rc && s < n; s++) {
        gsl_qrng_get(q, u);
        const double *a = u, *b = u + k;
        scale(k, a, lo, hi, x);
        rc = f(x, k, &fa[s], ctx);
        scale(k, b, lo, hi, x);
        if (!rc)
            rc = f(x, k, &fb[s], ctx);
        for (size_t j = 0; !rc && j < k; j++) {
            memcpy(ab, a, k * sizeof *ab);
            ab[j] = b[j];
            scale(k, ab, lo, hi, x);
            rc = f(x, k, &fab[j * n + s], ctx);
        }
    }
    gsl_qrng_free(q);
    free(u);
    free(ab);
    free(x);
    return rc;
}

int ketsim_gsa_sobol(size_t k, const double *lo, const double *hi, size_t n, ketsim_gsa_fn f, void *ctx,
                     double *s1, double *st, double *variance, ketsim_error *err)
{
    int rc = check_box(k, lo, hi, err);
    if (rc)
        return rc;
    if (k > KETSIM_GSA_SOBOL_MAX_K)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "Sobol indices: at most %d inputs (got %zu)", KETSIM_GSA_SOBOL_MAX_K, k);
    if (n < 2)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "Sobol indices: need at least 2 base samples (got %zu)", n);
    double *fa = malloc(n * sizeof *fa), *fb = malloc(n * sizeof *fb), *fab = malloc(n * k * sizeof *fab);
    rc = (fa && fb && fab) ? saltelli_evals(k, lo, hi, n, f, ctx, fa, fb, fab, err)
                           : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    if (!rc) {
        double mean = 0, v = 0;
        for (size_t s = 0; s < n; s++)
            mean += (fa[s] + fb[s]) / (2.0 * (double)n);
        for (size_t s = 0; s < n; s++)
            v += ((fa[s] - mean) * (fa[s] - mean) + (fb[s] - mean) * (fb[s] - mean)) / (2.0 * (double)n - 1);
        *variance = v;
        for (size_t j = 0; j < k; j++) {
            double db = 0, da = 0;
            for (size_t s = 0; s < n; s++) {
                double eb = fb[s] - fab[j * n + s], ea = fa[s] - fab[j * n + s];
                db += eb * eb;
                da += ea * ea;
            }
            s1[j] = v > 0 ? (v - db / (2.0 * (double)n)) / v : NAN;
            st[j] = v > 0 ? da / (2.0 * (double)n) / v : NAN;
        }
    }
    free(fa);
    free(fb);
    free(fab);
    return rc;
}

/* One trajectory: a random grid point, inputs moved one at a time in random
 * order and direction by delta.  ee[j] receives input j's effect. */
static int trajectory(size_t k, const double *lo, const double *hi, size_t levels, ketsim_rng *r,
                      ketsim_gsa_fn f, void *ctx, double *u, double *x, size_t *order, double *ee)
{
    double delta = (double)levels / (2.0 * ((double)levels - 1));
    size_t n_base = levels / 2; /* grid points m/(p-1) with m/(p-1) + delta <= 1 */
    double *dir = ee;           /* directions kept in ee until the effects replace them */
    for (size_t j = 0; j < k; j++) {
        double base = (double)(ketsim_rng_u32(r) % n_base) / ((double)levels - 1);
        dir[j] = ketsim_rng_u32(r) & 1 ? 1.0 : -1.0;
        u[j] = dir[j] > 0 ? base : base + delta;
        order[j] = j;
    }
    for (size_t j = k; j-- > 1;) { /* Fisher-Yates */
        size_t m = ketsim_rng_u32(r) % (j + 1), t = order[j];
        order[j] = order[m];
        order[m] = t;
    }
    double y0, y1;
    scale(k, u, lo, hi, x);
    int rc = f(x, k, &y0, ctx);
    for (size_t step = 0; !rc && step < k; step++) {
        size_t j = order[step];
        u[j] += dir[j] * delta;
        scale(k, u, lo, hi, x);
        rc = f(x, k, &y1, ctx);
        ee[j] = (y1 - y0) / (dir[j] * delta);
        y0 = y1;
    }
    return rc;
}

int ketsim_gsa_morris(size_t k, const double *lo, const double *hi, size_t r, size_t levels, uint64_t seed,
                      ketsim_gsa_fn f, void *ctx, double *mu, double *mu_star, double *sigma, ketsim_error *err)
{
    int rc = check_box(k, lo, hi, err);
    if (rc)
        return rc;
    if (levels < 2 || levels % 2)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "Morris: the number of levels must be even and >= 2 (got %zu)", levels);
    if (r < 2)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "Morris: need at least 2 trajectories (got %zu)", r);
    double *u = malloc(k * sizeof *u), *x = malloc(k * sizeof *x), *ee = malloc(r * k * sizeof *ee);
    size_t *order = malloc(k * sizeof *order);
    rc = (u && x && ee && order) ? KETSIM_OK : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    for (size_t t = 0; !rc && t < r; t++) {
        ketsim_rng g;
        ketsim_rng_init(&g, seed, t, KETSIM_RNG_SAMPLING);
        rc = trajectory(k, lo, hi, levels, &g, f, ctx, u, x, order, &ee[t * k]);
    }
    for (size_t j = 0; !rc && j < k; j++) {
        double m = 0, ma = 0, ss = 0;
        for (size_t t = 0; t < r; t++) {
            m += ee[t * k + j] / (double)r;
            ma += fabs(ee[t * k + j]) / (double)r;
        }
        for (size_t t = 0; t < r; t++)
            ss += (ee[t * k + j] - m) * (ee[t * k + j] - m);
        mu[j] = m;
        mu_star[j] = ma;
        sigma[j] = sqrt(ss / ((double)r - 1));
    }
    free(u);
    free(x);
    free(ee);
    free(order);
    return rc;
}
