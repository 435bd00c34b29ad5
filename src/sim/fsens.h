/* Forward sensitivities of the model's states with CVODES (docs/fit.md).
 *
 * The model is integrated over a regimen together with s_i = d y / d p_i for
 * a list of parameters.  CVODES forms the sensitivity right-hand side itself
 * by difference quotients of the model's right-hand side (staggered
 * corrector), so the model needs no hand-written Jacobians: the parameters
 * are model fields that the right-hand side wrapper sets from the array
 * CVODES perturbs.
 *
 * Supported parameters: the signalling cascade's ("glu.feedback_k_per_h")
 * and the compounds' PK and potency fields ("s_ket.cl_l_per_h").  The model
 * stores PK values scaled to the subject's weight (field = value x a
 * constant), so d ln y / d ln field equals d ln y / d ln value. */
#ifndef KETSIM_FSENS_H
#define KETSIM_FSENS_H

#include <stddef.h>
#include "ketsim/error.h"
#include "ketsim/regimen.h"
#include "model/model_impl.h"

typedef struct fsens fsens;

/* Whether `name` is a parameter this model's forward sensitivities support. */
int fsens_supports(const ketsim_model *m, const char *name);

/* `m` is used, not copied, and not shared with other threads: runs set the
 * listed fields and put the values found at creation back before
 * returning.  Every listed parameter must be supported and non-zero. */
int fsens_create(ketsim_model *m, const char *const *names, size_t np, fsens **out, ketsim_error *err);
void fsens_free(fsens *f);

/* From the untreated steady state at t = 0 over the regimen: states at each
 * output time (ascending, >= 0) into yout (n_out x n) and d y / d p into
 * sout (n_out x np x n, parameter-major within each time). */
int fsens_run(fsens *f, const ketsim_regimen *reg, const double *tout, size_t n_out, double *yout,
              double *sout, ketsim_error *err);

/* Every model output at state y (out, ketsim_model_n_outputs() values;
 * out[0] is left 0) and d output / d ln p_i into dout (np x
 * ketsim_model_n_outputs()), from
 * the state sensitivities s (np x n) by the chain rule plus the output's
 * direct dependence on the parameter. */
void fsens_outputs(fsens *f, const double *y, const double *s, double *out, double *dout);

/* Work of the last run: integration steps and right-hand side evaluations
 * (those for the sensitivities included). */
void fsens_stats(const fsens *f, long *steps, long *rhs_evals);

#endif
