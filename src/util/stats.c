#include "ketsim/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

/* S(t) within this distance of 0.5 (or of any quantile's level) counts as
 * equal to it: products such as 9/10 * 8/9 * ... * 5/6 should give exactly
 * 0.5 but may round just above. */
#define KM_HALF_TOL 1e-12

/* ---- Input checks and small helpers ----------------------------------- */

static int check_level(double level, const char *what, ketsim_error *err)
{
    if (!(level > 0.0 && level < 1.0))
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "%s: confidence level %g is not in (0,1)", what,
                           level);
    return KETSIM_OK;
}

/* x must hold n >= nmin finite values. */
static int check_data(const double *x, size_t n, size_t nmin,
                      const char *what, const char *name, ketsim_error *err)
{
    if (n < nmin)
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "%s: %s has %zu value(s); need at least %zu", what,
                           name, n, nmin);
    if (!x)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: %s is NULL", what, name);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return KETSIM_FAIL(err, KETSIM_EINPUT,
                               "%s: %s[%zu] is %g; values must be finite",
                               what, name, i, x[i]);
    return KETSIM_OK;
}

/* Mean and sum of squared deviations from it (two passes, for accuracy). */
static void mean_ss(const double *x, size_t n, double *mean, double *ss)
{
    double m = gsl_stats_mean(x, 1, n);
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (x[i] - m) * (x[i] - m);
    *mean = m;
    *ss = s;
}

/* The same for the differences x[i] - y[i], without a scratch array. */
static void diff_mean_ss(const double *x, const double *y, size_t n,
                         double *mean, double *ss)
{
    double m = 0.0, s = 0.0;
    for (size_t i = 0; i < n; i++)
        m += x[i] - y[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++) {
        double d = x[i] - y[i] - m;
        s += d * d;
    }
    *mean = m;
    *ss = s;
}

static double t_two_sided_p(double t, double df)
{
    if (isinf(t))
        return 0.0;
    return fmin(1.0, 2.0 * gsl_cdf_tdist_Q(fabs(t), df));
}

/* Complete a t-test result from its estimate, standard error and df. */
static int fill_ttest(double est, double se, double df, double level,
                      const char *what, ketsim_stats_ttest *out,
                      ketsim_error *err)
{
    if (!(se > 0.0))
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "%s: the data have no variability (standard error "
                           "0), so t is undefined", what);
    double tq = gsl_cdf_tdist_Pinv(0.5 + 0.5 * level, df);
    out->estimate = est;
    out->se = se;
    out->t = est / se;
    out->df = df;
    out->p = t_two_sided_p(out->t, df);
    out->ci_lo = est - tq * se;
    out->ci_hi = est + tq * se;
    out->level = level;
    return KETSIM_OK;
}

/* Type 7 quantile of sorted data. */
static double sorted_quantile7(const double *s, size_t n, double prob)
{
    double h = (double)(n - 1) * prob;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n)
        return s[n - 1];
    return s[lo] + (h - (double)lo) * (s[lo + 1] - s[lo]);
}

/* ---- Descriptive statistics ------------------------------------------- */

int ketsim_stats_mean(const double *x, size_t n, double *mean,
                      ketsim_error *err)
{
    int rc = check_data(x, n, 1, "mean", "x", err);
    if (rc != KETSIM_OK)
        return rc;
    *mean = gsl_stats_mean(x, 1, n);
    return KETSIM_OK;
}

int ketsim_stats_sd(const double *x, size_t n, double *sd, ketsim_error *err)
{
    int rc = check_data(x, n, 2, "standard deviation", "x", err);
    if (rc != KETSIM_OK)
        return rc;
    double m, ss;
    mean_ss(x, n, &m, &ss);
    *sd = sqrt(ss / (double)(n - 1));
    return KETSIM_OK;
}

int ketsim_stats_sem(const double *x, size_t n, double *sem,
                     ketsim_error *err)
{
    double sd = 0.0;
    int rc = ketsim_stats_sd(x, n, &sd, err);
    if (rc != KETSIM_OK)
        return rc;
    *sem = sd / sqrt((double)n);
    return KETSIM_OK;
}

