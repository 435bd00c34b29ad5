/* ketsim simulate --dataset FILE: predictions for every observation record. */
#include "sim_extras.h"
#include "results_db_cli.h"
#include "util/atomic.h"
#include "ketsim/dataset.h"
#include "ketsim/progress.h"

#include <math.h>
#include <stdlib.h>

static void on_progress(size_t done, void *user)
{
    ketsim_progress_update(user, done);
}

/* The predictions as a results database (docs/formats.md). */
static int write_db(ketsim_results_db *db, const cli_subject *subj, const char *dataset, const ketsim_dataset *ds,
                    const double *pred, ketsim_error *err)
{
    int rc = ketsim_results_db_meta(db, "species", ketsim_species_name(subj->species), err);
    if (!rc)
        rc = ketsim_results_db_meta(db, "drug", subj->drug, err);
    if (!rc)
        rc = ketsim_results_db_data_file(db, dataset, "dataset", err);
    if (!rc)
        rc = ketsim_results_db_params(db, subj->params, NULL, 0, err);
    if (!rc)
        rc = ketsim_results_db_dataset(db, ketsim_dataset_events(ds), pred, err);
    if (!rc)
        return ketsim_results_db_commit(db, err);
    ketsim_results_db_abort(db);
    return rc;
}

int cli_simulate_dataset(const cli_subject *subj, const char *dataset, const char *out, int quiet,
                         const char *command_line, ketsim_error *err)
{
    ketsim_dataset *ds = NULL;
    double *pred = NULL;
    ketsim_results_db *db = NULL;
    int rc = ketsim_dataset_read(dataset, &ds, err);
    if (!rc && out && cli_results_db_path(out)) /* opened first: a bad path costs no simulation */
        rc = cli_results_db_open(out, "simulate", command_line, 0, &db, err);
    if (!rc && !(pred = malloc(ketsim_dataset_n_records(ds) * sizeof *pred)))
        rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    if (!rc) {
        ketsim_progress *bar = ketsim_progress_create(ketsim_dataset_n_subjects(ds), "subjects", quiet);
        ketsim_events_sim_opts o = {.params = subj->params, .catalog = subj->catalog, .drug = subj->drug,
                                    .default_weight_kg = subj->weight_kg, .progress = on_progress,
                                    .progress_user = bar};
        rc = ketsim_events_simulate(ketsim_dataset_events(ds), &o, pred, err);
        ketsim_progress_finish(bar);
    }
    if (db && rc) {
        ketsim_results_db_abort(db);
    } else if (db) {
        rc = write_db(db, subj, dataset, ds, pred, err); /* commits, or removes it on failure */
    } else if (!rc) {
        atomic_file af;
        rc = atomic_open(&af, out, err);
        if (!rc)
            rc = ketsim_dataset_write_csv(af.fp, ds, pred, err);
        if (!rc)
            rc = atomic_commit(&af, err);
        else if (af.fp)
            atomic_abort(&af);
    }
    free(pred);
    ketsim_dataset_free(ds);
    return rc;
}
