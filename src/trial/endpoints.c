/* Trial endpoints of one replicate and their distribution over replicates
 * (the files are written by src/formats/trial_out.c).  Definitions
 * (docs/trial.md):
 *   change      baseline rating of the period minus the rating (points;
 *               positive = better);
 *   response    rating <= (1 - trial.response_fraction) x period baseline;
 *   remission   rating <= trial.remission_max;
 *   relapse     among responders at the primary visit of the last period,
 *               the first follow-up visit that starts trial.relapse_consecutive
 *               ratings in a row above trial.relapse_fraction x the first
 *               period's baseline; time from the last dose, Kaplan-Meier;
 *   onset/peak/duration  per comparison with the control arm: the first
 *               visit where the arm beats control (p < trial.alpha, change
 *               larger), the visit of the largest mean difference, the last
 *               visit where it still beats control. */
#include "ketsim/stats.h"
#include "ketsim/trial.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ketsim_trial_defs_read(const ketsim_params *p, ketsim_trial_defs *d)
{
    d->response_fraction = ketsim_params_value(p, "trial.response_fraction");
    d->remission_max = ketsim_params_value(p, "trial.remission_max");
    d->relapse_fraction = ketsim_params_value(p, "trial.relapse_fraction");
    d->relapse_consecutive = (int)lround(ketsim_params_value(p, "trial.relapse_consecutive"));
    d->alpha = ketsim_params_value(p, "trial.alpha");
}

void ketsim_trial_metrics_free(ketsim_trial_metrics *m)
{
    free(m->name);
    free(m->value);
    memset(m, 0, sizeof *m);
}

static int put(ketsim_trial_metrics *m, double v, ketsim_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int put(ketsim_trial_metrics *m, double v, ketsim_error *err, const char *fmt, ...)
{
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 64;
        char(*nn)[80] = realloc(m->name, cap * sizeof *nn);
        if (nn)
            m->name = nn;
        double *nv = realloc(m->value, cap * sizeof *nv);
        if (nv)
            m->value = nv;
        if (!nn || !nv)
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory for endpoints");
        m->cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->name[m->n], sizeof m->name[0], fmt, ap);
    va_end(ap);
    m->value[m->n++] = v;
    return KETSIM_OK;
}

int ketsim_trial_metrics_has(const ketsim_trial_metrics *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->name[i], name) == 0)
            return 1;
    return 0;
}

double ketsim_trial_metric(const ketsim_trial_metrics *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->name[i], name) == 0)
            return m->value[i];
    return NAN;
}

static int is_responder(const ketsim_trial_defs *d, int base, int rated)
{
    return base >= 0 && rated >= 0 && rated <= (1.0 - d->response_fraction) * base + 1e-9;
}

/* Index of the reference (first control) arm, or -1. */
static int reference_arm(const ketsim_trial_scenario *sc)
{
    for (size_t a = 0; a < sc->n_arms; a++)
        if (sc->arms[a].control != KETSIM_TRIAL_ACTIVE)
            return (int)a;
    return -1;
}

/* Change scores of arm a at visit k: in parallel designs from the subjects
 * of the arm; in crossovers from the period where each subject got a. */
static size_t collect_change(const ketsim_trial_scenario *sc, const ketsim_trial_subject_result *s, size_t a,
                             size_t k, double *out, int *owner)
{
    size_t n = 0;
    for (int i = 0; i < sc->n_subjects; i++)
        for (int p = 0; p < ketsim_trial_n_periods(sc); p++) {
            if (ketsim_trial_arm_in_period(sc, s[i].assign, p) != a)
                continue;
            if (s[i].base_rated[p] < 0 || s[i].madrs_rated[p][k] < 0)
                continue;
            if (owner)
                owner[n] = i;
            out[n++] = s[i].base_rated[p] - s[i].madrs_rated[p][k];
        }
    return n;
}

