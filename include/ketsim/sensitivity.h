/* Sensitivity of one model output at one time to parameters (docs/fit.md).
 *
 * A ketsim_sens object is one scenario (species' parameters, drug, weight,
 * regimen) and one read-out y = output(T).  Local sensitivities are
 * normalised, d ln y / d ln p, by central finite differences on the log
 * scale at two step sizes (1e-2 and 1e-3) so that their agreement can be
 * checked.  Global methods (ketsim/gsa.h) call ketsim_sens_eval. */
#ifndef KETSIM_SENSITIVITY_H
#define KETSIM_SENSITIVITY_H

#include <stddef.h>
#include "ketsim/catalog.h"
#include "ketsim/error.h"
#include "ketsim/params.h"
#include "ketsim/regimen.h"

typedef struct ketsim_sens ketsim_sens;

/* `reg` is used, not copied: keep it alive while `out` is. */
int ketsim_sens_create(const ketsim_params *params, const ketsim_catalog *cat, const char *drug,
                       double weight_kg, const ketsim_regimen *reg, size_t output, double time_h,
                       ketsim_sens **out, ketsim_error *err);
void ketsim_sens_free(ketsim_sens *s);

/* y with the named parameters set to `values` (others at the base values). */
int ketsim_sens_eval(ketsim_sens *s, const char *const *names, const double *values, size_t n, double *y,
                     ketsim_error *err);

typedef struct ketsim_sens_local {
    double value;      /* base parameter value */
    double y0;         /* base output */
    double s_coarse;   /* step 1e-2 on ln p (reported) */
    double s_fine;     /* step 1e-3 on ln p (check) */
    int normalised;    /* 0 where y0 == 0: d y / d ln p instead */
    int one_sided;     /* the upper step left the parameter's allowed range */
} ketsim_sens_local;

/* Local sensitivity to one parameter.  A parameter whose value is 0 has
 * sensitivity 0 on the log scale (reported as such). */
int ketsim_sens_local_one(ketsim_sens *s, const char *name, ketsim_sens_local *out, ketsim_error *err);

/* Whether forward sensitivities (below) cover the named parameter: the
 * signalling cascade's parameters and the compounds' PK and potency fields. */
int ketsim_sens_forward_supports(const ketsim_sens *s, const char *name);

/* Local sensitivities to n parameters from one integration with CVODES
 * forward sensitivities (docs/fit.md): sens[i] = d ln y / d ln p_i, or
 * d y / d ln p_i where y == 0 (*normalised = 0).  A parameter whose value is
 * 0 gets 0.  *y0 is the output, *rhs_evals the right-hand side evaluations
 * used (may be NULL). */
int ketsim_sens_local_forward(ketsim_sens *s, const char *const *names, size_t n, double *y0, double *sens,
                              int *normalised, long *rhs_evals, ketsim_error *err);

#endif
