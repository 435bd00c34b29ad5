/* Statistics for virtual trials and virtual lab experiments.
 *
 * Every function takes plain arrays, never modifies them, and returns
 * KETSIM_OK or KETSIM_EINPUT (bad input: n too small, NaN or infinite values,
 * zero variance where a test needs some, a level outside (0,1)) or
 * KETSIM_ENOMEM, with a message in *err.  Results come back in small structs
 * owned by the caller, except the Kaplan-Meier curve, which is allocated (see
 * ketsim_stats_km_fit).  Distribution functions come from GSL.  Nothing here
 * has global state.
 *
 * "level" is a confidence level in (0,1), e.g. KETSIM_STATS_LEVEL_DEFAULT.
 * All p values are two-sided unless said otherwise. */
#ifndef KETSIM_STATS_H
#define KETSIM_STATS_H

#include <stddef.h>

#include "ketsim/error.h"

#define KETSIM_STATS_LEVEL_DEFAULT 0.95

/* ---- Descriptive statistics ------------------------------------------- */

/* Arithmetic mean; n >= 1. */
int ketsim_stats_mean(const double *x, size_t n, double *mean,
                      ketsim_error *err);

/* Sample standard deviation (denominator n - 1); n >= 2. */
int ketsim_stats_sd(const double *x, size_t n, double *sd, ketsim_error *err);

/* Standard error of the mean, sd / sqrt(n); n >= 2. */
int ketsim_stats_sem(const double *x, size_t n, double *sem,
                     ketsim_error *err);

/* Quantile of unsorted data by Hyndman-Fan type 7 (R's default): with
 * h = (n - 1) prob, the sorted values x(floor h) and x(floor h + 1) (0-based)
 * are interpolated linearly.  prob in [0,1]; n >= 1.  Works on a copy. */
int ketsim_stats_quantile(const double *x, size_t n, double prob, double *q,
                          ketsim_error *err);

/* Several type-7 quantiles with one sort: q[i] for probs[i], i < m. */
int ketsim_stats_quantiles(const double *x, size_t n, const double *probs,
                           size_t m, double *q, ketsim_error *err);

/* Median (type-7 quantile at 0.5: the mean of the middle two for even n). */
int ketsim_stats_median(const double *x, size_t n, double *median,
                        ketsim_error *err);

typedef struct ketsim_stats_summary {
    size_t n;
    double mean;
    double sd;     /* NAN when n == 1 */
    double sem;    /* NAN when n == 1 */
    double min, q1, median, q3, max; /* type-7 quantiles */
} ketsim_stats_summary;

/* All of the above at once, for tables; n >= 1. */
int ketsim_stats_summarize(const double *x, size_t n,
                           ketsim_stats_summary *out, ketsim_error *err);

/* ---- t tests ------------------------------------------------------------ */

typedef struct ketsim_stats_ttest {
    double estimate; /* mean(x) - mean(y); paired: mean(x - y);
                        one-sample: mean(x) - mu */
    double se;       /* standard error of estimate */
    double t;        /* estimate / se */
    double df;       /* degrees of freedom (non-integer for Welch) */
    double p;        /* two-sided p value */
    double ci_lo;    /* confidence interval of estimate at `level` */
    double ci_hi;
    double level;
} ketsim_stats_ttest;

/* Welch's unequal-variance two-sample t test with Welch-Satterthwaite df;
 * nx, ny >= 2. */
int ketsim_stats_ttest_welch(const double *x, size_t nx, const double *y,
                             size_t ny, double level, ketsim_stats_ttest *out,
                             ketsim_error *err);

/* Student's two-sample t test with pooled variance, df = nx + ny - 2;
 * nx, ny >= 1 and nx + ny >= 3. */
int ketsim_stats_ttest_pooled(const double *x, size_t nx, const double *y,
                              size_t ny, double level, ketsim_stats_ttest *out,
                              ketsim_error *err);

/* Paired t test on the differences x[i] - y[i], df = n - 1; n >= 2. */
int ketsim_stats_ttest_paired(const double *x, const double *y, size_t n,
                              double level, ketsim_stats_ttest *out,
                              ketsim_error *err);

/* One-sample t test of mean(x) = mu, df = n - 1; n >= 2. */
int ketsim_stats_ttest_one(const double *x, size_t n, double mu, double level,
                           ketsim_stats_ttest *out, ketsim_error *err);

/* ---- Effect sizes ------------------------------------------------------- */

/* Cohen's d: (mean(x) - mean(y)) / pooled SD (denominator nx + ny - 2);
 * nx, ny >= 1 and nx + ny >= 3. */
int ketsim_stats_cohen_d(const double *x, size_t nx, const double *y,
                         size_t ny, double *d, ketsim_error *err);

/* Hedges' g: Cohen's d times the exact small-sample correction
 * J = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2)), m = nx + ny - 2
 * (J ~ 1 - 3/(4m - 1)); nx + ny >= 4. */
int ketsim_stats_hedges_g(const double *x, size_t nx, const double *y,
                          size_t ny, double *g, ketsim_error *err);

