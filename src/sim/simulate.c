/* Turn a regimen into solver inputs and a solve into a trajectory. */
#include "ketsim/simulate.h"
#include "model/model_impl.h"
#include "model/dosing.h"
#include "sim_internal.h"
#include "sim_pattern.h"
#include "solver.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ketsim_sim {
    const ketsim_model *m;
    solver *sol;
    double *y0, *atol;
    dose_inputs inputs;
};

#define SIM_DEFAULT_RTOL 1e-6

struct ketsim_trajectory {
    size_t n_times, n_states, n_out;
    double *times, *states, *outputs;
    /* names of the outputs past the fixed list (per compound), copied from
     * the model so that a trajectory can outlive it */
    ketsim_output_info *extra;
    char (*extra_text)[3][128];
    size_t n_extra;
};

static void model_rhs_adapter(double t, const double *y, double *ydot, void *user)
{
    ketsim_model_rhs(user, t, y, ydot);
}

int ketsim_sim_create(const ketsim_model *m, ketsim_sim **out, ketsim_error *err)
{
    *out = NULL;
    ketsim_sim *s = calloc(1, sizeof *s);
    if (!s)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    size_t n = ketsim_model_n_states(m);
    s->m = m;
    s->y0 = calloc(n, sizeof *s->y0);
    s->atol = calloc(n, sizeof *s->atol);
    if (!s->y0 || !s->atol) {
        ketsim_sim_free(s);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    ketsim_model_atol(m, s->atol);
    int rc = solver_create(n, model_rhs_adapter, (void *)m, s->atol, 1e-6, &s->sol, err);
    if (!rc)
        rc = sim_set_model_pattern(s->sol, m, err);
    if (rc) {
        ketsim_sim_free(s);
        return rc;
    }
    *out = s;
    return KETSIM_OK;
}

void ketsim_sim_free(ketsim_sim *s)
{
    if (!s)
        return;
    solver_free(s->sol);
    free(s->y0);
    free(s->atol);
    dose_inputs_free(&s->inputs);
    free(s);
}

int ketsim_sim_set_model(ketsim_sim *s, const ketsim_model *m, ketsim_error *err)
{
    if (ketsim_model_n_states(m) != ketsim_model_n_states(s->m))
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "model has a different state layout");
    int rc = m == s->m ? KETSIM_OK : sim_set_model_pattern(s->sol, m, err);
    if (rc)
        return rc;
    s->m = m;
    ketsim_model_atol(m, s->atol);
    solver_set_user(s->sol, (void *)m, s->atol);
    return KETSIM_OK;
}

void ketsim_sim_set_tolerances(ketsim_sim *s, double rtol, double atol_scale)
{
    if (!(rtol > 0) || !isfinite(rtol))
        rtol = SIM_DEFAULT_RTOL;
    if (!(atol_scale > 0) || !isfinite(atol_scale))
        atol_scale = 1.0;
    ketsim_model_atol(s->m, s->atol);
    for (size_t i = 0; i < ketsim_model_n_states(s->m); i++)
        s->atol[i] *= atol_scale;
    /* positive finite values: CVODE accepts them */
    (void)solver_set_tolerances(s->sol, rtol, s->atol, NULL);
}

static int copy_extra(ketsim_trajectory *t, const ketsim_model *m, const ketsim_trajectory *src,
                      ketsim_error *err);

int sim_traj_reserve(ketsim_trajectory **out, size_t nt, size_t ns, size_t no, ketsim_error *err)
{
    ketsim_trajectory *t = *out;
    if (t && t->n_times == nt && t->n_states == ns && t->n_out == no)
        return KETSIM_OK;
    ketsim_traj_free(t);
    *out = t = calloc(1, sizeof *t);
    if (!t)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    t->n_times = nt, t->n_states = ns, t->n_out = no;
    t->times = malloc((nt ? nt : 1) * sizeof *t->times);
    t->states = malloc((nt ? nt : 1) * ns * sizeof *t->states);
    t->outputs = malloc((nt ? nt : 1) * no * sizeof *t->outputs);
    if (!t->times || !t->states || !t->outputs) {
        ketsim_traj_free(t);
        *out = NULL;
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory for %zu output times", nt);
    }
    return KETSIM_OK;
}

int ketsim_sim_run(ketsim_sim *s, const ketsim_regimen *reg, const double *times_h,
                   size_t n_times, ketsim_trajectory **out, ketsim_error *err)
{
    return ketsim_sim_run_marked(s, reg, times_h, NULL, n_times, out, err);
}

int ketsim_sim_run_marked(ketsim_sim *s, const ketsim_regimen *reg, const double *times_h,
                          const unsigned char *before_doses, size_t n_times,
                          ketsim_trajectory **out, ketsim_error *err)
{
    return ketsim_sim_run_from(s, 0.0, NULL, reg, times_h, before_doses, n_times, out, err);
}

