/* Figures of a virtual trial (ketsim_plot_trial, include/ketsim/plot_results.h). */
#include "ketsim/plot.h"
#include "ketsim/plot_results.h"
#include "ketsim/stats.h"
#include "trial_plot_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rating of subject s at time index j (0 = baseline) in period p, -1 missing. */
static int rating(const ketsim_trial_subject_result *s, int p, size_t j)
{
    return j == 0 ? s->base_rated[p] : s->madrs_rated[p][j - 1];
}

/* Ratings of arm a at time j in one replicate (vals holds 2 n_subjects). */
static size_t arm_ratings(const ketsim_trial_scenario *sc, const ketsim_trial_subject_result *s, size_t a, size_t j, double *vals)
{
    size_t n = 0;
    for (int i = 0; i < sc->n_subjects; i++)
        for (int p = 0; p < ketsim_trial_n_periods(sc); p++)
            if (ketsim_trial_arm_in_period(sc, s[i].assign, p) == a && rating(&s[i], p, j) >= 0)
                vals[n++] = rating(&s[i], p, j);
    return n;
}

static double mean_of(const double *v, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i];
    return n ? s / (double)n : NAN;
}

/* Line, band and interval of the mean of every arm at every time. */
int trial_plot_summarise(trial_plot_ctx *c, ketsim_error *err)
{
    const ketsim_trial_scenario *sc = c->sc;
    size_t nr = (size_t)c->replicates, ns = (size_t)sc->n_subjects;
    double *vals = malloc(2 * ns * sizeof *vals), *means = malloc(nr * sizeof *means);
    int rc = vals && means ? KETSIM_OK : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    static const double probs[3] = {0.05, 0.5, 0.95};
    for (size_t a = 0; !rc && a < sc->n_arms; a++)
        for (size_t j = 0; !rc && j <= sc->n_visits; j++) {
            double q[3] = {NAN, NAN, NAN};
            c->ci_lo[a][j] = c->ci_hi[a][j] = NAN;
            if (nr == 1) {
                size_t n = arm_ratings(sc, c->subj, a, j, vals);
                if (n)
                    rc = ketsim_stats_quantiles(vals, n, probs, 3, q, err);
                q[1] = mean_of(vals, n);
                ketsim_stats_ttest t;
                if (!rc && n >= 2 && ketsim_stats_ttest_one(vals, n, 0, 0.95, &t, NULL) == KETSIM_OK)
                    c->ci_lo[a][j] = t.ci_lo, c->ci_hi[a][j] = t.ci_hi;
                else if (!rc && n >= 2) /* every rating equal: the interval is the mean itself */
                    c->ci_lo[a][j] = c->ci_hi[a][j] = q[1];
            } else {
                size_t m = 0;
                for (size_t r = 0; r < nr; r++) {
                    size_t n = arm_ratings(sc, c->subj + r * ns, a, j, vals);
                    if (n)
                        means[m++] = mean_of(vals, n);
                }
                if (m)
                    rc = ketsim_stats_quantiles(means, m, probs, 3, q, err);
            }
            c->lo[a][j] = q[0], c->mean[a][j] = q[1], c->hi[a][j] = q[2];
        }
    free(vals), free(means);
    return rc;
}

/* The sessions of every arm (their starts and lengths are the same in each
 * period), as shaded bands in x units; returns how many, duplicates left
 * out. */
size_t trial_plot_sessions(const ketsim_trial_scenario *sc, double scale, double *x0, double *x1, size_t max)
{
    size_t n = 0;
    for (size_t a = 0; a < sc->n_arms; a++) {
        const ketsim_trial_arm *arm = &sc->arms[a];
        size_t nd = arm->n_doses ? arm->n_doses : sc->n_doses;
        const double *h = arm->n_doses ? arm->dose_h : sc->dose_h;
        for (size_t k = 0; k < nd; k++) {
            double s0 = h[k] / scale, s1 = (h[k] + arm->session_h) / scale;
            size_t i = 0;
            while (i < n && !(x0[i] == s0 && x1[i] == s1))
                i++;
            if (i == n && n < max)
                x0[n] = s0, x1[n++] = s1;
        }
    }
    return n;
}

/* One panel of the MADRS figure over x in [xmin, xmax] (x unit: `per_x`
 * hours; NAN xmax: the whole trial).  Each arm: its band and line, a dot at
 * baseline and at every visit (when the patients were rated), and for one
 * trial the 95% interval of the arm mean as dashed lines in the arm's
 * colour.  The y axis is the whole MADRS scale, which leaves the legend
 * room above the bands. */
/* The published means of each arm (squares, labelled "ARM, published")
 * and their 95% intervals (mean +- 1.96 SE, where an SE is given) as
 * series after s[0 .. *ns); store holds 6 doubles per point. */
