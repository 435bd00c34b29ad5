/* A thin, model-agnostic wrapper over CVODE (BDF) for systems driven
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
 * matrix; solver_set_pattern adds the sparse one): create once per thread,
 * run many times. */
int solver_create(size_t n, solver_rhs_fn f, void *user, const double *atol, double rtol,
                  solver **out, ketsim_error *err);
void solver_free(solver *s);
void solver_set_user(solver *s, void *user, const double *atol);
/* Relative tolerance and per-state absolute tolerances for the runs that
 * follow (CVODE keeps its own copy, so this is what changes them). */
int solver_set_tolerances(solver *s, double rtol, const double *atol, ketsim_error *err);
/* How Newton systems M = I - gamma J are built and solved.
 *   SPARSE  J on the sparsity pattern (solver_set_pattern) by coloured
 *           difference quotients (one right-hand side per group of columns
 *           that share no row), M formed on the non-zeros only, solved by a
 *           block-triangular LU whose blocks were found once from the
 *           pattern (sparselu.h).
 *   KLU     the same J and M, solved by SuiteSparse KLU (when ketsim was
 *           built with it: solver_have_klu()).
 *   BLOCK   a dense matrix, J by difference quotients of every column, a
 *           block-triangular LU that finds its blocks from the numbers at
 *           every setup (blocklu.h): the path before patterns existed.
 *   DENSE   SUNDIALS' own dense LU and difference-quotient Jacobian.
 *   AUTO    the default: SPARSE once a pattern is set, BLOCK before.
 * SPARSE, KLU and BLOCK compute the same difference quotients (same
 * increments, same quotients): with a pattern that covers every dependency
 * of the right-hand side, their Jacobians are bitwise equal. */
typedef enum {
    SOLVER_NEWTON_AUTO,
    SOLVER_NEWTON_SPARSE,
    SOLVER_NEWTON_KLU,
    SOLVER_NEWTON_BLOCK,
    SOLVER_NEWTON_DENSE,
} solver_newton;

int solver_set_newton(solver *s, solver_newton kind, ketsim_error *err);
/* The path in use (never AUTO). */
solver_newton solver_get_newton(const solver *s);
int solver_have_klu(void);
/* dense = 1 is solver_set_newton(DENSE), dense = 0 solver_set_newton(AUTO). */
int solver_use_dense_lu(solver *s, int dense, ketsim_error *err);

/* The Jacobian's sparsity pattern: mask[j * n + i] != 0 when ydot[i] may
 * depend on y[j] (column-major, n x n; the diagonal is added).  Builds the
 * sparse matrix, the column colouring and the block structure once; call
 * again when the right-hand side's structure changes. */
int solver_set_pattern(solver *s, const unsigned char *mask, ketsim_error *err);

typedef struct solver_pattern_info {
    size_t nnz;       /* 0: no pattern set */
    size_t n_groups;  /* right-hand sides per coloured Jacobian */
    size_t n_blocks, largest_block;
} solver_pattern_info;
void solver_get_pattern_info(const solver *s, solver_pattern_info *info);

/* Tolerances for the next runs (atol: n values, copied). */
int solver_set_tolerances(solver *s, double rtol, const double *atol, ketsim_error *err);

/* For tests: the difference-quotient Jacobian at (t, y) with error weights
 * ewt and step h (what CVODE would hand over), column by column as the
 * BLOCK path computes it (coloured = 0) or by colour groups as SPARSE and
 * KLU do (coloured = 1, needs a pattern), into J (n x n, column-major; in
 * the coloured case entries outside the pattern are 0). */
int solver_dq_jacobian(solver *s, double t, const double *y, const double *ewt, double h, int coloured,
                       double *J, ketsim_error *err);

/* Bound on internal steps per run (a guard against runaway stiffness). */
void solver_set_max_steps(solver *s, long max_steps);
/* Cancellation: when *cancel becomes non-zero (e.g. set by a signal handler),
 * a running solver_run stops before its next step and fails with
 * KETSIM_ESOLVER, "interrupted at t = ...".  NULL (the default) disables it. */
void solver_set_cancel(solver *s, volatile sig_atomic_t *cancel);
/* Streaming: with a sink, solver_run hands each output's state to fn (in
 * order of the output index) instead of storing it in yout, which may then
 * be NULL; a non-zero return stops the run with KETSIM_EIO (the sink keeps
 * the reason: err is left as the sink filled it).  NULL restores
 * storing. */
typedef int (*solver_sink_fn)(size_t i, const double *y, void *user);
void solver_set_sink(solver *s, solver_sink_fn fn, void *user);
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
/* The same from y0 at t = t_start (outputs >= t_start): inputs are those of
 * the whole run, so an infusion that began before t_start goes on at its
 * rate and a bolus before t_start is taken to be in y0 already; boluses at
 * t_start are added after the outputs there marked before.  For runs whose
 * parameters change at t_start (time-varying covariates). */
int solver_run_from(solver *s, double t_start, const double *y0, const solver_input *in, size_t n_in,
                    const double *tout, const unsigned char *before, size_t n_out, double *yout,
                    ketsim_error *err);
void solver_get_stats(const solver *s, solver_stats *st);

#endif
