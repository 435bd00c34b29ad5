/* libketsim_rhs.so: ketsim's own right-hand side for the default subject
 * (racemic ketamine, human, 70 kg, reference parameters), so that other ODE
 * solvers integrate exactly the equations ketsim integrates, not a copy.
 *
 * C / ctypes:  ketsim_bench_init() -> number of states (0 on failure);
 *              ketsim_bench_y0(y), ketsim_bench_atol(atol);
 *              ketsim_bench_infusion(u): input rates (mg/h per state) of
 *                0.5 mg/kg over 40 min, to add while 0 <= t < ketsim_bench_infusion_end_h();
 *              ketsim_bench_rhs(t, y, dy): the model without input;
 *              ketsim_bench_jac(t, y, J): its Jacobian, n x n row-major
 *                (J[i * n + j] = d dy[i] / d y[j]);
 *              ketsim_bench_jac_rhs_calls(): right-hand sides spent on them.
 * deSolve:     initfunc "ketsim_initmod" (one parameter: 1 = infusion on),
 *              func "ketsim_derivs", jacfunc "ketsim_jac" (jactype "fullusr").
 *
 * The Jacobian is what ketsim's own solver computes, in compiled code:
 * difference quotients on the model's sparsity pattern (src/model/sparsity.c),
 * one right-hand side per group of columns that share no row.  The input
 * rates are constant, so they do not enter it. */
#include "ketsim/ketsim.h"
#include "model/model_impl.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define INFUSION_H (40.0 / 60.0)
#define DOSE_MG_PER_KG 0.5
#define WEIGHT_KG 70.0

/* One model per process: a benchmark shim, built once and never changed. */
static ketsim_model *model;
static double deSolve_parms[1];
/* the Jacobian's pattern (CSC), column groups, scratch */
static size_t jac_n, *jac_cp, *jac_rv, jac_groups, *jac_gstart, *jac_gcol;
static double *jac_atol, *jac_f0, *jac_f1, *jac_y, *jac_inc;
static long jac_calls;

/* Greedy colouring in column order: a column takes the lowest colour not
 * used by any column sharing a row with it. */
static int setup_jacobian(void)
{
    size_t n = ketsim_model_n_states(model);
    unsigned char *mask = malloc(n * n);
    size_t *colour = malloc(n * sizeof *colour);
    unsigned char *row_has = malloc(n * n); /* row_has[c * n + i]: colour c already has a column in row i */
    jac_cp = malloc((n + 1) * sizeof *jac_cp);
    jac_rv = malloc(n * n * sizeof *jac_rv);
    jac_gstart = calloc(n + 1, sizeof *jac_gstart);
    jac_gcol = malloc(n * sizeof *jac_gcol);
    jac_atol = malloc(n * sizeof *jac_atol);
    jac_f0 = malloc(n * sizeof *jac_f0);
    jac_f1 = malloc(n * sizeof *jac_f1);
    jac_y = malloc(n * sizeof *jac_y);
    jac_inc = malloc(n * sizeof *jac_inc);
    ketsim_error err = {0};
    if (!mask || !colour || !row_has || !jac_cp || !jac_rv || !jac_gstart || !jac_gcol || !jac_atol || !jac_f0 ||
        !jac_f1 || !jac_y || !jac_inc || model_jacobian_pattern(model, mask, n, &err))
        return 0;
    size_t e = 0;
    for (size_t j = 0; j < n; j++) {
        jac_cp[j] = e;
        for (size_t i = 0; i < n; i++)
            if (mask[j * n + i])
                jac_rv[e++] = i;
    }
    jac_cp[n] = e;
    memset(row_has, 0, n * n);
    jac_groups = 0;
    for (size_t j = 0; j < n; j++) {
        size_t c = 0;
        for (;; c++) {
            size_t k = jac_cp[j];
            while (k < jac_cp[j + 1] && !row_has[c * n + jac_rv[k]])
                k++;
            if (k == jac_cp[j + 1])
                break;
        }
        colour[j] = c;
        for (size_t k = jac_cp[j]; k < jac_cp[j + 1]; k++)
            row_has[c * n + jac_rv[k]] = 1;
        if (c + 1 > jac_groups)
            jac_groups = c + 1;
    }
    for (size_t j = 0; j < n; j++)
        jac_gstart[colour[j] + 1]++;
    for (size_t g = 0; g < jac_groups; g++)
        jac_gstart[g + 1] += jac_gstart[g];
    size_t *fill = malloc(n * sizeof *fill);
    if (!fill)
        return 0;
    memcpy(fill, jac_gstart, n * sizeof *fill);
    for (size_t j = 0; j < n; j++)
        jac_gcol[fill[colour[j]]++] = j;
    ketsim_model_atol(model, jac_atol);
    jac_n = n;
    free(fill);
    free(mask);
    free(colour);
    free(row_has);
    return 1;
}

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
    if (!rc && !setup_jacobian())
        rc = 1;
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

