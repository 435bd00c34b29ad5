/* NONMEM-style dataset files: read a CSV of dose and observation records
 * into an event table (include/ketsim/events.h), and write one prediction per
 * observation record with the input columns carried through.
 *
 * The columns and the conventions (compartment numbers, steady state,
 * resets, ties, MDV, BLQ) are documented in docs/dataset.md. */
#ifndef KETSIM_DATASET_H
#define KETSIM_DATASET_H

#include <stddef.h>
#include <stdio.h>
#include "ketsim/error.h"
#include "ketsim/events.h"

typedef struct ketsim_dataset ketsim_dataset;

/* Read and check a dataset.  `name` is used in messages ("FILE:LINE: ..."). */
int ketsim_dataset_read(const char *path, ketsim_dataset **out, ketsim_error *err);
int ketsim_dataset_read_stream(FILE *fp, const char *name, ketsim_dataset **out, ketsim_error *err);
void ketsim_dataset_free(ketsim_dataset *ds);

/* The records, as the simulator and estimators read them. */
const ketsim_events *ketsim_dataset_events(const ketsim_dataset *ds);
size_t ketsim_dataset_n_records(const ketsim_dataset *ds);
size_t ketsim_dataset_n_subjects(const ketsim_dataset *ds);

/* Write ID,TIME,OUTPUT,PRED and then every other input column, one row per
 * prediction record (EVID 0 or 2); pred has one value per record.  Cells
 * are quoted per RFC 4180 where they need it (the reader accepts quoted
 * cells).  KETSIM_EIO when the stream reports an error. */
int ketsim_dataset_write_csv(FILE *fp, const ketsim_dataset *ds, const double *pred, ketsim_error *err);

#endif
