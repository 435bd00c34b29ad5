/* One scenario, one read-out: evaluations for local and global sensitivity. */
#include "ketsim/sensitivity.h"
#include "ketsim/model.h"
#include "ketsim/subject.h"
#include "sim/fsens.h"

#include <math.h>
#include <stdlib.h>

/* Evaluations run through a subject worker; the forward sensitivities need
 * a model of their own, whose fields CVODES perturbs. */
struct ketsim_sens {
    ketsim_params *base;
    ketsim_subject_worker *w;
    ketsim_model *model;
    const ketsim_regimen *reg;
    size_t output;
    double time_h, weight_kg;
};

int ketsim_sens_create(const ketsim_params *params, const ketsim_catalog *cat, const char *drug, double weight_kg,
                       const ketsim_regimen *reg, size_t output, double time_h, ketsim_sens **out,
                       ketsim_error *err)
{
    *out = NULL;
    if (output == 0 || output >= ketsim_n_outputs())
        return KETSIM_FAIL(err, KETSIM_EINPUT, "output index %zu is not a model output", output);
    if (!(time_h >= 0 && isfinite(time_h)))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "time %g h: must be >= 0", time_h);
    ketsim_sens *s = calloc(1, sizeof *s);
    if (!s)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    *s = (ketsim_sens){.reg = reg, .output = output, .time_h = time_h, .weight_kg = weight_kg};
    const char *drugs[1] = {drug};
    int rc = ketsim_params_clone(params, &s->base, err);
    if (!rc)
        rc = ketsim_subject_worker_create(params, cat, drugs, 1, &s->w, err);
    if (!rc)
        rc = ketsim_model_create(params, cat, drugs, 1, weight_kg, &s->model, err);
    if (rc) {
        ketsim_sens_free(s);
        return rc;
    }
    *out = s;
    return KETSIM_OK;
}

void ketsim_sens_free(ketsim_sens *s)
{
    if (!s)
        return;
    ketsim_subject_worker_free(s->w);
    ketsim_model_free(s->model);
    ketsim_params_free(s->base);
    free(s);
}

int ketsim_sens_eval(ketsim_sens *s, const char *const *names, const double *values, size_t n, double *y,
                     ketsim_error *err)
{
    ketsim_param_value v[64];
    if (n > sizeof v / sizeof v[0])
        return KETSIM_FAIL(err, KETSIM_EINPUT, "more than %zu parameters in one evaluation", sizeof v / sizeof v[0]);
    int rc = KETSIM_OK;
    for (size_t i = 0; !rc && i < n; i++) {
        rc = ketsim_params_find(s->base, names[i], &v[i].row, err);
        v[i].value = values[i];
    }
    ketsim_subject_input in = {.weight_kg = s->weight_kg, .values = v, .n_values = n, .regimen = s->reg,
                               .times_h = &s->time_h, .n_times = 1};
    const ketsim_trajectory *tr = NULL;
    if (!rc)
        rc = ketsim_subject_run(s->w, &in, &tr, err);
    if (!rc)
        *y = ketsim_traj_output(tr, 0, s->output);
    return rc;
}

/* d y / d ln p with step h; one-sided backward if p e^h is not allowed. */
static int derivative(ketsim_sens *s, const char *name, double v, double y0, double h, double *d, int *one_sided,
                      ketsim_error *err)
{
    const char *names[1] = {name};
    double up = v * exp(h), down = v * exp(-h), yp, ym;
    ketsim_error probe;
    int rc = ketsim_sens_eval(s, names, &down, 1, &ym, err);
    if (rc)
        return rc;
    if (ketsim_sens_eval(s, names, &up, 1, &yp, &probe) == KETSIM_OK) {
        *d = (yp - ym) / (2 * h);
    } else if (probe.code == KETSIM_EINPUT) {
        *d = (y0 - ym) / h;
        *one_sided = 1;
    } else {
        *err = probe;
        return probe.code;
    }
    return KETSIM_OK;
}