static int arm_endpoints(const ketsim_trial_scenario *sc, const ketsim_trial_defs *d, const ketsim_trial_subject_result *s,
                         size_t a, double *buf, ketsim_trial_metrics *m, ketsim_error *err)
{
    const char *an = sc->arms[a].name;
    int rc = 0;
    for (size_t k = 0; k < sc->n_visits && !rc; k++) {
        const char *vl = sc->visit_label[k];
        size_t n = collect_change(sc, s, a, k, buf, NULL);
        size_t resp = 0, rem = 0;
        for (int i = 0; i < sc->n_subjects; i++)
            for (int p = 0; p < ketsim_trial_n_periods(sc); p++) {
                if (ketsim_trial_arm_in_period(sc, s[i].assign, p) != a)
                    continue;
                int r = s[i].madrs_rated[p][k];
                resp += (size_t)is_responder(d, s[i].base_rated[p], r);
                rem += (size_t)(r >= 0 && s[i].base_rated[p] >= 0 && r <= d->remission_max);
            }
        double mean = NAN;
        if (n >= 1)
            ketsim_stats_mean(buf, n, &mean, NULL);
        rc = put(m, (double)n, err, "%s@%s.n", an, vl);
        if (!rc)
            rc = put(m, mean, err, "%s@%s.change_mean", an, vl);
        if (!rc)
            rc = put(m, n ? (double)resp / (double)n : NAN, err, "%s@%s.response", an, vl);
        if (!rc)
            rc = put(m, n ? (double)rem / (double)n : NAN, err, "%s@%s.remission", an, vl);
        if (!rc && k == sc->primary_visit && n > 0) {
            ketsim_stats_interval w;
            ketsim_error e;
            if (ketsim_stats_wilson(resp, n, KETSIM_STATS_LEVEL_DEFAULT, &w, &e) == KETSIM_OK) {
                rc = put(m, w.lo, err, "%s.primary_response_lo", an);
                if (!rc)
                    rc = put(m, w.hi, err, "%s.primary_response_hi", an);
            }
        }
    }
    /* time to response: first visit with a response, censored at the last
     * rating; Kaplan-Meier median over the periods the arm was given */
    {
        size_t n = 0;
        int *ev = malloc(((size_t)sc->n_subjects * 2 + 1) * sizeof *ev);
        if (!ev && !rc)
            rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory for endpoints");
        for (int i = 0; ev && i < sc->n_subjects; i++)
            for (int p = 0; p < ketsim_trial_n_periods(sc); p++) {
                if (ketsim_trial_arm_in_period(sc, s[i].assign, p) != a || s[i].base_rated[p] < 0)
                    continue;
                double tev = NAN, tc = -1;
                for (size_t k = 0; k < sc->n_visits; k++) {
                    int r = s[i].madrs_rated[p][k];
                    if (r < 0)
                        break;
                    tc = sc->visit_h[k];
                    if (is_responder(d, s[i].base_rated[p], r)) {
                        tev = sc->visit_h[k];
                        break;
                    }
                }
                if (tc < 0)
                    continue;
                buf[n] = isnan(tev) ? tc : tev;
                ev[n++] = !isnan(tev);
            }
        double med = NAN;
        ketsim_stats_km *km = NULL;
        ketsim_error e;
        if (ev && n > 0 && ketsim_stats_km_fit(buf, ev, n, KETSIM_STATS_LEVEL_DEFAULT, &km, &e) == KETSIM_OK)
            med = km->median;
        ketsim_stats_km_free(km);
        free(ev);
        if (!rc)
            rc = put(m, med, err, "%s.time_to_response_median_h", an);
    }
    /* CADSS and haemodynamic peaks: mean over the periods the arm was given */
    double cs = 0, ss = 0, ds = 0, hs = 0;
    size_t cn = 0;
    for (int i = 0; i < sc->n_subjects; i++)
        for (int p = 0; p < ketsim_trial_n_periods(sc); p++)
            if (!s[i].failed && ketsim_trial_arm_in_period(sc, s[i].assign, p) == a) {
                cs += s[i].cadss_peak[p];
                ss += s[i].sbp_peak[p];
                ds += s[i].dbp_peak[p];
                hs += s[i].hr_peak[p];
                cn++;
            }
    if (!rc)
        rc = put(m, cn ? cs / (double)cn : NAN, err, "%s.cadss_peak_mean", an);
    if (!rc)
        rc = put(m, cn ? ss / (double)cn : NAN, err, "%s.sbp_peak_mean", an);
    if (!rc)
        rc = put(m, cn ? ds / (double)cn : NAN, err, "%s.dbp_peak_mean", an);
    if (!rc)
        rc = put(m, cn ? hs / (double)cn : NAN, err, "%s.hr_peak_mean", an);
    return rc;
}

