/* Tests for drug files: a valid file adds its compounds, parameter rows and
 * drug, and the drug can be simulated; a bad file is refused with FILE:LINE
 * and adds nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ketsim/catalog.h"
#include "ketsim/formats.h"
#include "ketsim/model.h"
#include "ketsim/params.h"
#include "ketsim/regimen.h"
#include "ketsim/simulate.h"

#define COMPOUND_FIELDS                                                        \
    "    mw_g_per_mol: 239.7\n"                                                \
    "    v1_l: 10\n"                                                           \
    "    v2_l: 90\n"                                                           \
    "    v3_l: 0\n"                                                            \
    "    cl_l_per_h: 50\n"                                                     \
    "    q2_l_per_h: 100\n"                                                    \
    "    q3_l_per_h: 0\n"                                                      \
    "    fu_plasma: 0.5\n"                                                     \
    "    kp_brain: 0.9\n"                                                      \
    "    kpuu_brain: 1.0\n"                                                    \
    "    keo_brain_per_h: 6\n"                                                 \
    "    nmda_ki_um: 1e6\n"                                                    \
    "    ampa_emax: 0\n"                                                       \
    "    ampa_ec50_um: 3.3\n"

static const char *const valid_file =
    "name: inert_test\n"
    "description: \"an inert test compound\"\n"
    "components:\n"
    "  - {compound: inertx, fraction: 1.0}\n"
    "compounds:\n"
    "  inertx:\n" COMPOUND_FIELDS
    "    metabolites:\n"
    "      - {to: inerty, fraction: 0.3, mtt_h: 0.5}\n"
    "    source: \"test design\"\n"
    "  inerty:\n" COMPOUND_FIELDS;

typedef struct fixture {
    ketsim_params *params;
    ketsim_catalog *cat;
    char path[64];
} fixture;

static void write_file(fixture *f, const char *text)
{
    snprintf(f->path, sizeof f->path, "/tmp/ketsim_drugfile_XXXXXX");
    int fd = mkstemp(f->path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    ketsim_error e = {0};
    if (!f || ketsim_params_create(KETSIM_HUMAN, &f->params, &e) ||
        ketsim_catalog_create(&f->cat, &e))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (f->path[0])
        unlink(f->path);
    ketsim_params_free(f->params);
    ketsim_catalog_free(f->cat);
    free(f);
    return 0;
}

static void test_valid_file(void **state)
{
    fixture *f = *state;
    write_file(f, valid_file);
    size_t nd = ketsim_catalog_n_drugs(f->cat), nc = ketsim_catalog_n_compounds(f->cat);
    ketsim_error e = {0};
    const char *name = NULL;
    int rc = ketsim_catalog_load_drug_file(f->cat, f->params, f->path, &name, &e);
    if (rc)
        print_message("unexpected error: %s\n", e.msg);
    assert_int_equal(rc, KETSIM_OK);
    assert_string_equal(name, "inert_test");
    assert_int_equal(ketsim_catalog_n_drugs(f->cat), nd + 1);
    assert_int_equal(ketsim_catalog_n_compounds(f->cat), nc + 2);
    size_t idx;
    assert_int_equal(ketsim_catalog_find_drug(f->cat, "inert_test", &idx, &e), KETSIM_OK);
    assert_string_equal(ketsim_catalog_drug_description(f->cat, idx), "an inert test compound");

    double v;
    assert_int_equal(ketsim_params_get(f->params, "inertx.v1_l", &v, &e), KETSIM_OK);
    assert_true(v == 10);
    assert_int_equal(ketsim_params_get(f->params, "inertx.nmda_ki_um", &v, &e), KETSIM_OK);
    assert_true(v == 1e6);
    assert_int_equal(ketsim_params_get(f->params, "inertx.to_inerty.fraction", &v, &e), KETSIM_OK);
    assert_true(v == 0.3);
    assert_int_equal(ketsim_params_get(f->params, "inertx.to_inerty.mtt_h", &v, &e), KETSIM_OK);
    assert_true(v == 0.5);
    assert_int_equal(ketsim_params_get(f->params, "inerty.cl_l_per_h", &v, &e), KETSIM_OK);
    assert_true(v == 50);
    int found = 0;
    for (size_t i = 0; i < ketsim_params_count(f->params); i++) {
        ketsim_param_info info;
        ketsim_params_info(f->params, i, &info);
        if (strcmp(info.name, "inertx.cl_l_per_h") == 0) {
            assert_string_equal(info.unit, "L/h");
            assert_string_equal(info.source, "test design");
            found++;
        }
        if (strcmp(info.name, "inertx.to_inerty.mtt_h") == 0) {
            assert_string_equal(info.unit, "h");
            found++;
        }
    }
    assert_int_equal(found, 2);

    /* The drug can be modelled and simulated; it blocks nothing. */
    ketsim_model *m = NULL;
    rc = ketsim_model_create(f->params, f->cat, (const char *[]){name}, 1, 70, &m, &e);
    if (rc)
        print_message("unexpected error: %s\n", e.msg);
    assert_int_equal(rc, KETSIM_OK);
    assert_true(ketsim_model_state_index(m, "inerty_central") >= 0);
    ketsim_sim *sim = NULL;
    assert_int_equal(ketsim_sim_create(m, &sim, &e), KETSIM_OK);
    ketsim_regimen *reg = NULL;
    assert_int_equal(ketsim_regimen_create(&reg, &e), KETSIM_OK);
    ketsim_dose d;
    assert_int_equal(ketsim_dose_parse("iv:35mg:40min", &d, &e), KETSIM_OK);
    assert_int_equal(ketsim_regimen_add(reg, &d, &e), KETSIM_OK);
    double times[] = {0, 0.25, 0.5, 0.67, 1, 2, 6, 24};
    size_t nt = sizeof times / sizeof times[0];
    ketsim_trajectory *traj = NULL;
    rc = ketsim_sim_run(sim, reg, times, nt, &traj, &e);
    if (rc)
        print_message("unexpected error: %s\n", e.msg);
    assert_int_equal(rc, KETSIM_OK);
    long kb = ketsim_output_index("nmda_block_pyramidal");
    long kc = ketsim_output_index("cadss");
    assert_true(kb >= 0 && kc >= 0);
    for (size_t i = 0; i < nt; i++) {
        double block = ketsim_traj_output(traj, i, (size_t)kb);
        double cadss = ketsim_traj_output(traj, i, (size_t)kc);
        assert_true(isfinite(block) && fabs(block) < 1e-3);
        assert_true(isfinite(cadss) && fabs(cadss) < 0.5);
    }
    ketsim_traj_free(traj);
    ketsim_regimen_free(reg);
    ketsim_sim_free(sim);
    ketsim_model_free(m);

    /* Loading the same file again clashes with the names now defined. */
    unlink(f->path);
    write_file(f, valid_file);
    nd = ketsim_catalog_n_drugs(f->cat);
    assert_int_equal(ketsim_catalog_load_drug_file(f->cat, f->params, f->path, &name, &e),
                     KETSIM_EINPUT);
    assert_int_equal(ketsim_catalog_n_drugs(f->cat), nd);
}

