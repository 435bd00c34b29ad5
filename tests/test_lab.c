/* Virtual lab: assay arithmetic, the statistics a protocol reports, and the
 * protocol parser's errors. */
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
#include "ketsim/lab.h"
#include "ketsim/stats.h"

static void test_lag_ramp(void **state)
{
    (void)state;
    /* input x = t: exact response y = t - tau (1 - exp(-t/tau)) */
    double t[41], x[41], y[41], tau = 0.7;
    for (int i = 0; i < 41; i++)
        t[i] = x[i] = 0.25 * i;
    ketsim_lab_lag_filter(t, x, 41, tau, y);
    for (int i = 0; i < 41; i++)
        assert_true(fabs(y[i] - (t[i] - tau * (1 - exp(-t[i] / tau)))) < 1e-12);
    ketsim_lab_lag_filter(t, x, 41, 0, y);
    for (int i = 0; i < 41; i++)
        assert_true(y[i] == x[i]);
}

static void test_window_mean(void **state)
{
    (void)state;
    double t[] = {0, 1, 2, 3, 4}, x[] = {1, 3, 5, 7, 9}; /* x = 1 + 2t */
    /* mean of a linear signal = its value at the middle of the window */
    assert_true(fabs(ketsim_lab_window_mean(t, x, 5, 0.5, 2.5) - (1 + 2 * 1.5)) < 1e-12);
    assert_true(fabs(ketsim_lab_window_mean(t, x, 5, 1, 4) - 6) < 1e-12);
    double y[] = {0, 0, 3, 0, 0}; /* a triangle of area 3 over [1,3] */
    assert_true(fabs(ketsim_lab_window_mean(t, y, 5, 1, 3) - 1.5) < 1e-12);
    assert_true(isnan(ketsim_lab_window_mean(t, y, 5, 2, 2)));
}

static void test_behaviour(void **state)
{
    (void)state;
    assert_true(ketsim_lab_fst_immobility(1, 150, 0.5) == 150);
    assert_true(fabs(ketsim_lab_fst_immobility(1.4, 150, 0.5) - 120) < 1e-12);
    assert_true(ketsim_lab_fst_immobility(10, 150, 0.5) == 0);
    assert_true(ketsim_lab_fst_immobility(-5, 150, 0.5) == 240);
    assert_true(ketsim_lab_spt_preference(1, 82, 2) == 82);
    assert_true(fabs(ketsim_lab_spt_preference(0.5, 82, 2) - (50 + 32 * 0.25)) < 1e-12);
    assert_true(ketsim_lab_spt_preference(0, 82, 2) == 50);
    assert_true(ketsim_lab_spt_preference(5, 82, 2) == 100);
}

