/* Sobol indices of the Ishigami function (a = 7, b = 0.1) against their
 * analytic values, and Morris effects of a linear function (exact). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "ketsim/gsa.h"

#define PI 3.14159265358979323846

static int ishigami(const double *x, size_t k, double *y, void *ctx)
{
    (void)k;
    (void)ctx;
    double s = sin(x[0]);
    *y = s + 7.0 * sin(x[1]) * sin(x[1]) + 0.1 * pow(x[2], 4) * s;
    return 0;
}

static void test_ishigami_sobol(void **state)
{
    (void)state;
    const double lo[3] = {-PI, -PI, -PI}, hi[3] = {PI, PI, PI};
    const double s1_exact[3] = {0.3139, 0.4424, 0.0}, st_exact[3] = {0.5576, 0.4424, 0.2437};
    double s1[3], st[3], v;
    ketsim_error err = {0};
    assert_int_equal(ketsim_gsa_sobol(3, lo, hi, 1 << 14, ishigami, NULL, s1, st, &v, &err), KETSIM_OK);
    /* V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2 */
    double v_exact = 49.0 / 8 + 0.1 * pow(PI, 4) / 5 + 0.01 * pow(PI, 8) / 18 + 0.5;
    printf("  V %.4f (exact %.4f)\n", v, v_exact);
    assert_true(fabs(v - v_exact) < 0.02 * v_exact);
    for (int i = 0; i < 3; i++) {
        printf("  x%d: S1 %.4f (exact %.4f)  ST %.4f (exact %.4f)\n", i + 1, s1[i], s1_exact[i], st[i], st_exact[i]);
        if (!(fabs(s1[i] - s1_exact[i]) <= 0.02 && fabs(st[i] - st_exact[i]) <= 0.02))
            fail_msg("x%d: S1 %g ST %g", i + 1, s1[i], st[i]);
    }
}

/* Too few samples must show: the test above is not passing by construction. */
static void test_sobol_small_n_is_rougher(void **state)
{
    (void)state;
    const double lo[3] = {-PI, -PI, -PI}, hi[3] = {PI, PI, PI};
    double s1[3], st[3], v, worst = 0;
    const double st_exact[3] = {0.5576, 0.4424, 0.2437};
    ketsim_error err = {0};
    assert_int_equal(ketsim_gsa_sobol(3, lo, hi, 8, ishigami, NULL, s1, st, &v, &err), KETSIM_OK);
    for (int i = 0; i < 3; i++)
        worst = fmax(worst, fabs(st[i] - st_exact[i]));
    assert_true(worst > 0.02);
}

static int linear(const double *x, size_t k, double *y, void *ctx)
{
    (void)k;
    (void)ctx;
    *y = 2 * x[0] - 3 * x[1] + 0 * x[2];
    return 0;
}

static void test_morris_linear(void **state)
{
    (void)state;
    const double lo[3] = {0, 0, 5}, hi[3] = {1, 2, 6};
    double mu[3], mus[3], sd[3];
    ketsim_error err = {0};
    assert_int_equal(ketsim_gsa_morris(3, lo, hi, 10, 4, 42, linear, NULL, mu, mus, sd, &err), KETSIM_OK);
    /* effect per full range: 2 * 1 and -3 * 2 */
    assert_true(fabs(mu[0] - 2) < 1e-12 && fabs(mus[0] - 2) < 1e-12 && sd[0] < 1e-12);
    assert_true(fabs(mu[1] + 6) < 1e-12 && fabs(mus[1] - 6) < 1e-12 && sd[1] < 1e-12);
    assert_true(mus[2] < 1e-12);
}

/* Ishigami under Morris: x3 acts only through its interaction with x1, so
 * its effects vary (sigma > 0); same seed, same numbers. */
static void test_morris_ishigami(void **state)
{
    (void)state;
    const double lo[3] = {-PI, -PI, -PI}, hi[3] = {PI, PI, PI};
    double mu[3], mus[3], sd[3], mu2[3], mus2[3], sd2[3];
    ketsim_error err = {0};
    assert_int_equal(ketsim_gsa_morris(3, lo, hi, 50, 4, 7, ishigami, NULL, mu, mus, sd, &err), KETSIM_OK);
    assert_int_equal(ketsim_gsa_morris(3, lo, hi, 50, 4, 7, ishigami, NULL, mu2, mus2, sd2, &err), KETSIM_OK);
    for (int i = 0; i < 3; i++) {
        printf("  x%d: mu* %.3f mu %.3f sigma %.3f\n", i + 1, mus[i], mu[i], sd[i]);
        assert_true(mus[i] == mus2[i] && sd[i] == sd2[i]);
        assert_true(mus[i] > 0.1);
    }
    assert_true(sd[2] > 0.5 * mus[2]);
}

static void test_bad_args(void **state)
{
    (void)state;
    double lo[2] = {0, 1}, hi[2] = {1, 1}, a[2], b[2], c[2], v;
    ketsim_error err = {0};
    assert_int_equal(ketsim_gsa_sobol(2, lo, hi, 64, linear, NULL, a, b, &v, &err), KETSIM_EINPUT);
    hi[1] = 2;
    assert_int_equal(ketsim_gsa_morris(2, lo, hi, 4, 3, 1, linear, NULL, a, b, c, &err), KETSIM_EINPUT);
    double l21[21] = {0}, h21[21];
    for (int i = 0; i < 21; i++)
        h21[i] = 1;
    double o[21], o2[21];
    assert_int_equal(ketsim_gsa_sobol(21, l21, h21, 64, linear, NULL, o, o2, &v, &err), KETSIM_EINPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ishigami_sobol), cmocka_unit_test(test_sobol_small_n_is_rougher),
        cmocka_unit_test(test_morris_linear),  cmocka_unit_test(test_morris_ishigami),
        cmocka_unit_test(test_bad_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
