/* ytree: YAML loading into a position-annotated tree, and strict getters.
 * See ytree.h for the design and the accepted subset of YAML. */
#include "util/ytree.h"
#include "ketsim/units.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

struct ytree_node {
    ytree_kind kind;
    int line;
    int col;
    bool quoted;
    char *text;         /* scalar text, NUL-terminated; NULL otherwise */
    size_t len;         /* items of a sequence, pairs of a mapping */
    size_t cap;         /* allocated slots, used while loading */
    ytree_node **items; /* sequence items, or mapping values */
    ytree_node **keys;  /* mapping keys (scalars); NULL otherwise */
};

struct ytree {
    char *filename;
    ytree_node *root;
};

/* ======================================================================== */
/* Loading                                                                   */
/* ======================================================================== */

typedef struct loader {
    yaml_parser_t parser;
    const char *name;
    const unsigned char *text;
    size_t len;
    size_t nodes;
    ketsim_error *err;
} loader;

static void node_free(ytree_node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->len; i++) {
        node_free(n->items[i]);
        if (n->keys)
            node_free(n->keys[i]);
    }
    free(n->items);
    free(n->keys);
    free(n->text);
    free(n);
}

/* Line and column (1-based, column in characters) of a byte offset; used for
 * problems found before or outside libyaml, which only gives marks for
 * grammar errors. */
