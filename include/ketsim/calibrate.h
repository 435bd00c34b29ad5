/* Calibration: refit the parameters whose source reads "calibrated to
 * target X" to the accepted ranges of those calibration targets
 * (data/targets.csv), leaving check targets out of the objective and
 * reporting them before and after (docs/fit.md).
 *
 * Each parameter is scaled by one factor shared by all species (so the
 * table's species differences stay), fitted on the log scale by GSL's
 * Levenberg-Marquardt.  A target whose literature value is a number
 * contributes (simulated - literature) / (range width); any other target
 * contributes (distance outside its range, less a 2% margin) / (range width,
 * or |bound| when one-sided).  A weak pull 0.05 * ln(value / prior) per
 * parameter keeps what the targets do not determine at its prior (the
 * prior file, or the start). */
#ifndef KETSIM_CALIBRATE_H
#define KETSIM_CALIBRATE_H

#include <stddef.h>
#include "ketsim/error.h"
#include "ketsim/params.h"
#include "ketsim/validate.h"

typedef struct ketsim_calib_options {
    const ketsim_params *base;  /* the registered tables (ketsim_params_create), any species */
    const char *const *only;   /* restrict to these parameters (NULL: all calibrated ones) */
    size_t n_only;
    const char *const *set_names; /* start values for every species (like a target's set) */
    const double *set_values;
    size_t n_set;
    ketsim_species report_species; /* species of the values reported */
    size_t max_iter;           /* 0: 50 */
    const char *prior_file;    /* NAME = VALUE (human values): the pull's centre and, for every
                                * parameter set_names does not name, the start; NULL: the start */
    ketsim_scenario_loader scenario_loader; /* for trial-level targets (see validate.h) */
    void *scenario_loader_user;
} ketsim_calib_options;

typedef struct ketsim_calib_param {
    char name[64];
    double before, after, factor;  /* values for report_species */
} ketsim_calib_param;

typedef struct ketsim_calib_target {
    char id[64], role[16];
    double lower, upper, before, after;
    int pass_before, pass_after, used;  /* used: in the objective */
} ketsim_calib_target;

typedef struct ketsim_calib_result {
    size_t n_par, n_targets, n_used, iterations;
    ketsim_calib_param *par;
    ketsim_calib_target *tgt;
    double objective_before, objective_after; /* sum of squared distances, pull included */
    int converged;
} ketsim_calib_result;

int ketsim_calibrate(const char *targets_path, const ketsim_calib_options *opt, ketsim_calib_result **out,
                     ketsim_error *err);
void ketsim_calib_result_free(ketsim_calib_result *r);

#endif
