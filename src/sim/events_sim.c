/* Simulating an event table (docs/dataset.md).  Each subject is cut into
 * segments at resets (EVID 3, EVID 4, SS=1 doses).  A segment starts from
 * the untreated steady state, so it is one solve of the subject worker with
 * times shifted so that the segment (and any steady-state dosing history
 * before it) starts at simulation time 0.
 *
 * A subject whose covariates change (ketsim_events_piece) is solved in
 * pieces within a segment: each piece from the state where the one before
 * ended, with its own parameters.
 *
 * Ties are resolved as NONMEM does: an observation listed before a dose at
 * the same TIME is the value just before that dose (a trough), one listed
 * after it sees it; doses implied by ADDL come after every record at their
 * time, so an observation at an implied dose time is a trough too. */
#include "events_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SS_MAX_INTERVALS 500
#define SS_MAX_HISTORY_H (5 * 365 * 24.0)
#define SS_INFUSION_CHECK_H 12.0   /* check interval for a constant infusion */

typedef struct seg_dose {
    double time_h, amount_mg, duration_h; /* record time; may lie before the segment start */
    ketsim_route route;
} seg_dose;

typedef struct segment {
    double t0_h;             /* record time where the segment starts */
    seg_dose *doses;
    size_t n_doses, cap_doses;
    size_t *obs;             /* record indices of the predictions */
    unsigned char *before;   /* per prediction: just before the doses at its time */
    size_t n_obs;
    double last_dose_h;      /* time of the latest dose record in the segment (NAN: none) */
    double after_dose_h;     /* time of an observation that follows a dose record there */
} segment;

struct ketsim_events_runner {
    const ketsim_events *ev;
    ketsim_subject_worker *w;
    ketsim_regimen *reg;
    double ss_tol;
    double *times;           /* one slot per record: enough for any segment */
    unsigned char *before;
    double *pred;            /* indexed by record - pred_off */
    size_t pred_off;
    double end_h;            /* last record time of the current subject */
    long ss_guess;           /* history length the last steady-state search found */
    size_t *out_index;       /* model output index of each output code */
    segment seg;
    /* the current subject's pieces of constant parameters */
    const ketsim_events_piece *pieces;
    size_t n_pieces;
    size_t prepared;         /* the piece the worker holds (PIECE_NONE: none) */
    double *chunk_times;     /* one piece's output times, plus its end */
    unsigned char *chunk_before;
    double *y_end;           /* state where a piece ends */
    size_t n_states;
    ketsim_events_piece *own_pieces; /* built by ketsim_events_runner_run_wt */
    size_t *change_recs;
    ketsim_error *err;
};

#define PIECE_NONE ((size_t)-1)

typedef ketsim_events_runner ctx;

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

/* The piece in force at record time t. */
static size_t piece_at(const ctx *c, double t)
{
    size_t k = 0;
    while (k + 1 < c->n_pieces && c->pieces[k + 1].time_h <= t)
        k++;
    return k;
}

/* Give the worker piece k's parameters (once: preparing is not free). */
static int use_piece(ctx *c, size_t k)
{
    if (c->prepared == k)
        return KETSIM_OK;
    const ketsim_events_piece *p = &c->pieces[k];
    c->prepared = PIECE_NONE;
    int rc = ketsim_subject_prepare(c->w, p->weight_kg, p->values, p->n_values, c->err);
    if (!rc)
        c->prepared = k;
    return rc;
}

/* The doses in `d`, shifted by `shift_h`, as the runner's regimen. */
static int build_regimen(ctx *c, const seg_dose *d, size_t n, double shift_h)
{
    ketsim_regimen_clear(c->reg);
    for (size_t i = 0; i < n; i++) {
        ketsim_dose k = {.route = d[i].route, .amount = d[i].amount_mg, .duration_h = d[i].duration_h,
                         .time_h = fmax(0.0, d[i].time_h + shift_h)};
        int rc = ketsim_regimen_add(c->reg, &k, c->err);
        if (rc)
            return rc;
    }
    return KETSIM_OK;
}

