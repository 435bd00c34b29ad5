/* Validation against literature targets (data/targets.csv).
 *
 * Each target names a scenario (species, drug, doses, duration, parameter
 * overrides), a statistic of one output (value at a time, max/min over a
 * window, time of max/min, a difference or ratio), the literature value and
 * an accepted range, its source and its role: "calibration" (used to fix a
 * parameter) or "check" (held out).  See docs/validation.md. */
#ifndef KETSIM_VALIDATE_H
#define KETSIM_VALIDATE_H

#include <stddef.h>
#include "ketsim/error.h"
#include "ketsim/params.h"
#include "ketsim/trial.h"

typedef struct ketsim_target_result {
    char id[64];
    char quantity[160];
    char literature[64];
    char source[200];
    char role[16];
    double lower, upper, simulated;
    int pass;
    int trial_level; /* 1: a statistic over replicate virtual trials */
} ketsim_target_result;

typedef struct ketsim_validation ketsim_validation;

/* Finds the trial scenario NAME of a trial-level target (trial:SCENARIO:...)
 * and fills *sc; returns KETSIM_OK or fills err.  Scenario files are the
 * formats layer's, above this one, so the application passes its
 * ketsim_formats_scenario_loader (include/ketsim/formats.h) or a loader of
 * its own. */
typedef int (*ketsim_scenario_loader)(const char *name, ketsim_trial_scenario *sc, void *user,
                                      ketsim_error *err);

/* Parse the targets file; errors name FILE:LINE and the column.  base
 * (any species) gives the registered parameter tables each target's species
 * table is built from. */
int ketsim_validation_load(const char *path, const ketsim_params *base, ketsim_validation **out,
                           ketsim_error *err);
/* Set the loader of trial scenarios (user is passed through to it).
 * Without one, trial-level targets fail with KETSIM_EINPUT. */
void ketsim_validation_set_scenario_loader(ketsim_validation *v, ketsim_scenario_loader fn, void *user);
/* Run every target's scenario and fill the results. */
int ketsim_validation_run(ketsim_validation *v, ketsim_error *err);
/* Run target i alone with parameter overrides (NAME = VALUE pairs) applied
 * after the target's own `set` column; updates its result.  For
 * calibration: the values are for the target's species. */
int ketsim_validation_run_target(ketsim_validation *v, size_t i, const char *const *names,
                                 const double *values, size_t n, ketsim_error *err);
/* The species column of target i (as written in the file). */
const char *ketsim_validation_species(const ketsim_validation *v, size_t i);
size_t ketsim_validation_count(const ketsim_validation *v);
const ketsim_target_result *ketsim_validation_result(const ketsim_validation *v, size_t i);
void ketsim_validation_free(ketsim_validation *v);

#endif
