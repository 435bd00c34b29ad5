/* Reference values: textbook results (R's "sleep" data, Gehan's leukemia
 * trial) and numbers worked by hand formulas in an independent script (own
 * incomplete beta function, not GSL). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ketsim/stats.h"

#define LEVEL KETSIM_STATS_LEVEL_DEFAULT

static void close_to(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.10g, want %.10g (tol %g)", got, want, tol);
}

/* Student's sleep data: extra hours of sleep under two drugs, 10 subjects. */
static const double sleep1[10] = {0.7, -1.6, -0.2, -1.2, -0.1,
                                  3.4, 3.7,  0.8,  0.0,  2.0};
static const double sleep2[10] = {1.9, 0.8, 1.1, 0.1, -0.1,
                                  4.4, 5.5, 1.6, 4.6, 3.4};

static void test_descriptive(void **state)
{
    (void)state;
    ketsim_error err;
    ketsim_error_clear(&err);
    double x[8] = {3, 1, 4, 1, 5, 9, 2, 6}, keep[8], v;
    memcpy(keep, x, sizeof x);
    assert_int_equal(ketsim_stats_mean(x, 8, &v, &err), KETSIM_OK);
    close_to(v, 31.0 / 8.0, 1e-14);
    /* sum of squares about 3.875 is 52.875 */
    assert_int_equal(ketsim_stats_sd(x, 8, &v, &err), KETSIM_OK);
    close_to(v, sqrt(52.875 / 7.0), 1e-14);
    assert_int_equal(ketsim_stats_sem(x, 8, &v, &err), KETSIM_OK);
    close_to(v, sqrt(52.875 / 7.0 / 8.0), 1e-14);

    /* Type 7 on sorted 1 1 2 3 4 5 6 9: h = 7 p. */
    const double probs[7] = {0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0};
    const double want[7] = {1.0, 1.0, 1.75, 3.5, 5.25, 6.9, 9.0};
    double q[7];
    assert_int_equal(ketsim_stats_quantiles(x, 8, probs, 7, q, &err),
                     KETSIM_OK);
    for (int i = 0; i < 7; i++)
        close_to(q[i], want[i], 1e-12);
    assert_int_equal(ketsim_stats_median(x, 8, &v, &err), KETSIM_OK);
    close_to(v, 3.5, 0);
    assert_int_equal(ketsim_stats_median(x, 7, &v, &err), KETSIM_OK);
    close_to(v, 3.0, 0); /* 1 1 2 3 4 5 9 */
    assert_memory_equal(x, keep, sizeof x); /* caller's array untouched */

    ketsim_stats_summary s;
    assert_int_equal(ketsim_stats_summarize(x, 8, &s, &err), KETSIM_OK);
    close_to(s.q1, 1.75, 1e-12);
    close_to(s.q3, 5.25, 1e-12);
    close_to(s.max, 9.0, 0);
    assert_int_equal(ketsim_stats_summarize(x, 1, &s, &err), KETSIM_OK);
    assert_true(isnan(s.sd) && s.median == 3.0);
}

static void test_descriptive_rejects(void **state)
{
    (void)state;
    ketsim_error err;
    ketsim_error_clear(&err);
    double x[3] = {1.0, NAN, 2.0}, v;
    assert_int_equal(ketsim_stats_mean(x, 3, &v, &err), KETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "x[1]"));
    assert_int_equal(ketsim_stats_mean(x, 0, &v, &err), KETSIM_EINPUT);
    assert_int_equal(ketsim_stats_sd(x, 1, &v, &err), KETSIM_EINPUT);
    x[1] = 4.0;
    assert_int_equal(ketsim_stats_quantile(x, 3, 1.5, &v, &err),
                     KETSIM_EINPUT);
    assert_int_equal(ketsim_stats_quantile(x, 3, NAN, &v, &err),
                     KETSIM_EINPUT);
}

static void check_ttest(const ketsim_stats_ttest *t, double est, double tval,
                        double df, double p, double lo, double hi)
{
    close_to(t->estimate, est, 1e-12);
    close_to(t->t, tval, 1e-9);
    close_to(t->df, df, 1e-9);
    close_to(t->p, p, 1e-9);
    close_to(t->ci_lo, lo, 1e-8);
    close_to(t->ci_hi, hi, 1e-8);
}

