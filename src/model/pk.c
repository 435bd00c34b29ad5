/* Pharmacokinetics: mammillary compartments per compound, metabolite
 * formation through transit compartments, absorption depots with first pass,
 * and brain effect compartments holding free concentrations.
 *
 * Amounts are in mg of each compound; brain states are free concentrations
 * in uM; the eliminated pool is in umol so that mass balance holds across
 * molar masses.  The brain is an effect compartment: it takes no mass from
 * plasma (its volume is negligible next to the body's). */
#include "model_impl.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define MG_PER_L_TO_UM(c_mg_per_l, mw) ((c_mg_per_l) / (mw) * 1000.0)

double pk_plasma_ng_per_ml(const model_compound *c, const double *y)
{
    return y[c->s_c] / c->v1 * 1000.0; /* mg/L = ug/mL = 1000 ng/mL */
}

/* Mass flux of child formed from a parent flux, into transit or central. */
static void form_child(const ketsim_model *m, const model_link *l, double parent_mg_per_h,
                       double *ydot)
{
    double child_flux = parent_mg_per_h * l->mw_ratio;
    if (l->s_transit >= 0)
        ydot[l->s_transit] += child_flux;
    else
        ydot[m->cmp[l->child].s_c] += child_flux;
}

static void disposition(const ketsim_model *m, const model_compound *c, const double *y,
                        double *ydot)
{
    double c1 = y[c->s_c] / c->v1;
    double elim = c->cl * c1, fraction_left = 1.0;
    ydot[c->s_c] -= elim;
    if (c->s_p2 >= 0) {
        double f = c->q2 * (c1 - y[c->s_p2] / c->v2);
        ydot[c->s_c] -= f;
        ydot[c->s_p2] += f;
    }
    if (c->s_p3 >= 0) {
        double f = c->q3 * (c1 - y[c->s_p3] / c->v3);
        ydot[c->s_c] -= f;
        ydot[c->s_p3] += f;
    }
    for (size_t k = 0; k < c->n_links; k++) {
        const model_link *l = &c->link[k];
        form_child(m, l, l->fraction * elim, ydot);
        fraction_left -= l->fraction;
        if (l->s_transit >= 0) {
            double out = y[l->s_transit] / l->mtt_h;
            ydot[l->s_transit] -= out;
            ydot[m->cmp[l->child].s_c] += out;
        }
    }
    ydot[m->s_elim] += fraction_left * elim / c->mw * 1000.0;
    if (c->s_brain >= 0) {
        double target = c->kpuu * c->fu * MG_PER_L_TO_UM(c1, c->mw);
        ydot[c->s_brain] = c->keo * (target - y[c->s_brain]);
    }
}

/* First-order absorption from each depot; the part lost to first pass is
 * partly formed into the first metabolite (liver), the rest eliminated. */
static void absorption(const ketsim_model *m, const model_compound *c, const double *y,
                       double *ydot)
{
    const route_par *r = &c->route;
    for (int d = 0; d < N_DEPOTS; d++) {
        if (c->s_depot[d] < 0)
            continue;
        double flux = r->ka[d] * y[c->s_depot[d]];
        double lost = (1.0 - r->f[d]) * flux, to_met = 0.0;
        ydot[c->s_depot[d]] -= flux;
        ydot[c->s_c] += r->f[d] * flux;
        if (c->n_links > 0 && r->first_pass_met[d] > 0) {
            to_met = r->first_pass_met[d] * lost;
            form_child(m, &c->link[0], to_met, ydot);
        }
        ydot[m->s_elim] += (lost - to_met) / c->mw * 1000.0;
    }
}

void pk_rhs(const ketsim_model *m, const double *y, double *ydot)
{
    for (size_t i = 0; i < m->c0; i++)
        ydot[i] = 0.0;
    for (size_t i = 0; i < m->n_compounds; i++) {
        disposition(m, &m->cmp[i], y, ydot);
        absorption(m, &m->cmp[i], y, ydot);
    }
}

/* Sum of C / K over compounds with that action (K = 0: none). */
static double ratio(double cb, double k)
{
    return k > 0 ? cb / k : 0.0;
}

void pk_brain_drive(const ketsim_model *m, const double *y, brain_drive *d)
{
    double ampa_x = 0.0, mtor_x = 0.0, trkb_x = 0.0, nos_x = 0.0;
    d->nmda = 0.0;
    d->ampa_pot = 0.0;
    d->sedation_x = 0.0;
    for (size_t i = 0; i < m->n_compounds; i++) {
        const model_compound *c = &m->cmp[i];
        if (c->s_brain < 0)
            continue;
        /* Clamp tiny negative solver noise: concentrations cannot be < 0. */
        double cb = fmax(y[c->s_brain], 0.0);
        d->nmda += cb / c->ki;
        if (c->emax > 0)
            d->ampa_pot += c->emax * cb / (c->ec50 + cb);
        ampa_x += ratio(cb, c->ampa_block_ki);
        mtor_x += ratio(cb, c->mtor_ic50);
        trkb_x += ratio(cb, c->trkb_block_ki);
        nos_x += ratio(cb, c->nos_ic50);
        d->sedation_x += ratio(cb, c->sedation_ec50);
    }
    /* Simple occupancy x / (1 + x) for antagonists and inhibitors alike. */
    d->ampa_block = ampa_x / (1.0 + ampa_x);
    d->mtor_inh = mtor_x / (1.0 + mtor_x);
    d->trkb_block = trkb_x / (1.0 + trkb_x);
    d->nos_inh = nos_x / (1.0 + nos_x);
}

