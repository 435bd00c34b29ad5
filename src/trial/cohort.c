/* Virtual cohorts: a free regimen through N virtual patients (see
 * include/ketsim/cohort.h).  Threads share work through an atomic counter;
 * each subject's numbers depend only on (seed, subject). */
#include "ketsim/cohort.h"
#include "ketsim/model.h"
#include "ketsim/population.h"
#include "ketsim/rng.h"
#include "ketsim/subject.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

typedef struct shared {
    const ketsim_cohort_spec *sp;
    const ketsim_session *sessions;  /* in time order */
    size_t n_sessions;
    ketsim_pop pop;
    ketsim_cohort_result *res;
    long o_madrs;
    atomic_int next;
    atomic_int failed;
    pthread_mutex_t lock;
    int err_subject;
    ketsim_error err;
} shared;

long ketsim_cohort_time_index(const double *t, size_t n, double x)
{
    for (size_t k = 0; k < n; k++)
        if (fabs(t[k] - x) < 1e-9)
            return (long)k;
    return -1;
}

typedef struct worker {
    ketsim_subject_worker *sw;
    ketsim_regimen *reg;
} worker;

static int worker_init(worker *w, const ketsim_cohort_spec *sp, ketsim_error *err)
{
    const char *drugs[1] = {sp->drug};
    memset(w, 0, sizeof *w);
    int rc = ketsim_subject_worker_create(sp->params, sp->cat, drugs, 1, &w->sw, err);
    if (!rc)
        rc = ketsim_regimen_create(&w->reg, err);
    for (size_t i = 0; !rc && i < sp->n_doses; i++)
        rc = ketsim_regimen_add(w->reg, &sp->doses[i], err);
    return rc;
}

static void worker_free(worker *w)
{
    ketsim_regimen_free(w->reg);
    ketsim_subject_worker_free(w->sw);
}

static int run_one(worker *w, shared *sh, int i, ketsim_error *err)
{
    const ketsim_cohort_spec *sp = sh->sp;
    ketsim_cohort_result *res = sh->res;
    ketsim_patient s;
    /* the id of subject i in replicate 0 of a trial */
    ketsim_pop_draw(&sh->pop, sp->seed, (uint64_t)i, sp->inclusion_min, &s);
    ketsim_param_value values[KETSIM_POP_MAX_VALUES];
    ketsim_subject_input in = {.weight_kg = s.weight_kg, .values = values,
                               .n_values = ketsim_pop_values(&sh->pop, &s, values), .regimen = w->reg,
                               .times_h = sp->times_h, .n_times = sp->n_times};
    const ketsim_trajectory *tr;
    int rc = ketsim_subject_run(w->sw, &in, &tr, err);
    if (rc)
        return rc;
    res->bdnf_met[i] = s.bdnf_met;
    res->cyp2b6_pm[i] = s.cyp2b6_pm;
    res->weight_kg[i] = s.weight_kg;
    res->madrs_baseline_untreated[i] = s.madrs_baseline;
    ketsim_rng r;
    ketsim_rng_init(&r, sp->seed, (uint64_t)i, KETSIM_RNG_RESIDUAL);
    for (size_t k = 0; k < sp->n_times; k++) {
        size_t at = (size_t)i * sp->n_times + k;
        double m = ketsim_traj_output(tr, k, (size_t)sh->o_madrs);
        double pl = ketsim_pop_placebo_at(&sh->pop, &s, sh->sessions, sh->n_sessions, sp->times_h[k]);
        res->madrs_true[at] = ketsim_pop_observed_madrs(&s, m, pl);
        res->madrs_rated[at] = ketsim_pop_rate_madrs(&sh->pop, &r, res->madrs_true[at]);
        for (size_t j = 0; j < sp->n_outputs; j++)
            res->out[at * sp->n_outputs + j] = ketsim_traj_output(tr, k, (size_t)sp->outputs[j]);
    }
    return KETSIM_OK;
}

static void *thread_main(void *arg)
{
    shared *sh = arg;
    worker w;
    ketsim_error err = {0};
    int rc = worker_init(&w, sh->sp, &err), i = -1;
    while (!rc) {
        i = atomic_fetch_add(&sh->next, 1);
        if (i >= sh->sp->n_subjects)
            break;
        rc = run_one(&w, sh, i, &err);
    }
    if (rc) {
        pthread_mutex_lock(&sh->lock);
        if (!atomic_load(&sh->failed) || i < sh->err_subject) {
            sh->err = err;
            sh->err_subject = i;
        }
        atomic_store(&sh->failed, 1);
        atomic_store(&sh->next, sh->sp->n_subjects);
        pthread_mutex_unlock(&sh->lock);
    }
    worker_free(&w);
    return NULL;
}

void ketsim_cohort_result_free(ketsim_cohort_result *r)
{
    free(r->madrs_true);
    free(r->madrs_rated);
    free(r->out);
    free(r->bdnf_met);
    free(r->cyp2b6_pm);
    free(r->weight_kg);
    free(r->madrs_baseline_untreated);
    memset(r, 0, sizeof *r);
}