static void published_series(const trial_plot_ctx *c, double per_x, double *store, ketsim_plot_series *s,
                             size_t *colour, size_t *ns, char (*labels)[KETSIM_TRIAL_NAME_MAX + 16])
{
    const ketsim_trial_observed *o = c->obs;
    double *x = store, *y = store + o->n, *wx = store + 2 * o->n, *wy = store + 4 * o->n;
    size_t used = 0;
    for (size_t a = 0; a < c->sc->n_arms; a++) {
        size_t first = used;
        for (size_t i = 0; i < o->n; i++) {
            const ketsim_trial_observed_point *pt = &o->pt[i];
            if (pt->arm != a)
                continue;
            x[used] = pt->time_h / per_x, y[used] = pt->madrs;
            if (isfinite(pt->se)) {
                double *bx = wx + 2 * used, *by = wy + 2 * used;
                bx[0] = bx[1] = x[used], by[0] = pt->madrs - 1.96 * pt->se, by[1] = pt->madrs + 1.96 * pt->se;
                colour[*ns] = a;
                s[(*ns)++] = (ketsim_plot_series){.x = bx, .y = by, .n = 2};
            }
            used++;
        }
        if (used == first)
            continue;
        snprintf(labels[a], sizeof labels[a], "%s, published", c->sc->arms[a].name);
        colour[*ns] = a;
        s[(*ns)++] = (ketsim_plot_series){labels[a], x + first, y + first, used - first, 0, "\u25a0", 1};
    }
}