static char *write_tmp(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/ketsim_lab_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_true(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    return path;
}

#define HEAD "name: t\nspecies: rat\nseed: 5\n"
#define TWO_GROUPS \
    "groups:\n"                                  \
    "  - name: vehicle\n"                        \
    "    n: 5\n"                                 \
    "  - name: ketamine\n"                       \
    "    n: 5\n"                                 \
    "    drug: ketamine\n"                       \
    "    dose: ip:10mg/kg\n"

static void expect_error(const char *text, const char *needle1, const char *needle2)
{
    ketsim_lab_protocol *p = malloc(sizeof *p);
    ketsim_error err;
    ketsim_error_clear(&err);
    char *path = write_tmp(text);
    ketsim_params *tables = NULL;
    int rc = ketsim_params_create(KETSIM_HUMAN, &tables, &err);
    if (!rc)
        rc = ketsim_lab_protocol_load(path, tables, p, &err);
    ketsim_params_free(tables);
    unlink(path);
    free(p);
    if (rc != KETSIM_EINPUT)
        fail_msg("expected EINPUT, got %d (%s) for:\n%s", rc, err.msg, text);
    if (!strstr(err.msg, needle1) || (needle2 && !strstr(err.msg, needle2)))
        fail_msg("message '%s' lacks '%s' / '%s'", err.msg, needle1, needle2 ? needle2 : "");
    if (!strstr(err.msg, "/tmp/ketsim_lab_"))
        fail_msg("message '%s' does not name the file", err.msg);
}

static void test_parser_errors(void **state)
{
    (void)state;
    expect_error(HEAD "colour: red\n" TWO_GROUPS "readouts:\n  - {assay: spines, times: [24h]}\n",
                 ":4:", "colour");
    expect_error("name: t\nspecies: dog\n", ":2:", "species");
    expect_error(HEAD TWO_GROUPS "readouts:\n  - {assay: westren, times: [1h]}\n", ":12:", "assay");
    expect_error(HEAD TWO_GROUPS "readouts:\n  - {assay: western, measures: [p_akt], times: [1h]}\n",
                 ":12:", "measures[0]");
    expect_error(HEAD TWO_GROUPS "readouts:\n  - {assay: spines, times: [24]}\n", ":12:", "times[0]");
    expect_error(HEAD TWO_GROUPS "readouts:\n  - {assay: spines, times: [-1h]}\n", ":12:", "times[0]");
    expect_error(HEAD TWO_GROUPS "readouts:\n  - {assay: spines, times: [24h, 1d]}\n", ":12:", "times[1]");
    expect_error(HEAD "groups:\n  - name: a\n    n: 1\n  - name: b\n    n: 4\n"
                 "readouts:\n  - {assay: spines, times: [24h]}\n", ":6:", "groups[0].n");
    expect_error(HEAD "groups:\n  - name: a\n    n: 4\n    drug: ketamine\n"
                 "  - name: b\n    n: 4\nreadouts:\n  - {assay: spines, times: [24h]}\n",
                 ":5:", "both 'drug' and 'dose'");
    expect_error(HEAD "groups:\n  - name: a\n    n: 4\n    drug: ketamin\n    dose: ip:1mg/kg\n"
                 "  - name: b\n    n: 4\nreadouts:\n  - {assay: spines, times: [24h]}\n",
                 ":7:", "groups[0].drug");
    expect_error(HEAD "groups:\n  - name: a\n    n: 4\n    drug: ketamine\n    dose: ip:10mg/kg\n"
                 "    pretreatments:\n      - {drug: nbqx, dose: ip:10mg/kg, time: 10min}\n"
                 "  - name: b\n    n: 4\nreadouts:\n  - {assay: spines, times: [24h]}\n",
                 ":10:", "pretreatments[0].time");
    expect_error(HEAD "groups:\n  - name: a\n    n: 4\n    control: true\n"
                 "  - name: b\n    n: 4\n    control: true\nreadouts:\n  - {assay: spines, times: [24h]}\n",
                 ":8:", "only one group");
    expect_error(HEAD "groups:\n  - name: a\n    n: 4\n    set: {nope.x: 1}\n"
                 "  - name: b\n    n: 4\nreadouts:\n  - {assay: spines, times: [24h]}\n",
                 ":7:", "groups[0].set.nope.x");
    expect_error("name: t\nspecies: human\n" TWO_GROUPS "readouts:\n  - {assay: forced_swim, times: [24h]}\n",
                 ":11:", "rodent");
    expect_error("name: t\nspecies: human\ngroups:\n  - {name: a, n: 3}\n"
                 "  - {name: b, n: 3, drug: rapamycin, dose: icv:0.0002mg}\n"
                 "readouts:\n  - {assay: plasma, times: [1h]}\n", ":5:", "groups[1].dose");
    expect_error(HEAD TWO_GROUPS "contrasts:\n  - [vehicle, placebo]\n"
                 "readouts:\n  - {assay: spines, times: [24h]}\n", ":12:", "contrasts[0][1]");
    expect_error(HEAD "stress: {model: cus, days: 3}\n" TWO_GROUPS "readouts:\n  - {assay: spines, times: [24h]}\n",
                 ":4:", "stress.days");
}

static int load(const char *text, ketsim_lab_protocol *p)
{
    ketsim_error err;
    ketsim_error_clear(&err);
    char *path = write_tmp(text);
    ketsim_params *tables = NULL;
    int rc = ketsim_params_create(KETSIM_HUMAN, &tables, &err);
    if (!rc)
        rc = ketsim_lab_protocol_load(path, tables, p, &err);
    ketsim_params_free(tables);
    unlink(path);
    if (rc)
        fail_msg("%s", err.msg);
    return rc;
}

/* Read the per-animal CSV back: values of one read-out per group. */
static size_t read_values(const ketsim_lab_result *r, const char *group, const char *measure, double *out)
{
    char *buf = NULL;
    size_t len = 0, n = 0;
    FILE *f = open_memstream(&buf, &len);
    ketsim_error err;
    assert_int_equal(ketsim_lab_write_animals_csv(r, f, &err), KETSIM_OK);
    fclose(f);
    char *save = NULL;
    for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char g[64], a[64], m[64];
        double v;
        if (sscanf(line, "t,%63[^,],%*d,%63[^,],%63[^,],%*[^,],%*[^,],%*[^,],%lf", g, a, m, &v) == 4 &&
            !strcmp(g, group) && !strcmp(m, measure))
            out[n++] = v;
        (void)a;
    }
    free(buf);
    return n;
}

