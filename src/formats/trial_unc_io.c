/* Per-replicate typical values in and out (docs/trial.md, "Parameter
 * uncertainty"): a population fit's fit.json read into the covariance of
 * its log THETAs, a user's table of parameter sets, and the values each
 * replicate used written beside the summary. */
#include "ketsim/formats.h"
#include "ketsim/trial.h"
#include "json_out.h"
#include "stream.h"
#include "trial_unc_out.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE 16384
#define MAX_ROWS 100000

static int json_number(const json_t *v, double *out)
{
    if (!json_is_number(v))
        return -1;
    *out = json_number_value(v);
    return isfinite(*out) ? 0 : -1;
}

/* THETA j of the covariance step's list (-1 if absent). */
static long cov_index(const json_t *names, const char *name)
{
    for (size_t i = 0; i < json_array_size(names); i++) {
        const char *s = json_string_value(json_array_get(names, i));
        if (s && strcmp(s, name) == 0)
            return (long)i;
    }
    return -1;
}

/* The THETAs of the model table (covariate effects, "PARAM~COV(kind)", are
 * not parameters of a trial's table and are left out). */
static int read_thetas(const char *path, const json_t *theta, ketsim_trial_uncertainty *u, ketsim_error *err)
{
    const char *name;
    const json_t *v;
    json_object_foreach((json_t *)theta, name, v)
    {
        if (strchr(name, '~'))
            continue;
        if (u->n == KETSIM_TRIAL_MAX_REP_PARAMS)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: more than %d THETAs", path, KETSIM_TRIAL_MAX_REP_PARAMS);
        if (strlen(name) >= sizeof u->name[0])
            return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: theta '%s': name too long", path, name);
        double est, se;
        if (json_number(json_object_get(v, "estimate"), &est) || !(est > 0))
            return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: theta.%s.estimate: expected a positive number", path, name);
        snprintf(u->name[u->n], sizeof u->name[0], "%s", name);
        u->estimate[u->n] = est;
        /* a THETA at a bound has no SE: it stays at its estimate */
        u->drawn[u->n] = json_number(json_object_get(v, "se"), &se) == 0 && se > 0;
        u->n++;
    }
    if (u->n == 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: no THETA of a model parameter", path);
    return KETSIM_OK;
}

/* cov(log a, log b) = corr(a, b) (se_a / a) (se_b / b): the fit reports the
 * natural-scale SEs and correlations that the delta method made from the
 * covariance of the log THETAs it estimated, and for THETAs that map is
 * diagonal, so the correlation is the same on both scales and the log-scale
 * SD is se / estimate. */
static int read_covariance(const char *path, const json_t *root, ketsim_trial_uncertainty *u, ketsim_error *err)
{
    const json_t *cs = json_object_get(root, "covariance_step");
    const json_t *ok = json_object_get(cs, "ok"), *names = json_object_get(cs, "names"),
                 *corr = json_object_get(cs, "correlation");
    if (!json_is_true(ok))
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "%s: the fit has no covariance (covariance_step.ok is not true); rerun ketsim fit with a "
                           "covariance step, or give --parameter-sets", path);
    if (!json_is_array(names) || !json_is_array(corr) || json_array_size(corr) != json_array_size(names))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: covariance_step: names and correlation missing or of different sizes", path);
    const json_t *theta = json_object_get(root, "theta");
    double lsd[KETSIM_TRIAL_MAX_REP_PARAMS];
    long idx[KETSIM_TRIAL_MAX_REP_PARAMS];
    size_t m = 0;
    for (size_t j = 0; j < u->n; j++) {
        if (!u->drawn[j])
            continue;
        double se = 0;
        json_number(json_object_get(json_object_get(theta, u->name[j]), "se"), &se);
        lsd[m] = se / u->estimate[j];
        if ((idx[m] = cov_index(names, u->name[j])) < 0)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: theta '%s' has an SE but is not in covariance_step.names", path,
                               u->name[j]);
        m++;
    }
    for (size_t a = 0; a < m; a++)
        for (size_t b = 0; b < m; b++) {
            double c;
            if (json_number(json_array_get(json_array_get(corr, (size_t)idx[a]), (size_t)idx[b]), &c))
                return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: covariance_step.correlation[%ld][%ld]: expected a number",
                                   path, idx[a], idx[b]);
            u->cov_log[a * m + b] = c * lsd[a] * lsd[b];
        }
    return KETSIM_OK;
}

