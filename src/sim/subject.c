/* The subject runner (include/ketsim/subject.h): parameters, weight and a
 * regimen in, a trajectory out, on a per-thread worker that keeps every
 * buffer from one subject to the next. */
#include "ketsim/subject.h"
#include "sim_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct ketsim_subject_worker {
    ketsim_params *base;     /* typical values */
    ketsim_params *work;     /* base + the current subject's values */
    ketsim_model *model;
    ketsim_sim *sim;
    ketsim_trajectory *traj; /* the result handed out */
    double ref_weight_kg;
    /* one segment between resets: its doses and times, shifted to start at 0 */
    ketsim_regimen *seg_reg;
    ketsim_trajectory *seg_traj;
    double *seg_times;
    unsigned char *seg_before;
    size_t seg_cap;
};

int ketsim_subject_worker_create(const ketsim_params *base, const ketsim_catalog *cat,
                                 const char *const *drugs, size_t n_drugs,
                                 ketsim_subject_worker **out, ketsim_error *err)
{
    *out = NULL;
    ketsim_subject_worker *w = calloc(1, sizeof *w);
    if (!w)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    w->ref_weight_kg = ketsim_params_value(base, "species.ref_weight_kg");
    int rc = ketsim_params_clone(base, &w->base, err);
    if (!rc)
        rc = ketsim_params_clone(base, &w->work, err);
    if (!rc)
        rc = ketsim_model_create(base, cat, drugs, n_drugs, w->ref_weight_kg, &w->model, err);
    if (!rc)
        rc = ketsim_sim_create(w->model, &w->sim, err);
    if (!rc)
        rc = ketsim_regimen_create(&w->seg_reg, err);
    if (rc) {
        ketsim_subject_worker_free(w);
        return rc;
    }
    *out = w;
    return KETSIM_OK;
}

void ketsim_subject_worker_free(ketsim_subject_worker *w)
{
    if (!w)
        return;
    ketsim_traj_free(w->traj);
    ketsim_traj_free(w->seg_traj);
    ketsim_regimen_free(w->seg_reg);
    ketsim_sim_free(w->sim);
    ketsim_model_free(w->model);
    ketsim_params_free(w->work);
    ketsim_params_free(w->base);
    free(w->seg_times);
    free(w->seg_before);
    free(w);
}

int ketsim_subject_worker_set_base(ketsim_subject_worker *w, const ketsim_params *base,
                                   ketsim_error *err)
{
    return ketsim_params_copy_values(w->base, base, err);
}

void ketsim_subject_worker_set_cancel(ketsim_subject_worker *w, volatile sig_atomic_t *cancel)
{
    ketsim_sim_set_cancel(w->sim, cancel);
}

void ketsim_subject_worker_set_wall_limit(ketsim_subject_worker *w, double seconds)
{
    ketsim_sim_set_wall_limit(w->sim, seconds);
}

void ketsim_subject_worker_set_tolerances(ketsim_subject_worker *w, double rtol, double atol_scale)
{
    ketsim_sim_set_tolerances(w->sim, rtol, atol_scale);
}

const ketsim_model *ketsim_subject_worker_model(const ketsim_subject_worker *w) { return w->model; }
const ketsim_params *ketsim_subject_worker_params(const ketsim_subject_worker *w) { return w->work; }

void ketsim_subject_worker_stats(const ketsim_subject_worker *w, long *steps, long *rhs_evals,
                                 long *jac_evals)
{
    ketsim_sim_stats(w->sim, steps, rhs_evals, jac_evals);
}

int ketsim_subject_prepare(ketsim_subject_worker *w, double weight_kg,
                           const ketsim_param_value *values, size_t n_values, ketsim_error *err)
{
    int rc = ketsim_params_copy_values(w->work, w->base, err);
    for (size_t i = 0; !rc && i < n_values; i++)
        rc = ketsim_params_set_at(w->work, values[i].row, values[i].value, err);
    if (!rc)
        rc = ketsim_model_update(w->model, w->work, weight_kg > 0 ? weight_kg : w->ref_weight_kg, err);
    return rc;
}

int ketsim_subject_solve(ketsim_subject_worker *w, const ketsim_regimen *reg, const double *times_h,
                         const unsigned char *before_doses, size_t n_times,
                         const ketsim_trajectory **out, ketsim_error *err)
{
    return ketsim_subject_solve_from(w, 0.0, NULL, reg, times_h, before_doses, n_times, out, err);
}

int ketsim_subject_solve_from(ketsim_subject_worker *w, double t_start_h, const double *y_start,
                              const ketsim_regimen *reg, const double *times_h,
                              const unsigned char *before_doses, size_t n_times,
                              const ketsim_trajectory **out, ketsim_error *err)
{
    int rc = ketsim_sim_run_from(w->sim, t_start_h, y_start, reg, times_h, before_doses, n_times, &w->traj, err);
    *out = rc ? NULL : w->traj;
    return rc;
}