static void test_statistics(void **state)
{
    (void)state;
    ketsim_lab_protocol *p = malloc(sizeof *p);
    ketsim_params *params = NULL;
    ketsim_error err;
    ketsim_error_clear(&err);
    load(HEAD TWO_GROUPS "readouts:\n  - {assay: spines, times: [24h]}\n"
         "  - {assay: western, measures: [p_mtor], times: [2h]}\n", p);
    assert_int_equal(ketsim_params_create(KETSIM_RAT, &params, &err), 0);
    ketsim_lab_result *r = NULL;
    assert_int_equal(ketsim_lab_run(p, params, 5, &r, &err), 0);
    double veh[8], ket[8];
    assert_int_equal(read_values(r, "vehicle", "spine_density", veh), 5);
    assert_int_equal(read_values(r, "ketamine", "spine_density", ket), 5);
    ketsim_stats_ttest t;
    double mean, sem;
    assert_int_equal(ketsim_stats_ttest_welch(ket, 5, veh, 5, 0.95, &t, &err), 0);
    ketsim_stats_mean(ket, 5, &mean, &err);
    ketsim_stats_sem(ket, 5, &sem, &err);
    ketsim_lab_cell c;
    assert_int_equal(ketsim_lab_result_cell(r, 0, 1, &c), 0);
    /* the CSV keeps 10 significant digits */
    assert_true(fabs(c.mean - mean) < 1e-8 * mean && fabs(c.sem - sem) < 1e-6 * sem);
    assert_true(fabs(c.p - t.p) < 1e-6 * t.p);
    assert_true(c.mean > 10); /* ketamine raises spines at 24 h */
    /* Western: fold of the vehicle group's mean, so the control mean is 1 */
    assert_int_equal(ketsim_lab_result_cell(r, 1, 0, &c), 0);
    assert_true(fabs(c.mean - 1) < 1e-12 && isnan(c.p));
    /* same seed, same numbers */
    ketsim_lab_result *r2 = NULL;
    assert_int_equal(ketsim_lab_run(p, params, 5, &r2, &err), 0);
    ketsim_lab_cell c2;
    ketsim_lab_result_cell(r2, 1, 1, &c2);
    ketsim_lab_result_cell(r, 1, 1, &c);
    assert_true(c.mean == c2.mean && c.p == c2.p);
    ketsim_lab_result_free(r2);
    ketsim_lab_result_free(r);
    ketsim_params_free(params);
    free(p);
}

