#include "popgen.h"
#include "ketsim/dataset.h"
#include "ketsim/events.h"
#include "ketsim/rng.h"
#include "ketsim/subject.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef KETSIM_SOURCE_DIR
#define KETSIM_SOURCE_DIR "."
#endif

static const double small_times[] = {0.5, 1.5, 4, 9, 24};
static const double full_times[] = {0.25, 1, 2, 5, 10, 24};

static const popgen_design designs[] = {
    {KETSIM_SOURCE_DIR "/examples/theoph.yaml", 40, small_times, 5, 320, 2.8, 32, 1.5, 0.09, 0.04, 0, 0, 0.15, 0, 0,
     0, 20261208},
    {KETSIM_SOURCE_DIR "/examples/theoph.yaml", 40, small_times, 5, 320, 2.8, 32, 1.5, 0.09, 0.04, 0, 0, 0.15, 1500,
     0, 0, 20261208},
    {KETSIM_SOURCE_DIR "/examples/theoph.yaml", 40, small_times, 5, 320, 2.8, 32, 1.5, 0.09, 0.04, 0, 0, 0.15, 0,
     1, 0.3, 20261208},
    {KETSIM_SOURCE_DIR "/examples/theoph.yaml", 100, full_times, 6, 320, 2.8, 32, 1.5, 0.09, 0.04, 0.16, 200, 0.12, 0,
     1, 0.3, 20261203},
};

const popgen_design *popgen_named(const char *name)
{
    if (strcmp(name, "small") == 0)
        return &designs[0];
    if (strcmp(name, "blq") == 0)
        return &designs[1];
    if (strcmp(name, "cov") == 0)
        return &designs[2];
    if (strcmp(name, "full") == 0)
        return &designs[3];
    return NULL;
}

typedef struct subj {
    double wt, sex, cl, v, ka;
} subj;

static void draw(const popgen_design *d, size_t s, subj *o)
{
    ketsim_rng rc, ri;
    ketsim_rng_init(&rc, d->seed, s + 1, KETSIM_RNG_COVARIATES);
    ketsim_rng_init(&ri, d->seed, s + 1, KETSIM_RNG_IIV);
    o->wt = d->weights ? 50 + 50 * ketsim_rng_uniform(&rc) : 70;
    o->sex = d->sex_effect != 0 ? (double)(s % 2) : 0;
    double e1 = ketsim_rng_normal(&ri), e2 = ketsim_rng_normal(&ri), e3 = ketsim_rng_normal(&ri);
    o->cl = d->cl * exp(sqrt(d->om_cl) * e1 + d->sex_effect * o->sex);
    o->v = d->v * exp(sqrt(d->om_v) * e2);
    o->ka = d->ka * exp(sqrt(d->om_ka) * e3);
}

static void write_rows(FILE *f, const popgen_design *d, const double *dv, const int *blq)
{
    fprintf(f, "ID,TIME,AMT,CMT,EVID,DV,BLQ,LLOQ,OUTPUT%s%s\n", d->weights ? ",WT" : "", d->sex_effect != 0 ? ",SEX" : "");
    for (size_t s = 0; s < d->n_subjects; s++) {
        subj o;
        draw(d, s, &o);
        char extra[64] = "";
        if (d->weights)
            snprintf(extra + strlen(extra), sizeof extra - strlen(extra), ",%.4f", o.wt);
        if (d->sex_effect != 0)
            snprintf(extra + strlen(extra), sizeof extra - strlen(extra), ",%g", o.sex);
        fprintf(f, "%zu,0,%g,2,1,.,0,.,.%s\n", s + 1, d->dose_mg, extra);
        for (size_t j = 0; j < d->n_times; j++) {
            size_t k = s * d->n_times + j;
            if (d->lloq > 0)
                fprintf(f, "%zu,%g,.,.,0,%.8g,%d,%g,plasma_theo_ng_per_ml%s\n", s + 1, d->times_h[j], dv ? dv[k] : 0,
                        blq ? blq[k] : 0, d->lloq, extra);
            else
                fprintf(f, "%zu,%g,.,.,0,%.8g,0,.,plasma_theo_ng_per_ml%s\n", s + 1, d->times_h[j], dv ? dv[k] : 0,
                        extra);
        }
    }
}