static int compare(const ketsim_trial_scenario *sc, const ketsim_trial_defs *d, const ketsim_trial_subject_result *s,
                   size_t a, size_t ref, double *x, double *y, int *ox, int *oy, ketsim_trial_metrics *m,
                   ketsim_error *err)
{
    char cmp[160];
    snprintf(cmp, sizeof cmp, "%s_vs_%s", sc->arms[a].name, sc->arms[ref].name);
    double onset = NAN, peak = NAN, duration = NAN, best = -INFINITY;
    int rc = 0;
    for (size_t k = 0; k < sc->n_visits && !rc; k++) {
        size_t nx = collect_change(sc, s, a, k, x, ox);
        size_t ny = collect_change(sc, s, ref, k, y, oy);
        ketsim_stats_ttest t = {.estimate = NAN, .p = NAN};
        double dd = NAN;
        ketsim_error e;
        if (sc->design == KETSIM_TRIAL_CROSSOVER) {
            /* pair by subject: both periods rated */
            size_t np = 0;
            for (size_t i = 0; i < nx; i++)
                for (size_t j = 0; j < ny; j++)
                    if (ox[i] == oy[j]) {
                        x[np] = x[i];
                        y[np] = y[j];
                        oy[j] = -1;
                        np++;
                        break;
                    }
            if (ketsim_stats_ttest_paired(x, y, np, KETSIM_STATS_LEVEL_DEFAULT, &t, &e) != KETSIM_OK)
                t.p = NAN, t.estimate = NAN;
            if (ketsim_stats_cohen_d(x, np, y, np, &dd, &e) != KETSIM_OK)
                dd = NAN;
        } else {
            if (ketsim_stats_ttest_welch(x, nx, y, ny, KETSIM_STATS_LEVEL_DEFAULT, &t, &e) != KETSIM_OK)
                t.p = NAN, t.estimate = NAN;
            if (ketsim_stats_cohen_d(x, nx, y, ny, &dd, &e) != KETSIM_OK)
                dd = NAN;
        }
        rc = put(m, t.estimate, err, "%s@%s.diff", cmp, sc->visit_label[k]);
        if (!rc)
            rc = put(m, t.p, err, "%s@%s.p", cmp, sc->visit_label[k]);
        if (!rc)
            rc = put(m, dd, err, "%s@%s.d", cmp, sc->visit_label[k]);
        int sig = t.p < d->alpha && t.estimate > 0;
        if (sig && isnan(onset))
            onset = sc->visit_h[k];
        if (sig)
            duration = sc->visit_h[k];
        if (isfinite(t.estimate) && t.estimate > best) {
            best = t.estimate;
            peak = sc->visit_h[k];
        }
    }
    if (!rc && sc->design == KETSIM_TRIAL_CROSSOVER) {
        /* Grizzle's carry-over test: subject totals (both periods) compared
         * between sequences; period effect: mean of (period 1 - period 2)
         * changes, averaged over the two sequences (Hills-Armitage). */
        size_t k = sc->primary_visit, n0 = 0, n1 = 0;
        double pd[2] = {0, 0};
        for (int i = 0; i < sc->n_subjects; i++) {
            const ketsim_trial_subject_result *r = &s[i];
            if (r->base_rated[0] < 0 || r->base_rated[1] < 0 || r->madrs_rated[0][k] < 0 ||
                r->madrs_rated[1][k] < 0)
                continue;
            double c0 = r->base_rated[0] - r->madrs_rated[0][k], c1 = r->base_rated[1] - r->madrs_rated[1][k];
            if (r->assign == 0) {
                x[n0++] = c0 + c1;
                pd[0] += c0 - c1;
            } else {
                y[n1++] = c0 + c1;
                pd[1] += c0 - c1;
            }
        }
        ketsim_stats_ttest t = {.p = NAN};
        ketsim_error e;
        if (ketsim_stats_ttest_welch(x, n0, y, n1, KETSIM_STATS_LEVEL_DEFAULT, &t, &e) != KETSIM_OK)
            t.p = NAN;
        rc = put(m, t.p, err, "%s.carryover_p", cmp);
        double period = (n0 && n1) ? 0.5 * (pd[0] / (double)n0 + pd[1] / (double)n1) : NAN;
        if (!rc)
            rc = put(m, period, err, "%s.period_effect", cmp);
    }
    if (!rc)
        rc = put(m, onset, err, "%s.onset_h", cmp);
    if (!rc)
        rc = put(m, peak, err, "%s.peak_h", cmp);
    if (!rc)
        rc = put(m, duration, err, "%s.duration_h", cmp);
    return rc;
}

size_t ketsim_trial_relapse_times(const ketsim_trial_scenario *sc, const ketsim_trial_defs *d, const ketsim_trial_subject_result *s,
                           size_t a, double *tt, int *ev)
{
    size_t nfu = ketsim_trial_n_followup(sc);
    int last = ketsim_trial_n_periods(sc) - 1;
    size_t n = 0;
    for (int i = 0; i < sc->n_subjects; i++) {
        if (ketsim_trial_arm_in_period(sc, s[i].assign, last) != a)
            continue;
        if (!is_responder(d, s[i].base_rated[last], s[i].madrs_rated[last][sc->primary_visit]))
            continue;
        double thr = d->relapse_fraction * s[i].base_rated[0];
        double t_event = NAN, t_cens = 0;
        int run = 0;
        for (size_t k = 0; k < nfu; k++) {
            int r = s[i].fu_rated[k];
            if (r < 0)
                break;
            t_cens = ketsim_trial_followup_h(sc, k);
            run = r > thr ? run + 1 : 0;
            if (run >= d->relapse_consecutive) {
                t_event = ketsim_trial_followup_h(sc, k + 1 - (size_t)run);
                break;
            }
        }
        tt[n] = (isnan(t_event) ? t_cens : t_event) / 24.0;
        ev[n] = !isnan(t_event);
        n++;
    }
    return n;
}

