/* Scenario files: the built-in ones load; bad ones are refused with
 * KETSIM_EINPUT and a message naming FILE:LINE and the field. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ketsim/params.h"
#include "ketsim/formats.h"
#include "ketsim/trial.h"

#define GOOD \
    "name: t\n"                          \
    "design: crossover\n"                \
    "subjects: 4\n"                      \
    "arms:\n"                            \
    "  - name: saline\n"                 \
    "    control: saline\n"              \
    "  - name: ketamine\n"               \
    "    dose_mg_per_kg: 0.5\n"          \
    "    infusion: 40min\n"              \
    "washout: 7d\n"                      \
    "visits: [40min, 1d, 7d]\n"          \
    "primary_visit: 1d\n"

static void expect_error(const char *text, const char *needle1, const char *needle2)
{
    ketsim_trial_scenario sc;
    ketsim_error err;
    ketsim_error_clear(&err);
    int rc = ketsim_trial_scenario_load_string("s.yaml", text, &sc, &err);
    if (rc == KETSIM_OK) { /* the `set` names are checked against the table, as `trial` does */
        ketsim_params *p = NULL;
        assert_int_equal(ketsim_params_create(KETSIM_HUMAN, &p, &err), KETSIM_OK);
        rc = ketsim_trial_scenario_apply_sets(&sc, p, &err);
        ketsim_params_free(p);
    }
    if (rc != KETSIM_EINPUT)
        fail_msg("expected EINPUT, got %d (%s) for:\n%s", rc, err.msg, text);
    if (!strstr(err.msg, needle1) || (needle2 && !strstr(err.msg, needle2)))
        fail_msg("message '%s' lacks '%s' / '%s'", err.msg, needle1, needle2 ? needle2 : "");
}

static void test_good(void **state)
{
    (void)state;
    ketsim_trial_scenario sc;
    ketsim_error err;
    ketsim_error_clear(&err);
    assert_int_equal(ketsim_trial_scenario_load_string("s.yaml", GOOD, &sc, &err), KETSIM_OK);
    assert_int_equal(sc.design, KETSIM_TRIAL_CROSSOVER);
    assert_int_equal(sc.n_arms, 2);
    assert_true(fabs(sc.arms[1].session_h - 40.0 / 60) < 1e-12);
    assert_true(fabs(sc.arms[1].dose[0].duration_h - 40.0 / 60) < 1e-12);
    assert_true(sc.washout_h == 168);
    assert_int_equal(sc.n_visits, 3);
    assert_int_equal(sc.primary_visit, 1);
    assert_string_equal(sc.visit_label[0], "40min");
    assert_int_equal(sc.n_doses, 1);
}

