/* The parameter engine (include/ketsim/params.h) on a small table of its
 * own, so that what is checked does not move with the model's values:
 * registration checks, overrides by name and by row with their range
 * checks, copies for another species, clones, user rows, and parameter
 * files whose errors name the file, the line and the parameter. */
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

/* human, rat, mouse */
static const ketsim_param_def rows[] = {
    {"t.cl_l_per_h", "L/h", {10, 2, 0.5}, 0, 100, KETSIM_PARAM_LITERATURE, "", "a paper", "clearance"},
    {"t.frac", "1", {0.5, 0.4, 0.3}, 0, 1, KETSIM_PARAM_CALIBRATED, "tgt_a tgt_b", "fitted", "a fraction"},
    {"t.shift", "mV", {-3, -3, -3}, -INFINITY, INFINITY, KETSIM_PARAM_ASSUMED, "", "assumed: none", "shift"},
};
static const ketsim_param_table table = {rows, sizeof rows / sizeof rows[0]};

static ketsim_params *make(ketsim_species sp)
{
    ketsim_params *p;
    ketsim_error err;
    assert_int_equal(ketsim_params_create_empty(sp, &p, &err), KETSIM_OK);
    assert_int_equal(ketsim_params_register(p, &table, &err), KETSIM_OK);
    return p;
}

static void expect_msg(int rc, int want, const ketsim_error *err, const char *text)
{
    assert_int_equal(rc, want);
    if (!strstr(err->msg, text))
        fail_msg("message '%s' lacks '%s'", err->msg, text);
}

static void test_register_checks(void **state)
{
    (void)state;
    ketsim_params *p;
    ketsim_error err;
    expect_msg(ketsim_params_create_empty((ketsim_species)KETSIM_N_SPECIES, &p, &err), KETSIM_EINPUT, &err,
               "invalid species index 3");
    assert_null(p);
    expect_msg(ketsim_params_create_empty((ketsim_species)-1, &p, &err), KETSIM_EINPUT, &err, "invalid species");

    p = make(KETSIM_RAT);
    assert_int_equal(ketsim_params_count(p), 3);
    assert_int_equal(ketsim_params_species(p), KETSIM_RAT);
    assert_true(ketsim_params_value(p, "t.cl_l_per_h") == 2); /* the species' column */
    /* the same table again: its first name exists */
    expect_msg(ketsim_params_register(p, &table, &err), KETSIM_EINTERNAL, &err,
               "parameter 't.cl_l_per_h' registered twice");
    static const ketsim_param_def bad_kind[] = {
        {"t.odd", "1", {1, 1, 1}, 0, 2, KETSIM_N_PARAM_KINDS, "", "x", "x"}};
    const ketsim_param_table bk = {bad_kind, 1};
    expect_msg(ketsim_params_register(p, &bk, &err), KETSIM_EINTERNAL, &err, "parameter 't.odd': invalid kind");
    assert_false(ketsim_params_has(p, "t.odd"));
    ketsim_params_free(p);

    /* a bounded number of tables: the 17th is refused */
    assert_int_equal(ketsim_params_create_empty(KETSIM_HUMAN, &p, &err), KETSIM_OK);
    const ketsim_param_table empty = {rows, 0};
    for (int i = 0; i < 16; i++)
        assert_int_equal(ketsim_params_register(p, &empty, &err), KETSIM_OK);
    expect_msg(ketsim_params_register(p, &empty, &err), KETSIM_EINTERNAL, &err, "more than 16 parameter tables");
    ketsim_params_free(p);
    ketsim_params_free(NULL);
}

