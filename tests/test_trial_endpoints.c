/* Endpoints on hand-made subject data: change, response, remission, paired
 * and Welch tests, onset/peak/duration, relapse by Kaplan-Meier (both rules,
 * quartiles, fraction relapsed by a time), sessions to the first response,
 * the early visit as a test of the primary one. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ketsim/stats.h"
#include "ketsim/trial.h"
#include "hand_trial.h"

static const ketsim_trial_defs defs = {.response_fraction = 0.5, .remission_max = 10, .relapse_fraction = 0.5,
                                .alpha = 0.05, .relapse_consecutive = 2, .relapse_madrs_min = 22};

static void test_crossover_endpoints(void **state)
{
    (void)state;
    ketsim_trial_scenario sc = hand_trial_scenario(KETSIM_TRIAL_CROSSOVER, 4);
    ketsim_trial_subject_result *s = ketsim_trial_subjects_alloc(&sc, 4, 0);
    assert_non_null(s);
    /* sequences 0,1,0,1; baseline 30 every period.  Ketamine ratings at 1d:
     * 10, 12, 20, 16 (changes 20, 18, 10, 14); placebo: 28, 27, 29, 26
     * (changes 2, 3, 1, 4).  At 2h both arms equal (no difference). */
    const int ket1d[4] = {10, 12, 20, 16}, pbo1d[4] = {28, 27, 29, 26};
    for (int i = 0; i < 4; i++) {
        s[i].assign = i % 2;
        s[i].dropout_index = -1;
        int kp = s[i].assign == 0 ? 1 : 0; /* sequence 0: placebo first */
        s[i].base_rated[0] = s[i].base_rated[1] = 30;
        s[i].madrs_rated[kp][0] = 25 + i;
        s[i].madrs_rated[1 - kp][0] = 25 + i;
        s[i].madrs_rated[kp][1] = ket1d[i];
        s[i].madrs_rated[1 - kp][1] = pbo1d[i];
        s[i].cadss_peak[kp] = 8;
        s[i].sbp_peak[kp] = 10 + i; /* 10, 11, 12, 13: mean 11.5 */
        s[i].dbp_peak[kp] = 6;
        s[i].hr_peak[kp] = 2 * i; /* 0, 2, 4, 6: mean 3 */
    }
    ketsim_trial_metrics m = {0};
    ketsim_error err;
    ketsim_error_clear(&err);
    assert_int_equal(ketsim_trial_endpoints(&sc, &defs, s, &m, &err), KETSIM_OK);
    hand_close_to(ketsim_trial_metric(&m, "ket@1d.change_mean"), 15.5, 1e-12);
    hand_close_to(ketsim_trial_metric(&m, "pbo@1d.change_mean"), 2.5, 1e-12);
    hand_close_to(ketsim_trial_metric(&m, "ket@1d.response"), 0.5, 1e-12);  /* 10 and 12 <= 15 */
    hand_close_to(ketsim_trial_metric(&m, "ket@1d.remission"), 0.25, 1e-12);/* 10 */
    hand_close_to(ketsim_trial_metric(&m, "ket@1d.n"), 4, 0);
    hand_close_to(ketsim_trial_metric(&m, "ket.cadss_peak_mean"), 8, 1e-12);
    hand_close_to(ketsim_trial_metric(&m, "pbo.cadss_peak_mean"), 0, 1e-12);
    hand_close_to(ketsim_trial_metric(&m, "ket.sbp_peak_mean"), 11.5, 1e-12);
    hand_close_to(ketsim_trial_metric(&m, "ket.dbp_peak_mean"), 6, 1e-12);
    hand_close_to(ketsim_trial_metric(&m, "ket.hr_peak_mean"), 3, 1e-12);
    hand_close_to(ketsim_trial_metric(&m, "pbo.dbp_peak_mean"), 0, 1e-12);
    hand_close_to(ketsim_trial_metric(&m, "pbo.hr_peak_mean"), 0, 1e-12);
    /* paired differences 18, 15, 9, 10: mean 13, sd sqrt(18), t = 13/(sqrt(18)/2) */
    hand_close_to(ketsim_trial_metric(&m, "ket_vs_pbo@1d.diff"), 13, 1e-12);
    double t = 13 / (sqrt(18.0) / 2);
    assert_true(t > 3.182); /* t(3) 97.5% point: significant */
    assert_true(ketsim_trial_metric(&m, "ket_vs_pbo@1d.p") < 0.05);
    assert_true(isnan(ketsim_trial_metric(&m, "ket_vs_pbo@2h.p"))); /* zero variance of differences */
    hand_close_to(ketsim_trial_metric(&m, "ket_vs_pbo.onset_h"), 24, 0);
    hand_close_to(ketsim_trial_metric(&m, "ket_vs_pbo.peak_h"), 24, 0);
    hand_close_to(ketsim_trial_metric(&m, "ket_vs_pbo.duration_h"), 24, 0);
    /* period effect: sequence 0 (placebo first) period 1 - period 2 changes
     * -18, -9; sequence 1: 15, 10; mean of the sequence means -0.5 */
    hand_close_to(ketsim_trial_metric(&m, "ket_vs_pbo.period_effect"), -0.5, 1e-12);
    assert_true(isfinite(ketsim_trial_metric(&m, "ket_vs_pbo.carryover_p")));
    /* time to response: ketamine responders (10, 12) at 24 h, the others
     * censored at 24 h: S = 0.5 at 24 h */
    hand_close_to(ketsim_trial_metric(&m, "ket.time_to_response_median_h"), 24, 1e-12);
    /* Wilson interval of 2/4 */
    hand_close_to(ketsim_trial_metric(&m, "ket.primary_response_lo"), 0.1500, 1e-3);
    hand_close_to(ketsim_trial_metric(&m, "ket.primary_response_hi"), 0.8500, 1e-3);

    /* a dropout before the 1d rating of period 2 removes that pair */
    s[0].madrs_rated[1][1] = -1;
    assert_int_equal(ketsim_trial_endpoints(&sc, &defs, s, &m, &err), KETSIM_OK);
    hand_close_to(ketsim_trial_metric(&m, "ket@1d.n") + ketsim_trial_metric(&m, "pbo@1d.n"), 7, 0);
    ketsim_trial_metrics_free(&m);
    ketsim_trial_subjects_free(s);
}

