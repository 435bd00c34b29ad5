/* JSON builders over jansson; see json_out.h. */
#include "json_out.h"
#include "util/utf8.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Ten significant digits: far below any model's accuracy, and the same
 * text for the same double on every platform.  Insertion order keeps the
 * files in the order a reader expects (the schema first). */
#define FJ_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10))

static int utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = utf8_seq_len(p);
        if (!n)
            return 0;
        p += n;
    }
    return 1;
}

/* A copy of s with every byte that starts no valid sequence replaced by
 * U+FFFD; text from user files is not guaranteed to be UTF-8, and an output
 * should not fail over one stray Latin-1 byte.  NULL when out of memory. */
static char *utf8_repair(const char *s)
{
    size_t len = strlen(s);
    char *out = malloc(3 * len + 1);
    if (!out)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    char *q = out;
    while (*p) {
        size_t n = utf8_seq_len(p);
        if (n) {
            memcpy(q, p, n);
            q += n;
            p += n;
        } else {
            memcpy(q, "\xEF\xBF\xBD", 3);
            q += 3;
            p++;
        }
    }
    *q = '\0';
    return out;
}

json_t *fj_num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

json_t *fj_str(const char *s)
{
    if (!s)
        s = "";
    if (utf8_valid(s))
        return json_string(s);
    char *fixed = utf8_repair(s);
    json_t *j = fixed ? json_string(fixed) : NULL;
    free(fixed);
    return j;
}

json_t *fj_uint(uint64_t v)
{
    if (v <= (uint64_t)INT64_MAX)
        return json_integer((json_int_t)v);
    char digits[24];
    snprintf(digits, sizeof digits, "%llu", (unsigned long long)v);
    return json_string(digits);
}

void fj_set(json_t *obj, const char *key, json_t *value, int *bad)
{
    int rc;
    if (utf8_valid(key))
        rc = json_object_set_new(obj, key, value);
    else {
        char *fixed = utf8_repair(key);
        if (fixed)
            rc = json_object_set_new(obj, fixed, value);
        else {
            json_decref(value);
            rc = -1;
        }
        free(fixed);
    }
    if (rc)
        *bad = 1;
}

void fj_set_num(json_t *obj, const char *key, double v, int *bad) { fj_set(obj, key, fj_num(v), bad); }
void fj_set_int(json_t *obj, const char *key, long long v, int *bad) { fj_set(obj, key, json_integer(v), bad); }
void fj_set_str(json_t *obj, const char *key, const char *s, int *bad) { fj_set(obj, key, fj_str(s), bad); }
void fj_set_bool(json_t *obj, const char *key, int v, int *bad) { fj_set(obj, key, json_boolean(v), bad); }

/* Attach a new container and hand it back only if the parent now holds it:
 * on failure jansson has already freed it. */
static json_t *attach(json_t *obj, const char *key, json_t *child, int *bad)
{
    int was_bad = *bad;
    *bad = 0;
    fj_set(obj, key, child, bad);
    int failed = *bad;
    *bad = was_bad || failed;
    return failed ? NULL : child;
}

json_t *fj_set_object(json_t *obj, const char *key, int *bad) { return attach(obj, key, json_object(), bad); }
json_t *fj_set_array(json_t *obj, const char *key, int *bad) { return attach(obj, key, json_array(), bad); }

void fj_push(json_t *arr, json_t *value, int *bad)
{
    if (json_array_append_new(arr, value))
        *bad = 1;
}

void fj_push_num(json_t *arr, double v, int *bad) { fj_push(arr, fj_num(v), bad); }

static json_t *push_child(json_t *arr, json_t *child, int *bad)
{
    if (json_array_append_new(arr, child)) {
        *bad = 1;
        return NULL;
    }
    return child;
}

json_t *fj_push_object(json_t *arr, int *bad) { return push_child(arr, json_object(), bad); }
json_t *fj_push_array(json_t *arr, int *bad) { return push_child(arr, json_array(), bad); }

json_t *fj_root(int *bad)
{
    json_t *o = json_object();
    if (!o)
        *bad = 1;
    return o;
}

int fj_dump(json_t *root, int bad, FILE *fp, ketsim_error *err)
{
    /* The text is made in memory first: dumping also allocates, and a
     * failure then leaves nothing half-written on the stream and can be told
     * apart from a write error. */
    char *text = bad || !root ? NULL : json_dumps(root, FJ_FLAGS);
    json_decref(root);
    if (!text)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory while building JSON output");
    int rc = KETSIM_OK;
    if (fputs(text, fp) == EOF || fputc('\n', fp) == EOF || ferror(fp))
        rc = KETSIM_FAIL(err, KETSIM_EIO, "error writing JSON output: %s", errno ? strerror(errno) : "I/O error");
    /* json_dumps allocates with jansson's allocator: free it with the same */
    json_malloc_t malloc_fn;
    json_free_t free_fn;
    json_get_alloc_funcs(&malloc_fn, &free_fn);
    free_fn(text);
    return rc;
}

int fj_dump_text(json_t *root, int bad, char **text, ketsim_error *err)
{
    *text = bad || !root ? NULL : json_dumps(root, FJ_FLAGS);
    json_decref(root);
    if (!*text)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory while building JSON output");
    return KETSIM_OK;
}

void fj_free_text(char *text)
{
    json_malloc_t malloc_fn;
    json_free_t free_fn;
    json_get_alloc_funcs(&malloc_fn, &free_fn);
    free_fn(text);
}

int fj_string_text(const char *s, FILE *fp, ketsim_error *err)
{
    json_t *j = fj_str(s);
    char *text = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    if (!text)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory while building JSON output");
    fputs(text, fp);
    fj_free_text(text);
    return KETSIM_OK;
}

void fj_number_text(double v, char *buf, size_t size)
{
    json_t *j = fj_num(v);
    char *text = j ? json_dumps(j, JSON_ENCODE_ANY | JSON_REAL_PRECISION(10)) : NULL;
    json_decref(j);
    snprintf(buf, size, "%s", text ? text : "null");
    if (text)
        fj_free_text(text);
}
