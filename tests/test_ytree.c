/* Tests for the YAML tree loader: structure and positions, load-time
 * refusals, strict typed getters and field-path messages. */
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

#include "util/ytree.h"

static ytree *load_ok(const char *text)
{
    ytree *t = NULL;
    ketsim_error e = {0};
    int rc = ytree_load_string("t.yaml", text, strlen(text), &t, &e);
    if (rc != KETSIM_OK)
        print_message("unexpected error: %s\n", e.msg);
    assert_int_equal(rc, KETSIM_OK);
    assert_non_null(t);
    return t;
}

/* Loads len bytes that must be refused; returns the message. */
static void load_err(const char *text, size_t len, char *msg, size_t size)
{
    ytree *t = (ytree *)1;
    ketsim_error e = {0};
    int rc = ytree_load_string("t.yaml", text, len, &t, &e);
    assert_int_equal(rc, KETSIM_EINPUT);
    assert_int_equal(e.code, KETSIM_EINPUT);
    assert_null(t);
    snprintf(msg, size, "%s", e.msg);
}

static void assert_contains(const char *msg, const char *needle)
{
    if (!strstr(msg, needle))
        fail_msg("'%s' does not contain '%s'", msg, needle);
}

static void expect_load_error(const char *text, const char *needle)
{
    char msg[KETSIM_ERRMSG_LEN];
    load_err(text, strlen(text), msg, sizeof msg);
    assert_contains(msg, needle);
}

/* ---- structure and positions -------------------------------------------- */

static const char NESTED[] = "name: test run\n"           /* 1 */
                             "drug:\n"                    /* 2 */
                             "  ka: 1.5\n"                /* 3 */
                             "  doses:\n"                 /* 4 */
                             "    - time: 0\n"            /* 5 */
                             "      amount: 35\n"         /* 6 */
                             "    - {time: 24, amount: \"x\"}\n" /* 7 */
                             "flags: [a, 'b']\n"          /* 8 */
                             "note: |\n"                  /* 9 */
                             "  two\n"                    /* 10 */
                             "  lines\n";                 /* 11 */

static void test_nested_structure(void **state)
{
    (void)state;
    ytree *t = load_ok(NESTED);
    assert_string_equal(ytree_filename(t), "t.yaml");
    const ytree_node *root = ytree_root(t);
    assert_int_equal(ytree_kind_of(root), YTREE_MAPPING);
    assert_int_equal(ytree_len(root), 4);
    assert_string_equal(ytree_map_key(root, 0), "name");
    assert_string_equal(ytree_map_key(root, 1), "drug");
    assert_string_equal(ytree_map_key(root, 2), "flags");
    assert_string_equal(ytree_map_key(root, 3), "note");
    assert_null(ytree_map_key(root, 4));
    assert_string_equal(ytree_scalar(ytree_map_value(root, 0)), "test run");

    const ytree_node *drug = ytree_map_get(root, "drug");
    assert_int_equal(ytree_kind_of(drug), YTREE_MAPPING);
    assert_int_equal(ytree_line(drug), 3);
    assert_int_equal(ytree_col(drug), 3);
    const ytree_node *ka = ytree_map_get(drug, "ka");
    assert_string_equal(ytree_scalar(ka), "1.5");
    assert_int_equal(ytree_line(ka), 3);
    assert_int_equal(ytree_col(ka), 7);
    assert_false(ytree_is_quoted(ka));
    assert_int_equal(ytree_line(ytree_map_key_node(drug, 0)), 3);
    assert_int_equal(ytree_col(ytree_map_key_node(drug, 0)), 3);

    const ytree_node *doses = ytree_map_get(drug, "doses");
    assert_int_equal(ytree_kind_of(doses), YTREE_SEQUENCE);
    assert_int_equal(ytree_len(doses), 2);
    const ytree_node *d0 = ytree_seq_item(doses, 0);
    const ytree_node *d1 = ytree_seq_item(doses, 1);
    assert_null(ytree_seq_item(doses, 2));
    assert_int_equal(ytree_line(d0), 5);
    assert_int_equal(ytree_col(d0), 7);
    assert_int_equal(ytree_line(ytree_map_get(d0, "amount")), 6);
    assert_int_equal(ytree_line(d1), 7);
    assert_int_equal(ytree_col(d1), 7);
    const ytree_node *amount = ytree_map_get(d1, "amount");
    assert_string_equal(ytree_scalar(amount), "x");
    assert_true(ytree_is_quoted(amount));
    assert_int_equal(ytree_col(amount), 26);

    const ytree_node *flags = ytree_map_get(root, "flags");
    assert_int_equal(ytree_line(flags), 8);
    assert_false(ytree_is_quoted(ytree_seq_item(flags, 0)));
    assert_true(ytree_is_quoted(ytree_seq_item(flags, 1)));
    const ytree_node *note = ytree_map_get(root, "note");
    assert_string_equal(ytree_scalar(note), "two\nlines\n");
    assert_true(ytree_is_quoted(note));

    /* Accessors are safe on the wrong kind. */
    assert_null(ytree_map_get(doses, "x"));
    assert_null(ytree_seq_item(drug, 0));
    assert_null(ytree_scalar(drug));
    assert_int_equal(ytree_len(ka), 0);
    assert_null(ytree_map_get(drug, "missing"));
    assert_string_equal(ytree_kind_name(YTREE_SEQUENCE), "sequence");
    ytree_free(t);
}

