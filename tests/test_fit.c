/* Parameter recovery: data simulated from known parameters with
 * deterministic residual noise (tests/tools/fitgen.c), fitted from the
 * default start values. */
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

#include "fitgen.h"
#include "ketsim/dataset.h"
#include "ketsim/fit.h"

typedef struct env {
    ketsim_params *p;
    ketsim_catalog *cat;
} env;

static int setup(void **state)
{
    env *e = calloc(1, sizeof *e);
    ketsim_error err;
    if (!e || ketsim_params_create(KETSIM_HUMAN, &e->p, &err) || ketsim_catalog_create(&e->cat, &err))
        return -1;
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    env *e = *state;
    ketsim_params_free(e->p);
    ketsim_catalog_free(e->cat);
    free(e);
    return 0;
}

static void temp_path(char *buf, size_t n)
{
    snprintf(buf, n, "/tmp/ketsim_fit_XXXXXX");
    int fd = mkstemp(buf);
    assert_true(fd >= 0);
    close(fd);
}

/* Read a data file through the dataset reader and fit it. */
static int fit_file(env *e, const char *drug, const char *path, const char *const *names, size_t n,
                    const ketsim_fit_options *opt, ketsim_fit_result **r, ketsim_error *err)
{
    ketsim_dataset *ds = NULL;
    int rc = ketsim_dataset_read(path, &ds, err);
    if (!rc)
        rc = ketsim_fit_run(e->p, e->cat, drug, 70, ketsim_dataset_events(ds), names, n, opt, r, err);
    ketsim_dataset_free(ds);
    return rc;
}

static ketsim_fit_result *fit_design(env *e, const char *design, ketsim_fit_errmodel em)
{
    const fitgen_design *d = fitgen_named(design);
    char path[64];
    ketsim_error err = {0};
    temp_path(path, sizeof path);
    if (fitgen_write(path, d, &err))
        fail_msg("fitgen: %s", err.msg);
    ketsim_fit_options opt = {.error_model = em};
    ketsim_fit_result *r = NULL;
    int rc = fit_file(e, d->drug, path, d->set_names, d->n_set, &opt, &r, &err);
    unlink(path);
    if (rc)
        fail_msg("fit: %s", err.msg);
    return r;
}

/* Within rel_tol of the truth, and the truth inside estimate +- 1.96 SE. */
static void check_recovery(const ketsim_fit_result *r, const fitgen_design *d, double rel_tol)
{
    assert_true(r->converged);
    assert_true(r->se_available);
    for (size_t i = 0; i < r->n_par; i++) {
        double truth = d->set_values[i], est = r->estimate[i], se = r->se[i];
        printf("  %s: truth %g, estimate %g, SE %g (%.2f%% off)\n", r->names[i], truth, est, se,
               100 * (est - truth) / truth);
        if (!(fabs(est - truth) <= rel_tol * truth))
            fail_msg("%s: %g is more than %g%% from %g", r->names[i], est, 100 * rel_tol, truth);
        if (!(fabs(est - truth) <= 1.96 * se))
            fail_msg("%s: 95%% interval %g +- %g misses %g", r->names[i], est, 1.96 * se, truth);
    }
}

static void test_pk_recovery(void **state)
{
    ketsim_fit_result *r = fit_design(*state, "pk", KETSIM_FIT_PROPORTIONAL);
    check_recovery(r, fitgen_named("pk"), 0.05);
    /* the noise was 10% proportional: its ML estimate should be near */
    assert_true(fabs(r->sigma_prop - 0.10) < 0.03);
    assert_true(fabs(r->corr[1]) < 1 && r->corr[0] == 1.0 && r->corr[3] == 1.0);
    ketsim_fit_result_free(r);
}

static void test_cascade_recovery(void **state)
{
    ketsim_fit_result *r = fit_design(*state, "cascade", KETSIM_FIT_ADDITIVE);
    check_recovery(r, fitgen_named("cascade"), 0.15);
    assert_true(fabs(r->sigma_add - 0.01) < 0.004);
    ketsim_fit_result_free(r);
}

