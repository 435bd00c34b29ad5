/* Forward sensitivities (CVODES) against central finite differences of the
 * plain simulator, and against the closed form of a one-compartment bolus. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "ketsim/model.h"
#include "ketsim/sensitivity.h"

typedef struct env {
    ketsim_params *p;
    ketsim_catalog *cat;
    ketsim_regimen *reg;
} env;

static int setup(void **state)
{
    env *e = calloc(1, sizeof *e);
    ketsim_error err;
    if (!e || ketsim_params_create(KETSIM_HUMAN, &e->p, &err) || ketsim_catalog_create(&e->cat, &err) ||
        ketsim_regimen_create(&e->reg, &err))
        return -1;
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    env *e = *state;
    ketsim_regimen_free(e->reg);
    ketsim_params_free(e->p);
    ketsim_catalog_free(e->cat);
    free(e);
    return 0;
}

static void add_dose(env *e, const char *spec)
{
    ketsim_dose d;
    ketsim_error err = {0};
    if (ketsim_dose_parse(spec, &d, &err) || ketsim_regimen_add(e->reg, &d, &err))
        fail_msg("dose %s: %s", spec, err.msg);
}

static ketsim_sens *make(env *e, const char *drug, const char *output, double time_h)
{
    ketsim_sens *s = NULL;
    ketsim_error err = {0};
    long o = ketsim_output_index(output);
    assert_true(o > 0);
    double w = ketsim_params_value(e->p, "species.ref_weight_kg");
    if (ketsim_sens_create(e->p, e->cat, drug, w, e->reg, (size_t)o, time_h, &s, &err))
        fail_msg("sens_create: %s", err.msg);
    return s;
}

/* Forward and finite-difference sensitivities of one output to two
 * parameters agree within 1e-3 absolute, 1% relative, or twice the finite
 * differences' own spread between step sizes 1e-3 and 1e-2. */
static void compare(env *e, const char *output, double time_h, const char *a, const char *b)
{
    ketsim_sens *s = make(e, "ketamine", output, time_h);
    const char *names[2] = {a, b};
    double y0 = 0, fwd[2];
    int normalised = 0;
    long evals = 0;
    ketsim_error err = {0};
    if (ketsim_sens_local_forward(s, names, 2, &y0, fwd, &normalised, &evals, &err))
        fail_msg("forward: %s", err.msg);
    assert_true(normalised);
    assert_true(evals > 0);
    for (int i = 0; i < 2; i++) {
        ketsim_sens_local fd;
        if (ketsim_sens_local_one(s, names[i], &fd, &err))
            fail_msg("finite differences: %s", err.msg);
        assert_true(fabs(fd.y0 - y0) <= 1e-4 * fabs(y0) + 1e-9);
        double diff = fabs(fwd[i] - fd.s_fine);
        printf("  %s at %g h wrt %s: CVODES %.6f, FD %.6f (coarse %.6f), |diff| %.2e\n", output, time_h, names[i],
               fwd[i], fd.s_fine, fd.s_coarse, diff);
        assert_true(fabs(fwd[i]) > 1e-3); /* a comparison of real effects */
        /* The finite differences come from the plain simulator (rtol 1e-6),
         * whose step sequence jumps with the parameter where the right-hand
         * side has kinks (induction thresholds, the anaesthetic cap): their
         * own uncertainty is then larger than 1%, and the spread between the
         * two step sizes measures it. */
        double fd_spread = fabs(fd.s_fine - fd.s_coarse);
        assert_true(diff <= 1e-3 || diff <= 0.01 * fabs(fd.s_fine) || diff <= 2 * fd_spread);
    }
    ketsim_sens_free(s);
}

static void test_plasma_pk(void **state)
{
    env *e = *state;
    add_dose(e, "iv:0.5mg/kg:40min");
    compare(e, "plasma_ketamine_ng_per_ml", 1.0, "s_ket.cl_l_per_h", "s_ket.v1_l");
}

static void test_glutamate_cascade(void **state)
{
    env *e = *state;
    add_dose(e, "iv:0.5mg/kg:40min");
    compare(e, "pfc_glutamate_rel", 1.0, "glu.feedback_k_per_h", "nmda.interneuron_selectivity");
}

static void test_madrs_day(void **state)
{
    env *e = *state;
    add_dose(e, "iv:0.5mg/kg:40min");
    compare(e, "madrs", 24.0, "ltp.late_max", "spine.elimination_k_per_h");
}

/* Parameters that move the untreated steady state: the initial
 * sensitivities are not 0. */
static void test_steady_state_moves(void **state)
{
    env *e = *state;
    add_dose(e, "iv:0.5mg/kg:40min");
    compare(e, "madrs", 24.0, "spine.setpoint_rel", "trkb.km_rel");
}

/* One compartment, bolus D: C = D / V exp(-CL t / V), so
 * d ln C / d ln CL = -CL t / V and d ln C / d ln V = -1 + CL t / V. */
static void test_one_compartment_closed_form(void **state)
{
    env *e = *state;
    add_dose(e, "iv:20mg");
    double t = 2.0, cl = ketsim_params_value(e->p, "s_dhnk.cl_l_per_h"), v = ketsim_params_value(e->p, "s_dhnk.v1_l");
    ketsim_sens *s = make(e, "dhnk_s", "plasma_s_dhnk_ng_per_ml", t);
    const char *names[2] = {"s_dhnk.cl_l_per_h", "s_dhnk.v1_l"};
    double y0 = 0, fwd[2];
    int normalised = 0;
    ketsim_error err = {0};
    if (ketsim_sens_local_forward(s, names, 2, &y0, fwd, &normalised, NULL, &err))
        fail_msg("forward: %s", err.msg);
    double k = cl * t / v;
    printf("  (S)-DHNK bolus at %g h: S(CL) %.7f (exact %.7f), S(V) %.7f (exact %.7f)\n", t, fwd[0], -k, fwd[1], k - 1);
    assert_true(fabs(y0 - 20.0 / v * 1000 * exp(-k)) <= 1e-4 * y0);
    assert_true(fabs(fwd[0] + k) <= 1e-4);
    assert_true(fabs(fwd[1] - (k - 1)) <= 1e-4);
    ketsim_sens_free(s);
}

/* Unsupported names fail cleanly; a zero-valued parameter gets 0. */
static void test_unsupported_and_zero(void **state)
{
    env *e = *state;
    add_dose(e, "iv:20mg");
    ketsim_sens *s = make(e, "dhnk_s", "plasma_s_dhnk_ng_per_ml", 1.0);
    const char *bad[1] = {"route.po.f"}, *zero[2] = {"s_dhnk.ampa_block_ki_um", "s_dhnk.cl_l_per_h"};
    double y0, sens[2] = {1, 1};
    int normalised;
    ketsim_error err = {0};
    assert_false(ketsim_sens_forward_supports(s, "route.po.f"));
    assert_true(ketsim_sens_forward_supports(s, "glu.k_per_h"));
    assert_int_equal(ketsim_sens_local_forward(s, bad, 1, &y0, sens, &normalised, NULL, &err), KETSIM_EINPUT);
    assert_int_equal(ketsim_sens_local_forward(s, zero, 2, &y0, sens, &normalised, NULL, &err), KETSIM_OK);
    assert_true(sens[0] == 0.0);
    assert_true(sens[1] < 0);
    ketsim_sens_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_plasma_pk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_glutamate_cascade, setup, teardown),
        cmocka_unit_test_setup_teardown(test_madrs_day, setup, teardown),
        cmocka_unit_test_setup_teardown(test_steady_state_moves, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_compartment_closed_form, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsupported_and_zero, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
