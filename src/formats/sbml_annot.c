/* Reading the SBML annotation table (docs/sbml.md, "Annotations").  CSV with
 * a header line element,qualifier,database,identifier,name,organism,source;
 * double quotes protect commas; '#' lines and blank lines are skipped.
 * Every identifier is checked for the form its database gives it, so a
 * typing slip in the table is an error rather than a broken link. */
#include "sbml_annot.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { F_ELEMENT, F_QUALIFIER, F_DATABASE, F_IDENTIFIER, F_NAME, F_ORGANISM, F_SOURCE, N_FIELDS };
static const char *const field_names[N_FIELDS] = {"element", "qualifier", "database", "identifier",
                                                  "name", "organism", "source"};

typedef struct reader {
    const char *path;
    size_t line;
    ketsim_error *err;
} reader;

static int bad(const reader *r, int field, const char *what, const char *value)
{
    return KETSIM_FAIL(r->err, KETSIM_EINPUT, "%s line %zu, field '%s': %s ('%s')", r->path, r->line,
                       field_names[field], what, value);
}

/* Split a line in place into at most `max` fields; -1 on a broken quote,
 * max + 1 when there are more. */
static int split(char *line, char **f, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        f[n++] = p;
        char *out = p;
        if (*p == '"') {
            const char *q = p + 1;
            for (;; q++) {
                if (*q == '\0')
                    return -1;
                if (*q == '"' && q[1] == '"')
                    *out++ = '"', q++;
                else if (*q == '"')
                    break;
                else
                    *out++ = *q;
            }
            q++;
            if (*q != ',' && *q != '\0')
                return -1;
            int more = *q == ',';
            *out = '\0';
            if (!more)
                return n;
            p = (char *)q + 1;
        } else {
            char *c = strchr(p, ',');
            if (!c)
                return n;
            *c = '\0';
            p = c + 1;
        }
    }
    return max + 1;
}

static int all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return 0;
    return 1;
}

/* UniProt accession: [OPQ][0-9][A-Z0-9]{3}[0-9], or [A-NR-Z][0-9] then one
 * or two groups [A-Z][A-Z0-9]{2}[0-9] (UniProt's published pattern). */
static int uniprot_ok(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        if (!isupper((unsigned char)s[i]) && !isdigit((unsigned char)s[i]))
            return 0;
    if (n == 6 && strchr("OPQ", s[0]))
        return isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[5]);
    if ((n != 6 && n != 10) || !isupper((unsigned char)s[0]) || strchr("OPQ", s[0]) ||
        !isdigit((unsigned char)s[1]))
        return 0;
    for (size_t g = 2; g < n; g += 4)
        if (!isupper((unsigned char)s[g]) || !isdigit((unsigned char)s[g + 3]))
            return 0;
    return 1;
}

static int parse_kind(const char *element, annot_kind *kind, const char **name)
{
    static const char *const prefix[N_ANNOT_KINDS] = {"compound:", "state:", "parameter:",
                                                      "compartment:", "model:"};
    for (int k = 0; k < N_ANNOT_KINDS; k++) {
        size_t n = strlen(prefix[k]);
        if (strncmp(element, prefix[k], n) == 0 && element[n]) {
            *kind = (annot_kind)k;
            *name = element + n;
            return 0;
        }
    }
    return -1;
}