static void test_overrides_by_name(void **state)
{
    (void)state;
    ketsim_params *p = make(KETSIM_HUMAN);
    ketsim_error err;
    double v = 0;
    assert_int_equal(ketsim_params_set(p, "t.frac", 0.25, &err), KETSIM_OK);
    assert_int_equal(ketsim_params_get(p, "t.frac", &v, &err), KETSIM_OK);
    assert_true(v == 0.25);
    ketsim_param_info info;
    assert_int_equal(ketsim_params_info(p, 1, &info), KETSIM_OK);
    assert_string_equal(info.name, "t.frac");
    assert_true(info.overridden && info.value == 0.25 && info.default_value == 0.5);
    assert_int_equal(info.kind, KETSIM_PARAM_CALIBRATED);
    assert_string_equal(info.targets, "tgt_a tgt_b");
    assert_string_equal(ketsim_param_kind_name(info.kind), "calibrated");
    assert_int_equal(ketsim_params_info(p, 3, &info), KETSIM_EINPUT);

    /* range and finiteness; a refused value leaves the row as it was */
    expect_msg(ketsim_params_set(p, "t.frac", 1.5, &err), KETSIM_EINPUT, &err,
               "parameter 't.frac': value 1.5 outside the allowed range [0, 1] 1");
    expect_msg(ketsim_params_set(p, "t.cl_l_per_h", -1, &err), KETSIM_EINPUT, &err, "outside the allowed range");
    expect_msg(ketsim_params_set(p, "t.shift", NAN, &err), KETSIM_EINPUT, &err,
               "parameter 't.shift': value must be a finite number");
    expect_msg(ketsim_params_set(p, "t.shift", INFINITY, &err), KETSIM_EINPUT, &err, "finite number");
    assert_int_equal(ketsim_params_set(p, "t.shift", -1e300, &err), KETSIM_OK); /* unbounded row */
    assert_true(ketsim_params_value(p, "t.frac") == 0.25 && ketsim_params_value(p, "t.cl_l_per_h") == 10);
    expect_msg(ketsim_params_set(p, "t.none", 1, &err), KETSIM_EINPUT, &err, "unknown parameter 't.none'");
    expect_msg(ketsim_params_get(p, "t.none", &v, &err), KETSIM_EINPUT, &err, "unknown parameter 't.none'");

    /* the --set form */
    assert_int_equal(ketsim_params_set_assignment(p, "t.cl_l_per_h=12.5", &err), KETSIM_OK);
    assert_true(ketsim_params_value(p, "t.cl_l_per_h") == 12.5);
    expect_msg(ketsim_params_set_assignment(p, "t.cl_l_per_h", &err), KETSIM_EINPUT, &err, "expected NAME=VALUE");
    expect_msg(ketsim_params_set_assignment(p, "=3", &err), KETSIM_EINPUT, &err, "expected NAME=VALUE");
    expect_msg(ketsim_params_set_assignment(p, "t.frac=0x1", &err), KETSIM_EINPUT, &err,
               "--set t.frac: '0x1' is not a finite number");
    expect_msg(ketsim_params_set_assignment(p, "t.frac=2", &err), KETSIM_EINPUT, &err, "--set: parameter 't.frac'");
    char longname[400];
    memset(longname, 'n', 300);
    strcpy(longname + 300, "=1");
    expect_msg(ketsim_params_set_assignment(p, longname, &err), KETSIM_EINPUT, &err, "parameter name too long");
    ketsim_params_free(p);
}

