/* The joint PK + MADRS population of the recovery study (popgen.h,
 * popgen_joint_write): esketamine IV over 40 min, sparse plasma samples on
 * three rotating schedules and MADRS ratings, predicted by the mechanistic
 * model through the events runner that `fit` itself uses. */
#include "popgen.h"
#include "ketsim/dataset.h"
#include "ketsim/events.h"
#include "ketsim/rng.h"
#include "ketsim/subject.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PK_OUT "plasma_s_ketamine_ng_per_ml"
#define MADRS_OUT "madrs"
#define N_PK 3
#define N_SCHED 3
#define N_MADRS 5
#define N_OBS (N_PK + N_MADRS)

/* Three sparse schedules, one per subject in turn: together they cover the
 * infusion, the distribution phase and the terminal phase, while no subject
 * gives more than three samples. */
static const double pk_sched[N_SCHED][N_PK] = {{0.5, 2, 6}, {0.75, 3, 8}, {1, 4, 12}};
/* MADRS before the dose, at 4 h, 1 d, 3 d and 7 d. */
static const double madrs_times[N_MADRS] = {0, 4, 24, 72, 168};

static const popgen_joint_design joint_designs[] = {
    {"joint", 100, 35, 52.5, {80, 1.25, 30}, {0.09, 0.09, 0.02}, 0.15, 2.0, 20261204},
    {"joint-small", 12, 35, 52.5, {80, 1.25, 30}, {0.09, 0.09, 0.02}, 0.15, 2.0, 20261204},
};

const char *const popgen_joint_rows[POPGEN_JOINT_NPAR] = {"s_ket.cl_l_per_h", "mood.sensitivity",
                                                          "patient.madrs_baseline"};

const popgen_joint_design *popgen_joint_named(const char *name)
{
    for (size_t i = 0; i < sizeof joint_designs / sizeof joint_designs[0]; i++)
        if (strcmp(name, joint_designs[i].name) == 0)
            return &joint_designs[i];
    return NULL;
}

/* One record of a subject, in time order: the pre-dose rating first (a
 * record before the dose at the same time is pre-dose), then the dose, then
 * samples and ratings merged by time. */
typedef struct jrec {
    double t;
    int madrs; /* 1 rating, 0 plasma sample */
} jrec;

static size_t subject_records(size_t s, jrec *r)
{
    size_t n = 0, i = 0, j = 1; /* j = 1: the rating at 0 is written before the dose */
    const double *pk = pk_sched[s % N_SCHED];
    while (i < N_PK || j < N_MADRS) {
        if (j >= N_MADRS || (i < N_PK && pk[i] <= madrs_times[j]))
            r[n++] = (jrec){pk[i++], 0};
        else
            r[n++] = (jrec){madrs_times[j++], 1};
    }
    return n;
}

static void write_rows(FILE *f, const popgen_joint_design *d, const double *dv)
{
    fprintf(f, "ID,TIME,AMT,RATE,CMT,EVID,DV,OUTPUT\n");
    for (size_t s = 0; s < d->n_subjects; s++) {
        jrec r[N_OBS - 1];
        size_t n = subject_records(s, r);
        const double *y = dv ? dv + s * N_OBS : NULL;
        fprintf(f, "%zu,0,.,.,.,0,%.8g,%s\n", s + 1, y ? y[0] : 0, MADRS_OUT);
        fprintf(f, "%zu,0,%g,%g,1,1,.,.\n", s + 1, d->dose_mg, d->rate_mg_per_h);
        for (size_t k = 0; k < n; k++)
            fprintf(f, "%zu,%g,.,.,.,0,%.8g,%s\n", s + 1, r[k].t, y ? y[1 + k] : 0, r[k].madrs ? MADRS_OUT : PK_OUT);
    }
}

/* The subject's individual values: log-normal around the typical values,
 * from the subject's own IIV stream. */
static void draw(const popgen_joint_design *d, size_t s, double *v)
{
    ketsim_rng ri;
    ketsim_rng_init(&ri, d->seed, s + 1, KETSIM_RNG_IIV);
    for (size_t k = 0; k < POPGEN_JOINT_NPAR; k++)
        v[k] = d->theta[k] * exp(sqrt(d->omega[k]) * ketsim_rng_normal(&ri));
}

/* Predictions of one subject's observations (record order, the dose left
 * out), with residual noise: proportional on the plasma samples, additive
 * on the ratings. */