int ketsim_stats_quantiles(const double *x, size_t n, const double *probs,
                           size_t m, double *q, ketsim_error *err)
{
    int rc = check_data(x, n, 1, "quantile", "x", err);
    if (rc != KETSIM_OK)
        return rc;
    if (m > 0 && (!probs || !q))
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "quantile: probabilities or output is NULL");
    for (size_t i = 0; i < m; i++)
        if (!(probs[i] >= 0.0 && probs[i] <= 1.0))
            return KETSIM_FAIL(err, KETSIM_EINPUT,
                               "quantile: probability %g is not in [0,1]",
                               probs[i]);
    double *s = malloc(n * sizeof *s);
    if (!s)
        return KETSIM_FAIL(err, KETSIM_ENOMEM,
                           "quantile: no memory for %zu values", n);
    memcpy(s, x, n * sizeof *s);
    gsl_sort(s, 1, n);
    for (size_t i = 0; i < m; i++)
        q[i] = sorted_quantile7(s, n, probs[i]);
    free(s);
    return KETSIM_OK;
}

int ketsim_stats_quantile(const double *x, size_t n, double prob, double *q,
                          ketsim_error *err)
{
    return ketsim_stats_quantiles(x, n, &prob, 1, q, err);
}

int ketsim_stats_median(const double *x, size_t n, double *median,
                        ketsim_error *err)
{
    return ketsim_stats_quantile(x, n, 0.5, median, err);
}

int ketsim_stats_summarize(const double *x, size_t n,
                           ketsim_stats_summary *out, ketsim_error *err)
{
    static const double probs[5] = {0.0, 0.25, 0.5, 0.75, 1.0};
    double q[5];
    int rc = ketsim_stats_quantiles(x, n, probs, 5, q, err);
    if (rc != KETSIM_OK)
        return rc;
    double m, ss;
    mean_ss(x, n, &m, &ss);
    out->n = n;
    out->mean = m;
    out->sd = n > 1 ? sqrt(ss / (double)(n - 1)) : NAN;
    out->sem = n > 1 ? out->sd / sqrt((double)n) : NAN;
    out->min = q[0];
    out->q1 = q[1];
    out->median = q[2];
    out->q3 = q[3];
    out->max = q[4];
    return KETSIM_OK;
}

/* ---- t tests ------------------------------------------------------------ */

/* Checks shared by the two-sample tests; nmin is per group. */
static int check_two(const double *x, size_t nx, const double *y, size_t ny,
                     size_t nmin, const char *what, ketsim_error *err)
{
    int rc = check_data(x, nx, nmin, what, "x", err);
    if (rc == KETSIM_OK)
        rc = check_data(y, ny, nmin, what, "y", err);
    if (rc == KETSIM_OK && nx + ny < 3)
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "%s: need at least 3 values in all, got %zu",
                           what, nx + ny);
    return rc;
}

int ketsim_stats_ttest_welch(const double *x, size_t nx, const double *y,
                             size_t ny, double level, ketsim_stats_ttest *out,
                             ketsim_error *err)
{
    const char *what = "Welch t test";
    int rc = check_level(level, what, err);
    if (rc == KETSIM_OK)
        rc = check_two(x, nx, y, ny, 2, what, err);
    if (rc != KETSIM_OK)
        return rc;
    double mx, ssx, my, ssy;
    mean_ss(x, nx, &mx, &ssx);
    mean_ss(y, ny, &my, &ssy);
    double ax = ssx / (double)(nx - 1) / (double)nx; /* var(x) / nx */
    double ay = ssy / (double)(ny - 1) / (double)ny;
    double se2 = ax + ay;
    /* Welch-Satterthwaite approximation of the df of se2. */
    double df = se2 * se2 / (ax * ax / (double)(nx - 1) +
                             ay * ay / (double)(ny - 1));
    return fill_ttest(mx - my, sqrt(se2), df, level, what, out, err);
}

int ketsim_stats_ttest_pooled(const double *x, size_t nx, const double *y,
                              size_t ny, double level, ketsim_stats_ttest *out,
                              ketsim_error *err)
{
    const char *what = "pooled t test";
    int rc = check_level(level, what, err);
    if (rc == KETSIM_OK)
        rc = check_two(x, nx, y, ny, 1, what, err);
    if (rc != KETSIM_OK)
        return rc;
    double mx, ssx, my, ssy;
    mean_ss(x, nx, &mx, &ssx);
    mean_ss(y, ny, &my, &ssy);
    double df = (double)(nx + ny - 2);
    double sp2 = (ssx + ssy) / df;
    double se = sqrt(sp2 * (1.0 / (double)nx + 1.0 / (double)ny));
    return fill_ttest(mx - my, se, df, level, what, out, err);
}

