/* Reader for the fit data set (see fitdata.h).  Small on purpose: comma
 * separated, no quoting, '#' comment lines and blank lines skipped, '.' or an
 * empty field where a value does not apply (DV on a dose row, AMT on an
 * observation row). */
#include "fitdata.h"
#include "ketsim/model.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { C_ID, C_TIME, C_AMT, C_RATE, C_CMT, C_EVID, C_DV, C_OUTPUT, N_COLS };
static const char *const col_names[N_COLS] = {"ID", "TIME", "AMT", "RATE", "CMT", "EVID", "DV", "OUTPUT"};

#define MAX_FIELDS 64
#define LINE_MAX_LEN 4096

typedef struct reader {
    const char *path;
    int lineno;
    int col[N_COLS];   /* field index of each required column */
    char *field[MAX_FIELDS];
    size_t n_fields;
} reader;

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

static int split(reader *r, char *line, ketsim_error *err)
{
    r->n_fields = 0;
    char *p = line;
    for (;;) {
        if (r->n_fields == MAX_FIELDS)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%d: more than %d columns", r->path, r->lineno, MAX_FIELDS);
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        r->field[r->n_fields++] = trim(p);
        if (!comma)
            return KETSIM_OK;
        p = comma + 1;
    }
}

static int parse_header(reader *r, ketsim_error *err)
{
    for (int c = 0; c < N_COLS; c++) {
        r->col[c] = -1;
        for (size_t i = 0; i < r->n_fields; i++)
            if (strcasecmp(r->field[i], col_names[c]) == 0)
                r->col[c] = (int)i;
        if (r->col[c] < 0)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%d: missing column %s (need ID,TIME,AMT,RATE,CMT,EVID,DV,OUTPUT)",
                               r->path, r->lineno, col_names[c]);
    }
    return KETSIM_OK;
}

static const char *field(const reader *r, int c)
{
    return (size_t)r->col[c] < r->n_fields ? r->field[r->col[c]] : "";
}

/* A number in column c; the message names line and column. */
static int number(const reader *r, int c, double *v, ketsim_error *err)
{
    const char *s = field(r, c);
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    if (!*s || *end || errno || !isfinite(*v))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%d: column %s (%d): '%s' is not a number", r->path, r->lineno,
                           col_names[c], r->col[c] + 1, s);
    return KETSIM_OK;
}

static int fail_value(const reader *r, int c, const char *why, ketsim_error *err)
{
    return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%d: column %s (%d): '%s': %s", r->path, r->lineno, col_names[c],
                       r->col[c] + 1, field(r, c), why);
}

static int add_subject(fit_data *d, const char *id, ketsim_error *err)
{
    if (d->n_subj == d->cap_subj) {
        size_t cap = d->cap_subj ? 2 * d->cap_subj : 8;
        fit_subject *a = realloc(d->subj, cap * sizeof *a);
        if (!a)
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
        d->subj = a;
        d->cap_subj = cap;
    }
    fit_subject *s = &d->subj[d->n_subj];
    memset(s, 0, sizeof *s);
    snprintf(s->id, sizeof s->id, "%s", id);
    int rc = ketsim_regimen_create(&s->reg, err);
    if (!rc)
        d->n_subj++;
    return rc;
}

static int dose_row(const reader *r, fit_subject *s, double t, ketsim_error *err)
{
    static const ketsim_route cmt_route[] = {KETSIM_ROUTE_IV, KETSIM_ROUTE_PO, KETSIM_ROUTE_IN,
                                             KETSIM_ROUTE_IM, KETSIM_ROUTE_SC, KETSIM_ROUTE_IP};
    double amt, rate, cmt;
    int rc = number(r, C_AMT, &amt, err);
    if (!rc && !(amt > 0))
        rc = fail_value(r, C_AMT, "a dose needs AMT > 0 (mg)", err);
    if (!rc) {
        const char *rs = field(r, C_RATE);
        rate = 0;
        if (*rs && strcmp(rs, ".") != 0)
            rc = number(r, C_RATE, &rate, err);
    }
    if (!rc && rate < 0)
        rc = fail_value(r, C_RATE, "RATE must be 0 (bolus) or a rate in mg/h", err);
    if (!rc)
        rc = number(r, C_CMT, &cmt, err);
    if (!rc && !(cmt >= 1 && cmt <= 6 && cmt == floor(cmt)))
        rc = fail_value(r, C_CMT, "CMT must be 1 (iv), 2 (po), 3 (in), 4 (im), 5 (sc) or 6 (ip)", err);
    if (rc)
        return rc;
    ketsim_dose d = {.route = cmt_route[(int)cmt - 1], .amount = amt, .time_h = t,
                     .duration_h = rate > 0 ? amt / rate : 0};
    return ketsim_regimen_add(s->reg, &d, err);
}