static void test_anova_holm(void **state)
{
    (void)state;
    ketsim_lab_protocol *p = malloc(sizeof *p);
    ketsim_params *params = NULL;
    ketsim_error err;
    ketsim_error_clear(&err);
    load(HEAD TWO_GROUPS "  - name: high\n    n: 5\n    drug: ketamine\n    dose: ip:20mg/kg\n"
         "readouts:\n  - {assay: forced_swim, times: [24h]}\n", p);
    assert_int_equal(ketsim_params_create(KETSIM_RAT, &params, &err), 0);
    ketsim_lab_result *r = NULL;
    assert_int_equal(ketsim_lab_run(p, params, 9, &r, &err), 0);
    double g[3][8];
    const double *gp[3] = {g[0], g[1], g[2]};
    size_t sz[3];
    sz[0] = read_values(r, "vehicle", "immobility", g[0]);
    sz[1] = read_values(r, "ketamine", "immobility", g[1]);
    sz[2] = read_values(r, "high", "immobility", g[2]);
    ketsim_stats_anova a;
    ketsim_stats_vs_control_result vc[2];
    assert_int_equal(ketsim_stats_anova1(gp, sz, 3, &a, &err), 0);
    assert_int_equal(ketsim_stats_vs_control(gp, sz, 3, 0, KETSIM_STATS_VS_CONTROL_POOLED, 0.95, vc, &err), 0);
    assert_true(fabs(ketsim_lab_result_anova_p(r, 0) - a.p) < 1e-6 * a.p);
    ketsim_lab_cell c;
    ketsim_lab_result_cell(r, 0, 2, &c);
    assert_true(fabs(c.p - vc[1].p_holm) < 1e-6 * vc[1].p_holm);
    ketsim_lab_result_free(r);
    ketsim_params_free(params);
    free(p);
}

/* Removing a link removes the downstream effect: with TrkB fully blocked
 * (a parameter, no special case in the lab code) ketamine no longer raises
 * p-mTOR relative to the same blocked vehicle group. */
static void test_link_removed(void **state)
{
    (void)state;
    ketsim_lab_protocol *p = malloc(sizeof *p);
    ketsim_params *params = NULL;
    ketsim_error err;
    ketsim_error_clear(&err);
    load("name: t\nspecies: rat\nvariability: false\ngroups:\n"
         "  - {name: veh, n: 2, set: {mtor.rapamycin_inhibition: 1}}\n"
         "  - {name: ket, n: 2, drug: ketamine, dose: ip:10mg/kg, set: {mtor.rapamycin_inhibition: 1}}\n"
         "  - {name: ket_free, n: 2, drug: ketamine, dose: ip:10mg/kg}\n"
         "readouts:\n  - {assay: spines, times: [24h]}\n", p);
    assert_int_equal(ketsim_params_create(KETSIM_RAT, &params, &err), 0);
    ketsim_lab_result *r = NULL;
    if (ketsim_lab_run(p, params, 1, &r, &err))
        fail_msg("%s", err.msg);
    ketsim_lab_cell v, k, f;
    ketsim_lab_result_cell(r, 0, 0, &v);
    ketsim_lab_result_cell(r, 0, 1, &k);
    ketsim_lab_result_cell(r, 0, 2, &f);
    if (!(fabs(k.mean - v.mean) < 1e-6))
        fail_msg("blocked: vehicle %g ketamine %g", v.mean, k.mean);
    assert_true(f.mean > 1.05 * 10);
    ketsim_lab_result_free(r);
    ketsim_params_free(params);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lag_ramp),      cmocka_unit_test(test_window_mean),
        cmocka_unit_test(test_behaviour),     cmocka_unit_test(test_parser_errors),
        cmocka_unit_test(test_statistics),    cmocka_unit_test(test_anova_holm),
        cmocka_unit_test(test_link_removed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