static void test_builtin_mix(void **state)
{
    fixture *f = *state;
    write_file(f, "name: mix_test\n"
                  "components:\n"
                  "  - {compound: s_ket, fraction: 0.8}\n"
                  "  - {compound: r_ket, fraction: 0.2}\n");
    size_t np = ketsim_params_count(f->params);
    ketsim_error e = {0};
    const char *name = NULL;
    assert_int_equal(ketsim_catalog_load_drug_file(f->cat, f->params, f->path, &name, &e),
                     KETSIM_OK);
    assert_string_equal(name, "mix_test");
    assert_int_equal(ketsim_params_count(f->params), np);
    ketsim_model *m = NULL;
    assert_int_equal(ketsim_model_create(f->params, f->cat, (const char *[]){name}, 1, 70, &m, &e),
                     KETSIM_OK);
    ketsim_model_free(m);
}

/* Loads text that must be refused at `line`, with `needle` in the message,
 * and checks nothing was added. */
static void expect_error(fixture *f, const char *text, int line, const char *needle)
{
    write_file(f, text);
    size_t nd = ketsim_catalog_n_drugs(f->cat), nc = ketsim_catalog_n_compounds(f->cat);
    size_t np = ketsim_params_count(f->params);
    ketsim_error e = {0};
    const char *name = "untouched";
    int rc = ketsim_catalog_load_drug_file(f->cat, f->params, f->path, &name, &e);
    print_message("message: %s\n", e.msg);
    assert_int_equal(rc, KETSIM_EINPUT);
    char where[96];
    snprintf(where, sizeof where, "%s:%d:", f->path, line);
    assert_non_null(strstr(e.msg, where));
    assert_non_null(strstr(e.msg, needle));
    assert_string_equal(name, "untouched");
    assert_int_equal(ketsim_catalog_n_drugs(f->cat), nd);
    assert_int_equal(ketsim_catalog_n_compounds(f->cat), nc);
    assert_int_equal(ketsim_params_count(f->params), np);
    unlink(f->path);
    f->path[0] = '\0';
}