/* Solve the doses in `d`, shifted by `shift_h`, at `times`. */
static int run_doses(ctx *c, const seg_dose *d, size_t n, double shift_h, const double *times,
                     const unsigned char *before, size_t nt, const ketsim_trajectory **tr)
{
    int rc = build_regimen(c, d, n, shift_h);
    return rc ? rc : ketsim_subject_solve(c->w, c->reg, times, before, nt, tr, c->err);
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
 * of each period) and find the first period after which every drug
 * concentration changes by less than `tol` from one period to the next; 0 if
 * none. */
static int ss_try(ctx *c, const ketsim_event *r, ketsim_route route, double period_h, long n, long *found)
{
    int infusion = r->ii_h == 0;
    double dur = infusion ? n * period_h : ketsim_event_duration_h(r);
    segment saved = c->seg;
    c->seg = (segment){0};
    int rc = KETSIM_OK;
    for (long k = 0; !rc && k <= (infusion ? 0 : n); k++)
        rc = push_dose(c, k * period_h, infusion ? r->rate_mg_per_h * dur : r->amt_mg, dur, route);
    for (long k = 0; k < n; k++)
        c->times[k] = (k + 1) * period_h;
    const ketsim_trajectory *tr = NULL;
    if (!rc)
        rc = run_doses(c, c->seg.doses, c->seg.n_doses, 0, c->times, NULL, (size_t)n, &tr);
    free(c->seg.doses);
    c->seg = saved;
    *found = 0;
    for (long k = 1; !rc && k < n && !*found; k++)
        if (outputs_close(tr, (size_t)k - 1, (size_t)k, c->ss_tol))
            *found = k + 1;
    return rc;
}

/* Number of dosing periods before a steady-state dose after which every
 * drug output changes by less than the tolerance from one period to the
 * next.  The history is doubled until that happens, so a fast drug costs
 * little; the length found for the previous steady-state dose is tried
 * first. */
static int ss_periods(ctx *c, const ketsim_event *r, ketsim_route route, double period_h, long *n_out)
{
    long nmax = (long)fmin(SS_MAX_INTERVALS, floor(SS_MAX_HISTORY_H / period_h));
    if (nmax < 2)
        nmax = 2;
    long first = c->ss_guess > 16 ? c->ss_guess + 1 : 16;
    for (long n = first < nmax ? first : nmax;; n = 2 * n > nmax ? nmax : 2 * n) {
        int rc = ss_try(c, r, route, period_h, n, n_out);
        if (rc || *n_out) {
            c->ss_guess = *n_out;
            return rc;
        }
        if (n == nmax)
            break;
    }
    return KETSIM_FAIL(c->err, KETSIM_EINPUT,
                       "%s:%ld: SS=%d: no steady state within %ld periods of %g h (relative tolerance %g)",
                       c->ev->name, r->line, r->ss, nmax, period_h, c->ss_tol);
}