static void test_parallel_and_relapse(void **state)
{
    (void)state;
    ketsim_trial_scenario sc = hand_trial_scenario(KETSIM_TRIAL_PARALLEL, 6);
    sc.followup_until_h = 6 * 24;
    sc.followup_every_h = 24;
    ketsim_trial_subject_result *s = ketsim_trial_subjects_alloc(&sc, 6, 0);
    assert_non_null(s);
    /* arms 0,1,0,1,0,1; ketamine subjects 1,3,5 all respond at 1d */
    const int rate1d[6] = {30, 10, 28, 12, 29, 14};
    for (int i = 0; i < 6; i++) {
        s[i].assign = i % 2;
        s[i].dropout_index = -1;
        s[i].base_rated[0] = 30;
        s[i].madrs_rated[0][0] = 30;
        s[i].madrs_rated[0][1] = rate1d[i];
        for (int k = 0; k < 6; k++)
            s[i].fu_rated[k] = 10;
    }
    /* subject 1 relapses from day 2 (ratings 20, 20: two in a row above 15);
     * subject 3 once above (no relapse: not consecutive); subject 5 from
     * day 4 */
    s[1].fu_rated[1] = 20;
    s[1].fu_rated[2] = 20;
    s[3].fu_rated[2] = 16;
    s[5].fu_rated[3] = 16;
    s[5].fu_rated[4] = 18;
    ketsim_trial_metrics m = {0};
    ketsim_error err;
    ketsim_error_clear(&err);
    assert_int_equal(ketsim_trial_endpoints(&sc, &defs, s, &m, &err), KETSIM_OK);
    hand_close_to(ketsim_trial_metric(&m, "ket@1d.response"), 1, 0);
    hand_close_to(ketsim_trial_metric(&m, "pbo@1d.response"), 0, 0);
    assert_true(ketsim_trial_metric(&m, "ket_vs_pbo@1d.p") < 0.05);
    hand_close_to(ketsim_trial_metric(&m, "ket.relapse_responders"), 3, 0);
    hand_close_to(ketsim_trial_metric(&m, "ket.relapse_fraction"), 2.0 / 3, 1e-12);
    /* events at 2 d and 4 d, one censored at 6 d: S = 2/3 after 2 d, 1/3
     * after 4 d: median 4 d */
    hand_close_to(ketsim_trial_metric(&m, "ket.relapse_median_d"), 4, 1e-12);
    assert_true(isnan(ketsim_trial_metric(&m, "no.such.metric")));

    /* quantiles and power over replicates */
    ketsim_trial_metrics reps[3] = {0};
    for (int r = 0; r < 3; r++)
        assert_int_equal(ketsim_trial_endpoints(&sc, &defs, s, &reps[r], &err), KETSIM_OK);
    double med, p5, p95;
    size_t n_finite = 0;
    assert_int_equal(ketsim_trial_metric_quantiles(reps, 3, "ket@1d.change_mean", &med, &p5, &p95, &n_finite, &err),
                     KETSIM_OK);
    assert_int_equal(n_finite, 3);
    hand_close_to(med, 18, 1e-12);
    hand_close_to(ketsim_trial_power(reps, 3, "ket_vs_pbo@1d.p", 0.05), 1, 0);
    for (int r = 0; r < 3; r++)
        ketsim_trial_metrics_free(&reps[r]);
    ketsim_trial_metrics_free(&m);
    ketsim_trial_subjects_free(s);
}