static void test_unknown_key(void **state)
{
    expect_error(*state,
                 "name: bad\n"
                 "components:\n"
                 "  - {compound: newx, fraction: 1.0}\n"
                 "compounds:\n"
                 "  newx:\n" COMPOUND_FIELDS
                 "    half_life_h: 3\n",
                 20, "half_life_h");
}

static void test_missing_field(void **state)
{
    expect_error(*state,
                 "name: bad\n"
                 "components:\n"
                 "  - {compound: newx, fraction: 1.0}\n"
                 "compounds:\n"
                 "  newx:\n"
                 "    mw_g_per_mol: 200\n",
                 6, "compounds.newx.v1_l");
}

static void test_fractions_sum(void **state)
{
    expect_error(*state,
                 "name: bad\n"
                 "components:\n"
                 "  - {compound: s_ket, fraction: 0.5}\n"
                 "  - {compound: r_ket, fraction: 0.4}\n",
                 3, "sum to 1");
}

static void test_unknown_metabolite(void **state)
{
    expect_error(*state,
                 "name: bad\n"
                 "components:\n"
                 "  - {compound: newx, fraction: 1.0}\n"
                 "compounds:\n"
                 "  newx:\n" COMPOUND_FIELDS
                 "    metabolites:\n"
                 "      - {to: nowhere, fraction: 0.5, mtt_h: 1}\n",
                 21, "nowhere");
}

static void test_self_metabolite(void **state)
{
    expect_error(*state,
                 "name: bad\n"
                 "components:\n"
                 "  - {compound: newx, fraction: 1.0}\n"
                 "compounds:\n"
                 "  newx:\n" COMPOUND_FIELDS
                 "    metabolites:\n"
                 "      - {to: newx, fraction: 0.5, mtt_h: 1}\n",
                 21, "own metabolite");
}

static void test_metabolite_sum(void **state)
{
    expect_error(*state,
                 "name: bad\n"
                 "components:\n"
                 "  - {compound: newx, fraction: 1.0}\n"
                 "compounds:\n"
                 "  newx:\n" COMPOUND_FIELDS
                 "    metabolites:\n"
                 "      - {to: r_hnk, fraction: 0.6, mtt_h: 1}\n"
                 "      - {to: s_hnk, fraction: 0.6, mtt_h: 1}\n",
                 22, "more than 1");
}

static void test_nonpositive(void **state)
{
    expect_error(*state,
                 "name: bad\n"
                 "components:\n"
                 "  - {compound: newx, fraction: 1.0}\n"
                 "compounds:\n"
                 "  newx:\n"
                 "    mw_g_per_mol: 239.7\n"
                 "    v1_l: 10\n"
                 "    v2_l: 0\n"
                 "    v3_l: 0\n"
                 "    cl_l_per_h: -5\n",
                 10, "cl_l_per_h");
}

static void test_duplicate_drug(void **state)
{
    expect_error(*state,
                 "name: esketamine\n"
                 "components:\n"
                 "  - {compound: s_ket, fraction: 1.0}\n",
                 1, "already defined");
}

static void test_duplicate_compound(void **state)
{
    expect_error(*state,
                 "name: bad\n"
                 "components:\n"
                 "  - {compound: s_ket, fraction: 1.0}\n"
                 "compounds:\n"
                 "  r_hnk:\n" COMPOUND_FIELDS,
                 5, "already defined");
}

static void test_cycle(void **state)
{
    expect_error(*state,
                 "name: bad\n"
                 "components:\n"
                 "  - {compound: newa, fraction: 1.0}\n"
                 "compounds:\n"
                 "  newa:\n" COMPOUND_FIELDS
                 "    metabolites:\n"
                 "      - {to: newb, fraction: 0.5, mtt_h: 1}\n"
                 "  newb:\n" COMPOUND_FIELDS
                 "    metabolites:\n"
                 "      - {to: newa, fraction: 0.5, mtt_h: 1}\n",
                 38, "cycle");
}

