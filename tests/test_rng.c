#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>

#include "ketsim/rng.h"

#define NDRAW 100000

/* Known-answer values of Philox4x32-10, computed with an independent
 * implementation of the published round function; they pin the mapping of
 * (seed, subject, purpose, block) onto Philox's key and counter. */
static void test_known_answers(void **state)
{
    (void)state;
    ketsim_rng r;
    ketsim_rng_init(&r, 0, 0, 0);
    assert_int_equal(ketsim_rng_u32(&r), 0x6627e8d5u);
    assert_int_equal(ketsim_rng_u32(&r), 0xe169c58du);
    assert_int_equal(ketsim_rng_u32(&r), 0xbc57ac4cu);
    assert_int_equal(ketsim_rng_u32(&r), 0x9b00dbd8u);

    ketsim_rng_init(&r, 42, 7, 9); /* block 0 then block 5 */
    assert_int_equal(ketsim_rng_u32(&r), 0x81afc4b9u);
    for (int i = 1; i < 20; i++)
        (void)ketsim_rng_u32(&r);
    assert_int_equal(ketsim_rng_u32(&r), 0x33afb968u);
    assert_int_equal(ketsim_rng_u32(&r), 0x0e6739e6u);

    /* High halves of seed and subject land in the right words. */
    ketsim_rng_init(&r, 0x123456789abcdef0ull, 0x0123456789abcdefull,
                    0xffffffffu);
    for (int i = 0; i < 4; i++)
        (void)ketsim_rng_u32(&r);
    assert_int_equal(ketsim_rng_u32(&r), 0x16d33edcu);
    assert_int_equal(ketsim_rng_u32(&r), 0xcffcbe55u);
}

static void test_same_key_same_sequence(void **state)
{
    (void)state;
    ketsim_rng a, b;
    ketsim_rng_init(&a, 2024, 3, KETSIM_RNG_IIV);
    ketsim_rng_init(&b, 2024, 3, KETSIM_RNG_IIV);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(ketsim_rng_u32(&a), ketsim_rng_u32(&b));
    /* A copy continues the same sequence: the struct is a value type. */
    ketsim_rng c = a;
    for (int i = 0; i < 10; i++)
        assert_true(ketsim_rng_normal(&a) == ketsim_rng_normal(&c));
}

static int count_equal(ketsim_rng *a, ketsim_rng *b, int n)
{
    int same = 0;
    for (int i = 0; i < n; i++)
        same += ketsim_rng_u32(a) == ketsim_rng_u32(b);
    return same;
}

static void test_different_keys_differ(void **state)
{
    (void)state;
    ketsim_rng a, b;
    ketsim_rng_init(&a, 1, 3, KETSIM_RNG_IIV);
    ketsim_rng_init(&b, 1, 4, KETSIM_RNG_IIV);
    assert_true(count_equal(&a, &b, 1000) < 3);
    ketsim_rng_init(&a, 1, 3, KETSIM_RNG_IIV);
    ketsim_rng_init(&b, 1, 3, KETSIM_RNG_RESIDUAL);
    assert_true(count_equal(&a, &b, 1000) < 3);
    ketsim_rng_init(&a, 1, 3, KETSIM_RNG_IIV);
    ketsim_rng_init(&b, 2, 3, KETSIM_RNG_IIV);
    assert_true(count_equal(&a, &b, 1000) < 3);
    /* Subjects differing only in the high 32 bits are distinct streams. */
    ketsim_rng_init(&a, 1, 3, KETSIM_RNG_IIV);
    ketsim_rng_init(&b, 1, 3 + (1ull << 32), KETSIM_RNG_IIV);
    assert_true(count_equal(&a, &b, 1000) < 3);
}

/* Draw 5 normals per subject for subjects 0..9 in the given order and keep
 * subject 7's. */
static void draw_subject7(int reversed, double out[5])
{
    for (int s = 0; s < 10; s++) {
        int subj = reversed ? 9 - s : s;
        ketsim_rng r;
        ketsim_rng_init(&r, 99, (uint64_t)subj, KETSIM_RNG_COVARIATES);
        for (int i = 0; i < 5; i++) {
            double z = ketsim_rng_normal(&r);
            if (subj == 7)
                out[i] = z;
        }
    }
}

static void test_order_independence(void **state)
{
    (void)state;
    double fwd[5], rev[5];
    draw_subject7(0, fwd);
    draw_subject7(1, rev);
    for (int i = 0; i < 5; i++)
        assert_true(fwd[i] == rev[i]);
}

static void test_uniform_moments(void **state)
{
    (void)state;
    ketsim_rng r;
    ketsim_rng_init(&r, 7, 0, KETSIM_RNG_SAMPLING);
    double sum = 0.0, sum2 = 0.0;
    for (int i = 0; i < NDRAW; i++) {
        double u = ketsim_rng_uniform(&r);
        assert_true(u > 0.0 && u < 1.0);
        sum += u;
        sum2 += u * u;
    }
    double mean = sum / NDRAW;
    double var = sum2 / NDRAW - mean * mean;
    /* Standard errors: 0.0009 for the mean, 0.00024 for the variance. */
    assert_true(fabs(mean - 0.5) < 0.005);
    assert_true(fabs(var - 1.0 / 12.0) < 0.002);
}

