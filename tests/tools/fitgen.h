/* Synthetic fitting data for the recovery tests: simulate known parameters,
 * add deterministic residual noise (ketsim_rng), write the fit CSV format. */
#ifndef KETSIM_TESTS_FITGEN_H
#define KETSIM_TESTS_FITGEN_H

#include <stddef.h>
#include "ketsim/ketsim.h"

typedef struct fitgen_design {
    ketsim_species species;
    const char *drug;
    const char *const *set_names; /* true values of the parameters to recover */
    const double *set_values;
    size_t n_set;
    const double *amt_mg;         /* one IV dose per subject */
    size_t n_subjects;
    double infusion_h;            /* 0: bolus */
    const double *times_h;
    size_t n_times;
    const char *output;
    double sigma_add, sigma_prop;
    unsigned long long seed;
} fitgen_design;

/* The two designs the tests use: "pk" and "cascade" (see fitgen.c). */
const fitgen_design *fitgen_named(const char *name);
int fitgen_write(const char *path, const fitgen_design *d, ketsim_error *err);

#endif
