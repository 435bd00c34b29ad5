/* Simulating a dataset: each subject is cut into segments at resets (EVID 3,
 * EVID 4, SS=1 doses).  A segment starts from the untreated steady state, so
 * it is one ketsim_sim_run with times shifted so that the segment (and any
 * steady-state dosing history before it) starts at simulation time 0. */
#include "dataset_impl.h"
#include "ketsim/model.h"
#include "ketsim/simulate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SS_MAX_INTERVALS 500
#define SS_MAX_HISTORY_H (5 * 365 * 24.0)
#define SS_INFUSION_CHECK_H 12.0   /* check interval for a constant infusion */

typedef struct seg_dose {
    double time_h, amount_mg, duration_h; /* dataset time; may lie before the segment start */
    ketsim_route route;
} seg_dose;

typedef struct segment {
    double t0_h;           /* dataset time where the segment starts */
    seg_dose *doses;
    size_t n_doses, cap_doses;
    size_t *obs;           /* record indices of the predictions */
    size_t n_obs;
} segment;

typedef struct ctx {
    const ketsim_dataset *ds;
    const ketsim_dataset_sim_opts *o;
    ketsim_model *m;
    ketsim_sim *sim;
    ketsim_regimen *reg;
    ketsim_trajectory *traj;
    double *times;         /* one slot per record: enough for any segment */
    double *pred;
    double end_h;          /* last record time of the current subject */
    long ss_guess;         /* history length the last steady-state search found */
    segment seg;
    ketsim_error *err;
} ctx;

static int push_dose(ctx *c, double t, double mg, double dur, ketsim_route route)
{
    segment *s = &c->seg;
    if (s->n_doses == s->cap_doses) {
        size_t cap = s->cap_doses ? 2 * s->cap_doses : 32;
        seg_dose *a = realloc(s->doses, cap * sizeof *a);
        if (!a)
            return KETSIM_FAIL(c->err, KETSIM_ENOMEM, "out of memory");
        s->doses = a, s->cap_doses = cap;
    }
    s->doses[s->n_doses++] = (seg_dose){t, mg, dur, route};
    return KETSIM_OK;
}

/* Build the regimen of doses in `d` shifted by `shift_h` and simulate it at `times`. */
static int run_doses(ctx *c, const seg_dose *d, size_t n, double shift_h, const double *times, size_t nt)
{
    ketsim_regimen_clear(c->reg);
    for (size_t i = 0; i < n; i++) {
        ketsim_dose k = {.route = d[i].route, .amount = d[i].amount_mg, .duration_h = d[i].duration_h,
                         .time_h = fmax(0.0, d[i].time_h + shift_h)};
        int rc = ketsim_regimen_add(c->reg, &k, c->err);
        if (rc)
            return rc;
    }
    return ketsim_sim_run(c->sim, c->reg, times, nt, &c->traj, c->err);
}

/* Steady state is a property of the drug, as in NONMEM: drug concentrations
 * (plasma and brain) repeat from one period to the next.  The biology they
 * drive adapts over months and is not required to have settled. */
static int is_drug_output(const char *name)
{
    return (strncmp(name, "plasma_", 7) == 0 && strcmp(name, "plasma_bdnf_rel") != 0) ||
           strncmp(name, "brain_", 6) == 0;
}

static int outputs_close(const ketsim_trajectory *t, size_t a, size_t b, double tol)
{
    for (size_t k = 1; k < ketsim_n_outputs(); k++) {
        if (!is_drug_output(ketsim_output(k)->name))
            continue;
        double x = ketsim_traj_output(t, a, k), y = ketsim_traj_output(t, b, k);
        if (fabs(x - y) > tol * fmax(fabs(x), fabs(y)) + 1e-12)
            return 0;
    }
    return 1;
}

/* Simulate `n` periods of the steady-state dosing alone (outputs at the end
 * of each period) and find the first period after which every drug concentration changes
 * by less than `tol` from one period to the next; 0 if none. */