static void offset_position(const unsigned char *s, size_t off, size_t *line,
                            size_t *col)
{
    size_t i = 0;
    *line = 1;
    *col = 1;
    if (off >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
        i = 3; /* a byte order mark takes no column, as in libyaml */
    for (; i < off; i++) {
        if (s[i] == '\n') {
            ++*line;
            *col = 1;
        } else if ((s[i] & 0xC0) != 0x80) {
            ++*col; /* count lead bytes only: one per character */
        }
    }
}

static int fail_pos(loader *ld, size_t line, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail_pos(loader *ld, size_t line, size_t col, const char *fmt, ...)
{
    char msg[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return KETSIM_FAIL(ld->err, KETSIM_EINPUT, "%s:%zu:%zu: %s", ld->name,
                       line, col, msg);
}

#define FAIL_AT(ld, mark, ...) \
    fail_pos((ld), (mark).line + 1, (mark).column + 1, __VA_ARGS__)

static int syntax_error(loader *ld)
{
    const yaml_parser_t *p = &ld->parser;
    if (p->error == YAML_MEMORY_ERROR)
        return KETSIM_FAIL(ld->err, KETSIM_ENOMEM,
                           "%s: out of memory while parsing", ld->name);
    const char *problem = p->problem ? p->problem : "malformed input";
    size_t line = p->problem_mark.line + 1, col = p->problem_mark.column + 1;
    if (p->error == YAML_READER_ERROR)
        offset_position(ld->text, p->problem_offset, &line, &col);
    if (p->context)
        return fail_pos(ld, line, col, "syntax error: %s (%s at line %zu)",
                        problem, p->context, p->context_mark.line + 1);
    return fail_pos(ld, line, col, "syntax error: %s", problem);
}

static int next_event(loader *ld, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&ld->parser, ev))
        return syntax_error(ld);
    return KETSIM_OK;
}

/* Reads one event that the YAML grammar guarantees at this point. */
static int expect_event(loader *ld, yaml_event_type_t type)
{
    yaml_event_t ev;
    int rc = next_event(ld, &ev);
    if (rc != KETSIM_OK)
        return rc;
    yaml_event_type_t got = ev.type;
    yaml_event_delete(&ev);
    if (got != type)
        return KETSIM_FAIL(ld->err, KETSIM_EINTERNAL,
                           "%s: unexpected YAML event %d", ld->name, (int)got);
    return KETSIM_OK;
}

/* Anchors and tags are refused: see ytree.h. */
static int check_props(loader *ld, const yaml_mark_t *m,
                       const yaml_char_t *anchor, const yaml_char_t *tag)
{
    if (anchor)
        return FAIL_AT(ld, *m, "anchors ('&%s') are not supported",
                       (const char *)anchor);
    if (tag)
        return FAIL_AT(ld, *m, "explicit tags ('%s') are not supported",
                       (const char *)tag);
    return KETSIM_OK;
}

static int new_node(loader *ld, ytree_kind kind, const yaml_mark_t *m,
                    ytree_node **out)
{
    if (++ld->nodes > YTREE_MAX_NODES)
        return FAIL_AT(ld, *m, "too many values (limit %u)", YTREE_MAX_NODES);
    ytree_node *n = calloc(1, sizeof *n);
    if (!n)
        return KETSIM_FAIL(ld->err, KETSIM_ENOMEM, "%s: out of memory",
                           ld->name);
    n->kind = kind;
    n->line = (int)m->line + 1;
    n->col = (int)m->column + 1;
    *out = n;
    return KETSIM_OK;
}

static int make_scalar(loader *ld, const yaml_event_t *ev, ytree_node **out)
{
    const char *value = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    int rc = check_props(ld, &ev->start_mark, ev->data.scalar.anchor,
                         ev->data.scalar.tag);
    if (rc != KETSIM_OK)
        return rc;
    /* A "\0" escape in a double-quoted string would silently cut the text. */
    if (memchr(value, '\0', len))
        return FAIL_AT(ld, ev->start_mark, "string contains a NUL character");
    ytree_node *n;
    if ((rc = new_node(ld, YTREE_SCALAR, &ev->start_mark, &n)) != KETSIM_OK)
        return rc;
    n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
    n->text = malloc(len + 1);
    if (!n->text) {
        node_free(n);
        return KETSIM_FAIL(ld->err, KETSIM_ENOMEM, "%s: out of memory",
                           ld->name);
    }
    memcpy(n->text, value, len);
    n->text[len] = '\0';
    *out = n;
    return KETSIM_OK;
}

/* Appends an item (key NULL) or a pair; takes ownership only on success. */
static int append(loader *ld, ytree_node *parent, ytree_node *key,
                  ytree_node *value)
{
    if (parent->len == parent->cap) {
        size_t cap = parent->cap ? 2 * parent->cap : 8;
        ytree_node **items = realloc(parent->items, cap * sizeof *items);
        if (!items)
            goto nomem;
        parent->items = items;
        if (key) {
            ytree_node **keys = realloc(parent->keys, cap * sizeof *keys);
            if (!keys)
                goto nomem;
            parent->keys = keys;
        }
        parent->cap = cap;
    }
    parent->items[parent->len] = value;
    if (key)
        parent->keys[parent->len] = key;
    parent->len++;
    return KETSIM_OK;
nomem:
    return KETSIM_FAIL(ld->err, KETSIM_ENOMEM, "%s: out of memory", ld->name);
}

static int parse_node(loader *ld, const yaml_event_t *ev, int depth,
                      ytree_node **out);

static int start_collection(loader *ld, const yaml_event_t *ev, int depth,
                            ytree_kind kind, ytree_node **out)
{
    const yaml_char_t *anchor = kind == YTREE_MAPPING
                                    ? ev->data.mapping_start.anchor
                                    : ev->data.sequence_start.anchor;
    const yaml_char_t *tag = kind == YTREE_MAPPING
                                 ? ev->data.mapping_start.tag
                                 : ev->data.sequence_start.tag;
    int rc = check_props(ld, &ev->start_mark, anchor, tag);
    if (rc != KETSIM_OK)
        return rc;
    if (depth > YTREE_MAX_DEPTH)
        return FAIL_AT(ld, ev->start_mark, "nesting deeper than %d levels",
                       YTREE_MAX_DEPTH);
    return new_node(ld, kind, &ev->start_mark, out);
}

/* Reads the next value of a collection into *out; *out = NULL at the end
 * event of the collection. */
static int next_child(loader *ld, yaml_event_type_t end, int depth,
                      ytree_node **out)
{
    yaml_event_t ev;
    *out = NULL;
    int rc = next_event(ld, &ev);
    if (rc != KETSIM_OK)
        return rc;
    if (ev.type != end)
        rc = parse_node(ld, &ev, depth, out);
    yaml_event_delete(&ev);
    return rc;
}

static int parse_sequence(loader *ld, const yaml_event_t *start, int depth,
                          ytree_node **out)
{
    ytree_node *seq, *item;
    int rc = start_collection(ld, start, depth, YTREE_SEQUENCE, &seq);
    if (rc != KETSIM_OK)
        return rc;
    while ((rc = next_child(ld, YAML_SEQUENCE_END_EVENT, depth + 1, &item))
               == KETSIM_OK && item) {
        if ((rc = append(ld, seq, NULL, item)) != KETSIM_OK) {
            node_free(item);
            break;
        }
    }
    if (rc != KETSIM_OK) {
        node_free(seq);
        return rc;
    }
    *out = seq;
    return KETSIM_OK;
}

/* Reads a mapping key; *out = NULL at the end of the mapping.  Keys must be
 * scalars so that fields have names. */
static int next_key(loader *ld, ytree_node **out)
{
    yaml_event_t ev;
    *out = NULL;
    int rc = next_event(ld, &ev);
    if (rc != KETSIM_OK)
        return rc;
    if (ev.type == YAML_SCALAR_EVENT)
        rc = make_scalar(ld, &ev, out);
    else if (ev.type == YAML_ALIAS_EVENT)
        rc = parse_node(ld, &ev, 0, out); /* reports the alias */
    else if (ev.type != YAML_MAPPING_END_EVENT)
        rc = FAIL_AT(ld, ev.start_mark,
                     "mapping keys must be plain names, not a %s",
                     ev.type == YAML_MAPPING_START_EVENT ? "mapping"
                                                         : "sequence");
    yaml_event_delete(&ev);
    return rc;
}

static bool before(const ytree_node *a, const ytree_node *b)
{
    return a->line < b->line || (a->line == b->line && a->col < b->col);
}

static int compare_keys(const void *pa, const void *pb)
{
    const ytree_node *a = *(ytree_node *const *)pa;
    const ytree_node *b = *(ytree_node *const *)pb;
    int c = strcmp(a->text, b->text);
    if (c != 0)
        return c;
    return before(a, b) ? -1 : before(b, a) ? 1 : 0;
}

/* Sorting keeps this O(n log n): a pasted data table with many keys must not
 * turn loading quadratic.  Reports the earliest repeated key in the file. */
static int check_duplicates(loader *ld, const ytree_node *map)
{
    size_t n = map->len;
    if (n < 2)
        return KETSIM_OK;
    ytree_node **s = malloc(n * sizeof *s);
    if (!s)
        return KETSIM_FAIL(ld->err, KETSIM_ENOMEM, "%s: out of memory",
                           ld->name);
    memcpy(s, map->keys, n * sizeof *s);
    qsort(s, n, sizeof *s, compare_keys);
    const ytree_node *dup = NULL, *first = NULL;
    for (size_t i = 1, run = 0; i < n; i++) {
        if (strcmp(s[i]->text, s[i - 1]->text) != 0)
            run = i;
        else if (i == run + 1 && (!dup || before(s[i], dup))) {
            dup = s[i];
            first = s[run];
        }
    }
    free(s);
    if (!dup)
        return KETSIM_OK;
    return fail_pos(ld, (size_t)dup->line, (size_t)dup->col,
                    "duplicate key '%s' (first at line %d)", dup->text,
                    first->line);
}

static int parse_mapping(loader *ld, const yaml_event_t *start, int depth,
                         ytree_node **out)
{
    ytree_node *map, *key = NULL, *value = NULL;
    int rc = start_collection(ld, start, depth, YTREE_MAPPING, &map);
    if (rc != KETSIM_OK)
        return rc;
    while ((rc = next_key(ld, &key)) == KETSIM_OK && key) {
        /* A key is always followed by a value event, never by the end. */
        rc = next_child(ld, YAML_MAPPING_END_EVENT, depth + 1, &value);
        if (rc == KETSIM_OK && value)
            rc = append(ld, map, key, value);
        if (rc != KETSIM_OK || !value) {
            node_free(key);
            node_free(value);
            if (rc == KETSIM_OK)
                rc = KETSIM_FAIL(ld->err, KETSIM_EINTERNAL,
                                 "%s: mapping key without value", ld->name);
            break;
        }
    }
    if (rc == KETSIM_OK)
        rc = check_duplicates(ld, map);
    if (rc != KETSIM_OK) {
        node_free(map);
        return rc;
    }
    *out = map;
    return KETSIM_OK;
}

/* Builds the node that starts with event ev; depth counts the collections
 * this node sits in plus one. */
static int parse_node(loader *ld, const yaml_event_t *ev, int depth,
                      ytree_node **out)
{
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        return make_scalar(ld, ev, out);
    case YAML_SEQUENCE_START_EVENT:
        return parse_sequence(ld, ev, depth, out);
    case YAML_MAPPING_START_EVENT:
        return parse_mapping(ld, ev, depth, out);
    case YAML_ALIAS_EVENT:
        return FAIL_AT(ld, ev->start_mark, "aliases ('*%s') are not supported",
                       (const char *)ev->data.alias.anchor);
    default:
        return KETSIM_FAIL(ld->err, KETSIM_EINTERNAL,
                           "%s: unexpected YAML event %d", ld->name, ev->type);
    }
}

