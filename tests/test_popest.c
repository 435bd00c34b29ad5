/* Population estimation (FOCE-I, SAEM): recovery of known THETA, OMEGA and
 * SIGMA from a simulated population (tests/tools/popgen.c), BLQ records
 * through M3, NONMEM record conventions in a fit, and the same estimates
 * for any number of threads.
 *
 * Under KETSIM_QUICK_VALIDATE=1 (the sanitizer stage of CI) the three
 * 40-subject recoveries are left out: they are many minutes under
 * instrumentation, and the uninstrumented stage runs them.  Every code path
 * still runs there: test_records goes through FOCE-I with the covariance
 * step, test_threads_identical through SAEM and importance sampling. */
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

#include "popgen.h"
#include "ketsim/dataset.h"
#include "ketsim/popest.h"

#define CL "theo.cl_l_per_h"
#define V1 "theo.v1_l"
#define KA "theo.route.po.ka_per_h"

static int quick(void)
{
    const char *q = getenv("KETSIM_QUICK_VALIDATE");
    return q && strcmp(q, "1") == 0;
}

typedef struct env {
    ketsim_params *p;
    ketsim_catalog *cat;
    const char *drug;
} env;

static int setup(void **state)
{
    env *e = calloc(1, sizeof *e);
    ketsim_error err;
    if (!e || ketsim_params_create(KETSIM_HUMAN, &e->p, &err) || ketsim_catalog_create(&e->cat, &err) ||
        ketsim_catalog_load_drug_file(e->cat, e->p, KETSIM_SOURCE_DIR "/examples/theoph.yaml", &e->drug, &err))
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

static ketsim_dataset *make(const char *design)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/ketsim_popest_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    ketsim_error err = {0};
    ketsim_dataset *ds = NULL;
    if (popgen_write(path, popgen_named(design), &err) || ketsim_dataset_read(path, &ds, &err))
        fail_msg("%s: %s", design, err.msg);
    unlink(path);
    return ds;
}

static ketsim_popest_result *fit(env *e, const ketsim_dataset *ds, ketsim_popest_method m,
                                 const ketsim_popest_options *opt, int eta_ka)
{
    ketsim_error err = {0};
    ketsim_popest *pe = NULL;
    ketsim_popest_result *r = NULL;
    int rc = ketsim_popest_create(e->p, e->cat, e->drug, 70, ketsim_dataset_events(ds), &pe, &err);
    rc = rc ? rc : ketsim_popest_set_method(pe, m, &err);
    rc = rc ? rc : ketsim_popest_set_options(pe, opt, &err);
    rc = rc ? rc : ketsim_popest_add_theta(pe, CL, NAN, NAN, &err);
    rc = rc ? rc : ketsim_popest_add_theta(pe, V1, NAN, NAN, &err);
    rc = rc ? rc : ketsim_popest_add_theta(pe, KA, NAN, NAN, &err);
    rc = rc ? rc : ketsim_popest_add_eta(pe, CL, 0, &err);
    rc = rc ? rc : ketsim_popest_add_eta(pe, V1, 0, &err);
    if (eta_ka)
        rc = rc ? rc : ketsim_popest_add_eta(pe, KA, 0, &err);
    rc = rc ? rc : ketsim_popest_set_error(pe, NULL, KETSIM_FIT_PROPORTIONAL, 0, 0, &err);
    rc = rc ? rc : ketsim_popest_run(pe, &r, &err);
    ketsim_popest_free(pe);
    if (rc)
        fail_msg("popest: %s", err.msg);
    return r;
}

static void near(const char *what, double est, double truth, double tol)
{
    printf("  %-28s truth %-8g estimate %-10.5g (%+.1f%%)\n", what, truth, est, 100 * (est - truth) / truth);
    if (!(fabs(est - truth) <= tol * fabs(truth)))
        fail_msg("%s: %g is more than %g%% from %g", what, est, 100 * tol, truth);
}

/* THETAs within 10%, OMEGA variances within 30%, SIGMA within 20%. */
static void check_recovery(const ketsim_popest_result *r, const popgen_design *d)
{
    const double truth[3] = {d->cl, d->v, d->ka};
    assert_int_equal(r->n_theta, 3);
    for (size_t i = 0; i < 3; i++)
        near(r->theta[i].name, r->theta[i].estimate, truth[i], 0.10);
    near("OMEGA(CL)", r->omega[0], d->om_cl, 0.30);
    near("OMEGA(V)", r->omega[r->n_eta + 1], d->om_v, 0.30);
    assert_int_equal(r->n_sigma, 1);
    near("SIGMA prop", r->sigma[0].estimate, d->sigma_prop, 0.20);
}