int ketsim_stats_ttest_paired(const double *x, const double *y, size_t n,
                              double level, ketsim_stats_ttest *out,
                              ketsim_error *err)
{
    const char *what = "paired t test";
    int rc = check_level(level, what, err);
    if (rc == KETSIM_OK)
        rc = check_data(x, n, 2, what, "x", err);
    if (rc == KETSIM_OK)
        rc = check_data(y, n, 2, what, "y", err);
    if (rc != KETSIM_OK)
        return rc;
    double md, ssd;
    diff_mean_ss(x, y, n, &md, &ssd);
    double se = sqrt(ssd / (double)(n - 1) / (double)n);
    return fill_ttest(md, se, (double)(n - 1), level, what, out, err);
}

int ketsim_stats_ttest_one(const double *x, size_t n, double mu, double level,
                           ketsim_stats_ttest *out, ketsim_error *err)
{
    const char *what = "one-sample t test";
    int rc = check_level(level, what, err);
    if (rc == KETSIM_OK)
        rc = check_data(x, n, 2, what, "x", err);
    if (rc == KETSIM_OK && !isfinite(mu))
        rc = KETSIM_FAIL(err, KETSIM_EINPUT, "%s: mu is %g", what, mu);
    if (rc != KETSIM_OK)
        return rc;
    double m, ss;
    mean_ss(x, n, &m, &ss);
    double se = sqrt(ss / (double)(n - 1) / (double)n);
    return fill_ttest(m - mu, se, (double)(n - 1), level, what, out, err);
}

/* ---- Effect sizes ------------------------------------------------------- */

int ketsim_stats_cohen_d(const double *x, size_t nx, const double *y,
                         size_t ny, double *d, ketsim_error *err)
{
    const char *what = "Cohen's d";
    int rc = check_two(x, nx, y, ny, 1, what, err);
    if (rc != KETSIM_OK)
        return rc;
    double mx, ssx, my, ssy;
    mean_ss(x, nx, &mx, &ssx);
    mean_ss(y, ny, &my, &ssy);
    double sp = sqrt((ssx + ssy) / (double)(nx + ny - 2));
    if (!(sp > 0.0))
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "%s: pooled SD is 0, so d is undefined", what);
    *d = (mx - my) / sp;
    return KETSIM_OK;
}

int ketsim_stats_hedges_g(const double *x, size_t nx, const double *y,
                          size_t ny, double *g, ketsim_error *err)
{
    if (nx + ny < 4)
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "Hedges' g: need at least 4 values in all, got %zu",
                           nx + ny);
    double d = 0.0;
    int rc = ketsim_stats_cohen_d(x, nx, y, ny, &d, err);
    if (rc != KETSIM_OK)
        return rc;
    double m = (double)(nx + ny - 2);
    /* Exact bias correction via log-gamma, which stays finite for large m. */
    double j = exp(lgamma(0.5 * m) - lgamma(0.5 * (m - 1.0))) / sqrt(0.5 * m);
    *g = d * j;
    return KETSIM_OK;
}

int ketsim_stats_cohen_dz(const double *x, const double *y, size_t n,
                          double *dz, ketsim_error *err)
{
    const char *what = "Cohen's d_z";
    int rc = check_data(x, n, 2, what, "x", err);
    if (rc == KETSIM_OK)
        rc = check_data(y, n, 2, what, "y", err);
    if (rc != KETSIM_OK)
        return rc;
    double md, ssd;
    diff_mean_ss(x, y, n, &md, &ssd);
    double sd = sqrt(ssd / (double)(n - 1));
    if (!(sd > 0.0))
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "%s: the differences have SD 0, so d_z is "
                           "undefined", what);
    *dz = md / sd;
    return KETSIM_OK;
}

/* ---- Proportions ------------------------------------------------------- */

