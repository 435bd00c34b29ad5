/* Building JSON output with jansson (private to src/formats).
 *
 * Every JSON document ketsim writes is a json_t tree dumped once by
 * fj_dump, so escaping, separators and number formatting are jansson's and
 * the same everywhere.  The builders below take an `int *bad` that is set on
 * the first failure (allocation, or a value jansson refuses) and otherwise
 * left alone: a writer adds all its members without checking each call and
 * fj_dump reports the failure once.  A NULL parent is accepted everywhere
 * (jansson refuses it and frees the value), so a failed container does not
 * need special paths in the code that fills it. */
#ifndef KETSIM_FORMATS_JSON_OUT_H
#define KETSIM_FORMATS_JSON_OUT_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "ketsim/error.h"

/* A number, or null when it is NaN or infinite (JSON has no spelling for
 * them, and jansson's json_real refuses them). */
json_t *fj_num(double v);
/* A string; bytes that are not UTF-8 become U+FFFD rather than failing. */
json_t *fj_str(const char *s);
/* An unsigned integer (seeds): a JSON integer up to 2^63 - 1, above that
 * its decimal digits as a string, since jansson's integers are signed. */
json_t *fj_uint(uint64_t v);

/* Members of an object (key: any text, repaired like fj_str). */
void fj_set(json_t *obj, const char *key, json_t *value, int *bad);
void fj_set_num(json_t *obj, const char *key, double v, int *bad);
void fj_set_int(json_t *obj, const char *key, long long v, int *bad);
void fj_set_str(json_t *obj, const char *key, const char *s, int *bad);
void fj_set_bool(json_t *obj, const char *key, int v, int *bad);
/* A new empty object or array attached under `key`; returned borrowed (the
 * parent owns it), NULL on failure. */
json_t *fj_set_object(json_t *obj, const char *key, int *bad);
json_t *fj_set_array(json_t *obj, const char *key, int *bad);

/* Elements of an array. */
void fj_push(json_t *arr, json_t *value, int *bad);
void fj_push_num(json_t *arr, double v, int *bad);
json_t *fj_push_object(json_t *arr, int *bad);
json_t *fj_push_array(json_t *arr, int *bad);

/* A new root object (owned by the caller until fj_dump). */
json_t *fj_root(int *bad);

/* Dump `root` to fp (2-space indent, members in insertion order, 10
 * significant digits) followed by a newline, then free it.  Fails with
 * KETSIM_ENOMEM when `bad` is set or root is NULL, KETSIM_EIO when the
 * stream reports an error. */
int fj_dump(json_t *root, int bad, FILE *fp, ketsim_error *err);

/* Pieces for a document too big to be a tree (a long trajectory), in the
 * same format as fj_dump: the text of `root` (freed; the text is freed with
 * fj_free_text), a string written with jansson's escaping, and a number as
 * jansson writes it ("null" when not finite). */
int fj_dump_text(json_t *root, int bad, char **text, ketsim_error *err);
void fj_free_text(char *text);
int fj_string_text(const char *s, FILE *fp, ketsim_error *err);
void fj_number_text(double v, char *buf, size_t size);

#endif
