/* NONMEM-style datasets: each dataset feature gives the same prediction as
 * the equivalent regimen simulated directly, and bad records are refused
 * with their line and column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ketsim/dataset.h"
#include "ketsim/ketsim.h"

typedef struct world {
    ketsim_params *p;
    ketsim_catalog *cat;
} world;

static void world_init(world *w, const char *set)
{
    ketsim_error err = {0};
    assert_int_equal(ketsim_params_create(KETSIM_HUMAN, &w->p, &err), 0);
    assert_int_equal(ketsim_catalog_create(&w->cat, &err), 0);
    if (set)
        assert_int_equal(ketsim_params_set_assignment(w->p, set, &err), 0);
}

static void world_free(world *w)
{
    ketsim_params_free(w->p);
    ketsim_catalog_free(w->cat);
}

static int read_text(const char *text, ketsim_dataset **ds, ketsim_error *err)
{
    FILE *fp = fmemopen((void *)text, strlen(text), "r");
    assert_non_null(fp);
    int rc = ketsim_dataset_read_stream(fp, "test.csv", ds, err);
    fclose(fp);
    return rc;
}

/* Predictions of a dataset, one per record (NAN for non-observations). */
static double *predict(world *w, const char *text, double weight_kg)
{
    ketsim_error err = {0};
    ketsim_dataset *ds;
    int rc = read_text(text, &ds, &err);
    if (rc)
        fail_msg("%s", err.msg);
    double *pred = malloc(ketsim_dataset_n_records(ds) * sizeof *pred);
    ketsim_events_sim_opts o = {.params = w->p, .catalog = w->cat, .drug = "ketamine",
                                .default_weight_kg = weight_kg};
    rc = ketsim_events_simulate(ketsim_dataset_events(ds), &o, pred, &err);
    if (rc)
        fail_msg("%s", err.msg);
    ketsim_dataset_free(ds);
    return pred;
}

/* Output `name` of a direct simulation of `specs` (dose specs) at `times`. */
static void direct(world *w, const char *const *specs, size_t n_specs, const double *times, size_t nt,
                   const char *name, double *out)
{
    ketsim_error err = {0};
    const char *drugs[1] = {"ketamine"};
    ketsim_model *m;
    ketsim_sim *sim;
    ketsim_regimen *reg;
    ketsim_trajectory *tr = NULL;
    assert_int_equal(ketsim_model_create(w->p, w->cat, drugs, 1, 70, &m, &err), 0);
    assert_int_equal(ketsim_sim_create(m, &sim, &err), 0);
    assert_int_equal(ketsim_regimen_create(&reg, &err), 0);
    for (size_t i = 0; i < n_specs; i++) {
        ketsim_dose d;
        assert_int_equal(ketsim_dose_parse(specs[i], &d, &err), 0);
        assert_int_equal(ketsim_regimen_add(reg, &d, &err), 0);
    }
    assert_int_equal(ketsim_sim_run(sim, reg, times, nt, &tr, &err), 0);
    long k = ketsim_output_index(name);
    assert_true(k > 0);
    for (size_t i = 0; i < nt; i++)
        out[i] = ketsim_traj_output(tr, i, (size_t)k);
    ketsim_traj_free(tr);
    ketsim_regimen_free(reg);
    ketsim_sim_free(sim);
    ketsim_model_free(m);
}

static void assert_close(double a, double b, double rel)
{
    if (!(fabs(a - b) <= rel * fmax(fabs(a), fabs(b)) + 1e-12))
        fail_msg("%.10g and %.10g differ by more than %g relative", a, b, rel);
}

/* SS=1 with RATE > 0 and II = 0 starts at the plateau of a constant
 * infusion: the same level a 1000 h infusion reaches. */
