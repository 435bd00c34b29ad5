/* A piecewise-constant input on one state of an ODE system: a zero-order
 * rate over [t0, t1), or a bolus (t1 == t0) added at t0.  The model turns
 * doses into inputs (model/dosing.c); the solver integrates them
 * (sim/solver.c) without knowing what they are. */
#ifndef KETSIM_UTIL_INPUTS_H
#define KETSIM_UTIL_INPUTS_H

#include <stddef.h>

typedef struct ketsim_input {
    double t0, t1;  /* t1 == t0: bolus */
    size_t state;
    double amount;  /* total amount; delivered at amount / (t1 - t0) per hour */
} ketsim_input;

#endif