static int relapse(const ketsim_trial_scenario *sc, const ketsim_trial_defs *d, const ketsim_trial_subject_result *s,
                   size_t a, double *tt, int *ev, ketsim_trial_metrics *m, ketsim_error *err)
{
    size_t n = ketsim_trial_relapse_times(sc, d, s, a, tt, ev), relapsed = 0;
    for (size_t i = 0; i < n; i++)
        relapsed += (size_t)ev[i];
    const char *an = sc->arms[a].name;
    int rc = put(m, (double)n, err, "%s.relapse_responders", an);
    double med = NAN, lo = NAN, hi = NAN;
    if (n > 0) {
        ketsim_stats_km *km = NULL;
        ketsim_error e;
        if (ketsim_stats_km_fit(tt, ev, n, KETSIM_STATS_LEVEL_DEFAULT, &km, &e) == KETSIM_OK) {
            med = km->median;
            lo = km->median_lo;
            hi = km->median_hi;
        }
        ketsim_stats_km_free(km);
    }
    if (!rc)
        rc = put(m, n ? (double)relapsed / (double)n : NAN, err, "%s.relapse_fraction", an);
    if (!rc)
        rc = put(m, med, err, "%s.relapse_median_d", an);
    if (!rc)
        rc = put(m, lo, err, "%s.relapse_median_lo_d", an);
    if (!rc)
        rc = put(m, hi, err, "%s.relapse_median_hi_d", an);
    return rc;
}

size_t ketsim_trial_count_failed(const ketsim_trial_scenario *sc, const ketsim_trial_subject_result *subj)
{
    size_t n = 0;
    for (int i = 0; i < sc->n_subjects; i++)
        n += (size_t)(subj[i].failed != 0);
    return n;
}

int ketsim_trial_endpoints(const ketsim_trial_scenario *sc, const ketsim_trial_defs *d, const ketsim_trial_subject_result *s,
                    ketsim_trial_metrics *m, ketsim_error *err)
{
    m->n = 0;
    size_t cap = 2 * (size_t)sc->n_subjects + 2;
    double *x = malloc(cap * sizeof *x), *y = malloc(cap * sizeof *y);
    int *ox = malloc(cap * sizeof *ox), *oy = malloc(cap * sizeof *oy);
    int rc = KETSIM_OK;
    if (!x || !y || !ox || !oy)
        rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory for endpoints");
    for (size_t a = 0; !rc && a < sc->n_arms; a++)
        rc = arm_endpoints(sc, d, s, a, x, m, err);
    int ref = reference_arm(sc);
    for (size_t a = 0; !rc && ref >= 0 && a < sc->n_arms; a++)
        if (sc->arms[a].control == KETSIM_TRIAL_ACTIVE)
            rc = compare(sc, d, s, a, (size_t)ref, x, y, ox, oy, m, err);
    for (size_t a = 0; !rc && ketsim_trial_n_followup(sc) > 0 && a < sc->n_arms; a++)
        if (sc->arms[a].control == KETSIM_TRIAL_ACTIVE)
            rc = relapse(sc, d, s, a, x, ox, m, err);
    if (!rc)
        rc = put(m, (double)ketsim_trial_count_failed(sc, s), err, "failed_subjects");
    free(x);
    free(y);
    free(ox);
    free(oy);
    return rc;
}

size_t ketsim_trial_metric_quantiles(const ketsim_trial_metrics *reps, size_t n_reps, const char *name, double *median,
                              double *p5, double *p95)
{
    *median = *p5 = *p95 = NAN;
    double *v = malloc((n_reps ? n_reps : 1) * sizeof *v);
    if (!v)
        return 0;
    size_t n = 0;
    for (size_t r = 0; r < n_reps; r++) {
        double x = ketsim_trial_metric(&reps[r], name);
        if (isfinite(x))
            v[n++] = x;
    }
    if (n > 0) {
        const double probs[3] = {0.5, 0.05, 0.95};
        double q[3];
        ketsim_error e;
        if (ketsim_stats_quantiles(v, n, probs, 3, q, &e) == KETSIM_OK) {
            *median = q[0];
            *p5 = q[1];
            *p95 = q[2];
        }
    }
    free(v);
    return n;
}

double ketsim_trial_power(const ketsim_trial_metrics *reps, size_t n_reps, const char *pname, double alpha)
{
    if (n_reps == 0)
        return NAN;
    size_t k = 0;
    for (size_t r = 0; r < n_reps; r++) {
        double p = ketsim_trial_metric(&reps[r], pname);
        k += (size_t)(p < alpha);
    }
    return (double)k / (double)n_reps;
}
