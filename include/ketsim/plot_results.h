/* Figures of the cohort commands (predict, design, optimize, trial, lab),
 * each written as DIR/NAME.png and DIR/NAME.svg (DIR created if missing). */
#ifndef KETSIM_PLOT_RESULTS_H
#define KETSIM_PLOT_RESULTS_H

#include "ketsim/beyond.h"
#include "ketsim/error.h"

/* predict_roc: ROC curves of the `top` best-ranked markers, AUC in the legend. */
int ketsim_plot_predict(const predict_report *rep, size_t top, const char *dir, ketsim_error *err);
/* design_tradeoff: days in response gained over placebo against mean peak
 * CADSS, one point per candidate, the Pareto front joined and marked. */
int ketsim_plot_design(const design_candidate *cand, const design_result *res, size_t n, const char *dir,
                       ketsim_error *err);
/* optimize_days: days in response on the fresh cohort (mean, 95% interval)
 * of the best regimens and the standard course. */
int ketsim_plot_optimize(const opt_report *rep, const char *dir, ketsim_error *err);

#endif