static void test_ttests_sleep(void **state)
{
    (void)state;
    ketsim_error err;
    ketsim_error_clear(&err);
    ketsim_stats_ttest t;
    /* R: t.test(extra ~ group, sleep): t = -1.8608, df = 17.776,
     * p = 0.07939, CI -3.3654832 0.2054832. */
    assert_int_equal(
        ketsim_stats_ttest_welch(sleep1, 10, sleep2, 10, LEVEL, &t, &err),
        KETSIM_OK);
    check_ttest(&t, -1.58, -1.8608134674868526, 17.776473516178495,
                0.0793941401873581, -3.36548323071171, 0.2054832307117107);
    /* var.equal = TRUE: df 18, p = 0.07919, CI -3.363874 0.203874. */
    assert_int_equal(
        ketsim_stats_ttest_pooled(sleep1, 10, sleep2, 10, LEVEL, &t, &err),
        KETSIM_OK);
    check_ttest(&t, -1.58, -1.8608134674868526, 18.0, 0.07918671421593838,
                -3.3638740322875966, 0.2038740322875976);
    /* paired: t = 4.0621, df = 9, p = 0.002833, CI 0.7001142 2.4598858. */
    assert_int_equal(
        ketsim_stats_ttest_paired(sleep2, sleep1, 10, LEVEL, &t, &err),
        KETSIM_OK);
    check_ttest(&t, 1.58, 4.062127683382037, 9.0, 0.0028328901973842632,
                0.7001142367230184, 2.459885763276982);
    assert_int_equal(ketsim_stats_ttest_one(sleep2, 10, 1.0, LEVEL, &t, &err),
                     KETSIM_OK);
    check_ttest(&t, 1.33, 2.1005528498187127, 9.0, 0.06505988566809554,
                -0.10232246062329309, 2.7623224606232926);
}

static const double xa[6] = {19.1, 21.4, 18.7, 22.3, 20.5, 23.0};
static const double ya[5] = {17.2, 18.9, 16.5, 19.8, 18.1};

static void test_ttests_unequal_n(void **state)
{
    (void)state;
    ketsim_error err;
    ketsim_error_clear(&err);
    ketsim_stats_ttest t;
    assert_int_equal(ketsim_stats_ttest_welch(xa, 6, ya, 5, LEVEL, &t, &err),
                     KETSIM_OK);
    check_ttest(&t, 2.7333333333333307, 2.9832978700318957,
                8.959379822450435, 0.015443039062839923, 0.6592844762723065,
                4.807382190394355);
    assert_int_equal(ketsim_stats_ttest_pooled(xa, 6, ya, 5, LEVEL, &t, &err),
                     KETSIM_OK);
    check_ttest(&t, 2.7333333333333307, 2.904791510594571, 9.0,
                0.01745864472530553, 0.6047022230580672, 4.861964443608594);
}

static void test_ttests_reject(void **state)
{
    (void)state;
    ketsim_error err;
    ketsim_error_clear(&err);
    ketsim_stats_ttest t;
    const double same[3] = {2.0, 2.0, 2.0};
    assert_int_equal(ketsim_stats_ttest_welch(same, 3, same, 3, LEVEL, &t,
                                              &err),
                     KETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "variability"));
    assert_int_equal(ketsim_stats_ttest_welch(xa, 1, ya, 5, LEVEL, &t, &err),
                     KETSIM_EINPUT);
    assert_int_equal(ketsim_stats_ttest_welch(xa, 6, ya, 5, 1.0, &t, &err),
                     KETSIM_EINPUT);
    assert_int_equal(ketsim_stats_ttest_one(xa, 6, NAN, LEVEL, &t, &err),
                     KETSIM_EINPUT);
    /* Pooled allows a single value in one group. */
    assert_int_equal(ketsim_stats_ttest_pooled(xa, 1, ya, 5, LEVEL, &t, &err),
                     KETSIM_OK);
}

static void test_effect_sizes(void **state)
{
    (void)state;
    ketsim_error err;
    ketsim_error_clear(&err);
    double v;
    assert_int_equal(ketsim_stats_cohen_d(xa, 6, ya, 5, &v, &err), KETSIM_OK);
    close_to(v, 1.7589386091262085, 1e-12);
    assert_int_equal(ketsim_stats_hedges_g(xa, 6, ya, 5, &v, &err),
                     KETSIM_OK);
    close_to(v, 1.6074498310849565, 1e-12); /* J(9) = 0.913875 */
    assert_int_equal(ketsim_stats_cohen_dz(sleep2, sleep1, 10, &v, &err),
                     KETSIM_OK);
    close_to(v, 1.2845575625910546, 1e-12);
}

