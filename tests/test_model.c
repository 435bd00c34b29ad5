/* Core model and solver properties: mass balance, stationarity, positivity,
 * grid independence, and a closed-form one-compartment check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "ketsim/ketsim.h"

typedef struct fixture {
    ketsim_params *p;
    ketsim_catalog *cat;
    ketsim_model *m;
    ketsim_sim *sim;
    ketsim_regimen *reg;
} fixture;

static void setup_model(fixture *f, ketsim_species sp, const char *drug, const char *dose)
{
    ketsim_error err = {0};
    const char *drugs[1] = {drug};
    assert_int_equal(ketsim_params_create(sp, &f->p, &err), 0);
    assert_int_equal(ketsim_catalog_create(&f->cat, &err), 0);
    assert_int_equal(ketsim_model_create(f->p, f->cat, drugs, 1,
                                         ketsim_params_value(f->p, "species.ref_weight_kg"), &f->m, &err), 0);
    assert_int_equal(ketsim_sim_create(f->m, &f->sim, &err), 0);
    assert_int_equal(ketsim_regimen_create(&f->reg, &err), 0);
    ketsim_dose d;
    assert_int_equal(ketsim_dose_parse(dose, &d, &err), 0);
    assert_int_equal(ketsim_regimen_add(f->reg, &d, &err), 0);
}

static void teardown_model(fixture *f)
{
    ketsim_regimen_free(f->reg);
    ketsim_sim_free(f->sim);
    ketsim_model_free(f->m);
    ketsim_catalog_free(f->cat);
    ketsim_params_free(f->p);
}

static ketsim_trajectory *run_grid(fixture *f, double until, double every)
{
    ketsim_error err = {0};
    double *t;
    size_t n;
    ketsim_trajectory *tr = NULL;
    assert_int_equal(ketsim_grid_uniform(until, every, &t, &n, &err), 0);
    int rc = ketsim_sim_run(f->sim, f->reg, t, n, &tr, &err);
    free(t);
    assert_int_equal(rc, 0);
    return tr;
}

/* Dose (umol) = amount in the body + amount eliminated, at every time, for
 * every route (first pass and metabolite formation included). */
static void test_mass_balance(void **state)
{
    (void)state;
    const char *doses[] = {"iv:0.5mg/kg:40min", "iv:35mg", "po:50mg", "in:56mg", "im:35mg", "sc:35mg", "ip:35mg"};
    for (size_t k = 0; k < sizeof doses / sizeof *doses; k++) {
        fixture f;
        setup_model(&f, KETSIM_HUMAN, "ketamine", doses[k]);
        ketsim_trajectory *tr = run_grid(&f, 72, 0.5);
        const ketsim_dose *d = ketsim_regimen_dose(f.reg, 0);
        double mg = d->per_kg ? d->amount * 70 : d->amount;
        double dose_umol = mg / 237.73 * 1000.0;
        for (size_t i = 0; i < ketsim_traj_n_times(tr); i++) {
            const double *y = ketsim_traj_state(tr, i);
            double total = ketsim_model_body_umol(f.m, y) + ketsim_model_eliminated_umol(f.m, y);
            double given = ketsim_traj_time(tr, i) >= 40.0 / 60 || d->duration_h == 0
                               ? dose_umol
                               : dose_umol * ketsim_traj_time(tr, i) / d->duration_h;
            if (d->route == KETSIM_ROUTE_IN && ketsim_traj_time(tr, i) < 0.53)
                continue; /* swallowed part not yet given */
            assert_true(fabs(total - given) <= 1e-5 * dose_umol);
        }
        ketsim_traj_free(tr);
        teardown_model(&f);
    }
}

/* The untreated steady state is stationary: dy/dt ~ 0, for defaults and for
 * intervention settings that move it. */
static void test_steady_state_stationary(void **state)
{
    (void)state;
    const char *sets[] = {NULL, "bdnf.release_scale=0.7", "spine.setpoint_rel=0.5",
                          "ampa.antagonist_occupancy=0.5", "nos.inhibition=0.5", "trkb.block=0.3"};
    for (size_t k = 0; k < sizeof sets / sizeof *sets; k++) {
        fixture f;
        setup_model(&f, KETSIM_HUMAN, "ketamine", "iv:1mg");
        ketsim_error err = {0};
        if (sets[k]) {
            assert_int_equal(ketsim_params_set_assignment(f.p, sets[k], &err), 0);
            assert_int_equal(ketsim_model_update(f.m, f.p, 70, &err), 0);
        }
        size_t n = ketsim_model_n_states(f.m);
        double *y = calloc(n, sizeof *y), *dy = calloc(n, sizeof *dy);
        assert_int_equal(ketsim_model_steady_state(f.m, y, &err), 0);
        ketsim_model_rhs(f.m, 0, y, dy);
        for (size_t i = 0; i < n; i++)
            assert_true(fabs(dy[i]) < 1e-10);
        free(y);
        free(dy);
        teardown_model(&f);
    }
}