static int empty_document(loader *ld)
{
    return KETSIM_FAIL(ld->err, KETSIM_EINPUT, "%s: empty document", ld->name);
}

/* The document must be the only one in the stream. */
static int expect_stream_end(loader *ld)
{
    yaml_event_t ev;
    int rc = next_event(ld, &ev);
    if (rc != KETSIM_OK)
        return rc;
    if (ev.type == YAML_DOCUMENT_START_EVENT)
        rc = FAIL_AT(ld, ev.start_mark,
                     "more than one document (only one is allowed per file)");
    else if (ev.type != YAML_STREAM_END_EVENT)
        rc = KETSIM_FAIL(ld->err, KETSIM_EINTERNAL,
                         "%s: unexpected YAML event %d", ld->name, ev.type);
    yaml_event_delete(&ev);
    return rc;
}

static int parse_document(loader *ld, ytree_node **root)
{
    yaml_event_t ev;
    int rc = expect_event(ld, YAML_STREAM_START_EVENT);
    if (rc != KETSIM_OK || (rc = next_event(ld, &ev)) != KETSIM_OK)
        return rc;
    bool has_doc = ev.type == YAML_DOCUMENT_START_EVENT;
    yaml_event_delete(&ev);
    if (!has_doc)
        return empty_document(ld);
    if ((rc = next_event(ld, &ev)) != KETSIM_OK)
        return rc;
    rc = parse_node(ld, &ev, 1, root);
    yaml_event_delete(&ev);
    if (rc == KETSIM_OK && (rc = expect_event(ld, YAML_DOCUMENT_END_EVENT))
                               == KETSIM_OK)
        rc = expect_stream_end(ld);
    if (rc == KETSIM_OK && (*root)->kind == YTREE_SCALAR && !(*root)->quoted
        && (*root)->text[0] == '\0')
        rc = empty_document(ld); /* only "---" or an empty value */
    if (rc != KETSIM_OK) {
        node_free(*root);
        *root = NULL;
    }
    return rc;
}