/* A dose record: the dose itself, its ADDL repeats, and its steady-state history. */
static int add_dose_record(ctx *c, const ketsim_event *r)
{
    ketsim_route route = KETSIM_ROUTE_IV;
    ketsim_route_from_cmt(r->cmt, &route);
    double dur = ketsim_event_duration_h(r);
    /* the steady-state history is that of the parameters at the record */
    int rc = r->ss > 0 ? use_piece(c, piece_at(c, r->time_h)) : KETSIM_OK;
    if (rc)
        return rc;
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

/* One piece of the segment: predictions [i0, i1) from y (NULL: the steady
 * state) at t_start, on to end_h when another piece follows (end_h finite),
 * whose starting state goes to c->y_end. */
static int solve_piece(ctx *c, double t_start, const double *y, size_t i0, size_t i1, double end_h)
{
    segment *s = &c->seg;
    size_t n = i1 - i0, nt = n;
    const double *times = c->times + i0;
    const unsigned char *before = c->before + i0;
    if (isfinite(end_h)) {
        /* one more output, the state just before the events at end_h: its
         * doses belong to the next piece */
        memcpy(c->chunk_times, times, n * sizeof *c->chunk_times);
        memcpy(c->chunk_before, before, n);
        c->chunk_times[n] = end_h;
        c->chunk_before[n] = 1;
        times = c->chunk_times, before = c->chunk_before, nt = n + 1;
    }
    const ketsim_trajectory *tr = NULL;
    int rc = ketsim_subject_solve_from(c->w, t_start, y, c->reg, times, before, nt, &tr, c->err);
    for (size_t i = 0; !rc && i < n; i++)
        c->pred[s->obs[i0 + i] - c->pred_off] =
            ketsim_traj_output(tr, i, c->out_index[c->ev->rec[s->obs[i0 + i]].output]);
    if (!rc && isfinite(end_h))
        memcpy(c->y_end, ketsim_traj_state(tr, n), c->n_states * sizeof *c->y_end);
    return rc;
}

/* The segment's predictions, piece by piece.  Simulation time 0 is the
 * earliest dose (history included) or the segment start, whichever is
 * first. */
static int solve_segment(ctx *c)
{
    segment *s = &c->seg;
    double first = s->t0_h;
    for (size_t i = 0; i < s->n_doses; i++)
        first = fmin(first, s->doses[i].time_h);
    for (size_t i = 0; i < s->n_obs; i++) {
        c->times[i] = c->ev->rec[s->obs[i]].time_h - first;
        c->before[i] = s->before[i];
    }
    int rc = build_regimen(c, s->doses, s->n_doses, -first);
    size_t k = piece_at(c, s->t0_h), i0 = 0;
    double t_start = 0;
    const double *y = NULL;
    while (!rc && i0 < s->n_obs) {
        double end_h = k + 1 < c->n_pieces ? c->pieces[k + 1].time_h - first : INFINITY;
        size_t i1 = i0;
        while (i1 < s->n_obs && c->times[i1] < end_h)
            i1++;
        if (i1 == s->n_obs)
            end_h = INFINITY; /* the predictions end before the next piece */
        rc = use_piece(c, k);
        if (!rc)
            rc = solve_piece(c, t_start, y, i0, i1, end_h);
        t_start = end_h, y = c->y_end, i0 = i1, k++;
    }
    return rc;
}

/* Simulate the current segment's predictions and start a new segment at t0. */
static int flush_segment(ctx *c, double t0)
{
    segment *s = &c->seg;
    int rc = s->n_obs ? solve_segment(c) : KETSIM_OK;
    s->t0_h = t0;
    s->n_doses = 0;
    s->n_obs = 0;
    s->last_dose_h = s->after_dose_h = NAN;
    return rc;
}

/* A prediction record: before the doses at its time unless a dose record
 * at that time came first. */
static int add_prediction(ctx *c, size_t i)
{
    segment *s = &c->seg;
    double t = c->ev->rec[i].time_h;
    int after = s->last_dose_h == t;
    s->obs[s->n_obs] = i;
    s->before[s->n_obs++] = !after;
    if (after)
        s->after_dose_h = t;
    return KETSIM_OK;
}

static int check_tie(ctx *c, const ketsim_event *r)
{
    segment *s = &c->seg;
    if (s->after_dose_h == r->time_h)
        return KETSIM_FAIL(c->err, KETSIM_EINPUT,
                           "%s:%ld: an observation at TIME %g lies between two doses at that time; "
                           "give the doses on one side of it", c->ev->name, r->line, r->time_h);
    s->last_dose_h = r->time_h;
    return KETSIM_OK;
}

static int simulate_records(ctx *c, size_t first, size_t n)
{
    const ketsim_event *r0 = &c->ev->rec[first];
    c->end_h = c->ev->rec[first + n - 1].time_h;
    c->seg.t0_h = r0->time_h;
    c->seg.n_doses = c->seg.n_obs = 0;
    c->seg.last_dose_h = c->seg.after_dose_h = NAN;
    int rc = KETSIM_OK;
    for (size_t i = first; !rc && i < first + n; i++) {
        const ketsim_event *r = &c->ev->rec[i];
        int resets = r->evid == KETSIM_EVID_RESET || r->evid == KETSIM_EVID_RESET_DOSE ||
                     (r->evid == KETSIM_EVID_DOSE && r->ss == 1);
        if (resets)
            rc = flush_segment(c, r->time_h);
        if (!rc && (r->evid == KETSIM_EVID_DOSE || r->evid == KETSIM_EVID_RESET_DOSE)) {
            rc = check_tie(c, r);
            if (!rc)
                rc = add_dose_record(c, r);
        }
        if (!rc && ketsim_event_is_prediction(r))
            rc = add_prediction(c, i);
    }
    if (!rc)
        rc = flush_segment(c, 0);
    return rc;
}

static int map_outputs(ctx *c, ketsim_error *err);

static int ctx_init(ctx *c, const ketsim_events *ev, ketsim_subject_worker *w, double ss_tol,
                    ketsim_error *err)
{
    memset(c, 0, sizeof *c);
    c->ev = ev, c->w = w, c->err = err;
    c->ss_tol = ss_tol > 0 ? ss_tol : 1e-6;
    c->prepared = PIECE_NONE;
    size_t nt = ev->n_rec > SS_MAX_INTERVALS ? ev->n_rec : SS_MAX_INTERVALS, nr = ev->n_rec ? ev->n_rec : 1;
    c->times = malloc(nt * sizeof *c->times);
    c->before = malloc(nt * sizeof *c->before);
    c->chunk_times = malloc((nt + 1) * sizeof *c->chunk_times);
    c->chunk_before = malloc(nt + 1);
    c->seg.obs = malloc(nr * sizeof *c->seg.obs);
    c->seg.before = malloc(nr * sizeof *c->seg.before);
    c->own_pieces = malloc(nr * sizeof *c->own_pieces);
    c->change_recs = malloc(nr * sizeof *c->change_recs);
    c->n_states = w ? ketsim_model_n_states(ketsim_subject_worker_model(w)) : 0;
    c->y_end = malloc((c->n_states ? c->n_states : 1) * sizeof *c->y_end);
    if (!c->times || !c->before || !c->chunk_times || !c->chunk_before || !c->seg.obs || !c->seg.before ||
        !c->own_pieces || !c->change_recs || !c->y_end)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    int rc = w ? map_outputs(c, err) : KETSIM_OK;
    return rc ? rc : ketsim_regimen_create(&c->reg, err);
}

/* Output codes to the worker model's indices: a per-compound output names
 * a compound the model must have. */
static int map_outputs(ctx *c, ketsim_error *err)
{
    size_t nf = ketsim_n_outputs(), n = nf + c->ev->n_extra_output;
    if (!(c->out_index = malloc(n * sizeof *c->out_index)))
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    for (size_t k = 0; k < nf; k++)
        c->out_index[k] = k;
    const ketsim_model *m = ketsim_subject_worker_model(c->w);
    for (size_t k = 0; k < c->ev->n_extra_output; k++) {
        long i = ketsim_model_output_index(m, c->ev->extra_output[k]);
        if (i < 0)
            return KETSIM_FAIL(err, KETSIM_EINPUT,
                               "%s: output '%s': the drug simulated has no such compound (see ketsim outputs --drug ...)",
                               c->ev->name, c->ev->extra_output[k]);
        c->out_index[nf + k] = (size_t)i;
    }
    return KETSIM_OK;
}

static void ctx_free(ctx *c)
{
    free(c->out_index);
    ketsim_regimen_free(c->reg);
    free(c->times);
    free(c->before);
    free(c->seg.obs);
    free(c->seg.before);
    free(c->seg.doses);
    free(c->chunk_times);
    free(c->chunk_before);
    free(c->own_pieces);
    free(c->change_recs);
    free(c->y_end);
}

/* Subject s with the context's worker and pieces; predictions into
 * c->pred[record]. */
static int simulate_subject(ctx *c, size_t s)
{
    size_t first = c->ev->subj[s].first, n = c->ev->subj[s].n;
    for (size_t i = first; i < first + n; i++)
        c->pred[i - c->pred_off] = NAN;
    c->prepared = PIECE_NONE;
    int rc = use_piece(c, 0);
    if (!rc)
        rc = simulate_records(c, first, n);
    if (rc) {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "ID %g: ", c->ev->rec[first].id);
        ketsim_error_prefix(c->err, prefix);
    }
    return rc;
}

