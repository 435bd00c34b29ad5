/* ketsim simulate --dataset FILE: predictions for every observation record. */
#include "sim_extras.h"
#include "util/atomic.h"
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
    int rc = ketsim_dataset_read(dataset, &ds, err);
    if (!rc) {
        ketsim_progress *bar = ketsim_progress_create(ketsim_dataset_n_subjects(ds), "subjects", quiet);
        rc = ketsim_dataset_predict(subj, ds, on_progress, bar, &pred, err);
        ketsim_progress_finish(bar);
    }
    if (!rc) {
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