static double allometric(double value, double weight, double ref, double exponent)
{
    return value * pow(weight / ref, exponent);
}

static int read_compound(model_compound *c, const ketsim_params *p, double w, double wref,
                         ketsim_error *err)
{
    double v[18];
    char name[128];
    extern const char *const catalog_compound_fields[];
    for (int k = 0; k < 18; k++) {
        snprintf(name, sizeof name, "%s.%s", c->name, catalog_compound_fields[k]);
        if (ketsim_params_get(p, name, &v[k], err))
            return KETSIM_EINPUT;
    }
    c->mw = v[0];
    c->v1 = allometric(v[1], w, wref, PK_VOLUME_EXPONENT);
    c->v2 = allometric(v[2], w, wref, PK_VOLUME_EXPONENT);
    c->v3 = allometric(v[3], w, wref, PK_VOLUME_EXPONENT);
    c->cl = allometric(v[4], w, wref, PK_CLEARANCE_EXPONENT);
    c->q2 = allometric(v[5], w, wref, PK_CLEARANCE_EXPONENT);
    c->q3 = allometric(v[6], w, wref, PK_CLEARANCE_EXPONENT);
    c->fu = v[7], c->kp = v[8], c->kpuu = v[9], c->keo = v[10];
    c->ki = v[11], c->emax = v[12], c->ec50 = v[13];
    c->ampa_block_ki = v[14], c->mtor_ic50 = v[15], c->trkb_block_ki = v[16], c->nos_ic50 = v[17];
    /* An optional action: most compounds have no row for it (no sedation). */
    snprintf(name, sizeof name, "%s.sedation_ec50_um", c->name);
    if (ketsim_params_get(p, name, &c->sedation_ec50, NULL) != KETSIM_OK)
        c->sedation_ec50 = 0;
    if (!(c->mw > 0) || !(c->v1 > 0) || !(c->ki > 0) || !(c->ec50 > 0))
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "compound '%s': molar mass, v1_l, nmda_ki_um and ampa_ec50_um must be positive", c->name);
    if ((c->s_p2 >= 0 && !(c->v2 > 0)) || (c->s_p3 >= 0 && !(c->v3 > 0)))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "compound '%s': peripheral volume must stay positive", c->name);
    return KETSIM_OK;
}

static int read_links(model_compound *c, const ketsim_model *m, const ketsim_params *p,
                      ketsim_error *err)
{
    double total = 0.0;
    char name[160];
    for (size_t k = 0; k < c->n_links; k++) {
        model_link *l = &c->link[k];
        const model_compound *child = &m->cmp[l->child];
        snprintf(name, sizeof name, "%s.to_%s.fraction", c->name, child->name);
        if (ketsim_params_get(p, name, &l->fraction, err))
            return KETSIM_EINPUT;
        double mtt;
        snprintf(name, sizeof name, "%s.to_%s.mtt_h", c->name, child->name);
        if (ketsim_params_get(p, name, &mtt, err))
            return KETSIM_EINPUT;
        /* The transit compartment exists iff the default delay is positive;
         * an override may change its length but not remove it. */
        if (l->s_transit >= 0 && !(mtt > 0))
            return KETSIM_FAIL(err, KETSIM_EINPUT, "parameter '%s' must be positive", name);
        l->mtt_h = mtt;
        l->mw_ratio = child->mw / c->mw;
        total += l->fraction;
    }
    if (total > 1.0 + 1e-12)
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "compound '%s': metabolite fractions add up to %g (> 1)", c->name, total);
    return KETSIM_OK;
}

int pk_read_params(ketsim_model *m, const ketsim_params *p, ketsim_error *err)
{
    double wref = ketsim_params_value(p, "species.ref_weight_kg");
    for (size_t i = 0; i < m->n_compounds; i++)
        if (read_compound(&m->cmp[i], p, m->weight_kg, wref, err))
            return KETSIM_EINPUT;
    for (size_t i = 0; i < m->n_compounds; i++)
        if (read_links(&m->cmp[i], m, p, err))
            return KETSIM_EINPUT;
    for (size_t i = 0; i < m->n_compounds; i++)
        routes_read_params(&m->cmp[i].route, p, m->cmp[i].name);
    return KETSIM_OK;
}