static void test_path_helpers(void **state)
{
    (void)state;
    char a[YTREE_PATH_MAX], b[YTREE_PATH_MAX];
    assert_string_equal(ytree_path_key(a, sizeof a, NULL, "drug"), "drug");
    assert_string_equal(ytree_path_key(a, sizeof a, "", "drug"), "drug");
    assert_string_equal(ytree_path_key(a, sizeof a, "drug", "ka"), "drug.ka");
    assert_string_equal(ytree_path_index(b, sizeof b, "doses", 2),
                        "doses[2]");
    assert_string_equal(ytree_path_key(a, sizeof a, b, "time"),
                        "doses[2].time");
    char tiny[5];
    assert_string_equal(ytree_path_key(tiny, sizeof tiny, "abc", "def"),
                        "abc.");
}

/* ---- load-time refusals ------------------------------------------------- */

static void test_duplicate_key(void **state)
{
    (void)state;
    char msg[KETSIM_ERRMSG_LEN];
    const char *text = "a: 1\nb: 2\na: 3\n";
    load_err(text, strlen(text), msg, sizeof msg);
    assert_string_equal(msg, "t.yaml:3:1: duplicate key 'a' (first at line 1)");

    /* Nested, and the earliest repeat in the file is the one reported. */
    text = "top:\n  z: 1\n  y: 2\n  y: 3\n  z: 4\nother: 1\n";
    load_err(text, strlen(text), msg, sizeof msg);
    assert_string_equal(msg, "t.yaml:4:3: duplicate key 'y' (first at line 3)");

    /* Same key in different mappings is fine. */
    ytree_free(load_ok("a: {x: 1}\nb: {x: 2}\n"));
}

static void test_syntax_error(void **state)
{
    (void)state;
    expect_load_error("a: 1\nb: 2\n  c: 3\n", "t.yaml:3:");
    expect_load_error("a: 1\nb: 2\n  c: 3\n", "syntax error");
    expect_load_error("a: [1, 2\nb: 3\n", "syntax error");
    expect_load_error("a: 1\nb: \"open\n", "t.yaml:");
    /* Control characters are a libyaml reader error: position still given. */
    expect_load_error("a: 1\nb: x\x01y\n", "t.yaml:2:5: syntax error");
    expect_load_error("\xef\xbb\xbf" "a: \x01\n", "t.yaml:1:4: syntax error");
    expect_load_error("a: [1, 2\nb: 3\n", "(while parsing a flow sequence at line 1)");
}

static void test_empty_document(void **state)
{
    (void)state;
    char msg[KETSIM_ERRMSG_LEN];
    load_err("", 0, msg, sizeof msg);
    assert_string_equal(msg, "t.yaml: empty document");
    load_err(NULL, 0, msg, sizeof msg);
    assert_string_equal(msg, "t.yaml: empty document");
    expect_load_error("# only a comment\n\n", "t.yaml: empty document");
    expect_load_error("---\n", "t.yaml: empty document");
    expect_load_error("---\n...\n", "t.yaml: empty document");
    /* An explicitly empty string is a value, not an empty document. */
    ytree_free(load_ok("''\n"));
}