/* Cohen's d_z for paired data: mean(x - y) / sd(x - y); n >= 2. */
int ketsim_stats_cohen_dz(const double *x, const double *y, size_t n,
                          double *dz, ketsim_error *err);

/* ---- Proportions ------------------------------------------------------- */

typedef struct ketsim_stats_interval {
    double estimate;
    double lo;
    double hi;
} ketsim_stats_interval;

/* Proportion k/n with the Wilson score interval at `level`.  Unlike the Wald
 * interval it stays inside [0,1] and is not degenerate at k = 0 (lo = 0) or
 * k = n (hi = 1).  n >= 1, k <= n. */
int ketsim_stats_wilson(size_t k, size_t n, double level,
                        ketsim_stats_interval *out, ketsim_error *err);

/* Monte Carlo power: the fraction of replicate p values strictly below
 * alpha, with its Wilson 95% interval (the simulation error of the power).
 * n >= 1, 0 < alpha < 1, no NaN p values. */
int ketsim_stats_power(const double *p, size_t n, double alpha,
                       ketsim_stats_interval *out, ketsim_error *err);

/* A binary test against a binary outcome, from the four counts of its 2x2
 * table: true positives (test and outcome positive), false positives, false
 * negatives and true negatives. */
typedef struct ketsim_stats_diagnostic {
    size_t tp, fp, fn, tn;
    ketsim_stats_interval sensitivity; /* tp / (tp + fn) */
    ketsim_stats_interval specificity; /* tn / (tn + fp) */
    ketsim_stats_interval ppv;         /* tp / (tp + fp) */
    ketsim_stats_interval npv;         /* tn / (tn + fn) */
} ketsim_stats_diagnostic;

/* Sensitivity, specificity and the predictive values, each with its Wilson
 * interval at `level`; a proportion whose denominator is 0 is NAN with a
 * NAN interval.  The predictive values hold for the prevalence of the
 * sample, (tp + fn) / total.  Fails only on a level outside (0,1). */
int ketsim_stats_diagnostic_2x2(size_t tp, size_t fp, size_t fn, size_t tn,
                                double level, ketsim_stats_diagnostic *out,
                                ketsim_error *err);

/* ---- Survival ----------------------------------------------------------- */

/* A Kaplan-Meier curve.  Step i holds what happens at the i-th distinct time
 * with at least one event; surv[i] is S(t) from time[i] until the next step
 * (right-continuous).  Censored subjects at a time with events count as at
 * risk there (events precede censoring at ties). */
typedef struct ketsim_stats_km {
    size_t n_steps;
    double *time;      /* distinct event times, ascending */
    size_t *n_risk;    /* subjects with time >= time[i] */
    size_t *n_event;   /* events at time[i] */
    double *surv;      /* product-limit estimate after time[i] */
    double *se;        /* Greenwood SE of surv: S sqrt(sum d / (n (n - d)));
                          0 once S = 0 */
    double *lower;     /* pointwise interval for S at `level`, computed on */
    double *upper;     /* the log(-log S) scale; [0, 0] once S = 0 */
    double level;
    int median_reached; /* 1 if S falls to 0.5 or below */
    double median;      /* first event time with S <= 0.5; NAN if not reached */
    double median_lo;   /* Brookmeyer-Crowley interval for the median: */
    double median_hi;   /* see ketsim_stats_km_fit; NAN where not reached */
    double time_max;    /* largest time observed (event or censored) */
} ketsim_stats_km;

/* Fit a Kaplan-Meier curve to n subjects (time[i] finite and >= 0,
 * event[i] = 1 for an event, 0 for censored); n >= 1.  On success *out is a
 * new curve to release with ketsim_stats_km_free.
 *
 * Median: the first event time at which S <= 0.5 (with a 1e-12 tolerance for
 * rounding in the product); R's survfit instead takes the midpoint to the next
 * event time when S equals 0.5 exactly over an interval.
 * Median interval (Brookmeyer and Crowley 1982): the set of times where the
 * pointwise log-log interval of S contains 0.5, i.e. median_lo is the first
 * event time with lower <= 0.5 and median_hi the first with upper <= 0.5
 * (NAN when the band never gets there: the limit is not reached).  This
 * agrees with R's survfit with conf.type = "log-log" apart from R's midpoint
 * rule where a curve sits exactly at 0.5. */
int ketsim_stats_km_fit(const double *time, const int *event, size_t n,
                        double level, ketsim_stats_km **out,
                        ketsim_error *err);

/* The p-th quantile of the event time (0 < prob < 1): the first event time
 * at which S <= 1 - prob (prob 0.25: the time by which a quarter have had
 * the event), with the Brookmeyer-Crowley interval of the median applied to
 * that level: the first event times at which the pointwise log-log band's
 * lower and upper limits fall to 1 - prob.  NAN where a curve never gets
 * there (the quantile or a limit is not reached).  prob 0.5 gives median,
 * median_lo and median_hi.  This agrees with R's quantile() of a survfit
 * with conf.type = "log-log" except at R's midpoint rule, where a curve sits
 * exactly at 1 - prob over an interval. */
