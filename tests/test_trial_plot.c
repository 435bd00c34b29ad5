/* What the trial's MADRS figure draws (src/report/trial_plot_impl.h), on
 * hand-made ratings: the arm mean, the 95% t interval of the mean where an
 * arm has two or more ratings, none with one rating or over replicates
 * (where the band is the spread of the arm means), and the figure drawn in
 * both cases. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ketsim/plot_results.h"
#include "ketsim/trial.h"
#include "report/trial_plot_impl.h"
#include "hand_trial.h"

/* Six patients, arms alternating.  At 2 h placebo has one rating (25) and
 * ketamine two (20, 24); at 1 d placebo 10, 12, 14 and ketamine 20, 22, 30.
 * The intervals are mean +- t(0.975, n - 1) SD / sqrt(n) by hand:
 * t = 12.7062 (1 df), 4.30265 (2 df). */
static ketsim_trial_subject_result *hand_ratings(const ketsim_trial_scenario *sc, size_t copies)
{
    static const int at2h[6] = {25, 20, -1, 24, -1, -1}, at1d[6] = {10, 20, 12, 22, 14, 30};
    ketsim_trial_subject_result *s = ketsim_trial_subjects_alloc(sc, 6 * copies, 0);
    assert_non_null(s);
    for (size_t i = 0; i < 6 * copies; i++) {
        s[i].assign = (int)(i % 2);
        s[i].dropout_index = -1;
        s[i].base_rated[0] = 30;
        s[i].madrs_rated[0][0] = at2h[i % 6];
        s[i].madrs_rated[0][1] = at1d[i % 6];
    }
    return s;
}

static void test_interval_of_the_mean(void **state)
{
    (void)state;
    ketsim_trial_scenario sc = hand_trial_scenario(KETSIM_TRIAL_PARALLEL, 6);
    ketsim_trial_subject_result *s = hand_ratings(&sc, 1);
    trial_plot_ctx c = {.sc = &sc, .subj = s, .replicates = 1};
    ketsim_error err;
    assert_int_equal(trial_plot_summarise(&c, &err), KETSIM_OK);
    /* baseline: every rating 30, so the interval is the point */
    hand_close_to(c.mean[0][0], 30, 1e-12);
    hand_close_to(c.ci_lo[0][0], 30, 1e-12);
    hand_close_to(c.ci_hi[1][0], 30, 1e-12);
    /* 2 h: placebo has one rating, no interval; ketamine 22 +- 12.7062 x 2 */
    hand_close_to(c.mean[0][1], 25, 1e-12);
    assert_true(isnan(c.ci_lo[0][1]) && isnan(c.ci_hi[0][1]));
    hand_close_to(c.mean[1][1], 22, 1e-12);
    hand_close_to(c.ci_lo[1][1], 22 - 12.7062047 * 2, 1e-5);
    hand_close_to(c.ci_hi[1][1], 22 + 12.7062047 * 2, 1e-5);
    /* 1 d: 12 +- 4.30265 x 2 / sqrt(3); 24 +- 4.30265 x sqrt(28) / sqrt(3) */
    hand_close_to(c.ci_lo[0][2], 12 - 4.30265273 * 2 / sqrt(3), 1e-6);
    hand_close_to(c.ci_hi[0][2], 12 + 4.30265273 * 2 / sqrt(3), 1e-6);
    hand_close_to(c.mean[1][2], 24, 1e-12);
    hand_close_to(c.ci_lo[1][2], 24 - 4.30265273 * sqrt(28.0 / 3), 1e-6);
    hand_close_to(c.ci_hi[1][2], 24 + 4.30265273 * sqrt(28.0 / 3), 1e-6);
    /* the band stays the patients' 5th-95th percentile, wider than the
     * interval of the mean's centre */
    assert_true(c.lo[1][2] >= 20 && c.hi[1][2] <= 30 && c.lo[1][2] < c.hi[1][2]);
    ketsim_trial_subjects_free(s);
}

static void test_replicates_have_no_interval(void **state)
{
    (void)state;
    ketsim_trial_scenario sc = hand_trial_scenario(KETSIM_TRIAL_PARALLEL, 6);
    ketsim_trial_subject_result *s = hand_ratings(&sc, 2);
    trial_plot_ctx c = {.sc = &sc, .subj = s, .replicates = 2};
    ketsim_error err;
    assert_int_equal(trial_plot_summarise(&c, &err), KETSIM_OK);
    hand_close_to(c.mean[1][2], 24, 1e-12); /* both replicates' arm mean */
    for (size_t a = 0; a < 2; a++)
        for (size_t j = 0; j < 3; j++)
            assert_true(isnan(c.ci_lo[a][j]) && isnan(c.ci_hi[a][j]));
    ketsim_trial_subjects_free(s);
}

