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
#include "ketsim/subject.h"
#include "ketsim/trial.h"
#include "trial/subjects_impl.h"
#include "util/dist.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PEAK_WINDOW_H 3.0
#define PEAK_STEP_H (5.0 / 60)
#define MAX_DRUGS (KETSIM_TRIAL_MAX_ARMS + 1)
#define MAX_SESSIONS (2 * KETSIM_TRIAL_MAX_DOSES)

typedef struct run_shared {
    const ketsim_trial_scenario *sc;
    const ketsim_params *base;
    const ketsim_catalog *cat;
    const char *drugs[MAX_DRUGS];  /* the scenario's drug and every arm's */
    size_t n_drugs;
    const ketsim_pop *pop;
    const ketsim_pop *rep_pop;     /* per replicate of the call (rep_params), else NULL */
    size_t rep_row[KETSIM_TRIAL_MAX_REP_PARAMS];  /* table rows of o->rep_params */
    size_t omega_row[KETSIM_TRIAL_MAX_OMEGA];     /* table rows of sc->omega_name */
    double omega_chol[KETSIM_TRIAL_MAX_OMEGA * KETSIM_TRIAL_MAX_OMEGA];
    const ketsim_trial_run_opts *o;
    const int *assign;             /* replicates x n_subjects */
    ketsim_trial_subject_result *out;
    size_t n_items;                /* items [0, n_items) of this call */
    size_t end;                    /* this process simulates [first, end) */
    atomic_size_t next;
    trial_dist_queue *queue;       /* across processes: blocks from rank 0 (else NULL) */
    size_t blk_next, blk_end;      /* the rest of this process's current block */
    atomic_int failed;
    pthread_mutex_t lock;
    size_t err_item;               /* lowest failing item */
    ketsim_error err;
} run_shared;

typedef struct worker {
    ketsim_subject_worker *sw;
    ketsim_regimen *reg;
    long o_madrs, o_cadss, o_sbp, o_dbp, o_hr, o_sedation;
    const ketsim_pop *pop;  /* the current subject's population (its replicate's) */
    double *grid;           /* the output grid, sized for the scenario */
    size_t grid_cap;
} worker;

#define PEAK_STEPS ((size_t)(PEAK_WINDOW_H / PEAK_STEP_H + 1.5))

static int worker_init(worker *w, const run_shared *sh, ketsim_error *err)
{
    memset(w, 0, sizeof *w);
    w->o_madrs = ketsim_output_index("madrs");
    w->o_cadss = ketsim_output_index("cadss");
    w->o_sbp = ketsim_output_index("sbp_change_mmhg");
    w->o_dbp = ketsim_output_index("dbp_change_mmhg");
    w->o_hr = ketsim_output_index("hr_change_bpm");
    w->o_sedation = ketsim_output_index("sedation");
    if (w->o_madrs < 0 || w->o_cadss < 0 || w->o_sbp < 0 || w->o_dbp < 0 || w->o_hr < 0 || w->o_sedation < 0)
        return KETSIM_FAIL(err, KETSIM_EINTERNAL,
                           "model outputs madrs, cadss, sbp_change_mmhg, dbp_change_mmhg or hr_change_bpm missing");
    const ketsim_trial_scenario *sc = sh->sc;
    w->grid_cap = 2 * (1 + sc->n_visits) + 2 * KETSIM_TRIAL_MAX_DOSES * PEAK_STEPS + KETSIM_TRIAL_MAX_FOLLOWUP;
    if (!(w->grid = malloc(w->grid_cap * sizeof *w->grid)))
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    int rc = ketsim_subject_worker_create(sh->base, sh->cat, sh->drugs, sh->n_drugs, &w->sw, err);
    if (!rc)
        rc = ketsim_regimen_create(&w->reg, err);
    if (!rc)
        ketsim_subject_worker_set_wall_limit(w->sw, sh->o->subject_timeout_s);
    return rc;
}

