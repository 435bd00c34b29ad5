/* Model assembly: which compounds are present (the drugs given and every
 * metabolite they form), where each state sits in the vector, and the
 * entry points the solver calls. */
#include "catalog_impl.h"
#include "model_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static const char *const cascade_names[C_N] = {
    "nmda_block_interneuron", "nmda_block_pyramidal", "interneuron_activity", "glutamate_release",
    "glutamate_feedback", "peef2", "bdnf", "plasma_bdnf", "trkb", "sno_gapdh", "rheb", "mtorc1",
    "synaptic_protein", "spine_density", "ltp_early", "ltp_late", "gad", "tissue_gaba",
    "tissue_glutamine", "tissue_glutamate", "cadss_effect_site", "sbp_effect_site",
    "mtorc1_reference", "nascent_spines", "anaesthetic_state",
};

/* Add compound `name` (and, recursively, its metabolites) to the model's list. */
static int include_compound(ketsim_model *m, const ketsim_catalog *cat, const char *name,
                            int dosed, int depth, long *index, ketsim_error *err)
{
    for (size_t i = 0; i < m->n_compounds; i++)
        if (strcmp(m->cmp[i].name, name) == 0) {
            if (dosed)
                m->cmp[i].s_depot[0] = 0; /* mark: depots wanted */
            *index = (long)i;
            return KETSIM_OK;
        }
    long ci = catalog_compound_index(cat, name);
    if (ci < 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "unknown compound '%s'", name);
    if (depth > 16)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "metabolite chain through '%s' is cyclic", name);
    const cat_compound *cc = catalog_compound(cat, (size_t)ci);
    model_compound *mc = &m->cmp[m->n_compounds];
    memset(mc, 0, sizeof *mc);
    snprintf(mc->name, sizeof mc->name, "%s", cc->name);
    mc->out_groups = readouts_compound_groups(mc->name);
    for (int d = 0; d < N_DEPOTS; d++)
        mc->s_depot[d] = -1;
    if (dosed)
        mc->s_depot[0] = 0;
    long self = (long)m->n_compounds++;
    mc->n_links = cc->n_links;
    for (size_t k = 0; k < cc->n_links; k++) {
        long child = -1;
        int rc = include_compound(m, cat, cc->link_child[k], 0, depth + 1, &child, err);
        if (rc)
            return rc;
        m->cmp[self].link[k].child = (size_t)child;
    }
    *index = self;
    return KETSIM_OK;
}

static int add_drugs(ketsim_model *m, const ketsim_catalog *cat, const char *const *drugs,
                     size_t n, ketsim_error *err)
{
    m->drugs = calloc(n ? n : 1, sizeof *m->drugs);
    m->cmp = calloc(cat->n_compounds, sizeof *m->cmp);
    if (!m->drugs || !m->cmp)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        size_t di;
        int rc = ketsim_catalog_find_drug(cat, drugs[i], &di, err);
        if (rc)
            return rc;
        const cat_drug *cd = catalog_drug(cat, di);
        struct model_drug *md = &m->drugs[m->n_drugs++];
        snprintf(md->name, sizeof md->name, "%s", drugs[i]);
        md->n = cd->n;
        for (size_t k = 0; k < cd->n; k++) {
            long idx = -1;
            rc = include_compound(m, cat, cd->compound[k], 1, 0, &idx, err);
            if (rc)
                return rc;
            md->compound[k] = (size_t)idx;
            md->fraction[k] = cd->fraction[k];
        }
    }
    return KETSIM_OK;
}

static long next_state(ketsim_model *m, const char *fmt, const char *a, const char *b,
                       const char *unit)
{
    size_t i = m->n_states++;
    snprintf(m->state_name[i], sizeof m->state_name[i], fmt, a, b);
    m->state_unit[i] = unit;
    return (long)i;
}

/* Lay out the state vector.  Peripheral compartments and transit
 * compartments exist where the parameter table (at build time) says so. */
static int layout(ketsim_model *m, const ketsim_params *p, ketsim_error *err)
{
    size_t cap = m->n_compounds * (4 + N_DEPOTS + KETSIM_MAX_LINKS) + 1 + C_N;
    m->state_name = calloc(cap, sizeof *m->state_name);
    m->state_unit = calloc(cap, sizeof *m->state_unit);
    if (!m->state_name || !m->state_unit)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    char key[160];
    for (size_t i = 0; i < m->n_compounds; i++) {
        model_compound *c = &m->cmp[i];
        double v;
        c->s_c = next_state(m, "%s%s_central", c->name, "", "mg");
        snprintf(key, sizeof key, "%s.v2_l", c->name);
        c->s_p2 = (ketsim_params_get(p, key, &v, err) == 0 && v > 0) ? next_state(m, "%s%s_periph1", c->name, "", "mg") : -1;
        snprintf(key, sizeof key, "%s.v3_l", c->name);
        c->s_p3 = (ketsim_params_get(p, key, &v, err) == 0 && v > 0) ? next_state(m, "%s%s_periph2", c->name, "", "mg") : -1;
        snprintf(key, sizeof key, "%s.kpuu_brain", c->name);
        c->s_brain = (ketsim_params_get(p, key, &v, err) == 0 && v > 0) ? next_state(m, "%s%s_brain_free", c->name, "", "uM") : -1;
        int dosed = c->s_depot[0] == 0;
        for (int d = 0; d < N_DEPOTS; d++)
            c->s_depot[d] = dosed ? next_state(m, "%s_depot_%s", c->name, route_depot_name(d), "mg") : -1;
        for (size_t k = 0; k < c->n_links; k++) {
            snprintf(key, sizeof key, "%s.to_%s.mtt_h", c->name, m->cmp[c->link[k].child].name);
            if (ketsim_params_get(p, key, &v, err))
                return KETSIM_EINPUT;
            c->link[k].s_transit = v > 0 ? next_state(m, "%s_transit_to_%s", c->name,
                                                      m->cmp[c->link[k].child].name, "mg") : -1;
        }
    }
    m->s_elim = next_state(m, "%s%seliminated", "", "", "umol");
    m->c0 = m->n_states;
    for (int k = 0; k < C_N; k++)
        next_state(m, "%s%s", cascade_names[k], "", "rel");
    return KETSIM_OK;
}

