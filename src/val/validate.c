/* Validation targets: the rows of the targets table, their statistics, and
 * how each is judged (include/ketsim/validate.h).  Single-subject
 * statistics are in target_eval.c, trial-level ones in validate_trial.c. */
#include "ketsim/validate.h"
#include "target_impl.h"
#include "validate_trial.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ketsim_validation {
    char name[256];
    ketsim_params *base[KETSIM_N_SPECIES]; /* the built-in tables, per species */
    val_target *t;
    size_t n, cap;
    val_trial_run **runs; /* trial runs shared by targets on the same scenario */
    size_t n_runs;
    ketsim_scenario_loader load_scenario; /* set by the application: scenario files are read above */
    void *load_user;
    int finished;
};

int ketsim_validation_create(const char *name, const ketsim_params *base, ketsim_validation **out,
                             ketsim_error *err)
{
    *out = NULL;
    ketsim_validation *v = calloc(1, sizeof *v);
    if (!v)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    snprintf(v->name, sizeof v->name, "%s", name ? name : "targets");
    int rc = KETSIM_OK;
    for (int sp = 0; !rc && sp < KETSIM_N_SPECIES; sp++)
        rc = ketsim_params_for_species(base, (ketsim_species)sp, &v->base[sp], err);
    if (rc) {
        ketsim_validation_free(v);
        return rc;
    }
    *out = v;
    return KETSIM_OK;
}

void ketsim_validation_free(ketsim_validation *v)
{
    if (!v)
        return;
    for (size_t k = 0; k < v->n_runs; k++)
        val_trial_run_free(v->runs[k]);
    for (int s = 0; s < KETSIM_N_SPECIES; s++)
        ketsim_params_free(v->base[s]);
    free(v->runs);
    free(v->t);
    free(v);
}

void ketsim_validation_set_scenario_loader(ketsim_validation *v, ketsim_scenario_loader fn, void *user)
{
    v->load_scenario = fn;
    v->load_user = user;
}

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

static void init_result(val_target *t)
{
    const ketsim_target_spec *s = &t->spec;
    ketsim_target_result *r = &t->r;
    memset(r, 0, sizeof *r);
    COPY(r->id, s->id);
    COPY(r->quantity, s->quantity);
    COPY(r->literature, s->literature);
    COPY(r->source, s->source);
    COPY(r->window, s->window);
    COPY(r->table, s->table);
    COPY(r->role, s->role == KETSIM_ROLE_CALIBRATION ? "calibration" : "check");
    r->role_kind = s->role;
    r->lower = s->lower;
    r->upper = s->upper;
    r->simulated = NAN;
    r->margin = NAN;
    r->trial_level = t->kind == ST_TRIAL;
    r->derived = t->kind == ST_TARGETS;
    r->defined_fraction = NAN;
    r->min_fraction = t->kind == ST_TRIAL ? t->min_fraction : NAN;
}

/* The acceptance rule must be one a wrong model can break: two bounds, or
 * one bound with its reason written as "one-sided: ...". */
static int check_rule(const ketsim_target_spec *s, ketsim_error *err)
{
    int lo = isfinite(s->lower), hi = isfinite(s->upper);
    if (!lo && !hi)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%ld: columns 'lower'/'upper': a target needs at least one bound",
                           s->file, s->line);
    if (lo && hi && !(s->lower <= s->upper))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%ld: columns 'lower'/'upper': lower %g above upper %g", s->file,
                           s->line, s->lower, s->upper);
    if (!s->window[0])
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%ld: column 'window': say why the accepted range is what it is",
                           s->file, s->line);
    if ((!lo || !hi) && strncmp(s->window, "one-sided:", 10) != 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "%s:%ld: column 'window': a range open on one side needs its reason as 'one-sided: ...'",
                           s->file, s->line);
    return KETSIM_OK;
}

int ketsim_validation_add(ketsim_validation *v, const ketsim_target_spec *spec, ketsim_error *err)
{
    if (v->finished)
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "targets added after ketsim_validation_finish");
    if (!spec->id[0])
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%ld: column 'id' is empty", spec->file, spec->line);
    if (ketsim_validation_find(v, spec->id) >= 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%ld: column 'id': '%s' appears twice", spec->file, spec->line,
                           spec->id);
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 32;
        val_target *a = realloc(v->t, cap * sizeof *a);
        if (!a)
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
        v->t = a;
        v->cap = cap;
    }
    val_target *t = &v->t[v->n];
    memset(t, 0, sizeof *t);
    t->spec = *spec;
    int rc = check_rule(spec, err);
    if (!rc)
        rc = val_target_parse(t, err);
    if (rc)
        return rc;
    init_result(t);
    v->n++;
    return KETSIM_OK;
}