static int obs_row(const reader *r, fit_subject *s, double t, ketsim_error *err)
{
    double dv;
    int rc = number(r, C_DV, &dv, err);
    if (rc)
        return rc;
    long k = ketsim_output_index(field(r, C_OUTPUT));
    if (k <= 0) /* 0 is time_h: not a measurement */
        return fail_value(r, C_OUTPUT, "unknown output (see ketsim outputs)", err);
    if (s->n_obs == s->cap_obs) {
        size_t cap = s->cap_obs ? 2 * s->cap_obs : 16;
        fit_obs *a = realloc(s->obs, cap * sizeof *a);
        if (!a)
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
        s->obs = a;
        s->cap_obs = cap;
    }
    s->obs[s->n_obs++] = (fit_obs){.time_h = t, .dv = dv, .output = (size_t)k};
    return KETSIM_OK;
}

static int subject_for_row(const reader *r, fit_data *d, fit_subject **s, double *last_t, ketsim_error *err)
{
    const char *id = field(r, C_ID);
    if (!*id || strcmp(id, ".") == 0)
        return fail_value(r, C_ID, "empty ID", err);
    if (d->n_subj && strcmp(d->subj[d->n_subj - 1].id, id) == 0) {
        *s = &d->subj[d->n_subj - 1];
        return KETSIM_OK;
    }
    for (size_t i = 0; i < d->n_subj; i++)
        if (strcmp(d->subj[i].id, id) == 0)
            return fail_value(r, C_ID, "this ID's rows are not contiguous", err);
    if (strlen(id) >= sizeof d->subj[0].id)
        return fail_value(r, C_ID, "ID too long", err);
    int rc = add_subject(d, id, err);
    *s = &d->subj[d->n_subj - 1];
    *last_t = -INFINITY;
    return rc;
}

static int data_row(const reader *r, fit_data *d, double *last_t, ketsim_error *err)
{
    fit_subject *s = NULL;
    int rc = subject_for_row(r, d, &s, last_t, err);
    double t, evid;
    if (!rc)
        rc = number(r, C_TIME, &t, err);
    if (!rc && t < 0)
        rc = fail_value(r, C_TIME, "TIME must be >= 0 (h)", err);
    if (!rc && t < *last_t)
        rc = fail_value(r, C_TIME, "time earlier than the previous row of this ID (times must not decrease)", err);
    if (!rc)
        rc = number(r, C_EVID, &evid, err);
    if (rc)
        return rc;
    *last_t = t;
    if (evid == 1)
        return dose_row(r, s, t, err);
    if (evid == 0)
        return obs_row(r, s, t, err);
    return fail_value(r, C_EVID, "EVID must be 0 (observation) or 1 (dose)", err);
}

/* Distinct observation times per subject (rows are in time order already). */
static int index_times(fit_data *d, ketsim_error *err)
{
    d->n_obs = 0;
    for (size_t i = 0; i < d->n_subj; i++) {
        fit_subject *s = &d->subj[i];
        s->times = malloc((s->n_obs ? s->n_obs : 1) * sizeof *s->times);
        if (!s->times)
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
        for (size_t j = 0; j < s->n_obs; j++) {
            if (s->n_times == 0 || s->times[s->n_times - 1] != s->obs[j].time_h)
                s->times[s->n_times++] = s->obs[j].time_h;
            s->obs[j].time_idx = s->n_times - 1;
        }
        d->n_obs += s->n_obs;
    }
    return KETSIM_OK;
}

static int read_all(FILE *f, reader *r, fit_data *d, ketsim_error *err)
{
    char line[LINE_MAX_LEN];
    int have_header = 0, rc = KETSIM_OK;
    double last_t = -INFINITY;
    while (!rc && fgets(line, sizeof line, f)) {
        r->lineno++;
        if (strlen(line) == sizeof line - 1 && line[sizeof line - 2] != '\n')
            return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%d: line too long", r->path, r->lineno);
        char *s = trim(line);
        if (!*s || *s == '#')
            continue;
        rc = split(r, s, err);
        if (!rc && !have_header) {
            rc = parse_header(r, err);
            have_header = 1;
        } else if (!rc) {
            rc = data_row(r, d, &last_t, err);
        }
    }
    if (!rc && !have_header)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: empty file (no header line)", r->path);
    if (!rc && d->n_subj == 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: no data rows", r->path);
    return rc;
}

int fitdata_load(const char *path, fit_data **out, ketsim_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "r");
    if (!f)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: cannot open data file: %s", path, strerror(errno));
    fit_data *d = calloc(1, sizeof *d);
    reader r = {.path = path};
    int rc = d ? read_all(f, &r, d, err) : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    fclose(f);
    if (!rc)
        rc = index_times(d, err);
    if (!rc && d->n_obs == 0)
        rc = KETSIM_FAIL(err, KETSIM_EINPUT, "%s: no observation rows (EVID 0)", path);
    if (rc) {
        fitdata_free(d);
        return rc;
    }
    *out = d;
    return KETSIM_OK;
}

void fitdata_free(fit_data *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n_subj; i++) {
        ketsim_regimen_free(d->subj[i].reg);
        free(d->subj[i].obs);
        free(d->subj[i].times);
    }
    free(d->subj);
    free(d);
}
