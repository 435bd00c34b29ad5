/* Receiver operating characteristic analysis of a continuous marker against a
 * binary outcome, with bootstrap intervals and rank correlation.
 *
 * Convention: a subject is called positive when marker >= threshold.  The AUC
 * is the Mann-Whitney probability P(X1 > X0) + P(X1 = X0)/2 of a positive
 * subject's marker exceeding a negative subject's; a marker that is *lower*
 * in positives has AUC < 0.5 and ketsim_roc_fit reports it with direction -1
 * (threshold rule marker <= threshold) and the mirrored AUC.  Nothing here has
 * global state; bootstrap draws come from ketsim_rng streams with purpose
 * KETSIM_RNG_BOOTSTRAP, so intervals are reproducible from the seed. */
#ifndef KETSIM_ROC_H
#define KETSIM_ROC_H

#include <stddef.h>
#include <stdint.h>

#include "ketsim/error.h"

/* AUC of marker x for outcome y (0/1), "higher = positive" orientation, by
 * ranks with ties averaged: O(n log n).  Needs both classes present. */
int ketsim_roc_auc(const double *x, const int *y, size_t n, double *auc, ketsim_error *err);

typedef struct ketsim_roc_point {
    double threshold; /* rule: positive when direction * marker >= direction * threshold */
    double sensitivity, specificity;
} ketsim_roc_point;

typedef struct ketsim_roc_result {
    size_t n, n_pos;
    int direction;          /* +1: higher marker predicts the outcome; -1: lower */
    double auc_raw;         /* "higher = positive" AUC */
    double auc;             /* oriented AUC: auc_raw or 1 - auc_raw, >= 0.5 */
    double auc_lo, auc_hi;  /* percentile bootstrap interval of the oriented AUC */
    double youden_j;        /* max sensitivity + specificity - 1 */
    double threshold;       /* Youden cut: midway between adjacent distinct values */
    double sensitivity, specificity;
    size_t n_curve;         /* ROC curve points, from (0,0) to (1,1) in FPR */
    ketsim_roc_point *curve; /* allocated; ketsim_roc_result_free */
} ketsim_roc_result;

/* Full analysis: orientation, AUC, curve, Youden cut and a percentile
 * bootstrap interval at `level` from n_boot stratified resamples (cases and
 * controls resampled separately, so every resample has both classes) drawn
 * from the stream (seed, stream_id, KETSIM_RNG_BOOTSTRAP).  n_boot 0: no
 * interval (NAN).  NaN markers are refused. */
int ketsim_roc_fit(const double *x, const int *y, size_t n, int n_boot, double level, uint64_t seed,
                   uint64_t stream_id, ketsim_roc_result *out, ketsim_error *err);
void ketsim_roc_result_free(ketsim_roc_result *r);

/* Ranks 1..n with ties given their average rank. */
int ketsim_ranks(const double *x, size_t n, double *rank, ketsim_error *err);
/* Spearman correlation: Pearson correlation of the ranks, with the t
 * approximation p value on n - 2 df; n >= 3. */
int ketsim_spearman(const double *x, const double *y, size_t n, double *rho, double *p, ketsim_error *err);

#endif