static void worker_free(worker *w)
{
    free(w->grid);
    ketsim_regimen_free(w->reg);
    ketsim_subject_worker_free(w->sw);
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

/* The subject's regimen (active arms' doses) and sessions (every arm's,
 * for placebo), in time order over the periods. */
static int build_course(const ketsim_trial_scenario *sc, int assign, ketsim_regimen *reg, ketsim_session *sess,
                        size_t *n_sess, ketsim_error *err)
{
    ketsim_regimen_clear(reg);
    *n_sess = 0;
    for (int p = 0; p < ketsim_trial_n_periods(sc); p++) {
        double st = ketsim_trial_period_start_h(sc, p);
        const ketsim_trial_arm *arm = &sc->arms[ketsim_trial_arm_in_period(sc, assign, p)];
        for (size_t k = 0; k < ketsim_trial_arm_n_sessions(sc, arm); k++) {
            double t = st + ketsim_trial_arm_session_h(sc, arm, k);
            const ketsim_dose *d = ketsim_trial_arm_dose(arm, k);
            if (d) {
                ketsim_dose dose = *d;
                dose.time_h = t;
                int rc = ketsim_regimen_add(reg, &dose, err);
                if (rc)
                    return rc;
            }
            sess[(*n_sess)++] = (ketsim_session){t, 0}; /* perceived: read from the solve */
        }
    }
    return KETSIM_OK;
}

/* Ratings and peaks are read on one grid: period starts, visits, 5-min
 * steps over the first hours after every session (peaks, perceived effect),
 * follow-up visits; sorted, unique. */
static size_t build_grid(const ketsim_trial_scenario *sc, const ketsim_session *sess, size_t n_sess,
                         double *grid)
{
    size_t ng = 0;
    for (int p = 0; p < ketsim_trial_n_periods(sc); p++) {
        double st = ketsim_trial_period_start_h(sc, p);
        grid[ng++] = st;
        for (size_t k = 0; k < sc->n_visits; k++)
            grid[ng++] = st + sc->visit_h[k];
    }
    for (size_t i = 0; i < n_sess; i++)
        for (double t = PEAK_STEP_H; t <= PEAK_WINDOW_H + 1e-9; t += PEAK_STEP_H)
            grid[ng++] = sess[i].time_h + t;
    double last = ketsim_trial_period_start_h(sc, ketsim_trial_n_periods(sc) - 1) + ketsim_trial_last_session_h(sc);
    for (size_t k = 0; k < ketsim_trial_n_followup(sc); k++)
        grid[ng++] = last + ketsim_trial_followup_h(sc, k);
    qsort(grid, ng, sizeof grid[0], cmp_double);
    size_t nu = 0;
    for (size_t k = 0; k < ng; k++)
        if (nu == 0 || grid[k] > grid[nu - 1] + 1e-9)
            grid[nu++] = grid[k];
    return nu;
}

/* What the patient felt in each session: the largest perceived effect over
 * the window after its start. */
static void read_perceived(const worker *w, const ketsim_trajectory *tr, const double *grid,
                           size_t nu, ketsim_session *sess, size_t n_sess)
{
    for (size_t i = 0; i < n_sess; i++) {
        double best = 0;
        for (size_t k = find_time(grid, nu, sess[i].time_h);
             k < nu && grid[k] <= sess[i].time_h + KETSIM_SESSION_WINDOW_H + 1e-9; k++)
            best = fmax(best, ketsim_pop_perceived(w->pop, ketsim_traj_output(tr, k, (size_t)w->o_sedation),
                                                   ketsim_traj_output(tr, k, (size_t)w->o_cadss)));
        sess[i].perceived = best;
    }
}

/* A skipped subject: nothing rated, nothing measured. */
static void mark_failed(const ketsim_trial_scenario *sc, ketsim_trial_subject_result *res, const char *why)
{
    res->failed = 1;
    if (res->fail_reason)
        snprintf(res->fail_reason, KETSIM_TRIAL_FAIL_REASON, "%.159s", why);
    res->dropout_index = 0;
    size_t nfu = ketsim_trial_n_followup(sc);
    for (int p = 0; p < ketsim_trial_n_periods(sc); p++) {
        res->base_true[p] = NAN;
        res->base_rated[p] = -1;
        res->cadss_peak[p] = res->sbp_peak[p] = res->dbp_peak[p] = res->hr_peak[p] = NAN;
        for (size_t k = 0; k < sc->n_visits; k++) {
            res->madrs_true[p][k] = NAN;
            res->madrs_rated[p][k] = -1;
        }
    }
    for (size_t k = 0; k < nfu; k++) {
        res->fu_true[k] = NAN;
        res->fu_rated[k] = -1;
    }
}

/* One rating: the model's MADRS with the placebo response at t. */
static double observed(const ketsim_pop *pop, const ketsim_patient *s, const ketsim_session *sess,
                       size_t n_sess, const ketsim_trajectory *tr, size_t k, double t, long o_madrs)
{
    double pl = ketsim_pop_placebo_at(pop, s, sess, n_sess, t);
    return ketsim_pop_observed_madrs(s, ketsim_traj_output(tr, k, (size_t)o_madrs), pl);
}

static void record_patient(ketsim_trial_subject_result *res, const ketsim_patient *s)
{
    res->weight_kg = s->weight_kg;
    res->age_y = s->age_y;
    res->female = s->female;
    res->bdnf_met = s->bdnf_met;
    res->cyp2b6_pm = s->cyp2b6_pm;
    res->placebo_points = s->placebo_points;
}

/* Ratings, in the order they are taken: per period the baseline and the
 * visits, then the follow-up; from the dropout index on, all missing. */
static void rate(const run_shared *sh, const worker *w, const ketsim_patient *s, const ketsim_session *sess,
                 size_t n_sess, const ketsim_trajectory *tr, const double *grid, size_t nu, uint64_t id,
                 ketsim_trial_subject_result *res)
{
    const ketsim_trial_scenario *sc = sh->sc;
    int np = ketsim_trial_n_periods(sc);
    size_t nfu = ketsim_trial_n_followup(sc);
    ketsim_rng r;
    ketsim_rng_init(&r, sh->o->seed, id, KETSIM_RNG_RESIDUAL);
    int gidx = 0;
#define MISSING(x) (res->dropout_index >= 0 && gidx >= res->dropout_index ? -1 : (x))
    for (int p = 0; p < np; p++) {
        double st = ketsim_trial_period_start_h(sc, p);
        size_t k0 = find_time(grid, nu, st);
        res->base_true[p] = observed(w->pop, s, sess, n_sess, tr, k0, st, w->o_madrs);
        res->base_rated[p] = MISSING(ketsim_pop_rate_madrs(w->pop, &r, res->base_true[p]));
        for (size_t k = 0; k < sc->n_visits; k++, gidx++) {
            double t = st + sc->visit_h[k];
            res->madrs_true[p][k] = observed(w->pop, s, sess, n_sess, tr, find_time(grid, nu, t), t, w->o_madrs);
            res->madrs_rated[p][k] = MISSING(ketsim_pop_rate_madrs(w->pop, &r, res->madrs_true[p][k]));
        }
        double cp = 0, sp = 0, dp = 0, hp = 0;
        for (size_t kk = k0; kk < nu && grid[kk] <= st + PEAK_WINDOW_H + 1e-9; kk++) {
            cp = fmax(cp, ketsim_traj_output(tr, kk, (size_t)w->o_cadss));
            sp = fmax(sp, ketsim_traj_output(tr, kk, (size_t)w->o_sbp));
            dp = fmax(dp, ketsim_traj_output(tr, kk, (size_t)w->o_dbp));
            hp = fmax(hp, ketsim_traj_output(tr, kk, (size_t)w->o_hr));
        }
        res->cadss_peak[p] = cp;
        res->sbp_peak[p] = sp;
        res->dbp_peak[p] = dp;
        res->hr_peak[p] = hp;
    }
    double last = ketsim_trial_period_start_h(sc, np - 1) + ketsim_trial_last_session_h(sc);
    for (size_t k = 0; k < nfu; k++, gidx++) {
        double t = last + ketsim_trial_followup_h(sc, k);
        res->fu_true[k] = observed(w->pop, s, sess, n_sess, tr, find_time(grid, nu, t), t, w->o_madrs);
        res->fu_rated[k] = MISSING(ketsim_pop_rate_madrs(w->pop, &r, res->fu_true[k]));
    }
#undef MISSING
}

#define MAX_VALUES (KETSIM_POP_MAX_VALUES + KETSIM_TRIAL_MAX_REP_PARAMS + KETSIM_TRIAL_MAX_OMEGA)

/* The subject's individual values: the replicate's typical values (if any),
 * the population's draws over them, then the scenario's own ETAs, each
 * multiplying the value the subject would otherwise have.  The ETAs come
 * from a stream of their own, so the other draws do not move. */
static size_t subject_values(const run_shared *sh, size_t rep_in_call, const ketsim_patient *s, uint64_t id,
                             ketsim_param_value *v, ketsim_trial_subject_result *res)
{
    const ketsim_trial_rep_params *rp = sh->o->rep_params;
    const ketsim_pop *pop = sh->rep_pop ? &sh->rep_pop[rep_in_call] : sh->pop;
    size_t n = 0;
    if (rp) {
        const double *row = rp->value + ((size_t)sh->o->first_replicate + rep_in_call) * rp->n_params;
        for (size_t j = 0; j < rp->n_params; j++)
            v[n++] = (ketsim_param_value){sh->rep_row[j], row[j]};
    }
    n += ketsim_pop_values(pop, s, v + n);
    const ketsim_trial_scenario *sc = sh->sc;
    if (sc->n_omega == 0)
        return n;
    ketsim_rng r;
    ketsim_rng_init(&r, sh->o->seed, id, KETSIM_RNG_USER_IIV);
    ketsim_error e;
    if (ketsim_rng_mvnormal(&r, sc->n_omega, sh->omega_chol, res->eta, &e) != KETSIM_OK)
        memset(res->eta, 0, sc->n_omega * sizeof *res->eta);
    for (size_t j = 0; j < sc->n_omega; j++) {
        size_t k = n; /* the last value given for the row wins, as in ketsim_subject_prepare */
        for (size_t i = n; i-- > 0;)
            if (v[i].row == sh->omega_row[j]) {
                k = i;
                break;
            }
        if (k == n)
            v[n++] = (ketsim_param_value){sh->omega_row[j], ketsim_params_value_at(sh->base, sh->omega_row[j])};
        v[k].value *= exp(res->eta[j]);
    }
    return n;
}

static int run_subject(worker *w, const run_shared *sh, size_t item, ketsim_error *err)
{
    const ketsim_trial_scenario *sc = sh->sc;
    size_t rep = (size_t)sh->o->first_replicate + item / (size_t)sc->n_subjects;
    size_t i = item % (size_t)sc->n_subjects;
    uint64_t id = ((uint64_t)rep << 32) | (uint64_t)i;
    int assign = sh->assign[item];
    ketsim_trial_subject_result *res = &sh->out[item];
    ketsim_trial_subject_clear(sc, res);
    res->assign = assign;

    ketsim_patient s;
    w->pop = sh->rep_pop ? &sh->rep_pop[item / (size_t)sc->n_subjects] : sh->pop;
    ketsim_pop_draw(w->pop, sh->o->seed, id, sc->inclusion_madrs_min, &s);
    record_patient(res, &s);
    ketsim_session sess[MAX_SESSIONS];
    size_t n_sess;
    double *grid = w->grid;
    int rc = build_course(sc, assign, w->reg, sess, &n_sess, err);
    if (rc)
        return rc;
    ketsim_param_value values[MAX_VALUES];
    ketsim_subject_input in = {.weight_kg = s.weight_kg, .values = values,
                               .n_values = subject_values(sh, item / (size_t)sc->n_subjects, &s, id, values, res),
                               .regimen = w->reg,
                               .times_h = grid, .n_times = build_grid(sc, sess, n_sess, grid)};
    const ketsim_trajectory *tr;
    if ((rc = ketsim_subject_run(w->sw, &in, &tr, err))) {
        char pre[96];
        snprintf(pre, sizeof pre, "replicate %zu, subject %zu: ", rep, i);
        ketsim_error_prefix(err, pre);
        if (rc == KETSIM_ESOLVER && sh->o->skip_failures) {
            mark_failed(sc, res, err->msg);
            return KETSIM_OK;
        }
        return rc;
    }

    /* dropout: a random rating index from which everything is missing */
    int n_ratings = ketsim_trial_n_periods(sc) * (int)sc->n_visits + (int)ketsim_trial_n_followup(sc);
    ketsim_rng r;
    ketsim_rng_init(&r, sh->o->seed, id, KETSIM_RNG_DROPOUT);
    int drops = ketsim_rng_bernoulli(&r, sc->dropout);
    double u = ketsim_rng_uniform(&r);
    res->dropout_index = drops ? (int)(u * n_ratings) : -1;
    read_perceived(w, tr, grid, in.n_times, sess, n_sess);
    rate(sh, w, &s, sess, n_sess, tr, grid, in.n_times, id, res);
    return KETSIM_OK;
}

/* The next item for a worker: from this process's fixed share, or, when
 * processes share the work dynamically, from the block this process took
 * last and then from rank 0's counter (asked by one thread at a time). */
static int next_item(run_shared *sh, size_t *item)
{
    if (!sh->queue) {
        *item = atomic_fetch_add(&sh->next, 1);
        return *item < sh->end;
    }
    pthread_mutex_lock(&sh->lock);
    int ok = !atomic_load(&sh->failed);
    if (ok && sh->blk_next >= sh->blk_end)
        ok = trial_dist_queue_next(sh->queue, &sh->blk_next, &sh->blk_end);
    if (ok)
        *item = sh->blk_next++;
    pthread_mutex_unlock(&sh->lock);
    return ok;
}

static void *thread_main(void *arg)
{
    run_shared *sh = arg;
    worker w;
    ketsim_error err = {0};
    int rc = worker_init(&w, sh, &err);
    size_t item = 0;
    while (!rc && next_item(sh, &item))
        rc = run_subject(&w, sh, item, &err);
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
    worker_free(&w);
    return NULL;
}

/* The drugs a worker must be able to give: the scenario's, then every
 * drug an arm's dose names (once each, in order). */
static int collect_drugs(const ketsim_trial_scenario *sc, const ketsim_catalog *cat, const char **drugs, size_t *n,
                         ketsim_error *err)
{
    size_t idx;
    *n = 0;
    drugs[(*n)++] = sc->drug;
    if (ketsim_catalog_find_drug(cat, sc->drug, &idx, err))
        return KETSIM_EINPUT;
    for (size_t a = 0; a < sc->n_arms; a++)
        for (size_t k = 0; k < sc->arms[a].n_specs; k++) {
            const char *d = sc->arms[a].dose[k].drug;
            size_t j = 0;
            if (!d[0])
                continue;
            if (ketsim_catalog_find_drug(cat, d, &idx, err)) {
                char pre[2 * KETSIM_TRIAL_NAME_MAX + 32];
                snprintf(pre, sizeof pre, "scenario '%s', arm '%s': ", sc->name, sc->arms[a].name);
                ketsim_error_prefix(err, pre);
                return KETSIM_EINPUT;
            }
            while (j < *n && strcmp(drugs[j], d) != 0)
                j++;
            if (j == *n && *n < MAX_DRUGS)
                drugs[(*n)++] = d;
        }
    return KETSIM_OK;
}

/* The scenario's omega rows, and with per-replicate typical values the
 * population of each replicate of the call (its pop.* rows and the typical
 * values the population varies around come from the replicate's table). */
static int setup_variability(run_shared *sh, const ketsim_params *base, ketsim_pop **rep_pop, ketsim_error *err)
{
    const ketsim_trial_scenario *sc = sh->sc;
    const ketsim_trial_run_opts *o = sh->o;
    *rep_pop = NULL;
    int rc = ketsim_trial_scenario_omega_check(sc, base, sh->omega_chol, err);
    for (size_t j = 0; !rc && j < sc->n_omega; j++)
        rc = ketsim_params_find(base, sc->omega_name[j], &sh->omega_row[j], err);
    const ketsim_trial_rep_params *rp = o->rep_params;
    if (rc || !rp)
        return rc;
    /* the full check (ketsim_trial_rep_params_check) is the caller's, once
     * per run; per chunk only what this chunk needs, and set_at checks the
     * ranges of the rows it uses */
    if (rp->n_rows < (size_t)(o->first_replicate + o->replicates))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%zu parameter sets for replicates up to %d", rp->n_rows,
                           o->first_replicate + o->replicates - 1);
    for (size_t j = 0; !rc && j < rp->n_params; j++) {
        rc = ketsim_params_find(base, rp->name[j], &sh->rep_row[j], err);
        if (!rc && strncmp(rp->name[j], "trial.", 6) == 0)
            rc = KETSIM_FAIL(err, KETSIM_EINPUT, "parameter '%s': trial.* rows cannot vary between replicates",
                             rp->name[j]);
    }
    ketsim_params *work = NULL;
    ketsim_pop *pops = rc ? NULL : malloc((size_t)o->replicates * sizeof *pops);
    if (!rc && !pops)
        rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    if (!rc)
        rc = ketsim_params_clone(base, &work, err);
    for (int r = 0; !rc && r < o->replicates; r++) {
        const double *row = rp->value + (size_t)(o->first_replicate + r) * rp->n_params;
        rc = ketsim_params_copy_values(work, base, err);
        for (size_t j = 0; !rc && j < rp->n_params; j++)
            rc = ketsim_params_set_at(work, sh->rep_row[j], row[j], err);
        if (!rc)
            rc = ketsim_pop_init(&pops[r], work, err);
        if (rc) {
            char pre[64];
            snprintf(pre, sizeof pre, "replicate %d: ", o->first_replicate + r);
            ketsim_error_prefix(err, pre);
        }
    }
    ketsim_params_free(work);
    if (rc) {
        free(pops);
        return rc;
    }
    *rep_pop = pops;
    return KETSIM_OK;
}

