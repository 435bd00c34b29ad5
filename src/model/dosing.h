/* Doses to solver inputs: the one place a regimen is turned into
 * zero-order inputs and boluses on model states (routes, lags, the
 * intranasal split, icv).  Used by the simulator and the SBML exporter. */
#ifndef KETSIM_DOSE_INPUTS_H
#define KETSIM_DOSE_INPUTS_H

#include "ketsim/regimen.h"
#include "model/model_impl.h"
#include "util/inputs.h"

typedef struct dose_inputs {
    ketsim_input *v;
    size_t n, cap;
} dose_inputs;

/* Replace the contents of `in` with the inputs of `reg` (storage reused). */
int dose_inputs_build(const ketsim_model *m, const ketsim_regimen *reg, dose_inputs *in,
                      ketsim_error *err);
void dose_inputs_free(dose_inputs *in);

#endif
