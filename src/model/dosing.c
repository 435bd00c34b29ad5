#include "model/dosing.h"

#include <stdlib.h>

static int push(dose_inputs *in, double t0, double dur, long state, double amount,
                ketsim_error *err)
{
    if (state < 0)
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "dose into a compartment that does not exist");
    if (in->n == in->cap) {
        size_t cap = in->cap ? 2 * in->cap : 32;
        ketsim_input *a = realloc(in->v, cap * sizeof *a);
        if (!a)
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
        in->v = a;
        in->cap = cap;
    }
    in->v[in->n++] = (ketsim_input){t0, t0 + dur, (size_t)state, amount};
    return KETSIM_OK;
}

/* One compound's share of a dose, routed to its compartment(s). */
static int route_dose(const ketsim_model *m, dose_inputs *in, const model_compound *c,
                      const ketsim_dose *d, double mg, ketsim_error *err)
{
    const route_par *r = &m->route;
    double t = d->time_h + r->lag[d->route], dur = d->duration_h;
    switch (d->route) {
    case KETSIM_ROUTE_IV:
        return push(in, t, dur, c->s_c, mg, err);
    case KETSIM_ROUTE_IN: {
        int rc = push(in, t, dur, c->s_depot[DEPOT_NASAL], mg * r->f_nasal, err);
        if (rc || r->f_nasal >= 1.0)
            return rc;
        return push(in, t + r->swallow_lag, dur, c->s_depot[DEPOT_GUT], mg * (1.0 - r->f_nasal), err);
    }
    case KETSIM_ROUTE_PO:
        return push(in, t, dur, c->s_depot[DEPOT_GUT], mg, err);
    case KETSIM_ROUTE_IM:
        return push(in, t, dur, c->s_depot[DEPOT_IM], mg, err);
    case KETSIM_ROUTE_SC:
        return push(in, t, dur, c->s_depot[DEPOT_SC], mg, err);
    case KETSIM_ROUTE_IP:
        return push(in, t, dur, c->s_depot[DEPOT_IP], mg, err);
    case KETSIM_ROUTE_ICV:
        /* The brain state is a free concentration (uM): the dose dilutes into
         * the brain volume and washes out at the compound's keo. */
        if (c->s_brain < 0)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "compound '%s' has no brain compartment for an icv dose", c->name);
        return push(in, t, dur, c->s_brain, mg / c->mw * 1000.0 / r->brain_volume_l, err);
    default:
        return KETSIM_FAIL(err, KETSIM_EINPUT, "invalid route");
    }
}

int dose_inputs_build(const ketsim_model *m, const ketsim_regimen *reg, dose_inputs *in,
                      ketsim_error *err)
{
    in->n = 0;
    for (size_t i = 0; i < ketsim_regimen_count(reg); i++) {
        const ketsim_dose *d = ketsim_regimen_dose(reg, i);
        long di = d->drug[0] ? model_drug_index(m, d->drug) : 0;
        if (di < 0 || (size_t)di >= m->n_drugs)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "dose %zu: drug '%s' is not part of this model", i + 1, d->drug);
        const struct model_drug *md = &m->drugs[di];
        double mg = d->per_kg ? d->amount * m->weight_kg : d->amount;
        for (size_t k = 0; k < md->n; k++) {
            int rc = route_dose(m, in, &m->cmp[md->compound[k]], d, mg * md->fraction[k], err);
            if (rc)
                return rc;
        }
    }
    return KETSIM_OK;
}

void dose_inputs_free(dose_inputs *in)
{
    free(in->v);
    in->v = NULL;
    in->n = in->cap = 0;
}