static void test_errors(void **state)
{
    (void)state;
    /* unknown key, with line and field */
    expect_error(GOOD "colour: blue\n", "s.yaml:13:", "colour");
    expect_error("name: t\ndesign: parallel\nsubjects: 4\narms:\n  - name: a\n    dose_mg_per_kg: 1\n    speed: 3\n"
                 "visits: [1d]\n",
                 "s.yaml:7:", "arms[0].speed");
    /* wrong type */
    expect_error("name: t\ndesign: parallel\nsubjects: many\narms:\n  - name: a\n    dose_mg_per_kg: 1\nvisits: [1d]\n",
                 "s.yaml:3:", "subjects");
    expect_error("name: t\ndesign: parallel\nsubjects: 4\narms: {a: 1}\nvisits: [1d]\n", "s.yaml:4:", "arms");
    /* negative washout */
    expect_error("name: t\ndesign: crossover\nsubjects: 4\narms:\n  - name: s\n    control: saline\n  - name: k\n"
                 "    dose_mg_per_kg: 0.5\nwashout: -7d\nvisits: [1d]\n",
                 "s.yaml:9:", "washout");
    /* durations need units */
    expect_error("name: t\ndesign: parallel\nsubjects: 4\narms:\n  - name: a\n    dose_mg_per_kg: 1\nvisits: [24]\n",
                 "s.yaml:7:", "visits[0]");
    /* empty arm list; visit before the dose; visits out of order */
    expect_error("name: t\ndesign: parallel\nsubjects: 4\narms: []\nvisits: [1d]\n", "s.yaml:4:", "empty");
    expect_error("name: t\ndesign: parallel\nsubjects: 4\narms:\n  - name: a\n    dose_mg_per_kg: 1\nvisits: [0h, 1d]\n",
                 "s.yaml:7:", "visits[0]");
    expect_error("name: t\ndesign: parallel\nsubjects: 4\narms:\n  - name: a\n    dose_mg_per_kg: 1\nvisits: [2d, 1d]\n",
                 "s.yaml:7:", "visits[1]");
    /* an active arm without a dose; a control arm with one */
    expect_error("name: t\ndesign: parallel\nsubjects: 4\narms:\n  - name: a\nvisits: [1d]\n", "s.yaml:5:", "dose");
    expect_error("name: t\ndesign: parallel\nsubjects: 4\narms:\n  - name: a\n    control: saline\n"
                 "    dose_mg_per_kg: 1\nvisits: [1d]\n",
                 "s.yaml:7:", "gets no drug");
    /* crossover: three arms; washout too short for the visits; missing washout */
    expect_error("name: t\ndesign: crossover\nsubjects: 4\narms:\n  - name: a\n    control: saline\n  - name: b\n"
                 "    dose_mg_per_kg: 1\n  - name: c\n    dose_mg_per_kg: 2\nwashout: 7d\nvisits: [1d]\n",
                 "s.yaml:1:", "exactly 2 arms");
    expect_error("name: t\ndesign: crossover\nsubjects: 4\narms:\n  - name: a\n    control: saline\n  - name: b\n"
                 "    dose_mg_per_kg: 1\nwashout: 2d\nvisits: [1d, 7d]\n",
                 "s.yaml:1:", "last visit");
    expect_error("name: t\ndesign: crossover\nsubjects: 4\narms:\n  - name: a\n    control: saline\n  - name: b\n"
                 "    dose_mg_per_kg: 1\nvisits: [1d]\n",
                 "s.yaml:1:", "washout");
    /* parallel: fewer subjects than the allocation block (an empty arm) */
    expect_error("name: t\ndesign: parallel\nsubjects: 1\narms:\n  - name: a\n    control: saline\n  - name: b\n"
                 "    dose_mg_per_kg: 1\nvisits: [1d]\n",
                 "s.yaml:1:", "empty");
    /* primary visit not a visit; dropout not a probability; bad design */
    expect_error(GOOD "dropout: 1.5\n", "s.yaml:13:", "dropout");
    expect_error("name: t\ndesign: sideways\nsubjects: 4\narms:\n  - name: a\n    dose_mg_per_kg: 1\nvisits: [1d]\n",
                 "s.yaml:2:", "design");
    expect_error("name: t\ndesign: parallel\nsubjects: 4\narms:\n  - name: a\n    dose_mg_per_kg: 1\nvisits: [1d]\n"
                 "primary_visit: 2d\n",
                 "s.yaml:8:", "primary_visit");
    /* parameter overrides: unknown name, value out of range */
    expect_error(GOOD "set:\n  no.such.param: 1\n", "s.yaml:14:", "set.no.such.param");
    expect_error(GOOD "set:\n  pop.bdnf_met_fraction: 2\n", "s.yaml:14:", "pop.bdnf_met_fraction");
    /* arms in the dose grammar: bad spec, a time in the spec, dose with a control,
     * both forms at once, per-session doses that do not match the sessions */
    expect_error("name: t\ndesign: parallel\nsubjects: 4\narms:\n  - name: a\n    dose: \"in:56\"\nvisits: [1d]\n",
                 "s.yaml:6:", "arms[0].dose");
    expect_error("name: t\ndesign: parallel\nsubjects: 4\narms:\n  - name: a\n    dose: \"in:56mg@1h\"\nvisits: [1d]\n",
                 "s.yaml:6:", "'doses'");
    expect_error("name: t\ndesign: parallel\nsubjects: 4\narms:\n  - name: a\n    control: placebo\n"
                 "    dose: \"in:56mg\"\nvisits: [1d]\n",
                 "s.yaml:7:", "gets no drug");
    expect_error("name: t\ndesign: parallel\nsubjects: 4\narms:\n  - name: a\n    dose: \"in:56mg\"\n"
                 "    dose_mg_per_kg: 1\nvisits: [1d]\n",
                 "s.yaml:7:", "either");
    expect_error("name: t\ndesign: parallel\nsubjects: 4\narms:\n  - name: a\n    dose: [\"in:56mg\", \"in:84mg\"]\n"
                 "    doses: [0d, 3d, 7d]\nvisits: [1d]\n",
                 "s.yaml:1:", "2 doses for 3 sessions");
    /* overlapping infusions in a course */
    expect_error("name: t\ndesign: parallel\nsubjects: 4\narms:\n  - name: a\n    dose_mg_per_kg: 1\n    infusion: 2h\n"
                 "doses: [0h, 1h]\nvisits: [1d]\n",
                 "s.yaml:1:", "before the previous infusion ends");
}

