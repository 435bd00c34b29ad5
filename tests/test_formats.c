/* The formats layer's writers: CSV fields quoted per RFC 4180, JSON from
 * jansson that user text (quotes, backslashes, control characters, stray
 * non-UTF-8 bytes) survives, null for undefined numbers, quoted dataset
 * cells read back, allocation failures reported, and the validation's
 * scenario loader callback. */
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
#include <jansson.h>

#include "ketsim/dataset.h"
#include "ketsim/formats.h"
#include "ketsim/params.h"
#include "ketsim/trial.h"
#include "ketsim/validate.h"

/* What a writer puts on a stream, as a string (caller frees). */
typedef struct capture {
    char *buf;
    size_t len;
    FILE *fp;
} capture;

static void cap_open(capture *c)
{
    c->buf = NULL;
    c->len = 0;
    c->fp = open_memstream(&c->buf, &c->len);
    assert_non_null(c->fp);
}

static char *cap_close(capture *c)
{
    fclose(c->fp);
    return c->buf;
}

static void expect_field(const char *in, const char *out)
{
    capture c;
    cap_open(&c);
    ketsim_csv_field(c.fp, in);
    char *s = cap_close(&c);
    if (strcmp(s, out) != 0)
        fail_msg("csv field of '%s': got '%s', want '%s'", in ? in : "(null)", s, out);
    free(s);
}

static void test_csv_field(void **state)
{
    (void)state;
    expect_field("plain", "plain");
    expect_field("", "");
    expect_field(NULL, "");
    expect_field("with space", "with space");
    expect_field("a,b", "\"a,b\"");
    expect_field("say \"hi\"", "\"say \"\"hi\"\"\"");
    expect_field("two\nlines", "\"two\nlines\"");
    expect_field("cr\rhere", "\"cr\rhere\"");
    expect_field("\"", "\"\"\"\"");
    /* the always-quoted variant */
    capture c;
    cap_open(&c);
    ketsim_csv_quoted(c.fp, "x");
    fputc(',', c.fp);
    ketsim_csv_quoted(c.fp, "a\"b");
    char *s = cap_close(&c);
    assert_string_equal(s, "\"x\",\"a\"\"b\"");
    free(s);
}

/* A scenario whose description holds a quote, a backslash, a tab and a
 * control character (YAML escapes in a double-quoted scalar). */
#define SCENARIO \
    "name: odd_text\n"                                              \
    "description: \"say \\\"hi\\\" \\\\ tab\\there \\x01 end\"\n"   \
    "source: \"Doe, J. (2024) \\\"A study\\\"\"\n"                  \
    "design: parallel\n"                                            \
    "subjects: 4\n"                                                 \
    "arms:\n"                                                       \
    "  - name: saline\n"                                            \
    "    control: saline\n"                                         \
    "  - name: ketamine\n"                                          \
    "    dose_mg_per_kg: 0.5\n"                                     \
    "visits: [40min, 1d]\n"                                         \
    "primary_visit: 1d\n"

static const char DESCRIPTION[] = "say \"hi\" \\ tab\there \x01 end";

static json_t *summary_of(const ketsim_trial_scenario *sc)
{
    /* two replicates of three made-up metrics: a p value (one defined), an
     * undefined one (NaN, inf) and an ordinary one */
    char names[2][3][80] = {{"x_vs_y@1d.p", "never", "x@1d.n"}, {"x_vs_y@1d.p", "never", "x@1d.n"}};
    double values[2][3] = {{0.01, NAN, 4}, {0.2, INFINITY, 4}};
    ketsim_trial_metrics reps[2];
    for (int r = 0; r < 2; r++) {
        reps[r].n = reps[r].cap = 3;
        reps[r].name = names[r];
        reps[r].value = values[r];
    }
    ketsim_trial_run_opts o = {.seed = 7, .replicates = 2, .alpha = 0.05};
    ketsim_trial_defs d = {.response_fraction = 0.5, .remission_max = 10, .relapse_fraction = 0.5,
                           .alpha = 0.05, .relapse_consecutive = 2, .relapse_madrs_min = 22};
    capture c;
    ketsim_error err;
    ketsim_error_clear(&err);
    cap_open(&c);
    int rc = ketsim_trial_write_summary_json(c.fp, sc, &d, &o, reps, 2, &err);
    char *s = cap_close(&c);
    if (rc)
        fail_msg("summary: %s", err.msg);
    json_error_t je;
    json_t *root = json_loads(s, 0, &je);
    if (!root)
        fail_msg("summary is not JSON (%s, line %d):\n%s", je.text, je.line, s);
    free(s);
    return root;
}

static const json_t *metric(const json_t *root, const char *name)
{
    size_t i;
    const json_t *m;
    json_array_foreach(json_object_get(root, "metrics"), i, m)
        if (strcmp(json_string_value(json_object_get(m, "name")), name) == 0)
            return m;
    fail_msg("no metric %s", name);
    return NULL;
}

