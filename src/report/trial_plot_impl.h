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

#endif
