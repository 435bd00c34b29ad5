/* Parameter uncertainty for trials: what ketsim_popest_write_json writes is
 * read back into the covariance of the log THETAs (covariate effects left
 * out, a THETA without an SE kept fixed), a failed covariance step is
 * refused, and the per-replicate draws are the same whatever the number of
 * replicates drawn. */
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
#include "ketsim/popest.h"
#include "ketsim/trial.h"

#define NX 4

/* A result as the fit returns it: three THETAs (one at a bound, no SE), a
 * covariate effect, no ETAs or SIGMAs. */
static void fill(ketsim_popest_result *r, ketsim_popest_value *th, double *corr, char (*names)[160], int ok)
{
    memset(r, 0, sizeof *r);
    static const char *const nm[NX] = {"s_ket.cl_l_per_h", "mood.sensitivity", "ltp.early_max",
                                       "s_ket.cl_l_per_h~WT(power)"};
    const double est[NX] = {95.2, 1.0, 0.78, 0.75}, se[NX] = {19.04, 0.4, NAN, 0.1};
    const double c[NX * NX] = {1, -0.5, NAN, 0.1, -0.5, 1, NAN, 0, NAN, NAN, NAN, NAN, 0.1, 0, NAN, 1};
    for (size_t i = 0; i < NX; i++) {
        snprintf(th[i].name, sizeof th[i].name, "%s", nm[i]);
        th[i].estimate = est[i];
        th[i].se = ok ? se[i] : NAN;
        th[i].rse_pct = 100 * th[i].se / est[i];
        th[i].at_bound = i == 2;
        snprintf(names[i], 160, "%s", nm[i]);
    }
    memcpy(corr, c, sizeof c);
    r->n_theta = NX;
    r->theta = th;
    r->cov_ok = ok;
    snprintf(r->cov_method, sizeof r->cov_method, "%s", ok ? "sandwich" : "none");
    r->n_cov = NX;
    r->cov_corr = corr;
    r->cov_names = names;
    r->converged = ok;
}

static void write_fit(const char *path, int ok)
{
    ketsim_popest_result r;
    ketsim_popest_value th[NX];
    double corr[NX * NX], shrink = 0;
    char names[NX][160];
    fill(&r, th, corr, names, ok);
    r.eta_shrinkage_pct = &shrink;
    ketsim_error err;
    ketsim_error_clear(&err);
    assert_int_equal(ketsim_popest_write_json(path, &r, &err), KETSIM_OK);
}

static void test_round_trip(void **state)
{
    (void)state;
    char path[] = "/tmp/ketsim_unc_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    write_fit(path, 1);
    ketsim_trial_uncertainty *u = malloc(sizeof *u);
    assert_non_null(u);
    ketsim_error err;
    ketsim_error_clear(&err);
    assert_int_equal(ketsim_trial_uncertainty_load(path, u, &err), KETSIM_OK);
    assert_int_equal(u->n, 3); /* the covariate effect is not a table row */
    assert_string_equal(u->name[2], "ltp.early_max");
    assert_int_equal(u->drawn[0], 1);
    assert_int_equal(u->drawn[1], 1);
    assert_int_equal(u->drawn[2], 0);
    /* two drawn: var(log CL) = 0.2^2, var(log mood) = 0.4^2, cov = -0.5 x 0.2 x 0.4 */
    assert_true(fabs(u->cov_log[0] - 0.04) < 1e-9);
    assert_true(fabs(u->cov_log[3] - 0.16) < 1e-9);
    assert_true(fabs(u->cov_log[1] + 0.04) < 1e-9 && fabs(u->cov_log[2] + 0.04) < 1e-9);

    /* replicate r's draw does not depend on how many are drawn */
    ketsim_trial_rep_params a = {0}, b = {0};
    assert_int_equal(ketsim_trial_uncertainty_draw(u, 9, 3, &a, &err), KETSIM_OK);
    assert_int_equal(ketsim_trial_uncertainty_draw(u, 9, 10, &b, &err), KETSIM_OK);
    assert_int_equal(a.n_rows, 3);
    assert_memory_equal(a.value, b.value, 3 * 3 * sizeof(double));
    assert_true(a.value[2] == 0.78 && a.value[3 + 2] == 0.78);
    assert_true(a.value[0] != a.value[3]);
    ketsim_params *p = NULL;
    assert_int_equal(ketsim_params_create(KETSIM_HUMAN, &p, &err), KETSIM_OK);
    assert_int_equal(ketsim_trial_rep_params_check(&b, p, 10, &err), KETSIM_OK);
    assert_int_equal(ketsim_trial_rep_params_check(&a, p, 4, &err), KETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "3 parameter sets for 4 replicates"));
    ketsim_params_free(p);
    ketsim_trial_rep_params_free(&a);
    ketsim_trial_rep_params_free(&b);

    write_fit(path, 0);
    assert_int_equal(ketsim_trial_uncertainty_load(path, u, &err), KETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "has no covariance"));
    free(u);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