static int ss_try(ctx *c, const ds_record *r, ketsim_route route, double period_h, long n, double tol,
                  long *found)
{
    int infusion = r->ii_h == 0;
    double dur = infusion ? n * period_h : ds_dose_duration_h(r);
    segment saved = c->seg;
    c->seg = (segment){0};
    int rc = KETSIM_OK;
    for (long k = 0; !rc && k <= (infusion ? 0 : n); k++)
        rc = push_dose(c, k * period_h, infusion ? r->rate_mg_per_h * dur : r->amt_mg, dur, route);
    for (long k = 0; k < n; k++)
        c->times[k] = (k + 1) * period_h;
    if (!rc)
        rc = run_doses(c, c->seg.doses, c->seg.n_doses, 0, c->times, (size_t)n);
    free(c->seg.doses);
    c->seg = saved;
    *found = 0;
    for (long k = 1; !rc && k < n && !*found; k++)
        if (outputs_close(c->traj, (size_t)k - 1, (size_t)k, tol))
            *found = k + 1;
    return rc;
}

/* Number of dosing periods before a steady-state dose after which every
 * output changes by less than the tolerance from one period to the next.
 * The history is doubled until that happens, so a fast drug costs little;
 * the length found for the previous steady-state dose is tried first. */
static int ss_periods(ctx *c, const ds_record *r, ketsim_route route, double period_h, long *n_out)
{
    long nmax = (long)fmin(SS_MAX_INTERVALS, floor(SS_MAX_HISTORY_H / period_h));
    if (nmax < 2)
        nmax = 2;
    double tol = c->o->ss_tol > 0 ? c->o->ss_tol : 1e-6;
    long first = c->ss_guess > 16 ? c->ss_guess + 1 : 16;
    for (long n = first < nmax ? first : nmax;; n = 2 * n > nmax ? nmax : 2 * n) {
        int rc = ss_try(c, r, route, period_h, n, tol, n_out);
        if (rc || *n_out) {
            c->ss_guess = *n_out;
            return rc;
        }
        if (n == nmax)
            break;
    }
    return KETSIM_FAIL(c->err, KETSIM_EINPUT, "%s:%ld: SS=%ld: no steady state within %ld periods of %g h (relative tolerance %g)",
                       c->ds->name, r->line, r->ss, nmax, period_h, tol);
}

/* A dose record: the dose itself, its ADDL repeats, and its steady-state history. */
static int add_dose_record(ctx *c, const ds_record *r)
{
    ketsim_route route;
    ketsim_dataset_cmt_route(r->cmt, &route);
    double dur = ds_dose_duration_h(r);
    int rc = KETSIM_OK;
    if (r->ss > 0 && r->ii_h == 0) {
        /* Constant infusion at steady state: it runs from its history to the
         * end of the subject's records (a later reset ends the segment). */
        long n;
        rc = ss_periods(c, r, route, SS_INFUSION_CHECK_H, &n);
        double start = r->time_h - n * SS_INFUSION_CHECK_H, len = c->end_h - start + 1.0;
        return rc ? rc : push_dose(c, start, r->rate_mg_per_h * len, len, route);
    }
    if (r->ss > 0) {
        long n;
        rc = ss_periods(c, r, route, r->ii_h, &n);
        for (long k = n; !rc && k >= 1; k--)
            rc = push_dose(c, r->time_h - k * r->ii_h, r->amt_mg, dur, route);
    }
    for (long k = 0; !rc && k <= r->addl; k++)
        rc = push_dose(c, r->time_h + k * r->ii_h, r->amt_mg, dur, route);
    return rc;
}

/* Simulate the current segment's predictions and start a new segment at t0. */
static int flush_segment(ctx *c, double t0)
{
    segment *s = &c->seg;
    int rc = KETSIM_OK;
    if (s->n_obs) {
        /* Shift so that the earliest dose (history included) or the segment
         * start, whichever is first, is simulation time 0. */
        double first = s->t0_h;
        for (size_t i = 0; i < s->n_doses; i++)
            first = fmin(first, s->doses[i].time_h);
        for (size_t i = 0; i < s->n_obs; i++)
            c->times[i] = c->ds->rec[s->obs[i]].time_h - first;
        rc = run_doses(c, s->doses, s->n_doses, -first, c->times, s->n_obs);
        for (size_t i = 0; !rc && i < s->n_obs; i++)
            c->pred[s->obs[i]] = ketsim_traj_output(c->traj, i, c->ds->rec[s->obs[i]].output);
    }
    s->t0_h = t0;
    s->n_doses = 0;
    s->n_obs = 0;
    return rc;
}