/* Byte offset of the first invalid UTF-8 sequence, or len.  Refuses
 * overlong forms, surrogates and code points above U+10FFFF. */
static size_t utf8_invalid_at(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        size_t more;
        unsigned long cp, min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            more = 1, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            more = 2, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            more = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return i;
        }
        if (len - i <= more)
            return i;
        for (size_t k = 1; k <= more; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += more + 1;
    }
    return len;
}

/* Binary files are caught here with a plain message instead of whatever
 * libyaml would make of them. */
static int check_text(loader *ld)
{
    size_t line, col;
    const unsigned char *nul = memchr(ld->text, '\0', ld->len);
    if (nul) {
        offset_position(ld->text, (size_t)(nul - ld->text), &line, &col);
        return fail_pos(ld, line, col, "NUL byte in input (not a text file?)");
    }
    size_t bad = utf8_invalid_at(ld->text, ld->len);
    if (bad < ld->len) {
        offset_position(ld->text, bad, &line, &col);
        return fail_pos(ld, line, col, "invalid UTF-8 (not a text file?)");
    }
    return KETSIM_OK;
}

static int make_tree(const char *name, ytree_node *root, ytree **out,
                     ketsim_error *err)
{
    ytree *t = malloc(sizeof *t);
    char *copy = malloc(strlen(name) + 1);
    if (!t || !copy) {
        free(t);
        free(copy);
        node_free(root);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "%s: out of memory", name);
    }
    strcpy(copy, name);
    t->filename = copy;
    t->root = root;
    *out = t;
    return KETSIM_OK;
}

int ytree_load_string(const char *name, const char *text, size_t len,
                      ytree **out, ketsim_error *err)
{
    if (!name)
        name = "<string>";
    if (!out || (!text && len > 0))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: no input given", name);
    *out = NULL;
    if (len > YTREE_MAX_BYTES)
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "%s: file too large (limit %u MiB)", name,
                           YTREE_MAX_BYTES >> 20);
    loader ld = {.name = name,
                 .text = (const unsigned char *)(len ? text : ""),
                 .len = len,
                 .err = err};
    int rc = check_text(&ld);
    if (rc != KETSIM_OK)
        return rc;
    if (!yaml_parser_initialize(&ld.parser))
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "%s: out of memory", name);
    /* No explicit encoding: check_text already ruled out UTF-16/32 (their
     * byte order marks are invalid UTF-8), and detection strips a UTF-8 BOM. */
    yaml_parser_set_input_string(&ld.parser, ld.text, len);
    ytree_node *root = NULL;
    rc = parse_document(&ld, &root);
    yaml_parser_delete(&ld.parser);
    if (rc != KETSIM_OK)
        return rc;
    return make_tree(name, root, out, err);
}

static int io_fail(ketsim_error *err, const char *path, const char *what,
                   int errnum)
{
    char reason[128];
    if (strerror_r(errnum, reason, sizeof reason) != 0)
        snprintf(reason, sizeof reason, "error %d", errnum);
    return KETSIM_FAIL(err, KETSIM_EIO, "%s: %s: %s", path, what, reason);
}

/* Doubles the read buffer, capped one byte past the size limit so that an
 * oversized file is noticed without reading all of it. */
static bool grow_buffer(char **buf, size_t *cap)
{
    size_t ncap = *cap ? 2 * *cap : 65536;
    if (ncap > YTREE_MAX_BYTES + 1u)
        ncap = YTREE_MAX_BYTES + 1u;
    char *nb = realloc(*buf, ncap);
    if (!nb)
        return false;
    *buf = nb;
    *cap = ncap;
    return true;
}

/* Reads the whole file, refusing it once it passes YTREE_MAX_BYTES so that a
 * huge or endless input (a device, a pipe) cannot exhaust memory. */
static int read_file(const char *path, char **buf, size_t *len,
                     ketsim_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return io_fail(err, path, "cannot open", errno);
    char *b = NULL;
    size_t n = 0, cap = 0, got = 1;
    int rc = KETSIM_OK;
    while (got > 0 && rc == KETSIM_OK) {
        if (n > YTREE_MAX_BYTES)
            rc = KETSIM_FAIL(err, KETSIM_EINPUT,
                             "%s: file too large (limit %u MiB)", path,
                             YTREE_MAX_BYTES >> 20);
        else if (n == cap && !grow_buffer(&b, &cap))
            rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "%s: out of memory", path);
        else if ((got = fread(b + n, 1, cap - n, f)) == 0 && ferror(f))
            rc = io_fail(err, path, "read error", errno);
        else
            n += got;
    }
    fclose(f);
    if (rc != KETSIM_OK) {
        free(b);
        return rc;
    }
    *buf = b;
    *len = n;
    return KETSIM_OK;
}

int ytree_load_file(const char *path, ytree **out, ketsim_error *err)
{
    if (!path || !out)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "no file name given");
    *out = NULL;
    char *buf = NULL;
    size_t len = 0;
    int rc = read_file(path, &buf, &len, err);
    if (rc != KETSIM_OK)
        return rc;
    rc = ytree_load_string(path, buf, len, out, err);
    free(buf);
    return rc;
}

