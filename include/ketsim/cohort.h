/* Virtual cohorts for exploratory work: one regimen, N virtual patients,
 * any model outputs on any time grid.
 *
 * Unlike ketsim_trial_run (fixed designs from a scenario file), a cohort takes a
 * free regimen (any drug known to the catalog, any route, doses in mg or
 * mg/kg) and records what the caller asks for.  Subject i is drawn exactly
 * as subject i of replicate 0 of a trial with the same seed (same covariates,
 * variability and placebo response), so two cohorts with the same seed are
 * common random numbers: differences between regimens are not sampling
 * noise.  Results do not depend on the thread count. */
#ifndef KETSIM_COHORT_H
#define KETSIM_COHORT_H

#include <stddef.h>
#include <stdint.h>

#include "ketsim/catalog.h"
#include "ketsim/error.h"
#include "ketsim/params.h"
#include "ketsim/regimen.h"

#define KETSIM_COHORT_MAX_DOSES 64
#define KETSIM_COHORT_MAX_OUTPUTS 16

typedef struct ketsim_cohort_spec {
    const ketsim_params *params;   /* table with any drug-file rows and overrides */
    const ketsim_catalog *cat;
    const char *drug;              /* main drug of the doses (catalog name) */
    size_t n_doses;                /* 0: an untreated (placebo) cohort */
    ketsim_dose doses[KETSIM_COHORT_MAX_DOSES];
    const double *times_h;         /* ascending, first 0 */
    size_t n_times;
    size_t n_outputs;              /* model outputs recorded besides MADRS */
    long outputs[KETSIM_COHORT_MAX_OUTPUTS];
    int n_subjects;
    uint64_t seed;
    double inclusion_min;          /* -1: pop.madrs_inclusion_min */
    int threads;
} ketsim_cohort_spec;

/* Per subject s and time k (row-major [s][k]):
 *   madrs_true  model MADRS minus the placebo response since the last session
 *   madrs_rated a rating of it (rater noise, stream RESIDUAL), 0..60
 *   out[(s * n_times + k) * n_outputs + j]  output j */
typedef struct ketsim_cohort_result {
    int n_subjects;
    size_t n_times, n_outputs;
    double *madrs_true;
    int *madrs_rated;
    double *out;
    int *bdnf_met, *cyp2b6_pm;
    double *weight_kg, *madrs_baseline_untreated;
} ketsim_cohort_result;

/* Session start times used for the placebo response: the dose times, or
 * these when the spec has no doses (a sham course). */
int ketsim_cohort_run(const ketsim_cohort_spec *spec, const double *sham_sessions_h, size_t n_sham, ketsim_cohort_result *res,
               ketsim_error *err);
void ketsim_cohort_result_free(ketsim_cohort_result *res);

static inline double ketsim_cohort_out(const ketsim_cohort_result *r, int s, size_t k, size_t j)
{
    return r->out[((size_t)s * r->n_times + k) * r->n_outputs + j];
}

/* Index of time t in the grid (exact within 1e-9 h), or -1. */
long ketsim_cohort_time_index(const double *times_h, size_t n, double t);

#endif
