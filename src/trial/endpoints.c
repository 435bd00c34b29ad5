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
 *               period's baseline (or, by the absolute rule, at or above
 *               trial.relapse_madrs_min); time from the last dose,
 *               Kaplan-Meier quartiles with Brookmeyer-Crowley intervals and
 *               the fraction relapsed by set times;
 *   infusions to response  sessions started before the first visit with a
 *               response, per subject; median and distribution per arm;
 *   early visit response at `early_visit` as a test of response at the
 *               primary visit: sensitivity, specificity, PPV, NPV;
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
    d->relapse_madrs_min = ketsim_params_value(p, "trial.relapse_madrs_min");
}

void ketsim_trial_defs_scenario(const ketsim_trial_scenario *sc, ketsim_trial_defs *d)
{
    if (sc->relapse_fraction > 0)
        d->relapse_fraction = sc->relapse_fraction;
    if (sc->relapse_madrs_min > 0)
        d->relapse_madrs_min = sc->relapse_madrs_min;
    if (sc->relapse_consecutive > 0)
        d->relapse_consecutive = sc->relapse_consecutive;
}

size_t ketsim_trial_n_relapse_by(const ketsim_trial_scenario *sc)
{
    if (sc->n_relapse_by > 0)
        return sc->n_relapse_by;
    /* the defaults, 14 and 28 days, where the follow-up reaches them */
    size_t n = 0;
    for (int d = 14; d <= 28; d += 14)
        n += (size_t)(sc->followup_until_h >= 24.0 * d - 1e-9);
    return n;
}