int ketsim_model_update(ketsim_model *m, const ketsim_params *p, double weight_kg,
                        ketsim_error *err)
{
    if (ketsim_params_species(p) != m->species)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "parameters are for another species");
    if (!(weight_kg > 0) || !isfinite(weight_kg))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "weight must be positive");
    m->weight_kg = weight_kg;
    cascade_read_params(&m->cp, p);
    return pk_read_params(m, p, err);
}

int ketsim_model_create(const ketsim_params *p, const ketsim_catalog *cat,
                        const char *const *drugs, size_t n_drugs, double weight_kg,
                        ketsim_model **out, ketsim_error *err)
{
    *out = NULL;
    ketsim_model *m = calloc(1, sizeof *m);
    if (!m)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    m->species = ketsim_params_species(p);
    int rc = add_drugs(m, cat, drugs, n_drugs, err);
    if (!rc)
        rc = layout(m, p, err);
    if (!rc)
        rc = readouts_build_compound_outputs(m, cat, err);
    if (!rc)
        rc = ketsim_model_update(m, p, weight_kg, err);
    if (rc) {
        ketsim_model_free(m);
        return rc;
    }
    *out = m;
    return KETSIM_OK;
}

void ketsim_model_free(ketsim_model *m)
{
    if (!m)
        return;
    free(m->cmp);
    free(m->drugs);
    free(m->state_name);
    free(m->state_unit);
    free(m->compound_output);
    free(m->compound_output_text);
    free(m->compound_src);
    free(m);
}

double ketsim_model_weight_kg(const ketsim_model *m) { return m->weight_kg; }
ketsim_species ketsim_model_species(const ketsim_model *m) { return m->species; }
size_t ketsim_model_n_states(const ketsim_model *m) { return m->n_states; }

const char *ketsim_model_state_name(const ketsim_model *m, size_t i)
{
    return i < m->n_states ? m->state_name[i] : NULL;
}

const char *ketsim_model_state_unit(const ketsim_model *m, size_t i)
{
    return i < m->n_states ? m->state_unit[i] : NULL;
}

long ketsim_model_state_index(const ketsim_model *m, const char *name)
{
    for (size_t i = 0; i < m->n_states; i++)
        if (strcmp(m->state_name[i], name) == 0)
            return (long)i;
    return -1;
}

long model_drug_index(const ketsim_model *m, const char *name)
{
    for (size_t i = 0; i < m->n_drugs; i++)
        if (strcmp(m->drugs[i].name, name) == 0)
            return (long)i;
    return -1;
}

int ketsim_model_steady_state(const ketsim_model *m, double *y, ketsim_error *err)
{
    for (size_t i = 0; i < m->c0; i++)
        y[i] = 0.0;
    return cascade_steady_state(&m->cp, y + m->c0, err);
}

void ketsim_model_rhs(const ketsim_model *m, double t, const double *y, double *ydot)
{
    (void)t; /* autonomous: doses enter as solver inputs */
    brain_drive d;
    pk_rhs(m, y, ydot);
    pk_brain_drive(m, y, &d);
    cascade_rhs(&m->cp, &d, y + m->c0, ydot + m->c0);
}

void ketsim_model_atol(const ketsim_model *m, double *atol)
{
    for (size_t i = 0; i < m->n_states; i++)
        atol[i] = 1e-8;
    /* Amounts in mg: a rodent dose is ~0.1-3 mg, a human one ~10-100 mg. */
    double amount_tol = m->species == KETSIM_HUMAN ? 1e-7 : 1e-10;
    for (size_t i = 0; i < m->c0; i++)
        if (strcmp(m->state_unit[i], "mg") == 0)
            atol[i] = amount_tol;
    for (size_t i = 0; i < m->n_compounds; i++)
        if (m->cmp[i].s_brain >= 0)
            atol[m->cmp[i].s_brain] = 1e-9;
}

double ketsim_model_body_umol(const ketsim_model *m, const double *y)
{
    double s = 0.0;
    for (size_t i = 0; i < m->n_compounds; i++) {
        const model_compound *c = &m->cmp[i];
        double mg = y[c->s_c] + (c->s_p2 >= 0 ? y[c->s_p2] : 0) + (c->s_p3 >= 0 ? y[c->s_p3] : 0);
        for (int d = 0; d < N_DEPOTS; d++)
            if (c->s_depot[d] >= 0)
                mg += y[c->s_depot[d]];
        s += mg / c->mw * 1000.0;
        /* Transit compartments hold the child compound. */
        for (size_t k = 0; k < c->n_links; k++)
            if (c->link[k].s_transit >= 0)
                s += y[c->link[k].s_transit] / m->cmp[c->link[k].child].mw * 1000.0;
    }
    return s;
}

double ketsim_model_eliminated_umol(const ketsim_model *m, const double *y)
{
    return y[m->s_elim];
}
