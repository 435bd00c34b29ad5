/* Doses to solver inputs: the one place a regimen is turned into
 * zero-order inputs and boluses on model states (routes, lags, the
 * intranasal split, icv).  Used by the simulator and the SBML exporter. */
#ifndef KETSIM_DOSE_INPUTS_H
#define KETSIM_DOSE_INPUTS_H

#include "ketsim/regimen.h"
#include "model/model_impl.h"
#include "util/inputs.h"

struct dose_inputs {
    ketsim_input *v;
    size_t n, cap;
};
typedef struct dose_inputs dose_inputs;

/* Replace the contents of `in` with the inputs of `reg` (storage reused). */
int dose_inputs_build(const ketsim_model *m, const ketsim_regimen *reg, dose_inputs *in,
                      ketsim_error *err);
/* Append the inputs of dose `d` (the i-th of its regimen, for messages). */
int dose_inputs_add(const ketsim_model *m, const ketsim_dose *d, size_t i, dose_inputs *in,
                    ketsim_error *err);
/* The dose's amount in mg (mg/kg doses at the model's weight). */
double dose_inputs_mg(const ketsim_model *m, const ketsim_dose *d);
void dose_inputs_free(dose_inputs *in);
/* Append one input: rate over [t0, t0 + dur), or a bolus when dur == 0. */
int dosing_push(dose_inputs *in, double t0, double dur, long state, double amount, ketsim_error *err);

#endif
