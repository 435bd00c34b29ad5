#include "fitgen.h"
#include "ketsim/rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Esketamine 40-min infusions of four doses; plasma S-ketamine with 10%
 * proportional error.  Truth: CL 80 L/h, V1 160 L (defaults 95.2 and 133). */
static const char *const pk_names[] = {"s_ket.cl_l_per_h", "s_ket.v1_l"};
static const double pk_values[] = {80.0, 160.0};
static const double pk_amt[] = {20, 30, 40, 50};
static const double pk_times[] = {0.083, 0.25, 0.5, 0.667, 0.75, 1, 1.5, 2, 3, 4, 6, 8, 12};

/* Racemic ketamine 35 mg over 40 min; prefrontal glutamate with additive
 * error 0.01.  Truth: glu.feedback_k_per_h 2.6 (default 2). */
static const char *const glu_names[] = {"glu.feedback_k_per_h"};
static const double glu_values[] = {2.6};
static const double glu_amt[] = {35, 70};
static const double glu_times[] = {0.167, 0.333, 0.5, 0.667, 0.833, 1, 1.25, 1.5, 2, 2.5, 3, 4};

static const fitgen_design designs[] = {
    {KETSIM_HUMAN, "esketamine", pk_names, pk_values, 2, pk_amt, 4, 40.0 / 60, pk_times, 13,
     "plasma_s_ketamine_ng_per_ml", 0, 0.10, 20261128},
    {KETSIM_HUMAN, "ketamine", glu_names, glu_values, 1, glu_amt, 2, 40.0 / 60, glu_times, 12,
     "pfc_glutamate_rel", 0.01, 0, 20261129},
};

const fitgen_design *fitgen_named(const char *name)
{
    if (strcmp(name, "pk") == 0)
        return &designs[0];
    if (strcmp(name, "cascade") == 0)
        return &designs[1];
    return NULL;
}

static int build(const fitgen_design *d, ketsim_params **p, ketsim_catalog **cat, ketsim_model **m,
                 ketsim_sim **sim, ketsim_error *err)
{
    int rc = ketsim_params_create(d->species, p, err);
    for (size_t i = 0; !rc && i < d->n_set; i++)
        rc = ketsim_params_set(*p, d->set_names[i], d->set_values[i], err);
    if (!rc)
        rc = ketsim_catalog_create(cat, err);
    const char *drugs[1] = {d->drug};
    if (!rc)
        rc = ketsim_model_create(*p, *cat, drugs, 1, ketsim_params_value(*p, "species.ref_weight_kg"), m, err);
    if (!rc)
        rc = ketsim_sim_create(*m, sim, err);
    return rc;
}

static int write_subject(FILE *f, const fitgen_design *d, size_t s, ketsim_sim *sim, long k, ketsim_error *err)
{
    ketsim_regimen *reg = NULL;
    ketsim_trajectory *t = NULL;
    ketsim_dose dose = {.route = KETSIM_ROUTE_IV, .amount = d->amt_mg[s], .duration_h = d->infusion_h};
    int rc = ketsim_regimen_create(&reg, err);
    if (!rc)
        rc = ketsim_regimen_add(reg, &dose, err);
    if (!rc)
        rc = ketsim_sim_run(sim, reg, d->times_h, d->n_times, &t, err);
    if (!rc) {
        double rate = d->infusion_h > 0 ? d->amt_mg[s] / d->infusion_h : 0;
        fprintf(f, "%zu,0,%.10g,%.10g,1,1,.,.\n", s + 1, d->amt_mg[s], rate);
        ketsim_rng r;
        ketsim_rng_init(&r, d->seed, s + 1, KETSIM_RNG_RESIDUAL);
        for (size_t i = 0; i < d->n_times; i++) {
            double y = ketsim_traj_output(t, i, (size_t)k);
            double e1 = ketsim_rng_normal(&r), e2 = ketsim_rng_normal(&r);
            double dv = y + d->sigma_add * e1 + d->sigma_prop * y * e2;
            fprintf(f, "%zu,%.10g,.,.,.,0,%.10g,%s\n", s + 1, d->times_h[i], dv, d->output);
        }
    }
    ketsim_traj_free(t);
    ketsim_regimen_free(reg);
    return rc;
}

int fitgen_write(const char *path, const fitgen_design *d, ketsim_error *err)
{
    ketsim_params *p = NULL;
    ketsim_catalog *cat = NULL;
    ketsim_model *m = NULL;
    ketsim_sim *sim = NULL;
    long k = ketsim_output_index(d->output);
    FILE *f = fopen(path, "w");
    int rc = f ? build(d, &p, &cat, &m, &sim, err) : KETSIM_FAIL(err, KETSIM_EIO, "%s: cannot write", path);
    if (!rc && k < 0)
        rc = KETSIM_FAIL(err, KETSIM_EINPUT, "unknown output %s", d->output);
    if (!rc)
        fprintf(f, "ID,TIME,AMT,RATE,CMT,EVID,DV,OUTPUT\n");
    for (size_t s = 0; !rc && s < d->n_subjects; s++)
        rc = write_subject(f, d, s, sim, k, err);
    if (f && fclose(f) && !rc)
        rc = KETSIM_FAIL(err, KETSIM_EIO, "%s: write failed", path);
    ketsim_sim_free(sim);
    ketsim_model_free(m);
    ketsim_catalog_free(cat);
    ketsim_params_free(p);
    return rc;
}
