/* A thin, model-agnostic wrapper over CVODE (BDF, dense) for systems driven
 * by piecewise-constant inputs.  The solver knows nothing of ketamine.
 *
 * Inputs are zero-order rates into single states over [t0, t1) or boluses
 * (t1 == t0) added at t0.  The solver stops exactly at every input
 * discontinuity and re-initialises there; it integrates in one-step mode and
 * interpolates (CVodeGetDky) to the requested output times, so the output
 * grid never changes the answer. */
#ifndef KETSIM_SOLVER_H
#define KETSIM_SOLVER_H

#include <signal.h>
#include <stddef.h>
#include "ketsim/error.h"
#include "util/inputs.h"

typedef void (*solver_rhs_fn)(double t, const double *y, double *ydot, void *user);

typedef ketsim_input solver_input;

typedef struct solver_stats {
    long steps, rhs_evals, jac_evals, reinits;
    long jac_rhs_evals;   /* right-hand sides spent on difference-quotient Jacobians */
    long lin_setups;      /* Newton matrix factorisations */
} solver_stats;

typedef struct solver solver;

/* Allocates everything the solve needs (CVODE memory, vectors, the dense
 * matrix): create once per thread, run many times. */
int solver_create(size_t n, solver_rhs_fn f, void *user, const double *atol, double rtol,
                  solver **out, ketsim_error *err);
void solver_free(solver *s);
void solver_set_user(solver *s, void *user, const double *atol);
/* Relative tolerance and per-state absolute tolerances for the runs that
 * follow (CVODE keeps its own copy, so this is what changes them). */
int solver_set_tolerances(solver *s, double rtol, const double *atol, ketsim_error *err);
/* Newton systems are solved by a block-triangular LU (blocklu.h) with an
 * allocation-free difference-quotient Jacobian; dense = 1 switches back to
 * SUNDIALS' own dense LU and Jacobian (the reference, for comparisons). */
int solver_use_dense_lu(solver *s, int dense, ketsim_error *err);
/* Bound on internal steps per run (a guard against runaway stiffness). */
void solver_set_max_steps(solver *s, long max_steps);
/* Cancellation: when *cancel becomes non-zero (e.g. set by a signal handler),
 * a running solver_run stops before its next step and fails with
 * KETSIM_ESOLVER, "interrupted at t = ...".  NULL (the default) disables it. */
void solver_set_cancel(solver *s, volatile sig_atomic_t *cancel);
/* Wall-clock bound on one solver_run, in seconds (<= 0, the default: none);
 * exceeding it fails with KETSIM_ESOLVER, "solver exceeded the wall-time
 * limit ...".  Unlike the step budget it bounds slow right-hand sides too. */
void solver_set_wall_limit(solver *s, double seconds);

/* Integrate from y0 at t = 0 over the inputs; write the state at each output
 * time (ascending, >= 0) into yout (n_out x n, row-major).  An output at an
 * input's start time is the state after that time's boluses, unless
 * before[i] (before may be NULL) asks for the state just before them; at one
 * time, outputs marked before must come first. */
int solver_run(solver *s, const double *y0, const solver_input *in, size_t n_in,
               const double *tout, const unsigned char *before, size_t n_out, double *yout,
               ketsim_error *err);
void solver_get_stats(const solver *s, solver_stats *st);

#endif
