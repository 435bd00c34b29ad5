/* Synthetic population data for the population-estimation tests: a
 * one-compartment oral compound (examples/theoph.yaml), individual CL, V and
 * ka drawn from log-normal distributions with known OMEGA, residual noise
 * with known SIGMA, optional weights (the model's allometry), a 0/1
 * covariate with an effect on CL, and BLQ flags under an LLOQ.  Every draw
 * comes from ketsim_rng streams (seed, subject, purpose). */
#ifndef KETSIM_TESTS_POPGEN_H
#define KETSIM_TESTS_POPGEN_H

#include <stddef.h>
#include <stdint.h>
#include "ketsim/ketsim.h"

typedef struct popgen_design {
    const char *drug_file;
    size_t n_subjects;
    const double *times_h;     /* sampling times (every subject) */
    size_t n_times;
    double dose_mg;            /* one oral dose (CMT 2) at time 0 */
    double cl, v, ka;          /* typical values (70 kg) */
    double om_cl, om_v, om_ka; /* variances of the ETAs (0: none) */
    double sigma_add, sigma_prop;
    double lloq;               /* > 0: DV under it is written as BLQ=1, DV=LLOQ */
    int weights;               /* 1: a WT column, 50-100 kg */
    double sex_effect;         /* != 0: a SEX column (half 1), CL x exp(effect SEX) */
    uint64_t seed;
} popgen_design;

/* The named designs: "small" (40 subjects, 5 samples each), "blq" (the same
 * with an LLOQ), "cov" (small with weights and a SEX effect on CL), "full"
 * (100 subjects, 6 samples, ETAs on CL, V and ka, combined error, weights
 * and SEX). */
const popgen_design *popgen_named(const char *name);
int popgen_write(const char *path, const popgen_design *d, ketsim_error *err);

#endif
