/* Counter-based random numbers for reproducible virtual trials.
 *
 * Every stream is Philox4x32-10 (Random123) run in counter mode.  A stream is
 * named by three numbers:
 *
 *     seed     the run's seed (64 bits)           -> the Philox key
 *     subject  a subject, replicate or item id    -> counter words 2 and 3
 *     purpose  what the draws are for (below)     -> counter word 1
 *
 * and counter word 0 counts 128-bit blocks within the stream.  Because the
 * output is a pure function of (seed, subject, purpose, position), the draws
 * subject k makes for purpose p are the same whatever the number of threads or
 * processes, the order in which subjects are simulated, and whatever other
 * purposes consumed for that subject.  Rule: each (subject, purpose) pair owns
 * one stream, and different pairs never share a counter value, so streams are
 * independent (as far as Philox's crush-resistance goes).  Code that needs
 * draws for a new reason adds a purpose rather than reusing one.
 *
 * A stream holds 2^32 blocks (2^34 32-bit words); past that it would wrap.
 *
 * ketsim_rng is a small value type (stack-allocatable, copyable) because it is
 * used in hot loops; it is the one public struct whose fields callers must not
 * touch.  Nothing here has global state; distinct ketsim_rng values may be used
 * from distinct threads freely. */
#ifndef KETSIM_RNG_H
#define KETSIM_RNG_H

#include <stddef.h>
#include <stdint.h>

#include "ketsim/error.h"

/* What a stream's draws are used for.  Values are part of the reproducibility
 * contract: append new purposes, never renumber. */
typedef enum ketsim_rng_purpose {
    KETSIM_RNG_COVARIATES = 1,   /* body weight, age, sex, baseline scores */
    KETSIM_RNG_IIV = 2,          /* between-subject parameter variability */
    KETSIM_RNG_RESIDUAL = 3,     /* residual (measurement) error */
    KETSIM_RNG_RANDOMIZATION = 4,/* arm assignment */
    KETSIM_RNG_DROPOUT = 5,      /* dropout / censoring */
    KETSIM_RNG_PLACEBO = 6,      /* placebo response */
    KETSIM_RNG_LAB = 7,          /* virtual lab experiments */
    KETSIM_RNG_BOOTSTRAP = 8,    /* resampling for intervals */
    KETSIM_RNG_SAMPLING = 9,     /* anything else sampled per item */
    KETSIM_RNG_USER_IIV = 10,    /* a scenario's own omega (per subject) */
    KETSIM_RNG_UNCERTAINTY = 11  /* parameter uncertainty (per replicate) */
} ketsim_rng_purpose;

typedef struct ketsim_rng {
    uint32_t key[2];   /* seed */
    uint32_t ctr[4];   /* block, purpose, subject low, subject high */
    uint32_t buf[4];   /* output of the last block */
    unsigned used;     /* words of buf already handed out (4 = empty) */
} ketsim_rng;

/* Start the stream (seed, subject, purpose) at its first draw. */
void ketsim_rng_init(ketsim_rng *r, uint64_t seed, uint64_t subject,
                     uint32_t purpose);

/* Next uniformly distributed 32-bit word of the stream. */
uint32_t ketsim_rng_u32(ketsim_rng *r);

/* Uniform on (0,1), never 0 or 1.  Uses two words: 52 random bits placed on
 * the midpoints (k + 1/2) / 2^52, so u and 1-u are equally likely and both
 * ends stay strictly inside (0,1) (a 53-bit midpoint grid would round its top
 * point to 1.0). */
double ketsim_rng_uniform(ketsim_rng *r);

/* Standard normal by inversion of one uniform (gsl_cdf_ugaussian_Pinv).
 * Inversion rather than Box-Muller so that every normal consumes exactly one
 * uniform and no state is cached between calls. */
double ketsim_rng_normal(ketsim_rng *r);

/* Log-normal with the given median and log-scale SD: median * exp(omega * z).
 * omega = 0 returns the median (one normal is still consumed). */
double ketsim_rng_lognormal(ketsim_rng *r, double median, double omega);

/* 1 with probability p, else 0.  Always consumes one uniform; p <= 0 (or NaN)
 * gives 0 and p >= 1 gives 1. */
int ketsim_rng_bernoulli(ketsim_rng *r, double p);

/* Multivariate normal with mean 0: out = L z, z a vector of n standard
 * normals drawn in order, L the n x n row-major lower Cholesky factor (upper
 * triangle ignored).  Fails with KETSIM_EINPUT for n == 0 or NULL pointers. */
int ketsim_rng_mvnormal(ketsim_rng *r, size_t n, const double *chol_lower,
                        double *out, ketsim_error *err);

/* Lower Cholesky factor of a symmetric n x n row-major covariance matrix:
 * cov = L L^T.  The upper triangle of chol_lower is set to 0.  Fails with
 * KETSIM_EINPUT if cov is not symmetric (relative tolerance 1e-10), has a
 * non-finite entry, or is not positive definite.  Done by a plain
 * Cholesky-Banachiewicz loop instead of gsl_linalg_cholesky_decomp1 because
 * GSL reports a non-positive-definite matrix through its process-wide error
 * handler, which aborts by default and is global state to change. */
int ketsim_cholesky(size_t n, const double *cov, double *chol_lower,
                    ketsim_error *err);

#endif
