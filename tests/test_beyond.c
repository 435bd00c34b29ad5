/* Compound design and regimen optimisation on small virtual cohorts:
 *   a candidate with no NMDA block and no AMPA route (and no metabolites)
 *   has no effect beyond placebo, while (2R,6R)-HNK has one with almost no
 *   dissociation;
 *   the optimiser's best regimen is at least as good as the standard course
 *   on its own objective;
 *   the Pareto front ignores differences below the solver's resolution. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ketsim/beyond.h"
#include "ketsim/catalog.h"
#include "ketsim/formats.h"
#include "ketsim/params.h"

static void ok(int rc, const ketsim_error *err)
{
    if (rc)
        fail_msg("error %d: %s", rc, err->msg);
}

static ketsim_design_candidate cand(const char *name, const char *drug, double mg_per_kg)
{
    ketsim_design_candidate c = {.route = KETSIM_ROUTE_IV, .amount = mg_per_kg, .per_kg = 1, .duration_h = 40.0 / 60};
    snprintf(c.name, sizeof c.name, "%s", name);
    snprintf(c.drug, sizeof c.drug, "%s", drug);
    return c;
}

static void test_design_inert_has_no_effect(void **state)
{
    (void)state;
    ketsim_error err = {0};
    ketsim_params *p = NULL;
    ketsim_catalog *cat = NULL;
    ok(ketsim_params_create(KETSIM_HUMAN, &p, &err), &err);
    ok(ketsim_catalog_create(&cat, &err), &err);
    const char *dir = getenv("KETSIM_DATA_DIR");
    assert_non_null(dir);
    char path[1024];
    const char *inert = NULL, *like = NULL;
    snprintf(path, sizeof path, "%s/drugs/inert.yaml", dir);
    ok(ketsim_catalog_load_drug_file(cat, p, path, &inert, &err), &err);
    snprintf(path, sizeof path, "%s/drugs/hnk_like.yaml", dir);
    ok(ketsim_catalog_load_drug_file(cat, p, path, &like, &err), &err);

    ketsim_design_candidate c[4];
    c[0] = cand("inert", inert, 1);
    c[1] = cand("hnk", "hnk_2r6r", 2);
    /* the HNK-like compound with its NMDA block, AMPA route and metabolite
     * switched off through the knobs */
    c[2] = cand("hnk_like stripped", like, 1);
    ok(ketsim_design_apply_knob(p, "hnkx", "nmda_ki_um", 1e6, &c[2], &err), &err);
    ok(ketsim_design_apply_knob(p, "hnkx", "ampa_emax", 0, &c[2], &err), &err);
    ok(ketsim_design_apply_knob(p, "hnkx", "yield_r_hnk", 0, &c[2], &err), &err);
    c[3] = cand("ketamine", "ketamine", 0.5);
    ketsim_design_opts o = {.n_subjects = 16, .seed = 5, .threads = 2, .horizon_days = 7};
    ketsim_design_result r[4];
    ok(ketsim_beyond_design(p, cat, c, 4, &o, r, &err), &err);

    for (int k = 0; k < 3; k += 2) {
        assert_false(r[k].effective);
        assert_false(r[k].pareto);
        assert_true(fabs(r[k].madrs_effect_24h) < 0.01);
        assert_true(fabs(r[k].days_excess) < 0.07);
        assert_true(fabs(r[k].response_24h_excess) < 0.07);
        assert_true(r[k].cadss_peak < 1e-3);
    }
    /* HNK: a clear effect with near-zero dissociation; ketamine dissociates */
    assert_true(r[1].effective);
    assert_true(r[1].madrs_effect_24h < -3);
    assert_true(r[1].days_excess > 1);
    assert_true(r[1].cadss_peak < 0.1);
    assert_true(r[3].cadss_peak > 2);
    assert_true(r[3].effective);
    /* neither of the two effective candidates dominates the other */
    assert_true(r[1].pareto || r[3].pareto);

    /* an unknown knob is refused with its name */
    ketsim_design_candidate bad = c[0];
    assert_int_equal(ketsim_design_apply_knob(p, "inertx", "nmda_kd", 1, &bad, &err), KETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "nmda_kd"));
    ketsim_catalog_free(cat);
    ketsim_params_free(p);
}