int popgen_write(const char *path, const popgen_design *d, ketsim_error *err)
{
    size_t nobs = d->n_subjects * d->n_times;
    double *dv = calloc(nobs, sizeof *dv), *pred = NULL;
    int *blq = calloc(nobs, sizeof *blq);
    ketsim_params *p = NULL;
    ketsim_catalog *cat = NULL;
    ketsim_subject_worker *w = NULL;
    ketsim_events_runner *run = NULL;
    ketsim_dataset *ds = NULL;
    const char *drug = NULL;
    FILE *f = fopen(path, "w");
    int rc = (!dv || !blq || !f) ? KETSIM_FAIL(err, KETSIM_EIO, "%s: cannot write", path) : KETSIM_OK;
    if (!rc) { /* the layout first, to read back as an event table */
        write_rows(f, d, NULL, NULL);
        fclose(f);
        f = NULL;
        rc = ketsim_dataset_read(path, &ds, err);
    }
    if (!rc)
        rc = ketsim_params_create(KETSIM_HUMAN, &p, err);
    if (!rc)
        rc = ketsim_catalog_create(&cat, err);
    if (!rc)
        rc = ketsim_catalog_load_drug_file(cat, p, d->drug_file, &drug, err);
    const char *drugs[1] = {drug};
    if (!rc)
        rc = ketsim_subject_worker_create(p, cat, drugs, 1, &w, err);
    const ketsim_events *ev = ds ? ketsim_dataset_events(ds) : NULL;
    if (!rc)
        rc = ketsim_events_runner_create(ev, w, 0, &run, err);
    size_t rows[3];
    if (!rc)
        rc = ketsim_params_find(p, "theo.cl_l_per_h", &rows[0], err);
    if (!rc)
        rc = ketsim_params_find(p, "theo.v1_l", &rows[1], err);
    if (!rc)
        rc = ketsim_params_find(p, "theo.route.po.ka_per_h", &rows[2], err);
    if (!rc && !(pred = malloc(ketsim_events_n_records(ev) * sizeof *pred)))
        rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    for (size_t s = 0; !rc && s < d->n_subjects; s++) {
        subj o;
        draw(d, s, &o);
        ketsim_param_value vals[3] = {{rows[0], o.cl}, {rows[1], o.v}, {rows[2], o.ka}};
        size_t first, n;
        ketsim_events_subject(ev, s, &first, &n);
        rc = ketsim_events_runner_run(run, s, o.wt, vals, 3, pred + first, err);
        ketsim_rng re;
        ketsim_rng_init(&re, d->seed, s + 1, KETSIM_RNG_RESIDUAL);
        for (size_t j = 0; !rc && j < d->n_times; j++) {
            double y = pred[first + 1 + j], e1 = ketsim_rng_normal(&re), e2 = ketsim_rng_normal(&re);
            size_t k = s * d->n_times + j;
            dv[k] = y + d->sigma_add * e1 + d->sigma_prop * y * e2;
            if (d->lloq > 0 && dv[k] < d->lloq) {
                blq[k] = 1;
                dv[k] = d->lloq;
            }
        }
    }
    if (!rc) {
        f = fopen(path, "w");
        if (!f)
            rc = KETSIM_FAIL(err, KETSIM_EIO, "%s: cannot write", path);
        else {
            write_rows(f, d, dv, blq);
            if (fclose(f))
                rc = KETSIM_FAIL(err, KETSIM_EIO, "%s: write failed", path);
        }
    }
    free(dv), free(blq), free(pred);
    ketsim_events_runner_free(run);
    ketsim_subject_worker_free(w);
    ketsim_dataset_free(ds);
    ketsim_catalog_free(cat);
    ketsim_params_free(p);
    return rc;
}
