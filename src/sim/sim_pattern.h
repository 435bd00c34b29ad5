/* The model's Jacobian sparsity pattern (src/model/sparsity.c) handed to a
 * solver, which is generic and knows nothing of the model. */
#ifndef KETSIM_SIM_PATTERN_H
#define KETSIM_SIM_PATTERN_H

#include "ketsim/model.h"
#include "solver.h"

int sim_set_model_pattern(solver *s, const ketsim_model *m, ketsim_error *err);

#endif
