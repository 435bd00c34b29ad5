/* ytree: a YAML document loaded into an immutable tree with source positions.
 *
 * Why a tree and not a streaming parser: every input file of ketsim
 * (scenarios, dosing protocols, drug parameter files) is validated in full
 * before any simulation work starts.  Parsers walk this tree, look fields up by
 * name, and when something is wrong they can say exactly where:
 *
 *     protocol.yaml:12: field 'doses[2].amount_mg': expected a number, got '1.5x'
 *
 * Keeping positions on every node lets each check, even one made long after
 * parsing (a range check, a cross-field check), name FILE:LINE and the field.
 *
 * What is accepted is deliberately a small, safe subset of YAML:
 *   - one document per file; an empty file is an error;
 *   - mappings (keys must be scalars, no duplicates), sequences and scalars;
 *   - no anchors, aliases or explicit tags: they make a value's meaning depend
 *     on text elsewhere in the file and open the door to "billion laughs"
 *     blow-ups, and no ketsim file needs them;
 *   - valid UTF-8 text only, no NUL bytes (binary files are refused early with
 *     a clear message), at most YTREE_MAX_BYTES bytes, nesting at most
 *     YTREE_MAX_DEPTH collections deep, at most YTREE_MAX_NODES nodes.
 *
 * Scalars are kept as text; nothing is interpreted at load time.  The typed
 * getters interpret them strictly: a number must be a plain (unquoted) decimal
 * literal that strtod/strtol consumes entirely, so "1.5x", " 2", "nan", "inf",
 * "0x10" and "'3'" are all refused rather than silently accepted.  Booleans
 * are exactly true/false/yes/no.
 *
 * Field paths name a value for messages: "drug.ka", "doses[0].time_h".  Map
 * members join with '.', sequence items with [i] (0-based).  The map-level
 * helpers (ytree_req_*, ytree_opt_*, ytree_check_keys) build the path from the
 * mapping's own path and the key.
 *
 * All messages start "FILE:LINE:" (load errors also give the column), so the
 * CLI can print them as they are.  Errors are KETSIM_EINPUT for bad content,
 * KETSIM_EIO for a file that cannot be read, KETSIM_ENOMEM for out of memory.
 *
 * A loaded tree is read-only and owns all its nodes and strings: pointers
 * returned by accessors live until ytree_free().  Several threads may read one
 * tree at the same time. */
#ifndef KETSIM_IO_YTREE_H
#define KETSIM_IO_YTREE_H

#include <stdbool.h>
#include <stddef.h>

#include "ketsim/error.h"

#define YTREE_MAX_BYTES (16u * 1024u * 1024u) /* input size limit */
#define YTREE_MAX_DEPTH 64                     /* nested collections */
#define YTREE_MAX_NODES (1u << 20)             /* nodes in one document */
#define YTREE_PATH_MAX 256                     /* buffer size for field paths */

typedef enum ytree_kind {
    YTREE_SCALAR,
    YTREE_SEQUENCE,
    YTREE_MAPPING
} ytree_kind;

typedef struct ytree ytree;
typedef struct ytree_node ytree_node;

/* ---- Loading ------------------------------------------------------------ */

/* Load the YAML file at path.  On success *out owns a new tree. */
int ytree_load_file(const char *path, ytree **out, ketsim_error *err);

/* Load len bytes of text (need not be NUL-terminated); name is used as the
 * file name in messages ("<string>" when NULL). */
int ytree_load_string(const char *name, const char *text, size_t len,
                      ytree **out, ketsim_error *err);

void ytree_free(ytree *t);

const ytree_node *ytree_root(const ytree *t);
const char *ytree_filename(const ytree *t);

/* ---- Nodes -------------------------------------------------------------- */

ytree_kind ytree_kind_of(const ytree_node *n);
const char *ytree_kind_name(ytree_kind k); /* "scalar", "sequence", "mapping" */
int ytree_line(const ytree_node *n);       /* 1-based */
int ytree_col(const ytree_node *n);        /* 1-based, in characters */

/* Scalar text, or NULL when n is not a scalar. */
const char *ytree_scalar(const ytree_node *n);
/* True for a scalar written quoted or as a block (| or >), i.e. not plain. */
bool ytree_is_quoted(const ytree_node *n);

/* Number of pairs of a mapping or items of a sequence; 0 for a scalar. */
size_t ytree_len(const ytree_node *n);
/* Sequence item i, or NULL when out of range or n is not a sequence. */
const ytree_node *ytree_seq_item(const ytree_node *seq, size_t i);
/* Mapping pair i in file order, or NULL when out of range / not a mapping. */
const char *ytree_map_key(const ytree_node *map, size_t i);
const ytree_node *ytree_map_key_node(const ytree_node *map, size_t i);
const ytree_node *ytree_map_value(const ytree_node *map, size_t i);
/* Value for key, or NULL when absent or map is not a mapping. */
const ytree_node *ytree_map_get(const ytree_node *map, const char *key);

/* ---- Field paths -------------------------------------------------------- */

/* "parent.key" ("key" when parent is NULL or empty) into buf; truncates. */
const char *ytree_path_key(char *buf, size_t size, const char *parent,
                           const char *key);