static int madrs_panel(ketsim_plot *p, size_t panel, const trial_plot_ctx *c, double per_x, double xmax,
                       const char *title, ketsim_error *err)
{
    const ketsim_trial_scenario *sc = c->sc;
    size_t nt = sc->n_visits + 1, ns = 0, n_obs = c->obs ? c->obs->n : 0;
    double x[TRIAL_PLOT_TIMES], dx0[KETSIM_TRIAL_MAX_ARMS * KETSIM_TRIAL_MAX_DOSES],
        dx1[KETSIM_TRIAL_MAX_ARMS * KETSIM_TRIAL_MAX_DOSES];
    for (size_t j = 0; j < nt; j++)
        x[j] = c->x[j] * c->scale / per_x;
    ketsim_plot_band b[KETSIM_TRIAL_MAX_ARMS];
    size_t max_series = 4 * KETSIM_TRIAL_MAX_ARMS + n_obs;
    ketsim_plot_series *s = malloc(max_series * sizeof *s);
    size_t *colour = malloc(max_series * sizeof *colour);
    double *store = malloc((6 * n_obs + 1) * sizeof *store);
    char labels[KETSIM_TRIAL_MAX_ARMS][KETSIM_TRIAL_NAME_MAX + 16];
    if (!s || !colour || !store) {
        free(s), free(colour), free(store);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    for (size_t a = 0; a < sc->n_arms; a++) {
        b[a] = (ketsim_plot_band){sc->arms[a].name, x, c->mean[a], c->lo[a], c->hi[a], nt};
        colour[ns] = a;
        s[ns++] = (ketsim_plot_series){.x = x, .y = c->mean[a], .n = nt, .marker = "\u25cf", .no_line = 1};
        for (int k = 0; k < 2 && c->replicates == 1; k++) {
            colour[ns] = a;
            s[ns++] = (ketsim_plot_series){.x = x, .y = k ? c->ci_hi[a] : c->ci_lo[a], .n = nt, .dashed = 1};
        }
    }
    if (n_obs)
        published_series(c, per_x, store, s, colour, &ns, labels);
    ketsim_plot_axes ax = ketsim_plot_axes_auto(title, per_x > 1 ? "time after the first dose (days)"
                                                               : "time after the first dose (h)",
                                                "MADRS (points)");
    ax.ymin = 0, ax.ymax = 60;
    ax.xmin = 0, ax.xmax = xmax;
    ax.n_doses = trial_plot_sessions(sc, per_x, dx0, dx1, sizeof dx0 / sizeof dx0[0]);
    ax.dose_x0 = dx0, ax.dose_x1 = dx1;
    int rc = ketsim_plot_bands_series(p, panel, &ax, b, sc->n_arms, s, ns, colour, err);
    free(s), free(colour), free(store);
    return rc || !ax.n_doses ? rc : ketsim_plot_note(p, panel, "shaded: sessions", err);
}

/* The end of the first panel of a trial rated over days: the last rating
 * of the first day, rounded up to whole hours with some room; 0 when the
 * trial is rated over hours or has no rating within the first day. */
double trial_plot_first_hours(const trial_plot_ctx *c)
{
    const ketsim_trial_scenario *sc = c->sc;
    double last = 0;
    for (size_t j = 0; c->scale > 1 && j < sc->n_visits; j++)
        if (sc->visit_h[j] < 24)
            last = fmax(last, sc->visit_h[j]);
    return last > 0 ? ceil(1.15 * last) : 0;
}

/* A trial rated over days gets a first panel on the first hours, so that
 * ratings 40 min to 4 h after the dose do not sit on top of each other. */
static int draw_madrs(const char *path, const void *vctx, ketsim_error *err)
{
    const trial_plot_ctx *c = vctx;
    const ketsim_trial_scenario *sc = c->sc;
    double hours = trial_plot_first_hours(c);
    char title[192], sub[200];
    snprintf(title, sizeof title, "%s: MADRS by arm (%d subjects%s)", sc->name, sc->n_subjects,
             sc->design == KETSIM_TRIAL_CROSSOVER ? ", crossover: both periods" : "");
    if (c->replicates > 1)
        snprintf(sub, sizeof sub, "Median of the arm mean over %d replicate trials (dots: visits), band: 5th-95th "
                 "percentile",
                 c->replicates);
    else
        snprintf(sub, sizeof sub, "Arm mean (dots: visits), dashed: its 95%% CI, band: 5th-95th "
                 "percentile of patients");
    ketsim_plot *p = NULL;
    int rc = ketsim_plot_open(path, 1000, hours > 0 ? 1100 : 700, hours > 0 ? 2 : 1, 0, title, &p, err);
    if (!rc && hours > 0)
        rc = madrs_panel(p, 0, c, 1, hours, sub, err);
    if (!rc)
        rc = madrs_panel(p, hours > 0, c, c->scale, NAN, hours > 0 ? "The whole trial" : sub, err);
    if (rc) {
        if (p)
            ketsim_plot_abort(p);
        return rc;
    }
    return ketsim_plot_close(p, err);
}

/* One Kaplan-Meier curve: steps from (0, 1), censoring times apart. */
typedef struct km_data {
    double *t, *s, *lo, *hi, *cens; /* n_subjects + 1 each: at most one step or tick per responder */
    size_t n, n_cens, n_resp;
    double *times;                  /* the responders' times, for the numbers at risk */
} km_data;

static int km_alloc(km_data *k, size_t ns)
{
    k->t = malloc((ns + 1) * sizeof *k->t);
    k->s = malloc((ns + 1) * sizeof *k->s);
    k->lo = malloc((ns + 1) * sizeof *k->lo);
    k->hi = malloc((ns + 1) * sizeof *k->hi);
    k->cens = malloc((ns + 1) * sizeof *k->cens);
    k->times = malloc((ns + 1) * sizeof *k->times);
    return k->t && k->s && k->lo && k->hi && k->cens && k->times;
}

static void km_free(km_data *k, size_t n)
{
    for (size_t i = 0; k && i < n; i++)
        free(k[i].t), free(k[i].s), free(k[i].lo), free(k[i].hi), free(k[i].cens), free(k[i].times);
    free(k);
}

static int km_arm(const trial_plot_ctx *c, size_t a, km_data *k, double *tt, int *ev, ketsim_error *err)
{
    size_t n = ketsim_trial_relapse_times(c->sc, c->d, c->subj, a, tt, ev);
    k->n = 1, k->n_cens = 0, k->n_resp = n;
    k->t[0] = 0, k->s[0] = k->lo[0] = k->hi[0] = 1;
    memcpy(k->times, tt, n * sizeof *tt);
    if (n == 0)
        return KETSIM_OK;
    ketsim_stats_km *km = NULL;
    int rc = ketsim_stats_km_fit(tt, ev, n, KETSIM_STATS_LEVEL_DEFAULT, &km, err);
    for (size_t i = 0; !rc && i < km->n_steps; i++)
        k->t[k->n] = km->time[i], k->s[k->n] = km->surv[i], k->lo[k->n] = km->lower[i],
        k->hi[k->n++] = km->upper[i];
    for (size_t i = 0; !rc && i < n; i++)
        if (!ev[i])
            k->cens[k->n_cens++] = tt[i];
    ketsim_stats_km_free(km);
    return rc;
}

size_t trial_plot_at_risk(const double *tt, size_t n, double t)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += tt[i] >= t;
    return m;
}

double trial_plot_risk_step(double span)
{
    double raw = span / 6, decade = pow(10, floor(log10(raw)));
    static const double nice[] = {1, 2, 5};
    for (size_t i = 0; i < 3; i++)
        if (nice[i] * decade >= raw)
            return nice[i] * decade;
    return 10 * decade;
}

/* The counts under the curves: responders still followed and free of
 * relapse at every step of the time axis. */