/* One active arm (the ketamine arm of base()), everyone assigned to it. */
static ketsim_trial_scenario single_arm(int n)
{
    ketsim_trial_scenario sc = hand_trial_scenario(KETSIM_TRIAL_PARALLEL, n);
    sc.arms[0] = sc.arms[1];
    sc.n_arms = 1;
    return sc;
}

static double metric(const ketsim_trial_metrics *m, const char *name)
{
    if (!ketsim_trial_metrics_has(m, name))
        fail_msg("no endpoint %s", name);
    return ketsim_trial_metric(m, name);
}

/* Six responders followed daily for 10 days.  Times to relapse (days):
 *   fraction rule (> 15 twice): 1, 3, 5, 8 and censored at 2 and 10;
 *   absolute rule (>= 22 twice): 4, 5 and censored at 2, 10, 10, 10.
 * Expected values from R (survival 3.5): survfit(Surv(t, e) ~ 1,
 * conf.type = "log-log"); quantile(f, c(.25, .5, .75)); 1 - summary(f,
 * times = c(2, 4))$surv with the band turned over.  R gives no interval
 * where S is still 1 (the absolute rule at 2 d): NAN here too. */
static void test_relapse_rules(void **state)
{
    (void)state;
    ketsim_trial_scenario sc = single_arm(6);
    sc.followup_until_h = 10 * 24;
    sc.followup_every_h = 24;
    sc.n_relapse_by = 2;
    sc.relapse_by_h[0] = 48;
    sc.relapse_by_h[1] = 96;
    strcpy(sc.relapse_by_label[0], "2d");
    strcpy(sc.relapse_by_label[1], "4d");
    const int fu[6][10] = {{16, 16, 10, 10, 10, 10, 10, 10, 10, 10}, {10, 10, 20, 23, 23, 10, 10, 10, 10, 10},
                           {10, 10, 10, 10, 22, 22, 10, 10, 10, 10}, {10, 10, 10, 10, 10, 18, 10, 18, 18, 10},
                           {10, 10, -1, -1, -1, -1, -1, -1, -1, -1}, {10, 10, 10, 10, 10, 10, 10, 10, 10, 10}};
    ketsim_trial_subject_result *s = ketsim_trial_subjects_alloc(&sc, 6, 0);
    assert_non_null(s);
    for (int i = 0; i < 6; i++) {
        s[i].dropout_index = -1;
        s[i].base_rated[0] = 30;
        s[i].madrs_rated[0][0] = 20;
        s[i].madrs_rated[0][1] = 10;
        memcpy(s[i].fu_rated, fu[i], sizeof fu[i]);
    }
    ketsim_trial_metrics m = {0};
    ketsim_error err;
    ketsim_error_clear(&err);
    assert_int_equal(ketsim_trial_endpoints(&sc, &defs, s, &m, &err), KETSIM_OK);
    hand_close_to(metric(&m, "ket.relapse_responders"), 6, 0);
    hand_close_to(metric(&m, "ket.relapse_fraction"), 4.0 / 6, 1e-12);
    const char *fr[9] = {"q25_d", "q25_lo_d", "q25_hi_d", "median_d", "median_lo_d", "median_hi_d",
                         "q75_d", "q75_lo_d", "q75_hi_d"};
    const double fv[9] = {3, 1, 8, 5, 1, NAN, 8, 3, NAN};
    const double av[9] = {5, 4, NAN, NAN, 4, NAN, NAN, 4, NAN};
    char name[80];
    for (int k = 0; k < 9; k++) {
        snprintf(name, sizeof name, "ket.relapse_%s", fr[k]);
        if (isnan(fv[k]))
            assert_true(isnan(metric(&m, name)));
        else
            hand_close_to(metric(&m, name), fv[k], 0);
        snprintf(name, sizeof name, "ket.relapse_abs_%s", fr[k]);
        if (isnan(av[k]))
            assert_true(isnan(metric(&m, name)));
        else
            hand_close_to(metric(&m, name), av[k], 0);
    }
    hand_close_to(metric(&m, "ket.relapse_by_2d"), 1.0 / 6, 1e-12);
    hand_close_to(metric(&m, "ket.relapse_by_2d_lo"), 0.0252875733091065, 1e-12);
    hand_close_to(metric(&m, "ket.relapse_by_2d_hi"), 0.726877150071644, 1e-12);
    hand_close_to(metric(&m, "ket.relapse_by_4d"), 0.375, 1e-12);
    hand_close_to(metric(&m, "ket.relapse_by_4d_lo"), 0.1069493955014222, 1e-12);
    hand_close_to(metric(&m, "ket.relapse_by_4d_hi"), 0.858146610068345, 1e-12);
    hand_close_to(metric(&m, "ket.relapse_abs_fraction"), 2.0 / 6, 1e-12);
    hand_close_to(metric(&m, "ket.relapse_abs_by_2d"), 0, 0);
    assert_true(isnan(metric(&m, "ket.relapse_abs_by_2d_lo")) && isnan(metric(&m, "ket.relapse_abs_by_2d_hi")));
    hand_close_to(metric(&m, "ket.relapse_abs_by_4d"), 0.2, 1e-12);
    hand_close_to(metric(&m, "ket.relapse_abs_by_4d_lo"), 0.0308202111332574, 1e-12);
    hand_close_to(metric(&m, "ket.relapse_abs_by_4d_hi"), 0.796190736732361, 1e-12);

    /* the scenario's own rules win over the trial.* rows: >= 18 twice
     * relapses subjects 1 (day 3), 2 (day 5) and 3 (day 8); > 60% of
     * baseline (18) twice only 1 and 2 */
    sc.relapse_madrs_min = 18;
    sc.relapse_fraction = 0.6;
    assert_int_equal(ketsim_trial_endpoints(&sc, &defs, s, &m, &err), KETSIM_OK);
    hand_close_to(metric(&m, "ket.relapse_abs_fraction"), 3.0 / 6, 1e-12);
    hand_close_to(metric(&m, "ket.relapse_fraction"), 2.0 / 6, 1e-12);
    /* one rating is enough: subject 0 relapses at day 1 under > 15 */
    sc.relapse_madrs_min = 0;
    sc.relapse_fraction = 0;
    sc.relapse_consecutive = 1;
    s[4].fu_rated[1] = 16;
    assert_int_equal(ketsim_trial_endpoints(&sc, &defs, s, &m, &err), KETSIM_OK);
    hand_close_to(metric(&m, "ket.relapse_fraction"), 5.0 / 6, 1e-12);
    double tt[6];
    int ev[6];
    assert_int_equal(ketsim_trial_relapse_times_rule(&sc, &defs, s, 0, KETSIM_TRIAL_RELAPSE_FRACTION, tt, ev), 6);
    hand_close_to(tt[4], 2, 0);
    assert_int_equal(ev[4], 1);
    hand_close_to(tt[3], 6, 0); /* 18 at day 6 now counts alone */
    /* without a list, 14 and 28 d where the follow-up reaches: none here */
    sc.n_relapse_by = 0;
    assert_int_equal(ketsim_trial_n_relapse_by(&sc), 0);
    sc.followup_until_h = 20 * 24;
    assert_int_equal(ketsim_trial_n_relapse_by(&sc), 1);
    char label[16];
    hand_close_to(ketsim_trial_relapse_by_h(&sc, 0, label), 14 * 24, 0);
    assert_string_equal(label, "14d");
    ketsim_trial_metrics_free(&m);
    ketsim_trial_subjects_free(s);
}