static void test_binary_input(void **state)
{
    (void)state;
    char msg[KETSIM_ERRMSG_LEN];
    const char nul[] = "a: 1\nb: x\0y\n";
    load_err(nul, sizeof nul - 1, msg, sizeof msg);
    assert_string_equal(msg, "t.yaml:2:5: NUL byte in input (not a text file?)");

    const char png[] = "\x89PNG\r\n\x1a\n";
    load_err(png, sizeof png - 1, msg, sizeof msg);
    assert_contains(msg, "t.yaml:1:1: invalid UTF-8");

    /* UTF-16 with a byte order mark is not UTF-8. */
    const char utf16[] = "\xff\xfe" "a\0:\0 \0" "1\0";
    load_err(utf16, sizeof utf16 - 1, msg, sizeof msg);
    assert_contains(msg, "NUL byte");
    load_err("\xff\xfe", 2, msg, sizeof msg);
    assert_contains(msg, "invalid UTF-8");

    expect_load_error("a: caf\xc3\n", "t.yaml:1:7: invalid UTF-8");
    expect_load_error("a: \xc0\xaf\n", "invalid UTF-8");         /* overlong */
    expect_load_error("a: \xed\xa0\x80\n", "invalid UTF-8");     /* surrogate */
    expect_load_error("a: \xf4\x90\x80\x80\n", "invalid UTF-8"); /* > 10FFFF */
    /* A NUL written as an escape would cut the string. */
    expect_load_error("a: \"x\\0y\"\n", "t.yaml:1:4: string contains a NUL");

    /* Valid multi-byte text (and a UTF-8 byte order mark) load fine; columns
     * count characters. */
    ytree *t = load_ok("\xef\xbb\xbfname: \xc3\xa9t\xc3\xa9\nx: \xe2\x82\xac 5\n"
                       "\xc3\xa9\xc3\xa9: 1\n");
    const ytree_node *root = ytree_root(t);
    assert_string_equal(ytree_scalar(ytree_map_get(root, "name")),
                        "\xc3\xa9t\xc3\xa9");
    assert_int_equal(ytree_col(ytree_map_get(root, "\xc3\xa9\xc3\xa9")), 5);
    ytree_free(t);
}

static void test_alias_anchor_tag_rejected(void **state)
{
    (void)state;
    expect_load_error("a: 1\nb: *x\n",
                      "t.yaml:2:4: aliases ('*x') are not supported");
    expect_load_error("a: &x 1\nb: 2\n",
                      "t.yaml:1:4: anchors ('&x') are not supported");
    expect_load_error("a: &x {k: 1}\n", "anchors ('&x') are not supported");
    expect_load_error("a: &x [1]\n", "anchors ('&x') are not supported");
    expect_load_error("*x : 1\n", "aliases ('*x') are not supported");
    expect_load_error("a: !!str 5\n", "t.yaml:1:4: explicit tags");
    expect_load_error("a: !custom [1]\n", "explicit tags");
}

static void test_structure_limits(void **state)
{
    (void)state;
    expect_load_error("a: 1\n---\nb: 2\n",
                      "t.yaml:2:1: more than one document");
    expect_load_error("? [1, 2]\n: x\n",
                      "t.yaml:1:3: mapping keys must be plain names, "
                      "not a sequence");
    expect_load_error("{a: 1}: x\n", "not a mapping");

    /* 64 nested sequences load; 65 do not. */
    char deep[200];
    memset(deep, '[', 64);
    memset(deep + 64, ']', 64);
    deep[128] = '\0';
    ytree_free(load_ok(deep));
    memset(deep, '[', 65);
    memset(deep + 65, ']', 65);
    deep[130] = '\0';
    expect_load_error(deep, "t.yaml:1:65: nesting deeper than 64 levels");

    /* Over the size limit: refused before it is looked at. */
    size_t big = YTREE_MAX_BYTES + 1u;
    char *huge = malloc(big);
    assert_non_null(huge);
    memset(huge, 'a', big);
    char msg[KETSIM_ERRMSG_LEN];
    load_err(huge, big, msg, sizeof msg);
    assert_string_equal(msg, "t.yaml: file too large (limit 16 MiB)");
    free(huge);
}

