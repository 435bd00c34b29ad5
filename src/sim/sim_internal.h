/* Access to a simulation's solver for tests and benchmarks inside the
 * project (not part of the public API). */
#ifndef KETSIM_SIM_INTERNAL_H
#define KETSIM_SIM_INTERNAL_H

#include "ketsim/simulate.h"
#include "solver.h"

solver *sim_solver(ketsim_sim *s);

#endif