/* Combined nests proportional: its optimum cannot be worse; the additive
 * model, wrong for these data, must fit worse by AIC.  The additive
 * -2LL equals n (log(2 pi sigma^2) + 1) at the profiled sigma. */
static void test_error_models(void **state)
{
    ketsim_fit_result *prop = fit_design(*state, "pk", KETSIM_FIT_PROPORTIONAL);
    ketsim_fit_result *comb = fit_design(*state, "pk", KETSIM_FIT_COMBINED);
    ketsim_fit_result *add = fit_design(*state, "pk", KETSIM_FIT_ADDITIVE);
    assert_true(comb->ofv <= prop->ofv + 1e-3);
    assert_true(comb->n_sigma == 2 && prop->n_sigma == 1);
    assert_true(add->aic > prop->aic + 10);
    double n = (double)add->n_obs, s2 = add->sigma_add * add->sigma_add;
    assert_true(fabs(add->ofv - n * (log(2 * 3.14159265358979323846 * s2) + 1)) < 1e-6 * fabs(add->ofv) + 1e-9);
    assert_true(fabs(add->bic - add->aic - 3 * (log(n) - 2)) < 1e-9);
    ketsim_fit_result_free(prop);
    ketsim_fit_result_free(comb);
    ketsim_fit_result_free(add);
}

static void expect_data_error(env *e, const char *content, const char *want1, const char *want2)
{
    char path[64];
    temp_path(path, sizeof path);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
    const char *names[] = {"s_ket.cl_l_per_h"};
    ketsim_fit_result *r = NULL;
    ketsim_error err = {0};
    int rc = fit_file(e, "esketamine", path, names, 1, NULL, &r, &err);
    unlink(path);
    assert_int_equal(rc, KETSIM_EINPUT);
    assert_null(r);
    if (!strstr(err.msg, want1) || !strstr(err.msg, want2))
        fail_msg("message '%s' lacks '%s' or '%s'", err.msg, want1, want2);
}

static void test_bad_data(void **state)
{
    env *e = *state;
    expect_data_error(e, "ID,TIME,AMT,RATE,CMT,EVID,DV\n1,0,10,0,1,1,.\n", "no observation", "MDV 0");
    expect_data_error(e, "ID,TIME,AMT,RATE,CMT,EVID,DV,OUTPUT\n1,0,10,0,1,1,.,.\n1,1,.,.,.,0,5,plasma_nothing\n",
                      ":3:", "plasma_nothing");
    expect_data_error(e, "ID,TIME,AMT,RATE,CMT,EVID,DV,OUTPUT\n1,0,10,0,1,1,.,.\n1,1,.,.,.,0,abc,madrs\n", ":3:",
                      "column DV");
    expect_data_error(e,
                      "ID,TIME,AMT,RATE,CMT,EVID,DV,OUTPUT\n1,0,10,0,1,1,.,.\n1,2,.,.,.,0,5,madrs\n"
                      "1,1,.,.,.,0,5,madrs\n",
                      ":4:", "column TIME");
    expect_data_error(e, "ID,TIME,AMT,RATE,CMT,EVID,DV,OUTPUT\n1,0,10,0,9,1,.,.\n1,1,.,.,.,0,5,madrs\n", ":2:",
                      "CMT");
    expect_data_error(e,
                      "ID,TIME,AMT,RATE,CMT,EVID,DV,OUTPUT\n1,0,10,0,1,1,.,.\n2,0,10,0,1,1,.,.\n"
                      "1,1,.,.,.,0,5,madrs\n",
                      ":4:", "appears again");
    /* a BLQ observation has no value for least squares: refused, not dropped */
    expect_data_error(e,
                      "ID,TIME,AMT,RATE,CMT,EVID,DV,LLOQ,OUTPUT\n1,0,10,0,1,1,.,.,.\n"
                      "1,1,.,.,.,0,5,1,plasma_s_ketamine_ng_per_ml\n1,9,.,.,.,0,0.5,1,plasma_s_ketamine_ng_per_ml\n",
                      ":4:", "BLQ");
    /* per-record lag items would be silently misread: refused */
    expect_data_error(e, "ID,TIME,AMT,RATE,CMT,EVID,DV,ALAG1\n1,0,10,0,1,1,.,0.5\n", ":1:", "ALAG1");
}