/* The figure is drawn with intervals, with an arm's missing interval, and
 * without intervals (replicates). */
static void test_figure_drawn(void **state)
{
    (void)state;
    char dir[] = "/tmp/ketsim-trial-plot-XXXXXX";
    assert_non_null(mkdtemp(dir));
    ketsim_trial_scenario sc = hand_trial_scenario(KETSIM_TRIAL_PARALLEL, 6);
    ketsim_trial_defs d = {.response_fraction = 0.5, .remission_max = 10, .relapse_fraction = 0.5, .alpha = 0.05,
                           .relapse_consecutive = 2, .relapse_madrs_min = 22};
    ketsim_error err;
    char path[256];
    for (int r = 1; r <= 2; r++) {
        ketsim_trial_subject_result *s = hand_ratings(&sc, (size_t)r);
        assert_int_equal(ketsim_plot_trial(&sc, &d, s, r, NULL, dir, &err), KETSIM_OK);
        snprintf(path, sizeof path, "%s/hand_madrs.png", dir);
        assert_int_equal(access(path, R_OK), 0);
        assert_int_equal(unlink(path), 0);
        snprintf(path, sizeof path, "%s/hand_madrs.svg", dir);
        assert_int_equal(unlink(path), 0);
        ketsim_trial_subjects_free(s);
    }
    assert_int_equal(rmdir(dir), 0);
}

/* The first panel covers the ratings of the first hours of a trial rated
 * over days, rounded up with 15% room; none for a trial rated in hours or
 * one with no rating within the first day. */
static void test_first_hours(void **state)
{
    (void)state;
    ketsim_trial_scenario sc = hand_trial_scenario(KETSIM_TRIAL_PARALLEL, 6);
    trial_plot_ctx c = {.sc = &sc, .scale = 1};
    hand_close_to(trial_plot_first_hours(&c), 0, 0);
    sc.n_visits = 3;
    sc.visit_h[0] = 4, sc.visit_h[1] = 2, sc.visit_h[2] = 168;
    c.scale = 24;
    hand_close_to(trial_plot_first_hours(&c), 5, 0); /* ceil(1.15 x 4) */
    sc.visit_h[0] = 24, sc.visit_h[1] = 48;
    hand_close_to(trial_plot_first_hours(&c), 0, 0);
}

/* Sessions: each arm's own starts or the course, each length once. */
static void test_sessions(void **state)
{
    (void)state;
    ketsim_trial_scenario sc = hand_trial_scenario(KETSIM_TRIAL_PARALLEL, 6);
    sc.n_doses = 2, sc.dose_h[0] = 0, sc.dose_h[1] = 48;
    sc.arms[0].session_h = sc.arms[1].session_h = 0.6;
    sc.arms[1].n_doses = 2, sc.arms[1].dose_h[0] = 0, sc.arms[1].dose_h[1] = 72;
    double x0[8], x1[8];
    assert_int_equal(trial_plot_sessions(&sc, 24, x0, x1, 8), 3);
    hand_close_to(x0[0], 0, 0), hand_close_to(x1[0], 0.025, 1e-15);
    hand_close_to(x0[1], 2, 0), hand_close_to(x0[2], 3, 0);
    assert_int_equal(trial_plot_sessions(&sc, 24, x0, x1, 2), 2); /* no more than asked */
}

/* Numbers at risk: followed at least until t; steps 1, 2 or 5 x 10^k. */
static void test_at_risk(void **state)
{
    (void)state;
    const double tt[] = {3, 10, 10, 20, 31};
    assert_int_equal(trial_plot_at_risk(tt, 5, 0), 5);
    assert_int_equal(trial_plot_at_risk(tt, 5, 10), 4);
    assert_int_equal(trial_plot_at_risk(tt, 5, 11), 2);
    assert_int_equal(trial_plot_at_risk(tt, 5, 40), 0);
    hand_close_to(trial_plot_risk_step(83), 20, 1e-12);
    hand_close_to(trial_plot_risk_step(60), 10, 1e-12);
    hand_close_to(trial_plot_risk_step(7), 2, 1e-12);
    hand_close_to(trial_plot_risk_step(28), 5, 1e-12);
    hand_close_to(trial_plot_risk_step(0.9), 0.2, 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interval_of_the_mean),
        cmocka_unit_test(test_replicates_have_no_interval),
        cmocka_unit_test(test_figure_drawn),
        cmocka_unit_test(test_first_hours),
        cmocka_unit_test(test_sessions),
        cmocka_unit_test(test_at_risk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
