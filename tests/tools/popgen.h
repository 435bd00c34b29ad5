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

/* The joint PK + MADRS design (popgen_joint.c): esketamine 35 mg IV over
 * 40 min; individual S-ketamine clearance, mood sensitivity and untreated
 * MADRS log-normal around theta with variances omega (in the order of
 * popgen_joint_rows); 3 plasma samples per subject (proportional error
 * sigma_pk_prop) and MADRS at 0, 4 h, 1, 3 and 7 d (additive error
 * sigma_madrs_add).  "joint" has 100 subjects, "joint-small" 12. */
#define POPGEN_JOINT_NPAR 3
typedef struct popgen_joint_design {
    const char *name;
    size_t n_subjects;
    double dose_mg, rate_mg_per_h;
    double theta[POPGEN_JOINT_NPAR], omega[POPGEN_JOINT_NPAR];
    double sigma_pk_prop, sigma_madrs_add;
    uint64_t seed;
} popgen_joint_design;
extern const char *const popgen_joint_rows[POPGEN_JOINT_NPAR];
const popgen_joint_design *popgen_joint_named(const char *name);
int popgen_joint_write(const char *path, const popgen_joint_design *d, ketsim_error *err);
/* The drawn individual values (ID and one column per row) as CSV. */
int popgen_joint_write_truth(const char *path, const popgen_joint_design *d, ketsim_error *err);

#endif