void ytree_free(ytree *t)
{
    if (!t)
        return;
    node_free(t->root);
    free(t->filename);
    free(t);
}

const ytree_node *ytree_root(const ytree *t)
{
    return t ? t->root : NULL;
}

const char *ytree_filename(const ytree *t)
{
    return t ? t->filename : "<input>";
}

/* ======================================================================== */
/* Node access                                                               */
/* ======================================================================== */

ytree_kind ytree_kind_of(const ytree_node *n)
{
    return n->kind;
}

const char *ytree_kind_name(ytree_kind k)
{
    switch (k) {
    case YTREE_SCALAR:
        return "scalar";
    case YTREE_SEQUENCE:
        return "sequence";
    case YTREE_MAPPING:
        return "mapping";
    }
    return "?";
}

int ytree_line(const ytree_node *n)
{
    return n ? n->line : 0;
}

int ytree_col(const ytree_node *n)
{
    return n ? n->col : 0;
}

const char *ytree_scalar(const ytree_node *n)
{
    return n && n->kind == YTREE_SCALAR ? n->text : NULL;
}

bool ytree_is_quoted(const ytree_node *n)
{
    return n && n->kind == YTREE_SCALAR && n->quoted;
}

size_t ytree_len(const ytree_node *n)
{
    return n && n->kind != YTREE_SCALAR ? n->len : 0;
}

const ytree_node *ytree_seq_item(const ytree_node *seq, size_t i)
{
    if (!seq || seq->kind != YTREE_SEQUENCE || i >= seq->len)
        return NULL;
    return seq->items[i];
}

const ytree_node *ytree_map_key_node(const ytree_node *map, size_t i)
{
    if (!map || map->kind != YTREE_MAPPING || i >= map->len)
        return NULL;
    return map->keys[i];
}

const char *ytree_map_key(const ytree_node *map, size_t i)
{
    const ytree_node *k = ytree_map_key_node(map, i);
    return k ? k->text : NULL;
}

const ytree_node *ytree_map_value(const ytree_node *map, size_t i)
{
    if (!map || map->kind != YTREE_MAPPING || i >= map->len)
        return NULL;
    return map->items[i];
}

const ytree_node *ytree_map_get(const ytree_node *map, const char *key)
{
    if (!map || map->kind != YTREE_MAPPING || !key)
        return NULL;
    for (size_t i = 0; i < map->len; i++)
        if (strcmp(map->keys[i]->text, key) == 0)
            return map->items[i];
    return NULL;
}

const char *ytree_path_key(char *buf, size_t size, const char *parent,
                           const char *key)
{
    if (parent && parent[0])
        snprintf(buf, size, "%s.%s", parent, key);
    else
        snprintf(buf, size, "%s", key);
    return buf;
}

const char *ytree_path_index(char *buf, size_t size, const char *parent,
                             size_t i)
{
    snprintf(buf, size, "%s[%zu]", parent ? parent : "", i);
    return buf;
}

/* ======================================================================== */
/* Typed getters                                                             */
/* ======================================================================== */

static int field_fail(ketsim_error *err, const ytree *t, const ytree_node *n,
                      const char *path, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* "FILE:LINE: field 'PATH': MESSAGE"; the root is called "top level". */
static int field_fail(ketsim_error *err, const ytree *t, const ytree_node *n,
                      const char *path, const char *fmt, ...)
{
    char msg[384], where[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (path && path[0])
        snprintf(where, sizeof where, "field '%s'", path);
    else
        snprintf(where, sizeof where, "top level");
    if (n)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%d: %s: %s",
                           ytree_filename(t), n->line, where, msg);
    return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: %s: %s", ytree_filename(t),
                       where, msg);
}

/* Copies at most 40 bytes of the first line of s, on a character boundary,
 * so messages stay one readable line. */
static void clip_text(const char *s, char *buf, size_t size)
{
    size_t cut = strcspn(s, "\r\n");
    bool clipped = s[cut] != '\0';
    if (cut > 40) {
        cut = 40;
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut--;
        clipped = true;
    }
    snprintf(buf, size, "%.*s%s", (int)cut, s, clipped ? "..." : "");
}

/* How a value looks, for "expected X, got Y". */
static const char *describe(const ytree_node *n, char *buf, size_t size)
{
    if (n->kind != YTREE_SCALAR) {
        snprintf(buf, size, "a %s", ytree_kind_name(n->kind));
        return buf;
    }
    if (!n->quoted && n->text[0] == '\0')
        return "an empty value";
    char clip[64];
    clip_text(n->text, clip, sizeof clip);
    snprintf(buf, size, "%s'%s'", n->quoted ? "quoted string " : "", clip);
    return buf;
}

static int expected(ketsim_error *err, const ytree *t, const ytree_node *n,
                    const char *path, const char *what)
{
    char got[96];
    return field_fail(err, t, n, path, "expected %s, got %s", what,
                      describe(n, got, sizeof got));
}

