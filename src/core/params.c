/* The parameter object: a species' copy of the registered tables plus user
 * rows.  Names are found through a hash index: every trial subject's model
 * reads a few hundred parameters by name, and a linear scan of the ~420 rows
 * was a fifth of a trial's time. */
#include "ketsim/params.h"
#include "ketsim/units.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct param_row {
    char *name, *unit, *source, *description, *targets;
    double value, default_value, min, max;
    int overridden;
    ketsim_param_kind kind;
} param_row;

#define MAX_TABLES 16

struct ketsim_params {
    ketsim_species species;
    param_row *rows;
    size_t n, cap;
    /* open-addressing index of the rows by name: slot[h] = row + 1, 0 = empty;
     * n_slots is a power of two at least twice n, so probes stay short */
    size_t *slot;
    size_t n_slots;
    /* the registered tables, so that another species can be built alike */
    ketsim_param_table tables[MAX_TABLES];
    size_t n_tables;
};

static const char *const species_names[KETSIM_N_SPECIES] = {"human", "rat", "mouse"};
static const char *const kind_names[KETSIM_N_PARAM_KINDS] = {"literature", "assumed", "calibrated", "hand-set"};

const char *ketsim_param_kind_name(ketsim_param_kind k)
{
    return (k >= 0 && k < KETSIM_N_PARAM_KINDS) ? kind_names[k] : "?";
}

const char *ketsim_species_name(ketsim_species s)
{
    return (s >= 0 && s < KETSIM_N_SPECIES) ? species_names[s] : "?";
}

int ketsim_species_parse(const char *name, ketsim_species *out, ketsim_error *err)
{
    for (int i = 0; i < KETSIM_N_SPECIES; i++)
        if (strcmp(name, species_names[i]) == 0) {
            *out = (ketsim_species)i;
            return KETSIM_OK;
        }
    return KETSIM_FAIL(err, KETSIM_EINPUT, "unknown species '%s' (expected human, rat or mouse)", name);
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : strdup("");
}

/* FNV-1a: short keys, few collisions, no state. */
static size_t name_hash(const char *name)
{
    size_t h = (size_t)1469598103934665603ULL;
    for (const unsigned char *c = (const unsigned char *)name; *c; c++)
        h = (h ^ *c) * (size_t)1099511628211ULL;
    return h;
}

static void index_insert(size_t *slot, size_t n_slots, const char *name, size_t row)
{
    size_t h = name_hash(name) & (n_slots - 1);
    while (slot[h])
        h = (h + 1) & (n_slots - 1);
    slot[h] = row + 1;
}

/* Make room in the index for n rows, rebuilding it from the rows when it
 * grows. */
static int index_reserve(ketsim_params *p, size_t n, ketsim_error *err)
{
    if (2 * n <= p->n_slots)
        return KETSIM_OK;
    size_t n_slots = p->n_slots ? p->n_slots : 512;
    while (2 * n > n_slots)
        n_slots *= 2;
    size_t *slot = calloc(n_slots, sizeof *slot);
    if (!slot)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory growing the parameter index");
    for (size_t i = 0; i < p->n; i++)
        index_insert(slot, n_slots, p->rows[i].name, i);
    free(p->slot);
    p->slot = slot;
    p->n_slots = n_slots;
    return KETSIM_OK;
}

static int push_row(ketsim_params *p, const char *name, const char *unit, double value,
                    double min, double max, ketsim_param_kind kind, const char *targets,
                    const char *source, const char *desc, ketsim_error *err)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 256;
        param_row *rows = realloc(p->rows, cap * sizeof *rows);
        if (!rows)
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory growing the parameter table");
        p->rows = rows;
        p->cap = cap;
    }
    if (index_reserve(p, p->n + 1, err))
        return KETSIM_ENOMEM;
    param_row *r = &p->rows[p->n];
    r->name = dup_or_null(name);
    r->unit = dup_or_null(unit);
    r->source = dup_or_null(source);
    r->description = dup_or_null(desc);
    r->targets = dup_or_null(targets);
    if (!r->name || !r->unit || !r->source || !r->description || !r->targets) {
        free(r->name), free(r->unit), free(r->source), free(r->description), free(r->targets);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory copying parameter '%s'", name);
    }
    r->value = r->default_value = value;
    r->min = min;
    r->max = max;
    r->kind = kind;
    r->overridden = 0;
    index_insert(p->slot, p->n_slots, r->name, p->n);
    p->n++;
    return KETSIM_OK;
}

int ketsim_params_create_empty(ketsim_species species, ketsim_params **out, ketsim_error *err)
{
    *out = NULL;
    if (species < 0 || species >= KETSIM_N_SPECIES)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "invalid species index %d", (int)species);
    ketsim_params *p = calloc(1, sizeof *p);
    if (!p)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    p->species = species;
    *out = p;
    return KETSIM_OK;
}