int ketsim_events_runner_create(const ketsim_events *ev, ketsim_subject_worker *w, double ss_tol,
                                ketsim_events_runner **out, ketsim_error *err)
{
    *out = NULL;
    ctx *c = malloc(sizeof *c);
    if (!c)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    int rc = ctx_init(c, ev, w, ss_tol, err);
    if (rc) {
        ctx_free(c);
        free(c);
        return rc;
    }
    *out = c;
    return KETSIM_OK;
}

void ketsim_events_runner_free(ketsim_events_runner *r)
{
    if (!r)
        return;
    ctx_free(r);
    free(r);
}

int ketsim_events_runner_run_pieces(ketsim_events_runner *c, size_t s, const ketsim_events_piece *pieces,
                                    size_t n_pieces, double *pred, ketsim_error *err)
{
    if (s >= c->ev->n_subj)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: no subject %zu", c->ev->name, s);
    if (n_pieces == 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: subject %zu: no parameter piece", c->ev->name, s);
    for (size_t k = 2; k < n_pieces; k++)
        if (!(pieces[k].time_h > pieces[k - 1].time_h))
            return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: subject %zu: parameter pieces not in time order",
                               c->ev->name, s);
    /* pred is the subject's slice: record i goes to pred[i - first] */
    c->err = err;
    c->pred = pred;
    c->pred_off = c->ev->subj[s].first;
    c->pieces = pieces, c->n_pieces = n_pieces;
    int rc = simulate_subject(c, s);
    c->pieces = NULL, c->n_pieces = 0;
    return rc;
}

