/* One subject, from parameters and regimen to read-outs.
 *
 * This is the one way every layer above runs a simulation: a trial patient,
 * a laboratory animal, a validation target, a fitted data set's subject and
 * the `simulate` command all go through ketsim_subject_run.
 *
 *   ketsim_subject_worker_create  once per thread: a working copy of the
 *                                 parameters, the model for the drugs the
 *                                 thread will give, the solver, the result
 *   ketsim_subject_run            per subject: base table + individual values
 *                                 + weight, a regimen (any drugs of the
 *                                 worker, any route, mg or mg/kg, boluses and
 *                                 infusions, resets) and output times in;
 *                                 a trajectory of every output out
 *   ketsim_subject_worker_free
 *
 * A run allocates nothing once the worker has seen a subject of the same
 * size (output times, doses).  A subject's result depends only on its input,
 * never on the subjects run before it on the same worker. */
#ifndef KETSIM_SUBJECT_H
#define KETSIM_SUBJECT_H

#include <signal.h>
#include <stddef.h>
#include "ketsim/catalog.h"
#include "ketsim/error.h"
#include "ketsim/model.h"
#include "ketsim/params.h"
#include "ketsim/regimen.h"
#include "ketsim/simulate.h"

typedef struct ketsim_subject_worker ketsim_subject_worker;

/* An individual value: row (ketsim_params_find on the base table) = value. */
typedef struct ketsim_param_value {
    size_t row;
    double value;
} ketsim_param_value;

typedef struct ketsim_subject_input {
    double weight_kg;                  /* <= 0: the species' reference weight */
    const ketsim_param_value *values;  /* individual values over the base table */
    size_t n_values;
    const ketsim_regimen *regimen;     /* NULL: no doses */
    const double *times_h;             /* output times, ascending, >= 0 */
    size_t n_times;
    /* NULL, or per output time: 1 = the value just before the doses given at
     * that very time (a trough coded before its dose), 0 = just after. */
    const unsigned char *before_doses;
} ketsim_subject_input;

/* `base` is copied; `drugs` (catalog names) are the drugs any regimen run
 * on this worker may give (the model gets absorption depots for them). */
int ketsim_subject_worker_create(const ketsim_params *base, const ketsim_catalog *cat,
                                 const char *const *drugs, size_t n_drugs,
                                 ketsim_subject_worker **out, ketsim_error *err);
void ketsim_subject_worker_free(ketsim_subject_worker *w);

/* Replace the base table (same rows and species): for fits and sensitivity
 * analyses that move typical values between runs. */
int ketsim_subject_worker_set_base(ketsim_subject_worker *w, const ketsim_params *base,
                                   ketsim_error *err);
/* Stop a running solve when *cancel becomes non-zero (NULL: never). */
void ketsim_subject_worker_set_cancel(ketsim_subject_worker *w, volatile sig_atomic_t *cancel);
/* Wall-clock bound per run in seconds (<= 0: none). */
void ketsim_subject_worker_set_wall_limit(ketsim_subject_worker *w, double seconds);
/* Solver tolerances for the runs that follow (ketsim_sim_set_tolerances). */
void ketsim_subject_worker_set_tolerances(ketsim_subject_worker *w, double rtol, double atol_scale);

/* Simulate one subject.  *out is owned by the worker and valid until its
 * next run.  Resets in the regimen (ketsim_regimen_add_reset) return the
 * subject to the untreated steady state; an output at a reset's time comes
 * after it. */
int ketsim_subject_run(ketsim_subject_worker *w, const ketsim_subject_input *in,
                       const ketsim_trajectory **out, ketsim_error *err);

/* The same with the rows streamed to fn as they are solved instead of a
 * trajectory (see ketsim_sim_run_stream): for long output grids.  Regimens
 * with resets and pre-dose flags are not streamed (KETSIM_EINTERNAL). */
int ketsim_subject_run_stream(ketsim_subject_worker *w, const ketsim_subject_input *in, ketsim_row_fn fn,
                              void *user, ketsim_error *err);

/* The two halves of a run, for callers that solve several regimens with one
 * subject's parameters (steady-state searches, finite differences):
 * prepare applies values and weight; solve integrates one regimen from the
 * untreated steady state at t = 0, ignoring resets. */
int ketsim_subject_prepare(ketsim_subject_worker *w, double weight_kg,
                           const ketsim_param_value *values, size_t n_values, ketsim_error *err);
int ketsim_subject_solve(ketsim_subject_worker *w, const ketsim_regimen *reg, const double *times_h,
                         const unsigned char *before_doses, size_t n_times,
                         const ketsim_trajectory **out, ketsim_error *err);
/* solve from y_start at t_start_h (ketsim_sim_run_from): with a prepare in
 * between, the next piece of a subject whose parameters change over time. */
int ketsim_subject_solve_from(ketsim_subject_worker *w, double t_start_h, const double *y_start,
                              const ketsim_regimen *reg, const double *times_h,
                              const unsigned char *before_doses, size_t n_times,
                              const ketsim_trajectory **out, ketsim_error *err);

/* The model and parameters of the last prepared subject. */
const ketsim_model *ketsim_subject_worker_model(const ketsim_subject_worker *w);
const ketsim_params *ketsim_subject_worker_params(const ketsim_subject_worker *w);
/* Solver work of the last solve (NULL pointers are skipped). */
void ketsim_subject_worker_stats(const ketsim_subject_worker *w, long *steps, long *rhs_evals,
                                 long *jac_evals);

#endif