static int missing(ketsim_error *err, const ytree *t, const ytree_node *n,
                   const char *path)
{
    char where[YTREE_PATH_MAX + 8];
    snprintf(where, sizeof where, "'%s'", path ? path : "");
    if (n)
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "%s:%d: missing required field %s",
                           ytree_filename(t), n->line, where);
    return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: missing required field %s",
                       ytree_filename(t), where);
}

/* Numbers and booleans must be written plain: a quoted "3" is a string. */
static int plain_scalar(const ytree *t, const ytree_node *n, const char *path,
                        const char *what, ketsim_error *err)
{
    if (!n)
        return missing(err, t, NULL, path);
    if (n->kind != YTREE_SCALAR || n->quoted || n->text[0] == '\0')
        return expected(err, t, n, path, what);
    return KETSIM_OK;
}

/* Only a sign, digits and (for reals) '.', 'e', 'E': this keeps out what
 * strtod/strtol would otherwise accept: leading blanks, hex, nan, inf. */
static bool decimal_chars(const char *s, bool real)
{
    for (; *s; s++) {
        bool ok = (*s >= '0' && *s <= '9') || *s == '+' || *s == '-'
                  || (real && (*s == '.' || *s == 'e' || *s == 'E'));
        if (!ok)
            return false;
    }
    return true;
}

int ytree_expect_kind(const ytree *t, const ytree_node *n, const char *path,
                      ytree_kind kind, ketsim_error *err)
{
    if (!n)
        return missing(err, t, NULL, path);
    if (n->kind == kind)
        return KETSIM_OK;
    return expected(err, t, n, path,
                    kind == YTREE_MAPPING    ? "a mapping"
                    : kind == YTREE_SEQUENCE ? "a sequence"
                                             : "a single value");
}

/* strtod follows LC_NUMERIC; ketsim never changes the locale from "C". */
int ytree_get_double(const ytree *t, const ytree_node *n, const char *path,
                     double *out, ketsim_error *err)
{
    int rc = plain_scalar(t, n, path, "a number", err);
    if (rc != KETSIM_OK)
        return rc;
    char *end;
    errno = 0;
    double v = strtod(n->text, &end);
    if (!decimal_chars(n->text, true) || end == n->text || *end != '\0')
        return expected(err, t, n, path, "a number");
    /* Underflow to (near) zero is harmless; overflow is not. */
    if ((errno == ERANGE && fabs(v) > 1.0) || !isfinite(v))
        return field_fail(err, t, n, path, "number '%s' is out of range",
                          n->text);
    *out = v;
    return KETSIM_OK;
}

int ytree_get_long(const ytree *t, const ytree_node *n, const char *path,
                   long *out, ketsim_error *err)
{
    int rc = plain_scalar(t, n, path, "an integer", err);
    if (rc != KETSIM_OK)
        return rc;
    char *end;
    errno = 0;
    long v = strtol(n->text, &end, 10);
    if (!decimal_chars(n->text, false) || end == n->text || *end != '\0')
        return expected(err, t, n, path, "an integer");
    if (errno == ERANGE)
        return field_fail(err, t, n, path, "integer '%s' is out of range",
                          n->text);
    *out = v;
    return KETSIM_OK;
}

int ytree_get_int(const ytree *t, const ytree_node *n, const char *path,
                  int *out, ketsim_error *err)
{
    return ytree_get_int_range(t, n, path, INT_MIN, INT_MAX, out, err);
}

int ytree_get_bool(const ytree *t, const ytree_node *n, const char *path,
                   bool *out, ketsim_error *err)
{
    const char *what = "true or false";
    int rc = plain_scalar(t, n, path, what, err);
    if (rc != KETSIM_OK)
        return rc;
    if (strcmp(n->text, "true") == 0 || strcmp(n->text, "yes") == 0)
        *out = true;
    else if (strcmp(n->text, "false") == 0 || strcmp(n->text, "no") == 0)
        *out = false;
    else
        return expected(err, t, n, path, what);
    return KETSIM_OK;
}

int ytree_get_string(const ytree *t, const ytree_node *n, const char *path,
                     const char **out, ketsim_error *err)
{
    if (!n)
        return missing(err, t, NULL, path);
    if (n->kind != YTREE_SCALAR || (!n->quoted && n->text[0] == '\0'))
        return expected(err, t, n, path, "a string");
    *out = n->text;
    return KETSIM_OK;
}

int ytree_check_range(const ytree *t, const ytree_node *n, const char *path,
                      double v, double lo, double hi, ketsim_error *err)
{
    if (v >= lo && v <= hi)
        return KETSIM_OK;
    if (isinf(hi) && hi > 0)
        return field_fail(err, t, n, path, "must be >= %.10g, got %.10g", lo,
                          v);
    if (isinf(lo) && lo < 0)
        return field_fail(err, t, n, path, "must be <= %.10g, got %.10g", hi,
                          v);
    return field_fail(err, t, n, path,
                      "must be between %.10g and %.10g, got %.10g", lo, hi, v);
}

int ytree_check_range_long(const ytree *t, const ytree_node *n,
                           const char *path, long v, long lo, long hi,
                           ketsim_error *err)
{
    if (v >= lo && v <= hi)
        return KETSIM_OK;
    return field_fail(err, t, n, path, "must be between %ld and %ld, got %ld",
                      lo, hi, v);
}