static param_row *find(const ketsim_params *p, const char *name);

int ketsim_params_register(ketsim_params *p, const ketsim_param_table *t, ketsim_error *err)
{
    if (p->n_tables == MAX_TABLES)
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "more than %d parameter tables", MAX_TABLES);
    for (size_t i = 0; i < t->n; i++) {
        const ketsim_param_def *d = &t->rows[i];
        if (find(p, d->name))
            return KETSIM_FAIL(err, KETSIM_EINTERNAL, "parameter '%s' registered twice", d->name);
        if (d->kind < 0 || d->kind >= KETSIM_N_PARAM_KINDS)
            return KETSIM_FAIL(err, KETSIM_EINTERNAL, "parameter '%s': invalid kind", d->name);
        int rc = push_row(p, d->name, d->unit, d->value[p->species], d->min, d->max, d->kind, d->targets,
                          d->source, d->description, err);
        if (rc)
            return rc;
    }
    p->tables[p->n_tables++] = *t;
    return KETSIM_OK;
}

int ketsim_params_for_species(const ketsim_params *src, ketsim_species species, ketsim_params **out,
                              ketsim_error *err)
{
    int rc = ketsim_params_create_empty(species, out, err);
    for (size_t i = 0; !rc && i < src->n_tables; i++)
        rc = ketsim_params_register(*out, &src->tables[i], err);
    if (rc) {
        ketsim_params_free(*out);
        *out = NULL;
    }
    return rc;
}

int ketsim_params_clone(const ketsim_params *src, ketsim_params **out, ketsim_error *err)
{
    *out = NULL;
    ketsim_params *p = calloc(1, sizeof *p);
    if (!p)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    p->species = src->species;
    memcpy(p->tables, src->tables, sizeof p->tables);
    p->n_tables = src->n_tables;
    for (size_t i = 0; i < src->n; i++) {
        const param_row *r = &src->rows[i];
        int rc = push_row(p, r->name, r->unit, r->default_value, r->min, r->max, r->kind, r->targets,
                          r->source, r->description, err);
        if (rc) {
            ketsim_params_free(p);
            return rc;
        }
        p->rows[i].value = r->value;
        p->rows[i].overridden = r->overridden;
    }
    *out = p;
    return KETSIM_OK;
}

void ketsim_params_free(ketsim_params *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        free(p->rows[i].name);
        free(p->rows[i].unit);
        free(p->rows[i].source);
        free(p->rows[i].description);
        free(p->rows[i].targets);
    }
    free(p->rows);
    free(p->slot);
    free(p);
}

ketsim_species ketsim_params_species(const ketsim_params *p)
{
    return p->species;
}

static param_row *find(const ketsim_params *p, const char *name)
{
    if (!p->n_slots)
        return NULL;
    for (size_t h = name_hash(name) & (p->n_slots - 1); p->slot[h]; h = (h + 1) & (p->n_slots - 1)) {
        param_row *r = &p->rows[p->slot[h] - 1];
        if (strcmp(r->name, name) == 0)
            return r;
    }
    return NULL;
}

int ketsim_params_has(const ketsim_params *p, const char *name)
{
    return find(p, name) != NULL;
}

int ketsim_params_get(const ketsim_params *p, const char *name, double *value, ketsim_error *err)
{
    const param_row *r = find(p, name);
    if (!r)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "unknown parameter '%s' (see `ketsim params`)", name);
    *value = r->value;
    return KETSIM_OK;
}

double ketsim_params_value(const ketsim_params *p, const char *name)
{
    const param_row *r = find(p, name);
    /* Built-in names are compile-time constants of the model; a miss is a bug. */
    if (!r) {
        fprintf(stderr, "ketsim: internal error: parameter '%s' missing from the table\n", name);
        abort();
    }
    return r->value;
}

static int set_row(param_row *r, double value, ketsim_error *err)
{
    if (!isfinite(value))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "parameter '%s': value must be a finite number", r->name);
    if (value < r->min || value > r->max)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "parameter '%s': value %g outside the allowed range [%g, %g] %s",
                           r->name, value, r->min, r->max, r->unit);
    r->value = value;
    r->overridden = 1;
    return KETSIM_OK;
}

int ketsim_params_set(ketsim_params *p, const char *name, double value, ketsim_error *err)
{
    param_row *r = find(p, name);
    if (!r)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "unknown parameter '%s' (see `ketsim params`)", name);
    return set_row(r, value, err);
}