static void test_summary_round_trip(void **state)
{
    (void)state;
    ketsim_trial_scenario sc;
    ketsim_error err;
    ketsim_error_clear(&err);
    if (ketsim_trial_scenario_load_string("odd.yaml", SCENARIO, &sc, &err))
        fail_msg("%s", err.msg);
    assert_string_equal(sc.description, DESCRIPTION);
    json_t *root = summary_of(&sc);
    assert_string_equal(json_string_value(json_object_get(root, "schema")), "ketsim-trial-summary/1");
    assert_string_equal(json_string_value(json_object_get(root, "description")), DESCRIPTION);
    assert_string_equal(json_string_value(json_object_get(root, "source")), "Doe, J. (2024) \"A study\"");
    assert_int_equal(json_integer_value(json_object_get(root, "seed")), 7);
    /* NaN and infinity are null; `defined` counts the finite replicates */
    const json_t *never = metric(root, "never");
    assert_true(json_is_null(json_object_get(never, "median")));
    assert_int_equal(json_integer_value(json_object_get(never, "defined")), 0);
    assert_true(json_real_value(json_object_get(metric(root, "x@1d.n"), "median")) == 4);
    /* mean and SD (n - 1) over the replicates where a metric is defined */
    assert_true(json_is_null(json_object_get(never, "mean")) && json_is_null(json_object_get(never, "sd")));
    const json_t *pm = metric(root, "x_vs_y@1d.p");
    assert_true(fabs(json_real_value(json_object_get(pm, "mean")) - 0.105) < 1e-10);
    assert_true(fabs(json_real_value(json_object_get(pm, "sd")) - 0.19 / sqrt(2.0)) < 1e-10 /* 10 digits */);
    assert_true(json_real_value(json_object_get(metric(root, "x@1d.n"), "sd")) == 0);
    /* the rules the endpoints were computed with */
    const json_t *defs = json_object_get(root, "definitions");
    assert_true(json_real_value(json_object_get(defs, "relapse_madrs_min")) == 22);
    assert_int_equal(json_integer_value(json_object_get(defs, "relapse_consecutive")), 2);
    assert_true(json_is_null(json_object_get(defs, "early_visit")));
    /* the p metric gives one power row: 1 of 2 replicates significant */
    const json_t *power = json_object_get(root, "power");
    assert_int_equal(json_array_size(power), 1);
    const json_t *p0 = json_array_get(power, 0);
    assert_string_equal(json_string_value(json_object_get(p0, "test")), "x_vs_y@1d");
    assert_true(fabs(json_real_value(json_object_get(p0, "power")) - 0.5) < 1e-12);
    json_decref(root);

    /* a byte that is not UTF-8 (set directly: the YAML reader refuses it)
     * becomes U+FFFD instead of failing the whole file */
    snprintf(sc.description, sizeof sc.description, "caf\xe9");
    root = summary_of(&sc);
    assert_string_equal(json_string_value(json_object_get(root, "description")), "caf\xef\xbf\xbd");
    json_decref(root);
}

/* jansson's allocator, failing from the n-th call on: every allocation a
 * writer makes can fail, and each failure must come back as KETSIM_ENOMEM
 * with nothing leaked (the sanitizer build checks the leaks). */
static long alloc_left;

static void *failing_malloc(size_t n)
{
    if (alloc_left-- <= 0)
        return NULL;
    return malloc(n);
}

static void test_json_out_of_memory(void **state)
{
    (void)state;
    ketsim_trial_scenario sc;
    ketsim_error err;
    ketsim_error_clear(&err);
    if (ketsim_trial_scenario_load_string("odd.yaml", SCENARIO, &sc, &err))
        fail_msg("%s", err.msg);
    char names[1][80] = {"x_vs_y@1d.p"};
    double values[1] = {0.01};
    ketsim_trial_metrics rep = {1, 1, names, values};
    ketsim_trial_run_opts o = {.seed = 7, .replicates = 1, .alpha = 0.05};
    ketsim_trial_defs d = {.response_fraction = 0.5, .remission_max = 10, .relapse_fraction = 0.5,
                           .alpha = 0.05, .relapse_consecutive = 2, .relapse_madrs_min = 22};
    int failures = 0, rc;
    for (long k = 0;; k++) {
        alloc_left = k;
        json_set_alloc_funcs(failing_malloc, free);
        capture c;
        cap_open(&c);
        rc = ketsim_trial_write_summary_json(c.fp, &sc, &d, &o, &rep, 1, &err);
        json_set_alloc_funcs(malloc, free);
        char *text = cap_close(&c);
        if (rc == KETSIM_OK) {
            json_t *root = json_loads(text, 0, NULL);
            assert_non_null(root);
            json_decref(root);
            free(text);
            break;
        }
        assert_int_equal(rc, KETSIM_ENOMEM);
        assert_string_equal(text, ""); /* nothing half-written */
        free(text);
        failures++;
    }
    assert_true(failures > 10); /* the document needs many allocations */
}