/* "parent[i]" into buf; truncates. */
const char *ytree_path_index(char *buf, size_t size, const char *parent,
                             size_t i);

/* ---- Typed getters on a value node -------------------------------------- */
/* path names the value in messages.  n may be NULL only by mistake: it is
 * then reported as a missing field.  *out is written only on success. */

int ytree_expect_kind(const ytree *t, const ytree_node *n, const char *path,
                      ytree_kind kind, ketsim_error *err);
int ytree_get_double(const ytree *t, const ytree_node *n, const char *path,
                     double *out, ketsim_error *err);
int ytree_get_long(const ytree *t, const ytree_node *n, const char *path,
                   long *out, ketsim_error *err);
int ytree_get_int(const ytree *t, const ytree_node *n, const char *path,
                  int *out, ketsim_error *err);
int ytree_get_bool(const ytree *t, const ytree_node *n, const char *path,
                   bool *out, ketsim_error *err);
/* Any scalar; an empty unquoted value is refused (write "" for empty). */
int ytree_get_string(const ytree *t, const ytree_node *n, const char *path,
                     const char **out, ketsim_error *err);

/* Range checks (inclusive bounds; use -HUGE_VAL/HUGE_VAL for none).  n gives
 * the line for the message. */
/* A field error "FILE:LINE: field 'path': what" (KETSIM_EINPUT); n may be NULL. */
int ytree_fail(const ytree *t, const ytree_node *n, const char *path, ketsim_error *err,
               const char *what);
/* A scalar duration with a unit (40min, 2h, 7d; a sign is allowed), in hours. */
int ytree_get_duration(const ytree *t, const ytree_node *n, const char *path, double *hours,
                       ketsim_error *err);

int ytree_check_range(const ytree *t, const ytree_node *n, const char *path,
                      double v, double lo, double hi, ketsim_error *err);
int ytree_check_range_long(const ytree *t, const ytree_node *n,
                           const char *path, long v, long lo, long hi,
                           ketsim_error *err);
/* v > 0, the most common constraint on a physical parameter. */
int ytree_check_positive(const ytree *t, const ytree_node *n, const char *path,
                         double v, ketsim_error *err);

int ytree_get_double_range(const ytree *t, const ytree_node *n,
                           const char *path, double lo, double hi, double *out,
                           ketsim_error *err);
int ytree_get_long_range(const ytree *t, const ytree_node *n, const char *path,
                         long lo, long hi, long *out, ketsim_error *err);
int ytree_get_int_range(const ytree *t, const ytree_node *n, const char *path,
                        int lo, int hi, int *out, ketsim_error *err);

/* ---- Mapping members ---------------------------------------------------- */
/* mappath is the path of map itself ("" or NULL for the root). */

/* Error "unknown field 'mappath.key' (allowed: a, b, c)" for the first key
 * not in allowed (a NULL-terminated list); also fails if map is not a
 * mapping. */
int ytree_check_keys(const ytree *t, const ytree_node *map,
                     const char *mappath, const char *const *allowed,
                     ketsim_error *err);

/* *out = value for key, or error "missing required field 'mappath.key'"
 * naming the line of map. */
int ytree_require(const ytree *t, const ytree_node *map, const char *mappath,
                  const char *key, const ytree_node **out, ketsim_error *err);

/* Required members, read and checked in one call. */
int ytree_req_double(const ytree *t, const ytree_node *map,
                     const char *mappath, const char *key, double lo,
                     double hi, double *out, ketsim_error *err);
int ytree_req_positive(const ytree *t, const ytree_node *map,
                       const char *mappath, const char *key, double *out,
                       ketsim_error *err);
int ytree_req_long(const ytree *t, const ytree_node *map, const char *mappath,
                   const char *key, long lo, long hi, long *out,
                   ketsim_error *err);
int ytree_req_int(const ytree *t, const ytree_node *map, const char *mappath,
                  const char *key, int lo, int hi, int *out,
                  ketsim_error *err);
int ytree_req_bool(const ytree *t, const ytree_node *map, const char *mappath,
                   const char *key, bool *out, ketsim_error *err);
int ytree_req_string(const ytree *t, const ytree_node *map,
                     const char *mappath, const char *key, const char **out,
                     ketsim_error *err);

/* Optional members: when key is absent, return KETSIM_OK and leave *out as
 * is, so the caller sets the default first. */
int ytree_opt_double(const ytree *t, const ytree_node *map,
                     const char *mappath, const char *key, double lo,
                     double hi, double *out, ketsim_error *err);
int ytree_opt_positive(const ytree *t, const ytree_node *map,
                       const char *mappath, const char *key, double *out,
                       ketsim_error *err);
int ytree_opt_long(const ytree *t, const ytree_node *map, const char *mappath,
                   const char *key, long lo, long hi, long *out,
                   ketsim_error *err);
int ytree_opt_int(const ytree *t, const ytree_node *map, const char *mappath,
                  const char *key, int lo, int hi, int *out,
                  ketsim_error *err);
int ytree_opt_bool(const ytree *t, const ytree_node *map, const char *mappath,
                   const char *key, bool *out, ketsim_error *err);
int ytree_opt_string(const ytree *t, const ytree_node *map,
                     const char *mappath, const char *key, const char **out,
                     ketsim_error *err);

#endif
