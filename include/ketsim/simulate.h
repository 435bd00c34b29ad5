/* One subject, one regimen: integrate the model and collect outputs on a
 * time grid.  A ketsim_sim holds the solver workspace; create one per thread
 * and reuse it across subjects (no allocation per subject). */
#ifndef KETSIM_SIMULATE_H
#define KETSIM_SIMULATE_H

#include <signal.h>
#include <stddef.h>
#include "ketsim/error.h"
#include "ketsim/model.h"
#include "ketsim/regimen.h"

typedef struct ketsim_sim ketsim_sim;
typedef struct ketsim_trajectory ketsim_trajectory;

int ketsim_sim_create(const ketsim_model *m, ketsim_sim **out, ketsim_error *err);
void ketsim_sim_free(ketsim_sim *s);
/* Point the workspace at another model with the same state layout. */
int ketsim_sim_set_model(ketsim_sim *s, const ketsim_model *m, ketsim_error *err);

/* Simulate from the untreated steady state at t = 0.  times_h ascending,
 * >= 0.  *out is allocated (or reused if non-NULL and the right size). */
int ketsim_sim_run(ketsim_sim *s, const ketsim_regimen *reg, const double *times_h,
                   size_t n_times, ketsim_trajectory **out, ketsim_error *err);

/* As ketsim_sim_run; before_doses (NULL, or one flag per time) asks for the
 * value just before the doses given at that very time (see subject.h). */
int ketsim_sim_run_marked(ketsim_sim *s, const ketsim_regimen *reg, const double *times_h,
                          const unsigned char *before_doses, size_t n_times,
                          ketsim_trajectory **out, ketsim_error *err);

/* As ketsim_sim_run_marked, from the state y_start (NULL: the untreated
 * steady state) at t_start_h instead of t = 0: the regimen's inputs before
 * t_start_h are taken to be in y_start (an infusion running at t_start_h
 * goes on at its rate).  Times ascending, >= t_start_h.  This continues a
 * run whose parameters change at t_start_h (time-varying covariates). */
int ketsim_sim_run_from(ketsim_sim *s, double t_start_h, const double *y_start, const ketsim_regimen *reg,
                        const double *times_h, const unsigned char *before_doses, size_t n_times,
                        ketsim_trajectory **out, ketsim_error *err);

/* Streaming: one row of read-outs per output time, handed to fn as soon as
 * it is solved (outputs[0] is the time), so that a long grid never has to
 * be held in memory.  fn returns KETSIM_OK to go on, or an error code (with
 * err filled) to stop the run with it.  A NaN or infinite read-out stops it
 * with KETSIM_ESOLVER naming the output and time, before fn sees the row. */
typedef int (*ketsim_row_fn)(double t_h, const double *outputs, size_t n_outputs, void *user, ketsim_error *err);
int ketsim_sim_run_stream(ketsim_sim *s, const ketsim_regimen *reg, const double *times_h, size_t n_times,
                          ketsim_row_fn fn, void *user, ketsim_error *err);

/* Cancellation hook for long runs: while *cancel is non-zero, ketsim_sim_run
 * stops before the next solver step and fails with KETSIM_ESOLVER
 * ("interrupted at t = ... h").  The flag is the caller's, typically set by a
 * SIGINT handler; NULL (the default) turns the check off. */
void ketsim_sim_set_cancel(ketsim_sim *s, volatile sig_atomic_t *cancel);
/* Wall-clock limit per solve in seconds (<= 0, the default: none); a solve
 * that runs longer fails with KETSIM_ESOLVER naming the limit and the time
 * reached.  Results of solves that finish in time do not depend on it. */
void ketsim_sim_set_wall_limit(ketsim_sim *s, double seconds);

/* Solver tolerances for the runs that follow: relative tolerance rtol
 * (default 1e-6) and each state's absolute tolerance (ketsim_model_atol)
 * times atol_scale (default 1).  A value that is not a positive finite
 * number restores its default.  For convergence studies. */
void ketsim_sim_set_tolerances(ketsim_sim *s, double rtol, double atol_scale);

/* Solver work of the last run: steps, right-hand-side and Jacobian evaluations. */
void ketsim_sim_stats(const ketsim_sim *s, long *steps, long *rhs_evals, long *jac_evals);

size_t ketsim_traj_n_times(const ketsim_trajectory *t);
double ketsim_traj_time(const ketsim_trajectory *t, size_t i);
/* Output k (see ketsim_model_output) at time index i. */
double ketsim_traj_output(const ketsim_trajectory *t, size_t i, size_t k);
/* Full state vector at time index i. */
const double *ketsim_traj_state(const ketsim_trajectory *t, size_t i);
size_t ketsim_traj_n_states(const ketsim_trajectory *t);
/* Outputs per time: ketsim_model_n_outputs of the model that made it. */
size_t ketsim_traj_n_outputs(const ketsim_trajectory *t);
/* Name, unit and meaning of output k of this trajectory (NULL past the end). */
const ketsim_output_info *ketsim_traj_output_info(const ketsim_trajectory *t, size_t k);
void ketsim_traj_free(ketsim_trajectory *t);
/* A copy of src into *dst (reused when it has the same size). */
int ketsim_traj_copy(const ketsim_trajectory *src, ketsim_trajectory **dst, ketsim_error *err);

/* Convenience: a uniform grid 0, every, 2*every, ..., until (inclusive). */
int ketsim_grid_uniform(double until_h, double every_h, double **times, size_t *n, ketsim_error *err);

#endif