/* The truth inside estimate +- 1.96 SE (this seed's sample is near the truth). */
static void check_coverage(const ketsim_popest_result *r, const popgen_design *d)
{
    const double truth[3] = {d->cl, d->v, d->ka};
    assert_true(r->cov_ok);
    for (size_t i = 0; i < 3; i++) {
        const ketsim_popest_value *v = &r->theta[i];
        if (!(fabs(v->estimate - truth[i]) <= 1.96 * v->se))
            fail_msg("%s: 95%% interval %g +- %g misses %g", v->name, v->estimate, 1.96 * v->se, truth[i]);
        assert_true(v->rse_pct > 0.5 && v->rse_pct < 30);
    }
}

static void test_foce_recovery(void **state)
{
    if (quick())
        skip();
    ketsim_dataset *ds = make("small");
    ketsim_popest_options opt = {.threads = 2};
    ketsim_popest_result *r = fit(*state, ds, KETSIM_POPEST_FOCEI, &opt, 0);
    printf("FOCE-I: OFV %.3f, %zu simulations, %.1f s\n", r->ofv, r->n_sims, r->seconds);
    check_recovery(r, popgen_named("small"));
    check_coverage(r, popgen_named("small"));
    if (!r->converged)
        fail_msg("not converged: %s", r->message);
    assert_string_equal(r->ofv_method, "FOCE-I");
    assert_true(isfinite(r->aic) && r->bic > r->aic);
    /* diagnostics: every fitted record has PRED, IPRED, IWRES and CWRES;
     * CWRES are roughly standard normal */
    double s1 = 0, s2 = 0;
    size_t n = 0;
    for (size_t i = 0; i < r->n_records; i++)
        if (isfinite(r->res[i])) {
            assert_true(isfinite(r->pred[i]) && isfinite(r->ipred[i]) && isfinite(r->iwres[i]) && isfinite(r->cwres[i]));
            s1 += r->cwres[i], s2 += r->cwres[i] * r->cwres[i], n++;
        }
    assert_int_equal(n, r->n_obs);
    double mean = s1 / (double)n, sd = sqrt(s2 / (double)n - mean * mean);
    printf("  CWRES mean %.3f SD %.3f; shrinkage ETA %.1f%% %.1f%%, EPS %.1f%%\n", mean, sd, r->eta_shrinkage_pct[0],
           r->eta_shrinkage_pct[1], r->eps_shrinkage_pct);
    assert_true(fabs(mean) < 0.3 && sd > 0.75 && sd < 1.25);
    assert_true(r->eta_shrinkage_pct[0] > -20 && r->eta_shrinkage_pct[0] < 40);
    ketsim_popest_result_free(r);
    ketsim_dataset_free(ds);
}

static void test_saem_recovery(void **state)
{
    if (quick())
        skip();
    ketsim_dataset *ds = make("small");
    ketsim_popest_options opt = {.threads = 2, .seed = 7, .saem_explore = 80, .saem_smooth = 40,
                                 .covstep = KETSIM_COVSTEP_NONE, .is_samples = 200};
    ketsim_popest_result *r = fit(*state, ds, KETSIM_POPEST_SAEM, &opt, 0);
    printf("SAEM: OFV (IS) %.3f, FOCE-I %.3f, %zu simulations, %.1f s\n", r->ofv, r->ofv_foce, r->n_sims, r->seconds);
    check_recovery(r, popgen_named("small"));
    assert_string_equal(r->ofv_method, "importance sampling");
    /* the two approximations of the same likelihood agree closely here */
    assert_true(fabs(r->ofv_is - r->ofv_foce) < 5);
    ketsim_popest_result_free(r);
    ketsim_dataset_free(ds);
}

/* Censored records through M3: about 10% of the samples are under the
 * LLOQ (flagged BLQ, DV = LLOQ), and the estimates still recover. */
