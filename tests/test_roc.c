/* ROC, AUC, Youden cut and bootstrap on cases with known answers:
 *   binormal marker, controls N(0,1), cases N(d,1): AUC = Phi(d / sqrt 2),
 *   and with equal variances and equal class sizes the Youden-optimal cut is
 *   the midpoint d / 2 (where the two densities cross);
 *   small hand-worked cases with ties (AUC by pair counting). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_cdf.h>

#include "ketsim/rng.h"
#include "ketsim/roc.h"

static void close_to(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.10g, want %.10g (tol %g)", got, want, tol);
}

/* n controls N(0,1) then n cases N(d,1). */
static void binormal(size_t n, double d, uint64_t seed, double *x, int *y)
{
    ketsim_rng r;
    ketsim_rng_init(&r, seed, 0, KETSIM_RNG_SAMPLING);
    for (size_t i = 0; i < 2 * n; i++) {
        y[i] = i >= n;
        x[i] = ketsim_rng_normal(&r) + (y[i] ? d : 0);
    }
}

static void test_binormal(void **state)
{
    (void)state;
    enum { N = 20000 };
    double *x = malloc(2 * N * sizeof *x);
    int *y = malloc(2 * N * sizeof *y);
    const double ds[3] = {1.0, 1.5, 2.0}; /* smaller d: J(t) too flat to pin the cut */
    for (int k = 0; k < 3; k++) {
        double d = ds[k], want = gsl_cdf_ugaussian_P(d / sqrt(2.0));
        binormal(N, d, 11 + (uint64_t)k, x, y);
        ketsim_roc_result r;
        ketsim_error err = {0};
        assert_int_equal(ketsim_roc_fit(x, y, 2 * N, 0, 0.95, 1, 0, &r, &err), KETSIM_OK);
        assert_int_equal(r.direction, 1);
        /* SE of the AUC at this size is about 0.003 */
        close_to(r.auc, want, 0.012);
        close_to(r.threshold, d / 2, 0.12);
        /* at the midpoint sensitivity = specificity = Phi(d/2) */
        close_to(r.sensitivity, gsl_cdf_ugaussian_P(d / 2), 0.03);
        close_to(r.specificity, gsl_cdf_ugaussian_P(d / 2), 0.03);
        close_to(r.youden_j, 2 * gsl_cdf_ugaussian_P(d / 2) - 1, 0.015);
        ketsim_roc_result_free(&r);
        /* the same marker reversed: direction -1, the same AUC and cut */
        for (size_t i = 0; i < 2 * N; i++)
            x[i] = -x[i];
        assert_int_equal(ketsim_roc_fit(x, y, 2 * N, 0, 0.95, 1, 0, &r, &err), KETSIM_OK);
        assert_int_equal(r.direction, -1);
        close_to(r.auc, want, 0.012);
        close_to(r.threshold, -d / 2, 0.12);
        ketsim_roc_result_free(&r);
    }
    free(x);
    free(y);
}

static void test_bootstrap_interval(void **state)
{
    (void)state;
    enum { N = 300 };
    double x[2 * N];
    int y[2 * N];
    double want = gsl_cdf_ugaussian_P(1.0 / sqrt(2.0));
    int covered = 0;
    /* 20 independent samples: a 95% interval should cover the truth in most;
     * with 20 draws, fewer than 15 would be very unlikely (P < 0.001). */
    for (uint64_t s = 0; s < 20; s++) {
        binormal(N, 1.0, 100 + s, x, y);
        ketsim_roc_result r;
        ketsim_error err = {0};
        assert_int_equal(ketsim_roc_fit(x, y, 2 * N, 400, 0.95, 7, s, &r, &err), KETSIM_OK);
        assert_true(r.auc_lo < r.auc && r.auc < r.auc_hi);
        /* the width matches the Hanley-McNeil SE (about 0.019 here) */
        assert_true(r.auc_hi - r.auc_lo > 2 * 1.96 * 0.012 && r.auc_hi - r.auc_lo < 2 * 1.96 * 0.028);
        covered += r.auc_lo <= want && want <= r.auc_hi;
        /* same seed and stream: the same interval */
        ketsim_roc_result r2;
        assert_int_equal(ketsim_roc_fit(x, y, 2 * N, 400, 0.95, 7, s, &r2, &err), KETSIM_OK);
        assert_true(r2.auc_lo == r.auc_lo && r2.auc_hi == r.auc_hi);
        ketsim_roc_result_free(&r);
        ketsim_roc_result_free(&r2);
    }
    assert_true(covered >= 15);
}

