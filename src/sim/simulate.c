/* Turn a regimen into solver inputs and a solve into a trajectory. */
#include "ketsim/simulate.h"
#include "model/model_impl.h"
#include "sim_internal.h"
#include "solver.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct ketsim_sim {
    const ketsim_model *m;
    solver *sol;
    double *y0, *atol;
    solver_input *inputs;
    size_t inputs_cap;
};

struct ketsim_trajectory {
    size_t n_times, n_states, n_out;
    double *times, *states, *outputs;
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
    free(s->inputs);
    free(s);
}

int ketsim_sim_set_model(ketsim_sim *s, const ketsim_model *m, ketsim_error *err)
{
    if (ketsim_model_n_states(m) != ketsim_model_n_states(s->m))
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "model has a different state layout");
    s->m = m;
    ketsim_model_atol(m, s->atol);
    solver_set_user(s->sol, (void *)m, s->atol);
    return KETSIM_OK;
}

static int push_input(ketsim_sim *s, size_t *n, double t0, double dur, long state, double amount,
                      ketsim_error *err)
{
    if (state < 0)
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "dose into a compartment that does not exist");
    if (*n == s->inputs_cap) {
        size_t cap = s->inputs_cap ? 2 * s->inputs_cap : 32;
        solver_input *a = realloc(s->inputs, cap * sizeof *a);
        if (!a)
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
        s->inputs = a;
        s->inputs_cap = cap;
    }
    s->inputs[(*n)++] = (solver_input){t0, t0 + dur, (size_t)state, amount};
    return KETSIM_OK;
}

/* One compound's share of a dose, routed to its compartment(s). */
static int route_dose(ketsim_sim *s, size_t *n, const model_compound *c, const ketsim_dose *d,
                      double mg, ketsim_error *err)
{
    const route_par *r = &s->m->route;
    double t = d->time_h + r->lag[d->route], dur = d->duration_h;
    switch (d->route) {
    case KETSIM_ROUTE_IV:
        return push_input(s, n, t, dur, c->s_c, mg, err);
    case KETSIM_ROUTE_IN: {
        int rc = push_input(s, n, t, dur, c->s_depot[DEPOT_NASAL], mg * r->f_nasal, err);
        if (rc || r->f_nasal >= 1.0)
            return rc;
        return push_input(s, n, t + r->swallow_lag, dur, c->s_depot[DEPOT_GUT], mg * (1.0 - r->f_nasal), err);
    }
    case KETSIM_ROUTE_PO:
        return push_input(s, n, t, dur, c->s_depot[DEPOT_GUT], mg, err);
    case KETSIM_ROUTE_IM:
        return push_input(s, n, t, dur, c->s_depot[DEPOT_IM], mg, err);
    case KETSIM_ROUTE_SC:
        return push_input(s, n, t, dur, c->s_depot[DEPOT_SC], mg, err);
    case KETSIM_ROUTE_IP:
        return push_input(s, n, t, dur, c->s_depot[DEPOT_IP], mg, err);
    case KETSIM_ROUTE_ICV:
        /* The brain state is a free concentration (uM): the dose dilutes into
         * the brain volume and washes out at the compound's keo. */
        if (c->s_brain < 0)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "compound '%s' has no brain compartment for an icv dose", c->name);
        return push_input(s, n, t, dur, c->s_brain, mg / c->mw * 1000.0 / r->brain_volume_l, err);
    default:
        return KETSIM_FAIL(err, KETSIM_EINPUT, "invalid route");
    }
}

static int build_inputs(ketsim_sim *s, const ketsim_regimen *reg, size_t *n, ketsim_error *err)
{
    const ketsim_model *m = s->m;
    *n = 0;
    for (size_t i = 0; i < ketsim_regimen_count(reg); i++) {
        const ketsim_dose *d = ketsim_regimen_dose(reg, i);
        long di = d->drug[0] ? model_drug_index(m, d->drug) : 0;
        if (di < 0 || (size_t)di >= m->n_drugs)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "dose %zu: drug '%s' is not part of this model", i + 1, d->drug);
        const struct model_drug *md = &m->drugs[di];
        double mg = d->per_kg ? d->amount * m->weight_kg : d->amount;
        for (size_t k = 0; k < md->n; k++) {
            int rc = route_dose(s, n, &m->cmp[md->compound[k]], d, mg * md->fraction[k], err);
            if (rc)
                return rc;
        }
    }
    return KETSIM_OK;
}

static int traj_reserve(ketsim_trajectory **out, size_t nt, size_t ns, ketsim_error *err)
{
    ketsim_trajectory *t = *out;
    size_t no = ketsim_n_outputs();
    if (t && t->n_times == nt && t->n_states == ns)
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
    size_t ns = ketsim_model_n_states(s->m), n_in;
    int rc = ketsim_model_steady_state(s->m, s->y0, err);
    if (!rc)
        rc = build_inputs(s, reg, &n_in, err);
    if (!rc)
        rc = traj_reserve(out, n_times, ns, err);
    if (rc)
        return rc;
    ketsim_trajectory *t = *out;
    memcpy(t->times, times_h, n_times * sizeof *times_h);
    rc = solver_run(s->sol, s->y0, s->inputs, n_in, times_h, n_times, t->states, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < n_times; i++) {
        double *o = t->outputs + i * t->n_out;
        ketsim_model_outputs(s->m, t->states + i * ns, o);
        o[0] = times_h[i];
    }
    return KETSIM_OK;
}

solver *sim_solver(ketsim_sim *s) { return s->sol; }

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

double ketsim_traj_output(const ketsim_trajectory *t, size_t i, size_t k)
{
    return t->outputs[i * t->n_out + k];
}

const double *ketsim_traj_state(const ketsim_trajectory *t, size_t i)
{
    return t->states + i * t->n_states;
}

void ketsim_traj_free(ketsim_trajectory *t)
{
    if (!t)
        return;
    free(t->times);
    free(t->states);
    free(t->outputs);
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