static void test_blq_m3(void **state)
{
    if (quick())
        skip();
    ketsim_dataset *ds = make("blq");
    ketsim_popest_options opt = {.threads = 2, .covstep = KETSIM_COVSTEP_NONE};
    ketsim_popest_result *r = fit(*state, ds, KETSIM_POPEST_FOCEI, &opt, 0);
    printf("FOCE-I with M3: %zu of %zu observations BLQ\n", r->n_blq, r->n_obs);
    assert_true(r->n_blq >= 10 && r->n_blq < r->n_obs / 4);
    check_recovery(r, popgen_named("blq"));
    for (size_t i = 0; i < r->n_records; i++) {
        const ketsim_event *e = ketsim_events_record(ketsim_dataset_events(ds), i);
        if (e->evid == 0 && e->blq) /* predicted, but no residual */
            assert_true(isfinite(r->ipred[i]) && isnan(r->iwres[i]) && isnan(r->cwres[i]));
    }
    ketsim_popest_result_free(r);
    ketsim_dataset_free(ds);
}

/* Same seed, same estimates, 1 or 2 threads (SAEM draws and the sums). */
static void test_threads_identical(void **state)
{
    ketsim_dataset *ds = make("small");
    ketsim_popest_options opt = {.threads = 1, .seed = 3, .saem_explore = 6, .saem_smooth = 4,
                                 .covstep = KETSIM_COVSTEP_NONE, .is_samples = 20};
    ketsim_popest_result *a = fit(*state, ds, KETSIM_POPEST_SAEM, &opt, 0);
    opt.threads = 2;
    ketsim_popest_result *b = fit(*state, ds, KETSIM_POPEST_SAEM, &opt, 0);
    for (size_t i = 0; i < a->n_theta; i++)
        assert_memory_equal(&a->theta[i].estimate, &b->theta[i].estimate, sizeof(double));
    assert_memory_equal(a->omega, b->omega, a->n_eta * a->n_eta * sizeof(double));
    assert_memory_equal(&a->ofv, &b->ofv, sizeof(double));
    opt.seed = 4; /* and another seed gives other numbers */
    ketsim_popest_result *c = fit(*state, ds, KETSIM_POPEST_SAEM, &opt, 0);
    assert_true(c->theta[0].estimate != a->theta[0].estimate);
    ketsim_popest_result_free(a);
    ketsim_popest_result_free(b);
    ketsim_popest_result_free(c);
    ketsim_dataset_free(ds);
}

/* NONMEM conventions inside a fit: per subject a dose with ADDL (0 and
 * 12 h), a trough at 12 h (the implied dose comes after it), an IV dose at
 * 24 h with one sample coded before it and one after, an MDV=1 record and a
 * BLQ record. */
