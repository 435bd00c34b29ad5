/* Routes of administration as a table: where a dose goes (a depot, plasma,
 * the brain), which parameters govern it, and the function that turns a dose
 * into inputs.  Adding a route is adding a row here, its depot below if it
 * has one, and its parameter rows to param_table.c.
 *
 * Route parameters are rows route.ROUTE.FIELD; a compound may have its own,
 * COMPOUND.route.ROUTE.FIELD (from a drug file), which then replaces the
 * route's row for that compound only: esketamine's oral bioavailability need
 * not be racemic ketamine's. */
#include "dosing.h"
#include "model_impl.h"

#include <stdio.h>
#include <string.h>

/* Depots: first-order absorption with bioavailability and first pass.  f and
 * first_pass are NULL where the depot has none (the nasal depot: its share is
 * split off when the dose is given). */
static const struct {
    const char *name, *prefix, *ka, *f, *first_pass;
} depots[N_DEPOTS] = {
    [DEPOT_NASAL] = {"nasal", "route.in", "ka_per_h", NULL, NULL},
    [DEPOT_GUT] = {"gut", "route.po", "ka_per_h", "f", "first_pass_to_metabolite"},
    [DEPOT_IM] = {"im", "route.im", "ka_per_h", "f", NULL},
    [DEPOT_SC] = {"sc", "route.sc", "ka_per_h", "f", NULL},
    [DEPOT_IP] = {"ip", "route.ip", "ka_per_h", "f", "first_pass_to_metabolite"},
};

static int deliver_central(const model_compound *c, const ketsim_dose *d, double mg, dose_inputs *in,
                           ketsim_error *err);
static int deliver_depot(const model_compound *c, const ketsim_dose *d, double mg, dose_inputs *in,
                         ketsim_error *err);
static int deliver_nasal(const model_compound *c, const ketsim_dose *d, double mg, dose_inputs *in,
                         ketsim_error *err);
static int deliver_brain(const model_compound *c, const ketsim_dose *d, double mg, dose_inputs *in,
                         ketsim_error *err);

static const route_def routes[KETSIM_N_ROUTES] = {
    [KETSIM_ROUTE_IV] = {"iv", 1, -1, NULL, deliver_central},
    [KETSIM_ROUTE_IN] = {"in", 3, DEPOT_NASAL, NULL, deliver_nasal},
    [KETSIM_ROUTE_PO] = {"po", 2, DEPOT_GUT, "route.po.lag_h", deliver_depot},
    [KETSIM_ROUTE_IM] = {"im", 4, DEPOT_IM, "route.im.lag_h", deliver_depot},
    [KETSIM_ROUTE_SC] = {"sc", 5, DEPOT_SC, "route.sc.lag_h", deliver_depot},
    [KETSIM_ROUTE_IP] = {"ip", 6, DEPOT_IP, "route.ip.lag_h", deliver_depot},
    [KETSIM_ROUTE_ICV] = {"icv", 7, -1, NULL, deliver_brain},
};

const route_def *route_get(ketsim_route r)
{
    return (r >= 0 && r < KETSIM_N_ROUTES) ? &routes[r] : NULL;
}

const char *route_depot_name(int depot)
{
    return depot >= 0 && depot < N_DEPOTS ? depots[depot].name : "?";
}

/* A compound's own row COMPOUND.NAME if it has one, else the route's NAME. */
static double route_value(const ketsim_params *p, const char *compound, const char *name)
{
    char own[160];
    double v;
    snprintf(own, sizeof own, "%s.%s", compound, name);
    if (ketsim_params_get(p, own, &v, NULL) == KETSIM_OK)
        return v;
    return ketsim_params_value(p, name);
}

static double depot_value(const ketsim_params *p, const char *compound, int d, const char *field)
{
    char name[96];
    snprintf(name, sizeof name, "%s.%s", depots[d].prefix, field);
    return route_value(p, compound, name);
}

void routes_read_params(route_par *r, const ketsim_params *p, const char *compound)
{
    for (int d = 0; d < N_DEPOTS; d++) {
        r->ka[d] = depot_value(p, compound, d, depots[d].ka);
        r->f[d] = depots[d].f ? depot_value(p, compound, d, depots[d].f) : 1.0;
        r->first_pass_met[d] = depots[d].first_pass ? depot_value(p, compound, d, depots[d].first_pass) : 0.0;
    }
    for (int k = 0; k < KETSIM_N_ROUTES; k++)
        r->lag[k] = routes[k].lag ? route_value(p, compound, routes[k].lag) : 0.0;
    r->f_nasal = route_value(p, compound, "route.in.f_nasal");
    r->swallow_lag = route_value(p, compound, "route.in.swallow_lag_h");
    r->brain_volume_l = ketsim_params_value(p, "species.brain_volume_l");
}

static int deliver_central(const model_compound *c, const ketsim_dose *d, double mg, dose_inputs *in,
                           ketsim_error *err)
{
    return dosing_push(in, d->time_h, d->duration_h, c->s_c, mg, err);
}

static int deliver_depot(const model_compound *c, const ketsim_dose *d, double mg, dose_inputs *in,
                         ketsim_error *err)
{
    return dosing_push(in, d->time_h + c->route.lag[d->route], d->duration_h,
                     c->s_depot[routes[d->route].depot], mg, err);
}

/* Intranasal: the nasal share into the nasal depot, the rest swallowed into
 * the gut after a lag (Perez-Ruixo 2021). */
static int deliver_nasal(const model_compound *c, const ketsim_dose *d, double mg, dose_inputs *in,
                         ketsim_error *err)
{
    const route_par *r = &c->route;
    int rc = dosing_push(in, d->time_h, d->duration_h, c->s_depot[DEPOT_NASAL], mg * r->f_nasal, err);
    if (rc || r->f_nasal >= 1.0)
        return rc;
    return dosing_push(in, d->time_h + r->swallow_lag, d->duration_h, c->s_depot[DEPOT_GUT],
                     mg * (1.0 - r->f_nasal), err);
}

/* Intracerebroventricular: the brain state is a free concentration (uM), so
 * the dose dilutes into the brain volume and washes out at the compound's
 * keo. */
static int deliver_brain(const model_compound *c, const ketsim_dose *d, double mg, dose_inputs *in,
                         ketsim_error *err)
{
    if (c->s_brain < 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "compound '%s' has no brain compartment for an icv dose", c->name);
    return dosing_push(in, d->time_h, d->duration_h, c->s_brain, mg / c->mw * 1000.0 / c->route.brain_volume_l, err);
}