/* Every process needs every subject for the analysis: the fixed parts,
 * then the rating blocks (one stride each, contiguous behind the first
 * record's), and the received records pointed at this process's blocks. */
static int gather_subjects(const ketsim_trial_scenario *sc, trial_dist_queue *queue, ketsim_trial_subject_result *res,
                           size_t n, ketsim_error *err)
{
    if (trial_dist_size() == 1)
        return KETSIM_OK;
    unsigned char *base = res[0].block;
    int with_reasons = res[0].fail_reason != NULL;
    size_t stride = trial_subjects_stride(sc, with_reasons);
    int rc;
    if (queue) {
        rc = trial_dist_queue_gather(queue, res, sizeof *res, base, stride, err);
    } else {
        rc = trial_dist_allgather(res, sizeof *res, n, err);
        if (!rc)
            rc = trial_dist_allgather(base, stride, n, err);
    }
    trial_subjects_rebind(sc, res, n, base, with_reasons);
    return rc;
}

int ketsim_trial_run(const ketsim_trial_scenario *sc, const ketsim_params *base, const ketsim_trial_run_opts *o,
              ketsim_trial_subject_result **out, ketsim_error *err)
{
    *out = NULL;
    if (o->replicates < 1 || sc->n_subjects < 1)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "replicates and subjects must be at least 1");
    ketsim_trial_subject_result *res =
        ketsim_trial_subjects_alloc(sc, (size_t)o->replicates * (size_t)sc->n_subjects, o->skip_failures);
    if (!res)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory for %d x %d subjects", o->replicates, sc->n_subjects);
    int rc = ketsim_trial_run_into(sc, base, o, res, err);
    if (rc) {
        free(res);
        return rc;
    }
    *out = res;
    return KETSIM_OK;
}