static void test_records(void **state)
{
    env *e = *state;
    char path[64];
    snprintf(path, sizeof path, "/tmp/ketsim_popest_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "ID,TIME,AMT,CMT,EVID,II,ADDL,MDV,DV,BLQ,LLOQ,OUTPUT\n");
    const double cl[6] = {2.5, 3.1, 2.2, 3.6, 2.8, 2.0};
    for (int s = 1; s <= 6; s++) {
        double k = cl[s - 1] / 32, c = 320.0 * 1000 / 32; /* rough one-compartment values for the DVs */
        fprintf(f, "%d,0,320,2,1,12,1,1,.,0,.,.\n", s);
        fprintf(f, "%d,2,.,.,0,.,.,0,%g,0,.,plasma_theo_ng_per_ml\n", s, 0.8 * c * exp(-2 * k));
        fprintf(f, "%d,6,.,.,0,.,.,0,%g,0,.,plasma_theo_ng_per_ml\n", s, c * exp(-6 * k));
        fprintf(f, "%d,12,.,.,0,.,.,0,%g,0,.,plasma_theo_ng_per_ml\n", s, c * exp(-12 * k));
        fprintf(f, "%d,18,.,.,0,.,.,1,%g,0,.,plasma_theo_ng_per_ml\n", s, 99999.0);
        fprintf(f, "%d,24,.,.,0,.,.,0,%g,0,.,plasma_theo_ng_per_ml\n", s, c * (exp(-24 * k) + exp(-12 * k)));
        fprintf(f, "%d,24,100,1,1,.,.,1,.,0,.,.\n", s);
        fprintf(f, "%d,24,.,.,0,.,.,0,%g,0,.,plasma_theo_ng_per_ml\n", s,
                c * (exp(-24 * k) + exp(-12 * k)) + 100000.0 / 32);
        fprintf(f, "%d,400,.,.,0,.,.,0,50,1,50,plasma_theo_ng_per_ml\n", s);
    }
    fclose(f);
    ketsim_error err = {0};
    ketsim_dataset *ds = NULL;
    if (ketsim_dataset_read(path, &ds, &err))
        fail_msg("%s", err.msg);
    unlink(path);
    ketsim_popest *pe = NULL;
    ketsim_popest_result *r = NULL;
    ketsim_popest_options opt = {.threads = 2};
    int rc = ketsim_popest_create(e->p, e->cat, e->drug, 70, ketsim_dataset_events(ds), &pe, &err);
    rc = rc ? rc : ketsim_popest_set_options(pe, &opt, &err);
    rc = rc ? rc : ketsim_popest_add_theta(pe, CL, NAN, NAN, &err);
    rc = rc ? rc : ketsim_popest_add_theta(pe, V1, NAN, NAN, &err);
    rc = rc ? rc : ketsim_popest_add_eta(pe, CL, 0, &err);
    rc = rc ? rc : ketsim_popest_set_error(pe, NULL, KETSIM_FIT_PROPORTIONAL, 0, 0, &err);
    rc = rc ? rc : ketsim_popest_run(pe, &r, &err);
    if (rc)
        fail_msg("%s", err.msg);
    /* the covariance step ran (2 THETAs, 1 OMEGA, 1 SIGMA) */
    assert_true(r->cov_ok && r->theta[0].se > 0 && r->omega_se[0] > 0 && r->sigma[0].se > 0);
    /* 6 subjects x (5 fitted + 1 BLQ); the MDV=1 record is not fitted */
    assert_int_equal(r->n_obs, 36);
    assert_int_equal(r->n_blq, 6);
    const ketsim_events *ev = ketsim_dataset_events(ds);
    for (size_t s = 0; s < 6; s++) {
        size_t first, n;
        ketsim_events_subject(ev, s, &first, &n);
        assert_int_equal(n, 9);
        /* MDV=1: predicted, never a residual */
        assert_true(isfinite(r->ipred[first + 4]) && isnan(r->res[first + 4]) && isnan(r->iwres[first + 4]));
        /* the trough at 12 h is before the implied dose: lower than at 6 h */
        assert_true(r->ipred[first + 3] < r->ipred[first + 2]);
        /* 24 h: before the IV dose, then after it (jump of 100 mg / V) */
        double jump = r->ipred[first + 7] - r->ipred[first + 5];
        assert_true(jump > 0.5 * 100000.0 / 40 && jump < 2 * 100000.0 / 25);
        /* the ADDL dose at 12 h counts: the pre-dose level at 24 h is above
         * what one dose would leave */
        assert_true(r->ipred[first + 5] > 1.3 * r->ipred[first + 3] * exp(-12 * 2.8 / 32));
        /* the BLQ record: predicted under its LLOQ after 400 h, no residual */
        assert_true(r->ipred[first + 8] < 50 && isnan(r->cwres[first + 8]));
    }
    ketsim_popest_result_free(r);
    ketsim_popest_free(pe);
    ketsim_dataset_free(ds);
}

static void test_bad_setup(void **state)
{
    env *e = *state;
    ketsim_dataset *ds = make("small");
    ketsim_error err = {0};
    ketsim_popest *pe = NULL;
    ketsim_popest_result *r = NULL;
    assert_int_equal(ketsim_popest_create(e->p, e->cat, e->drug, 70, ketsim_dataset_events(ds), &pe, &err), KETSIM_OK);
    assert_int_equal(ketsim_popest_add_theta(pe, "no.such_row", NAN, NAN, &err), KETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "no.such_row"));
    assert_int_equal(ketsim_popest_add_theta(pe, CL, NAN, NAN, &err), KETSIM_OK);
    assert_int_equal(ketsim_popest_add_theta(pe, CL, NAN, NAN, &err), KETSIM_EINPUT);
    assert_int_equal(ketsim_popest_add_covariate(pe, CL, "AGE", KETSIM_COV_LINEAR, 0, &err), KETSIM_EINPUT);
    const char *blk[2] = {CL, V1};
    assert_int_equal(ketsim_popest_add_omega_block(pe, blk, 2, &err), KETSIM_EINPUT);
    assert_int_equal(ketsim_popest_set_error(pe, "nothing_here", KETSIM_FIT_ADDITIVE, 0, 0, &err), KETSIM_EINPUT);
    /* no ETA: not a population model */
    assert_int_equal(ketsim_popest_run(pe, &r, &err), KETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "--eta"));
    assert_null(r);
    ketsim_popest_free(pe);
    ketsim_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_setup),
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_threads_identical),
        cmocka_unit_test(test_foce_recovery),
        cmocka_unit_test(test_saem_recovery),
        cmocka_unit_test(test_blq_m3),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