/* AUC by counting all case-control pairs (ties count one half). */
static double auc_pairs(const double *x, const int *y, size_t n)
{
    double s = 0, m = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if (y[i] && !y[j]) {
                s += x[i] > x[j] ? 1 : x[i] == x[j] ? 0.5 : 0;
                m++;
            }
    return s / m;
}

static void test_ties_and_small(void **state)
{
    (void)state;
    const double x[8] = {1, 2, 2, 3, 3, 3, 5, 0};
    const int y[8] = {0, 0, 1, 0, 1, 1, 1, 0};
    double auc;
    ketsim_error err = {0};
    assert_int_equal(ketsim_roc_auc(x, y, 8, &auc, &err), KETSIM_OK);
    /* by hand: cases {2,3,3,5} vs controls {1,2,3,0}: 13.5 of 16 pairs */
    close_to(auc, 13.5 / 16, 1e-12);
    close_to(auc, auc_pairs(x, y, 8), 1e-12);

    /* perfect separation: AUC 1, cut between the classes, J = 1 */
    const double xs[6] = {1, 2, 3, 10, 11, 12};
    const int ys[6] = {0, 0, 0, 1, 1, 1};
    ketsim_roc_result r;
    assert_int_equal(ketsim_roc_fit(xs, ys, 6, 100, 0.95, 3, 0, &r, &err), KETSIM_OK);
    close_to(r.auc, 1, 1e-12);
    close_to(r.threshold, 6.5, 1e-12);
    close_to(r.youden_j, 1, 1e-12);
    close_to(r.auc_lo, 1, 1e-12);
    /* curve runs from (FPR 0, TPR 0) to (1, 1) */
    close_to(r.curve[0].sensitivity, 0, 0);
    close_to(r.curve[r.n_curve - 1].sensitivity, 1, 0);
    close_to(r.curve[r.n_curve - 1].specificity, 0, 0);
    ketsim_roc_result_free(&r);

    /* one class only, or a NaN marker: refused */
    const int y1[3] = {1, 1, 1};
    assert_int_equal(ketsim_roc_auc(xs, y1, 3, &auc, &err), KETSIM_EINPUT);
    const double xn[4] = {1, NAN, 2, 3};
    assert_int_equal(ketsim_roc_auc(xn, ys + 1, 4, &auc, &err), KETSIM_EINPUT);
}

static void test_spearman(void **state)
{
    (void)state;
    /* monotone but not linear: rho = 1 */
    const double x[6] = {1, 2, 3, 4, 5, 6}, y[6] = {1, 8, 27, 64, 125, 216};
    double rho, p;
    ketsim_error err = {0};
    assert_int_equal(ketsim_spearman(x, y, 6, &rho, &p, &err), KETSIM_OK);
    close_to(rho, 1, 1e-12);
    /* ranks with ties: average ranks */
    const double t[5] = {10, 20, 20, 30, 20};
    double rk[5];
    assert_int_equal(ketsim_ranks(t, 5, rk, &err), KETSIM_OK);
    close_to(rk[0], 1, 0);
    close_to(rk[1], 3, 0);
    close_to(rk[4], 3, 0);
    close_to(rk[3], 5, 0);
    /* hand-worked: x = 1..5, y = 2,1,4,3,5: d^2 sum = 4, rho = 1 - 6*4/120 = 0.8 */
    const double a[5] = {1, 2, 3, 4, 5}, b[5] = {2, 1, 4, 3, 5};
    assert_int_equal(ketsim_spearman(a, b, 5, &rho, &p, &err), KETSIM_OK);
    close_to(rho, 0.8, 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_binormal),
        cmocka_unit_test(test_bootstrap_interval),
        cmocka_unit_test(test_ties_and_small),
        cmocka_unit_test(test_spearman),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