/* MDV=1 rows are predicted but never fitted: an absurd DV on one changes
 * nothing; a NONMEM comment row (C column) is skipped. */
static void test_mdv_ignored(void **state)
{
    env *e = *state;
    const fitgen_design *d = fitgen_named("pk");
    char clean[64], dirty[64];
    ketsim_error err = {0};
    temp_path(clean, sizeof clean);
    temp_path(dirty, sizeof dirty);
    if (fitgen_write(clean, d, &err))
        fail_msg("fitgen: %s", err.msg);
    FILE *in = fopen(clean, "r"), *out = fopen(dirty, "w");
    assert_non_null(in);
    assert_non_null(out);
    char line[512];
    int first = 1;
    while (fgets(line, sizeof line, in)) {
        if (first) { /* header: add MDV and C */
            line[strcspn(line, "\n")] = '\0';
            fprintf(out, "%s,MDV,C\n", line);
            first = 0;
            continue;
        }
        line[strcspn(line, "\n")] = '\0';
        int dose = strstr(line, ",1,1,") != NULL;
        fprintf(out, "%s,%d,.\n", line, dose);
    }
    fprintf(out, "4,13,.,.,.,0,9999,plasma_s_ketamine_ng_per_ml,1,.\n");
    fprintf(out, "4,14,.,.,.,0,-7777,plasma_s_ketamine_ng_per_ml,0,C\n");
    fclose(in);
    fclose(out);
    ketsim_fit_options opt = {.error_model = KETSIM_FIT_PROPORTIONAL};
    ketsim_fit_result *a = NULL, *b = NULL;
    if (fit_file(e, d->drug, clean, d->set_names, d->n_set, &opt, &a, &err) ||
        fit_file(e, d->drug, dirty, d->set_names, d->n_set, &opt, &b, &err))
        fail_msg("fit: %s", err.msg);
    unlink(clean);
    unlink(dirty);
    assert_int_equal(a->n_obs, b->n_obs);
    /* equal up to the solver: the extra record lengthens subject 4's solve,
     * which moves its last steps (a fitted 9999 would move CL by far more) */
    for (size_t i = 0; i < a->n_par; i++)
        assert_true(fabs(a->estimate[i] - b->estimate[i]) <= 1e-4 * a->estimate[i]);
    ketsim_fit_result_free(a);
    ketsim_fit_result_free(b);
}

static void test_bad_names(void **state)
{
    env *e = *state;
    const char *names[] = {"no.such_param"};
    ketsim_fit_result *r = NULL;
    ketsim_error err = {0};
    ketsim_events *ev = NULL;
    assert_int_equal(ketsim_events_create("none", &ev, &err), KETSIM_OK);
    assert_int_equal(ketsim_fit_run(e->p, e->cat, "esketamine", 70, ev, names, 1, NULL, &r, &err), KETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "no.such_param"));
    const char *zero[] = {"ampa.antagonist_occupancy"}; /* 0 by default: no log scale */
    assert_int_equal(ketsim_fit_run(e->p, e->cat, "esketamine", 70, ev, zero, 1, NULL, &r, &err), KETSIM_EINPUT);
    ketsim_events_free(ev);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pk_recovery),   cmocka_unit_test(test_cascade_recovery),
        cmocka_unit_test(test_error_models),  cmocka_unit_test(test_bad_data),
        cmocka_unit_test(test_mdv_ignored),   cmocka_unit_test(test_bad_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