int ketsim_sens_local_one(ketsim_sens *s, const char *name, ketsim_sens_local *out, ketsim_error *err)
{
    *out = (ketsim_sens_local){0};
    int rc = ketsim_params_get(s->base, name, &out->value, err);
    if (!rc)
        rc = ketsim_sens_eval(s, NULL, NULL, 0, &out->y0, err);
    if (rc || out->value == 0) {
        out->normalised = out->y0 != 0;
        return rc;
    }
    double dc, df;
    rc = derivative(s, name, out->value, out->y0, 1e-2, &dc, &out->one_sided, err);
    if (!rc)
        rc = derivative(s, name, out->value, out->y0, 1e-3, &df, &out->one_sided, err);
    if (rc)
        return rc;
    out->normalised = out->y0 != 0;
    double scale = out->normalised ? 1.0 / out->y0 : 1.0;
    out->s_coarse = dc * scale;
    out->s_fine = df * scale;
    return KETSIM_OK;
}

/* ---- forward sensitivities (CVODES) ---- */

int ketsim_sens_forward_supports(const ketsim_sens *s, const char *name)
{
    return fsens_supports(s->model, name);
}

/* The non-zero parameters: those CVODES integrates. */
static int nonzero_params(ketsim_sens *s, const char *const *names, size_t n, const char **nz, size_t *idx,
                          size_t *k, ketsim_error *err)
{
    *k = 0;
    for (size_t i = 0; i < n; i++) {
        double v;
        int rc = ketsim_params_get(s->base, names[i], &v, err);
        if (rc)
            return rc;
        if (!fsens_supports(s->model, names[i]))
            return KETSIM_FAIL(err, KETSIM_EINPUT,
                               "parameter '%s': forward sensitivities cover cascade and compound PK parameters only",
                               names[i]);
        if (v != 0)
            nz[*k] = names[i], idx[(*k)++] = i;
    }
    return KETSIM_OK;
}

static int forward_solve(ketsim_sens *s, const char *const *nz, size_t k, double *y0, double *d, long *evals,
                         ketsim_error *err)
{
    size_t ns = ketsim_model_n_states(s->model), no = ketsim_model_n_outputs(s->model);
    double *y = malloc(ns * sizeof *y), *sy = malloc(k * ns * sizeof *sy), *out = malloc(no * sizeof *out),
           *dout = malloc(k * no * sizeof *dout);
    fsens *f = NULL;
    int rc = (y && sy && out && dout) ? KETSIM_OK : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    /* back to the base values: evaluations leave the model at their last point */
    if (!rc)
        rc = ketsim_model_update(s->model, s->base, s->weight_kg, err);
    if (!rc)
        rc = fsens_create(s->model, nz, k, &f, err);
    if (!rc)
        rc = fsens_run(f, s->reg, &s->time_h, 1, y, sy, err);
    if (!rc) {
        fsens_outputs(f, y, sy, out, dout);
        fsens_stats(f, NULL, evals);
        *y0 = out[s->output];
        for (size_t i = 0; i < k; i++)
            d[i] = dout[i * no + s->output];
    }
    fsens_free(f);
    free(y), free(sy), free(out), free(dout);
    return rc;
}

int ketsim_sens_local_forward(ketsim_sens *s, const char *const *names, size_t n, double *y0, double *sens,
                              int *normalised, long *rhs_evals, ketsim_error *err)
{
    const char **nz = malloc((n ? n : 1) * sizeof *nz);
    size_t *idx = malloc((n ? n : 1) * sizeof *idx), k = 0;
    double *d = malloc((n ? n : 1) * sizeof *d);
    long evals = 0;
    int rc = (nz && idx && d) ? KETSIM_OK : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    if (!rc)
        rc = nonzero_params(s, names, n, nz, idx, &k, err);
    if (!rc && k == 0)
        rc = ketsim_sens_eval(s, NULL, NULL, 0, y0, err);
    else if (!rc)
        rc = forward_solve(s, nz, k, y0, d, &evals, err);
    if (!rc) {
        *normalised = *y0 != 0;
        for (size_t i = 0; i < n; i++)
            sens[i] = 0;
        for (size_t j = 0; j < k; j++)
            sens[idx[j]] = *normalised ? d[j] / *y0 : d[j];
        if (rhs_evals)
            *rhs_evals = evals;
    }
    free(nz), free(idx), free(d);
    return rc;
}