static void test_rows_and_copies(void **state)
{
    (void)state;
    ketsim_params *p = make(KETSIM_HUMAN);
    ketsim_error err;
    size_t row = 99;
    assert_int_equal(ketsim_params_find(p, "t.shift", &row, &err), KETSIM_OK);
    assert_int_equal(row, 2);
    expect_msg(ketsim_params_find(p, "t.none", &row, &err), KETSIM_EINPUT, &err, "unknown parameter 't.none'");
    assert_true(ketsim_params_value_at(p, 2) == -3);
    assert_int_equal(ketsim_params_set_at(p, 2, 4, &err), KETSIM_OK);
    assert_true(ketsim_params_value_at(p, 2) == 4);
    expect_msg(ketsim_params_set_at(p, 0, 101, &err), KETSIM_EINPUT, &err, "outside the allowed range");
    expect_msg(ketsim_params_set_at(p, 3, 1, &err), KETSIM_EINTERNAL, &err, "parameter row 3 out of range");

    /* a clone keeps values and marks; copy_values carries them back */
    ketsim_params *c;
    assert_int_equal(ketsim_params_clone(p, &c, &err), KETSIM_OK);
    assert_true(ketsim_params_value(c, "t.shift") == 4);
    assert_int_equal(ketsim_params_set(c, "t.frac", 0.75, &err), KETSIM_OK);
    assert_int_equal(ketsim_params_copy_values(p, c, &err), KETSIM_OK);
    ketsim_param_info info;
    assert_int_equal(ketsim_params_info(p, 1, &info), KETSIM_OK);
    assert_true(info.value == 0.75 && info.overridden);

    /* another species: the same rows at that species' defaults, no overrides */
    ketsim_params *m;
    assert_int_equal(ketsim_params_for_species(p, KETSIM_MOUSE, &m, &err), KETSIM_OK);
    assert_int_equal(ketsim_params_count(m), 3);
    assert_true(ketsim_params_value(m, "t.cl_l_per_h") == 0.5 && ketsim_params_value(m, "t.frac") == 0.3);
    assert_int_equal(ketsim_params_info(m, 2, &info), KETSIM_OK);
    assert_true(info.value == -3 && !info.overridden);
    expect_msg(ketsim_params_copy_values(m, p, &err), KETSIM_EINTERNAL, &err, "differ in rows or species");
    ketsim_params *none = (ketsim_params *)&none;
    expect_msg(ketsim_params_for_species(p, (ketsim_species)KETSIM_N_SPECIES, &none, &err), KETSIM_EINPUT, &err,
               "invalid species");
    assert_null(none);

    /* user rows: new names only, finite values, no range */
    assert_int_equal(ketsim_params_add(c, "u.k_per_h", "1/h", 0.1, "my file", "a rate", &err), KETSIM_OK);
    assert_int_equal(ketsim_params_count(c), 4);
    assert_int_equal(ketsim_params_set(c, "u.k_per_h", 1e9, &err), KETSIM_OK);
    expect_msg(ketsim_params_add(c, "t.frac", "1", 0.1, "", "", &err), KETSIM_EINPUT, &err,
               "parameter 't.frac' already exists");
    expect_msg(ketsim_params_add(c, "u.bad", "1", NAN, "", "", &err), KETSIM_EINPUT, &err,
               "parameter 'u.bad': value must be finite");
    expect_msg(ketsim_params_copy_values(p, c, &err), KETSIM_EINTERNAL, &err, "differ in rows or species");
    ketsim_params_free(m);
    ketsim_params_free(c);
    ketsim_params_free(p);
}

/* Names are found through a hash index that starts at 512 slots and is
 * rebuilt when the rows pass half of it: every one of 3000 rows (the index
 * rebuilt several times, in a table and in its clone) must still be found
 * at its own row, and a name that differs in one character must not. */
static void test_index_growth(void **state)
{
    (void)state;
    ketsim_params *p = make(KETSIM_HUMAN);
    ketsim_error err;
    char name[32];
    for (int i = 0; i < 3000; i++) {
        snprintf(name, sizeof name, "u.k%d_per_h", i);
        assert_int_equal(ketsim_params_add(p, name, "1/h", i, "", "", &err), KETSIM_OK);
    }
    ketsim_params *c;
    assert_int_equal(ketsim_params_clone(p, &c, &err), KETSIM_OK);
    const ketsim_params *both[] = {p, c};
    for (int k = 0; k < 2; k++) {
        assert_int_equal(ketsim_params_count(both[k]), 3003);
        for (int i = 0; i < 3000; i++) {
            size_t row = 0;
            snprintf(name, sizeof name, "u.k%d_per_h", i);
            assert_int_equal(ketsim_params_find(both[k], name, &row, &err), KETSIM_OK);
            assert_int_equal(row, (size_t)i + 3);
            assert_true(ketsim_params_value(both[k], name) == i);
            snprintf(name, sizeof name, "u.k%d_per_hx", i);
            assert_false(ketsim_params_has(both[k], name));
        }
        assert_true(ketsim_params_value(both[k], "t.frac") == 0.5);
    }
    expect_msg(ketsim_params_add(c, "u.k2999_per_h", "1", 0.1, "", "", &err), KETSIM_EINPUT, &err,
               "parameter 'u.k2999_per_h' already exists");
    ketsim_params *empty;
    assert_int_equal(ketsim_params_create_empty(KETSIM_HUMAN, &empty, &err), KETSIM_OK);
    assert_false(ketsim_params_has(empty, "t.frac"));
    ketsim_params_free(empty);
    ketsim_params_free(c);
    ketsim_params_free(p);
}

