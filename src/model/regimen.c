/* Doses, regimens and the dose-spec grammar. */
#include "ketsim/regimen.h"
#include "model_impl.h"
#include "ketsim/units.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *ketsim_route_name(ketsim_route r)
{
    const route_def *d = route_get(r);
    return d ? d->name : "?";
}

int ketsim_route_cmt(ketsim_route r)
{
    const route_def *d = route_get(r);
    return d ? d->cmt : 0;
}

int ketsim_route_from_cmt(long cmt, ketsim_route *out)
{
    for (int i = 0; i < KETSIM_N_ROUTES; i++)
        if (route_get((ketsim_route)i)->cmt == cmt) {
            *out = (ketsim_route)i;
            return 0;
        }
    return -1;
}

int ketsim_route_parse(const char *s, ketsim_route *out, ketsim_error *err)
{
    for (int i = 0; i < KETSIM_N_ROUTES; i++)
        if (strcmp(s, route_get((ketsim_route)i)->name) == 0) {
            *out = (ketsim_route)i;
            return KETSIM_OK;
        }
    return KETSIM_FAIL(err, KETSIM_EINPUT, "unknown route '%s' (expected iv, in, po, im, sc, ip or icv)", s);
}

static int parse_amount(const char *s, double *mg, int *per_kg, ketsim_error *err)
{
    static const struct { const char *unit; double mg; int per_kg; } units[] = {
        {"mg", 1, 0}, {"ug", 1e-3, 0}, {"g", 1e3, 0},
        {"mg/kg", 1, 1}, {"ug/kg", 1e-3, 1},
    };
    double v;
    const char *unit;
    if (ketsim_number_prefix(s, &v, &unit))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "'%s' is not an amount (e.g. 35mg, 0.5mg/kg)", s);
    for (size_t i = 0; i < sizeof units / sizeof *units; i++)
        if (strcmp(unit, units[i].unit) == 0) {
            *mg = v * units[i].mg;
            *per_kg = units[i].per_kg;
            if (*mg <= 0)
                return KETSIM_FAIL(err, KETSIM_EINPUT, "amount '%s' must be positive", s);
            if (*mg > (*per_kg ? 1e4 : 1e6))
                return KETSIM_FAIL(err, KETSIM_EINPUT, "amount '%s' is implausibly large", s);
            return KETSIM_OK;
        }
    return KETSIM_FAIL(err, KETSIM_EINPUT, "amount '%s': unit must be mg, ug, g, mg/kg or ug/kg", s);
}

int ketsim_dose_parse(const char *spec, ketsim_dose *out, ketsim_error *err)
{
    char buf[256];
    if (strlen(spec) >= sizeof buf)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "dose spec too long");
    memset(out, 0, sizeof *out);
    /* Optional DRUG/ prefix: a slash before the first ':' names the drug. */
    const char *colon = strchr(spec, ':'), *slash = strchr(spec, '/');
    if (slash && (!colon || slash < colon)) {
        size_t n = (size_t)(slash - spec);
        if (n == 0 || n >= sizeof out->drug)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "dose '%s': bad drug name before '/'", spec);
        memcpy(out->drug, spec, n);
        out->drug[n] = '\0';
        spec = slash + 1;
    }
    strcpy(buf, spec);
    ketsim_error e;
    char *at = strchr(buf, '@');
    if (at) {
        *at = '\0';
        if (ketsim_duration_parse(at + 1, &out->time_h, &e))
            return KETSIM_FAIL(err, KETSIM_EINPUT, "dose '%s': time %s", spec, e.msg);
        if (out->time_h < 0)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "dose '%s': time must not be negative", spec);
    }
    /* Split on ':' keeping empty fields, so "iv::40min" is an error, not a bolus. */
    char *parts[4] = {buf};
    int n = 1;
    for (char *c = buf; *c; c++)
        if (*c == ':') {
            *c = '\0';
            if (n == 4)
                break;
            parts[n++] = c + 1;
        }
    if (n < 2 || n > 3)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "dose '%s': expected ROUTE:AMOUNT[:DURATION][@TIME]", spec);
    if (ketsim_route_parse(parts[0], &out->route, &e))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "dose '%s': %s", spec, e.msg);
    if (parse_amount(parts[1], &out->amount, &out->per_kg, &e))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "dose '%s': %s", spec, e.msg);
    if (n == 3) {
        if (ketsim_duration_parse(parts[2], &out->duration_h, &e))
            return KETSIM_FAIL(err, KETSIM_EINPUT, "dose '%s': duration %s", spec, e.msg);
        if (!(out->duration_h > 0))
            return KETSIM_FAIL(err, KETSIM_EINPUT, "dose '%s': duration must be positive (omit it for a bolus)", spec);
    }
    if (out->time_h > 24 * 3650 || out->duration_h > 24 * 3650)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "dose '%s': times beyond 10 years are not supported", spec);
    return KETSIM_OK;
}

struct ketsim_regimen {
    ketsim_dose *doses;
    size_t n, cap;
    double *resets;
    size_t n_resets, cap_resets;
};

int ketsim_regimen_create(ketsim_regimen **out, ketsim_error *err)
{
    *out = calloc(1, sizeof **out);
    return *out ? KETSIM_OK : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
}

void ketsim_regimen_free(ketsim_regimen *r)
{
    if (!r)
        return;
    free(r->doses);
    free(r->resets);
    free(r);
}

int ketsim_regimen_add(ketsim_regimen *r, const ketsim_dose *d, ketsim_error *err)
{
    if (!(d->amount > 0) || !isfinite(d->amount))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "dose amount must be positive and finite");
    if (!(d->duration_h >= 0) || !(d->time_h >= 0) || !isfinite(d->time_h) || !isfinite(d->duration_h))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "dose time and duration must be finite and not negative");
    if (d->route < 0 || d->route >= KETSIM_N_ROUTES)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "invalid route");
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 8;
        ketsim_dose *a = realloc(r->doses, cap * sizeof *a);
        if (!a)
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
        r->doses = a;
        r->cap = cap;
    }
    r->doses[r->n++] = *d;
    return KETSIM_OK;
}

size_t ketsim_regimen_count(const ketsim_regimen *r) { return r->n; }

const ketsim_dose *ketsim_regimen_dose(const ketsim_regimen *r, size_t i)
{
    return i < r->n ? &r->doses[i] : NULL;
}

void ketsim_regimen_clear(ketsim_regimen *r) { r->n = r->n_resets = 0; }

int ketsim_regimen_add_reset(ketsim_regimen *r, double time_h, ketsim_error *err)
{
    if (!(time_h >= 0) || !isfinite(time_h))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "reset time must be finite and not negative");
    if (r->n_resets && time_h < r->resets[r->n_resets - 1])
        return KETSIM_FAIL(err, KETSIM_EINPUT, "resets must be added in time order");
    if (r->n_resets == r->cap_resets) {
        size_t cap = r->cap_resets ? 2 * r->cap_resets : 4;
        double *a = realloc(r->resets, cap * sizeof *a);
        if (!a)
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
        r->resets = a;
        r->cap_resets = cap;
    }
    r->resets[r->n_resets++] = time_h;
    return KETSIM_OK;
}

size_t ketsim_regimen_n_resets(const ketsim_regimen *r) { return r->n_resets; }
double ketsim_regimen_reset_time(const ketsim_regimen *r, size_t i) { return r->resets[i]; }