int ketsim_stats_wilson(size_t k, size_t n, double level,
                        ketsim_stats_interval *out, ketsim_error *err)
{
    const char *what = "Wilson interval";
    int rc = check_level(level, what, err);
    if (rc != KETSIM_OK)
        return rc;
    if (n == 0 || k > n)
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "%s: need 0 <= k <= n and n >= 1 (k = %zu, "
                           "n = %zu)", what, k, n);
    double z = gsl_cdf_ugaussian_Pinv(0.5 + 0.5 * level);
    double nn = (double)n, ph = (double)k / nn, z2 = z * z;
    double denom = 1.0 + z2 / nn;
    double centre = (ph + z2 / (2.0 * nn)) / denom;
    double half = z / denom * sqrt(ph * (1.0 - ph) / nn + z2 / (4.0 * nn * nn));
    out->estimate = ph;
    /* At k = 0 or k = n the formula gives exactly 0 or 1 up to rounding. */
    out->lo = k == 0 ? 0.0 : fmax(0.0, centre - half);
    out->hi = k == n ? 1.0 : fmin(1.0, centre + half);
    return KETSIM_OK;
}

int ketsim_stats_power(const double *p, size_t n, double alpha,
                       ketsim_stats_interval *out, ketsim_error *err)
{
    const char *what = "power";
    int rc = check_data(p, n, 1, what, "p values", err);
    if (rc != KETSIM_OK)
        return rc;
    if (!(alpha > 0.0 && alpha < 1.0))
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "%s: alpha %g is not in (0,1)", what, alpha);
    size_t hits = 0;
    for (size_t i = 0; i < n; i++)
        hits += p[i] < alpha;
    return ketsim_stats_wilson(hits, n, KETSIM_STATS_LEVEL_DEFAULT, out, err);
}

/* k of n with its Wilson interval, or all NAN when n is 0. */
static void proportion_or_nan(size_t k, size_t n, double level,
                              ketsim_stats_interval *out)
{
    ketsim_error e;
    if (n == 0 || ketsim_stats_wilson(k, n, level, out, &e) != KETSIM_OK)
        out->estimate = out->lo = out->hi = NAN;
}

int ketsim_stats_diagnostic_2x2(size_t tp, size_t fp, size_t fn, size_t tn,
                                double level, ketsim_stats_diagnostic *out,
                                ketsim_error *err)
{
    int rc = check_level(level, "diagnostic table", err);
    if (rc != KETSIM_OK)
        return rc;
    out->tp = tp;
    out->fp = fp;
    out->fn = fn;
    out->tn = tn;
    proportion_or_nan(tp, tp + fn, level, &out->sensitivity);
    proportion_or_nan(tn, tn + fp, level, &out->specificity);
    proportion_or_nan(tp, tp + fp, level, &out->ppv);
    proportion_or_nan(tn, tn + fn, level, &out->npv);
    return KETSIM_OK;
}

/* ---- Survival ----------------------------------------------------------- */

static int check_survival(const double *time, const int *event, size_t n,
                          const char *what, ketsim_error *err)
{
    int rc = check_data(time, n, 1, what, "time", err);
    if (rc != KETSIM_OK)
        return rc;
    if (!event)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: event is NULL", what);
    for (size_t i = 0; i < n; i++) {
        if (time[i] < 0.0)
            return KETSIM_FAIL(err, KETSIM_EINPUT,
                               "%s: time[%zu] is %g; times must be >= 0",
                               what, i, time[i]);
        if (event[i] != 0 && event[i] != 1)
            return KETSIM_FAIL(err, KETSIM_EINPUT,
                               "%s: event[%zu] is %d; use 1 for an event, 0 "
                               "for censored", what, i, event[i]);
    }
    return KETSIM_OK;
}

/* Indices of x in ascending order, or NULL when out of memory. */
static size_t *ascending_order(const double *x, size_t n)
{
    size_t *idx = malloc(n * sizeof *idx);
    if (idx)
        gsl_sort_index(idx, x, 1, n);
    return idx;
}

void ketsim_stats_km_free(ketsim_stats_km *km)
{
    if (!km)
        return;
    free(km->time);
    free(km->n_risk);
    free(km->n_event);
    free(km->surv);
    free(km->se);
    free(km->lower);
    free(km->upper);
    free(km);
}