int ketsim_stats_km_quantile(const ketsim_stats_km *km, double prob,
                             ketsim_stats_interval *out, ketsim_error *err);

/* S(t) with its pointwise log-log interval at the curve's level (what R's
 * summary(survfit(..., conf.type = "log-log"), times = t) gives).  Where S
 * is 1 (before the first event) or 0 the log-log scale has no interval and
 * lo, hi are NAN, as in R; all three are NAN when t is NaN, negative or past
 * time_max (nobody left to observe) while S is above 0. */
void ketsim_stats_km_band_at(const ketsim_stats_km *km, double t,
                             ketsim_stats_interval *out);

/* S(t) of a fitted curve: 1 before the first event time. */
double ketsim_stats_km_surv_at(const ketsim_stats_km *km, double t);

/* Release a curve; NULL is allowed. */
void ketsim_stats_km_free(ketsim_stats_km *km);

typedef struct ketsim_stats_logrank_result {
    double observed[2]; /* events per group */
    double expected[2]; /* expected events per group under H0 */
    double variance;    /* hypergeometric variance of observed[0] */
    double chisq;       /* (O0 - E0)^2 / V, 1 df */
    double p;           /* upper tail of chi-square(1) */
} ketsim_stats_logrank_result;

/* Log-rank (Mantel-Cox) test of equal survival in two groups: group[i] is 0
 * or 1, time and event as for ketsim_stats_km_fit.  Both groups must be
 * non-empty and there must be at least one event. */
int ketsim_stats_logrank(const double *time, const int *event,
                         const int *group, size_t n,
                         ketsim_stats_logrank_result *out, ketsim_error *err);

/* ---- Several groups ----------------------------------------------------- */

typedef struct ketsim_stats_anova {
    double ss_between, ss_within;
    double df_between, df_within; /* k - 1 and N - k */
    double ms_within;             /* pooled variance */
    double f;
    double p;                     /* upper tail of F(df_between, df_within) */
} ketsim_stats_anova;

/* One-way ANOVA of k >= 2 groups: groups[j] holds sizes[j] >= 1 values and
 * the total N > k. */
int ketsim_stats_anova1(const double *const *groups, const size_t *sizes,
                        size_t k, ketsim_stats_anova *out, ketsim_error *err);

/* Holm's step-down adjustment of m p values: the i-th smallest becomes
 * max over j <= i of min(1, (m - j + 1) p(j)).  p_adj may equal p. */
int ketsim_stats_holm(const double *p, size_t m, double *p_adj,
                      ketsim_error *err);

typedef enum ketsim_stats_vs_control_method {
    /* Welch t test of each group against the control, using only those two
     * groups. */
    KETSIM_STATS_VS_CONTROL_WELCH = 0,
    /* t test using the ANOVA pooled variance of all k groups and its N - k
     * df, as Dunnett's procedure does. */
    KETSIM_STATS_VS_CONTROL_POOLED = 1
} ketsim_stats_vs_control_method;

typedef struct ketsim_stats_vs_control_result {
    size_t group;            /* index of the group compared with control */
    ketsim_stats_ttest test; /* estimate = mean(group) - mean(control);
                                p and interval unadjusted */
    double p_holm;           /* Holm-adjusted over the k - 1 comparisons */
} ketsim_stats_vs_control_result;

/* Many-to-one comparisons: t tests vs control, Holm-adjusted.  This is not
 * Dunnett's test (which uses the multivariate t distribution); Holm controls
 * the family-wise error rate for any dependence and is a little more
 * conservative.  out receives k - 1 entries, for the groups other than
 * `control` in index order.  Welch needs every compared group with >= 2
 * values. */
int ketsim_stats_vs_control(const double *const *groups, const size_t *sizes,
                            size_t k, size_t control,
                            ketsim_stats_vs_control_method method,
                            double level, ketsim_stats_vs_control_result *out,
                            ketsim_error *err);

/* ---- Two variables ------------------------------------------------------ */

typedef struct ketsim_stats_linreg_result {
    double intercept, slope;
    double se_intercept, se_slope;
    double r;   /* Pearson correlation */
    double r2;
    double t;   /* slope / se_slope, equal to the t for r = 0 */
    double df;  /* n - 2 */
    double p;   /* two-sided p for slope = 0 (equivalently r = 0) */
} ketsim_stats_linreg_result;

/* Ordinary least squares fit y = intercept + slope x; n >= 3, x and y each
 * with non-zero variance. */
int ketsim_stats_linreg(const double *x, const double *y, size_t n,
                        ketsim_stats_linreg_result *out, ketsim_error *err);

/* Pearson correlation r with the two-sided p of t = r sqrt((n-2)/(1-r^2))
 * on n - 2 df; n >= 3. */
int ketsim_stats_pearson(const double *x, const double *y, size_t n,
                         double *r, double *p, ketsim_error *err);

#endif
