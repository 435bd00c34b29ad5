/* Targets with several drugs in the doses column, and the fold statistic
 * (value over the same scenario without the main drug's doses). */
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

#include "ketsim/params.h"
#include "ketsim/formats.h"
#include "ketsim/validate.h"

#define HEADER "id,quantity,species,drug,doses,until,set,statistic,literature,lower,upper,window,source,role,table\n"

static ketsim_validation *run(const char *rows)
{
    char path[] = "/tmp/ketsim_targets_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(HEADER, f);
    fputs(rows, f);
    fclose(f);
    ketsim_validation *v = NULL;
    ketsim_error err;
    ketsim_error_clear(&err);
    ketsim_params *base = NULL;
    int rc = ketsim_params_create(KETSIM_HUMAN, &base, &err);
    if (!rc)
        rc = ketsim_targets_read(path, base, &v, &err);
    ketsim_params_free(base);
    if (!rc)
        rc = ketsim_validation_run(v, &err);
    unlink(path);
    if (rc)
        fail_msg("%s", err.msg);
    return v;
}

static double sim(const ketsim_validation *v, size_t i) { return ketsim_validation_result(v, i)->simulated; }

static void test_fold(void **state)
{
    (void)state;
    ketsim_validation *v = run(
        "a,x,rat,ketamine,ana12/ip:0.5mg/kg ip:10mg/kg@10min,1d,,at:mtorc1_rel:130min,,0,,one-sided: test,s,check,\n"
        "b,x,rat,ana12,ana12/ip:0.5mg/kg,1d,,at:mtorc1_rel:130min,,0,,one-sided: test,s,check,\n"
        "c,x,rat,ketamine,ana12/ip:0.5mg/kg ip:10mg/kg@10min,1d,,fold:mtorc1_rel:130min,,0,,one-sided: test,s,check,\n"
        "d,x,rat,ketamine,ip:10mg/kg,1d,,at:mtorc1_rel:2h,,0,,one-sided: test,s,check,\n"
        "e,x,rat,ketamine,ip:10mg/kg,1d,,fold:mtorc1_rel:2h,,0,,one-sided: test,s,check,\n");
    /* the pretreatment drug is in the model and acts: ANA-12 alone lowers
     * mTORC1 (NBQX alone no longer does: it blocks evoked signalling only) */
    assert_true(sim(v, 1) < 0.9);
    /* (row b is a model without ketamine states: solver tolerance, not exact) */
    assert_true(fabs(sim(v, 2) - sim(v, 0) / sim(v, 1)) < 1e-4 * sim(v, 2));
    /* without a pretreatment the vehicle run is the untreated baseline (1) */
    assert_true(fabs(sim(v, 4) - sim(v, 3)) < 1e-9);
    assert_true(sim(v, 3) > 1.1);
    ketsim_validation_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_fold)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