static ketsim_stats_km *km_alloc(size_t steps)
{
    ketsim_stats_km *km = calloc(1, sizeof *km);
    if (!km)
        return NULL;
    size_t m = steps > 0 ? steps : 1; /* avoid malloc(0) */
    km->n_steps = steps;
    km->time = malloc(m * sizeof *km->time);
    km->n_risk = malloc(m * sizeof *km->n_risk);
    km->n_event = malloc(m * sizeof *km->n_event);
    km->surv = malloc(m * sizeof *km->surv);
    km->se = malloc(m * sizeof *km->se);
    km->lower = malloc(m * sizeof *km->lower);
    km->upper = malloc(m * sizeof *km->upper);
    if (!km->time || !km->n_risk || !km->n_event || !km->surv || !km->se ||
        !km->lower || !km->upper) {
        ketsim_stats_km_free(km);
        return NULL;
    }
    return km;
}

/* Number of distinct times carrying at least one event. */
static size_t count_event_times(const double *time, const int *event,
                                const size_t *idx, size_t n)
{
    size_t steps = 0;
    for (size_t i = 0; i < n;) {
        int any = 0;
        size_t j = i;
        for (; j < n && time[idx[j]] == time[idx[i]]; j++)
            any |= event[idx[j]];
        steps += (size_t)any;
        i = j;
    }
    return steps;
}

/* Pointwise log-log interval and Greenwood SE for step i, given the running
 * Greenwood sum v = sum d / (n (n - d)). */
static void km_band(ketsim_stats_km *km, size_t i, double v, double z)
{
    double s = km->surv[i];
    if (s <= 0.0) {
        km->se[i] = km->lower[i] = km->upper[i] = 0.0;
        return;
    }
    km->se[i] = s * sqrt(v);
    /* SE of log(-log S) is sqrt(v) / |log S|; map back with S^exp(.). */
    double theta = z * sqrt(v) / fabs(log(s));
    km->lower[i] = pow(s, exp(theta));
    km->upper[i] = pow(s, exp(-theta));
}

/* Walk the sorted data once, filling every step of the curve. */
static void km_steps(ketsim_stats_km *km, const double *time,
                     const int *event, const size_t *idx, size_t n, double z)
{
    double s = 1.0, v = 0.0;
    size_t at_risk = n, step = 0;
    for (size_t i = 0; i < n;) {
        double t = time[idx[i]];
        size_t d = 0, j = i;
        for (; j < n && time[idx[j]] == t; j++)
            d += (size_t)event[idx[j]];
        if (d > 0) {
            s *= 1.0 - (double)d / (double)at_risk;
            if (at_risk > d)
                v += (double)d / ((double)at_risk * (double)(at_risk - d));
            km->time[step] = t;
            km->n_risk[step] = at_risk;
            km->n_event[step] = d;
            km->surv[step] = s;
            km_band(km, step, v, z);
            step++;
        }
        at_risk -= j - i;
        i = j;
    }
}

/* First step whose value in y is <= level (within rounding), as a time. */
static double first_time_at_or_below(const ketsim_stats_km *km,
                                     const double *y, double level)
{
    for (size_t i = 0; i < km->n_steps; i++)
        if (y[i] <= level + KM_HALF_TOL)
            return km->time[i];
    return NAN;
}

int ketsim_stats_km_fit(const double *time, const int *event, size_t n,
                        double level, ketsim_stats_km **out,
                        ketsim_error *err)
{
    const char *what = "Kaplan-Meier";
    int rc = check_level(level, what, err);
    if (rc == KETSIM_OK)
        rc = check_survival(time, event, n, what, err);
    if (rc != KETSIM_OK)
        return rc;
    size_t *idx = ascending_order(time, n);
    if (!idx)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "%s: no memory", what);
    ketsim_stats_km *km = km_alloc(count_event_times(time, event, idx, n));
    if (!km) {
        free(idx);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "%s: no memory", what);
    }
    km->level = level;
    km->time_max = time[idx[n - 1]];
    double z = gsl_cdf_ugaussian_Pinv(0.5 + 0.5 * level);
    km_steps(km, time, event, idx, n, z);
    free(idx);
    km->median = first_time_at_or_below(km, km->surv, 0.5);
    km->median_reached = !isnan(km->median);
    /* The lower band reaches 0.5 first, so it gives the lower limit. */
    km->median_lo = first_time_at_or_below(km, km->lower, 0.5);
    km->median_hi = first_time_at_or_below(km, km->upper, 0.5);
    *out = km;
    return KETSIM_OK;
}

