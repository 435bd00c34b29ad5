/* ketsim simulate --dataset FILE: predictions for every observation record. */
#include "sim_extras.h"
#include "interrupt.h"
#include "output.h"
#include "results_db_cli.h"
#include "ketsim/dataset.h"
#include "ketsim/progress.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
        return cli_results_db_commit(db, err);
    cli_results_db_abort(db);
    return rc;
}

int cli_simulate_dataset(const cli_subject *subj, const char *dataset, const char *out, int quiet,
                         const char *command_line, ketsim_error *err)
{
    ketsim_dataset *ds = NULL;
    double *pred = NULL;
    ketsim_results_db *db = NULL;
    cli_file f;
    memset(&f, 0, sizeof f);
    /* the output is opened (and so checked) before the subjects are simulated */
    int is_db = out && cli_results_db_path(out);
    int rc = is_db ? cli_results_db_open(out, "simulate", command_line, 0, &db, err) : cli_file_open(&f, out, err);
    if (!rc)
        rc = ketsim_dataset_read(dataset, &ds, err);
    if (!rc) {
        ketsim_progress *bar = ketsim_progress_create(ketsim_dataset_n_subjects(ds), "subjects", quiet);
        rc = ketsim_dataset_predict(subj, ds, on_progress, bar, &pred, err);
        ketsim_progress_finish(bar);
    }
    if (cli_interrupted())
        cli_interrupt_wait();
    if (db && rc) {
        cli_results_db_abort(db);
    } else if (db) {
        rc = write_db(db, subj, dataset, ds, pred, err); /* commits, or removes it on failure */
    } else {
        if (!rc)
            rc = ketsim_dataset_write_csv(cli_file_stream(&f), ds, pred, err);
        if (!rc)
            rc = cli_file_commit(&f, err);
        cli_file_abort(&f);
    }
    free(pred);
    ketsim_dataset_free(ds);
    return rc;
}