static int check_spec(const ketsim_cohort_spec *sp, ketsim_error *err)
{
    if (sp->n_subjects < 1 || sp->n_subjects > 100000)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "cohort size %d outside 1..100000", sp->n_subjects);
    if (sp->n_times < 1 || sp->times_h[0] != 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "cohort time grid must start at 0");
    for (size_t k = 1; k < sp->n_times; k++)
        if (!(sp->times_h[k] > sp->times_h[k - 1]))
            return KETSIM_FAIL(err, KETSIM_EINPUT, "cohort time grid not strictly ascending at %zu", k);
    if (sp->n_doses > KETSIM_COHORT_MAX_DOSES || sp->n_outputs > KETSIM_COHORT_MAX_OUTPUTS)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "too many doses or outputs for a cohort");
    for (size_t j = 0; j < sp->n_outputs; j++)
        if (sp->outputs[j] < 0 || (size_t)sp->outputs[j] >= ketsim_n_outputs())
            return KETSIM_FAIL(err, KETSIM_EINPUT, "cohort output index %ld out of range", sp->outputs[j]);
    return KETSIM_OK;
}

static int cmp_session(const void *a, const void *b)
{
    double x = ((const ketsim_session *)a)->time_h, y = ((const ketsim_session *)b)->time_h;
    return (x > y) - (x < y);
}

static int alloc_result(const ketsim_cohort_spec *sp, ketsim_cohort_result *res, ketsim_error *err)
{
    size_t ns = (size_t)sp->n_subjects, nk = ns * sp->n_times;
    res->n_subjects = sp->n_subjects;
    res->n_times = sp->n_times;
    res->n_outputs = sp->n_outputs;
    res->madrs_true = malloc(nk * sizeof *res->madrs_true);
    res->madrs_rated = malloc(nk * sizeof *res->madrs_rated);
    res->out = malloc((nk * sp->n_outputs + 1) * sizeof *res->out);
    res->bdnf_met = malloc(ns * sizeof(int));
    res->cyp2b6_pm = malloc(ns * sizeof(int));
    res->weight_kg = malloc(ns * sizeof(double));
    res->madrs_baseline_untreated = malloc(ns * sizeof(double));
    if (!res->madrs_true || !res->madrs_rated || !res->out || !res->bdnf_met || !res->cyp2b6_pm ||
        !res->weight_kg || !res->madrs_baseline_untreated) {
        ketsim_cohort_result_free(res);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory for a cohort of %d", sp->n_subjects);
    }
    return KETSIM_OK;
}

static int run_threads(shared *sh, ketsim_error *err)
{
    const ketsim_cohort_spec *sp = sh->sp;
    atomic_init(&sh->next, 0);
    atomic_init(&sh->failed, 0);
    pthread_mutex_init(&sh->lock, NULL);
    int nt = sp->threads < 1 ? 1 : sp->threads > 64 ? 64 : sp->threads;
    if (nt > sp->n_subjects)
        nt = sp->n_subjects;
    pthread_t th[64];
    int started = 0;
    for (int k = 1; k < nt; k++)
        if (pthread_create(&th[started], NULL, thread_main, sh) == 0)
            started++;
    thread_main(sh);
    for (int k = 0; k < started; k++)
        pthread_join(th[k], NULL);
    pthread_mutex_destroy(&sh->lock);
    if (atomic_load(&sh->failed)) {
        *err = sh->err;
        return err->code ? err->code : KETSIM_EINTERNAL;
    }
    return KETSIM_OK;
}

int ketsim_cohort_run(const ketsim_cohort_spec *sp, const double *sham, size_t n_sham, ketsim_cohort_result *res, ketsim_error *err)
{
    memset(res, 0, sizeof *res);
    int rc = check_spec(sp, err);
    if (rc)
        return rc;
    shared sh = {.sp = sp, .res = res, .o_madrs = ketsim_output_index("madrs")};
    if ((rc = ketsim_pop_init(&sh.pop, sp->params, err)))
        return rc;
    /* placebo follows the sessions: the dose times, or the sham course's */
    size_t n_sess = sp->n_doses ? sp->n_doses : n_sham;
    ketsim_session *sess = malloc((n_sess ? n_sess : 1) * sizeof *sess);
    if (!sess)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    for (size_t i = 0; i < n_sess; i++)
        sess[i] = (ketsim_session){sp->n_doses ? sp->doses[i].time_h : sham[i], 0};
    qsort(sess, n_sess, sizeof sess[0], cmp_session);
    sh.sessions = sess;
    sh.n_sessions = n_sess;
    rc = alloc_result(sp, res, err);
    if (!rc)
        rc = run_threads(&sh, err);
    if (rc)
        ketsim_cohort_result_free(res);
    free(sess);
    return rc;
}
