/* The pharmacokinetic statistics of targets: auc_ratio (ratio of two
 * outputs' areas under the curve over a window) and halflife (log-linear
 * fit over a window), checked against one-compartment closed forms. */
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

#include "ketsim/formats.h"
#include "ketsim/params.h"
#include "ketsim/validate.h"

#define HEADER "id,quantity,species,drug,doses,until,set,statistic,literature,lower,upper,window,source,role,table\n"

/* Both DHNK enantiomers as one-compartment drugs with values set here, so
 * the closed forms do not depend on the table. */
#define SETS "s_dhnk.v1_l=70 s_dhnk.cl_l_per_h=30 r_dhnk.v1_l=70 r_dhnk.cl_l_per_h=60"

static int read_and_run(const char *rows, ketsim_validation **out, ketsim_error *err)
{
    char path[] = "/tmp/ketsim_targets_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(HEADER, f);
    fputs(rows, f);
    fclose(f);
    ketsim_validation *v = NULL;
    ketsim_error_clear(err);
    ketsim_params *base = NULL;
    int rc = ketsim_params_create(KETSIM_HUMAN, &base, err);
    if (!rc)
        rc = ketsim_targets_read(path, base, &v, err);
    ketsim_params_free(base);
    if (!rc)
        rc = ketsim_validation_run(v, err);
    unlink(path);
    if (rc)
        ketsim_validation_free(v);
    else
        *out = v;
    return rc;
}

static double sim(const ketsim_validation *v, size_t i) { return ketsim_validation_result(v, i)->simulated; }

static void test_halflife_closed_form(void **state)
{
    (void)state;
    ketsim_validation *v = NULL;
    ketsim_error err;
    int rc = read_and_run("a,x,human,dhnk_s,iv:20mg,1d," SETS ",halflife:plasma_s_dhnk_ng_per_ml:2h:20h,,0,,"
                          "one-sided: test,s,check,\n"
                          "b,x,human,dhnk_s,iv:20mg:30h,2d," SETS ",halflife:plasma_s_dhnk_ng_per_ml:2h:20h,,0,,"
                          "one-sided: test,s,check,\n",
                          &v, &err);
    if (rc)
        fail_msg("%s", err.msg);
    double exact = log(2.0) * 70 / 30;
    printf("  half-life %.6f h (exact %.6f)\n", sim(v, 0), exact);
    assert_true(fabs(sim(v, 0) - exact) < 1e-3 * exact);
    /* during an infusion the level rises: no half-life */
    assert_true(isinf(sim(v, 1)));
    ketsim_validation_free(v);
}

/* Racemic DHNK: each enantiomer gets half the dose, so AUC_S / AUC_total =
 * (1/CL_S) / (1/CL_S + 1/CL_R) = 2/3 over a window that sees both gone. */
static void test_auc_ratio_closed_form(void **state)
{
    (void)state;
    ketsim_validation *v = NULL;
    ketsim_error err;
    int rc = read_and_run("a,x,human,dhnk,iv:20mg,2d," SETS
                          ",auc_ratio:plasma_s_dhnk_ng_per_ml:plasma_dhnk_ng_per_ml:0h:2d,,0,,one-sided: test,s,check,\n"
                          "b,x,human,dhnk,iv:20mg,2d," SETS
                          ",auc_ratio:plasma_r_dhnk_ng_per_ml:plasma_s_dhnk_ng_per_ml:0h:2d,,0,,one-sided: test,s,check,\n",
                          &v, &err);
    if (rc)
        fail_msg("%s", err.msg);
    printf("  AUC S/(S+R) %.6f (exact %.6f), R/S %.6f (exact 0.5)\n", sim(v, 0), 2.0 / 3, sim(v, 1));
    assert_true(fabs(sim(v, 0) - 2.0 / 3) < 2e-3);
    assert_true(fabs(sim(v, 1) - 0.5) < 2e-3);
    ketsim_validation_free(v);
}

/* A statistic with the wrong number of parts is an error naming the column. */
static void test_bad_arity(void **state)
{
    (void)state;
    ketsim_validation *v = NULL;
    ketsim_error err;
    int rc = read_and_run("a,x,human,dhnk,iv:20mg,2d,,auc_ratio:plasma_s_dhnk_ng_per_ml:0h:2d,,0,,one-sided: test,s,check,\n",
                          &v, &err);
    assert_int_equal(rc, KETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "statistic"));
    rc = read_and_run("a,x,human,dhnk,iv:20mg,2d,,halflife:plasma_s_dhnk_ng_per_ml:2h,,0,,one-sided: test,s,check,\n",
                      &v, &err);
    assert_int_equal(rc, KETSIM_EINPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_halflife_closed_form),
        cmocka_unit_test(test_auc_ratio_closed_form),
        cmocka_unit_test(test_bad_arity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