static void test_wilson(void **state)
{
    (void)state;
    ketsim_error err;
    ketsim_error_clear(&err);
    ketsim_stats_interval ci;
    assert_int_equal(ketsim_stats_wilson(8, 10, LEVEL, &ci, &err), KETSIM_OK);
    close_to(ci.estimate, 0.8, 0);
    close_to(ci.lo, 0.49016247153664183, 1e-12);
    close_to(ci.hi, 0.9433178485456247, 1e-12);
    assert_int_equal(ketsim_stats_wilson(0, 10, LEVEL, &ci, &err), KETSIM_OK);
    close_to(ci.lo, 0.0, 0);
    close_to(ci.hi, 0.27753279986288915, 1e-12);
    assert_int_equal(ketsim_stats_wilson(10, 10, LEVEL, &ci, &err),
                     KETSIM_OK);
    close_to(ci.lo, 0.7224672001371109, 1e-12);
    close_to(ci.hi, 1.0, 0);
    assert_int_equal(ketsim_stats_wilson(37, 120, LEVEL, &ci, &err),
                     KETSIM_OK);
    close_to(ci.lo, 0.23272736988916304, 1e-12);
    close_to(ci.hi, 0.3958299772380068, 1e-12);
    assert_int_equal(ketsim_stats_wilson(11, 10, LEVEL, &ci, &err),
                     KETSIM_EINPUT);
    assert_int_equal(ketsim_stats_wilson(0, 0, LEVEL, &ci, &err),
                     KETSIM_EINPUT);
}

static void test_power(void **state)
{
    (void)state;
    ketsim_error err;
    ketsim_error_clear(&err);
    const double p[10] = {0.001, 0.2, 0.03, 0.049, 0.05,
                          0.6,   0.01, 0.04, 0.3,  0.002};
    ketsim_stats_interval pw;
    assert_int_equal(ketsim_stats_power(p, 10, 0.05, &pw, &err), KETSIM_OK);
    close_to(pw.estimate, 0.6, 0); /* 0.05 itself is not below alpha */
    ketsim_stats_interval w;
    assert_int_equal(ketsim_stats_wilson(6, 10, LEVEL, &w, &err), KETSIM_OK);
    close_to(pw.lo, w.lo, 0);
    close_to(pw.hi, w.hi, 0);
    assert_int_equal(ketsim_stats_power(p, 10, 0.0, &pw, &err),
                     KETSIM_EINPUT);
}

/* 9 subjects, one censored at 7: S = 6/9, then x4/5, x3/4, x2/3, x1/2, x0. */
static const double km_t[9] = {6, 6, 6, 7, 10, 13, 16, 22, 23};
static const int km_e[9] = {1, 1, 1, 0, 1, 1, 1, 1, 1};

static void test_km_hand_example(void **state)
{
    (void)state;
    ketsim_error err;
    ketsim_error_clear(&err);
    ketsim_stats_km *km = NULL;
    assert_int_equal(ketsim_stats_km_fit(km_t, km_e, 9, LEVEL, &km, &err),
                     KETSIM_OK);
    const double t[6] = {6, 10, 13, 16, 22, 23};
    const size_t nr[6] = {9, 5, 4, 3, 2, 1};
    const double s[6] = {6.0 / 9, 6.0 / 9 * 4 / 5, 6.0 / 9 * 3 / 5,
                         6.0 / 9 * 2 / 5, 6.0 / 9 / 5, 0.0};
    const double se[6] = {0.15713484026367724, 0.17327634390771496,
                          0.17384539747207067, 0.15900927839998508,
                          0.12332832822676988, 0.0};
    const double lo[6] = {0.28168224222165084, 0.17709138747003997,
                          0.09812360860222018, 0.040760849861431324,
                          0.007051013758177071, 0.0};
    const double hi[6] = {0.8783067576313746, 0.7959125182915082,
                          0.6965236000377111, 0.5792947498997596,
                          0.44069170970934396, 0.0};
    assert_int_equal(km->n_steps, 6);
    for (int i = 0; i < 6; i++) {
        close_to(km->time[i], t[i], 0);
        assert_int_equal(km->n_risk[i], nr[i]);
        assert_int_equal(km->n_event[i], i == 0 ? 3 : 1);
        close_to(km->surv[i], s[i], 1e-12);
        close_to(km->se[i], se[i], 1e-12);
        close_to(km->lower[i], lo[i], 1e-12);
        close_to(km->upper[i], hi[i], 1e-12);
    }
    assert_true(km->median_reached);
    close_to(km->median, 13.0, 0);
    close_to(km->median_lo, 6.0, 0);
    close_to(km->median_hi, 22.0, 0);
    close_to(ketsim_stats_km_surv_at(km, 5.9), 1.0, 0);
    close_to(ketsim_stats_km_surv_at(km, 6.0), 6.0 / 9, 1e-15);
    close_to(ketsim_stats_km_surv_at(km, 12.0), 6.0 / 9 * 4 / 5, 1e-15);
    ketsim_stats_km_free(km);
}

