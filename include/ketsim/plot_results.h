/* Figures of the cohort commands (predict, design, optimize, trial, lab),
 * each written as DIR/NAME.png and DIR/NAME.svg (DIR created if missing). */
#ifndef KETSIM_PLOT_RESULTS_H
#define KETSIM_PLOT_RESULTS_H

#include "ketsim/beyond.h"
#include "ketsim/error.h"
#include "ketsim/lab.h"
#include "ketsim/popest.h"
#include "ketsim/trial.h"

/* predict_roc: ROC curves of the `top` best-ranked markers, AUC in the legend. */
int ketsim_plot_predict(const ketsim_predict_report *rep, size_t top, const char *dir, ketsim_error *err);
/* design_tradeoff: days in response gained over placebo against mean peak
 * CADSS, one point per candidate, the Pareto front joined and marked. */
int ketsim_plot_design(const ketsim_design_candidate *cand, const ketsim_design_result *res, size_t n, const char *dir,
                       ketsim_error *err);
/* optimize_days: days in response on the fresh cohort (mean, 95% interval)
 * of the best regimens and the standard course. */
int ketsim_plot_optimize(const ketsim_opt_report *rep, const char *dir, ketsim_error *err);

/* NAME_madrs: rated MADRS per arm at baseline and every visit (crossovers:
 * each period's ratings under the arm given in it).  With two or more
 * replicates the line is the median over replicate trials of the arm mean
 * and the band its 5th-95th percentiles; with one replicate the line is the
 * arm mean and the band the 5th-95th percentiles of the patients.
 * NAME_relapse (scenarios with follow-up): Kaplan-Meier curves of time to
 * relapse among responders of each active arm in replicate 0, censoring
 * ticked.  subj: replicates x sc->n_subjects, replicate-major.  obs (NULL:
 * none): published arm means drawn over the MADRS figure as squares in the
 * arm's colour, with mean +- 1.96 SE where an SE is given. */
int ketsim_plot_trial(const ketsim_trial_scenario *sc, const ketsim_trial_defs *d, const ketsim_trial_subject_result *subj,
                      int replicates, const ketsim_trial_observed *obs, const char *dir, ketsim_error *err);

/* NAME_readouts (NAME_readouts_2, ... past four read-outs): one panel per
 * read-out, a bar per group (mean with SEM whiskers) and every animal's
 * value as a dot over its bar. */
int ketsim_plot_lab(const ketsim_lab_protocol *p, const ketsim_lab_result *r, const char *dir, ketsim_error *err);

/* A population fit's figures (docs/fit.md, "Diagnostics"), per fitted
 * output NAME: gof_NAME (DV against PRED and IPRED with the identity line,
 * CWRES against time and PRED with the zero line), individual_NAME_K (page
 * K: observed points with the IPRED and PRED curves of four subjects) and,
 * when bins are given, vpc_NAME (observed 5th/50th/95th percentiles over
 * the simulated 95% intervals of the same percentiles). */
typedef struct ketsim_popest_plot_input {
    const ketsim_events *ev;
    const ketsim_popest_result *r;
    const ketsim_popest_curves *curves;
    const ketsim_popest_vpc_bin *const *vpc; /* per output of curves (NULL: no VPC) */
    const size_t *n_vpc;
    size_t n_rep;                           /* simulations behind the VPC */
    int log_scale;                          /* 1 log, 0 linear, -1 log where the data span 100-fold */
} ketsim_popest_plot_input;

int ketsim_plot_popest(const char *dir, const ketsim_popest_plot_input *in, ketsim_error *err);

/* The figures of `simulate --dataset`, per output with observations (EVID
 * 0, a DV, not below LLOQ): dataset_NAME, the observations against the
 * predictions pred (one per record of ev) with the identity line, and both
 * against time; log axes where the values are positive and span more than
 * 100-fold. */
int ketsim_plot_dataset(const char *dir, const ketsim_events *ev, const double *pred, ketsim_error *err);

#endif