int ketsim_stats_km_quantile(const ketsim_stats_km *km, double prob,
                             ketsim_stats_interval *out, ketsim_error *err)
{
    if (!(prob > 0.0 && prob < 1.0))
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "Kaplan-Meier quantile: probability %g is not in "
                           "(0,1)", prob);
    /* The p-th quantile is where a fraction p has had the event, S <= 1 - p;
     * the band that falls first (lower) gives the earlier limit. */
    double level = 1.0 - prob;
    out->estimate = first_time_at_or_below(km, km->surv, level);
    out->lo = first_time_at_or_below(km, km->lower, level);
    out->hi = first_time_at_or_below(km, km->upper, level);
    return KETSIM_OK;
}

void ketsim_stats_km_band_at(const ketsim_stats_km *km, double t,
                             ketsim_stats_interval *out)
{
    out->estimate = out->lo = out->hi = NAN;
    /* past the last subject observed nobody is at risk: S is not estimated,
     * unless it had fallen to 0 (everyone had the event), where it stays */
    int all_had_it = km->n_steps > 0 && km->surv[km->n_steps - 1] <= 0.0;
    if (!(t >= 0.0 && (t <= km->time_max || all_had_it)))
        return;
    size_t i = 0;
    while (i < km->n_steps && km->time[i] <= t)
        i++;
    if (i == 0) { /* before the first event */
        out->estimate = 1.0;
        return;
    }
    out->estimate = km->surv[i - 1];
    /* log(-log S) has no value at S = 0 or 1: no interval there (as R) */
    if (out->estimate > 0.0 && out->estimate < 1.0) {
        out->lo = km->lower[i - 1];
        out->hi = km->upper[i - 1];
    }
}

double ketsim_stats_km_surv_at(const ketsim_stats_km *km, double t)
{
    if (isnan(t))
        return NAN;
    double s = 1.0;
    for (size_t i = 0; i < km->n_steps && km->time[i] <= t; i++)
        s = km->surv[i];
    return s;
}

int ketsim_stats_logrank(const double *time, const int *event,
                         const int *group, size_t n,
                         ketsim_stats_logrank_result *out, ketsim_error *err)
{
    const char *what = "log-rank test";
    int rc = check_survival(time, event, n, what, err);
    if (rc != KETSIM_OK)
        return rc;
    if (!group)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: group is NULL", what);
    double risk[2] = {0.0, 0.0};
    for (size_t i = 0; i < n; i++) {
        if (group[i] != 0 && group[i] != 1)
            return KETSIM_FAIL(err, KETSIM_EINPUT,
                               "%s: group[%zu] is %d; use 0 or 1", what, i,
                               group[i]);
        risk[group[i]] += 1.0;
    }
    if (risk[0] == 0.0 || risk[1] == 0.0)
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "%s: both groups need subjects (sizes %g and %g)",
                           what, risk[0], risk[1]);
    size_t *idx = ascending_order(time, n);
    if (!idx)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "%s: no memory", what);
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n;) {
        double t = time[idx[i]], d[2] = {0.0, 0.0}, leave[2] = {0.0, 0.0};
        size_t j = i;
        for (; j < n && time[idx[j]] == t; j++) {
            d[group[idx[j]]] += event[idx[j]];
            leave[group[idx[j]]] += 1.0;
        }
        double dt = d[0] + d[1], nt = risk[0] + risk[1];
        if (dt > 0.0) {
            /* Hypergeometric mean and variance of group 0's events. */
            out->expected[0] += dt * risk[0] / nt;
            out->expected[1] += dt * risk[1] / nt;
            if (nt > 1.0)
                out->variance += dt * (risk[0] / nt) * (risk[1] / nt) *
                                 (nt - dt) / (nt - 1.0);
        }
        out->observed[0] += d[0];
        out->observed[1] += d[1];
        risk[0] -= leave[0];
        risk[1] -= leave[1];
        i = j;
    }
    free(idx);
    if (!(out->variance > 0.0))
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "%s: no event occurs while both groups are at "
                           "risk, so the test is undefined", what);
    double o_e = out->observed[0] - out->expected[0];
    out->chisq = o_e * o_e / out->variance;
    out->p = gsl_cdf_chisq_Q(out->chisq, 1.0);
    return KETSIM_OK;
}