static int one_of(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

/* The identifier's URI (identifiers.org compact form) or SBO number. */
static int parse_identifier(const reader *r, char **f, annot_row *row)
{
    const char *db = f[F_DATABASE], *id = f[F_IDENTIFIER];
    int is_sbo = strcmp(f[F_QUALIFIER], "sbo") == 0;
    if (is_sbo != (strcmp(db, "sbo") == 0))
        return bad(r, F_DATABASE, "SBO terms (qualifier sbo) and database sbo go together", db);
    if (is_sbo) {
        if (strncmp(id, "SBO:", 4) != 0 || strlen(id) != 11 || !all_digits(id + 4))
            return bad(r, F_IDENTIFIER, "expected SBO:NNNNNNN", id);
        row->sbo = atoi(id + 4);
        return 0;
    }
    if (strcmp(db, "chebi") == 0) {
        if (strncmp(id, "CHEBI:", 6) != 0 || !all_digits(id + 6))
            return bad(r, F_IDENTIFIER, "expected CHEBI:NUMBER", id);
        snprintf(row->uri, sizeof row->uri, "https://identifiers.org/%s", id);
    } else if (strcmp(db, "uniprot") == 0) {
        if (!uniprot_ok(id))
            return bad(r, F_IDENTIFIER, "not a UniProt accession", id);
        snprintf(row->uri, sizeof row->uri, "https://identifiers.org/uniprot:%s", id);
    } else if (strcmp(db, "taxonomy") == 0) {
        if (!all_digits(id))
            return bad(r, F_IDENTIFIER, "expected an NCBI taxonomy number", id);
        snprintf(row->uri, sizeof row->uri, "https://identifiers.org/taxonomy:%s", id);
    } else {
        return bad(r, F_DATABASE, "expected chebi, uniprot, taxonomy or sbo", db);
    }
    return 0;
}

static int parse_row(const reader *r, char **f, annot_row *row)
{
    static const char *const qualifiers[] = {"sbo", "is", "isVersionOf", "hasPart", "hasTaxon", NULL};
    static const char *const organisms[] = {"any", "human", "rat", "mouse", NULL};
    const char *name;
    memset(row, 0, sizeof *row);
    row->sbo = -1;
    if (parse_kind(f[F_ELEMENT], &row->kind, &name) || strlen(name) >= sizeof row->element)
        return bad(r, F_ELEMENT, "expected compound:, state:, parameter:, compartment: or model: and a name",
                   f[F_ELEMENT]);
    if (!one_of(f[F_QUALIFIER], qualifiers))
        return bad(r, F_QUALIFIER, "expected sbo, is, isVersionOf, hasPart or hasTaxon", f[F_QUALIFIER]);
    if (name[0] == '*' && strcmp(f[F_QUALIFIER], "sbo") != 0)
        return bad(r, F_ELEMENT, "only SBO rows may name a pattern", f[F_ELEMENT]);
    if (!one_of(f[F_ORGANISM], organisms))
        return bad(r, F_ORGANISM, "expected any, human, rat or mouse", f[F_ORGANISM]);
    if (f[F_NAME][0] == '\0')
        return bad(r, F_NAME, "empty", f[F_NAME]);
    if (f[F_SOURCE][0] == '\0')
        return bad(r, F_SOURCE, "empty", f[F_SOURCE]);
    snprintf(row->element, sizeof row->element, "%s", name);
    snprintf(row->qualifier, sizeof row->qualifier, "%s", f[F_QUALIFIER]);
    snprintf(row->organism, sizeof row->organism, "%s", f[F_ORGANISM]);
    return parse_identifier(r, f, row);
}

static int check_header(const reader *r, char **f, int n)
{
    if (n != N_FIELDS)
        return KETSIM_FAIL(r->err, KETSIM_EINPUT, "%s line %zu: expected the header %s,%s,%s,%s,%s,%s,%s",
                           r->path, r->line, field_names[0], field_names[1], field_names[2],
                           field_names[3], field_names[4], field_names[5], field_names[6]);
    for (int k = 0; k < N_FIELDS; k++)
        if (strcmp(f[k], field_names[k]) != 0)
            return bad(r, k, "header column out of place", f[k]);
    return 0;
}

static int add_row(annot_table *t, size_t *cap, const annot_row *row, ketsim_error *err)
{
    if (t->n == *cap) {
        size_t c = *cap ? 2 * *cap : 32;
        annot_row *a = realloc(t->rows, c * sizeof *a);
        if (!a)
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
        t->rows = a, *cap = c;
    }
    t->rows[t->n++] = *row;
    return 0;
}

static int read_lines(FILE *fp, reader *r, annot_table *t)
{
    char *line = NULL, *f[N_FIELDS + 1];
    size_t len_cap = 0, cap = 0;
    ssize_t len;
    int rc = 0, header = 0;
    while (!rc && (len = getline(&line, &len_cap, fp)) >= 0) {
        r->line++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        int n = split(line, f, N_FIELDS + 1);
        if (!header) {
            rc = check_header(r, f, n);
            header = 1;
            continue;
        }
        if (n != N_FIELDS) {
            rc = n < 0 ? KETSIM_FAIL(r->err, KETSIM_EINPUT, "%s line %zu: broken quote", r->path, r->line)
                       : KETSIM_FAIL(r->err, KETSIM_EINPUT, "%s line %zu: expected %d fields, found %s%d",
                                     r->path, r->line, N_FIELDS, n > N_FIELDS ? "more than " : "",
                                     n > N_FIELDS ? N_FIELDS : n);
            break;
        }
        annot_row row;
        rc = parse_row(r, f, &row);
        if (!rc)
            rc = add_row(t, &cap, &row, r->err);
    }
    if (!rc && !header)
        rc = KETSIM_FAIL(r->err, KETSIM_EINPUT, "%s: no header line", r->path);
    free(line);
    return rc;
}

int annot_read(const char *path, annot_table *t, ketsim_error *err)
{
    reader r = {path, 0, err};
    t->rows = NULL;
    t->n = 0;
    FILE *fp = fopen(path, "r");
    if (!fp)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "cannot open the annotation table %s", path);
    int rc = read_lines(fp, &r, t);
    fclose(fp);
    if (rc)
        annot_free(t);
    return rc;
}

void annot_free(annot_table *t)
{
    free(t->rows);
    t->rows = NULL;
    t->n = 0;
}

int annot_matches(const annot_row *r, annot_kind kind, const char *name, const char *organism)
{
    if (r->kind != kind || (strcmp(r->organism, "any") != 0 && strcmp(r->organism, organism) != 0))
        return 0;
    if (r->element[0] != '*')
        return strcmp(r->element, name) == 0;
    size_t n = strlen(name), k = strlen(r->element + 1);
    return n >= k && strcmp(name + n - k, r->element + 1) == 0;
}

int annot_sbo(const annot_table *t, annot_kind kind, const char *name, const char *organism)
{
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; t && i < t->n; i++) {
            const annot_row *r = &t->rows[i];
            if (r->sbo >= 0 && (r->element[0] == '*') == pass && annot_matches(r, kind, name, organism))
                return r->sbo;
        }
    return -1;
}