int ketsim_trial_uncertainty_load(const char *path, ketsim_trial_uncertainty *u, ketsim_error *err)
{
    memset(u, 0, sizeof *u);
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%d: not a fit.json: %s", path, je.line, je.text);
    const json_t *theta = json_object_get(root, "theta");
    int rc = json_is_object(theta) ? read_thetas(path, theta, u, err)
                                   : KETSIM_FAIL(err, KETSIM_EINPUT, "%s: no 'theta' object (not a fit.json)", path);
    if (!rc)
        rc = read_covariance(path, root, u, err);
    json_decref(root);
    return rc;
}

/* Split a CSV line in place at commas (no quoting: names and numbers only). */
static size_t split(char *line, char **field, size_t max)
{
    size_t n = 0;
    char *p = line;
    line[strcspn(line, "\r\n")] = '\0';
    while (n < max) {
        field[n++] = p;
        char *c = strchr(p, ',');
        if (!c)
            break;
        *c = '\0';
        p = c + 1;
    }
    return n;
}

static int read_header(const char *path, char *line, ketsim_trial_rep_params *rp, int *skip_first, ketsim_error *err)
{
    char *f[KETSIM_TRIAL_MAX_REP_PARAMS + 2];
    size_t n = split(line, f, KETSIM_TRIAL_MAX_REP_PARAMS + 2);
    *skip_first = n > 0 && strcmp(f[0], "replicate") == 0; /* our own output reads back */
    for (size_t i = (size_t)*skip_first; i < n; i++) {
        if (rp->n_params == KETSIM_TRIAL_MAX_REP_PARAMS)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:1: more than %d parameters", path, KETSIM_TRIAL_MAX_REP_PARAMS);
        if (!f[i][0] || strlen(f[i]) >= sizeof rp->name[0])
            return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:1: column %zu: empty or too long a parameter name", path, i + 1);
        for (size_t j = 0; j < rp->n_params; j++)
            if (strcmp(rp->name[j], f[i]) == 0)
                return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:1: column '%s' given twice", path, f[i]);
        snprintf(rp->name[rp->n_params], sizeof rp->name[0], "%s", f[i]);
        rp->drawn[rp->n_params++] = 1;
    }
    if (rp->n_params == 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:1: no parameter columns", path);
    return KETSIM_OK;
}

static int read_row(const char *path, int line_no, char *line, ketsim_trial_rep_params *rp, int skip_first,
                    double *out, ketsim_error *err)
{
    char *f[KETSIM_TRIAL_MAX_REP_PARAMS + 2];
    size_t n = split(line, f, KETSIM_TRIAL_MAX_REP_PARAMS + 2);
    if (n != rp->n_params + (size_t)skip_first)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%d: %zu fields, the header has %zu", path, line_no, n,
                           rp->n_params + (size_t)skip_first);
    for (size_t j = 0; j < rp->n_params; j++) {
        const char *s = f[j + (size_t)skip_first];
        char *end;
        errno = 0;
        out[j] = strtod(s, &end);
        if (!s[0] || *end || errno || !isfinite(out[j]))
            return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%d: column '%s': expected a number, got '%s'", path, line_no,
                               rp->name[j], s);
    }
    return KETSIM_OK;
}