int ketsim_params_find(const ketsim_params *p, const char *name, size_t *row, ketsim_error *err)
{
    const param_row *r = find(p, name);
    if (!r)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "unknown parameter '%s' (see `ketsim params`)", name);
    *row = (size_t)(r - p->rows);
    return KETSIM_OK;
}

double ketsim_params_value_at(const ketsim_params *p, size_t row)
{
    return p->rows[row].value;
}

int ketsim_params_set_at(ketsim_params *p, size_t row, double value, ketsim_error *err)
{
    if (row >= p->n)
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "parameter row %zu out of range", row);
    return set_row(&p->rows[row], value, err);
}

int ketsim_params_copy_values(ketsim_params *p, const ketsim_params *src, ketsim_error *err)
{
    if (p->n != src->n || p->species != src->species)
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "parameter tables differ in rows or species");
    for (size_t i = 0; i < p->n; i++) {
        p->rows[i].value = src->rows[i].value;
        p->rows[i].overridden = src->rows[i].overridden;
    }
    return KETSIM_OK;
}

/* Strict number parsing: the whole token must be a finite decimal number
 * (no hexadecimal, inf or nan: ketsim_number_parse). */
static int parse_number(const char *s, double *out)
{
    return ketsim_number_parse(s, out);
}

int ketsim_params_set_assignment(ketsim_params *p, const char *assignment, ketsim_error *err)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--set '%s': expected NAME=VALUE", assignment);
    char name[256];
    size_t len = (size_t)(eq - assignment);
    if (len >= sizeof name)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--set: parameter name too long");
    memcpy(name, assignment, len);
    name[len] = '\0';
    double v;
    if (parse_number(eq + 1, &v))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--set %s: '%s' is not a finite number", name, eq + 1);
    int rc = ketsim_params_set(p, name, v, err);
    if (rc)
        ketsim_error_prefix(err, "--set: ");
    return rc;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

static int apply_param_line(ketsim_params *p, const char *path, int lineno, char *line,
                            int *assignments, ketsim_error *err)
{
    char *hash = strchr(line, '#');
    if (hash)
        *hash = '\0';
    char *s = trim(line);
    if (!*s)
        return KETSIM_OK;
    char *sep = strpbrk(s, "= \t,");
    if (!sep)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%d: expected NAME=VALUE, got '%s'", path, lineno, s);
    *sep = '\0';
    char *name = trim(s), *val = trim(sep + 1);
    if (*val == '=' || *val == ',')
        val = trim(val + 1);
    double v;
    if (parse_number(val, &v))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%d: parameter '%s': '%s' is not a finite number",
                           path, lineno, name, val);
    ketsim_error e2;
    if (ketsim_params_set(p, name, v, &e2))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%d: %s", path, lineno, e2.msg);
    (*assignments)++;
    return KETSIM_OK;
}

int ketsim_params_load_file(ketsim_params *p, const char *path, ketsim_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: cannot open parameter file: %s", path, strerror(errno));
    char line[1024];
    int lineno = 0, rc = KETSIM_OK, assignments = 0;
    while (rc == KETSIM_OK && fgets(line, sizeof line, f)) {
        lineno++;
        if (strlen(line) == sizeof line - 1 && line[sizeof line - 2] != '\n')
            rc = KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%d: line too long", path, lineno);
        else
            rc = apply_param_line(p, path, lineno, line, &assignments, err);
    }
    fclose(f);
    /* an empty file is almost always the wrong file (or a failed export) */
    if (rc == KETSIM_OK && assignments == 0)
        rc = KETSIM_FAIL(err, KETSIM_EINPUT, "%s: no NAME = VALUE lines (empty parameter file)", path);
    return rc;
}

int ketsim_params_add(ketsim_params *p, const char *name, const char *unit, double value,
                      const char *source, const char *description, ketsim_error *err)
{
    if (find(p, name))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "parameter '%s' already exists", name);
    if (!isfinite(value))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "parameter '%s': value must be finite", name);
    return push_row(p, name, unit, value, -INFINITY, INFINITY, KETSIM_PARAM_LITERATURE, "", source,
                    description, err);
}

size_t ketsim_params_count(const ketsim_params *p)
{
    return p->n;
}

int ketsim_params_info(const ketsim_params *p, size_t i, ketsim_param_info *info)
{
    if (i >= p->n)
        return KETSIM_EINPUT;
    const param_row *r = &p->rows[i];
    info->name = r->name;
    info->unit = r->unit;
    info->value = r->value;
    info->default_value = r->default_value;
    info->source = r->source;
    info->description = r->description;
    info->overridden = r->overridden;
    info->kind = r->kind;
    info->targets = r->targets;
    info->min = r->min;
    info->max = r->max;
    return KETSIM_OK;
}
