/* NONMEM-style event datasets: read a CSV of dose and observation records,
 * simulate every subject, and write one prediction per observation record.
 *
 * The record layout and the conventions (compartment numbers, steady state,
 * resets, ties) are documented in docs/dataset.md. */
#ifndef KETSIM_DATASET_H
#define KETSIM_DATASET_H

#include <stddef.h>
#include <stdio.h>
#include "ketsim/catalog.h"
#include "ketsim/error.h"
#include "ketsim/params.h"
#include "ketsim/regimen.h"

typedef struct ketsim_dataset ketsim_dataset;

/* Read and check a dataset.  `name` is used in messages ("FILE:LINE: ..."). */
int ketsim_dataset_read(const char *path, ketsim_dataset **out, ketsim_error *err);
int ketsim_dataset_read_stream(FILE *fp, const char *name, ketsim_dataset **out, ketsim_error *err);
void ketsim_dataset_free(ketsim_dataset *ds);

size_t ketsim_dataset_n_records(const ketsim_dataset *ds);
size_t ketsim_dataset_n_subjects(const ketsim_dataset *ds);
/* Whether record i gets a prediction (EVID 0 or 2). */
int ketsim_dataset_is_prediction(const ketsim_dataset *ds, size_t i);
double ketsim_dataset_time(const ketsim_dataset *ds, size_t i);

/* Route a compartment number (CMT) maps to: 1 iv, 2 po, 3 in, 4 im, 5 sc, 6 ip. */
int ketsim_dataset_cmt_route(long cmt, ketsim_route *route);

/* Called after each subject with the number of subjects done. */
typedef void (*ketsim_dataset_progress_fn)(size_t done, void *user);

typedef struct ketsim_dataset_sim_opts {
    const ketsim_params *params;
    const ketsim_catalog *catalog;
    const char *drug;             /* catalog name of the drug every dose gives */
    double default_weight_kg;     /* when the dataset has no WT */
    double ss_tol;                /* relative trough-to-trough change that counts as steady; 0: 1e-6 */
    ketsim_dataset_progress_fn progress;
    void *progress_user;
} ketsim_dataset_sim_opts;

/* Simulate every subject.  pred has one slot per record: the prediction for
 * EVID 0/2 records, NAN for the others. */
int ketsim_dataset_simulate(const ketsim_dataset *ds, const ketsim_dataset_sim_opts *opts,
                            double *pred, ketsim_error *err);

/* Write ID,TIME,OUTPUT,PRED and then every other input column, one row per
 * prediction record. */
void ketsim_dataset_write_csv(FILE *fp, const ketsim_dataset *ds, const double *pred);

#endif
