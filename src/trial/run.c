/* Running a virtual trial: replicates x subjects, each subject simulated
 * continuously from its first study day to its last rating.  Work is shared
 * between POSIX threads through an atomic counter; every subject's result
 * depends only on (seed, replicate, subject), so outputs are identical for
 * any thread count.  A subject whose solve fails either stops the run or,
 * with skip_failures, is marked failed and left out of the endpoints. */
#include "ketsim/catalog.h"
#include "ketsim/model.h"
#include "ketsim/population.h"
#include "ketsim/regimen.h"
#include "ketsim/rng.h"
#include "ketsim/simulate.h"
#include "ketsim/trial.h"
#include "util/dist.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PEAK_WINDOW_H 3.0
#define PEAK_STEP_H (5.0 / 60)
#define MAX_TIMES 1024

typedef struct run_shared {
    const trial_scenario *sc;
    const ketsim_params *base;
    const ketsim_catalog *cat;
    const ketsim_pop *pop;
    const trial_run_opts *o;
    const int *assign;             /* replicates x n_subjects */
    trial_subject_result *out;
    size_t n_items;                /* items [0, n_items) of this call */
    size_t end;                    /* this process simulates [first, end) */
    atomic_size_t next;
    atomic_int failed;
    pthread_mutex_t lock;
    size_t err_item;               /* lowest failing item */
    ketsim_error err;
} run_shared;

typedef ketsim_pop_worker worker;