/* Gehan (1965) leukemia remission times, 6-MP arm (+ = censored) and
 * placebo arm (no censoring).  Median 23 for 6-MP; the log-log limits (13 and
 * not reached) were worked by hand formulas (the plain log band would give
 * 16, R's default output for these data). */
static const double g6_t[21] = {6,  6,  6,  6,  7,  9,  10, 10, 11, 13, 16,
                                17, 19, 20, 22, 23, 25, 32, 32, 34, 35};
static const int g6_e[21] = {1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1,
                             0, 0, 0, 1, 1, 0, 0, 0, 0, 0};
static const double gp_t[21] = {1, 1, 2, 2, 3,  4,  4,  5,  5,  8, 8,
                                8, 8, 11, 11, 12, 12, 15, 17, 22, 23};

static void test_km_gehan(void **state)
{
    (void)state;
    ketsim_error err;
    ketsim_error_clear(&err);
    ketsim_stats_km *km = NULL;
    assert_int_equal(ketsim_stats_km_fit(g6_t, g6_e, 21, LEVEL, &km, &err),
                     KETSIM_OK);
    assert_int_equal(km->n_steps, 7);
    assert_int_equal(km->n_risk[0], 21); /* censored at 6 still at risk */
    close_to(km->surv[6], 0.44817927170868355, 1e-12);
    close_to(km->median, 23.0, 0);
    close_to(km->median_lo, 13.0, 0);
    assert_true(isnan(km->median_hi));
    ketsim_stats_km_free(km);

    int e1[21];
    for (int i = 0; i < 21; i++)
        e1[i] = 1;
    assert_int_equal(ketsim_stats_km_fit(gp_t, e1, 21, LEVEL, &km, &err),
                     KETSIM_OK);
    close_to(km->median, 8.0, 0);
    close_to(km->median_lo, 4.0, 0);
    close_to(km->median_hi, 11.0, 0);
    ketsim_stats_km_free(km);
}

/* Quartiles with their intervals, and S(t) with its band, on the Gehan data,
 * against R 4 (survival 3.5):
 *   f <- survfit(Surv(t, e) ~ 1, conf.type = "log-log")
 *   quantile(f, probs = c(0.25, 0.5, 0.75)); summary(f, times = c(10, 15, 20)) */