static int draw_at_risk(ketsim_plot *p, const km_data *k, size_t m, double span, ketsim_error *err)
{
    double step = trial_plot_risk_step(span), t[16];
    size_t n_t = 0, counts[KETSIM_TRIAL_MAX_ARMS * 16];
    for (double x = 0; x <= span * (1 + 1e-12) && n_t < 16; x = step * (double)(++n_t))
        t[n_t] = x;
    for (size_t a = 0; a < m; a++)
        for (size_t j = 0; j < n_t; j++)
            counts[a * n_t + j] = trial_plot_at_risk(k[a].times, k[a].n_resp, t[j]);
    return ketsim_plot_km_at_risk(p, 0, t, n_t, counts, m, err);
}

static int draw_relapse(const char *path, const void *vctx, ketsim_error *err)
{
    const trial_plot_ctx *c = vctx;
    const ketsim_trial_scenario *sc = c->sc;
    size_t ns = (size_t)sc->n_subjects;
    ketsim_plot_km curves[KETSIM_TRIAL_MAX_ARMS];
    char labels[KETSIM_TRIAL_MAX_ARMS][KETSIM_TRIAL_NAME_MAX + 40];
    km_data *k = calloc(sc->n_arms, sizeof *k);
    double *tt = malloc(ns * sizeof *tt);
    int *ev = malloc(ns * sizeof *ev);
    int rc = k && tt && ev ? KETSIM_OK : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    size_t m = 0;
    for (size_t a = 0; !rc && a < sc->n_arms; a++) {
        if (sc->arms[a].control != KETSIM_TRIAL_ACTIVE)
            continue;
        rc = km_alloc(&k[m], ns) ? km_arm(c, a, &k[m], tt, ev, err)
                                 : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
        snprintf(labels[m], sizeof labels[m], "%s (%zu responders)", sc->arms[a].name, k[m].n_resp);
        curves[m] = (ketsim_plot_km){labels[m], k[m].t, k[m].s, k[m].n, k[m].cens, k[m].n_cens, k[m].lo, k[m].hi};
        m++;
    }
    char title[192];
    snprintf(title, sizeof title, "%s: time to relapse after the last dose (replicate 0)", sc->name);
    ketsim_plot *p = NULL;
    if (!rc)
        rc = ketsim_plot_open(path, 1000, 700 + 26 * (int)m, 1, 0, title, &p, err);
    if (!rc)
        rc = ketsim_plot_set_margin_bottom(p, 72 + 26 * (int)m, err);
    ketsim_plot_axes ax = ketsim_plot_axes_auto("Kaplan-Meier, responders at the primary visit; dashed: 95% pointwise "
                                                "interval (log-log); ticks: censored",
                                                "days after the last dose", "fraction without relapse");
    ax.xmin = 0, ax.xmax = sc->followup_until_h / 24.0;
    if (!rc)
        rc = ketsim_plot_km_curves(p, 0, &ax, curves, m, err);
    if (!rc)
        rc = draw_at_risk(p, k, m, ax.xmax, err);
    km_free(k, sc->n_arms);
    free(tt), free(ev);
    if (rc) {
        if (p)
            ketsim_plot_abort(p);
        return rc;
    }
    return ketsim_plot_close(p, err);
}

int ketsim_plot_trial(const ketsim_trial_scenario *sc, const ketsim_trial_defs *d, const ketsim_trial_subject_result *subj,
                      int replicates, const ketsim_trial_observed *obs, const char *dir, ketsim_error *err)
{
    if (replicates < 1 || sc->n_visits + 1 > TRIAL_PLOT_TIMES || sc->n_arms > KETSIM_TRIAL_MAX_ARMS)
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "trial figure: bad replicate, visit or arm count");
    trial_plot_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    *c = (trial_plot_ctx){.sc = sc, .d = d, .subj = subj, .replicates = replicates, .obs = obs};
    double last = sc->n_visits ? sc->visit_h[sc->n_visits - 1] : 0;
    c->scale = last > 72 ? 24 : 1;  /* days read better beyond three days */
    c->x[0] = 0;
    for (size_t j = 0; j < sc->n_visits; j++)
        c->x[j + 1] = sc->visit_h[j] / c->scale;
    char base[KETSIM_TRIAL_NAME_MAX + 16];
    int rc = ketsim_plot_mkdir(dir, "--plot", err);
    if (!rc)
        rc = trial_plot_summarise(c, err);
    snprintf(base, sizeof base, "%s_madrs", sc->name);
    if (!rc)
        rc = ketsim_plot_png_svg(dir, base, draw_madrs, c, err);
    snprintf(base, sizeof base, "%s_relapse", sc->name);
    if (!rc && ketsim_trial_n_followup(sc) > 0)
        rc = ketsim_plot_png_svg(dir, base, draw_relapse, c, err);
    free(c);
    return rc;
}