static int subject_weight(const ctx *c, const ds_subject *sj, double *wt)
{
    *wt = c->o->default_weight_kg;
    for (size_t i = sj->first; i < sj->first + sj->n; i++)
        if (c->ds->rec[i].has_wt) {
            *wt = c->ds->rec[i].wt_kg; /* constant per subject: the first value */
            break;
        }
    return KETSIM_OK;
}

static int simulate_subject(ctx *c, const ds_subject *sj)
{
    const ds_record *r0 = &c->ds->rec[sj->first];
    double wt;
    subject_weight(c, sj, &wt);
    int rc = ketsim_model_update(c->m, c->o->params, wt, c->err);
    if (!rc)
        rc = ketsim_sim_set_model(c->sim, c->m, c->err);
    c->end_h = c->ds->rec[sj->first + sj->n - 1].time_h;
    c->seg.t0_h = r0->time_h;
    c->seg.n_doses = c->seg.n_obs = 0;
    for (size_t i = sj->first; !rc && i < sj->first + sj->n; i++) {
        const ds_record *r = &c->ds->rec[i];
        int resets = r->evid == DS_RESET || r->evid == DS_RESET_DOSE || (r->evid == DS_DOSE && r->ss == 1);
        if (resets)
            rc = flush_segment(c, r->time_h);
        if (!rc && (r->evid == DS_DOSE || r->evid == DS_RESET_DOSE))
            rc = add_dose_record(c, r);
        if (r->evid == DS_OBS || r->evid == DS_OTHER)
            c->seg.obs[c->seg.n_obs++] = i;
    }
    if (!rc)
        rc = flush_segment(c, 0);
    return rc;
}

static int ctx_init(ctx *c, const ketsim_dataset *ds, const ketsim_dataset_sim_opts *o, double *pred,
                    ketsim_error *err)
{
    memset(c, 0, sizeof *c);
    c->ds = ds, c->o = o, c->pred = pred, c->err = err;
    size_t nt = ds->n_rec > SS_MAX_INTERVALS ? ds->n_rec : SS_MAX_INTERVALS;
    c->times = malloc(nt * sizeof *c->times);
    c->seg.obs = malloc(ds->n_rec * sizeof *c->seg.obs);
    if (!c->times || !c->seg.obs)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    const char *drugs[1] = {o->drug};
    int rc = ketsim_model_create(o->params, o->catalog, drugs, 1, o->default_weight_kg, &c->m, err);
    if (!rc)
        rc = ketsim_sim_create(c->m, &c->sim, err);
    if (!rc)
        rc = ketsim_regimen_create(&c->reg, err);
    return rc;
}

static void ctx_free(ctx *c)
{
    ketsim_traj_free(c->traj);
    ketsim_regimen_free(c->reg);
    ketsim_sim_free(c->sim);
    ketsim_model_free(c->m);
    free(c->times);
    free(c->seg.obs);
    free(c->seg.doses);
}

int ketsim_dataset_simulate(const ketsim_dataset *ds, const ketsim_dataset_sim_opts *opts,
                            double *pred, ketsim_error *err)
{
    for (size_t i = 0; i < ds->n_rec; i++)
        pred[i] = NAN;
    ctx c;
    int rc = ctx_init(&c, ds, opts, pred, err);
    for (size_t s = 0; !rc && s < ds->n_subj; s++) {
        rc = simulate_subject(&c, &ds->subj[s]);
        if (rc) {
            char prefix[64];
            snprintf(prefix, sizeof prefix, "ID %g: ", ds->rec[ds->subj[s].first].id);
            ketsim_error_prefix(err, prefix);
        } else if (opts->progress) {
            opts->progress(s + 1, opts->progress_user);
        }
    }
    ctx_free(&c);
    return rc;
}
