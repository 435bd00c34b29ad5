/* Reading the targets table (data/targets.csv; docs/validation.md says what
 * every column means).  CSV with RFC 4180 quoting, one target per line, '#'
 * lines and blank lines skipped; lines of any length (getline), so a long
 * row is never cut into two. */
#include "util/csv.h"
#include "ketsim/formats.h"
#include "ketsim/units.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { F_ID, F_QUANTITY, F_SPECIES, F_DRUG, F_DOSES, F_UNTIL, F_SET, F_STAT, F_LIT, F_LOWER, F_UPPER, F_WINDOW,
       F_SOURCE, F_ROLE, F_TABLE, N_COLS };
static const char *const columns[N_COLS] = {"id", "quantity", "species", "drug", "doses", "until", "set",
                                            "statistic", "literature", "lower", "upper", "window", "source",
                                            "role", "table"};

#define BAD(...) KETSIM_FAIL(err, KETSIM_EINPUT, __VA_ARGS__)

static int copy_field(char *dst, size_t size, const char *src, const char *path, long line, int col,
                      ketsim_error *err)
{
    if (strlen(src) >= size)
        return BAD("%s:%ld: column '%s': longer than %zu characters", path, line, columns[col], size - 1);
    memcpy(dst, src, strlen(src) + 1);
    return KETSIM_OK;
}

static int bound(const char *s, double dflt, double *out, const char *path, long line, int col, ketsim_error *err)
{
    if (!*s) {
        *out = dflt;
        return KETSIM_OK;
    }
    if (ketsim_number_parse(s, out))
        return BAD("%s:%ld: column '%s': '%s' is not a number (leave it empty for no bound)", path, line,
                   columns[col], s);
    return KETSIM_OK;
}

static int parse_row(char **f, const char *path, long line, ketsim_target_spec *t, ketsim_error *err)
{
    memset(t, 0, sizeof *t);
    snprintf(t->file, sizeof t->file, "%s", path);
    t->line = line;
    struct { char *dst; size_t size; int col; } text[] = {
        {t->id, sizeof t->id, F_ID},           {t->quantity, sizeof t->quantity, F_QUANTITY},
        {t->species, sizeof t->species, F_SPECIES}, {t->drug, sizeof t->drug, F_DRUG},
        {t->doses, sizeof t->doses, F_DOSES},  {t->sets, sizeof t->sets, F_SET},
        {t->statistic, sizeof t->statistic, F_STAT}, {t->literature, sizeof t->literature, F_LIT},
        {t->window, sizeof t->window, F_WINDOW}, {t->source, sizeof t->source, F_SOURCE},
        {t->table, sizeof t->table, F_TABLE},
    };
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++) {
        int rc = copy_field(text[i].dst, text[i].size, f[text[i].col], path, line, text[i].col, err);
        if (rc)
            return rc;
    }
    ketsim_error e;
    t->until_h = 0;
    if (f[F_UNTIL][0] && (ketsim_duration_parse(f[F_UNTIL], &t->until_h, &e) || !(t->until_h > 0)))
        return BAD("%s:%ld: column 'until': '%s' is not a positive duration", path, line, f[F_UNTIL]);
    int rc = bound(f[F_LOWER], -INFINITY, &t->lower, path, line, F_LOWER, err);
    if (!rc)
        rc = bound(f[F_UPPER], INFINITY, &t->upper, path, line, F_UPPER, err);
    if (rc)
        return rc;
    if (strcmp(f[F_ROLE], "calibration") == 0)
        t->role = KETSIM_ROLE_CALIBRATION;
    else if (strcmp(f[F_ROLE], "check") == 0)
        t->role = KETSIM_ROLE_CHECK;
    else
        return BAD("%s:%ld: column 'role' must be calibration or check, got '%s'", path, line, f[F_ROLE]);
    if (t->table[0] && strcmp(t->table, "1") && strcmp(t->table, "1s") && strcmp(t->table, "2"))
        return BAD("%s:%ld: column 'table' must be empty, 1, 1s or 2, got '%s'", path, line, t->table);
    return KETSIM_OK;
}

static int check_header(char *line, const char *path, ketsim_error *err)
{
    char *f[N_COLS + 1];
    int n = csv_split(line, f, N_COLS + 1);
    if (n != N_COLS)
        return BAD("%s:1: expected the %d columns id,quantity,...,role,table, got %d", path, N_COLS, n);
    for (int i = 0; i < N_COLS; i++)
        if (strcmp(f[i], columns[i]) != 0)
            return BAD("%s:1: column %d must be '%s', got '%s'", path, i + 1, columns[i], f[i]);
    return KETSIM_OK;
}

static int read_rows(FILE *fp, const char *path, ketsim_validation *v, ketsim_error *err)
{
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    int got = 0, rc = KETSIM_OK;
    while (!rc && !(rc = csv_next_line(fp, path, &line, &cap, &lineno, &got, err)) && got) {
        if (lineno == 1) {
            rc = check_header(line, path, err);
            continue;
        }
        if (!line[0] || line[0] == '#')
            continue;
        char *f[N_COLS + 1];
        int n = csv_split(line, f, N_COLS + 1);
        ketsim_target_spec t;
        if (n != N_COLS)
            rc = BAD("%s:%ld: expected %d columns, got %s", path, lineno, N_COLS,
                     n < 0 ? "a broken quote or too many" : "fewer");
        else if (!(rc = parse_row(f, path, lineno, &t, err)))
            rc = ketsim_validation_add(v, &t, err);
    }
    free(line);
    if (!rc && lineno == 0)
        rc = BAD("%s: empty targets file", path);
    return rc;
}

int ketsim_targets_read(const char *path, const ketsim_params *base, ketsim_validation **out, ketsim_error *err)
{
    *out = NULL;
    FILE *fp = fopen(path, "r");
    if (!fp)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: cannot open targets file: %s", path, strerror(errno));
    ketsim_validation *v = NULL;
    int rc = ketsim_validation_create(path, base, &v, err);
    if (!rc)
        rc = read_rows(fp, path, v, err);
    fclose(fp);
    if (!rc)
        rc = ketsim_validation_finish(v, err);
    if (rc) {
        ketsim_validation_free(v);
        return rc;
    }
    ketsim_validation_set_scenario_loader(v, ketsim_formats_scenario_loader, NULL);
    *out = v;
    return KETSIM_OK;
}