static void test_ss_infusion_is_plateau(void **state)
{
    (void)state;
    world w;
    world_init(&w, NULL);
    double *pred = predict(&w,
                           "ID,TIME,AMT,RATE,CMT,EVID,II,SS\n"
                           "1,0,0,10,1,1,0,1\n"
                           "1,0,.,.,.,0,.,.\n"
                           "1,5,.,.,.,0,.,.\n",
                           70);
    const char *spec[] = {"iv:10000mg:1000h"};
    double t[] = {995, 1000}, ref[2];
    direct(&w, spec, 1, t, 2, "plasma_ketamine_ng_per_ml", ref);
    assert_true(ref[1] > 10);
    assert_close(ref[0], ref[1], 1e-6); /* the reference itself is at its plateau */
    assert_close(pred[1], ref[1], 1e-4);
    assert_close(pred[2], ref[1], 1e-4);
    free(pred);
    world_free(&w);
}

/* SS=1 with II: the state of a long history of doses every II. */
static void test_ss_bolus_is_long_history(void **state)
{
    (void)state;
    world w;
    world_init(&w, NULL);
    double *pred = predict(&w,
                           "ID,TIME,AMT,CMT,EVID,II,SS,OUTPUT\n"
                           "1,0,50,1,1,12,1,\n"
                           "1,0,.,.,0,.,.,\n"
                           "1,6,.,.,0,.,.,\n"
                           "1,6,.,.,0,.,.,plasma_norketamine_ng_per_ml\n",
                           70);
    enum { N = 200 };
    char buf[N][32];
    const char *specs[N];
    for (int i = 0; i < N; i++) {
        snprintf(buf[i], sizeof buf[i], "iv:50mg@%dh", 12 * i);
        specs[i] = buf[i];
    }
    double t[] = {12.0 * (N - 1), 12.0 * (N - 1) + 6}, ref[2], ref_nk[2];
    direct(&w, specs, N, t, 2, "plasma_ketamine_ng_per_ml", ref);
    direct(&w, specs, N, t, 2, "plasma_norketamine_ng_per_ml", ref_nk);
    assert_close(pred[1], ref[0], 1e-4);
    assert_close(pred[2], ref[1], 1e-4);
    assert_close(pred[3], ref_nk[1], 1e-4);
    free(pred);
    world_free(&w);
}

/* ADDL repeats a dose every II; each repeat gets the route's lag. */
static void test_addl_with_lag(void **state)
{
    (void)state;
    world w;
    world_init(&w, "route.po.lag_h=0.5");
    double *pred = predict(&w,
                           "id,time,amt,cmt,evid,ii,addl\n"
                           "1,0,50,2,1,12,2\n"
                           "1,0.25,0,2,0,0,0\n"
                           "1,0.75,0,2,0,0,0\n"
                           "1,12.25,0,2,0,0,0\n"
                           "1,24.75,0,2,0,0,0\n"
                           "1,30,0,2,0,0,0\n",
                           70);
    const char *specs[] = {"po:50mg", "po:50mg@12h", "po:50mg@24h"};
    double t[] = {0.25, 0.75, 12.25, 24.75, 30}, ref[5];
    direct(&w, specs, 3, t, 5, "plasma_ketamine_ng_per_ml", ref);
    assert_true(pred[1] == 0.0); /* before the lag: nothing absorbed */
    assert_true(pred[2] > 0.0);
    for (int i = 0; i < 5; i++)
        assert_close(pred[i + 1], ref[i], 1e-9);
    /* At 12.25 h the third dose has not arrived and the second is still in lag. */
    double no_lag[5];
    world_free(&w);
    world_init(&w, NULL);
    direct(&w, specs, 3, t, 5, "plasma_ketamine_ng_per_ml", no_lag);
    assert_true(no_lag[2] > pred[3]);
    free(pred);
    world_free(&w);
}

/* EVID 3 in the middle of an infusion stops it and returns the subject to
 * the untreated state; EVID 4 restarts with a new dose and a fresh clock. */