static void test_km_quartiles_gehan(void **state)
{
    (void)state;
    ketsim_error err;
    ketsim_error_clear(&err);
    ketsim_stats_km *km = NULL;
    ketsim_stats_interval q;
    assert_int_equal(ketsim_stats_km_fit(g6_t, g6_e, 21, LEVEL, &km, &err),
                     KETSIM_OK);
    /* 6-MP: 25% 13 [6, 22]; 50% 23 [13, NA]; 75% NA [23, NA] */
    assert_int_equal(ketsim_stats_km_quantile(km, 0.25, &q, &err), KETSIM_OK);
    close_to(q.estimate, 13, 0);
    close_to(q.lo, 6, 0);
    close_to(q.hi, 22, 0);
    assert_int_equal(ketsim_stats_km_quantile(km, 0.5, &q, &err), KETSIM_OK);
    close_to(q.estimate, km->median, 0);
    close_to(q.lo, km->median_lo, 0);
    assert_true(isnan(q.hi) && isnan(km->median_hi));
    assert_int_equal(ketsim_stats_km_quantile(km, 0.75, &q, &err), KETSIM_OK);
    assert_true(isnan(q.estimate) && isnan(q.hi));
    close_to(q.lo, 23, 0);
    /* S(10) 0.7529412 [0.5031995, 0.8893618], S(15), S(20) */
    const double at[3] = {10, 15, 20};
    const double s[3] = {0.7529411764705882, 0.6901960784313725, 0.6274509803921569};
    const double lo[3] = {0.5031995, 0.4316102, 0.3675109};
    const double hi[3] = {0.8893618, 0.8490660, 0.8049122};
    for (int i = 0; i < 3; i++) {
        ketsim_stats_km_band_at(km, at[i], &q);
        close_to(q.estimate, s[i], 1e-12);
        close_to(q.lo, lo[i], 5e-8);
        close_to(q.hi, hi[i], 5e-8);
    }
    /* before the first event: S = 1, no log-log interval (R: NA); past the
     * last time (35): unknown */
    ketsim_stats_km_band_at(km, 5, &q);
    close_to(q.estimate, 1, 0);
    assert_true(isnan(q.lo) && isnan(q.hi));
    ketsim_stats_km_band_at(km, 35, &q);
    assert_true(isfinite(q.estimate));
    ketsim_stats_km_band_at(km, 36, &q);
    assert_true(isnan(q.estimate) && isnan(q.lo) && isnan(q.hi));
    ketsim_stats_km_band_at(km, NAN, &q);
    assert_true(isnan(q.estimate));
    assert_int_equal(ketsim_stats_km_quantile(km, 0, &q, &err), KETSIM_EINPUT);
    assert_int_equal(ketsim_stats_km_quantile(km, 1, &q, &err), KETSIM_EINPUT);
    ketsim_stats_km_free(km);

    /* placebo arm, no censoring: 25% 4 [1, 5]; 50% 8 [4, 11]; 75% 12 [8, 22];
     * S(10) 0.3809524 [0.18306655, 0.5777887], S(15) 0.1428571 [0.03565736,
     * 0.3211616] */
    int e1[21];
    for (int i = 0; i < 21; i++)
        e1[i] = 1;
    assert_int_equal(ketsim_stats_km_fit(gp_t, e1, 21, LEVEL, &km, &err),
                     KETSIM_OK);
    const double qq[3][4] = {{0.25, 4, 1, 5}, {0.5, 8, 4, 11}, {0.75, 12, 8, 22}};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(ketsim_stats_km_quantile(km, qq[i][0], &q, &err), KETSIM_OK);
        close_to(q.estimate, qq[i][1], 0);
        close_to(q.lo, qq[i][2], 0);
        close_to(q.hi, qq[i][3], 0);
    }
    ketsim_stats_km_band_at(km, 10, &q);
    close_to(q.estimate, 8.0 / 21, 1e-12);
    close_to(q.lo, 0.18306655, 5e-9);
    close_to(q.hi, 0.5777887, 5e-8);
    ketsim_stats_km_band_at(km, 15, &q);
    close_to(q.estimate, 3.0 / 21, 1e-12);
    close_to(q.lo, 0.03565736, 5e-9);
    close_to(q.hi, 0.3211616, 5e-8);
    ketsim_stats_km_band_at(km, 23, &q); /* everyone has had the event */
    close_to(q.estimate, 0, 0);
    assert_true(isnan(q.lo) && isnan(q.hi));
    ketsim_stats_km_band_at(km, 40, &q); /* and S stays 0 past the last time */
    close_to(q.estimate, 0, 0);
    ketsim_stats_km_free(km);
}

/* A 2x2 table with 16 of 17 outcome-positives test-positive and 5 of 7
 * outcome-negatives test-negative (Murrough 2013's 94% and 71% as counts).
 * Wilson intervals from R: prop.test(k, n, correct = FALSE)$conf.int. */