long ketsim_validation_find(const ketsim_validation *v, const char *id)
{
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->t[i].spec.id, id) == 0)
            return (long)i;
    return -1;
}

/* A derived target's references, followed to detect a cycle.  A contrast
 * of trial-level targets is itself trial-level: calibration, which does not
 * re-run replicate trials, must not judge it from one subject. */
static int visit(ketsim_validation *v, size_t i, int *state, ketsim_error *err)
{
    state[i] = 1;
    val_target *t = &v->t[i];
    for (size_t k = 0; k < t->n_ref; k++) {
        size_t j = (size_t)t->ref[k];
        if (state[j] == 1)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%ld: column 'statistic': targets refer to each other in a cycle "
                               "through '%s'", t->spec.file, t->spec.line, v->t[j].spec.id);
        if (state[j] == 0) {
            int rc = visit(v, j, state, err);
            if (rc)
                return rc;
        }
        if (v->t[j].r.trial_level)
            t->r.trial_level = 1;
    }
    state[i] = 2;
    return KETSIM_OK;
}

int ketsim_validation_finish(ketsim_validation *v, ketsim_error *err)
{
    for (size_t i = 0; i < v->n; i++) {
        val_target *t = &v->t[i];
        for (size_t k = 0; k < t->n_ref; k++) {
            t->ref[k] = ketsim_validation_find(v, t->ref_id[k]);
            if (t->ref[k] < 0)
                return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%ld: column 'statistic': no target '%s'", t->spec.file,
                                   t->spec.line, t->ref_id[k]);
        }
    }
    int *state = calloc(v->n ? v->n : 1, sizeof *state);
    if (!state)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    int rc = KETSIM_OK;
    for (size_t i = 0; !rc && i < v->n; i++)
        if (state[i] == 0)
            rc = visit(v, i, state, err);
    free(state);
    v->finished = !rc;
    return rc;
}

/* Distance inside [lower, upper] to the nearer bound, in units of the range
 * (or, when the range is open, of the bound's size but at least 1, so that
 * a bound at 0 does not blow the margin up): negative outside. */
static double margin_of(double y, double lower, double upper)
{
    int lo = isfinite(lower), hi = isfinite(upper);
    double s = lo && hi ? upper - lower : fmax(fabs(lo ? lower : upper), 1.0);
    if (!(s > 0))
        s = fmax(fabs(lower), 1.0);
    double d = INFINITY;
    if (lo)
        d = fmin(d, y - lower);
    if (hi)
        d = fmin(d, upper - y);
    return d / s;
}

static void judge(val_target *t)
{
    ketsim_target_result *r = &t->r;
    r->why[0] = '\0';
    if (!isfinite(r->simulated)) {
        r->pass = 0;
        r->margin = NAN;
        snprintf(r->why, sizeof r->why, "no value");
    } else {
        r->margin = margin_of(r->simulated, r->lower, r->upper);
        r->pass = r->simulated >= r->lower && r->simulated <= r->upper;
        if (!r->pass)
            snprintf(r->why, sizeof r->why, "outside the accepted range");
    }
    if (t->kind == ST_TRIAL && isfinite(r->defined_fraction) && r->defined_fraction < t->min_fraction) {
        r->pass = 0;
        snprintf(r->why, sizeof r->why, "defined in %.0f%% of replicates (needs %.0f%%)", 100 * r->defined_fraction,
                 100 * t->min_fraction);
    }
}

int ketsim_validation_adopt_trial(ketsim_validation *v, const char *scenario, int replicates,
                                  ketsim_trial_metrics *reps, ketsim_error *err)
{
    val_trial_run **a = realloc(v->runs, (v->n_runs + 1) * sizeof *a);
    if (!a)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    v->runs = a;
    int rc = val_trial_run_wrap(scenario, replicates, reps, &v->runs[v->n_runs], err);
    if (!rc)
        v->n_runs++;
    return rc;
}

/* Trial-level target: reuse a run of the same scenario if one was made. */
static int trial_statistic(ketsim_validation *v, val_target *t, ketsim_error *err)
{
    val_trial_run *run = NULL;
    for (size_t k = 0; k < v->n_runs && !run; k++)
        if (val_trial_run_matches(v->runs[k], t->scenario, t->replicates, t->spec.sets))
            run = v->runs[k];
    if (!run) {
        val_trial_run **a = realloc(v->runs, (v->n_runs + 1) * sizeof *a);
        if (!a)
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
        v->runs = a;
        int rc = val_trial_run_create(v->base[KETSIM_HUMAN], v->load_scenario, v->load_user, t->scenario,
                                      t->replicates, t->spec.sets, &run, err);
        if (rc)
            return rc;
        v->runs[v->n_runs++] = run;
    }
    return val_trial_run_statistic(run, t->metric, t->quantile, &t->r.simulated, &t->r.defined_fraction, err);
}

