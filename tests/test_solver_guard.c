/* The solver's guards: a step budget, non-finite right-hand sides and the
 * cancellation flag all end a run with KETSIM_ESOLVER and a message naming
 * the time, never a hang. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "sim/solver.h"

/* dy/dt = -k y: a smooth system with a known answer, y(t) = exp(-k t). */
static void decay(double t, const double *y, double *ydot, void *user)
{
    (void)t;
    ydot[0] = -*(const double *)user * y[0];
}

/* Fine until t = 0.5 h, then NaN: the model "blows up" mid-run. */
static void blows_up(double t, const double *y, double *ydot, void *user)
{
    (void)user;
    ydot[0] = t < 0.5 ? -y[0] : NAN;
}

static solver *make(solver_rhs_fn f, void *user)
{
    const double atol = 1e-10;
    solver *s = NULL;
    ketsim_error err;
    assert_int_equal(solver_create(1, f, user, &atol, 1e-8, &s, &err), KETSIM_OK);
    return s;
}

static void test_normal_run(void **state)
{
    (void)state;
    double k = 1.0, y0 = 1.0, tout[2] = {1.0, 2.0}, yout[2];
    solver *s = make(decay, &k);
    ketsim_error err;
    assert_int_equal(solver_run(s, &y0, NULL, 0, tout, NULL, 2, yout, &err), KETSIM_OK);
    assert_true(fabs(yout[0] - exp(-1.0)) < 1e-6);
    assert_true(fabs(yout[1] - exp(-2.0)) < 1e-6);
    solver_free(s);
}

static void test_step_budget(void **state)
{
    (void)state;
    double k = 1.0, y0 = 1.0, tout[1] = {1000.0}, yout[1];
    solver *s = make(decay, &k);
    solver_set_max_steps(s, 5);
    ketsim_error err = {0};
    assert_int_equal(solver_run(s, &y0, NULL, 0, tout, NULL, 1, yout, &err), KETSIM_ESOLVER);
    assert_non_null(strstr(err.msg, "solver exceeded 5 steps by t = "));
    solver_stats st;
    solver_get_stats(s, &st);
    assert_true(st.steps <= 6);
    /* The budget is per run: a generous one lets the same workspace finish. */
    solver_set_max_steps(s, 100000);
    assert_int_equal(solver_run(s, &y0, NULL, 0, tout, NULL, 1, yout, &err), KETSIM_OK);
    solver_free(s);
}

static void test_nonfinite_rhs(void **state)
{
    (void)state;
    double y0 = 1.0, tout[1] = {10.0}, yout[1];
    solver *s = make(blows_up, NULL);
    ketsim_error err = {0};
    assert_int_equal(solver_run(s, &y0, NULL, 0, tout, NULL, 1, yout, &err), KETSIM_ESOLVER);
    /* CVODE treats a non-finite derivative as recoverable and shrinks the
     * step, creeping towards t = 0.5 until either it gives up or the step
     * budget (500000 by default) runs out; both are errors naming the time. */
    assert_true(strstr(err.msg, "solver failed at t = ") ||
                strstr(err.msg, "solver exceeded 500000 steps by t = "));
    /* The failure is reported where the right-hand side went bad. */
    double t = strtod(strstr(err.msg, "t = ") + 4, NULL);
    assert_true(t >= 0.4 && t <= 0.5);
    solver_free(s);
}

static void test_cancel(void **state)
{
    (void)state;
    double k = 1.0, y0 = 1.0, tout[1] = {5.0}, yout[1];
    volatile sig_atomic_t cancel = 1;
    solver *s = make(decay, &k);
    solver_set_cancel(s, &cancel);
    ketsim_error err = {0};
    assert_int_equal(solver_run(s, &y0, NULL, 0, tout, NULL, 1, yout, &err), KETSIM_ESOLVER);
    assert_non_null(strstr(err.msg, "interrupted at t = 0 h"));
    cancel = 0;
    assert_int_equal(solver_run(s, &y0, NULL, 0, tout, NULL, 1, yout, &err), KETSIM_OK);
    assert_true(fabs(yout[0] - exp(-5.0)) < 1e-6);
    solver_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normal_run),
        cmocka_unit_test(test_step_budget),
        cmocka_unit_test(test_nonfinite_rhs),
        cmocka_unit_test(test_cancel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
