#include "ketsim/rng.h"

#include <math.h>

#include <Random123/philox.h>
#include <gsl/gsl_cdf.h>

void ketsim_rng_init(ketsim_rng *r, uint64_t seed, uint64_t subject,
                     uint32_t purpose)
{
    r->key[0] = (uint32_t)seed;
    r->key[1] = (uint32_t)(seed >> 32);
    r->ctr[0] = 0;
    r->ctr[1] = purpose;
    r->ctr[2] = (uint32_t)subject;
    r->ctr[3] = (uint32_t)(subject >> 32);
    r->used = 4;
}

/* Encrypt the current counter into buf, then step the block counter. */
static void rng_refill(ketsim_rng *r)
{
    philox4x32_ctr_t c = {{r->ctr[0], r->ctr[1], r->ctr[2], r->ctr[3]}};
    philox4x32_key_t k = {{r->key[0], r->key[1]}};
    philox4x32_ctr_t out = philox4x32(c, k);
    for (int i = 0; i < 4; i++)
        r->buf[i] = out.v[i];
    r->ctr[0]++;
    r->used = 0;
}

uint32_t ketsim_rng_u32(ketsim_rng *r)
{
    if (r->used >= 4)
        rng_refill(r);
    return r->buf[r->used++];
}

double ketsim_rng_uniform(ketsim_rng *r)
{
    uint64_t hi = ketsim_rng_u32(r) >> 6; /* 26 bits */
    uint64_t lo = ketsim_rng_u32(r) >> 6; /* 26 bits */
    uint64_t k = (hi << 26) | lo;         /* 52 bits */
    return ((double)k + 0.5) * 0x1p-52;
}

double ketsim_rng_normal(ketsim_rng *r)
{
    return gsl_cdf_ugaussian_Pinv(ketsim_rng_uniform(r));
}

double ketsim_rng_lognormal(ketsim_rng *r, double median, double omega)
{
    return median * exp(omega * ketsim_rng_normal(r));
}

int ketsim_rng_bernoulli(ketsim_rng *r, double p)
{
    /* Comparison with NaN is false, so NaN p yields 0 like p <= 0. */
    return ketsim_rng_uniform(r) < p;
}

int ketsim_rng_mvnormal(ketsim_rng *r, size_t n, const double *chol_lower,
                        double *out, ketsim_error *err)
{
    if (!r || !chol_lower || !out || n == 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "multivariate normal: need n > 0 and non-NULL "
                           "arrays (n = %zu)", n);
    /* Draw all of z first so the stream position does not depend on L. */
    for (size_t i = 0; i < n; i++)
        out[i] = ketsim_rng_normal(r);
    /* out = L z in place: row i uses z[0..i], so go from the last row up. */
    for (size_t i = n; i-- > 0;) {
        double s = 0.0;
        for (size_t j = 0; j <= i; j++)
            s += chol_lower[i * n + j] * out[j];
        out[i] = s;
    }
    return KETSIM_OK;
}

static int check_symmetric(size_t n, const double *a, ketsim_error *err)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j <= i; j++) {
            double x = a[i * n + j], y = a[j * n + i];
            if (!isfinite(x) || !isfinite(y))
                return KETSIM_FAIL(err, KETSIM_EINPUT,
                                   "covariance matrix: entry (%zu,%zu) is "
                                   "not finite", i, j);
            if (fabs(x - y) > 1e-10 * fmax(fabs(x), fabs(y)))
                return KETSIM_FAIL(err, KETSIM_EINPUT,
                                   "covariance matrix: not symmetric at "
                                   "(%zu,%zu): %g vs %g", i, j, x, y);
        }
    }
    return KETSIM_OK;
}

int ketsim_cholesky(size_t n, const double *cov, double *chol_lower,
                    ketsim_error *err)
{
    if (!cov || !chol_lower || n == 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "Cholesky: need n > 0 and non-NULL arrays "
                           "(n = %zu)", n);
    int rc = check_symmetric(n, cov, err);
    if (rc != KETSIM_OK)
        return rc;
    double *L = chol_lower;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            if (j > i) {
                L[i * n + j] = 0.0;
                continue;
            }
            double s = cov[i * n + j];
            for (size_t k = 0; k < j; k++)
                s -= L[i * n + k] * L[j * n + k];
            if (j < i) {
                L[i * n + j] = s / L[j * n + j];
                continue;
            }
            /* Diagonal: a non-positive pivot means not positive definite. */
            if (!(s > 0.0))
                return KETSIM_FAIL(err, KETSIM_EINPUT,
                                   "covariance matrix is not positive "
                                   "definite (pivot %zu is %g)", i, s);
            L[i * n + i] = sqrt(s);
        }
    }
    return KETSIM_OK;
}