int ketsim_trial_run_into(const ketsim_trial_scenario *sc, const ketsim_params *base0, const ketsim_trial_run_opts *o,
                   ketsim_trial_subject_result *res, ketsim_error *err)
{
    int rc = ketsim_trial_scenario_check(sc, err);
    if (rc)
        return rc;
    if (o->replicates < 1 || o->threads < 1 || o->first_replicate < 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "replicates and threads must be at least 1");
    if ((double)o->replicates * (double)sc->n_subjects > KETSIM_TRIAL_MAX_ITEMS)
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "%d replicates x %d subjects exceed the limit of %d simulated subjects per run",
                           o->replicates, sc->n_subjects, KETSIM_TRIAL_MAX_ITEMS);
    ketsim_params *base = NULL;
    ketsim_catalog *cat = NULL;
    int *assign = NULL;
    rc = ketsim_params_clone(base0, &base, err);
    if (!rc)
        rc = ketsim_trial_scenario_apply_sets(sc, base, err);
    ketsim_pop pop;
    if (!rc)
        rc = ketsim_pop_init(&pop, base, err);
    if (!rc)
        rc = ketsim_catalog_create(&cat, err);
    run_shared sh = {.sc = sc, .base = base, .cat = cat, .pop = &pop, .o = o};
    if (!rc)
        rc = collect_drugs(sc, cat, sh.drugs, &sh.n_drugs, err);
    ketsim_pop *rep_pop = NULL;
    if (!rc)
        rc = setup_variability(&sh, base, &rep_pop, err);
    sh.rep_pop = rep_pop;
    size_t n_items = (size_t)o->replicates * (size_t)sc->n_subjects;
    if (!rc) {
        assign = malloc(n_items * sizeof *assign);
        if (!assign)
            rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory for %zu subjects", n_items);
    }
    if (!rc) {
        for (int r = 0; r < o->replicates; r++)
            ketsim_trial_randomize(sc, o->seed, (uint64_t)(o->first_replicate + r),
                            assign + (size_t)r * (size_t)sc->n_subjects);
        size_t first, end;
        trial_dist_share(n_items, &first, &end);
        rc = trial_dist_queue_open(n_items, &sh.queue, err);
        if (sh.queue)
            first = 0, end = n_items; /* any item may come this way */
        sh.assign = assign;
        sh.out = res;
        sh.n_items = n_items;
        sh.end = end;
        atomic_init(&sh.next, first);
        atomic_init(&sh.failed, 0);
        pthread_mutex_init(&sh.lock, NULL);
        int nt = o->threads > 64 ? 64 : o->threads;
        if ((size_t)nt > end - first)
            nt = end > first ? (int)(end - first) : 1;
        pthread_t th[64];
        int started = 0;
        for (int k = 1; !rc && k < nt; k++) {
            if (pthread_create(&th[started], NULL, thread_main, &sh) != 0)
                break;
            started++;
        }
        if (!rc)
            thread_main(&sh);
        for (int k = 0; k < started; k++)
            pthread_join(th[k], NULL);
        pthread_mutex_destroy(&sh.lock);
        if (atomic_load(&sh.failed)) {
            *err = sh.err;
            rc = sh.err.code ? sh.err.code : KETSIM_EINTERNAL;
        }
        /* a rank that finished first waits here asleep, not spinning */
        trial_dist_quiet_barrier();
        rc = trial_dist_any_failed(rc, err);
        if (!rc)
            rc = gather_subjects(sc, sh.queue, res, n_items, err);
        trial_dist_queue_close(sh.queue);
    }
    free(assign);
    free(rep_pop);
    ketsim_catalog_free(cat);
    ketsim_params_free(base);
    return rc;
}
