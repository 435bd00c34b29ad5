/* Trial designs: randomization balance and determinism, crossover
 * bookkeeping, schedules, and a small run that must not depend on the
 * thread count. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ketsim/population.h"
#include "ketsim/trial.h"

static ketsim_trial_scenario crossover(int n)
{
    ketsim_trial_scenario sc;
    memset(&sc, 0, sizeof sc);
    strcpy(sc.name, "x");
    strcpy(sc.drug, "ketamine");
    sc.design = KETSIM_TRIAL_CROSSOVER;
    sc.n_subjects = n;
    sc.n_arms = 2;
    strcpy(sc.arms[0].name, "saline");
    sc.arms[0].control = KETSIM_TRIAL_SALINE;
    sc.arms[0].ratio = 1;
    strcpy(sc.arms[1].name, "ketamine");
    sc.arms[1].n_specs = 1;
    sc.arms[1].dose[0] = (ketsim_dose){.route = KETSIM_ROUTE_IV, .amount = 0.5, .per_kg = 1, .duration_h = 40.0 / 60};
    sc.arms[1].session_h = 40.0 / 60;
    sc.arms[0].session_h = 40.0 / 60;
    sc.arms[1].ratio = 1;
    sc.n_doses = 1;
    sc.washout_h = 168;
    sc.n_visits = 3;
    sc.visit_h[0] = 2;
    sc.visit_h[1] = 24;
    sc.visit_h[2] = 168;
    strcpy(sc.visit_label[0], "2h");
    strcpy(sc.visit_label[1], "1d");
    strcpy(sc.visit_label[2], "7d");
    sc.primary_visit = 1;
    sc.inclusion_madrs_min = -1;
    return sc;
}

static void test_crossover_balance(void **state)
{
    (void)state;
    ketsim_trial_scenario sc = crossover(18);
    int a[18], b[18], c[18];
    ketsim_trial_randomize(&sc, 7, 0, a);
    ketsim_trial_randomize(&sc, 7, 0, b);
    ketsim_trial_randomize(&sc, 8, 0, c);
    assert_memory_equal(a, b, sizeof a);
    int n1 = 0, differs = 0;
    for (int i = 0; i < 18; i++) {
        assert_true(a[i] == 0 || a[i] == 1);
        n1 += a[i];
        differs |= a[i] != c[i];
        /* each block of two holds both sequences */
        if (i % 2 == 1)
            assert_int_equal(a[i - 1] + a[i], 1);
    }
    assert_int_equal(n1, 9);
    assert_true(differs);
    /* other replicates randomize differently (at least one of 20) */
    int any = 0;
    for (uint64_t r = 1; r <= 20 && !any; r++) {
        ketsim_trial_randomize(&sc, 7, r, b);
        any = memcmp(a, b, sizeof a) != 0;
    }
    assert_true(any);
}

static void test_parallel_ratio(void **state)
{
    (void)state;
    ketsim_trial_scenario sc = crossover(72);
    sc.design = KETSIM_TRIAL_PARALLEL;
    sc.washout_h = 0;
    sc.arms[1].ratio = 2;
    assert_int_equal(ketsim_trial_scenario_check(&sc, NULL), KETSIM_OK);
    int a[72], count[2] = {0, 0};
    ketsim_trial_randomize(&sc, 11, 3, a);
    for (int i = 0; i < 72; i++)
        count[a[i]]++;
    assert_int_equal(count[0], 24);
    assert_int_equal(count[1], 48);
    /* too few subjects for the allocation: an arm would be empty */
    sc.n_subjects = 2;
    ketsim_error err;
    ketsim_error_clear(&err);
    assert_int_equal(ketsim_trial_scenario_check(&sc, &err), KETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "empty"));
}

static void test_crossover_bookkeeping(void **state)
{
    (void)state;
    ketsim_trial_scenario sc = crossover(4);
    assert_int_equal(ketsim_trial_n_periods(&sc), 2);
    assert_int_equal(ketsim_trial_arm_in_period(&sc, 0, 0), 0);
    assert_int_equal(ketsim_trial_arm_in_period(&sc, 0, 1), 1);
    assert_int_equal(ketsim_trial_arm_in_period(&sc, 1, 0), 1);
    assert_int_equal(ketsim_trial_arm_in_period(&sc, 1, 1), 0);
    assert_true(ketsim_trial_period_start_h(&sc, 0) == 0);
    assert_true(ketsim_trial_period_start_h(&sc, 1) == 168);
    /* a course: period 2 starts a washout after the last dose */
    sc.n_doses = 3;
    sc.dose_h[1] = 48;
    sc.dose_h[2] = 96;
    assert_true(ketsim_trial_period_start_h(&sc, 1) == 96 + 168);
    /* impossible designs */
    ketsim_error err;
    ketsim_error_clear(&err);
    ketsim_trial_scenario bad = crossover(4);
    bad.washout_h = -1;
    assert_int_equal(ketsim_trial_scenario_check(&bad, &err), KETSIM_EINPUT);
    bad = crossover(4);
    bad.washout_h = 24; /* the 7d visit would fall into period 2 */
    assert_int_equal(ketsim_trial_scenario_check(&bad, &err), KETSIM_EINPUT);
    bad = crossover(4);
    bad.n_arms = 3;
    assert_int_equal(ketsim_trial_scenario_check(&bad, &err), KETSIM_EINPUT);
    bad = crossover(4);
    bad.visit_h[0] = 0;
    assert_int_equal(ketsim_trial_scenario_check(&bad, &err), KETSIM_EINPUT);
    /* follow-up schedule */
    sc.followup_until_h = 83 * 24;
    sc.followup_every_h = 84;
    assert_int_equal(ketsim_trial_n_followup(&sc), 23);
    assert_true(ketsim_trial_followup_h(&sc, 0) == 84);
}