/* A dataset cell quoted because it holds a comma is read as one cell and
 * written back quoted. */
static void test_dataset_quoted_cells(void **state)
{
    (void)state;
    const char *text = "ID,TIME,AMT,CMT,EVID,MDV,DV,ARM\n"
                       "1,0,10,1,1,1,.,\"iv, fast\"\n"
                       "1,1,0,1,0,0,.,\"iv, fast\"\n";
    FILE *in = fmemopen((void *)text, strlen(text), "r");
    assert_non_null(in);
    ketsim_dataset *ds = NULL;
    ketsim_error err;
    ketsim_error_clear(&err);
    int rc = ketsim_dataset_read_stream(in, "q.csv", &ds, &err);
    fclose(in);
    if (rc)
        fail_msg("%s", err.msg);
    double pred[2] = {0, 1.5};
    capture c;
    cap_open(&c);
    assert_int_equal(ketsim_dataset_write_csv(c.fp, ds, pred, &err), KETSIM_OK);
    char *s = cap_close(&c);
    assert_non_null(strstr(s, ",ARM\n"));
    assert_non_null(strstr(s, ",\"iv, fast\"\n"));
    free(s);
    ketsim_dataset_free(ds);

    /* an unclosed quote is refused with the line */
    const char *broken = "ID,TIME,AMT,CMT,EVID,MDV,DV,ARM\n1,0,10,1,1,1,.,\"iv\n";
    in = fmemopen((void *)broken, strlen(broken), "r");
    rc = ketsim_dataset_read_stream(in, "b.csv", &ds, &err);
    fclose(in);
    assert_int_equal(rc, KETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "b.csv:2"));
}

/* ---- the validation's scenario loader ---- */

#define TARGETS                                                                                       \
    "id,quantity,species,drug,doses,until,set,statistic,literature,lower,upper,window,source,role,table\n"        \
    "t1,response,human,ketamine,,1d,,trial:tiny:ketamine@1d.response:median:1,x,0,1,w,\"s\",check,\n"

#define TINY \
    "name: tiny\n"                    \
    "design: parallel\n"              \
    "subjects: 4\n"                   \
    "arms:\n"                         \
    "  - name: saline\n"              \
    "    control: saline\n"           \
    "  - name: ketamine\n"            \
    "    dose_mg_per_kg: 0.5\n"       \
    "visits: [1d]\n"                  \
    "primary_visit: 1d\n"

typedef struct loader_state {
    int calls;
    char last[64];
} loader_state;

static int from_string(const char *name, ketsim_trial_scenario *sc, void *user, ketsim_error *err)
{
    loader_state *st = user;
    st->calls++;
    snprintf(st->last, sizeof st->last, "%s", name);
    return ketsim_trial_scenario_load_string("tiny.yaml", TINY, sc, err);
}

static ketsim_validation *load_targets(void)
{
    char path[] = "/tmp/ketsim_loader_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(TARGETS, f);
    fclose(f);
    ketsim_params *base = NULL;
    ketsim_validation *v = NULL;
    ketsim_error err;
    ketsim_error_clear(&err);
    assert_int_equal(ketsim_params_create(KETSIM_HUMAN, &base, &err), KETSIM_OK);
    int rc = ketsim_targets_read(path, base, &v, &err);
    ketsim_params_free(base);
    unlink(path);
    if (rc)
        fail_msg("%s", err.msg);
    return v;
}

static void test_scenario_loader(void **state)
{
    (void)state;
    ketsim_validation *v = load_targets();
    ketsim_error err;
    ketsim_error_clear(&err);
    /* the reader sets the formats loader; without one the validation cannot
     * find a scenario */
    ketsim_validation_set_scenario_loader(v, NULL, NULL);
    assert_int_equal(ketsim_validation_run(v, &err), KETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "no scenario loader"));
    ketsim_validation_free(v);

    v = load_targets();
    loader_state st = {0, ""};
    ketsim_validation_set_scenario_loader(v, from_string, &st);
    ketsim_error_clear(&err);
    if (ketsim_validation_run(v, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(st.calls, 1);
    assert_string_equal(st.last, "tiny");
    double sim = ketsim_validation_result(v, 0)->simulated;
    assert_true(sim >= 0 && sim <= 1);
    ketsim_validation_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_field),
        cmocka_unit_test(test_summary_round_trip),
        cmocka_unit_test(test_json_out_of_memory),
        cmocka_unit_test(test_dataset_quoted_cells),
        cmocka_unit_test(test_scenario_loader),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
