/* Global sensitivity analysis of any function y = f(x) of k inputs, each
 * uniform on [lo_i, hi_i] (docs/fit.md).
 *
 *  - Sobol first-order (S1) and total (ST) indices by Saltelli's A/B/AB_i
 *    design on GSL's Sobol quasi-random sequence, with Jansen's estimators:
 *        S1_i = (V - 1/(2N) sum (f(B) - f(AB_i))^2) / V
 *        ST_i = 1/(2N) sum (f(A) - f(AB_i))^2 / V
 *    cost N (k + 2) evaluations; k <= 20 (the sequence has 40 dimensions).
 *  - Morris elementary effects: r one-at-a-time trajectories on a grid of p
 *    levels with step p / (2 (p - 1)); mu, mu* (mean |EE|) and sigma per
 *    input, EE in units of y per full input range.  Cost r (k + 1).
 *
 * The callback returns 0 on success; any other value stops the analysis and
 * is returned as is (it should have filled its own error record). */
#ifndef KETSIM_GSA_H
#define KETSIM_GSA_H

#include <stddef.h>
#include <stdint.h>
#include "ketsim/error.h"

typedef int (*ketsim_gsa_fn)(const double *x, size_t k, double *y, void *ctx);

#define KETSIM_GSA_SOBOL_MAX_K 20

int ketsim_gsa_sobol(size_t k, const double *lo, const double *hi, size_t n, ketsim_gsa_fn f, void *ctx,
                     double *s1, double *st, double *variance, ketsim_error *err);

int ketsim_gsa_morris(size_t k, const double *lo, const double *hi, size_t r, size_t levels, uint64_t seed,
                      ketsim_gsa_fn f, void *ctx, double *mu, double *mu_star, double *sigma, ketsim_error *err);

#endif