int ketsim_sim_run_from(ketsim_sim *s, double t_start_h, const double *y_start, const ketsim_regimen *reg,
                        const double *times_h, const unsigned char *before_doses, size_t n_times,
                        ketsim_trajectory **out, ketsim_error *err)
{
    size_t ns = ketsim_model_n_states(s->m);
    int rc = KETSIM_OK;
    if (y_start)
        memcpy(s->y0, y_start, ns * sizeof *s->y0);
    else
        rc = ketsim_model_steady_state(s->m, s->y0, err);
    if (!rc)
        rc = dose_inputs_build(s->m, reg, &s->inputs, err);
    if (!rc)
        rc = sim_traj_reserve(out, n_times, ns, ketsim_model_n_outputs(s->m), err);
    if (!rc)
        rc = sim_traj_set_names(*out, s->m, err);
    if (rc)
        return rc;
    ketsim_trajectory *t = *out;
    memcpy(t->times, times_h, n_times * sizeof *times_h);
    rc = solver_run_from(s->sol, t_start_h, s->y0, s->inputs.v, s->inputs.n, times_h, before_doses, n_times,
                         t->states, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < n_times; i++) {
        double *o = t->outputs + i * t->n_out;
        ketsim_model_outputs(s->m, t->states + i * ns, o);
        o[0] = times_h[i];
        if ((rc = sim_check_outputs(s->m, o, t->n_out, times_h[i], err)))
            return rc;
    }
    return KETSIM_OK;
}

/* A NaN or an infinity in a read-out means the model is undefined for these
 * parameter values (a zero where a division needs a positive number, an
 * overflow): an error that names the output and the time, never a number
 * passed on to a file or an endpoint. */
int sim_check_outputs(const ketsim_model *m, const double *o, size_t n_out, double t_h, ketsim_error *err)
{
    for (size_t k = 0; k < n_out; k++)
        if (!isfinite(o[k])) {
            const ketsim_output_info *info = ketsim_model_output(m, k);
            return KETSIM_FAIL(err, KETSIM_ESOLVER,
                               "output '%s' is %s at t = %.6g h: the model is undefined for these parameter values",
                               info ? info->name : "?", isnan(o[k]) ? "NaN" : "infinite", t_h);
        }
    return KETSIM_OK;
}

/* The sink between the solver and the caller's row function: the state of
 * one output time becomes its read-outs, checked, then handed on. */
typedef struct stream_ctx {
    ketsim_sim *s;
    const double *times_h;
    double *row;
    size_t n_out;
    ketsim_row_fn fn;
    void *user;
    ketsim_error *err;
    int rc;          /* the first failure: a NaN read-out or the caller's */
} stream_ctx;

static int stream_sink(size_t i, const double *y, void *user)
{
    stream_ctx *c = user;
    ketsim_model_outputs(c->s->m, y, c->row);
    c->row[0] = c->times_h[i];
    c->rc = sim_check_outputs(c->s->m, c->row, c->n_out, c->times_h[i], c->err);
    if (!c->rc)
        c->rc = c->fn(c->times_h[i], c->row, c->n_out, c->user, c->err);
    return c->rc;
}

int ketsim_sim_run_stream(ketsim_sim *s, const ketsim_regimen *reg, const double *times_h, size_t n_times,
                          ketsim_row_fn fn, void *user, ketsim_error *err)
{
    int rc = ketsim_model_steady_state(s->m, s->y0, err);
    if (!rc)
        rc = dose_inputs_build(s->m, reg, &s->inputs, err);
    if (rc)
        return rc;
    stream_ctx c = {s, times_h, NULL, ketsim_model_n_outputs(s->m), fn, user, err, KETSIM_OK};
    c.row = malloc(c.n_out * sizeof *c.row);
    if (!c.row)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    solver_set_sink(s->sol, stream_sink, &c);
    rc = solver_run(s->sol, s->y0, s->inputs.v, s->inputs.n, times_h, NULL, n_times, NULL, err);
    solver_set_sink(s->sol, NULL, NULL);
    free(c.row);
    /* a row that failed said why in err; the solver's own "stopped" would hide it */
    return c.rc ? c.rc : rc;
}

void ketsim_sim_set_cancel(ketsim_sim *s, volatile sig_atomic_t *cancel)
{
    solver_set_cancel(s->sol, cancel);
}

solver *sim_solver(ketsim_sim *s) { return s->sol; }

void ketsim_sim_set_wall_limit(ketsim_sim *s, double seconds)
{
    solver_set_wall_limit(s->sol, seconds);
}

void ketsim_sim_stats(const ketsim_sim *s, long *steps, long *rhs_evals, long *jac_evals)
{
    solver_stats st;
    solver_get_stats(s->sol, &st);
    if (steps)
        *steps = st.steps;
    if (rhs_evals)
        *rhs_evals = st.rhs_evals;
    if (jac_evals)
        *jac_evals = st.jac_evals;
}