/* Candidates 0 and 1 differ only in the sixth digit of their SBP rise (as
 * two HNK-like candidates with no blood pressure effect do); candidate 2 has
 * more days in response at the same burden, so it dominates both.  Without
 * the tolerance candidate 1 would be on the front by 1e-10 mmHg. */
static void test_design_front_tolerance(void **state)
{
    (void)state;
    ketsim_design_candidate c[4] = {{.name = "a"}, {.name = "b"}, {.name = "c"}, {.name = "d"}};
    ketsim_design_result r[4] = {
        {.days_excess = 5.16, .response_24h_excess = 0.60, .cadss_peak = 0, .sbp_peak = 6.96555e-05, .effective = 1},
        {.days_excess = 5.16, .response_24h_excess = 0.60, .cadss_peak = 0, .sbp_peak = 6.96554e-05, .effective = 1},
        {.days_excess = 5.44, .response_24h_excess = 0.60, .cadss_peak = 0, .sbp_peak = 6.96556e-05, .effective = 1},
        /* more effect for more burden: a trade-off, on the front */
        {.days_excess = 6.16, .response_24h_excess = 0.61, .cadss_peak = 7.4, .sbp_peak = 13.9, .effective = 1},
    };
    ketsim_design_pareto(c, r, 4);
    assert_false(r[0].pareto);
    assert_false(r[1].pareto);
    assert_true(r[2].pareto);
    assert_true(r[3].pareto);
    /* a real difference in burden (0.01 mmHg) is kept */
    r[1].sbp_peak = r[2].sbp_peak - 0.01;
    ketsim_design_pareto(c, r, 4);
    assert_false(r[0].pareto);
    assert_true(r[1].pareto);
    assert_true(r[2].pareto);
    /* two candidates equal within the tolerance on every objective are
     * both on the front: neither is better */
    r[0] = r[2];
    r[0].days_excess += 1e-7;
    ketsim_design_pareto(c, r, 4);
    assert_true(r[0].pareto);
    assert_true(r[2].pareto);
}

static void test_optimize_beats_standard(void **state)
{
    (void)state;
    ketsim_error err = {0};
    ketsim_params *p = NULL;
    ok(ketsim_params_create(KETSIM_HUMAN, &p, &err), &err);
    ketsim_opt_opts o;
    ketsim_opt_defaults(&o);
    o.b.use_in = 0;
    o.b.doses_lo = 5;
    o.b.doses_hi = 6;
    o.horizon_d = 21;
    o.n_subjects = 6;
    o.eval_subjects = 4;
    o.max_iter = 6;
    o.threads = 2;
    ketsim_opt_report rep;
    ok(ketsim_beyond_optimize(p, &o, &rep, &err), &err);
    assert_true(rep.n_best >= 1);
    assert_true(rep.best_eval[0].objective_d >= rep.standard_eval.objective_d);
    /* the reported regimen respects the bounds */
    assert_true(rep.best[0].dose >= o.b.dose_lo - 1e-9 && rep.best[0].dose <= o.b.dose_hi + 1e-9);
    assert_true(rep.best[0].n_doses >= 5 && rep.best[0].n_doses <= 6);
    assert_true((rep.best[0].n_doses - 1) * rep.best[0].interval_d <= o.horizon_d - 1 + 1e-9);
    /* evaluating the best again on the same cohort gives the same objective */
    ketsim_opt_eval e;
    ketsim_catalog *cat = NULL;
    ok(ketsim_catalog_create(&cat, &err), &err);
    ok(ketsim_opt_evaluate(p, cat, &o, &rep.best[0], o.n_subjects, o.seed, &e, &err), &err);
    assert_true(e.objective_d == rep.best_eval[0].objective_d);

    /* caps nobody can meet: a clear error */
    o.cap_cadss = 1e-6;
    o.b.doses_lo = o.b.doses_hi = 1;
    o.b.dose_lo = o.b.dose_hi = 0.5;
    o.b.infusion_lo_h = o.b.infusion_hi_h = 40.0 / 60;
    assert_int_equal(ketsim_beyond_optimize(p, &o, &rep, &err), KETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "caps"));
    ketsim_catalog_free(cat);
    ketsim_params_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_design_inert_has_no_effect),
        cmocka_unit_test(test_design_front_tolerance),
        cmocka_unit_test(test_optimize_beats_standard),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
