/* The summary JSON's record of a run's own variability (trial_unc_io.c). */
#ifndef KETSIM_FORMATS_TRIAL_UNC_OUT_H
#define KETSIM_FORMATS_TRIAL_UNC_OUT_H

#include <jansson.h>

#include "ketsim/trial.h"

/* "omega" (the scenario's own, when it has one) and "replicate_parameters"
 * (source, file, values_csv, drawn, fixed; with o->rep_params) into root;
 * nothing for a run without either. */
void trial_out_rep_params(json_t *root, const ketsim_trial_scenario *sc, const ketsim_trial_run_opts *o, int *bad);

#endif
