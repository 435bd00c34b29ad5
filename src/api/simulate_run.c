/* `simulate`: one subject, one regimen, the selected outputs on a grid; and
 * the predictions of a NONMEM-style dataset. */
#include "ketsim/api.h"
#include "ketsim/subject.h"

#include <stdlib.h>
#include <string.h>

#define SIM_MAX_DRUGS 257
#define SIM_MAX_COLUMNS 512

struct ketsim_simulation {
    ketsim_setup setup;
    double weight_kg;
    ketsim_regimen *regimen;
    ketsim_subject_worker *worker;
    const ketsim_trajectory *traj; /* owned by the worker */
    double *times_h;
    size_t n_times;
    size_t cols[SIM_MAX_COLUMNS];
    size_t n_cols;
};

/* The same ranges the program's options allow, so that a binding cannot
 * ask for a run the program would refuse. */
static int check_request(const ketsim_simulate_request *rq, ketsim_error *err)
{
    if (rq->weight_kg > 0 && !(rq->weight_kg >= 0.005 && rq->weight_kg <= 500))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--weight %g: expected a weight in kg between 0.005 and 500",
                           rq->weight_kg);
    if (!(rq->until_h >= 0 && rq->until_h <= 24 * 3650))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--until %g h: expected a duration between 0 and 10 years",
                           rq->until_h);
    if (!(rq->every_h > 0))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--every %g h: expected a positive duration", rq->every_h);
    if (rq->n_doses + 1 > SIM_MAX_DRUGS)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "too many doses (max %d)", SIM_MAX_DRUGS - 1);
    return KETSIM_OK;
}

/* The main drug plus every drug a dose names (DRUG/ROUTE:...), once each. */
static int collect_drugs(const ketsim_setup *s, const ketsim_regimen *reg, const char **drugs, size_t *n,
                         ketsim_error *err)
{
    *n = 0;
    drugs[(*n)++] = s->drug;
    for (size_t i = 0; i < ketsim_regimen_count(reg); i++) {
        const char *name = ketsim_regimen_dose(reg, i)->drug;
        size_t idx, k;
        if (!name[0])
            continue;
        if (ketsim_catalog_find_drug(s->catalog, name, &idx, err))
            return KETSIM_EINPUT;
        for (k = 0; k < *n && strcmp(drugs[k], name) != 0; k++)
            ;
        if (k == *n)
            drugs[(*n)++] = name;
    }
    return KETSIM_OK;
}

/* The outputs a comma-separated list names, as columns of the model (all
 * of its outputs, per-compound concentrations included, for NULL). */
static int select_outputs(const char *list, const ketsim_model *m, size_t *cols, size_t *n, ketsim_error *err)
{
    *n = 0;
    if (!list) {
        for (size_t k = 0; k < ketsim_model_n_outputs(m) && *n < SIM_MAX_COLUMNS; k++)
            cols[(*n)++] = k;
        return KETSIM_OK;
    }
    char buf[4096];
    if (strlen(list) >= sizeof buf)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--outputs list too long");
    strcpy(buf, list);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        long k = ketsim_model_output_index(m, tok);
        if (k < 0)
            return KETSIM_FAIL(err, KETSIM_EINPUT,
                               "--outputs: unknown output '%s' (see ketsim outputs --drug ...)", tok);
        if (*n == SIM_MAX_COLUMNS)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "--outputs: too many columns");
        cols[(*n)++] = (size_t)k;
    }
    if (*n == 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--outputs: empty list");
    return KETSIM_OK;
}