static void test_reset_mid_infusion(void **state)
{
    (void)state;
    world w;
    world_init(&w, NULL);
    double *pred = predict(&w,
                           "ID,TIME,AMT,RATE,CMT,EVID,OUTPUT\n"
                           "7,0,35,52.5,1,1,\n"
                           "7,0.4,0,0,1,0,\n"
                           "7,0.5,0,0,1,0,\n"          /* before the reset in file order */
                           "7,0.5,0,0,1,3,\n"
                           "7,0.5,0,0,1,0,\n"          /* after it */
                           "7,2,0,0,1,0,madrs\n"
                           "7,3,10,0,1,4,\n"
                           "7,4,0,0,1,0,\n"
                           "7,4,0,0,1,0,madrs\n",
                           70);
    const char *inf[] = {"iv:35mg:40min"}, *bolus[] = {"iv:10mg"}, *none[] = {NULL};
    double t_inf[] = {0.4, 0.5}, r_inf[2], t_b[] = {1}, r_b[1], r_b_madrs[1], t0[] = {2}, base_madrs[1];
    direct(&w, inf, 1, t_inf, 2, "plasma_ketamine_ng_per_ml", r_inf);
    direct(&w, bolus, 1, t_b, 1, "plasma_ketamine_ng_per_ml", r_b);
    direct(&w, bolus, 1, t_b, 1, "madrs", r_b_madrs);
    direct(&w, none, 0, t0, 1, "madrs", base_madrs);
    assert_close(pred[1], r_inf[0], 1e-9);
    assert_close(pred[2], r_inf[1], 1e-9);
    assert_true(r_inf[1] > 0);
    assert_true(pred[4] == 0.0);
    assert_close(pred[5], base_madrs[0], 1e-9);
    assert_close(pred[7], r_b[0], 1e-9);
    assert_close(pred[8], r_b_madrs[0], 1e-9);
    free(pred);
    world_free(&w);
}

/* Ties as NONMEM orders them: an observation listed before the doses at
 * its time is the value just before them (a trough), one listed after sees
 * both doses (two compartments at once). */
static void test_same_time_two_compartments(void **state)
{
    (void)state;
    world w;
    world_init(&w, NULL);
    double *pred = predict(&w,
                           "ID,TIME,AMT,CMT,EVID\n"
                           "1,0,0,1,0\n"
                           "1,0,20,1,1\n"
                           "1,0,30,2,1\n"
                           "1,0,0,1,0\n"
                           "1,1,0,1,0\n"
                           "1,6,0,1,0\n",
                           70);
    const char *specs[] = {"iv:20mg", "po:30mg"};
    double t[] = {0, 1, 6}, ref[3];
    direct(&w, specs, 2, t, 3, "plasma_ketamine_ng_per_ml", ref);
    assert_true(pred[0] == 0);  /* before the doses: the untreated subject */
    assert_true(pred[3] > 0);   /* after them: the IV bolus is in */
    assert_close(pred[3], ref[0], 1e-9);
    assert_close(pred[4], ref[1], 1e-9);
    assert_close(pred[5], ref[2], 1e-9);
    free(pred);
    world_free(&w);
}

/* A trough coded before a repeated dose: the value before that dose, equal
 * to a direct simulation just before it; an ADDL dose at an observation's
 * time comes after the observation too. */
static void test_trough_before_dose(void **state)
{
    (void)state;
    world w;
    world_init(&w, NULL);
    double *pred = predict(&w,
                           "ID,TIME,AMT,CMT,EVID,II,ADDL\n"
                           "1,0,50,1,1,0,0\n"
                           "1,12,0,1,0,0,0\n"
                           "1,12,50,1,1,0,0\n"
                           "1,12.5,0,1,0,0,0\n"
                           "2,0,50,1,1,12,1\n"
                           "2,12,0,1,0,0,0\n"
                           "2,12.5,0,1,0,0,0\n",
                           70);
    const char *one[] = {"iv:50mg"}, *two[] = {"iv:50mg", "iv:50mg@12h"};
    double t_pre[] = {12}, t_post[] = {12.5}, pre[1], post[1];
    direct(&w, one, 1, t_pre, 1, "plasma_ketamine_ng_per_ml", pre);
    direct(&w, two, 2, t_post, 1, "plasma_ketamine_ng_per_ml", post);
    assert_close(pred[1], pre[0], 1e-9);
    assert_close(pred[3], post[0], 1e-9);
    assert_true(post[0] > 2 * pre[0]);
    assert_close(pred[5], pre[0], 1e-9);
    assert_close(pred[6], post[0], 1e-9);
    free(pred);
    world_free(&w);
}