static int noisy_subject(const popgen_joint_design *d, ketsim_events_runner *run, const ketsim_events *ev,
                         const size_t *rows, size_t s, double *pred, double *dv, ketsim_error *err)
{
    double v[POPGEN_JOINT_NPAR];
    draw(d, s, v);
    ketsim_param_value vals[POPGEN_JOINT_NPAR];
    for (size_t k = 0; k < POPGEN_JOINT_NPAR; k++)
        vals[k] = (ketsim_param_value){rows[k], v[k]};
    size_t first, n;
    ketsim_events_subject(ev, s, &first, &n);
    if (n != N_OBS + 1)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "subject %zu: %zu records, expected %d", s + 1, n, N_OBS + 1);
    int rc = ketsim_events_runner_run(run, s, 70, vals, POPGEN_JOINT_NPAR, pred + first, err);
    ketsim_rng re;
    ketsim_rng_init(&re, d->seed, s + 1, KETSIM_RNG_RESIDUAL);
    jrec r[N_OBS - 1];
    subject_records(s, r);
    for (size_t k = 0; !rc && k < N_OBS; k++) {
        size_t rec = k == 0 ? 0 : k + 1; /* record 1 is the dose */
        double f = pred[first + rec], e = ketsim_rng_normal(&re);
        int madrs = k == 0 || r[k - 1].madrs;
        dv[s * N_OBS + k] = madrs ? f + d->sigma_madrs_add * e : f * (1 + d->sigma_pk_prop * e);
    }
    return rc;
}

static int write_file(const char *path, const popgen_joint_design *d, const double *dv, ketsim_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return KETSIM_FAIL(err, KETSIM_EIO, "%s: cannot write", path);
    write_rows(f, d, dv);
    return fclose(f) ? KETSIM_FAIL(err, KETSIM_EIO, "%s: write failed", path) : KETSIM_OK;
}

int popgen_joint_write(const char *path, const popgen_joint_design *d, ketsim_error *err)
{
    double *dv = calloc(d->n_subjects * N_OBS, sizeof *dv), *pred = NULL;
    ketsim_params *p = NULL;
    ketsim_catalog *cat = NULL;
    ketsim_subject_worker *w = NULL;
    ketsim_events_runner *run = NULL;
    ketsim_dataset *ds = NULL;
    const char *drugs[1] = {"esketamine"};
    size_t rows[POPGEN_JOINT_NPAR];
    int rc = dv ? write_file(path, d, NULL, err) : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    if (!rc) /* the layout first, read back as the event table fit will see */
        rc = ketsim_dataset_read(path, &ds, err);
    if (!rc)
        rc = ketsim_params_create(KETSIM_HUMAN, &p, err);
    if (!rc)
        rc = ketsim_catalog_create(&cat, err);
    if (!rc)
        rc = ketsim_subject_worker_create(p, cat, drugs, 1, &w, err);
    const ketsim_events *ev = ds ? ketsim_dataset_events(ds) : NULL;
    if (!rc)
        rc = ketsim_events_runner_create(ev, w, 0, &run, err);
    for (size_t k = 0; !rc && k < POPGEN_JOINT_NPAR; k++)
        rc = ketsim_params_find(p, popgen_joint_rows[k], &rows[k], err);
    if (!rc && !(pred = malloc(ketsim_events_n_records(ev) * sizeof *pred)))
        rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    for (size_t s = 0; !rc && s < d->n_subjects; s++)
        rc = noisy_subject(d, run, ev, rows, s, pred, dv, err);
    if (!rc)
        rc = write_file(path, d, dv, err);
    free(dv), free(pred);
    ketsim_events_runner_free(run);
    ketsim_subject_worker_free(w);
    ketsim_dataset_free(ds);
    ketsim_catalog_free(cat);
    ketsim_params_free(p);
    return rc;
}

/* The drawn individual values, one row per subject, so that a test can
 * compare the estimates with the sample that was drawn as well as with the
 * population it was drawn from. */
int popgen_joint_write_truth(const char *path, const popgen_joint_design *d, ketsim_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return KETSIM_FAIL(err, KETSIM_EIO, "%s: cannot write", path);
    fprintf(f, "ID,%s,%s,%s\n", popgen_joint_rows[0], popgen_joint_rows[1], popgen_joint_rows[2]);
    for (size_t s = 0; s < d->n_subjects; s++) {
        double v[POPGEN_JOINT_NPAR];
        draw(d, s, v);
        fprintf(f, "%zu,%.10g,%.10g,%.10g\n", s + 1, v[0], v[1], v[2]);
    }
    return fclose(f) ? KETSIM_FAIL(err, KETSIM_EIO, "%s: write failed", path) : KETSIM_OK;
}