int ytree_check_positive(const ytree *t, const ytree_node *n, const char *path,
                         double v, ketsim_error *err)
{
    if (v > 0)
        return KETSIM_OK;
    return field_fail(err, t, n, path, "must be > 0, got %.10g", v);
}

int ytree_get_double_range(const ytree *t, const ytree_node *n,
                           const char *path, double lo, double hi, double *out,
                           ketsim_error *err)
{
    double v = 0;
    int rc = ytree_get_double(t, n, path, &v, err);
    if (rc == KETSIM_OK)
        rc = ytree_check_range(t, n, path, v, lo, hi, err);
    if (rc == KETSIM_OK)
        *out = v;
    return rc;
}

int ytree_get_long_range(const ytree *t, const ytree_node *n, const char *path,
                         long lo, long hi, long *out, ketsim_error *err)
{
    long v = 0;
    int rc = ytree_get_long(t, n, path, &v, err);
    if (rc == KETSIM_OK)
        rc = ytree_check_range_long(t, n, path, v, lo, hi, err);
    if (rc == KETSIM_OK)
        *out = v;
    return rc;
}

int ytree_get_int_range(const ytree *t, const ytree_node *n, const char *path,
                        int lo, int hi, int *out, ketsim_error *err)
{
    long v = 0;
    int rc = ytree_get_long_range(t, n, path, lo, hi, &v, err);
    if (rc == KETSIM_OK)
        *out = (int)v;
    return rc;
}

/* ======================================================================== */
/* Mapping members                                                           */
/* ======================================================================== */

static bool is_allowed(const char *key, const char *const *allowed)
{
    for (; allowed && *allowed; allowed++)
        if (strcmp(key, *allowed) == 0)
            return true;
    return false;
}

static void list_allowed(const char *const *allowed, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (; allowed && *allowed && used < size; allowed++) {
        int w = snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
                         *allowed);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    if (!buf[0])
        snprintf(buf, size, "none");
}

int ytree_check_keys(const ytree *t, const ytree_node *map,
                     const char *mappath, const char *const *allowed,
                     ketsim_error *err)
{
    int rc = ytree_expect_kind(t, map, mappath, YTREE_MAPPING, err);
    if (rc != KETSIM_OK)
        return rc;
    for (size_t i = 0; i < map->len; i++) {
        const ytree_node *key = map->keys[i];
        if (is_allowed(key->text, allowed))
            continue;
        char path[YTREE_PATH_MAX], list[256];
        ytree_path_key(path, sizeof path, mappath, key->text);
        list_allowed(allowed, list, sizeof list);
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "%s:%d: unknown field '%s' (allowed: %s)",
                           ytree_filename(t), key->line, path, list);
    }
    return KETSIM_OK;
}

int ytree_require(const ytree *t, const ytree_node *map, const char *mappath,
                  const char *key, const ytree_node **out, ketsim_error *err)
{
    int rc = ytree_expect_kind(t, map, mappath, YTREE_MAPPING, err);
    if (rc != KETSIM_OK)
        return rc;
    const ytree_node *v = ytree_map_get(map, key);
    if (!v) {
        char path[YTREE_PATH_MAX];
        return missing(err, t, map, ytree_path_key(path, sizeof path, mappath,
                                                   key));
    }
    *out = v;
    return KETSIM_OK;
}

/* Finds a member and its path; *n = NULL when an optional one is absent. */
static int member(const ytree *t, const ytree_node *map, const char *mappath,
                  const char *key, bool required, const ytree_node **n,
                  char path[YTREE_PATH_MAX], ketsim_error *err)
{
    ytree_path_key(path, YTREE_PATH_MAX, mappath, key);
    *n = NULL;
    if (required)
        return ytree_require(t, map, mappath, key, n, err);
    int rc = ytree_expect_kind(t, map, mappath, YTREE_MAPPING, err);
    if (rc == KETSIM_OK)
        *n = ytree_map_get(map, key);
    return rc;
}

static int member_double(const ytree *t, const ytree_node *map,
                         const char *mappath, const char *key, bool required,
                         bool positive, double lo, double hi, double *out,
                         ketsim_error *err)
{
    char path[YTREE_PATH_MAX];
    const ytree_node *n;
    double v = 0;
    int rc = member(t, map, mappath, key, required, &n, path, err);
    if (rc != KETSIM_OK || !n)
        return rc;
    rc = ytree_get_double_range(t, n, path, lo, hi, &v, err);
    if (rc == KETSIM_OK && positive)
        rc = ytree_check_positive(t, n, path, v, err);
    if (rc == KETSIM_OK)
        *out = v;
    return rc;
}

static int member_long(const ytree *t, const ytree_node *map,
                       const char *mappath, const char *key, bool required,
                       long lo, long hi, long *out, ketsim_error *err)
{
    char path[YTREE_PATH_MAX];
    const ytree_node *n;
    int rc = member(t, map, mappath, key, required, &n, path, err);
    if (rc != KETSIM_OK || !n)
        return rc;
    return ytree_get_long_range(t, n, path, lo, hi, out, err);
}

