/* Internal layout of a parsed dataset, shared by the reader and the simulator. */
#ifndef KETSIM_DATASET_IMPL_H
#define KETSIM_DATASET_IMPL_H

#include "ketsim/dataset.h"

enum ds_evid { DS_OBS = 0, DS_DOSE = 1, DS_OTHER = 2, DS_RESET = 3, DS_RESET_DOSE = 4 };

typedef struct ds_record {
    long line;              /* line number in the file, for messages */
    double id, time_h, amt_mg, rate_mg_per_h, dur_h, ii_h, wt_kg;
    long cmt, evid, addl, ss;
    int has_wt;             /* WT present and not missing on this record */
    size_t output;          /* output index an observation measures */
    char **cells;           /* the row's raw cells, one per header column */
} ds_record;

typedef struct ds_subject {
    size_t first, n;        /* records [first, first + n) */
} ds_subject;

struct ketsim_dataset {
    char *name;
    size_t n_cols;
    char **header;          /* column names as written */
    char *header_text;      /* the header line the names point into */
    long col_id, col_time, col_output;
    ds_record *rec;
    size_t n_rec, cap_rec;
    ds_subject *subj;
    size_t n_subj, cap_subj;
};

/* Length of a record's infusion in hours (0 for a bolus). */
double ds_dose_duration_h(const ds_record *r);

#endif
