/* Inside the sim layer: a simulation's solver (for tests and benchmarks
 * too) and trajectory storage (for the subject runner).  Not public. */
#ifndef KETSIM_SIM_INTERNAL_H
#define KETSIM_SIM_INTERNAL_H

#include "ketsim/simulate.h"
#include "solver.h"

solver *sim_solver(ketsim_sim *s);

/* Make *out hold nt times of ns states and no outputs (reused when the
 * size matches). */
int sim_traj_reserve(ketsim_trajectory **out, size_t nt, size_t ns, size_t no, ketsim_error *err);
/* Name t's outputs after the model's (per-compound outputs included). */
int sim_traj_set_names(ketsim_trajectory *t, const ketsim_model *m, ketsim_error *err);
/* Row j of src into row i of dst (same model), stamped with time_h. */
void sim_traj_copy_row(ketsim_trajectory *dst, size_t i, const ketsim_trajectory *src, size_t j,
                       double time_h);
/* KETSIM_ESOLVER naming the output and time when a read-out of one output
 * row is NaN or infinite. */
int sim_check_outputs(const ketsim_model *m, const double *o, size_t n_out, double t_h, ketsim_error *err);

#endif