/* Each arm its own drug, route and schedule; old and new forms side by side. */
/* The endpoint keys: relapse rules and the early visit. */
#define FOLLOWED \
    "name: t\ndesign: parallel\nsubjects: 4\narms:\n  - name: k\n    dose_mg_per_kg: 0.5\n" \
    "doses: [0d, 2d]\nvisits: [4h, 1d, 3d]\nprimary_visit: 3d\nfollowup: {until: 30d, every: 3.5d}\n"

static void test_endpoint_keys(void **state)
{
    (void)state;
    ketsim_trial_scenario sc;
    ketsim_error err;
    ketsim_error_clear(&err);
    const char *text = FOLLOWED "relapse:\n  fraction: 0.6\n  madrs_min: 20\n  consecutive: 1\n  by: [7d, 21d]\n"
                                "early_visit: 4h\n";
    assert_int_equal(ketsim_trial_scenario_load_string("s.yaml", text, &sc, &err), KETSIM_OK);
    assert_true(sc.relapse_fraction == 0.6 && sc.relapse_madrs_min == 20 && sc.relapse_consecutive == 1);
    assert_int_equal(sc.n_relapse_by, 2);
    assert_true(sc.relapse_by_h[1] == 21 * 24);
    assert_string_equal(sc.relapse_by_label[0], "7d");
    assert_true(sc.has_early_visit);
    assert_int_equal(sc.early_visit, 0);
    ketsim_trial_defs d = {.relapse_fraction = 0.5, .relapse_consecutive = 2, .relapse_madrs_min = 22};
    ketsim_trial_defs_scenario(&sc, &d);
    assert_true(d.relapse_fraction == 0.6 && d.relapse_madrs_min == 20 && d.relapse_consecutive == 1);
    /* without the keys the trial.* rows stay, and there is no early visit */
    assert_int_equal(ketsim_trial_scenario_load_string("s.yaml", FOLLOWED, &sc, &err), KETSIM_OK);
    assert_false(sc.has_early_visit);
    d = (ketsim_trial_defs){.relapse_fraction = 0.5, .relapse_consecutive = 2, .relapse_madrs_min = 22};
    ketsim_trial_defs_scenario(&sc, &d);
    assert_true(d.relapse_fraction == 0.5 && d.relapse_madrs_min == 22 && d.relapse_consecutive == 2);

    expect_error(FOLLOWED "relapse:\n  colour: 1\n", "s.yaml:12:", "relapse.colour");
    expect_error(FOLLOWED "relapse:\n  consecutive: 0\n", "s.yaml:12:", "relapse.consecutive");
    expect_error(FOLLOWED "relapse:\n  madrs_min: 61\n", "s.yaml:12:", "relapse.madrs_min");
    expect_error(FOLLOWED "relapse:\n  fraction: 1.5\n", "s.yaml:12:", "relapse.fraction");
    expect_error(FOLLOWED "relapse:\n  by: [40d]\n", "s.yaml:12:", "relapse.by[0]");
    expect_error(FOLLOWED "relapse:\n  by: [14d, 7d]\n", "s.yaml:12:", "relapse.by[1]");
    expect_error(GOOD "relapse:\n  madrs_min: 20\n", "s.yaml:14:", "followup");
    expect_error(FOLLOWED "early_visit: 2h\n", "s.yaml:11:", "early_visit");
    expect_error(FOLLOWED "early_visit: 3d\n", "s.yaml:11:", "before the primary");
}

