/* `fit --method foce-i|saem`: a population model from the options that
 * name its parameters, applied to an estimator. */
#include "ketsim/api.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPEC_MAX_NAMES 32

/* NUMBER with no trailing junk, finite; -1 otherwise. */
static int parse_double(const char *s, double *out)
{
    char *end;
    if (!s || !*s)
        return -1;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* Split a comma list into buf; names point into buf. */
static int split(const char *flag, const char *list, char *buf, size_t cap, const char **names, size_t *n,
                 ketsim_error *err)
{
    *n = 0;
    if (strlen(list) >= cap)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s list too long", flag);
    strcpy(buf, list);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (*n == SPEC_MAX_NAMES)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: at most %d names", flag, SPEC_MAX_NAMES);
        names[(*n)++] = tok;
    }
    if (*n == 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: empty list", flag);
    return KETSIM_OK;
}

typedef struct bound {
    char name[128];
    double lo, hi; /* NAN: the row's allowed range */
} bound;

static int parse_bound(const char *spec, bound *b, ketsim_error *err)
{
    const char *eq = strchr(spec, '='), *colon = eq ? strchr(eq, ':') : NULL;
    char l[64], h[64];
    if (!eq || !colon || (size_t)(eq - spec) >= sizeof b->name || (size_t)(colon - eq - 1) >= sizeof l ||
        strlen(colon + 1) >= sizeof h)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--bound '%s': expected NAME=LO:HI", spec);
    snprintf(b->name, sizeof b->name, "%.*s", (int)(eq - spec), spec);
    snprintf(l, sizeof l, "%.*s", (int)(colon - eq - 1), eq + 1);
    snprintf(h, sizeof h, "%s", colon + 1);
    if ((l[0] && parse_double(l, &b->lo)) || (h[0] && parse_double(h, &b->hi)))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--bound '%s': LO and HI must be numbers", spec);
    if (!l[0])
        b->lo = NAN;
    if (!h[0])
        b->hi = NAN;
    return KETSIM_OK;
}

/* THETAs with their bounds; every bound must name one of them. */
static int add_thetas(ketsim_popest *pe, const ketsim_popest_spec *spec, const bound *b, ketsim_error *err)
{
    char buf[4096];
    const char *names[SPEC_MAX_NAMES];
    size_t n = 0;
    int rc = spec->estimate ? split("--estimate", spec->estimate, buf, sizeof buf, names, &n, err) : KETSIM_OK;
    for (size_t i = 0; !rc && i < n; i++) {
        double lo = NAN, hi = NAN;
        for (size_t k = 0; k < spec->n_bounds; k++)
            if (strcmp(b[k].name, names[i]) == 0)
                lo = b[k].lo, hi = b[k].hi;
        rc = ketsim_popest_add_theta(pe, names[i], lo, hi, err);
    }
    for (size_t k = 0; !rc && k < spec->n_bounds; k++) {
        int found = 0;
        for (size_t i = 0; i < n; i++)
            found |= strcmp(b[k].name, names[i]) == 0;
        if (!found)
            rc = KETSIM_FAIL(err, KETSIM_EINPUT, "--bound: '%s' is not in --estimate", b[k].name);
    }
    return rc;
}

/* Whether NAME=... starts with exactly `name`. */
static int names_row(const char *assignment, const char *name)
{
    const char *eq = strchr(assignment, '=');
    return eq && (size_t)(eq - assignment) == strlen(name) && strncmp(assignment, name, strlen(name)) == 0;
}

/* ETAs with their start variances; every --omega must name one of them. */
static int add_etas(ketsim_popest *pe, const ketsim_popest_spec *spec, ketsim_error *err)
{
    char buf[4096];
    const char *names[SPEC_MAX_NAMES];
    size_t n = 0;
    if (!spec->eta)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--eta NAME[,NAME...] is required (the parameters with "
                                               "between-subject variability)");
    int rc = split("--eta", spec->eta, buf, sizeof buf, names, &n, err);
    for (size_t i = 0; !rc && i < n; i++) {
        double start = 0;
        for (size_t k = 0; k < spec->n_omegas; k++)
            if (names_row(spec->omegas[k], names[i]) &&
                (parse_double(strchr(spec->omegas[k], '=') + 1, &start) || !(start > 0)))
                return KETSIM_FAIL(err, KETSIM_EINPUT, "--omega '%s': expected NAME=VARIANCE (> 0)",
                                   spec->omegas[k]);
        rc = ketsim_popest_add_eta(pe, names[i], start, err);
    }
    for (size_t k = 0; !rc && k < spec->n_omegas; k++) {
        int found = 0;
        for (size_t i = 0; i < n; i++)
            found |= names_row(spec->omegas[k], names[i]);
        if (!found)
            rc = KETSIM_FAIL(err, KETSIM_EINPUT, "--omega '%s': expected NAME=VARIANCE with NAME in --eta",
                             spec->omegas[k]);
    }
    return rc;
}

static int add_blocks(ketsim_popest *pe, const ketsim_popest_spec *spec, ketsim_error *err)
{
    int rc = KETSIM_OK;
    for (size_t k = 0; !rc && k < spec->n_blocks; k++) {
        char buf[512];
        const char *names[SPEC_MAX_NAMES];
        size_t n;
        rc = split("--omega-block", spec->blocks[k], buf, sizeof buf, names, &n, err);
        if (!rc)
            rc = ketsim_popest_add_omega_block(pe, names, n, err);
    }
    return rc;
}

static int add_errors(ketsim_popest *pe, const ketsim_popest_spec *spec, ketsim_error *err)
{
    int rc = KETSIM_OK;
    for (size_t k = 0; !rc && k < spec->n_errors; k++) {
        char buf[256];
        snprintf(buf, sizeof buf, "%s", spec->errors[k]);
        char *eq = strchr(buf, '=');
        const char *model = eq ? eq + 1 : buf;
        if (eq)
            *eq = 0;
        ketsim_fit_errmodel em;
        if (ketsim_fit_errmodel_parse(model, &em, err))
            return KETSIM_FAIL(err, KETSIM_EINPUT, "--error '%s': expected additive, proportional or combined",
                               spec->errors[k]);
        rc = ketsim_popest_set_error(pe, eq ? buf : NULL, em, 0, 0, err);
    }
    return rc;
}

static int add_covariates(ketsim_popest *pe, const ketsim_popest_spec *spec, ketsim_error *err)
{
    int rc = KETSIM_OK;
    for (size_t k = 0; !rc && k < spec->n_covariates; k++) {
        char buf[256], *part[4] = {0};
        size_t np = 0;
        snprintf(buf, sizeof buf, "%s", spec->covariates[k]);
        char *save = NULL;
        for (char *tok = strtok_r(buf, ":", &save); tok && np < 4; tok = strtok_r(NULL, ":", &save))
            part[np++] = tok;
        ketsim_popest_covkind kind;
        double start = 0;
        if (np < 3 || ketsim_popest_covkind_parse(part[2], &kind, err) || (np == 4 && parse_double(part[3], &start)))
            return KETSIM_FAIL(err, KETSIM_EINPUT,
                               "--covariate '%s': expected NAME:COVARIATE:power|exponential|linear|categorical[:START]",
                               spec->covariates[k]);
        rc = ketsim_popest_add_covariate(pe, part[0], part[1], kind, start, err);
    }
    return rc;
}

int ketsim_popest_configure(ketsim_popest *pe, const ketsim_popest_spec *spec, ketsim_error *err)
{
    bound *b = calloc(spec->n_bounds ? spec->n_bounds : 1, sizeof *b);
    if (!b)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    int rc = KETSIM_OK;
    for (size_t k = 0; !rc && k < spec->n_bounds; k++)
        rc = parse_bound(spec->bounds[k], &b[k], err);
    if (!rc)
        rc = add_thetas(pe, spec, b, err);
    free(b);
    if (!rc)
        rc = add_etas(pe, spec, err);
    if (!rc)
        rc = add_blocks(pe, spec, err);
    if (!rc)
        rc = add_errors(pe, spec, err);
    if (!rc)
        rc = add_covariates(pe, spec, err);
    return rc;
}

int ketsim_popest_open(const ketsim_setup *s, const ketsim_events *ev, ketsim_popest_method method,
                       const ketsim_popest_options *opts, const ketsim_popest_spec *spec, ketsim_popest **out,
                       ketsim_error *err)
{
    int rc = ketsim_popest_create(s->params, s->catalog, s->drug, s->weight_kg, ev, out, err);
    if (!rc)
        rc = ketsim_popest_set_method(*out, method, err);
    if (!rc)
        rc = ketsim_popest_set_options(*out, opts, err);
    if (!rc)
        rc = ketsim_popest_configure(*out, spec, err);
    if (rc && *out) {
        ketsim_popest_free(*out);
        *out = NULL;
    }
    return rc;
}