static void test_population(void **state)
{
    (void)state;
    ketsim_params *p = NULL;
    ketsim_error err;
    ketsim_error_clear(&err);
    assert_int_equal(ketsim_params_create(KETSIM_HUMAN, &p, &err), KETSIM_OK);
    ketsim_pop pop;
    assert_int_equal(ketsim_pop_init(&pop, p, &err), KETSIM_OK);
    int met = 0, pm = 0;
    double lo = 1e9;
    for (uint64_t i = 0; i < 4000; i++) {
        ketsim_patient s, t;
        ketsim_pop_draw(&pop, 5, i, -1, &s);
        ketsim_pop_draw(&pop, 5, i, -1, &t);
        assert_memory_equal(&s, &t, sizeof s);
        met += s.bdnf_met;
        pm += s.cyp2b6_pm;
        lo = fmin(lo, s.madrs_baseline);
        assert_true(s.weight_kg >= 45 && s.weight_kg <= 150);
        assert_true(s.spine_setpoint > 0 && s.spine_setpoint <= 0.9);
    }
    assert_true(met > 1050 && met < 1350); /* 30% of 4000 */
    assert_true(pm > 160 && pm < 330);     /* 6% */
    assert_true(lo >= 22);
    /* apply writes the subject's values */
    ketsim_params *w = NULL;
    assert_int_equal(ketsim_params_clone(p, &w, &err), KETSIM_OK);
    ketsim_patient s;
    ketsim_pop_draw(&pop, 5, 1, 30, &s);
    assert_true(s.madrs_baseline >= 30);
    s.bdnf_met = 1;
    assert_int_equal(ketsim_pop_apply(&pop, &s, w, &err), KETSIM_OK);
    double v;
    assert_int_equal(ketsim_params_get(w, "bdnf.release_scale", &v, &err), KETSIM_OK);
    assert_true(fabs(v - 0.7 * pop.base_release) < 1e-12);
    assert_int_equal(ketsim_params_get(w, "patient.madrs_baseline", &v, &err), KETSIM_OK);
    assert_true(v == s.madrs_baseline);
    /* ratings are integers in 0..60 */
    ketsim_rng r;
    ketsim_rng_init(&r, 1, 1, KETSIM_RNG_RESIDUAL);
    for (int i = 0; i < 200; i++) {
        int x = ketsim_pop_rate_madrs(&pop, &r, i % 2 ? -5.0 : 70.0);
        assert_true(x >= 0 && x <= 60);
    }
    assert_true(ketsim_pop_placebo_at(&pop, &s, (ketsim_session[]){{0, 0}}, 1, -1) == 0);
    ketsim_params_free(w);
    ketsim_params_free(p);
}

/* Placebo carries over: a rating at a session's time keeps what the earlier
 * sessions built (at least 90% of the change just before it), and a second
 * session does not start the response from zero. */
static void test_placebo_carry_over(void **state)
{
    (void)state;
    ketsim_params *p = NULL;
    ketsim_error err;
    ketsim_error_clear(&err);
    assert_int_equal(ketsim_params_create(KETSIM_HUMAN, &p, &err), KETSIM_OK);
    ketsim_pop pop;
    assert_int_equal(ketsim_pop_init(&pop, p, &err), KETSIM_OK);
    ketsim_patient s;
    ketsim_pop_draw(&pop, 5, 1, -1, &s);
    s.placebo_points = 6;
    const ketsim_session sess[] = {{0, 0}, {72, 0}, {168, 0}, {240, 0}};
    /* a session felt as a drug effect raises expectancy more */
    const ketsim_session felt[] = {{0, 1}};
    assert_true(ketsim_pop_placebo_at(&pop, &s, felt, 1, 24) > ketsim_pop_placebo_at(&pop, &s, sess, 1, 24));
    for (size_t k = 1; k < 4; k++) {
        double t = sess[k].time_h;
        double before = ketsim_pop_placebo_at(&pop, &s, sess, 4, t - 1e-3);
        double at = ketsim_pop_placebo_at(&pop, &s, sess, 4, t);
        assert_true(before > 1);
        assert_true(at >= 0.9 * before);
    }
    /* two sessions build at least what one does, an hour later */
    double one = ketsim_pop_placebo_at(&pop, &s, sess, 1, 73);
    double two = ketsim_pop_placebo_at(&pop, &s, sess, 2, 73);
    assert_true(two >= one);
    /* nothing before the first session */
    assert_true(ketsim_pop_placebo_at(&pop, &s, sess, 4, -1) == 0);
    ketsim_params_free(p);
}