static void test_diagnostic_2x2(void **state)
{
    (void)state;
    ketsim_error err;
    ketsim_error_clear(&err);
    ketsim_stats_diagnostic d;
    assert_int_equal(ketsim_stats_diagnostic_2x2(16, 2, 1, 5, LEVEL, &d, &err), KETSIM_OK);
    assert_int_equal(d.tp + d.fp + d.fn + d.tn, 24);
    close_to(d.sensitivity.estimate, 16.0 / 17, 1e-15);
    close_to(d.sensitivity.lo, 0.730179693624246, 1e-12);
    close_to(d.sensitivity.hi, 0.989539599015002, 1e-12);
    close_to(d.specificity.estimate, 5.0 / 7, 1e-15);
    close_to(d.specificity.lo, 0.358934451832619, 1e-12);
    close_to(d.specificity.hi, 0.917781075995943, 1e-12);
    close_to(d.ppv.estimate, 16.0 / 18, 1e-15);
    close_to(d.ppv.lo, 0.672002348698212, 1e-12);
    close_to(d.ppv.hi, 0.968980477354388, 1e-12);
    close_to(d.npv.estimate, 5.0 / 6, 1e-15);
    close_to(d.npv.lo, 0.43649717781353, 1e-12);
    close_to(d.npv.hi, 0.969946630251693, 1e-12);
    /* nobody tested negative: NPV undefined, the rest defined */
    assert_int_equal(ketsim_stats_diagnostic_2x2(10, 4, 0, 0, LEVEL, &d, &err), KETSIM_OK);
    assert_true(isnan(d.npv.estimate) && isnan(d.npv.lo) && isnan(d.npv.hi));
    assert_true(isnan(d.specificity.estimate) == 0);
    close_to(d.specificity.estimate, 0, 0);
    close_to(d.sensitivity.estimate, 1, 0);
    close_to(d.sensitivity.hi, 1, 0);
    assert_int_equal(ketsim_stats_diagnostic_2x2(1, 1, 1, 1, 1.5, &d, &err), KETSIM_EINPUT);
}