int ketsim_events_runner_run(ketsim_events_runner *c, size_t s, double weight_kg, const ketsim_param_value *values,
                             size_t n_values, double *pred, ketsim_error *err)
{
    ketsim_events_piece one = {0.0, weight_kg, values, n_values};
    return ketsim_events_runner_run_pieces(c, s, &one, 1, pred, err);
}

int ketsim_events_runner_run_wt(ketsim_events_runner *c, size_t s, double default_kg,
                                const ketsim_param_value *values, size_t n_values, double *pred,
                                ketsim_error *err)
{
    if (s >= c->ev->n_subj)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: no subject %zu", c->ev->name, s);
    static const int wt_col[1] = {-1};
    size_t n = ketsim_events_subject_changes(c->ev, s, wt_col, 1, c->change_recs);
    for (size_t k = 0; k < n; k++) {
        double wt = ketsim_events_value_at(c->ev, s, c->change_recs[k], -1);
        c->own_pieces[k] = (ketsim_events_piece){c->ev->rec[c->change_recs[k]].time_h, isnan(wt) ? default_kg : wt,
                                                 values, n_values};
    }
    return ketsim_events_runner_run_pieces(c, s, c->own_pieces, n, pred, err);
}

int ketsim_events_simulate_subject(ketsim_subject_worker *w, const ketsim_events *ev, size_t s,
                                   double weight_kg, const ketsim_param_value *values, size_t n_values,
                                   double ss_tol, double *pred, ketsim_error *err)
{
    ketsim_events_runner *r = NULL;
    int rc = ketsim_events_runner_create(ev, w, ss_tol, &r, err);
    if (!rc)
        rc = ketsim_events_runner_run(r, s, weight_kg, values, n_values, pred, err);
    ketsim_events_runner_free(r);
    return rc;
}

int ketsim_events_simulate(const ketsim_events *ev, const ketsim_events_sim_opts *o, double *pred,
                           ketsim_error *err)
{
    for (size_t i = 0; i < ev->n_rec; i++)
        pred[i] = NAN;
    ketsim_subject_worker *w = NULL;
    ketsim_events_runner *r = NULL;
    const char *drugs[1] = {o->drug};
    int rc = ketsim_subject_worker_create(o->params, o->catalog, drugs, 1, &w, err);
    if (!rc)
        rc = ketsim_events_runner_create(ev, w, o->ss_tol, &r, err);
    for (size_t s = 0; !rc && s < ev->n_subj; s++) {
        rc = ketsim_events_runner_run_wt(r, s, o->default_weight_kg, NULL, 0, pred + ev->subj[s].first, err);
        if (!rc && o->progress)
            o->progress(s + 1, o->progress_user);
    }
    ketsim_events_runner_free(r);
    ketsim_subject_worker_free(w);
    return rc;
}
