/* libketsim_rhs.so: ketsim's own right-hand side for the default subject
 * (racemic ketamine, human, 70 kg, reference parameters), so that other ODE
 * solvers integrate exactly the equations ketsim integrates, not a copy.
 *
 * C / ctypes:  ketsim_bench_init() -> number of states (0 on failure);
 *              ketsim_bench_y0(y), ketsim_bench_atol(atol);
 *              ketsim_bench_infusion(u): input rates (mg/h per state) of
 *                0.5 mg/kg over 40 min, to add while 0 <= t < ketsim_bench_infusion_end_h();
 *              ketsim_bench_rhs(t, y, dy): the model without input.
 * deSolve:     initfunc "ketsim_initmod" (one parameter: 1 = infusion on),
 *              func "ketsim_derivs". */
#include "ketsim/ketsim.h"
#include "model/model_impl.h"

#include <stdlib.h>
#include <string.h>

#define INFUSION_H (40.0 / 60.0)
#define DOSE_MG_PER_KG 0.5
#define WEIGHT_KG 70.0

/* One model per process: a benchmark shim, built once and never changed. */
static ketsim_model *model;
static double deSolve_parms[1];

int ketsim_bench_init(void)
{
    if (model)
        return (int)ketsim_model_n_states(model);
    ketsim_error err = {0};
    ketsim_params *p = NULL;
    ketsim_catalog *cat = NULL;
    const char *drugs[1] = {"ketamine"};
    int rc = ketsim_params_create(KETSIM_HUMAN, &p, &err);
    if (!rc)
        rc = ketsim_catalog_create(&cat, &err);
    if (!rc)
        rc = ketsim_model_create(p, cat, drugs, 1, WEIGHT_KG, &model, &err);
    ketsim_catalog_free(cat);
    ketsim_params_free(p);
    return rc ? 0 : (int)ketsim_model_n_states(model);
}

double ketsim_bench_infusion_end_h(void) { return INFUSION_H; }

void ketsim_bench_y0(double *y)
{
    ketsim_error err = {0};
    ketsim_model_steady_state(model, y, &err);
}

void ketsim_bench_atol(double *atol) { ketsim_model_atol(model, atol); }

/* The racemate splits between its compounds as the catalog says; the dose
 * enters each compound's central compartment. */
void ketsim_bench_infusion(double *u)
{
    memset(u, 0, ketsim_model_n_states(model) * sizeof *u);
    const struct model_drug *d = &model->drugs[0];
    for (size_t k = 0; k < d->n; k++)
        u[model->cmp[d->compound[k]].s_c] += DOSE_MG_PER_KG * WEIGHT_KG * d->fraction[k] / INFUSION_H;
}

void ketsim_bench_rhs(double t, const double *y, double *dy) { ketsim_model_rhs(model, t, y, dy); }

/* deSolve's compiled-code interface. */
void ketsim_initmod(void (*odeparms)(int *, double *))
{
    int n = 1;
    odeparms(&n, deSolve_parms);
    ketsim_bench_init();
}

void ketsim_derivs(int *neq, double *t, double *y, double *ydot, double *yout, int *ip)
{
    (void)yout, (void)ip;
    ketsim_model_rhs(model, *t, y, ydot);
    if (deSolve_parms[0] != 0.0) {
        double u[*neq];
        ketsim_bench_infusion(u);
        for (int i = 0; i < *neq; i++)
            ydot[i] += u[i];
    }
}

/* .C() entry points for R (arguments by pointer). */
void ketsim_bench_init_R(int *n) { *n = ketsim_bench_init(); }
void ketsim_bench_y0_R(double *y) { ketsim_bench_y0(y); }
void ketsim_bench_atol_R(double *a) { ketsim_bench_atol(a); }
void ketsim_bench_infusion_end_R(double *t) { *t = INFUSION_H; }
