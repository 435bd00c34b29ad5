#include "model/dosing.h"

#include <stdlib.h>

int dosing_push(dose_inputs *in, double t0, double dur, long state, double amount, ketsim_error *err)
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

int dose_inputs_add(const ketsim_model *m, const ketsim_dose *d, size_t i, dose_inputs *in,
                    ketsim_error *err)
{
    long di = d->drug[0] ? model_drug_index(m, d->drug) : 0;
    if (di < 0 || (size_t)di >= m->n_drugs)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "dose %zu: drug '%s' is not part of this model", i + 1, d->drug);
    const struct model_drug *md = &m->drugs[di];
    double mg = dose_inputs_mg(m, d);
    for (size_t k = 0; k < md->n; k++) {
        const route_def *r = route_get(d->route);
        int rc = r ? r->deliver(&m->cmp[md->compound[k]], d, mg * md->fraction[k], in, err)
                   : KETSIM_FAIL(err, KETSIM_EINPUT, "dose %zu: invalid route", i + 1);
        if (rc)
            return rc;
    }
    return KETSIM_OK;
}

double dose_inputs_mg(const ketsim_model *m, const ketsim_dose *d)
{
    return d->per_kg ? d->amount * m->weight_kg : d->amount;
}

int dose_inputs_build(const ketsim_model *m, const ketsim_regimen *reg, dose_inputs *in,
                      ketsim_error *err)
{
    in->n = 0;
    for (size_t i = 0; i < ketsim_regimen_count(reg); i++) {
        int rc = dose_inputs_add(m, ketsim_regimen_dose(reg, i), i, in, err);
        if (rc)
            return rc;
    }
    return KETSIM_OK;
}

void dose_inputs_free(dose_inputs *in)
{
    free(in->v);
    in->v = NULL;
    in->n = in->cap = 0;
}