static void test_species_and_kinds(void **state)
{
    (void)state;
    ketsim_species sp = KETSIM_HUMAN;
    ketsim_error err;
    assert_int_equal(ketsim_species_parse("mouse", &sp, &err), KETSIM_OK);
    assert_int_equal(sp, KETSIM_MOUSE);
    expect_msg(ketsim_species_parse("dog", &sp, &err), KETSIM_EINPUT, &err, "unknown species 'dog'");
    assert_string_equal(ketsim_species_name(KETSIM_RAT), "rat");
    assert_string_equal(ketsim_species_name((ketsim_species)KETSIM_N_SPECIES), "?");
    assert_string_equal(ketsim_param_kind_name(KETSIM_PARAM_HAND_SET), "hand-set");
    assert_string_equal(ketsim_param_kind_name((ketsim_param_kind)-1), "?");
}

/* A parameter file in a private directory; returns its path (static). */
static const char *write_file(const char *text)
{
    static char dir[64], path[96];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/ketsim_test_params.XXXXXX");
        assert_non_null(mkdtemp(dir));
    }
    snprintf(path, sizeof path, "%s/p.txt", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    return path;
}

static void load_refused(const char *text, const char *want)
{
    ketsim_params *p = make(KETSIM_HUMAN);
    ketsim_error err;
    const char *path = write_file(text);
    char msg[512];
    snprintf(msg, sizeof msg, want, path);
    expect_msg(ketsim_params_load_file(p, path, &err), KETSIM_EINPUT, &err, msg);
    ketsim_params_free(p);
}

static void test_param_files(void **state)
{
    (void)state;
    ketsim_params *p = make(KETSIM_HUMAN);
    ketsim_error err;
    /* the separators a file may use, comments and blank lines */
    const char *path = write_file("# header\n\n t.cl_l_per_h = 20 # trailing\nt.frac 0.125\r\nt.shift,-7\n"
                                  "t.frac\t= 0.0625\n");
    assert_int_equal(ketsim_params_load_file(p, path, &err), KETSIM_OK);
    assert_true(ketsim_params_value(p, "t.cl_l_per_h") == 20);
    assert_true(ketsim_params_value(p, "t.frac") == 0.0625); /* the last line wins */
    assert_true(ketsim_params_value(p, "t.shift") == -7);
    ketsim_params_free(p);

    load_refused("t.frac=0.5\nt.frac=abc\n", "%s:2: parameter 't.frac': 'abc' is not a finite number");
    load_refused("t.frac=0.5\n\nt.frac=2\n", "%s:3: parameter 't.frac': value 2 outside the allowed range");
    load_refused("t.none=1\n", "%s:1: unknown parameter 't.none'");
    load_refused("t.frac\n", "%s:1: expected NAME=VALUE, got 't.frac'");
    load_refused("# only a comment\n\n", "%s: no NAME = VALUE lines (empty parameter file)");
    load_refused("", "%s: no NAME = VALUE lines");
    char longline[1200];
    memset(longline, ' ', sizeof longline - 2);
    memcpy(longline, "t.frac=", 7);
    longline[sizeof longline - 2] = '\n';
    longline[sizeof longline - 1] = '\0';
    load_refused(longline, "%s:1: line too long");

    /* a file that is not there: the path and the reason */
    p = make(KETSIM_HUMAN);
    expect_msg(ketsim_params_load_file(p, "/nonexistent/ketsim/p.txt", &err), KETSIM_EINPUT, &err,
               "/nonexistent/ketsim/p.txt: cannot open parameter file: No such file or directory");
    ketsim_params_free(p);

    path = write_file("");
    assert_int_equal(unlink(path), 0);
    char dir[96];
    snprintf(dir, sizeof dir, "%s", path);
    *strrchr(dir, '/') = '\0';
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_register_checks), cmocka_unit_test(test_overrides_by_name),
        cmocka_unit_test(test_rows_and_copies), cmocka_unit_test(test_index_growth), cmocka_unit_test(test_species_and_kinds),
        cmocka_unit_test(test_param_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