static int member_bool(const ytree *t, const ytree_node *map,
                       const char *mappath, const char *key, bool required,
                       bool *out, ketsim_error *err)
{
    char path[YTREE_PATH_MAX];
    const ytree_node *n;
    int rc = member(t, map, mappath, key, required, &n, path, err);
    if (rc != KETSIM_OK || !n)
        return rc;
    return ytree_get_bool(t, n, path, out, err);
}

static int member_string(const ytree *t, const ytree_node *map,
                         const char *mappath, const char *key, bool required,
                         const char **out, ketsim_error *err)
{
    char path[YTREE_PATH_MAX];
    const ytree_node *n;
    int rc = member(t, map, mappath, key, required, &n, path, err);
    if (rc != KETSIM_OK || !n)
        return rc;
    return ytree_get_string(t, n, path, out, err);
}

static int member_int(const ytree *t, const ytree_node *map,
                      const char *mappath, const char *key, bool required,
                      int lo, int hi, int *out, ketsim_error *err)
{
    char path[YTREE_PATH_MAX];
    const ytree_node *n;
    int rc = member(t, map, mappath, key, required, &n, path, err);
    if (rc != KETSIM_OK || !n)
        return rc;
    return ytree_get_int_range(t, n, path, lo, hi, out, err);
}

int ytree_req_double(const ytree *t, const ytree_node *map,
                     const char *mappath, const char *key, double lo,
                     double hi, double *out, ketsim_error *err)
{
    return member_double(t, map, mappath, key, true, false, lo, hi, out, err);
}

int ytree_req_positive(const ytree *t, const ytree_node *map,
                       const char *mappath, const char *key, double *out,
                       ketsim_error *err)
{
    return member_double(t, map, mappath, key, true, true, -HUGE_VAL,
                         HUGE_VAL, out, err);
}

int ytree_req_long(const ytree *t, const ytree_node *map, const char *mappath,
                   const char *key, long lo, long hi, long *out,
                   ketsim_error *err)
{
    return member_long(t, map, mappath, key, true, lo, hi, out, err);
}

int ytree_req_int(const ytree *t, const ytree_node *map, const char *mappath,
                  const char *key, int lo, int hi, int *out,
                  ketsim_error *err)
{
    return member_int(t, map, mappath, key, true, lo, hi, out, err);
}

int ytree_req_bool(const ytree *t, const ytree_node *map, const char *mappath,
                   const char *key, bool *out, ketsim_error *err)
{
    return member_bool(t, map, mappath, key, true, out, err);
}

int ytree_req_string(const ytree *t, const ytree_node *map,
                     const char *mappath, const char *key, const char **out,
                     ketsim_error *err)
{
    return member_string(t, map, mappath, key, true, out, err);
}

int ytree_opt_double(const ytree *t, const ytree_node *map,
                     const char *mappath, const char *key, double lo,
                     double hi, double *out, ketsim_error *err)
{
    return member_double(t, map, mappath, key, false, false, lo, hi, out,
                         err);
}

int ytree_opt_positive(const ytree *t, const ytree_node *map,
                       const char *mappath, const char *key, double *out,
                       ketsim_error *err)
{
    return member_double(t, map, mappath, key, false, true, -HUGE_VAL,
                         HUGE_VAL, out, err);
}

int ytree_opt_long(const ytree *t, const ytree_node *map, const char *mappath,
                   const char *key, long lo, long hi, long *out,
                   ketsim_error *err)
{
    return member_long(t, map, mappath, key, false, lo, hi, out, err);
}

int ytree_opt_int(const ytree *t, const ytree_node *map, const char *mappath,
                  const char *key, int lo, int hi, int *out,
                  ketsim_error *err)
{
    return member_int(t, map, mappath, key, false, lo, hi, out, err);
}

int ytree_opt_bool(const ytree *t, const ytree_node *map, const char *mappath,
                   const char *key, bool *out, ketsim_error *err)
{
    return member_bool(t, map, mappath, key, false, out, err);
}

int ytree_opt_string(const ytree *t, const ytree_node *map,
                     const char *mappath, const char *key, const char **out,
                     ketsim_error *err)
{
    return member_string(t, map, mappath, key, false, out, err);
}

int ytree_fail(const ytree *t, const ytree_node *n, const char *path, ketsim_error *err,
               const char *what)
{
    return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%d: field '%s': %s", ytree_filename(t),
                       n ? ytree_line(n) : 0, path, what);
}

int ytree_get_duration(const ytree *t, const ytree_node *n, const char *path, double *hours,
                       ketsim_error *err)
{
    const char *s;
    int rc = ytree_get_string(t, n, path, &s, err);
    if (rc)
        return rc;
    ketsim_error e = {0};
    if (ketsim_duration_parse(s, hours, &e) != KETSIM_OK || !isfinite(*hours)) {
        char msg[160];
        snprintf(msg, sizeof msg, "expected a duration with a unit (e.g. 40min, 2h, 7d), got '%.60s'", s);
        return ytree_fail(t, n, path, err, msg);
    }
    return KETSIM_OK;
}
