/* Endpoints on hand-made subject data: change, response, remission, paired
 * and Welch tests, onset/peak/duration, relapse by Kaplan-Meier. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ketsim/trial.h"

static const ketsim_trial_defs defs = {.response_fraction = 0.5, .remission_max = 10, .relapse_fraction = 0.5,
                                .alpha = 0.05, .relapse_consecutive = 2};

static ketsim_trial_scenario base(ketsim_trial_design design, int n)
{
    ketsim_trial_scenario sc;
    memset(&sc, 0, sizeof sc);
    strcpy(sc.name, "hand");
    strcpy(sc.drug, "ketamine");
    sc.design = design;
    sc.n_subjects = n;
    sc.n_arms = 2;
    strcpy(sc.arms[0].name, "pbo");
    sc.arms[0].control = KETSIM_TRIAL_SALINE;
    sc.arms[0].ratio = 1;
    strcpy(sc.arms[1].name, "ket");
    sc.arms[1].n_specs = 1;
    sc.arms[1].dose[0] = (ketsim_dose){.route = KETSIM_ROUTE_IV, .amount = 0.5, .per_kg = 1};
    sc.arms[1].ratio = 1;
    sc.n_doses = 1;
    sc.washout_h = design == KETSIM_TRIAL_CROSSOVER ? 168 : 0;
    sc.n_visits = 2;
    sc.visit_h[0] = 2;
    sc.visit_h[1] = 24;
    strcpy(sc.visit_label[0], "2h");
    strcpy(sc.visit_label[1], "1d");
    sc.primary_visit = 1;
    return sc;
}

static void close_to(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.10g, want %.10g", got, want);
}

static void test_crossover_endpoints(void **state)
{
    (void)state;
    ketsim_trial_scenario sc = base(KETSIM_TRIAL_CROSSOVER, 4);
    ketsim_trial_subject_result s[4];
    memset(s, 0, sizeof s);
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
    close_to(ketsim_trial_metric(&m, "ket@1d.change_mean"), 15.5, 1e-12);
    close_to(ketsim_trial_metric(&m, "pbo@1d.change_mean"), 2.5, 1e-12);
    close_to(ketsim_trial_metric(&m, "ket@1d.response"), 0.5, 1e-12);  /* 10 and 12 <= 15 */
    close_to(ketsim_trial_metric(&m, "ket@1d.remission"), 0.25, 1e-12);/* 10 */
    close_to(ketsim_trial_metric(&m, "ket@1d.n"), 4, 0);
    close_to(ketsim_trial_metric(&m, "ket.cadss_peak_mean"), 8, 1e-12);
    close_to(ketsim_trial_metric(&m, "pbo.cadss_peak_mean"), 0, 1e-12);
    close_to(ketsim_trial_metric(&m, "ket.sbp_peak_mean"), 11.5, 1e-12);
    close_to(ketsim_trial_metric(&m, "ket.dbp_peak_mean"), 6, 1e-12);
    close_to(ketsim_trial_metric(&m, "ket.hr_peak_mean"), 3, 1e-12);
    close_to(ketsim_trial_metric(&m, "pbo.dbp_peak_mean"), 0, 1e-12);
    close_to(ketsim_trial_metric(&m, "pbo.hr_peak_mean"), 0, 1e-12);
    /* paired differences 18, 15, 9, 10: mean 13, sd sqrt(18), t = 13/(sqrt(18)/2) */
    close_to(ketsim_trial_metric(&m, "ket_vs_pbo@1d.diff"), 13, 1e-12);
    double t = 13 / (sqrt(18.0) / 2);
    assert_true(t > 3.182); /* t(3) 97.5% point: significant */
    assert_true(ketsim_trial_metric(&m, "ket_vs_pbo@1d.p") < 0.05);
    assert_true(isnan(ketsim_trial_metric(&m, "ket_vs_pbo@2h.p"))); /* zero variance of differences */
    close_to(ketsim_trial_metric(&m, "ket_vs_pbo.onset_h"), 24, 0);
    close_to(ketsim_trial_metric(&m, "ket_vs_pbo.peak_h"), 24, 0);
    close_to(ketsim_trial_metric(&m, "ket_vs_pbo.duration_h"), 24, 0);
    /* period effect: sequence 0 (placebo first) period 1 - period 2 changes
     * -18, -9; sequence 1: 15, 10; mean of the sequence means -0.5 */
    close_to(ketsim_trial_metric(&m, "ket_vs_pbo.period_effect"), -0.5, 1e-12);
    assert_true(isfinite(ketsim_trial_metric(&m, "ket_vs_pbo.carryover_p")));
    /* time to response: ketamine responders (10, 12) at 24 h, the others
     * censored at 24 h: S = 0.5 at 24 h */
    close_to(ketsim_trial_metric(&m, "ket.time_to_response_median_h"), 24, 1e-12);
    /* Wilson interval of 2/4 */
    close_to(ketsim_trial_metric(&m, "ket.primary_response_lo"), 0.1500, 1e-3);
    close_to(ketsim_trial_metric(&m, "ket.primary_response_hi"), 0.8500, 1e-3);

    /* a dropout before the 1d rating of period 2 removes that pair */
    s[0].madrs_rated[1][1] = -1;
    assert_int_equal(ketsim_trial_endpoints(&sc, &defs, s, &m, &err), KETSIM_OK);
    close_to(ketsim_trial_metric(&m, "ket@1d.n") + ketsim_trial_metric(&m, "pbo@1d.n"), 7, 0);
    ketsim_trial_metrics_free(&m);
}

static void test_parallel_and_relapse(void **state)
{
    (void)state;
    ketsim_trial_scenario sc = base(KETSIM_TRIAL_PARALLEL, 6);
    sc.followup_until_h = 6 * 24;
    sc.followup_every_h = 24;
    ketsim_trial_subject_result s[6];
    memset(s, 0, sizeof s);
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
    close_to(ketsim_trial_metric(&m, "ket@1d.response"), 1, 0);
    close_to(ketsim_trial_metric(&m, "pbo@1d.response"), 0, 0);
    assert_true(ketsim_trial_metric(&m, "ket_vs_pbo@1d.p") < 0.05);
    close_to(ketsim_trial_metric(&m, "ket.relapse_responders"), 3, 0);
    close_to(ketsim_trial_metric(&m, "ket.relapse_fraction"), 2.0 / 3, 1e-12);
    /* events at 2 d and 4 d, one censored at 6 d: S = 2/3 after 2 d, 1/3
     * after 4 d: median 4 d */
    close_to(ketsim_trial_metric(&m, "ket.relapse_median_d"), 4, 1e-12);
    assert_true(isnan(ketsim_trial_metric(&m, "no.such.metric")));

    /* quantiles and power over replicates */
    ketsim_trial_metrics reps[3] = {0};
    for (int r = 0; r < 3; r++)
        assert_int_equal(ketsim_trial_endpoints(&sc, &defs, s, &reps[r], &err), KETSIM_OK);
    double med, p5, p95;
    assert_int_equal(ketsim_trial_metric_quantiles(reps, 3, "ket@1d.change_mean", &med, &p5, &p95), 3);
    close_to(med, 18, 1e-12);
    close_to(ketsim_trial_power(reps, 3, "ket_vs_pbo@1d.p", 0.05), 1, 0);
    for (int r = 0; r < 3; r++)
        ketsim_trial_metrics_free(&reps[r]);
    ketsim_trial_metrics_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crossover_endpoints),
        cmocka_unit_test(test_parallel_and_relapse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
