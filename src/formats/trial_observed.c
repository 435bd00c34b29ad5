/* trial --observed FILE: published arm means (ketsim_trial_observed_read). */
#include "ketsim/formats.h"
#include "util/csv.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BAD(...) KETSIM_FAIL(err, KETSIM_EINPUT, __VA_ARGS__)

enum { C_ARM, C_TIME, C_MEAN, C_SE, C_SOURCE, N_KNOWN };
static const char *const known[N_KNOWN] = {"arm", "time_h", "madrs_mean", "madrs_se", "source"};
#define MAX_COLS 16

typedef struct obs_reader {
    const char *path;
    const ketsim_trial_scenario *sc;
    int col[N_KNOWN];               /* field index of each known column, -1 absent */
    int n_cols;
    long header_line;               /* 0 until the header is read */
} obs_reader;

static int read_header(obs_reader *r, char *line, ketsim_error *err)
{
    char *f[MAX_COLS + 1];
    r->n_cols = csv_split(line, f, MAX_COLS + 1);
    if (r->n_cols < 0)
        return BAD("%s:%ld: a broken quote or more than %d columns", r->path, r->header_line, MAX_COLS);
    for (int k = 0; k < N_KNOWN; k++)
        r->col[k] = -1;
    for (int i = 0; i < r->n_cols; i++) {
        int k = 0;
        while (k < N_KNOWN && strcmp(f[i], known[k]))
            k++;
        if (k == N_KNOWN)
            return BAD("%s:%ld: column '%s': not one of arm, time_h, madrs_mean, madrs_se, source", r->path,
                       r->header_line, f[i]);
        if (r->col[k] >= 0)
            return BAD("%s:%ld: column '%s' given twice", r->path, r->header_line, f[i]);
        r->col[k] = i;
    }
    for (int k = 0; k < C_SE; k++)
        if (r->col[k] < 0)
            return BAD("%s:%ld: the column '%s' is missing (arm, time_h and madrs_mean are required)", r->path,
                       r->header_line, known[k]);
    return KETSIM_OK;
}

static int number(const obs_reader *r, long line, int k, const char *text, double lo, double hi, double *out,
                  ketsim_error *err)
{
    char *end;
    *out = strtod(text, &end);
    if (end == text || *end || !isfinite(*out))
        return BAD("%s:%ld: column '%s': '%s' is not a number", r->path, line, known[k], text);
    if (*out < lo || *out > hi)
        return BAD("%s:%ld: column '%s': %g is outside [%g, %g]", r->path, line, known[k], *out, lo, hi);
    return KETSIM_OK;
}

static int read_row(const obs_reader *r, long line, char *text, ketsim_trial_observed_point *pt, ketsim_error *err)
{
    char *f[MAX_COLS + 1];
    int n = csv_split(text, f, MAX_COLS + 1);
    if (n < 0)
        return BAD("%s:%ld: a broken quote or more than %d columns", r->path, line, MAX_COLS);
    if (n != r->n_cols)
        return BAD("%s:%ld: expected %d columns, got %d", r->path, line, r->n_cols, n);
    const char *arm = f[r->col[C_ARM]];
    pt->arm = 0;
    while (pt->arm < r->sc->n_arms && strcmp(r->sc->arms[pt->arm].name, arm))
        pt->arm++;
    if (pt->arm == r->sc->n_arms)
        return BAD("%s:%ld: column 'arm': '%s' is not an arm of %s", r->path, line, arm, r->sc->name);
    int rc = number(r, line, C_TIME, f[r->col[C_TIME]], 0, 1e6, &pt->time_h, err);
    if (!rc)
        rc = number(r, line, C_MEAN, f[r->col[C_MEAN]], 0, 60, &pt->madrs, err);
    pt->se = NAN;
    if (!rc && r->col[C_SE] >= 0 && f[r->col[C_SE]][0])
        rc = number(r, line, C_SE, f[r->col[C_SE]], 0, 60, &pt->se, err);
    return rc;
}

static int read_lines(obs_reader *r, FILE *fp, ketsim_trial_observed *out, ketsim_error *err)
{
    char *line = NULL;
    size_t cap = 0, max = 0;
    long lineno = 0;
    int got = 0, rc = KETSIM_OK;
    while (!rc && !(rc = csv_next_line(fp, r->path, &line, &cap, &lineno, &got, err)) && got) {
        if (!line[0] || line[0] == '#')
            continue;
        if (!r->header_line) {
            r->header_line = lineno;
            rc = read_header(r, line, err);
            continue;
        }
        if (out->n == max) {
            max = max ? 2 * max : 16;
            ketsim_trial_observed_point *grown = realloc(out->pt, max * sizeof *grown);
            if (!grown) {
                rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
                break;
            }
            out->pt = grown;
        }
        rc = read_row(r, lineno, line, &out->pt[out->n], err);
        out->n += !rc;
    }
    free(line);
    if (!rc && !r->header_line)
        rc = BAD("%s: empty file (expected a header arm,time_h,madrs_mean)", r->path);
    return rc;
}

int ketsim_trial_observed_read(const char *path, const ketsim_trial_scenario *sc, ketsim_trial_observed *out,
                               ketsim_error *err)
{
    memset(out, 0, sizeof *out);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return KETSIM_FAIL(err, KETSIM_EIO, "%s: cannot open: %s", path, strerror(errno));
    obs_reader r = {.path = path, .sc = sc};
    int rc = read_lines(&r, fp, out, err);
    fclose(fp);
    if (rc)
        ketsim_trial_observed_free(out);
    return rc;
}

void ketsim_trial_observed_free(ketsim_trial_observed *o)
{
    if (!o)
        return;
    free(o->pt);
    o->pt = NULL, o->n = 0;
}
