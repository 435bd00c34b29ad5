/* Validation against literature targets (data/targets.csv, read by
 * ketsim_targets_read in include/ketsim/formats.h; docs/validation.md is the
 * report).
 *
 * A target names a scenario (species, drug, doses, duration, parameter
 * overrides) and a statistic:
 *   at|max|min|tmax|tmin|diff|ratio|fold:OUTPUT...   of one simulated subject
 *   trial:SCENARIO:METRIC:QUANTILE:REPLICATES[:MIN_FRACTION]
 *                                       of an endpoint over replicate trials
 *   targets:diff:A:B | targets:ratio:A:B | targets:order:A:B[:C...]
 *                                       of other targets' simulated values (a
 *                                       contrast, or the smallest step of a
 *                                       sequence that must rise)
 * with the literature value and an accepted range [lower, upper], the reason
 * for that range (`window`), its source, and its role: calibration (a
 * parameter was fitted or set against it) or check (held out; never used to
 * set anything).  The role of every target is fixed in the file before any
 * fitting. */
#ifndef KETSIM_VALIDATE_H
#define KETSIM_VALIDATE_H

#include <stddef.h>
#include "ketsim/error.h"
#include "ketsim/params.h"
#include "ketsim/trial.h"

typedef enum ketsim_target_role { KETSIM_ROLE_CALIBRATION = 0, KETSIM_ROLE_CHECK = 1 } ketsim_target_role;

/* One row of the targets table as read (text fields as written). */
typedef struct ketsim_target_spec {
    char id[64];
    char quantity[200];
    char species[16];
    char drug[64];
    char doses[256];       /* space-separated doses in the --dose grammar */
    double until_h;
    char sets[256];        /* space-separated NAME=VALUE */
    char statistic[256];
    char literature[96];
    double lower, upper;   /* -inf / +inf: no bound */
    char window[320];      /* why the accepted range is what it is */
    char source[320];
    ketsim_target_role role;
    char table[8];         /* the main job's table the row appears in ("1", "1s", "2") or "" */
    char file[256];        /* where it was read, for messages */
    long line;
} ketsim_target_spec;

typedef struct ketsim_target_result {
    char id[64];
    char quantity[200];
    char literature[96];
    char source[320];
    char window[320];
    char table[8];
    char role[16];         /* "calibration" or "check" */
    ketsim_target_role role_kind;
    double lower, upper, simulated;
    double margin;         /* distance inside the range to the nearer bound, in units of
                            * bound|bound| when one-sided); < 0: outside */
    int pass;
    int trial_level;       /* 1: a statistic over replicate virtual trials */
    int derived;           /* 1: computed from other targets */
    double defined_fraction; /* trial level: replicates in which the endpoint was defined */
    double min_fraction;     /* trial level: the fraction required */
    char why[160];         /* for a miss: "outside [a, b]", "defined in 31% of replicates" */
} ketsim_target_result;

typedef struct ketsim_validation ketsim_validation;

/* Finds the trial scenario NAME of a trial-level target and fills *sc.
 * Scenario files are the formats layer's, above this one, so the
 * application passes ketsim_formats_scenario_loader (formats.h) or its own. */
typedef int (*ketsim_scenario_loader)(const char *name, ketsim_trial_scenario *sc, void *user,
                                      ketsim_error *err);

/* An empty validation.  base (any species) gives the registered parameter
 * tables each target's species table is built from; name starts messages. */
int ketsim_validation_create(const char *name, const ketsim_params *base, ketsim_validation **out,
                             ketsim_error *err);
/* Check a row (statistic, times, role, bounds) and add it; messages name
 * the spec's file, line and column. */
int ketsim_validation_add(ketsim_validation *v, const ketsim_target_spec *spec, ketsim_error *err);
/* After the last add: resolve the targets:... references (they must name
 * targets of the table, with no cycle). */
int ketsim_validation_finish(ketsim_validation *v, ketsim_error *err);
/* Set the loader of trial scenarios (user is passed through to it).
 * Without one, trial-level targets fail with KETSIM_EINPUT. */
void ketsim_validation_set_scenario_loader(ketsim_validation *v, ketsim_scenario_loader fn, void *user);
/* Hand over replicate trials already run (scenario NAME with its own seed
 * on the default table, no sets: what a trial-level target with
 * `replicates` would run), so targets on it are not simulated twice.  The
 * validation takes ownership of reps (malloc'd, `replicates` entries). */
int ketsim_validation_adopt_trial(ketsim_validation *v, const char *scenario, int replicates,
                                  ketsim_trial_metrics *reps, ketsim_error *err);
/* Run every target and fill the results. */
int ketsim_validation_run(ketsim_validation *v, ketsim_error *err);
/* Run target i alone with parameter overrides (NAME = VALUE pairs) applied
 * after the target's own `set` column; updates its result.  For
 * calibration: the values are for the target's species.  Derived targets
 * use their references' latest results. */
int ketsim_validation_run_target(ketsim_validation *v, size_t i, const char *const *names,
                                 const double *values, size_t n, ketsim_error *err);
/* The species column of target i (as written in the file). */
const char *ketsim_validation_species(const ketsim_validation *v, size_t i);
/* The set column of target i: its parameter overrides, space-separated
 * NAME=VALUE ("" none). */
const char *ketsim_validation_sets(const ketsim_validation *v, size_t i);
size_t ketsim_validation_count(const ketsim_validation *v);
const ketsim_target_result *ketsim_validation_result(const ketsim_validation *v, size_t i);
/* Index of a target by id; -1 if absent. */
long ketsim_validation_find(const ketsim_validation *v, const char *id);
/* Counts over the results: calibration passed / missed, checks passed / missed. */
void ketsim_validation_totals(const ketsim_validation *v, size_t *cal_pass, size_t *cal_miss, size_t *chk_pass,
                              size_t *chk_miss);
void ketsim_validation_free(ketsim_validation *v);

#endif