static void test_large_mapping(void **state)
{
    (void)state;
    /* Many keys: duplicate detection must stay fast and exact. */
    size_t n = 50000, cap = n * 16 + 32, used = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(text + used, cap - used, "k%zu: %zu\n", i, i);
    ytree *t = load_ok(text);
    assert_int_equal(ytree_len(ytree_root(t)), n);
    assert_string_equal(ytree_scalar(ytree_map_get(ytree_root(t), "k49999")),
                        "49999");
    ytree_free(t);
    snprintf(text + used, cap - used, "k123: again\n");
    char msg[KETSIM_ERRMSG_LEN];
    load_err(text, strlen(text), msg, sizeof msg);
    assert_string_equal(msg,
                        "t.yaml:50001:1: duplicate key 'k123' (first at line 124)");
    free(text);
}

/* ---- files -------------------------------------------------------------- */

static void write_temp(char *path, const char *text, size_t len)
{
    strcpy(path, "/tmp/ketsim_ytree_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    assert_int_equal(close(fd), 0);
}

static void test_load_file(void **state)
{
    (void)state;
    char path[64];
    write_temp(path, NESTED, strlen(NESTED));
    ytree *t = NULL;
    ketsim_error e = {0};
    assert_int_equal(ytree_load_file(path, &t, &e), KETSIM_OK);
    assert_string_equal(ytree_filename(t), path);
    const ytree_node *drug = ytree_map_get(ytree_root(t), "drug");
    assert_int_equal(ytree_line(ytree_map_get(drug, "ka")), 3);
    ytree_free(t);
    unlink(path);

    /* Errors name the file path. */
    write_temp(path, "a: 1\na: 2\n", 10);
    assert_int_equal(ytree_load_file(path, &t, &e), KETSIM_EINPUT);
    assert_null(t);
    char want[KETSIM_ERRMSG_LEN];
    snprintf(want, sizeof want, "%s:2:1: duplicate key 'a' (first at line 1)",
             path);
    assert_string_equal(e.msg, want);
    unlink(path);

    write_temp(path, "", 0);
    assert_int_equal(ytree_load_file(path, &t, &e), KETSIM_EINPUT);
    snprintf(want, sizeof want, "%s: empty document", path);
    assert_string_equal(e.msg, want);
    unlink(path);
}

static void test_load_file_binary_and_large(void **state)
{
    (void)state;
    char path[64];
    const char bin[] = "\x7f" "ELF\x02\x01\x01\0\0\0";
    write_temp(path, bin, sizeof bin - 1);
    ytree *t = NULL;
    ketsim_error e = {0};
    assert_int_equal(ytree_load_file(path, &t, &e), KETSIM_EINPUT);
    assert_contains(e.msg, path);
    assert_contains(e.msg, "NUL byte in input");
    unlink(path);

    write_temp(path, "", 0);
    assert_int_equal(truncate(path, (off_t)YTREE_MAX_BYTES + 1), 0);
    assert_int_equal(ytree_load_file(path, &t, &e), KETSIM_EINPUT);
    assert_contains(e.msg, "file too large");
    unlink(path);
}

static void test_unreadable_file(void **state)
{
    (void)state;
    ytree *t = (ytree *)1;
    ketsim_error e = {0};
    const char *path = "/nonexistent/ketsim/nothing.yaml";
    assert_int_equal(ytree_load_file(path, &t, &e), KETSIM_EIO);
    assert_null(t);
    assert_int_equal(e.code, KETSIM_EIO);
    assert_string_equal(e.msg, "/nonexistent/ketsim/nothing.yaml: cannot open: "
                               "No such file or directory");
    /* A directory opens but cannot be read. */
    assert_int_equal(ytree_load_file("/tmp", &t, &e), KETSIM_EIO);
    assert_contains(e.msg, "/tmp: read error: ");
}

/* ---- getters ------------------------------------------------------------ */

static const char VALUES[] = "drug:\n"                /* 1 */
                             "  ka: abc\n"            /* 2 */
                             "  ke: 0.25\n"           /* 3 */
                             "  kx: 1\n"              /* 4 */
                             "n: 12\n";               /* 5 */

static void test_wrong_type_message(void **state)
{
    (void)state;
    ytree *t = load_ok(VALUES);
    ketsim_error e = {0};
    const ytree_node *drug = ytree_map_get(ytree_root(t), "drug");
    double d = 7;
    assert_int_equal(ytree_req_double(t, drug, "drug", "ka", 0, 10, &d, &e),
                     KETSIM_EINPUT);
    assert_string_equal(e.msg,
                        "t.yaml:2: field 'drug.ka': expected a number, got 'abc'");
    assert_true(d == 7);

    assert_int_equal(ytree_get_double(t, drug, "drug", &d, &e), KETSIM_EINPUT);
    assert_string_equal(e.msg,
                        "t.yaml:2: field 'drug': expected a number, got a mapping");

    const ytree_node *n;
    assert_int_equal(ytree_require(t, ytree_root(t), "", "drug", &n, &e),
                     KETSIM_OK);
    assert_int_equal(ytree_expect_kind(t, n, "drug", YTREE_SEQUENCE, &e),
                     KETSIM_EINPUT);
    assert_string_equal(e.msg,
                        "t.yaml:2: field 'drug': expected a sequence, got a mapping");
    assert_int_equal(ytree_expect_kind(t, ytree_root(t), "", YTREE_SEQUENCE, &e),
                     KETSIM_EINPUT);
    assert_string_equal(e.msg,
                        "t.yaml:1: top level: expected a sequence, got a mapping");
    ytree_free(t);
}

static void test_unknown_and_missing_keys(void **state)
{
    (void)state;
    ytree *t = load_ok(VALUES);
    ketsim_error e = {0};
    const ytree_node *root = ytree_root(t);
    const ytree_node *drug = ytree_map_get(root, "drug");
    static const char *const drug_keys[] = {"ka", "ke", NULL};
    assert_int_equal(ytree_check_keys(t, drug, "drug", drug_keys, &e),
                     KETSIM_EINPUT);
    assert_string_equal(e.msg,
                        "t.yaml:4: unknown field 'drug.kx' (allowed: ka, ke)");
    static const char *const all_drug[] = {"ka", "ke", "kx", NULL};
    assert_int_equal(ytree_check_keys(t, drug, "drug", all_drug, &e),
                     KETSIM_OK);
    static const char *const root_keys[] = {"drug", NULL};
    assert_int_equal(ytree_check_keys(t, root, NULL, root_keys, &e),
                     KETSIM_EINPUT);
    assert_string_equal(e.msg, "t.yaml:5: unknown field 'n' (allowed: drug)");
    assert_int_equal(ytree_check_keys(t, root, NULL, NULL, &e), KETSIM_EINPUT);
    assert_string_equal(e.msg, "t.yaml:1: unknown field 'drug' (allowed: none)");

    const ytree_node *n = NULL;
    assert_int_equal(ytree_require(t, drug, "drug", "vd", &n, &e),
                     KETSIM_EINPUT);
    assert_string_equal(e.msg, "t.yaml:2: missing required field 'drug.vd'");
    double d;
    assert_int_equal(ytree_req_positive(t, drug, "drug", "cl", &d, &e),
                     KETSIM_EINPUT);
    assert_string_equal(e.msg, "t.yaml:2: missing required field 'drug.cl'");
    assert_int_equal(ytree_get_double(t, NULL, "drug.cl", &d, &e),
                     KETSIM_EINPUT);
    assert_string_equal(e.msg, "t.yaml: missing required field 'drug.cl'");
    ytree_free(t);
}

/* Reads value text as the only value of a one-key document. */
static int get_double_of(const char *value, double *out, ketsim_error *e)
{
    char text[128];
    snprintf(text, sizeof text, "v: %s\n", value);
    ytree *t = load_ok(text);
    int rc = ytree_get_double(t, ytree_map_get(ytree_root(t), "v"), "v", out, e);
    ytree_free(t);
    return rc;
}

static int get_long_of(const char *value, long *out, ketsim_error *e)
{
    char text[128];
    snprintf(text, sizeof text, "v: %s\n", value);
    ytree *t = load_ok(text);
    int rc = ytree_get_long(t, ytree_map_get(ytree_root(t), "v"), "v", out, e);
    ytree_free(t);
    return rc;
}

static void test_double_strict(void **state)
{
    (void)state;
    ketsim_error e = {0};
    double d = 0;
    static const struct { const char *text; double value; } good[] = {
        {"1.5", 1.5}, {"-2", -2}, {"+3.25", 3.25}, {"1e-3", 1e-3},
        {"2E+2", 200}, {".5", 0.5}, {"7.", 7}, {"0", 0}, {"1e-400", 0},
        {"35   # comment", 35},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        assert_int_equal(get_double_of(good[i].text, &d, &e), KETSIM_OK);
        assert_true(fabs(d - good[i].value) < 1e-12);
    }
    static const char *const bad[] = {
        "1.5x", "nan", "NaN", "inf", "-inf", ".inf", "infinity", "0x10",
        "1,5", "1.5.2", "e5", "+", "1e", "true", "'3'", "\" 2\"", "\"2 \"",
        "[1]", "{a: 1}", "", "~", "1 2",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        d = 42;
        if (get_double_of(bad[i], &d, &e) != KETSIM_EINPUT)
            fail_msg("'%s' was accepted as a number", bad[i]);
        assert_contains(e.msg, "t.yaml:1: field 'v': expected a number, got ");
        assert_true(d == 42);
    }
    assert_int_equal(get_double_of("1.5x", &d, &e), KETSIM_EINPUT);
    assert_string_equal(e.msg, "t.yaml:1: field 'v': expected a number, got '1.5x'");
    assert_int_equal(get_double_of("'3'", &d, &e), KETSIM_EINPUT);
    assert_string_equal(e.msg,
                        "t.yaml:1: field 'v': expected a number, got quoted string '3'");
    assert_int_equal(get_double_of("", &d, &e), KETSIM_EINPUT);
    assert_string_equal(e.msg,
                        "t.yaml:1: field 'v': expected a number, got an empty value");
    assert_int_equal(get_double_of("1e999", &d, &e), KETSIM_EINPUT);
    assert_string_equal(e.msg, "t.yaml:1: field 'v': number '1e999' is out of range");
    assert_int_equal(get_double_of("-1e999", &d, &e), KETSIM_EINPUT);
}

static void test_integer_strict(void **state)
{
    (void)state;
    ketsim_error e = {0};
    long v = 0;
    assert_int_equal(get_long_of("42", &v, &e), KETSIM_OK);
    assert_int_equal(v, 42);
    assert_int_equal(get_long_of("-7", &v, &e), KETSIM_OK);
    assert_int_equal(v, -7);
    assert_int_equal(get_long_of("+8", &v, &e), KETSIM_OK);
    assert_int_equal(v, 8);
    static const char *const bad[] = {
        "1.0", "1e3", "0x1f", "12abc", "abc", "'5'", "\" 5\"", "+", "--1",
        "", "1_000", "nan",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (get_long_of(bad[i], &v, &e) != KETSIM_EINPUT)
            fail_msg("'%s' was accepted as an integer", bad[i]);
        assert_contains(e.msg, "expected an integer");
    }
    assert_int_equal(get_long_of("99999999999999999999999", &v, &e),
                     KETSIM_EINPUT);
    assert_contains(e.msg, "is out of range");

    ytree *t = load_ok("big: 3000000000\nsmall: 12\n");
    const ytree_node *root = ytree_root(t);
    int i = 5;
    assert_int_equal(ytree_get_int(t, ytree_map_get(root, "big"), "big", &i, &e),
                     KETSIM_EINPUT);
    assert_contains(e.msg, "t.yaml:1: field 'big': must be between");
    assert_int_equal(i, 5);
    assert_int_equal(ytree_get_int(t, ytree_map_get(root, "small"), "small", &i,
                                   &e),
                     KETSIM_OK);
    assert_int_equal(i, 12);
    assert_int_equal(ytree_req_int(t, root, NULL, "small", 1, 10, &i, &e),
                     KETSIM_EINPUT);
    assert_string_equal(e.msg,
                        "t.yaml:2: field 'small': must be between 1 and 10, got 12");
    long l = 0;
    assert_int_equal(ytree_req_long(t, root, NULL, "big", 0, 4000000000L, &l,
                                    &e),
                     KETSIM_OK);
    assert_true(l == 3000000000L);
    ytree_free(t);
}

static void test_bool_and_string(void **state)
{
    (void)state;
    ytree *t = load_ok("a: true\nb: no\nc: yes\nd: false\ne: True\nf: 1\n"
                       "g: 'true'\nh: hello world\ni: ''\nj:\nk: [x]\n");
    const ytree_node *r = ytree_root(t);
    ketsim_error e = {0};
    bool b = false;
    assert_int_equal(ytree_req_bool(t, r, "", "a", &b, &e), KETSIM_OK);
    assert_true(b);
    assert_int_equal(ytree_req_bool(t, r, "", "b", &b, &e), KETSIM_OK);
    assert_false(b);
    assert_int_equal(ytree_req_bool(t, r, "", "c", &b, &e), KETSIM_OK);
    assert_true(b);
    assert_int_equal(ytree_req_bool(t, r, "", "d", &b, &e), KETSIM_OK);
    assert_false(b);
    assert_int_equal(ytree_req_bool(t, r, "", "e", &b, &e), KETSIM_EINPUT);
    assert_string_equal(e.msg,
                        "t.yaml:5: field 'e': expected true or false, got 'True'");
    assert_int_equal(ytree_req_bool(t, r, "", "f", &b, &e), KETSIM_EINPUT);
    assert_int_equal(ytree_req_bool(t, r, "", "g", &b, &e), KETSIM_EINPUT);
    assert_contains(e.msg, "quoted string 'true'");

    const char *s = NULL;
    assert_int_equal(ytree_req_string(t, r, "", "h", &s, &e), KETSIM_OK);
    assert_string_equal(s, "hello world");
    assert_int_equal(ytree_req_string(t, r, "", "i", &s, &e), KETSIM_OK);
    assert_string_equal(s, "");
    assert_int_equal(ytree_req_string(t, r, "", "a", &s, &e), KETSIM_OK);
    assert_string_equal(s, "true");
    assert_int_equal(ytree_req_string(t, r, "", "j", &s, &e), KETSIM_EINPUT);
    assert_string_equal(e.msg,
                        "t.yaml:10: field 'j': expected a string, got an empty value");
    assert_int_equal(ytree_req_string(t, r, "", "k", &s, &e), KETSIM_EINPUT);
    assert_string_equal(e.msg,
                        "t.yaml:11: field 'k': expected a string, got a sequence");
    ytree_free(t);
}

static void test_ranges_and_optional(void **state)
{
    (void)state;
    ytree *t = load_ok("pk:\n  cl: -0.5\n  f: 1.2\n  vd: 40\n  z: 0\n");
    const ytree_node *pk = ytree_map_get(ytree_root(t), "pk");
    ketsim_error e = {0};
    double d = 3;
    assert_int_equal(ytree_req_positive(t, pk, "pk", "cl", &d, &e),
                     KETSIM_EINPUT);
    assert_string_equal(e.msg, "t.yaml:2: field 'pk.cl': must be > 0, got -0.5");
    assert_int_equal(ytree_req_positive(t, pk, "pk", "z", &d, &e),
                     KETSIM_EINPUT);
    assert_int_equal(ytree_req_double(t, pk, "pk", "f", 0, 1, &d, &e),
                     KETSIM_EINPUT);
    assert_string_equal(e.msg,
                        "t.yaml:3: field 'pk.f': must be between 0 and 1, got 1.2");
    assert_int_equal(ytree_req_double(t, pk, "pk", "cl", 0, HUGE_VAL, &d, &e),
                     KETSIM_EINPUT);
    assert_string_equal(e.msg, "t.yaml:2: field 'pk.cl': must be >= 0, got -0.5");
    assert_int_equal(ytree_req_double(t, pk, "pk", "vd", -HUGE_VAL, 10, &d, &e),
                     KETSIM_EINPUT);
    assert_string_equal(e.msg, "t.yaml:4: field 'pk.vd': must be <= 10, got 40");
    assert_true(d == 3);
    assert_int_equal(ytree_req_positive(t, pk, "pk", "vd", &d, &e), KETSIM_OK);
    assert_true(d == 40);

    /* Optional members: absent leaves the default, present is checked. */
    double ka = 1.25;
    int n = 9;
    long l = 8;
    bool flag = true;
    const char *name = "default";
    assert_int_equal(ytree_opt_double(t, pk, "pk", "ka", 0, 10, &ka, &e),
                     KETSIM_OK);
    assert_int_equal(ytree_opt_positive(t, pk, "pk", "ka", &ka, &e), KETSIM_OK);
    assert_int_equal(ytree_opt_int(t, pk, "pk", "n", 0, 10, &n, &e), KETSIM_OK);
    assert_int_equal(ytree_opt_long(t, pk, "pk", "l", 0, 10, &l, &e),
                     KETSIM_OK);
    assert_int_equal(ytree_opt_bool(t, pk, "pk", "b", &flag, &e), KETSIM_OK);
    assert_int_equal(ytree_opt_string(t, pk, "pk", "s", &name, &e), KETSIM_OK);
    assert_true(ka == 1.25);
    assert_int_equal(n, 9);
    assert_int_equal(l, 8);
    assert_true(flag);
    assert_string_equal(name, "default");
    assert_int_equal(ytree_opt_int(t, pk, "pk", "vd", 0, 100, &n, &e),
                     KETSIM_OK);
    assert_int_equal(n, 40);
    assert_int_equal(ytree_opt_positive(t, pk, "pk", "cl", &ka, &e),
                     KETSIM_EINPUT);
    assert_int_equal(ytree_opt_string(t, pk, "pk", "vd", &name, &e),
                     KETSIM_OK);
    assert_string_equal(name, "40");
    /* Optional lookups still insist on a mapping. */
    const ytree_node *cl = ytree_map_get(pk, "cl");
    assert_int_equal(ytree_opt_double(t, cl, "pk.cl", "x", 0, 1, &ka, &e),
                     KETSIM_EINPUT);
    assert_string_equal(e.msg,
                        "t.yaml:2: field 'pk.cl': expected a mapping, got '-0.5'");
    ytree_free(t);
}

static void test_long_value_clipped(void **state)
{
    (void)state;
    ytree *t = load_ok("v: |\n  first line that is long\n  second\n"
                       "w: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n");
    ketsim_error e = {0};
    double d;
    const ytree_node *r = ytree_root(t);
    assert_int_equal(ytree_req_double(t, r, NULL, "v", 0, 1, &d, &e),
                     KETSIM_EINPUT);
    assert_string_equal(e.msg, "t.yaml:1: field 'v': expected a number, got "
                               "quoted string 'first line that is long...'");
    assert_int_equal(ytree_req_double(t, r, NULL, "w", 0, 1, &d, &e),
                     KETSIM_EINPUT);
    assert_string_equal(e.msg, "t.yaml:4: field 'w': expected a number, got "
                               "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'");
    ytree_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nested_structure),
        cmocka_unit_test(test_path_helpers),
        cmocka_unit_test(test_duplicate_key),
        cmocka_unit_test(test_syntax_error),
        cmocka_unit_test(test_empty_document),
        cmocka_unit_test(test_binary_input),
        cmocka_unit_test(test_alias_anchor_tag_rejected),
        cmocka_unit_test(test_structure_limits),
        cmocka_unit_test(test_large_mapping),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_load_file_binary_and_large),
        cmocka_unit_test(test_unreadable_file),
        cmocka_unit_test(test_wrong_type_message),
        cmocka_unit_test(test_unknown_and_missing_keys),
        cmocka_unit_test(test_double_strict),
        cmocka_unit_test(test_integer_strict),
        cmocka_unit_test(test_bool_and_string),
        cmocka_unit_test(test_ranges_and_optional),
        cmocka_unit_test(test_long_value_clipped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
