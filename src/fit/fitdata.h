/* A minimal reader for NONMEM-style fitting data, private to the fit module.
 *
 * Columns (by header name, any order, extra columns ignored):
 *   ID, TIME (h), AMT (mg), RATE (mg/h, 0 = bolus), CMT (1 iv, 2 po, 3 in,
 *   4 im, 5 sc, 6 ip), EVID (0 observation, 1 dose), DV, OUTPUT (the ketsim
 *   output an observation measures).
 * Each ID's rows must be contiguous and in time order.  See docs/fit.md. */
#ifndef KETSIM_FIT_FITDATA_H
#define KETSIM_FIT_FITDATA_H

#include <stddef.h>
#include "ketsim/error.h"
#include "ketsim/regimen.h"

typedef struct fit_obs {
    double time_h, dv;
    size_t output;   /* ketsim output index */
    size_t time_idx; /* index into the subject's distinct times */
} fit_obs;

typedef struct fit_subject {
    char id[32];
    ketsim_regimen *reg;
    fit_obs *obs;
    size_t n_obs, cap_obs;
    double *times; /* distinct observation times, ascending */
    size_t n_times;
} fit_subject;

typedef struct fit_data {
    fit_subject *subj;
    size_t n_subj, cap_subj, n_obs;
} fit_data;

int fitdata_load(const char *path, fit_data **out, ketsim_error *err);
void fitdata_free(fit_data *d);

#endif
