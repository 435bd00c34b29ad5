/* ketsim simulate --dataset FILE: predictions for every observation record. */
#include "sim_extras.h"
#include "interrupt.h"
#include "output.h"
#include "ketsim/dataset.h"
#include "ketsim/progress.h"

#include <math.h>
#include <stdlib.h>

static void on_progress(size_t done, void *user)
{
    ketsim_progress_update(user, done);
}

int cli_simulate_dataset(const cli_subject *subj, const char *dataset, const char *out, int quiet,
                         ketsim_error *err)
{
    ketsim_dataset *ds = NULL;
    double *pred = NULL;
    cli_file f;
    int rc = cli_file_open(&f, out, err); /* checked before the subjects are simulated */
    if (!rc)
        rc = ketsim_dataset_read(dataset, &ds, err);
    if (!rc) {
        ketsim_progress *bar = ketsim_progress_create(ketsim_dataset_n_subjects(ds), "subjects", quiet);
        rc = ketsim_dataset_predict(subj, ds, on_progress, bar, &pred, err);
        ketsim_progress_finish(bar);
    }
    if (cli_interrupted())
        cli_interrupt_wait();
    if (!rc)
        rc = ketsim_dataset_write_csv(cli_file_stream(&f), ds, pred, err);
    if (!rc)
        rc = cli_file_commit(&f, err);
    cli_file_abort(&f);
    free(pred);
    ketsim_dataset_free(ds);
    return rc;
}
