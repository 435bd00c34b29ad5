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
/* quantile: "median", "p5" or "p95" of the endpoint over replicates. */
int val_trial_run_statistic(const val_trial_run *r, const char *metric, const char *quantile,
                            double *out, ketsim_error *err);
void val_trial_run_free(val_trial_run *r);

#endif