/* SS=2 adds the steady-state history without a reset: alone it equals SS=1;
 * after an earlier dose it keeps that dose, which SS=1 would drop. */
static void test_ss2_keeps_earlier_doses(void **state)
{
    (void)state;
    world w;
    world_init(&w, NULL);
    double *pred = predict(&w,
                           "ID,TIME,AMT,CMT,EVID,II,SS\n"
                           "1,0,50,1,1,12,1\n"
                           "1,3,0,1,0,0,0\n"
                           "2,0,50,1,1,12,2\n"
                           "2,3,0,1,0,0,0\n"
                           "3,-1,200,1,1,0,0\n"
                           "3,0,50,1,1,12,2\n"
                           "3,3,0,1,0,0,0\n"
                           "4,-1,200,1,1,0,0\n"
                           "4,0,50,1,1,12,1\n"
                           "4,3,0,1,0,0,0\n",
                           70);
    assert_close(pred[3], pred[1], 1e-9);
    assert_close(pred[9], pred[1], 1e-9);
    assert_true(pred[6] > 1.05 * pred[1]);
    free(pred);
    world_free(&w);
}

/* WT sets the subject's weight, carried forward: a missing WT keeps the
 * last value, and a change acts from its record's TIME on. */
static void test_weight_covariate(void **state)
{
    (void)state;
    world w;
    world_init(&w, NULL);
    double *pred = predict(&w,
                           "ID,TIME,AMT,CMT,EVID,WT\n"
                           "1,0,20,1,1,70\n"
                           "1,1,0,1,0,70\n"
                           "1,3,0,1,0,70\n"
                           "2,0,20,1,1,140\n"
                           "2,1,0,1,0,.\n"
                           "2,3,0,1,0,.\n"
                           "3,0,20,1,1,70\n"
                           "3,1,0,1,0,70\n"
                           "3,2,0,1,2,140\n"
                           "3,3,0,1,0,.\n",
                           70);
    assert_true(pred[1] > 1.3 * pred[4]);  /* larger volume, lower concentration */
    assert_close(pred[7], pred[1], 1e-6);  /* before the change: as subject 1 (to solver tolerance) */
    assert_true(pred[9] < 0.8 * pred[2]);  /* after it: the amount in a larger volume */
    free(pred);
    world_free(&w);
}

/* A subject run in two pieces with the same parameters gives the one-piece
 * answer: the state (PK and the whole cascade) goes on across the cut. */
static void test_pieces_continue(void **state)
{
    (void)state;
    world w;
    world_init(&w, NULL);
    ketsim_error err = {0};
    ketsim_dataset *ds;
    const char *text = "ID,TIME,AMT,CMT,EVID,RATE,OUTPUT\n"
                       "1,0,35,1,1,87.5,plasma_ketamine_ng_per_ml\n"
                       "1,0.25,0,1,0,0,plasma_ketamine_ng_per_ml\n"
                       "1,2,0,1,0,0,plasma_ketamine_ng_per_ml\n"
                       "1,24,0,1,0,0,madrs\n"
                       "1,72,0,1,0,0,madrs\n";
    assert_int_equal(read_text(text, &ds, &err), 0);
    const ketsim_events *ev = ketsim_dataset_events(ds);
    const char *drugs[1] = {"ketamine"};
    ketsim_subject_worker *wk;
    ketsim_events_runner *r;
    assert_int_equal(ketsim_subject_worker_create(w.p, w.cat, drugs, 1, &wk, &err), 0);
    /* tight tolerances: a cut restarts the integrator, so the two runs
     * agree to what the solver is asked for, not bitwise */
    ketsim_subject_worker_set_tolerances(wk, 1e-10, 1e-4);
    assert_int_equal(ketsim_events_runner_create(ev, wk, 0, &r, &err), 0);
    double one[5], two[5];
    assert_int_equal(ketsim_events_runner_run(r, 0, 70, NULL, 0, one, &err), 0);
    /* cut in the middle of the 24-min infusion and again between ratings */
    ketsim_events_piece p[3] = {{0, 70, NULL, 0}, {0.2, 70, NULL, 0}, {30, 70, NULL, 0}};
    if (ketsim_events_runner_run_pieces(r, 0, p, 3, two, &err))
        fail_msg("%s", err.msg);
    for (size_t i = 1; i < 5; i++)
        assert_close(two[i], one[i], 1e-7);
    ketsim_events_runner_free(r);
    ketsim_subject_worker_free(wk);
    ketsim_dataset_free(ds);
    world_free(&w);
}