int ketsim_trial_param_sets_load(const char *path, ketsim_trial_rep_params *rp, ketsim_error *err)
{
    memset(rp, 0, sizeof *rp);
    snprintf(rp->source, sizeof rp->source, "parameter-sets");
    snprintf(rp->file, sizeof rp->file, "%s", path);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: cannot open: %s", path, strerror(errno));
    char *line = malloc(MAX_LINE);
    int rc = line ? KETSIM_OK : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    int line_no = 0, have_header = 0, skip_first = 0;
    size_t cap = 0;
    while (!rc && fgets(line, MAX_LINE, fp)) {
        line_no++;
        if (!strchr(line, '\n') && !feof(fp)) {
            rc = KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%d: line too long", path, line_no);
            break;
        }
        if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
            continue;
        if (!have_header) {
            rc = read_header(path, line, rp, &skip_first, err);
            have_header = 1;
            continue;
        }
        if (rp->n_rows == MAX_ROWS) {
            rc = KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%d: more than %d parameter sets", path, line_no, MAX_ROWS);
            break;
        }
        if (rp->n_rows == cap) {
            cap = cap ? 2 * cap : 64;
            double *v = realloc(rp->value, cap * rp->n_params * sizeof *v);
            if (!v) {
                rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
                break;
            }
            rp->value = v;
        }
        rc = read_row(path, line_no, line, rp, skip_first, rp->value + rp->n_rows * rp->n_params, err);
        if (!rc)
            rp->n_rows++;
    }
    if (!rc && !have_header)
        rc = KETSIM_FAIL(err, KETSIM_EINPUT, "%s: empty (a header of parameter names, then one row per replicate)", path);
    free(line);
    fclose(fp);
    if (rc)
        ketsim_trial_rep_params_free(rp);
    return rc;
}

int ketsim_trial_write_rep_params_csv(FILE *fp, const ketsim_trial_rep_params *rp, int replicates, ketsim_error *err)
{
    fputs("replicate", fp);
    for (size_t j = 0; j < rp->n_params; j++)
        fprintf(fp, ",%s", rp->name[j]);
    fputc('\n', fp);
    for (int r = 0; r < replicates && (size_t)r < rp->n_rows; r++) {
        fprintf(fp, "%d", r);
        for (size_t j = 0; j < rp->n_params; j++)
            fprintf(fp, ",%.17g", rp->value[(size_t)r * rp->n_params + j]); /* reads back exactly */
        fputc('\n', fp);
    }
    return formats_stream_status(fp, "the replicate parameters CSV", err);
}

void trial_out_rep_params(json_t *root, const ketsim_trial_scenario *sc, const ketsim_trial_run_opts *o, int *bad)
{
    if (sc->n_omega > 0) {
        json_t *om = fj_set_object(root, "omega", bad);
        for (size_t i = 0; om && i < sc->n_omega; i++) {
            json_t *row = fj_set_object(om, sc->omega_name[i], bad);
            for (size_t j = 0; row && j < sc->n_omega; j++)
                if (i == j || sc->omega_cov[i][j] != 0)
                    fj_set_num(row, sc->omega_name[j], sc->omega_cov[i][j], bad);
        }
    }
    const ketsim_trial_rep_params *rp = o->rep_params;
    if (!rp)
        return;
    json_t *jr = fj_set_object(root, "replicate_parameters", bad);
    if (!jr)
        return;
    fj_set_str(jr, "source", rp->source, bad);
    fj_set_str(jr, "file", rp->file, bad);
    char csv[KETSIM_TRIAL_NAME_MAX + 32];
    snprintf(csv, sizeof csv, "%s_replicate_parameters.csv", sc->name);
    fj_set_str(jr, "values_csv", csv, bad);
    json_t *drawn = fj_set_array(jr, "drawn", bad), *fixed = fj_set_array(jr, "fixed", bad);
    for (size_t j = 0; drawn && fixed && j < rp->n_params; j++)
        fj_push(rp->drawn[j] ? drawn : fixed, fj_str(rp->name[j]), bad);
}