int ketsim_simulation_open(const ketsim_simulate_request *rq, ketsim_simulation **out, ketsim_error *err)
{
    *out = NULL;
    int rc = check_request(rq, err);
    if (rc)
        return rc;
    ketsim_simulation *s = calloc(1, sizeof *s);
    if (!s)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    const char *drugs[SIM_MAX_DRUGS];
    size_t n_drugs = 0;
    rc = ketsim_setup_init(&s->setup, rq->species, rq->drug, rq->params_file, rq->sets, rq->n_sets, err);
    s->weight_kg = rq->weight_kg > 0 ? rq->weight_kg : s->setup.weight_kg;
    if (!rc)
        rc = ketsim_regimen_from_specs(rq->doses, rq->n_doses, &s->regimen, err);
    if (!rc)
        rc = ketsim_grid_uniform(rq->until_h, rq->every_h, &s->times_h, &s->n_times, err);
    if (!rc)
        rc = collect_drugs(&s->setup, s->regimen, drugs, &n_drugs, err);
    if (!rc)
        rc = ketsim_subject_worker_create(s->setup.params, s->setup.catalog, drugs, n_drugs, &s->worker, err);
    if (!rc)
        rc = select_outputs(rq->outputs, ketsim_subject_worker_model(s->worker), s->cols, &s->n_cols, err);
    if (rc) {
        ketsim_simulation_free(s);
        return rc;
    }
    ketsim_subject_worker_set_cancel(s->worker, rq->cancel);
    *out = s;
    return KETSIM_OK;
}

static ketsim_subject_input simulation_input(const ketsim_simulation *s)
{
    return (ketsim_subject_input){.weight_kg = s->weight_kg, .regimen = s->regimen, .times_h = s->times_h,
                                  .n_times = s->n_times};
}

int ketsim_simulation_solve(ketsim_simulation *s, ketsim_error *err)
{
    ketsim_subject_input in = simulation_input(s);
    return ketsim_subject_run(s->worker, &in, &s->traj, err);
}

int ketsim_simulation_stream(ketsim_simulation *s, ketsim_row_fn fn, void *user, ketsim_error *err)
{
    ketsim_subject_input in = simulation_input(s);
    return ketsim_subject_run_stream(s->worker, &in, fn, user, err);
}

int ketsim_simulation_run(const ketsim_simulate_request *rq, ketsim_simulation **out, ketsim_error *err)
{
    int rc = ketsim_simulation_open(rq, out, err);
    if (!rc && (rc = ketsim_simulation_solve(*out, err))) {
        ketsim_simulation_free(*out);
        *out = NULL;
    }
    return rc;
}

const ketsim_model *ketsim_simulation_model(const ketsim_simulation *s)
{
    return ketsim_subject_worker_model(s->worker);
}

const ketsim_setup *ketsim_simulation_setup(const ketsim_simulation *s)
{
    return &s->setup;
}

double ketsim_simulation_weight_kg(const ketsim_simulation *s)
{
    return s->weight_kg;
}

const ketsim_trajectory *ketsim_simulation_trajectory(const ketsim_simulation *s)
{
    return s->traj;
}

size_t ketsim_simulation_n_columns(const ketsim_simulation *s)
{
    return s->n_cols;
}

const size_t *ketsim_simulation_columns(const ketsim_simulation *s)
{
    return s->cols;
}

void ketsim_simulation_free(ketsim_simulation *s)
{
    if (!s)
        return;
    ketsim_subject_worker_free(s->worker);
    ketsim_regimen_free(s->regimen);
    free(s->times_h);
    ketsim_setup_free(&s->setup);
    free(s);
}

int ketsim_dataset_predict(const ketsim_setup *s, const ketsim_dataset *ds, ketsim_events_progress_fn progress,
                           void *progress_user, double **pred, ketsim_error *err)
{
    size_t n = ketsim_dataset_n_records(ds);
    *pred = malloc((n ? n : 1) * sizeof **pred);
    if (!*pred)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    ketsim_events_sim_opts o = {.params = s->params, .catalog = s->catalog, .drug = s->drug,
                                .default_weight_kg = s->weight_kg, .progress = progress,
                                .progress_user = progress_user};
    int rc = ketsim_events_simulate(ketsim_dataset_events(ds), &o, *pred, err);
    if (rc) {
        free(*pred);
        *pred = NULL;
    }
    return rc;
}