static void expect_bad(const char *text, const char *needle)
{
    ketsim_error err = {0};
    ketsim_dataset *ds = NULL;
    int rc = read_text(text, &ds, &err);
    if (rc != KETSIM_EINPUT || !strstr(err.msg, needle))
        fail_msg("expected an input error with '%s', got %d '%s'", needle, rc, err.msg);
    assert_null(ds);
}

static void test_bad_records(void **state)
{
    (void)state;
    expect_bad("ID,TIME,CMT\n1,0,1\n", "required column AMT");
    expect_bad("ID,TIME,AMT,CMT\n1,0,abc,1\n", "test.csv:2: column AMT: 'abc' is not a number");
    expect_bad("ID,TIME,AMT,CMT\n1,2,0,1\n1,1,0,1\n", "test.csv:3: column TIME");
    expect_bad("ID,TIME,AMT,CMT,EVID\n1,0,-5,1,1\n", "test.csv:2: column AMT: negative");
    expect_bad("ID,TIME,AMT,CMT,EVID\n1,0,5,9,1\n", "test.csv:2: column CMT: unknown compartment 9");
    expect_bad("ID,TIME,AMT,CMT,EVID\n1,0,5,1,7\n", "test.csv:2: column EVID: 7");
    expect_bad("ID,TIME,AMT,CMT,EVID\n1,0,5,1,1.5\n", "column EVID: '1.5' is not an integer");
    expect_bad("ID,TIME,AMT,CMT,EVID\n1,0,5,1\n", "test.csv:2: expected 5");
    expect_bad("ID,TIME,AMT,CMT,EVID,SS,II\n1,0,5,1,1,1,0\n", "column II: SS=1");
    expect_bad("ID,TIME,AMT,CMT,EVID,ADDL\n1,0,5,1,1,3\n", "column II: ADDL=3");
    expect_bad("ID,TIME,AMT,RATE,CMT,EVID\n1,0,5,-2,1,1\n", "column DUR");
    expect_bad("ID,TIME,AMT,RATE,CMT,EVID\n1,0,5,-1,1,1\n", "column RATE: -1");
    expect_bad("ID,TIME,AMT,CMT,EVID,OUTPUT\n1,0,0,1,0,nonsense\n", "column OUTPUT: unknown output 'nonsense'");
    expect_bad("ID,TIME,AMT,CMT\n1,0,0,1\n2,0,0,1\n1,1,0,1\n", "test.csv:4: column ID");
    expect_bad("ID,TIME,AMT,EVID\n1,0,5,1\n", "needs a CMT column");
    expect_bad("ID,TIME,AMT,time\n1,0,5,1\n", "appears twice");
    expect_bad("ID,TIME,AMT\n", "no records");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ss_infusion_is_plateau),
        cmocka_unit_test(test_ss_bolus_is_long_history),
        cmocka_unit_test(test_addl_with_lag),
        cmocka_unit_test(test_reset_mid_infusion),
        cmocka_unit_test(test_same_time_two_compartments),
        cmocka_unit_test(test_trough_before_dose),
        cmocka_unit_test(test_ss2_keeps_earlier_doses),
        cmocka_unit_test(test_weight_covariate),
        cmocka_unit_test(test_pieces_continue),
        cmocka_unit_test(test_bad_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