static int worker_init(worker *w, const run_shared *sh, ketsim_error *err)
{
    int rc = ketsim_pop_worker_init(w, sh->base, sh->cat, sh->sc->drug, err);
    if (!rc)
        ketsim_sim_set_wall_limit(w->sim, sh->o->subject_timeout_s);
    return rc;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Index of t in the sorted unique grid. */
static size_t find_time(const double *g, size_t n, double t)
{
    size_t lo = 0, hi = n;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (g[mid] <= t + 1e-9)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Start of the latest session (dose time, in any arm) at or before t, and
 * whether it was a midazolam session; -1 before the first. */
static double last_session(const trial_scenario *sc, int assign, double t, int *midazolam)
{
    double best = -1;
    *midazolam = 0;
    for (int p = 0; p < trial_n_periods(sc); p++) {
        double s = trial_period_start_h(sc, p);
        const trial_arm *arm = &sc->arms[trial_arm_in_period(sc, assign, p)];
        for (size_t d = 0; d < sc->n_doses; d++)
            if (s + sc->dose_h[d] <= t + 1e-9) {
                best = s + sc->dose_h[d];
                *midazolam = arm->control == TRIAL_MIDAZOLAM;
            }
    }
    return best;
}

static double observed(const run_shared *sh, const ketsim_subject *s, int assign, double t,
                       double model_madrs)
{
    int mdz;
    double ls = last_session(sh->sc, assign, t, &mdz);
    double pl = ls >= 0 ? ketsim_pop_placebo(sh->pop, s, t - ls, mdz) : 0;
    return ketsim_pop_observed_madrs(s, model_madrs, pl);
}

/* A skipped subject: nothing rated, nothing measured. */
static void mark_failed(trial_subject_result *res, const char *why)
{
    res->failed = 1;
    snprintf(res->fail_reason, sizeof res->fail_reason, "%.159s", why);
    res->dropout_index = 0;
    for (int p = 0; p < 2; p++) {
        res->base_true[p] = NAN;
        res->base_rated[p] = -1;
        res->cadss_peak[p] = res->sbp_peak[p] = NAN;
        for (size_t k = 0; k < TRIAL_MAX_VISITS; k++) {
            res->madrs_true[p][k] = NAN;
            res->madrs_rated[p][k] = -1;
        }
    }
    for (size_t k = 0; k < TRIAL_MAX_FOLLOWUP; k++) {
        res->fu_true[k] = NAN;
        res->fu_rated[k] = -1;
    }
}

static int run_subject(worker *w, const run_shared *sh, size_t item, ketsim_error *err)
{
    const trial_scenario *sc = sh->sc;
    size_t rep = (size_t)sh->o->first_replicate + item / (size_t)sc->n_subjects;
    size_t i = item % (size_t)sc->n_subjects;
    uint64_t id = ((uint64_t)rep << 32) | (uint64_t)i;
    uint64_t seed = sh->o->seed;
    int assign = sh->assign[item];
    trial_subject_result *res = &sh->out[item];
    memset(res, 0, sizeof *res);
    res->assign = assign;

    ketsim_subject s;
    ketsim_pop_draw(sh->pop, seed, id, sc->inclusion_madrs_min, &s);
    res->weight_kg = s.weight_kg;
    res->age_y = s.age_y;
    res->female = s.female;
    res->bdnf_met = s.bdnf_met;
    res->cyp2b6_pm = s.cyp2b6_pm;
    res->placebo_points = s.placebo_points;
    int rc = ketsim_pop_apply(sh->pop, &s, w->work, err);
    if (!rc)
        rc = ketsim_model_update(w->model, w->work, s.weight_kg, err);
    if (rc)
        return rc;

    /* regimen and time grid */
    int np = trial_n_periods(sc);
    ketsim_regimen_clear(w->reg);
    double grid[MAX_TIMES];
    size_t ng = 0;
    for (int p = 0; p < np; p++) {
        double st = trial_period_start_h(sc, p);
        const trial_arm *arm = &sc->arms[trial_arm_in_period(sc, assign, p)];
        if (arm->control == TRIAL_ACTIVE) {
            for (size_t d = 0; d < sc->n_doses; d++) {
                ketsim_dose dose = {.route = KETSIM_ROUTE_IV, .amount = arm->dose_mg_per_kg, .per_kg = 1,
                                    .duration_h = arm->infusion_h, .time_h = st + sc->dose_h[d]};
                if ((rc = ketsim_regimen_add(w->reg, &dose, err)))
                    return rc;
            }
        }
        grid[ng++] = st;
        for (size_t k = 0; k < sc->n_visits; k++)
            grid[ng++] = st + sc->visit_h[k];
        for (double t = PEAK_STEP_H; t <= PEAK_WINDOW_H + 1e-9; t += PEAK_STEP_H)
            grid[ng++] = st + t;
    }
    double last_dose = trial_period_start_h(sc, np - 1) + sc->dose_h[sc->n_doses - 1];
    size_t nfu = trial_n_followup(sc);
    for (size_t k = 0; k < nfu; k++)
        grid[ng++] = last_dose + trial_followup_h(sc, k);
    qsort(grid, ng, sizeof grid[0], cmp_double);
    size_t nu = 0;
    for (size_t k = 0; k < ng; k++)
        if (nu == 0 || grid[k] > grid[nu - 1] + 1e-9)
            grid[nu++] = grid[k];

    if ((rc = ketsim_sim_run(w->sim, w->reg, grid, nu, &w->traj, err))) {
        char pre[96];
        snprintf(pre, sizeof pre, "replicate %zu, subject %zu: ", rep, i);
        ketsim_error_prefix(err, pre);
        if (rc == KETSIM_ESOLVER && sh->o->skip_failures) {
            mark_failed(res, err->msg);
            return KETSIM_OK;
        }
        return rc;
    }
    static _Thread_local long o_madrs = -2, o_cadss, o_sbp;
    if (o_madrs == -2) {
        o_madrs = ketsim_output_index("madrs");
        o_cadss = ketsim_output_index("cadss");
        o_sbp = ketsim_output_index("sbp_change_mmhg");
    }
    if (o_madrs < 0 || o_cadss < 0 || o_sbp < 0)
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "model outputs madrs, cadss or sbp_change_mmhg missing");

    /* dropout: a random rating index from which everything is missing */
    int n_ratings = np * (int)sc->n_visits + (int)nfu;
    ketsim_rng r;
    ketsim_rng_init(&r, seed, id, KETSIM_RNG_DROPOUT);
    int drops = ketsim_rng_bernoulli(&r, sc->dropout);
    double u = ketsim_rng_uniform(&r);
    res->dropout_index = drops ? (int)(u * n_ratings) : -1;

    ketsim_rng_init(&r, seed, id, KETSIM_RNG_RESIDUAL);
    int gidx = 0;
    for (int p = 0; p < np; p++) {
        double st = trial_period_start_h(sc, p);
        size_t k0 = find_time(grid, nu, st);
        res->base_true[p] = observed(sh, &s, assign, st, ketsim_traj_output(w->traj, k0, (size_t)o_madrs));
        res->base_rated[p] = ketsim_pop_rate_madrs(sh->pop, &r, res->base_true[p]);
        if (res->dropout_index >= 0 && gidx >= res->dropout_index)
            res->base_rated[p] = -1;
        for (size_t k = 0; k < sc->n_visits; k++, gidx++) {
            double t = st + sc->visit_h[k];
            size_t kk = find_time(grid, nu, t);
            res->madrs_true[p][k] = observed(sh, &s, assign, t, ketsim_traj_output(w->traj, kk, (size_t)o_madrs));
            int rated = ketsim_pop_rate_madrs(sh->pop, &r, res->madrs_true[p][k]);
            res->madrs_rated[p][k] = (res->dropout_index >= 0 && gidx >= res->dropout_index) ? -1 : rated;
        }
        double cp = 0, sp = 0;
        for (size_t kk = k0; kk < nu && grid[kk] <= st + PEAK_WINDOW_H + 1e-9; kk++) {
            cp = fmax(cp, ketsim_traj_output(w->traj, kk, (size_t)o_cadss));
            sp = fmax(sp, ketsim_traj_output(w->traj, kk, (size_t)o_sbp));
        }
        res->cadss_peak[p] = cp;
        res->sbp_peak[p] = sp;
    }
    for (size_t k = 0; k < nfu; k++, gidx++) {
        double t = last_dose + trial_followup_h(sc, k);
        size_t kk = find_time(grid, nu, t);
        res->fu_true[k] = observed(sh, &s, assign, t, ketsim_traj_output(w->traj, kk, (size_t)o_madrs));
        int rated = ketsim_pop_rate_madrs(sh->pop, &r, res->fu_true[k]);
        res->fu_rated[k] = (res->dropout_index >= 0 && gidx >= res->dropout_index) ? -1 : rated;
    }
    return KETSIM_OK;
}

static void *thread_main(void *arg)
{
    run_shared *sh = arg;
    worker w;
    ketsim_error err = {0};
    int rc = worker_init(&w, sh, &err);
    size_t item = 0;
    while (!rc) {
        item = atomic_fetch_add(&sh->next, 1);
        if (item >= sh->end)
            break;
        rc = run_subject(&w, sh, item, &err);
    }
    if (rc) {
        pthread_mutex_lock(&sh->lock);
        if (!atomic_load(&sh->failed) || item < sh->err_item) {
            sh->err = err;
            sh->err_item = item;
        }
        atomic_store(&sh->failed, 1);
        /* stop the others: no more items are handed out */
        atomic_store(&sh->next, sh->end);
        pthread_mutex_unlock(&sh->lock);
    }
    ketsim_pop_worker_free(&w);
    return NULL;
}

int trial_run(const trial_scenario *sc, const ketsim_params *base, const trial_run_opts *o,
              trial_subject_result **out, ketsim_error *err)
{
    *out = NULL;
    if (o->replicates < 1 || sc->n_subjects < 1)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "replicates and subjects must be at least 1");
    trial_subject_result *res = calloc((size_t)o->replicates * (size_t)sc->n_subjects, sizeof *res);
    if (!res)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory for %d x %d subjects", o->replicates, sc->n_subjects);
    int rc = trial_run_into(sc, base, o, res, err);
    if (rc) {
        free(res);
        return rc;
    }
    *out = res;
    return KETSIM_OK;
}