double ketsim_trial_relapse_by_h(const ketsim_trial_scenario *sc, size_t k, char *label)
{
    if (sc->n_relapse_by > 0) {
        snprintf(label, 16, "%s", sc->relapse_by_label[k]);
        return sc->relapse_by_h[k];
    }
    snprintf(label, 16, "%dd", 14 * (int)(k + 1));
    return 24.0 * 14 * (double)(k + 1);
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
        else if (ev && n > 0 && e.code == KETSIM_ENOMEM && !rc)
            rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory for endpoints"); /* not a missing median */
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

int ketsim_trial_infusions_to_response(const ketsim_trial_scenario *sc, const ketsim_trial_defs *d,
                                       const ketsim_trial_subject_result *s, int p)
{
    if (s->failed || s->base_rated[p] < 0)
        return -1;
    const ketsim_trial_arm *arm = &sc->arms[ketsim_trial_arm_in_period(sc, s->assign, p)];
    for (size_t k = 0; k < sc->n_visits; k++) {
        int r = s->madrs_rated[p][k];
        if (r < 0)
            break;
        if (!is_responder(d, s->base_rated[p], r))
            continue;
        /* a rating at a session's start is taken before that session */
        int n = 0;
        for (size_t j = 0; j < ketsim_trial_arm_n_sessions(sc, arm); j++)
            n += ketsim_trial_arm_session_h(sc, arm, j) < sc->visit_h[k] - 1e-9;
        return n;
    }
    return 0;
}

/* Repeated courses: the number of sessions to the first response, as the
 * median among subjects who responded and the share of the arm's subjects
 * that first responded after 1, 2, ... sessions or not at all. */
static int infusion_endpoints(const ketsim_trial_scenario *sc, const ketsim_trial_defs *d,
                              const ketsim_trial_subject_result *s, size_t a, double *buf, ketsim_trial_metrics *m,
                              ketsim_error *err)
{
    size_t n_sess = ketsim_trial_arm_n_sessions(sc, &sc->arms[a]);
    if (n_sess < 2)
        return KETSIM_OK;
    size_t count[KETSIM_TRIAL_MAX_DOSES + 1] = {0}, n = 0, nr = 0;
    for (int i = 0; i < sc->n_subjects; i++)
        for (int p = 0; p < ketsim_trial_n_periods(sc); p++) {
            if (ketsim_trial_arm_in_period(sc, s[i].assign, p) != a)
                continue;
            int k = ketsim_trial_infusions_to_response(sc, d, &s[i], p);
            if (k < 0)
                continue;
            count[k]++;
            n++;
            if (k > 0)
                buf[nr++] = k;
        }
    const char *an = sc->arms[a].name;
    double med = NAN;
    ketsim_error e;
    if (nr > 0 && ketsim_stats_median(buf, nr, &med, &e) != KETSIM_OK)
        med = NAN;
    int rc = put(m, med, err, "%s.infusions_to_response_median", an);
    for (size_t k = 1; !rc && k <= n_sess; k++)
        rc = put(m, n ? (double)count[k] / (double)n : NAN, err, "%s.infusions_to_response_%zu", an, k);
    if (!rc)
        rc = put(m, n ? (double)count[0] / (double)n : NAN, err, "%s.infusions_to_response_none", an);
    return rc;
}

/* Response at the early visit as a test of response at the primary visit,
 * over the periods the arm was given with both ratings present. */
static int early_endpoints(const ketsim_trial_scenario *sc, const ketsim_trial_defs *d,
                           const ketsim_trial_subject_result *s, size_t a, ketsim_trial_metrics *m, ketsim_error *err)
{
    if (!sc->has_early_visit)
        return KETSIM_OK;
    size_t tab[2][2] = {{0, 0}, {0, 0}}; /* [test][outcome] */
    for (int i = 0; i < sc->n_subjects; i++)
        for (int p = 0; p < ketsim_trial_n_periods(sc); p++) {
            if (ketsim_trial_arm_in_period(sc, s[i].assign, p) != a)
                continue;
            int b = s[i].base_rated[p], re = s[i].madrs_rated[p][sc->early_visit],
                rp = s[i].madrs_rated[p][sc->primary_visit];
            if (b < 0 || re < 0 || rp < 0)
                continue;
            tab[is_responder(d, b, re)][is_responder(d, b, rp)]++;
        }
    ketsim_stats_diagnostic dg;
    ketsim_error e;
    if (ketsim_stats_diagnostic_2x2(tab[1][1], tab[1][0], tab[0][1], tab[0][0], KETSIM_STATS_LEVEL_DEFAULT, &dg, &e))
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "%s", e.msg);
    const struct { const char *name; const ketsim_stats_interval *v; } out[] = {
        {"sensitivity", &dg.sensitivity}, {"specificity", &dg.specificity}, {"ppv", &dg.ppv}, {"npv", &dg.npv}};
    const char *an = sc->arms[a].name, *vl = sc->visit_label[sc->early_visit];
    int rc = KETSIM_OK;
    for (size_t k = 0; !rc && k < sizeof out / sizeof out[0]; k++) {
        rc = put(m, out[k].v->estimate, err, "%s@%s.predicts_primary_%s", an, vl, out[k].name);
        if (!rc)
            rc = put(m, out[k].v->lo, err, "%s@%s.predicts_primary_%s_lo", an, vl, out[k].name);
        if (!rc)
            rc = put(m, out[k].v->hi, err, "%s@%s.predicts_primary_%s_hi", an, vl, out[k].name);
    }
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

/* Does rating r start (or continue) a relapse under the rule? */
static int relapse_rating(const ketsim_trial_defs *d, ketsim_trial_relapse_rule rule, int r, int base)
{
    if (rule == KETSIM_TRIAL_RELAPSE_ABSOLUTE)
        return r >= d->relapse_madrs_min - 1e-9;
    return r > d->relapse_fraction * base;
}

size_t ketsim_trial_relapse_times_rule(const ketsim_trial_scenario *sc, const ketsim_trial_defs *d0,
                                       const ketsim_trial_subject_result *s, size_t a, ketsim_trial_relapse_rule rule,
                                       double *tt, int *ev)
{
    ketsim_trial_defs dd = *d0;
    const ketsim_trial_defs *d = &dd;
    ketsim_trial_defs_scenario(sc, &dd);
    size_t nfu = ketsim_trial_n_followup(sc);
    int last = ketsim_trial_n_periods(sc) - 1;
    size_t n = 0;
    for (int i = 0; i < sc->n_subjects; i++) {
        if (ketsim_trial_arm_in_period(sc, s[i].assign, last) != a)
            continue;
        if (!is_responder(d, s[i].base_rated[last], s[i].madrs_rated[last][sc->primary_visit]))
            continue;
        double t_event = NAN, t_cens = 0;
        int run = 0;
        for (size_t k = 0; k < nfu; k++) {
            int r = s[i].fu_rated[k];
            if (r < 0)
                break;
            t_cens = ketsim_trial_followup_h(sc, k);
            run = relapse_rating(d, rule, r, s[i].base_rated[0]) ? run + 1 : 0;
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

size_t ketsim_trial_relapse_times(const ketsim_trial_scenario *sc, const ketsim_trial_defs *d, const ketsim_trial_subject_result *s,
                           size_t a, double *tt, int *ev)
{
    return ketsim_trial_relapse_times_rule(sc, d, s, a, KETSIM_TRIAL_RELAPSE_FRACTION, tt, ev);
}

/* Kaplan-Meier summaries of one rule's relapse times: the fraction that
 * relapsed during follow-up, the quartiles with their intervals, and the
 * fraction relapsed by each set time (1 - S). */
static int relapse_summary(const ketsim_trial_scenario *sc, const char *stem, const double *tt, const int *ev, size_t n,
                           ketsim_trial_metrics *m, ketsim_error *err)
{
    size_t relapsed = 0;
    for (size_t i = 0; i < n; i++)
        relapsed += (size_t)ev[i];
    ketsim_stats_km *km = NULL;
    ketsim_error e;
    if (n > 0 && ketsim_stats_km_fit(tt, ev, n, KETSIM_STATS_LEVEL_DEFAULT, &km, &e) != KETSIM_OK) {
        km = NULL;
        if (e.code == KETSIM_ENOMEM) /* not a curve that cannot be estimated */
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory for the relapse curve");
    }
    int rc = put(m, n ? (double)relapsed / (double)n : NAN, err, "%s_fraction", stem);
    static const struct { double p; const char *name; } qs[] = {{0.5, "median"}, {0.25, "q25"}, {0.75, "q75"}};
    for (size_t k = 0; !rc && k < sizeof qs / sizeof qs[0]; k++) {
        ketsim_stats_interval q = {NAN, NAN, NAN};
        if (km)
            ketsim_stats_km_quantile(km, qs[k].p, &q, &e);
        rc = put(m, q.estimate, err, "%s_%s_d", stem, qs[k].name);
        if (!rc)
            rc = put(m, q.lo, err, "%s_%s_lo_d", stem, qs[k].name);
        if (!rc)
            rc = put(m, q.hi, err, "%s_%s_hi_d", stem, qs[k].name);
    }
    for (size_t k = 0; !rc && k < ketsim_trial_n_relapse_by(sc); k++) {
        char label[16];
        double t_d = ketsim_trial_relapse_by_h(sc, k, label) / 24.0;
        ketsim_stats_interval b = {NAN, NAN, NAN};
        if (km)
            ketsim_stats_km_band_at(km, t_d, &b);
        /* relapsed by t: 1 - S(t), its interval the band turned over */
        rc = put(m, 1 - b.estimate, err, "%s_by_%s", stem, label);
        if (!rc)
            rc = put(m, 1 - b.hi, err, "%s_by_%s_lo", stem, label);
        if (!rc)
            rc = put(m, 1 - b.lo, err, "%s_by_%s_hi", stem, label);
    }
    ketsim_stats_km_free(km);
    return rc;
}

static int relapse(const ketsim_trial_scenario *sc, const ketsim_trial_defs *d, const ketsim_trial_subject_result *s,
                   size_t a, double *tt, int *ev, ketsim_trial_metrics *m, ketsim_error *err)
{
    const char *an = sc->arms[a].name;
    size_t n = ketsim_trial_relapse_times_rule(sc, d, s, a, KETSIM_TRIAL_RELAPSE_FRACTION, tt, ev);
    int rc = put(m, (double)n, err, "%s.relapse_responders", an);
    char stem[96];
    snprintf(stem, sizeof stem, "%s.relapse", an);
    if (!rc)
        rc = relapse_summary(sc, stem, tt, ev, n, m, err);
    n = ketsim_trial_relapse_times_rule(sc, d, s, a, KETSIM_TRIAL_RELAPSE_ABSOLUTE, tt, ev);
    snprintf(stem, sizeof stem, "%s.relapse_abs", an);
    if (!rc)
        rc = relapse_summary(sc, stem, tt, ev, n, m, err);
    return rc;
}

size_t ketsim_trial_count_failed(const ketsim_trial_scenario *sc, const ketsim_trial_subject_result *subj)
{
    size_t n = 0;
    for (int i = 0; i < sc->n_subjects; i++)
        n += (size_t)(subj[i].failed != 0);
    return n;
}

int ketsim_trial_endpoints(const ketsim_trial_scenario *sc, const ketsim_trial_defs *d0, const ketsim_trial_subject_result *s,
                    ketsim_trial_metrics *m, ketsim_error *err)
{
    ketsim_trial_defs dd = *d0;
    const ketsim_trial_defs *d = &dd;
    ketsim_trial_defs_scenario(sc, &dd);
    m->n = 0;
    size_t cap = 2 * (size_t)sc->n_subjects + 2;
    double *x = malloc(cap * sizeof *x), *y = malloc(cap * sizeof *y);
    int *ox = malloc(cap * sizeof *ox), *oy = malloc(cap * sizeof *oy);
    int rc = KETSIM_OK;
    if (!x || !y || !ox || !oy)
        rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory for endpoints");
    for (size_t a = 0; !rc && a < sc->n_arms; a++) {
        rc = arm_endpoints(sc, d, s, a, x, m, err);
        if (!rc)
            rc = infusion_endpoints(sc, d, s, a, x, m, err);
        if (!rc)
            rc = early_endpoints(sc, d, s, a, m, err);
    }
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

int ketsim_trial_metric_quantiles(const ketsim_trial_metrics *reps, size_t n_reps, const char *name, double *median,
                                  double *p5, double *p95, size_t *n_finite, ketsim_error *err)
{
    *median = *p5 = *p95 = NAN;
    *n_finite = 0;
    double *v = malloc((n_reps ? n_reps : 1) * sizeof *v);
    if (!v) /* not "no finite value": the caller would store a metric as never defined */
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory for the quantiles of '%s' over %zu replicates", name,
                           n_reps);
    size_t n = 0;
    for (size_t r = 0; r < n_reps; r++) {
        double x = ketsim_trial_metric(&reps[r], name);
        if (isfinite(x))
            v[n++] = x;
    }
    int rc = KETSIM_OK;
    if (n > 0) {
        const double probs[3] = {0.5, 0.05, 0.95};
        double q[3];
        rc = ketsim_stats_quantiles(v, n, probs, 3, q, err);
        if (!rc) {
            *median = q[0];
            *p5 = q[1];
            *p95 = q[2];
        }
    }
    free(v);
    *n_finite = n;
    return rc;
}

size_t ketsim_trial_metric_moments(const ketsim_trial_metrics *reps, size_t n_reps, const char *name, double *mean,
                                   double *sd)
{
    *mean = *sd = NAN;
    double sum = 0, ss = 0;
    size_t n = 0;
    /* two passes over the replicates keep the SD exact for large means */
    for (size_t r = 0; r < n_reps; r++) {
        double x = ketsim_trial_metric(&reps[r], name);
        if (isfinite(x)) {
            sum += x;
            n++;
        }
    }
    if (n == 0)
        return 0;
    *mean = sum / (double)n;
    for (size_t r = 0; r < n_reps; r++) {
        double x = ketsim_trial_metric(&reps[r], name);
        if (isfinite(x))
            ss += (x - *mean) * (x - *mean);
    }
    if (n > 1)
        *sd = sqrt(ss / (double)(n - 1));
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