/* Column-major into pd (leading dimension ld): pd[j * ld + i] = d dy[i] / d y[j].
 * Increment: sqrt(eps) x |y_j|, at least sqrt(eps) x atol_j / 1e-6 (the
 * state's noise level at ketsim's tolerances). */
static void jacobian_cm(double t, const double *y, double *pd, size_t ld)
{
    size_t n = jac_n;
    double srur = sqrt(DBL_EPSILON);
    memcpy(jac_y, y, n * sizeof *y);
    ketsim_model_rhs(model, t, jac_y, jac_f0);
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < n; i++)
            pd[j * ld + i] = 0.0;
    for (size_t g = 0; g < jac_groups; g++) {
        for (size_t c = jac_gstart[g]; c < jac_gstart[g + 1]; c++) {
            size_t j = jac_gcol[c];
            jac_inc[j] = srur * fmax(fabs(y[j]), jac_atol[j] / 1e-6);
            jac_y[j] = y[j] + jac_inc[j];
        }
        ketsim_model_rhs(model, t, jac_y, jac_f1);
        jac_calls++;
        for (size_t c = jac_gstart[g]; c < jac_gstart[g + 1]; c++) {
            size_t j = jac_gcol[c];
            jac_y[j] = y[j];
            double inv = 1.0 / (y[j] + jac_inc[j] - y[j]); /* the increment as represented */
            for (size_t k = jac_cp[j]; k < jac_cp[j + 1]; k++)
                pd[j * ld + jac_rv[k]] = inv * (jac_f1[jac_rv[k]] - jac_f0[jac_rv[k]]);
        }
    }
}

/* Row-major for scipy (numpy's default order). */
void ketsim_bench_jac(double t, const double *y, double *J)
{
    size_t n = jac_n;
    jacobian_cm(t, y, J, n);
    for (size_t i = 0; i < n; i++) /* transpose in place */
        for (size_t j = i + 1; j < n; j++) {
            double x = J[i * n + j];
            J[i * n + j] = J[j * n + i];
            J[j * n + i] = x;
        }
}

long ketsim_bench_jac_rhs_calls(void) { return jac_calls; }

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

void ketsim_jac(int *neq, double *t, double *y, int *ml, int *mu, double *pd, int *nrowpd, double *yout, int *ip)
{
    (void)neq, (void)ml, (void)mu, (void)yout, (void)ip;
    jacobian_cm(*t, y, pd, (size_t)*nrowpd);
}

/* .C() entry points for R (arguments by pointer). */
void ketsim_bench_init_R(int *n) { *n = ketsim_bench_init(); }
void ketsim_bench_y0_R(double *y) { ketsim_bench_y0(y); }
void ketsim_bench_atol_R(double *a) { ketsim_bench_atol(a); }
void ketsim_bench_infusion_end_R(double *t) { *t = INFUSION_H; }