int trial_run_into(const trial_scenario *sc, const ketsim_params *base0, const trial_run_opts *o,
                   trial_subject_result *res, ketsim_error *err)
{
    int rc = trial_scenario_check(sc, err);
    if (rc)
        return rc;
    if (o->replicates < 1 || o->threads < 1 || o->first_replicate < 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "replicates and threads must be at least 1");
    if ((double)o->replicates * (double)sc->n_subjects > TRIAL_MAX_ITEMS)
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "%d replicates x %d subjects exceed the limit of %d simulated subjects per run",
                           o->replicates, sc->n_subjects, TRIAL_MAX_ITEMS);
    ketsim_params *base = NULL;
    ketsim_catalog *cat = NULL;
    int *assign = NULL;
    rc = ketsim_params_clone(base0, &base, err);
    for (size_t i = 0; !rc && i < sc->n_sets; i++) {
        rc = ketsim_params_set(base, sc->set_name[i], sc->set_value[i], err);
        if (rc)
            ketsim_error_prefix(err, "scenario 'set': ");
    }
    ketsim_pop pop;
    if (!rc)
        rc = ketsim_pop_init(&pop, base, err);
    if (!rc)
        rc = ketsim_catalog_create(&cat, err);
    if (!rc) {
        size_t idx;
        rc = ketsim_catalog_find_drug(cat, sc->drug, &idx, err);
    }
    size_t n_items = (size_t)o->replicates * (size_t)sc->n_subjects;
    if (!rc) {
        assign = malloc(n_items * sizeof *assign);
        if (!assign)
            rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory for %zu subjects", n_items);
    }
    if (!rc) {
        for (int r = 0; r < o->replicates; r++)
            trial_randomize(sc, o->seed, (uint64_t)(o->first_replicate + r),
                            assign + (size_t)r * (size_t)sc->n_subjects);
        size_t first, end;
        trial_dist_share(n_items, &first, &end);
        run_shared sh = {.sc = sc, .base = base, .cat = cat, .pop = &pop, .o = o, .assign = assign,
                         .out = res, .n_items = n_items, .end = end};
        atomic_init(&sh.next, first);
        atomic_init(&sh.failed, 0);
        pthread_mutex_init(&sh.lock, NULL);
        int nt = o->threads > 64 ? 64 : o->threads;
        if ((size_t)nt > end - first)
            nt = end > first ? (int)(end - first) : 1;
        pthread_t th[64];
        int started = 0;
        for (int k = 1; k < nt; k++) {
            if (pthread_create(&th[started], NULL, thread_main, &sh) != 0)
                break;
            started++;
        }
        thread_main(&sh);
        for (int k = 0; k < started; k++)
            pthread_join(th[k], NULL);
        pthread_mutex_destroy(&sh.lock);
        if (atomic_load(&sh.failed)) {
            *err = sh.err;
            rc = sh.err.code ? sh.err.code : KETSIM_EINTERNAL;
        }
        /* every process needs every subject for the analysis */
        rc = trial_dist_any_failed(rc, err);
        if (!rc)
            rc = trial_dist_allgather(res, sizeof *res, n_items, err);
    }
    free(assign);
    ketsim_catalog_free(cat);
    ketsim_params_free(base);
    return rc;
}
