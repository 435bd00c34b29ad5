/* Figures of a virtual trial (ketsim_plot_trial, include/ketsim/plot_results.h). */
#include "ketsim/plot.h"
#include "ketsim/plot_results.h"
#include "ketsim/stats.h"
#include "trial_plot_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_TIMES TRIAL_PLOT_TIMES

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

/* Each arm: its band and line, a dot at baseline and at every visit (when
 * the patients were rated), and for one trial the 95% interval of the arm
 * mean as dashed lines in the arm's colour. */
static int draw_madrs(const char *path, const void *vctx, ketsim_error *err)
{
    const trial_plot_ctx *c = vctx;
    const ketsim_trial_scenario *sc = c->sc;
    size_t nt = sc->n_visits + 1, ns = 0;
    ketsim_plot_band b[KETSIM_TRIAL_MAX_ARMS];
    ketsim_plot_series s[3 * KETSIM_TRIAL_MAX_ARMS];
    size_t colour[3 * KETSIM_TRIAL_MAX_ARMS];
    for (size_t a = 0; a < sc->n_arms; a++) {
        b[a] = (ketsim_plot_band){sc->arms[a].name, c->x, c->mean[a], c->lo[a], c->hi[a], nt};
        colour[ns] = a;
        s[ns++] = (ketsim_plot_series){.x = c->x, .y = c->mean[a], .n = nt, .marker = "\u25cf", .no_line = 1};
        for (int k = 0; k < 2 && c->replicates == 1; k++) {
            colour[ns] = a;
            s[ns++] = (ketsim_plot_series){.x = c->x, .y = k ? c->ci_hi[a] : c->ci_lo[a], .n = nt, .dashed = 1};
        }
    }
    char title[192];
    snprintf(title, sizeof title, "%s: MADRS by arm (%d subjects%s)", sc->name, sc->n_subjects,
             sc->design == KETSIM_TRIAL_CROSSOVER ? ", crossover: both periods" : "");
    ketsim_plot *p = NULL;
    int rc = ketsim_plot_open(path, 1000, 700, 1, 0, title, &p, err);
    char sub[160];
    if (c->replicates > 1)
        snprintf(sub, sizeof sub, "Median of the arm mean over %d replicate trials (dots: visits), band: 5th-95th "
                 "percentile",
                 c->replicates);
    else
        snprintf(sub, sizeof sub, "Arm mean of rated MADRS (dots: visits), dashed: its 95%% CI, band: 5th-95th "
                 "percentile of patients");
    ketsim_plot_axes ax = ketsim_plot_axes_auto(sub, c->scale > 1 ? "time after the first dose (days)"
                                                                  : "time after the first dose (h)",
                                                "MADRS (points)");
    if (!rc)
        rc = ketsim_plot_bands_series(p, 0, &ax, b, sc->n_arms, s, ns, colour, err);
    if (rc) {
        if (p)
            ketsim_plot_abort(p);
        return rc;
    }
    return ketsim_plot_close(p, err);
}

/* One Kaplan-Meier curve: steps from (0, 1), censoring times apart. */
typedef struct km_data {
    double *t, *s, *cens; /* n_subjects + 1 each: at most one step or tick per responder */
    size_t n, n_cens, n_resp;
} km_data;

static int km_alloc(km_data *k, size_t ns)
{
    k->t = malloc((ns + 1) * sizeof *k->t);
    k->s = malloc((ns + 1) * sizeof *k->s);
    k->cens = malloc((ns + 1) * sizeof *k->cens);
    return k->t && k->s && k->cens;
}

static void km_free(km_data *k, size_t n)
{
    for (size_t i = 0; k && i < n; i++)
        free(k[i].t), free(k[i].s), free(k[i].cens);
    free(k);
}

static int km_arm(const trial_plot_ctx *c, size_t a, km_data *k, double *tt, int *ev, ketsim_error *err)
{
    size_t n = ketsim_trial_relapse_times(c->sc, c->d, c->subj, a, tt, ev);
    k->n = 1, k->n_cens = 0, k->n_resp = n;
    k->t[0] = 0, k->s[0] = 1;
    if (n == 0)
        return KETSIM_OK;
    ketsim_stats_km *km = NULL;
    int rc = ketsim_stats_km_fit(tt, ev, n, KETSIM_STATS_LEVEL_DEFAULT, &km, err);
    for (size_t i = 0; !rc && i < km->n_steps; i++)
        k->t[k->n] = km->time[i], k->s[k->n++] = km->surv[i];
    for (size_t i = 0; !rc && i < n; i++)
        if (!ev[i])
            k->cens[k->n_cens++] = tt[i];
    ketsim_stats_km_free(km);
    return rc;
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
        curves[m] = (ketsim_plot_km){labels[m], k[m].t, k[m].s, k[m].n, k[m].cens, k[m].n_cens};
        m++;
    }
    char title[192];
    snprintf(title, sizeof title, "%s: time to relapse after the last dose (replicate 0)", sc->name);
    ketsim_plot *p = NULL;
    if (!rc)
        rc = ketsim_plot_open(path, 1000, 700, 1, 0, title, &p, err);
    ketsim_plot_axes ax = ketsim_plot_axes_auto("Kaplan-Meier, responders at the primary visit; ticks: censored",
                                                "days after the last dose", "fraction without relapse");
    ax.xmin = 0, ax.xmax = sc->followup_until_h / 24.0;
    if (!rc)
        rc = ketsim_plot_km_curves(p, 0, &ax, curves, m, err);
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
                      int replicates, const char *dir, ketsim_error *err)
{
    if (replicates < 1 || sc->n_visits + 1 > N_TIMES || sc->n_arms > KETSIM_TRIAL_MAX_ARMS)
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "trial figure: bad replicate, visit or arm count");
    trial_plot_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    *c = (trial_plot_ctx){.sc = sc, .d = d, .subj = subj, .replicates = replicates};
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
