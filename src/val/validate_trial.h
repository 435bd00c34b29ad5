/* Trial-level validation targets: statistics of an endpoint over replicate
 * virtual trials (private to src/val).  A run is kept so that several
 * targets on the same scenario share one set of simulations. */
#ifndef KETSIM_VALIDATE_TRIAL_H
#define KETSIM_VALIDATE_TRIAL_H

#include "ketsim/error.h"
#include "ketsim/params.h"
#include "ketsim/validate.h"

typedef struct val_trial_run val_trial_run;

/* Run `replicates` trials of a scenario, found by `load` (NULL: an error),
 * with space-separated NAME=VALUE sets. */
int val_trial_run_create(const ketsim_params *base, ketsim_scenario_loader load, void *load_user,
                         const char *scenario, int replicates, const char *sets, val_trial_run **out,
                         ketsim_error *err);
/* Does this run answer for (scenario, replicates, sets)? */
int val_trial_run_matches(const val_trial_run *r, const char *scenario, int replicates,
                          const char *sets);
/* `quantile` ("median", "p5", "p95", "mean" or "sd") of the endpoint over
 * the replicates in which it is defined (NAN if none), and the fraction of
 * replicates that is.  An endpoint name the trial never has is an error. */
int val_trial_run_statistic(const val_trial_run *r, const char *metric, const char *quantile,
                            double *out, double *defined_fraction, ketsim_error *err);
/* A run made elsewhere (the main job's own replicate trials, same scenario,
 * seed and table): takes ownership of reps (replicates entries, malloc'd). */
int val_trial_run_wrap(const char *scenario, int replicates, ketsim_trial_metrics *reps, val_trial_run **out,
                       ketsim_error *err);
void val_trial_run_free(val_trial_run *r);

#endif