static void test_any_regimen(void **state)
{
    (void)state;
    static const char text[] =
        "name: t\ndesign: parallel\nsubjects: 6\narms:\n"
        "  - {name: placebo_spray, control: placebo, doses: [0d, 3d, 7d, 10d]}\n"
        "  - {name: esk, dose: [\"esketamine/in:56mg\", \"esketamine/in:84mg\", \"esketamine/in:84mg\", "
        "\"esketamine/in:84mg\"], doses: [0d, 3d, 7d, 10d]}\n"
        "  - {name: ket_iv, dose: \"ketamine/iv:0.5mg/kg:40min\", doses: [0d, 2d, 4d]}\n"
        "visits: [1d, 14d]\n";
    ketsim_trial_scenario sc;
    ketsim_error err;
    ketsim_error_clear(&err);
    assert_int_equal(ketsim_trial_scenario_load_string("s.yaml", text, &sc, &err), KETSIM_OK);
    assert_int_equal(sc.arms[0].control, KETSIM_TRIAL_SALINE);
    assert_int_equal(ketsim_trial_arm_n_sessions(&sc, &sc.arms[0]), 4);
    assert_null(ketsim_trial_arm_dose(&sc.arms[0], 0));
    const ketsim_dose *d = ketsim_trial_arm_dose(&sc.arms[1], 1);
    assert_non_null(d);
    assert_string_equal(d->drug, "esketamine");
    assert_int_equal(d->route, KETSIM_ROUTE_IN);
    assert_true(d->amount == 84 && !d->per_kg);
    assert_true(ketsim_trial_arm_session_h(&sc, &sc.arms[1], 2) == 7 * 24);
    d = ketsim_trial_arm_dose(&sc.arms[2], 2);
    assert_true(d->route == KETSIM_ROUTE_IV && d->per_kg && fabs(d->duration_h - 40.0 / 60) < 1e-12);
    assert_true(ketsim_trial_last_session_h(&sc) == 10 * 24);
}

static void test_builtin(void **state)
{
    (void)state;
    const char *names[] = {"zarate2006", "murrough2013", "ketamine_vs_midazolam", "dose_ranging"};
    for (size_t i = 0; i < 4; i++) {
        ketsim_trial_scenario sc;
        ketsim_error err;
        ketsim_error_clear(&err);
        if (ketsim_trial_scenario_resolve(names[i], &sc, &err) != KETSIM_OK)
            fail_msg("%s: %s", names[i], err.msg);
        assert_string_equal(sc.name, names[i]);
    }
    ketsim_trial_scenario sc;
    ketsim_error err;
    ketsim_error_clear(&err);
    assert_int_equal(ketsim_trial_scenario_resolve("no_such_trial", &sc, &err), KETSIM_EINPUT);
    assert_int_equal(ketsim_trial_scenario_resolve("bad name!", &sc, &err), KETSIM_EINPUT);
    assert_int_not_equal(ketsim_trial_scenario_resolve("../no/such.yaml", &sc, &err), KETSIM_OK);
    assert_int_equal(ketsim_trial_scenario_resolve("zarate2006", &sc, &err), KETSIM_OK);
    assert_int_equal(sc.n_subjects, 18);
    assert_int_equal(sc.n_visits, 8);
    assert_true(fabs(sc.visit_h[3] - 230.0 / 60) < 1e-12);
    assert_int_equal(ketsim_trial_scenario_resolve("murrough2013", &sc, &err), KETSIM_OK);
    assert_int_equal(sc.n_doses, 6);
    assert_true(sc.dose_h[5] == 11 * 24);
    assert_true(sc.followup_until_h == 83 * 24);
    /* murrough2013_early: the same course, the same ratings and the 4-h one */
    ketsim_trial_scenario early;
    assert_int_equal(ketsim_trial_scenario_resolve("murrough2013_early", &early, &err), KETSIM_OK);
    assert_int_equal(early.n_doses, sc.n_doses);
    assert_memory_equal(early.dose_h, sc.dose_h, sc.n_doses * sizeof sc.dose_h[0]);
    assert_true(early.seed == sc.seed && early.n_subjects == sc.n_subjects);
    assert_int_equal(early.n_visits, sc.n_visits + 1);
    assert_true(early.has_early_visit && early.visit_h[early.early_visit] == 4);
    for (size_t k = 0, j = 0; k < early.n_visits; k++)
        if (k != early.early_visit)
            assert_true(early.visit_h[k] == sc.visit_h[j++]);
    assert_true(early.visit_h[early.primary_visit] == sc.visit_h[sc.primary_visit]);
}