static void test_positivity(void **state)
{
    (void)state;
    fixture f;
    setup_model(&f, KETSIM_HUMAN, "ketamine", "iv:6mg/kg:40min");
    ketsim_trajectory *tr = run_grid(&f, 14 * 24, 0.25);
    /* Non-negative up to the solver's noise: ten absolute tolerances. */
    double *atol = calloc(ketsim_model_n_states(f.m), sizeof *atol);
    ketsim_model_atol(f.m, atol);
    for (size_t i = 0; i < ketsim_traj_n_times(tr); i++) {
        const double *y = ketsim_traj_state(tr, i);
        for (size_t s = 0; s < ketsim_traj_n_states(tr); s++) {
            if (!(y[s] > -10 * atol[s]))
                print_error("state %s = %g at t = %g h\n", ketsim_model_state_name(f.m, s), y[s],
                            ketsim_traj_time(tr, i));
            assert_true(y[s] > -10 * atol[s]);
        }
        for (size_t k = 0; k < ketsim_n_outputs(); k++)
            assert_true(ketsim_traj_output(tr, i, k) > -1e-7);
    }
    free(atol);
    ketsim_traj_free(tr);
    teardown_model(&f);
}

/* The output grid never changes the answer: a 1-min and a 1-h grid agree
 * bit for bit at shared times. */
static void test_grid_independence(void **state)
{
    (void)state;
    fixture f;
    setup_model(&f, KETSIM_HUMAN, "ketamine", "iv:0.5mg/kg:40min");
    ketsim_trajectory *fine = run_grid(&f, 48, 1.0 / 60);
    ketsim_trajectory *coarse = run_grid(&f, 48, 1.0);
    for (size_t i = 0; i < ketsim_traj_n_times(coarse); i++) {
        size_t j = i * 60;
        assert_true(ketsim_traj_time(fine, j) == ketsim_traj_time(coarse, i));
        for (size_t k = 0; k < ketsim_n_outputs(); k++)
            assert_true(ketsim_traj_output(fine, j, k) == ketsim_traj_output(coarse, i, k));
    }
    ketsim_traj_free(fine);
    ketsim_traj_free(coarse);
    teardown_model(&f);
}

/* (S)-dehydronorketamine alone is a one-compartment drug with no metabolites:
 * C(t) = D/V exp(-CL/V t) after an IV bolus. */
static void test_closed_form_one_compartment(void **state)
{
    (void)state;
    fixture f;
    setup_model(&f, KETSIM_HUMAN, "dhnk_s", "iv:20mg");
    ketsim_trajectory *tr = run_grid(&f, 24, 0.25);
    double v = ketsim_params_value(f.p, "s_dhnk.v1_l"), cl = ketsim_params_value(f.p, "s_dhnk.cl_l_per_h");
    long k = ketsim_output_index("plasma_s_dhnk_ng_per_ml");
    for (size_t i = 1; i < ketsim_traj_n_times(tr); i++) {
        double t = ketsim_traj_time(tr, i);
        double exact = 20.0 / v * exp(-cl / v * t) * 1000.0;
        double got = ketsim_traj_output(tr, i, (size_t)k);
        /* Global error of a 1e-6 local tolerance, measured against the peak. */
        double c0 = 20.0 / v * 1000.0;
        if (fabs(got - exact) > 1e-5 * c0)
            print_error("t=%g got %.10g exact %.10g\n", t, got, exact);
        assert_true(fabs(got - exact) <= 1e-5 * c0);
    }
    ketsim_traj_free(tr);
    teardown_model(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mass_balance),
        cmocka_unit_test(test_steady_state_stationary),
        cmocka_unit_test(test_positivity),
        cmocka_unit_test(test_grid_independence),
        cmocka_unit_test(test_closed_form_one_compartment),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