static void test_km_edge_cases(void **state)
{
    (void)state;
    ketsim_error err;
    ketsim_error_clear(&err);
    ketsim_stats_km *km = NULL;
    /* All censored: no steps, median not reached. */
    const double t[3] = {1, 2, 3};
    const int none[3] = {0, 0, 0};
    assert_int_equal(ketsim_stats_km_fit(t, none, 3, LEVEL, &km, &err),
                     KETSIM_OK);
    assert_int_equal(km->n_steps, 0);
    assert_false(km->median_reached);
    assert_true(isnan(km->median) && isnan(km->median_lo));
    close_to(ketsim_stats_km_surv_at(km, 10.0), 1.0, 0);
    ketsim_stats_km_free(km);
    /* S = 0.5 exactly after a product of fractions. */
    const double t10[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    const int e10[10] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    assert_int_equal(ketsim_stats_km_fit(t10, e10, 10, LEVEL, &km, &err),
                     KETSIM_OK);
    close_to(km->median, 5.0, 0);
    ketsim_stats_km_free(km);
    ketsim_stats_km_free(NULL);

    const int bad[3] = {0, 2, 1};
    assert_int_equal(ketsim_stats_km_fit(t, bad, 3, LEVEL, &km, &err),
                     KETSIM_EINPUT);
    const double neg[3] = {1, -2, 3};
    assert_int_equal(ketsim_stats_km_fit(neg, none, 3, LEVEL, &km, &err),
                     KETSIM_EINPUT);
}

static void test_logrank(void **state)
{
    (void)state;
    ketsim_error err;
    ketsim_error_clear(&err);
    double t[42];
    int e[42], g[42];
    for (int i = 0; i < 21; i++) {
        t[i] = g6_t[i];
        e[i] = g6_e[i];
        g[i] = 0;
        t[21 + i] = gp_t[i];
        e[21 + i] = 1;
        g[21 + i] = 1;
    }
    /* R: survdiff gives chisq 16.8 on 1 df, p = 4e-05. */
    ketsim_stats_logrank_result lr;
    assert_int_equal(ketsim_stats_logrank(t, e, g, 42, &lr, &err), KETSIM_OK);
    close_to(lr.observed[0], 9.0, 0);
    close_to(lr.observed[1], 21.0, 0);
    close_to(lr.expected[0], 19.25050094803113, 1e-10);
    close_to(lr.expected[0] + lr.expected[1], 30.0, 1e-10);
    close_to(lr.variance, 6.2569605736755, 1e-10);
    close_to(lr.chisq, 16.79294098921654, 1e-9);
    close_to(lr.p, 4.1688091093345274e-05, 1e-12);

    /* A small case with ties across groups and censoring. */
    const double ts[16] = {6, 6, 6, 7, 10, 13, 16, 22, 23,
                           1, 3, 4, 7, 8,  9,  12};
    const int es[16] = {1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 0, 1};
    const int gs[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1};
    assert_int_equal(ketsim_stats_logrank(ts, es, gs, 16, &lr, &err),
                     KETSIM_OK);
    close_to(lr.expected[0], 10.09775641025641, 1e-10);
    close_to(lr.variance, 1.7919020175871136, 1e-10);
    close_to(lr.chisq, 2.455816173865057, 1e-9);
    close_to(lr.p, 0.11709029289574505, 1e-9);

    int one_group[16];
    memset(one_group, 0, sizeof one_group);
    assert_int_equal(ketsim_stats_logrank(ts, es, one_group, 16, &lr, &err),
                     KETSIM_EINPUT);
}

static const double ga[5] = {4.2, 4.8, 5.1, 3.9, 4.5};
static const double gb[4] = {5.6, 6.1, 5.9, 6.4};
static const double gc[6] = {4.9, 5.3, 5.0, 5.8, 5.5, 5.2};

static void test_anova(void **state)
{
    (void)state;
    ketsim_error err;
    ketsim_error_clear(&err);
    const double *groups[3] = {ga, gb, gc};
    const size_t sizes[3] = {5, 4, 6};
    ketsim_stats_anova a;
    assert_int_equal(ketsim_stats_anova1(groups, sizes, 3, &a, &err),
                     KETSIM_OK);
    close_to(a.ss_between, 5.049, 1e-12);
    close_to(a.ss_within, 1.7883333333333327, 1e-12);
    close_to(a.df_between, 2.0, 0);
    close_to(a.df_within, 12.0, 0);
    close_to(a.f, 16.939794967381182, 1e-9);
    close_to(a.p, 0.00032016238814486204, 1e-11);
    assert_int_equal(ketsim_stats_anova1(groups, sizes, 1, &a, &err),
                     KETSIM_EINPUT);
}

static void test_holm(void **state)
{
    (void)state;
    ketsim_error err;
    ketsim_error_clear(&err);
    double p[4] = {0.01, 0.04, 0.03, 0.005};
    const double want[4] = {0.03, 0.06, 0.06, 0.02};
    assert_int_equal(ketsim_stats_holm(p, 4, p, &err), KETSIM_OK);
    for (int i = 0; i < 4; i++)
        close_to(p[i], want[i], 1e-15);
    double big[2] = {0.6, 0.7}, adj[2];
    assert_int_equal(ketsim_stats_holm(big, 2, adj, &err), KETSIM_OK);
    close_to(adj[0], 1.0, 0);
    close_to(adj[1], 1.0, 0);
    big[0] = 1.5;
    assert_int_equal(ketsim_stats_holm(big, 2, adj, &err), KETSIM_EINPUT);
}

static void test_vs_control(void **state)
{
    (void)state;
    ketsim_error err;
    ketsim_error_clear(&err);
    const double *groups[3] = {ga, gb, gc};
    const size_t sizes[3] = {5, 4, 6};
    ketsim_stats_vs_control_result r[2];
    assert_int_equal(ketsim_stats_vs_control(groups, sizes, 3, 0,
                                             KETSIM_STATS_VS_CONTROL_WELCH,
                                             LEVEL, r, &err),
                     KETSIM_OK);
    assert_int_equal(r[0].group, 1);
    assert_int_equal(r[1].group, 2);
    check_ttest(&r[0].test, 1.5, 5.539117094069972, 6.9494466048459484,
                0.0008916346627010078, 0.8587112247137446,
                2.1412887752862555);
    check_ttest(&r[1].test, 0.7833333333333332, 3.114017135740536,
                6.987120381401299, 0.017025390511722294, 0.18828799477938418,
                1.3783786718872824);
    close_to(r[0].p_holm, 2 * 0.0008916346627010078, 1e-9);
    close_to(r[1].p_holm, 0.017025390511722294, 1e-9);

    assert_int_equal(ketsim_stats_vs_control(groups, sizes, 3, 0,
                                             KETSIM_STATS_VS_CONTROL_POOLED,
                                             LEVEL, r, &err),
                     KETSIM_OK);
    check_ttest(&r[0].test, 1.5, 5.7923045648068126, 12.0,
                8.575837689927787e-05, 0.9357652972258992, 2.064234702774101);
    check_ttest(&r[1].test, 0.7833333333333332, 3.3510220039157876, 12.0,
                0.005769223015657862, 0.2740150672705386, 1.2926515993961278);
    close_to(r[0].p_holm, 2 * 8.575837689927787e-05, 1e-10);
    close_to(r[1].p_holm, 0.005769223015657862, 1e-10);

    /* Control in the middle: outputs skip it and keep index order. */
    assert_int_equal(ketsim_stats_vs_control(groups, sizes, 3, 1,
                                             KETSIM_STATS_VS_CONTROL_WELCH,
                                             LEVEL, r, &err),
                     KETSIM_OK);
    assert_int_equal(r[0].group, 0);
    assert_int_equal(r[1].group, 2);
    close_to(r[0].test.estimate, -1.5, 1e-12);
    assert_int_equal(ketsim_stats_vs_control(groups, sizes, 3, 3,
                                             KETSIM_STATS_VS_CONTROL_WELCH,
                                             LEVEL, r, &err),
                     KETSIM_EINPUT);
}

static void test_linreg(void **state)
{
    (void)state;
    ketsim_error err;
    ketsim_error_clear(&err);
    const double x[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    const double y[8] = {2.3, 2.9, 4.2, 4.1, 5.8, 6.1, 6.9, 8.2};
    ketsim_stats_linreg_result f;
    assert_int_equal(ketsim_stats_linreg(x, y, 8, &f, &err), KETSIM_OK);
    close_to(f.intercept, 1.3821428571428576, 1e-12);
    close_to(f.slope, 0.8178571428571427, 1e-12);
    close_to(f.se_intercept, 0.2709229312809781, 1e-12);
    close_to(f.se_slope, 0.05365073494877977, 1e-12);
    close_to(f.r, 0.9873349859951926, 1e-12);
    close_to(f.t, 15.244099519567607, 1e-9);
    close_to(f.df, 6.0, 0);
    close_to(f.p, 5.030632642116326e-06, 1e-12);

    const double x2[6] = {1, 2, 3, 4, 5, 6};
    const double y2[6] = {3.1, 1.2, 4.4, 2.0, 3.3, 2.5};
    double r, p;
    assert_int_equal(ketsim_stats_pearson(x2, y2, 6, &r, &p, &err),
                     KETSIM_OK);
    close_to(r, 0.04328874632194931, 1e-12);
    close_to(p, 0.9351074402446878, 1e-9);

    /* A perfect line: t infinite, p 0. */
    const double y3[6] = {1, 3, 5, 7, 9, 11};
    assert_int_equal(ketsim_stats_linreg(x2, y3, 6, &f, &err), KETSIM_OK);
    close_to(f.slope, 2.0, 1e-12);
    assert_true(f.p < 1e-12);
    const double flat[6] = {2, 2, 2, 2, 2, 2};
    assert_int_equal(ketsim_stats_pearson(x2, flat, 6, &r, &p, &err),
                     KETSIM_EINPUT);
    assert_int_equal(ketsim_stats_pearson(x2, y2, 2, &r, &p, &err),
                     KETSIM_EINPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_descriptive),
        cmocka_unit_test(test_descriptive_rejects),
        cmocka_unit_test(test_ttests_sleep),
        cmocka_unit_test(test_ttests_unequal_n),
        cmocka_unit_test(test_ttests_reject),
        cmocka_unit_test(test_effect_sizes),
        cmocka_unit_test(test_wilson),
        cmocka_unit_test(test_power),
        cmocka_unit_test(test_km_hand_example),
        cmocka_unit_test(test_km_gehan),
        cmocka_unit_test(test_km_quartiles_gehan),
        cmocka_unit_test(test_km_edge_cases),
        cmocka_unit_test(test_diagnostic_2x2),
        cmocka_unit_test(test_logrank),
        cmocka_unit_test(test_anova),
        cmocka_unit_test(test_holm),
        cmocka_unit_test(test_vs_control),
        cmocka_unit_test(test_linreg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