/* `omega` and `omega_block`: a full covariance matrix in parameter order,
 * line numbers for later messages, shape errors at load, name errors when
 * checked against the table. */
static void test_omega(void **state)
{
    (void)state;
    ketsim_trial_scenario sc;
    ketsim_error err;
    ketsim_error_clear(&err);
    const char *text = GOOD "omega:\n  nmda.koff_per_h: 0.09\n"
                            "omega_block:\n"
                            "  - params: [s_ket.cl_l_per_h, mood.sensitivity]\n"
                            "    matrix: [[0.04, 0.012], [0.012, 0.0225]]\n";
    assert_int_equal(ketsim_trial_scenario_load_string("s.yaml", text, &sc, &err), KETSIM_OK);
    assert_int_equal(sc.n_omega, 3);
    assert_string_equal(sc.omega_name[0], "nmda.koff_per_h");
    assert_string_equal(sc.omega_name[2], "mood.sensitivity");
    assert_int_equal(sc.omega_line[0], 14);
    assert_true(sc.omega_cov[0][0] == 0.09 && sc.omega_cov[1][2] == 0.012 && sc.omega_cov[2][1] == 0.012);
    assert_true(sc.omega_cov[0][1] == 0 && sc.omega_cov[2][2] == 0.0225);
    ketsim_params *p = NULL;
    assert_int_equal(ketsim_params_create(KETSIM_HUMAN, &p, &err), KETSIM_OK);
    double chol[KETSIM_TRIAL_MAX_OMEGA * KETSIM_TRIAL_MAX_OMEGA];
    assert_int_equal(ketsim_trial_scenario_omega_check(&sc, p, chol, &err), KETSIM_OK);
    assert_true(fabs(chol[1 * 3 + 1] - 0.2) < 1e-12 && fabs(chol[2 * 3 + 1] - 0.06) < 1e-12);
    strcpy(sc.omega_name[1], "s_ket.cl_l_per_hh");
    assert_int_equal(ketsim_trial_scenario_omega_check(&sc, p, chol, &err), KETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "s.yaml:16: field 'omega.s_ket.cl_l_per_hh': unknown parameter"));
    strcpy(sc.omega_name[1], "pop.age_mean_y");
    assert_int_equal(ketsim_trial_scenario_omega_check(&sc, p, chol, &err), KETSIM_EINPUT);
    ketsim_params_free(p);

    expect_error(GOOD "omega:\n  nmda.koff_per_h: 0\n", "omega.nmda.koff_per_h", "variance");
    expect_error(GOOD "omega:\n  nmda.koff_per_h: x\n", "omega.nmda.koff_per_h", NULL);
    expect_error(GOOD "omega: 3\n", "omega", NULL);
    expect_error(GOOD "omega_block:\n  params: [a.b]\n  matrix: [[1]]\n", "omega_block.params", "two");
    expect_error(GOOD "omega_block:\n  params: [a.b, c.d]\n  matrix: [[1, 0]]\n", "omega_block.matrix", "row");
    expect_error(GOOD "omega_block:\n  params: [a.b, c.d]\n  matrix: [[1, 0.5], [0.4, 1]]\n", "matrix[1][0]",
                 "symmetric");
    expect_error(GOOD "omega_block:\n  params: [a.b, c.d]\n  matrix: [[1, 1], [1, 1]]\n", "omega_block",
                 "positive definite");
    expect_error(GOOD "omega:\n  a.b: 1\nomega_block:\n  params: [a.b, c.d]\n  matrix: [[1, 0], [0, 1]]\n",
                 "omega_block.params[0]", "twice");
    expect_error(GOOD "omega_block:\n  params: [a.b, c.d]\n  matrix: [[1, 0], [0, 1]]\n  extra: 1\n", "extra",
                 NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_omega),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_any_regimen),
        cmocka_unit_test(test_endpoint_keys),
        cmocka_unit_test(test_builtin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
