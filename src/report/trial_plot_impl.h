/* What the trial's MADRS figure draws, per arm and time (baseline, then each
 * visit), computed apart from the drawing so that it can be checked on
 * hand-made ratings (tests/test_trial_plot.c). */
#ifndef KETSIM_TRIAL_PLOT_IMPL_H
#define KETSIM_TRIAL_PLOT_IMPL_H

#include "ketsim/trial.h"

#define TRIAL_PLOT_TIMES (KETSIM_TRIAL_MAX_VISITS + 1) /* baseline + visits */

typedef struct trial_plot_ctx {
    const ketsim_trial_scenario *sc;
    const ketsim_trial_defs *d;
    const ketsim_trial_subject_result *subj;
    int replicates;
    const ketsim_trial_observed *obs;   /* published arm means; NULL: none */
    double scale;                       /* hours per x unit */
    double x[TRIAL_PLOT_TIMES];
    /* one trial: the arm mean and the 5th-95th percentile of its patients;
     * replicates: the median and 5th-95th percentile of the arm means */
    double mean[KETSIM_TRIAL_MAX_ARMS][TRIAL_PLOT_TIMES], lo[KETSIM_TRIAL_MAX_ARMS][TRIAL_PLOT_TIMES],
        hi[KETSIM_TRIAL_MAX_ARMS][TRIAL_PLOT_TIMES];
    /* one trial: the 95% t interval of the arm mean (NAN with fewer than two
     * ratings, and over replicates, where the band already is the spread of
     * the arm means) */
    double ci_lo[KETSIM_TRIAL_MAX_ARMS][TRIAL_PLOT_TIMES], ci_hi[KETSIM_TRIAL_MAX_ARMS][TRIAL_PLOT_TIMES];
} trial_plot_ctx;

/* Fill mean, lo, hi, ci_lo and ci_hi of c from c->sc, c->subj and
 * c->replicates. */
int trial_plot_summarise(trial_plot_ctx *c, ketsim_error *err);

/* Hours shown by the first panel of the MADRS figure, 0 for none. */
double trial_plot_first_hours(const trial_plot_ctx *c);

/* The sessions of every arm as [x0, x1] in units of `scale` hours, each
 * once; at most max. */
size_t trial_plot_sessions(const ketsim_trial_scenario *sc, double scale, double *x0, double *x1, size_t max);

/* Of n responders followed for tt[i] days, how many are at risk at t
 * (tt[i] >= t). */
size_t trial_plot_at_risk(const double *tt, size_t n, double t);
/* A round step (1, 2 or 5 times a power of ten) giving about six steps
 * over span. */
double trial_plot_risk_step(double span);

#endif