/* Two runs' records hold the same values (their storage differs). */
static void assert_same_subjects(const ketsim_trial_scenario *sc, const ketsim_trial_subject_result *a,
                                 const ketsim_trial_subject_result *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ketsim_trial_subject_result x = a[i], y = b[i];
        for (int p = 0; p < ketsim_trial_n_periods(sc); p++) {
            assert_memory_equal(x.madrs_true[p], y.madrs_true[p], sc->n_visits * sizeof(double));
            assert_memory_equal(x.madrs_rated[p], y.madrs_rated[p], sc->n_visits * sizeof(int));
        }
        size_t nfu = ketsim_trial_n_followup(sc);
        if (nfu) {
            assert_memory_equal(x.fu_true, y.fu_true, nfu * sizeof(double));
            assert_memory_equal(x.fu_rated, y.fu_rated, nfu * sizeof(int));
        }
        if (sc->n_omega)
            assert_memory_equal(x.eta, y.eta, sc->n_omega * sizeof(double));
        /* the fixed parts, storage pointers aside */
        x.madrs_true[0] = x.madrs_true[1] = y.madrs_true[0] = y.madrs_true[1] = NULL;
        x.madrs_rated[0] = x.madrs_rated[1] = y.madrs_rated[0] = y.madrs_rated[1] = NULL;
        x.fu_true = y.fu_true = x.eta = y.eta = NULL;
        x.fu_rated = y.fu_rated = NULL;
        x.fail_reason = y.fail_reason = NULL;
        x.block = y.block = NULL;
        assert_memory_equal(&x, &y, sizeof x);
    }
}

static void test_threads_identical(void **state)
{
    (void)state;
    ketsim_params *p = NULL;
    ketsim_error err;
    ketsim_error_clear(&err);
    assert_int_equal(ketsim_params_create(KETSIM_HUMAN, &p, &err), KETSIM_OK);
    ketsim_trial_scenario sc = crossover(4);
    sc.dropout = 0.5;
    ketsim_trial_run_opts o1 = {.seed = 3, .replicates = 2, .threads = 1};
    ketsim_trial_run_opts o2 = {.seed = 3, .replicates = 2, .threads = 3};
    ketsim_trial_subject_result *a = NULL, *b = NULL;
    assert_int_equal(ketsim_trial_run(&sc, p, &o1, &a, &err), KETSIM_OK);
    assert_int_equal(ketsim_trial_run(&sc, p, &o2, &b, &err), KETSIM_OK);
    assert_same_subjects(&sc, a, b, 8);
    /* dropout: every rating from the dropout index on is missing, none before */
    int dropped = 0;
    for (int i = 0; i < 8; i++) {
        int di = a[i].dropout_index;
        dropped += di >= 0;
        for (int p = 0; p < 2; p++)
            for (size_t k = 0; k < sc.n_visits; k++) {
                int g = p * (int)sc.n_visits + (int)k;
                if (di >= 0 && g >= di)
                    assert_int_equal(a[i].madrs_rated[p][k], -1);
                else
                    assert_true(a[i].madrs_rated[p][k] >= 0 && a[i].madrs_rated[p][k] <= 60);
            }
    }
    assert_true(dropped > 0 && dropped < 8);
    /* crossover: each subject's period arms follow its sequence; the
     * ketamine period shows dissociation and a pressor response, the saline
     * period less of either */
    for (int i = 0; i < 4; i++) {
        int kp = a[i].assign == 0 ? 1 : 0;
        assert_true(a[i].cadss_peak[kp] > 0);
        assert_true(a[i].cadss_peak[1 - kp] < a[i].cadss_peak[kp]);
        assert_true(a[i].dbp_peak[kp] > 0 && a[i].hr_peak[kp] > 0);
        assert_true(a[i].dbp_peak[1 - kp] < a[i].dbp_peak[kp]);
        assert_true(a[i].hr_peak[1 - kp] < a[i].hr_peak[kp]);
    }
    free(a);
    free(b);
    ketsim_params_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crossover_balance),
        cmocka_unit_test(test_parallel_ratio),
        cmocka_unit_test(test_crossover_bookkeeping),
        cmocka_unit_test(test_population),
        cmocka_unit_test(test_placebo_carry_over),
        cmocka_unit_test(test_threads_identical),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