/* A contrast of other targets' latest simulated values. */
static int derived_statistic(ketsim_validation *v, val_target *t)
{
    double y[VAL_MAX_REFS];
    for (size_t k = 0; k < t->n_ref; k++)
        y[k] = v->t[t->ref[k]].r.simulated;
    if (t->tg == TG_DIFF)
        t->r.simulated = y[0] - y[1];
    else if (t->tg == TG_RATIO)
        t->r.simulated = y[0] / y[1];
    else {
        /* a rising sequence: the smallest relative step, > 0 when it rises */
        double step = INFINITY;
        for (size_t k = 1; k < t->n_ref; k++)
            step = fmin(step, (y[k] - y[k - 1]) / fmax(fabs(y[k - 1]), 1e-12));
        t->r.simulated = step;
    }
    return KETSIM_OK;
}

static int run_one(ketsim_validation *v, size_t index, const val_overrides *ov, ketsim_error *err)
{
    val_target *t = &v->t[index];
    int rc;
    if (t->kind == ST_TRIAL && ov->n > 0)
        rc = KETSIM_FAIL(err, KETSIM_EINPUT, "trial-level targets cannot be re-run with parameter "
                         "overrides (too costly to calibrate on)");
    else if (t->kind == ST_TRIAL)
        rc = trial_statistic(v, t, err);
    else if (t->kind == ST_TARGETS)
        rc = derived_statistic(v, t);
    else {
        ketsim_species sp;
        rc = ketsim_species_parse(t->spec.species, &sp, err);
        if (!rc)
            rc = val_target_simulate(t, v->base[sp], ov, &t->r.simulated, err);
    }
    if (rc) {
        char where[600];
        snprintf(where, sizeof where, "%s:%ld: target '%s': ", t->spec.file, t->spec.line, t->spec.id);
        ketsim_error_prefix(err, where);
        return rc;
    }
    judge(t);
    return KETSIM_OK;
}

int ketsim_validation_run(ketsim_validation *v, ketsim_error *err)
{
    if (!v->finished) {
        int rc = ketsim_validation_finish(v, err);
        if (rc)
            return rc;
    }
    val_overrides none = {NULL, NULL, 0};
    /* plain targets first, then the derived ones in dependency order */
    for (size_t i = 0; i < v->n; i++)
        if (v->t[i].kind != ST_TARGETS) {
            int rc = run_one(v, i, &none, err);
            if (rc)
                return rc;
        }
    int *done = calloc(v->n ? v->n : 1, sizeof *done), progress = 1, rc = KETSIM_OK;
    if (!done)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    for (size_t i = 0; i < v->n; i++)
        done[i] = v->t[i].kind != ST_TARGETS;
    while (progress && !rc) {
        progress = 0;
        for (size_t i = 0; !rc && i < v->n; i++) {
            if (done[i])
                continue;
            int ready = 1;
            for (size_t k = 0; k < v->t[i].n_ref; k++)
                ready &= done[v->t[i].ref[k]];
            if (ready) {
                rc = run_one(v, i, &none, err);
                done[i] = progress = 1;
            }
        }
    }
    free(done);
    return rc;
}

int ketsim_validation_run_target(ketsim_validation *v, size_t i, const char *const *names,
                                 const double *values, size_t n, ketsim_error *err)
{
    if (i >= v->n)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: no target number %zu", v->name, i + 1);
    val_overrides ov = {names, values, n};
    return run_one(v, i, v->t[i].kind == ST_TARGETS ? &(val_overrides){NULL, NULL, 0} : &ov, err);
}

const char *ketsim_validation_species(const ketsim_validation *v, size_t i)
{
    return i < v->n ? v->t[i].spec.species : NULL;
}

const char *ketsim_validation_sets(const ketsim_validation *v, size_t i)
{
    return i < v->n ? v->t[i].spec.sets : NULL;
}

size_t ketsim_validation_count(const ketsim_validation *v) { return v->n; }

const ketsim_target_result *ketsim_validation_result(const ketsim_validation *v, size_t i)
{
    return i < v->n ? &v->t[i].r : NULL;
}

void ketsim_validation_totals(const ketsim_validation *v, size_t *cal_pass, size_t *cal_miss, size_t *chk_pass,
                              size_t *chk_miss)
{
    size_t c[4] = {0};
    for (size_t i = 0; i < v->n; i++)
        c[(v->t[i].r.role_kind == KETSIM_ROLE_CHECK ? 2 : 0) + !v->t[i].r.pass]++;
    *cal_pass = c[0], *cal_miss = c[1], *chk_pass = c[2], *chk_miss = c[3];
}