/* ---- Several groups ----------------------------------------------------- */

static int check_groups(const double *const *groups, const size_t *sizes,
                        size_t k, size_t nmin, const char *what,
                        ketsim_error *err)
{
    if (k < 2 || !groups || !sizes)
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "%s: need at least 2 groups (got %zu)", what, k);
    for (size_t j = 0; j < k; j++) {
        char name[32];
        snprintf(name, sizeof name, "group %zu", j);
        int rc = check_data(groups[j], sizes[j], nmin, what, name, err);
        if (rc != KETSIM_OK)
            return rc;
    }
    return KETSIM_OK;
}

int ketsim_stats_anova1(const double *const *groups, const size_t *sizes,
                        size_t k, ketsim_stats_anova *out, ketsim_error *err)
{
    const char *what = "one-way ANOVA";
    int rc = check_groups(groups, sizes, k, 1, what, err);
    if (rc != KETSIM_OK)
        return rc;
    size_t total = 0;
    double sum = 0.0, ssw = 0.0;
    for (size_t j = 0; j < k; j++) {
        double m, ss;
        mean_ss(groups[j], sizes[j], &m, &ss);
        total += sizes[j];
        sum += m * (double)sizes[j];
        ssw += ss;
    }
    if (total <= k)
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "%s: %zu values in %zu groups leave no df within "
                           "groups", what, total, k);
    double grand = sum / (double)total, ssb = 0.0;
    for (size_t j = 0; j < k; j++) {
        double dm = gsl_stats_mean(groups[j], 1, sizes[j]) - grand;
        ssb += (double)sizes[j] * dm * dm;
    }
    out->ss_between = ssb;
    out->ss_within = ssw;
    out->df_between = (double)(k - 1);
    out->df_within = (double)(total - k);
    out->ms_within = ssw / out->df_within;
    if (!(out->ms_within > 0.0))
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "%s: no variability within groups, so F is "
                           "undefined", what);
    out->f = (ssb / out->df_between) / out->ms_within;
    out->p = gsl_cdf_fdist_Q(out->f, out->df_between, out->df_within);
    return KETSIM_OK;
}

int ketsim_stats_holm(const double *p, size_t m, double *p_adj,
                      ketsim_error *err)
{
    const char *what = "Holm adjustment";
    int rc = check_data(p, m, 1, what, "p", err);
    if (rc != KETSIM_OK)
        return rc;
    for (size_t i = 0; i < m; i++)
        if (p[i] < 0.0 || p[i] > 1.0)
            return KETSIM_FAIL(err, KETSIM_EINPUT,
                               "%s: p[%zu] = %g is not in [0,1]", what, i,
                               p[i]);
    size_t *idx = ascending_order(p, m); /* ascending p */
    if (!idx)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "%s: no memory", what);
    /* Read all p before writing, since p_adj may alias p. */
    double *adj = malloc(m * sizeof *adj);
    if (!adj) {
        free(idx);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "%s: no memory", what);
    }
    double running = 0.0;
    for (size_t r = 0; r < m; r++) {
        /* The running maximum keeps adjusted p monotone in the raw order. */
        running = fmax(running, fmin(1.0, (double)(m - r) * p[idx[r]]));
        adj[idx[r]] = running;
    }
    memcpy(p_adj, adj, m * sizeof *adj);
    free(adj);
    free(idx);
    return KETSIM_OK;
}

/* One treated-vs-control test with the chosen variance. */
static int vs_control_one(const double *const *groups, const size_t *sizes,
                          size_t j, size_t c,
                          ketsim_stats_vs_control_method method,
                          const ketsim_stats_anova *av, double level,
                          ketsim_stats_ttest *out, ketsim_error *err)
{
    if (method == KETSIM_STATS_VS_CONTROL_WELCH)
        return ketsim_stats_ttest_welch(groups[j], sizes[j], groups[c],
                                        sizes[c], level, out, err);
    double diff = gsl_stats_mean(groups[j], 1, sizes[j]) -
                  gsl_stats_mean(groups[c], 1, sizes[c]);
    double se = sqrt(av->ms_within *
                     (1.0 / (double)sizes[j] + 1.0 / (double)sizes[c]));
    return fill_ttest(diff, se, av->df_within, level,
                      "t test vs control (pooled)", out, err);
}