static void test_normal_moments_and_ks(void **state)
{
    (void)state;
    double *z = malloc(NDRAW * sizeof *z);
    assert_non_null(z);
    ketsim_rng r;
    ketsim_rng_init(&r, 11, 5, KETSIM_RNG_RESIDUAL);
    double sum = 0.0, sum2 = 0.0;
    for (int i = 0; i < NDRAW; i++) {
        z[i] = ketsim_rng_normal(&r);
        sum += z[i];
        sum2 += z[i] * z[i];
    }
    double mean = sum / NDRAW;
    double sd = sqrt(sum2 / NDRAW - mean * mean);
    assert_true(fabs(mean) < 0.015);
    assert_true(fabs(sd - 1.0) < 0.01);

    /* Kolmogorov-Smirnov distance to Phi; 1.63/sqrt(n) is the 1% point. */
    gsl_sort(z, 1, NDRAW);
    double d = 0.0;
    for (int i = 0; i < NDRAW; i++) {
        double f = gsl_cdf_ugaussian_P(z[i]);
        d = fmax(d, fmax(fabs(f - (double)i / NDRAW),
                         fabs((double)(i + 1) / NDRAW - f)));
    }
    assert_true(d < 1.63 / sqrt((double)NDRAW));
    free(z);
}

static void test_lognormal_and_bernoulli(void **state)
{
    (void)state;
    ketsim_rng r;
    ketsim_rng_init(&r, 5, 1, KETSIM_RNG_IIV);
    int below = 0;
    for (int i = 0; i < 20000; i++)
        below += ketsim_rng_lognormal(&r, 3.0, 0.4) < 3.0;
    assert_true(fabs(below / 20000.0 - 0.5) < 0.015);
    assert_true(ketsim_rng_lognormal(&r, 3.0, 0.0) == 3.0);

    ketsim_rng_init(&r, 5, 1, KETSIM_RNG_DROPOUT);
    int hits = 0;
    for (int i = 0; i < 20000; i++)
        hits += ketsim_rng_bernoulli(&r, 0.3);
    assert_true(fabs(hits / 20000.0 - 0.3) < 0.015);
    assert_int_equal(ketsim_rng_bernoulli(&r, 0.0), 0);
    assert_int_equal(ketsim_rng_bernoulli(&r, 1.0), 1);
    assert_int_equal(ketsim_rng_bernoulli(&r, NAN), 0);
}

static void test_mvnormal_covariance(void **state)
{
    (void)state;
    const double cov[4] = {4.0, 1.2, 1.2, 1.0};
    double L[4];
    ketsim_error err;
    ketsim_error_clear(&err);
    assert_int_equal(ketsim_cholesky(2, cov, L, &err), KETSIM_OK);
    assert_true(fabs(L[0] - 2.0) < 1e-12);
    assert_true(L[1] == 0.0);
    assert_true(fabs(L[2] - 0.6) < 1e-12);
    assert_true(fabs(L[3] - 0.8) < 1e-12);

    ketsim_rng r;
    ketsim_rng_init(&r, 3, 0, KETSIM_RNG_IIV);
    double s00 = 0, s01 = 0, s11 = 0, m0 = 0, m1 = 0;
    for (int i = 0; i < NDRAW; i++) {
        double x[2];
        assert_int_equal(ketsim_rng_mvnormal(&r, 2, L, x, &err), KETSIM_OK);
        m0 += x[0];
        m1 += x[1];
        s00 += x[0] * x[0];
        s01 += x[0] * x[1];
        s11 += x[1] * x[1];
    }
    m0 /= NDRAW;
    m1 /= NDRAW;
    assert_true(fabs(m0) < 0.03 && fabs(m1) < 0.015);
    assert_true(fabs(s00 / NDRAW - m0 * m0 - 4.0) < 0.08);
    assert_true(fabs(s01 / NDRAW - m0 * m1 - 1.2) < 0.03);
    assert_true(fabs(s11 / NDRAW - m1 * m1 - 1.0) < 0.02);

    assert_int_equal(ketsim_rng_mvnormal(&r, 0, L, NULL, &err),
                     KETSIM_EINPUT);
}

static void test_cholesky_rejects(void **state)
{
    (void)state;
    double L[9];
    ketsim_error err;
    ketsim_error_clear(&err);
    const double indefinite[4] = {1.0, 2.0, 2.0, 1.0};
    assert_int_equal(ketsim_cholesky(2, indefinite, L, &err), KETSIM_EINPUT);
    assert_int_equal(err.code, KETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "positive definite"));

    const double singular[4] = {1.0, 1.0, 1.0, 1.0};
    assert_int_equal(ketsim_cholesky(2, singular, L, &err), KETSIM_EINPUT);
    const double asym[4] = {2.0, 0.5, 0.4, 2.0};
    assert_int_equal(ketsim_cholesky(2, asym, L, &err), KETSIM_EINPUT);
    const double nan_entry[4] = {1.0, NAN, NAN, 1.0};
    assert_int_equal(ketsim_cholesky(2, nan_entry, L, &err), KETSIM_EINPUT);

    /* A 3x3 positive definite matrix round-trips: L L^T == cov. */
    const double cov[9] = {2.0, 0.3, -0.4, 0.3, 1.0, 0.2, -0.4, 0.2, 0.5};
    assert_int_equal(ketsim_cholesky(3, cov, L, &err), KETSIM_OK);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double s = 0.0;
            for (int k = 0; k < 3; k++)
                s += L[i * 3 + k] * L[j * 3 + k];
            assert_true(fabs(s - cov[i * 3 + j]) < 1e-12);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_answers),
        cmocka_unit_test(test_same_key_same_sequence),
        cmocka_unit_test(test_different_keys_differ),
        cmocka_unit_test(test_order_independence),
        cmocka_unit_test(test_uniform_moments),
        cmocka_unit_test(test_normal_moments_and_ks),
        cmocka_unit_test(test_lognormal_and_bernoulli),
        cmocka_unit_test(test_mvnormal_covariance),
        cmocka_unit_test(test_cholesky_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