/* A course of three sessions (0, 48, 96 h), ratings at 2, 48, 50, 96 and
 * 120 h (primary), the 2-h visit as the early test. */
static void test_infusions_and_early_visit(void **state)
{
    (void)state;
    ketsim_trial_scenario sc = single_arm(8);
    sc.n_doses = 3;
    sc.dose_h[1] = 48;
    sc.dose_h[2] = 96;
    const double vh[5] = {2, 48, 50, 96, 120};
    const char *vl[5] = {"2h", "2d", "50h", "4d", "5d"};
    sc.n_visits = 5;
    for (int k = 0; k < 5; k++) {
        sc.visit_h[k] = vh[k];
        strcpy(sc.visit_label[k], vl[k]);
    }
    sc.primary_visit = 4;
    sc.has_early_visit = 1;
    sc.early_visit = 0;
    /* A responds at 2 h (1 session), B at 2 d (rated before the second: 1),
     * C at 50 h (2), D at 5 d (3), E never, F drops out unresponsive, G has
     * no baseline (left out), H responds at 2 h but not at 5 d */
    const int r[8][5] = {{10, 10, 10, 10, 10}, {20, 14, 12, 12, 12}, {20, 20, 12, 12, 12}, {20, 20, 20, 20, 14},
                         {20, 20, 20, 20, 20}, {20, -1, -1, -1, -1}, {10, 10, 10, 10, 10}, {12, 20, 20, 25, 25}};
    ketsim_trial_subject_result *s = ketsim_trial_subjects_alloc(&sc, 8, 0);
    assert_non_null(s);
    for (int i = 0; i < 8; i++) {
        s[i].dropout_index = -1;
        s[i].base_rated[0] = i == 6 ? -1 : 30;
        memcpy(s[i].madrs_rated[0], r[i], sizeof r[i]);
    }
    const int want[8] = {1, 1, 2, 3, 0, 0, -1, 1};
    for (int i = 0; i < 8; i++)
        assert_int_equal(ketsim_trial_infusions_to_response(&sc, &defs, &s[i], 0), want[i]);
    ketsim_trial_metrics m = {0};
    ketsim_error err;
    ketsim_error_clear(&err);
    assert_int_equal(ketsim_trial_endpoints(&sc, &defs, s, &m, &err), KETSIM_OK);
    /* seven subjects counted: 3 after one session, 1 after two, 1 after
     * three, 2 never; median of 1, 1, 1, 2, 3 */
    hand_close_to(metric(&m, "ket.infusions_to_response_median"), 1, 0);
    hand_close_to(metric(&m, "ket.infusions_to_response_1"), 3.0 / 7, 1e-12);
    hand_close_to(metric(&m, "ket.infusions_to_response_2"), 1.0 / 7, 1e-12);
    hand_close_to(metric(&m, "ket.infusions_to_response_3"), 1.0 / 7, 1e-12);
    hand_close_to(metric(&m, "ket.infusions_to_response_none"), 2.0 / 7, 1e-12);
    assert_false(ketsim_trial_metrics_has(&m, "ket.infusions_to_response_4"));
    /* both ratings present for A B C D E H: test+ outcome+ A; test- outcome+
     * B C D; test+ outcome- H; test- outcome- E */
    hand_close_to(metric(&m, "ket@2h.predicts_primary_sensitivity"), 0.25, 1e-12);
    hand_close_to(metric(&m, "ket@2h.predicts_primary_specificity"), 0.5, 1e-12);
    hand_close_to(metric(&m, "ket@2h.predicts_primary_ppv"), 0.5, 1e-12);
    hand_close_to(metric(&m, "ket@2h.predicts_primary_npv"), 0.25, 1e-12);
    ketsim_stats_interval w;
    assert_int_equal(ketsim_stats_wilson(1, 4, 0.95, &w, &err), KETSIM_OK);
    hand_close_to(metric(&m, "ket@2h.predicts_primary_sensitivity_lo"), w.lo, 1e-15);
    hand_close_to(metric(&m, "ket@2h.predicts_primary_sensitivity_hi"), w.hi, 1e-15);
    hand_close_to(metric(&m, "ket@2h.predicts_primary_npv_lo"), w.lo, 1e-15);
    ketsim_trial_metrics_free(&m);

    /* a single session: no sessions-to-response endpoints; no early visit:
     * no test endpoints */
    sc.n_doses = 1;
    sc.has_early_visit = 0;
    assert_int_equal(ketsim_trial_endpoints(&sc, &defs, s, &m, &err), KETSIM_OK);
    assert_false(ketsim_trial_metrics_has(&m, "ket.infusions_to_response_median"));
    assert_false(ketsim_trial_metrics_has(&m, "ket@2h.predicts_primary_sensitivity"));
    ketsim_trial_metrics_free(&m);
    ketsim_trial_subjects_free(s);
}

/* Mean and SD over replicates skip undefined values. */
static void test_moments(void **state)
{
    (void)state;
    char names[3][1][80] = {{"x"}, {"x"}, {"x"}};
    double values[3][1] = {{1}, {NAN}, {4}};
    ketsim_trial_metrics reps[3];
    for (int r = 0; r < 3; r++) {
        reps[r].n = reps[r].cap = 1;
        reps[r].name = names[r];
        reps[r].value = values[r];
    }
    double mean, sd;
    assert_int_equal(ketsim_trial_metric_moments(reps, 3, "x", &mean, &sd), 2);
    hand_close_to(mean, 2.5, 1e-15);
    hand_close_to(sd, sqrt(4.5), 1e-15);
    assert_int_equal(ketsim_trial_metric_moments(reps, 1, "x", &mean, &sd), 1);
    assert_true(isnan(sd));
    assert_int_equal(ketsim_trial_metric_moments(reps, 3, "y", &mean, &sd), 0);
    assert_true(isnan(mean));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crossover_endpoints),
        cmocka_unit_test(test_parallel_and_relapse),
        cmocka_unit_test(test_relapse_rules),
        cmocka_unit_test(test_infusions_and_early_visit),
        cmocka_unit_test(test_moments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