int ketsim_stats_vs_control(const double *const *groups, const size_t *sizes,
                            size_t k, size_t control,
                            ketsim_stats_vs_control_method method,
                            double level, ketsim_stats_vs_control_result *out,
                            ketsim_error *err)
{
    const char *what = "t tests vs control";
    int rc = check_level(level, what, err);
    if (rc != KETSIM_OK)
        return rc;
    if (method != KETSIM_STATS_VS_CONTROL_WELCH &&
        method != KETSIM_STATS_VS_CONTROL_POOLED)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: unknown method %d", what,
                           (int)method);
    if (control >= k || !out)
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "%s: control index %zu is not below k = %zu or "
                           "output is NULL", what, control, k);
    ketsim_stats_anova av = {0};
    rc = method == KETSIM_STATS_VS_CONTROL_POOLED
             ? ketsim_stats_anova1(groups, sizes, k, &av, err)
             : check_groups(groups, sizes, k, 2, what, err);
    if (rc != KETSIM_OK)
        return rc;
    double *p = malloc((k - 1) * sizeof *p);
    if (!p)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "%s: no memory", what);
    for (size_t j = 0, o = 0; j < k && rc == KETSIM_OK; j++) {
        if (j == control)
            continue;
        out[o].group = j;
        rc = vs_control_one(groups, sizes, j, control, method, &av, level,
                            &out[o].test, err);
        if (rc == KETSIM_OK)
            p[o] = out[o].test.p;
        o++;
    }
    if (rc == KETSIM_OK)
        rc = ketsim_stats_holm(p, k - 1, p, err);
    for (size_t o = 0; rc == KETSIM_OK && o < k - 1; o++)
        out[o].p_holm = p[o];
    free(p);
    return rc;
}

/* ---- Two variables ------------------------------------------------------ */

int ketsim_stats_linreg(const double *x, const double *y, size_t n,
                        ketsim_stats_linreg_result *out, ketsim_error *err)
{
    const char *what = "linear regression";
    int rc = check_data(x, n, 3, what, "x", err);
    if (rc == KETSIM_OK)
        rc = check_data(y, n, 3, what, "y", err);
    if (rc != KETSIM_OK)
        return rc;
    double mx, sxx, my, syy, sxy = 0.0;
    mean_ss(x, n, &mx, &sxx);
    mean_ss(y, n, &my, &syy);
    if (!(sxx > 0.0) || !(syy > 0.0))
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "%s: %s has no variability", what,
                           sxx > 0.0 ? "y" : "x");
    for (size_t i = 0; i < n; i++)
        sxy += (x[i] - mx) * (y[i] - my);
    out->slope = sxy / sxx;
    out->intercept = my - out->slope * mx;
    double rss = 0.0;
    for (size_t i = 0; i < n; i++) {
        double e = y[i] - out->intercept - out->slope * x[i];
        rss += e * e;
    }
    out->df = (double)(n - 2);
    double s2 = rss / out->df;
    out->se_slope = sqrt(s2 / sxx);
    out->se_intercept = sqrt(s2 * (1.0 / (double)n + mx * mx / sxx));
    out->r = sxy / sqrt(sxx * syy);
    out->r2 = out->r * out->r;
    /* A perfect fit has se_slope 0: t is infinite and p is 0. */
    out->t = out->se_slope > 0.0 ? out->slope / out->se_slope
                                 : copysign(INFINITY, out->slope);
    out->p = t_two_sided_p(out->t, out->df);
    return KETSIM_OK;
}

int ketsim_stats_pearson(const double *x, const double *y, size_t n,
                         double *r, double *p, ketsim_error *err)
{
    ketsim_stats_linreg_result fit = {0};
    int rc = ketsim_stats_linreg(x, y, n, &fit, err);
    if (rc != KETSIM_OK)
        return rc;
    *r = fit.r;
    *p = fit.p;
    return KETSIM_OK;
}