/* Plasma concentration of `output` at `t_h` after `dose` of drug `name`. */
static double plasma_at(fixture *f, const char *name, const char *dose, const char *output, double t_h)
{
    ketsim_error e = {0};
    ketsim_model *m = NULL;
    ketsim_sim *sim = NULL;
    ketsim_regimen *reg = NULL;
    ketsim_trajectory *traj = NULL;
    ketsim_dose d;
    assert_int_equal(ketsim_model_create(f->params, f->cat, (const char *[]){name}, 1, 70, &m, &e), KETSIM_OK);
    long k = ketsim_model_output_index(m, output);
    assert_true(k >= (long)ketsim_n_outputs()); /* a per-compound output, after the fixed list */
    assert_int_equal(ketsim_sim_create(m, &sim, &e), KETSIM_OK);
    assert_int_equal(ketsim_regimen_create(&reg, &e), KETSIM_OK);
    assert_int_equal(ketsim_dose_parse(dose, &d, &e), KETSIM_OK);
    assert_int_equal(ketsim_regimen_add(reg, &d, &e), KETSIM_OK);
    assert_int_equal(ketsim_sim_run(sim, reg, &t_h, 1, &traj, &e), KETSIM_OK);
    assert_string_equal(ketsim_traj_output_info(traj, (size_t)k)->name, output);
    double v = ketsim_traj_output(traj, 0, (size_t)k);
    ketsim_traj_free(traj);
    ketsim_regimen_free(reg);
    ketsim_sim_free(sim);
    ketsim_model_free(m);
    return v;
}

/* A compound's own route rows replace the route's for it alone: oral F 0.6
 * instead of route.po.f scales its plasma level (linear PK, no first-pass
 * metabolite) by 0.6 / route.po.f, and its concentration is an output. */
static void test_compound_routes(void **state)
{
    fixture *f = *state;
    write_file(f, "name: oral_own\ncomponents:\n  - {compound: oralx, fraction: 1.0}\ncompounds:\n"
                  "  oralx:\n" COMPOUND_FIELDS "    routes: {po: {f: 0.6, lag_h: 0.25}}\n");
    ketsim_error e = {0};
    const char *name = NULL;
    int rc = ketsim_catalog_load_drug_file(f->cat, f->params, f->path, &name, &e);
    if (rc)
        print_message("unexpected error: %s\n", e.msg);
    assert_int_equal(rc, KETSIM_OK);
    unlink(f->path);
    write_file(f, "name: oral_route\ncomponents:\n  - {compound: oraly, fraction: 1.0}\ncompounds:\n"
                  "  oraly:\n" COMPOUND_FIELDS "    routes: {po: {lag_h: 0.25}}\n");
    assert_int_equal(ketsim_catalog_load_drug_file(f->cat, f->params, f->path, &name, &e), KETSIM_OK);
    double v, route_f = ketsim_params_value(f->params, "route.po.f");
    assert_int_equal(ketsim_params_get(f->params, "oralx.route.po.f", &v, &e), KETSIM_OK);
    assert_true(v == 0.6);
    double own = plasma_at(f, "oral_own", "po:50mg", "plasma_oralx_ng_per_ml", 3);
    double shared = plasma_at(f, "oral_route", "po:50mg", "plasma_oraly_ng_per_ml", 3);
    assert_true(shared > 0);
    assert_true(fabs(own / shared - 0.6 / route_f) < 1e-5 * (0.6 / route_f));
    /* the lag holds the dose back: nothing in plasma before it */
    assert_true(plasma_at(f, "oral_own", "po:50mg", "plasma_oralx_ng_per_ml", 0.2) == 0);
    /* a route field the model does not have is refused with its line */
    unlink(f->path);
    write_file(f, "name: oral_bad\ncomponents:\n  - {compound: oralz, fraction: 1.0}\ncompounds:\n"
                  "  oralz:\n" COMPOUND_FIELDS "    routes: {po: {bioavailability: 0.6}}\n");
    assert_int_equal(ketsim_catalog_load_drug_file(f->cat, f->params, f->path, &name, &e), KETSIM_EINPUT);
    assert_non_null(strstr(e.msg, "route.po.bioavailability"));
    assert_non_null(strstr(e.msg, ":20:"));
}

static void test_bad_name(void **state)
{
    expect_error(*state,
                 "name: Bad-Name\n"
                 "components:\n"
                 "  - {compound: s_ket, fraction: 1.0}\n",
                 1, "a-z");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_valid_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_builtin_mix, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_field, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fractions_sum, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_metabolite, setup, teardown),
        cmocka_unit_test_setup_teardown(test_self_metabolite, setup, teardown),
        cmocka_unit_test_setup_teardown(test_metabolite_sum, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nonpositive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_drug, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_compound, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compound_routes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_name, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