size_t ketsim_traj_n_times(const ketsim_trajectory *t) { return t->n_times; }
double ketsim_traj_time(const ketsim_trajectory *t, size_t i) { return t->times[i]; }
size_t ketsim_traj_n_states(const ketsim_trajectory *t) { return t->n_states; }
size_t ketsim_traj_n_outputs(const ketsim_trajectory *t) { return t->n_out; }

const ketsim_output_info *ketsim_traj_output_info(const ketsim_trajectory *t, size_t k)
{
    size_t nf = ketsim_n_outputs();
    if (k < nf)
        return ketsim_output(k);
    return k - nf < t->n_extra ? &t->extra[k - nf] : NULL;
}

/* Copy the names of the outputs past the fixed list from a model (or a
 * trajectory, m == NULL) into t; storage is reused at the same count. */
static int copy_extra(ketsim_trajectory *t, const ketsim_model *m, const ketsim_trajectory *src,
                      ketsim_error *err)
{
    size_t nf = ketsim_n_outputs(), n = t->n_out - nf;
    if (t->n_extra != n) {
        free(t->extra);
        free(t->extra_text);
        t->extra = calloc(n ? n : 1, sizeof *t->extra);
        t->extra_text = calloc(n ? n : 1, sizeof *t->extra_text);
        t->n_extra = 0;
        if (!t->extra || !t->extra_text)
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
        t->n_extra = n;
    }
    for (size_t k = 0; k < n; k++) {
        const ketsim_output_info *o = m ? ketsim_model_output(m, nf + k) : &src->extra[k];
        snprintf(t->extra_text[k][0], 128, "%s", o->name);
        snprintf(t->extra_text[k][1], 128, "%s", o->unit);
        snprintf(t->extra_text[k][2], 128, "%s", o->description);
        t->extra[k] = (ketsim_output_info){t->extra_text[k][0], t->extra_text[k][1], t->extra_text[k][2]};
    }
    return KETSIM_OK;
}

double ketsim_traj_output(const ketsim_trajectory *t, size_t i, size_t k)
{
    return t->outputs[i * t->n_out + k];
}

const double *ketsim_traj_state(const ketsim_trajectory *t, size_t i)
{
    return t->states + i * t->n_states;
}

int sim_traj_set_names(ketsim_trajectory *t, const ketsim_model *m, ketsim_error *err)
{
    return copy_extra(t, m, NULL, err);
}

void sim_traj_copy_row(ketsim_trajectory *dst, size_t i, const ketsim_trajectory *src, size_t j,
                       double time_h)
{
    memcpy(dst->states + i * dst->n_states, src->states + j * src->n_states, dst->n_states * sizeof *dst->states);
    memcpy(dst->outputs + i * dst->n_out, src->outputs + j * src->n_out, dst->n_out * sizeof *dst->outputs);
    dst->times[i] = time_h;
    dst->outputs[i * dst->n_out] = time_h;
}

int ketsim_traj_copy(const ketsim_trajectory *src, ketsim_trajectory **dst, ketsim_error *err)
{
    int rc = sim_traj_reserve(dst, src->n_times, src->n_states, src->n_out, err);
    if (!rc)
        rc = copy_extra(*dst, NULL, src, err);
    if (rc)
        return rc;
    ketsim_trajectory *t = *dst;
    memcpy(t->times, src->times, src->n_times * sizeof *t->times);
    memcpy(t->states, src->states, src->n_times * src->n_states * sizeof *t->states);
    memcpy(t->outputs, src->outputs, src->n_times * src->n_out * sizeof *t->outputs);
    return KETSIM_OK;
}

void ketsim_traj_free(ketsim_trajectory *t)
{
    if (!t)
        return;
    free(t->times);
    free(t->states);
    free(t->outputs);
    free(t->extra);
    free(t->extra_text);
    free(t);
}

int ketsim_grid_uniform(double until_h, double every_h, double **times, size_t *n, ketsim_error *err)
{
    *times = NULL;
    *n = 0;
    if (!(until_h >= 0) || !isfinite(until_h))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--until must be a duration >= 0");
    if (!(every_h > 0) || !isfinite(every_h))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--every must be a positive duration");
    double count = floor(until_h / every_h + 1e-9) + 1;
    if (count > 5e6)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "output grid of %.0f points is too large (max 5e6)", count);
    size_t k = (size_t)count;
    int ends_on_grid = fabs((k - 1) * every_h - until_h) <= 1e-9 * fmax(1.0, until_h);
    size_t total = k + (ends_on_grid ? 0 : 1);
    double *t = malloc(total * sizeof *t);
    if (!t)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    for (size_t i = 0; i < k; i++)
        t[i] = (double)i * every_h;
    if (ends_on_grid)
        t[k - 1] = until_h;
    else
        t[k] = until_h;
    *times = t;
    *n = total;
    return KETSIM_OK;
}