static int reserve_segment(ketsim_subject_worker *w, size_t n, ketsim_error *err)
{
    if (n <= w->seg_cap)
        return KETSIM_OK;
    double *t = realloc(w->seg_times, n * sizeof *t);
    if (t)
        w->seg_times = t;
    unsigned char *b = realloc(w->seg_before, n * sizeof *b);
    if (b)
        w->seg_before = b;
    if (!t || !b)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory for %zu output times", n);
    w->seg_cap = n;
    return KETSIM_OK;
}

/* Output times of the segment [t0, t1): those before t1, and those at t1
 * asking for the value before t1's events (the reset among them). */
static size_t segment_end(const ketsim_subject_input *in, size_t first, double t1)
{
    size_t k = first;
    while (k < in->n_times &&
           (in->times_h[k] < t1 || (in->times_h[k] == t1 && in->before_doses && in->before_doses[k])))
        k++;
    return k;
}

/* Solve the segment starting at t0 for outputs [first, end) into w->traj. */
static int run_segment(ketsim_subject_worker *w, const ketsim_subject_input *in, double t0, double t1,
                       size_t first, size_t end, ketsim_error *err)
{
    ketsim_regimen_clear(w->seg_reg);
    const ketsim_regimen *reg = in->regimen;
    for (size_t i = 0; reg && i < ketsim_regimen_count(reg); i++) {
        ketsim_dose d = *ketsim_regimen_dose(reg, i);
        if (d.time_h < t0 || d.time_h >= t1)
            continue; /* before the reset it acted no more; after the segment, not yet */
        d.time_h -= t0;
        int rc = ketsim_regimen_add(w->seg_reg, &d, err);
        if (rc)
            return rc;
    }
    size_t n = end - first;
    for (size_t k = 0; k < n; k++) {
        w->seg_times[k] = in->times_h[first + k] - t0;
        w->seg_before[k] = in->before_doses ? in->before_doses[first + k] : 0;
    }
    int rc = ketsim_sim_run_marked(w->sim, w->seg_reg, w->seg_times, w->seg_before, n, &w->seg_traj, err);
    for (size_t k = 0; !rc && k < n; k++)
        sim_traj_copy_row(w->traj, first + k, w->seg_traj, k, in->times_h[first + k]);
    return rc;
}

/* A regimen with resets: each segment from its reset to the next starts
 * from the untreated steady state. */
static int run_with_resets(ketsim_subject_worker *w, const ketsim_subject_input *in, ketsim_error *err)
{
    const ketsim_regimen *reg = in->regimen;
    size_t nr = ketsim_regimen_n_resets(reg);
    int rc = reserve_segment(w, in->n_times, err);
    if (!rc)
        rc = sim_traj_reserve(&w->traj, in->n_times, ketsim_model_n_states(w->model),
                              ketsim_model_n_outputs(w->model), err);
    if (!rc)
        rc = sim_traj_set_names(w->traj, w->model, err);
    size_t first = 0;
    for (size_t s = 0; !rc && s <= nr; s++) {
        double t0 = s == 0 ? 0.0 : ketsim_regimen_reset_time(reg, s - 1);
        double t1 = s == nr ? INFINITY : ketsim_regimen_reset_time(reg, s);
        size_t end = segment_end(in, first, t1);
        if (end > first)
            rc = run_segment(w, in, t0, t1, first, end, err);
        first = end;
    }
    return rc;
}

int ketsim_subject_run(ketsim_subject_worker *w, const ketsim_subject_input *in,
                       const ketsim_trajectory **out, ketsim_error *err)
{
    *out = NULL;
    int rc = ketsim_subject_prepare(w, in->weight_kg, in->values, in->n_values, err);
    if (rc)
        return rc;
    if (!in->regimen)
        ketsim_regimen_clear(w->seg_reg); /* stands in for "no doses" */
    if (in->regimen && ketsim_regimen_n_resets(in->regimen) > 0)
        rc = run_with_resets(w, in, err);
    else
        rc = ketsim_sim_run_marked(w->sim, in->regimen ? in->regimen : w->seg_reg, in->times_h,
                                   in->before_doses, in->n_times, &w->traj, err);
    if (!rc)
        *out = w->traj;
    return rc;
}

int ketsim_subject_run_stream(ketsim_subject_worker *w, const ketsim_subject_input *in, ketsim_row_fn fn,
                              void *user, ketsim_error *err)
{
    if (in->before_doses || (in->regimen && ketsim_regimen_n_resets(in->regimen) > 0))
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "streamed runs take no resets and no pre-dose flags");
    int rc = ketsim_subject_prepare(w, in->weight_kg, in->values, in->n_values, err);
    if (rc)
        return rc;
    if (!in->regimen)
        ketsim_regimen_clear(w->seg_reg); /* stands in for "no doses" */
    return ketsim_sim_run_stream(w->sim, in->regimen ? in->regimen : w->seg_reg, in->times_h, in->n_times, fn,
                                 user, err);
}
