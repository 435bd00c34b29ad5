/* Outputs of ketsim trial: the per-subject long CSV, the summary JSON over
 * replicates and the printed table (docs/formats.md, docs/trial.md). */
#include "ketsim/formats.h"
#include "ketsim/stats.h"
#include "json_out.h"
#include "stream.h"
#include "trial_unc_out.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The scenario's own ETAs (none without `omega`: the columns are absent). */
static void put_etas(FILE *fp, const ketsim_trial_scenario *sc, const ketsim_trial_subject_result *r)
{
    for (size_t j = 0; j < sc->n_omega; j++)
        fprintf(fp, ",%.8g", r->eta[j]);
}

int ketsim_trial_write_subjects_csv(FILE *fp, const ketsim_trial_scenario *sc, const ketsim_trial_defs *d,
                                    const ketsim_trial_subject_result *s, int replicate, ketsim_error *err)
{
    if (replicate == 0) {
        fputs("replicate,subject,assignment,period,arm,visit,time_h,time_in_period_h,weight_kg,age_y,female,"
              "bdnf_met,cyp2b6_pm,dropout_index,madrs_true,madrs_rated,cadss_peak,sbp_peak_mmhg,dbp_peak_mmhg,"
              "hr_peak_bpm,infusions_to_response",
              fp);
        for (size_t j = 0; j < sc->n_omega; j++) {
            fputs(",", fp);
            char col[96];
            snprintf(col, sizeof col, "eta_%s", sc->omega_name[j]);
            ketsim_csv_field(fp, col);
        }
        fputc('\n', fp);
    }
    for (int i = 0; i < sc->n_subjects; i++) {
        const ketsim_trial_subject_result *r = &s[i];
        if (r->failed)
            continue; /* skipped after a solver failure: nothing was rated */
        for (int p = 0; p < ketsim_trial_n_periods(sc); p++) {
            const ketsim_trial_arm *arm = &sc->arms[ketsim_trial_arm_in_period(sc, r->assign, p)];
            double st = ketsim_trial_period_start_h(sc, p);
            int itr = ketsim_trial_infusions_to_response(sc, d, r, p);
            for (int k = -1; k < (int)sc->n_visits; k++) {
                double t = k < 0 ? 0 : sc->visit_h[k];
                double tr = k < 0 ? r->base_true[p] : r->madrs_true[p][k];
                int ra = k < 0 ? r->base_rated[p] : r->madrs_rated[p][k];
                fprintf(fp, "%d,%d,%d,%d,", replicate, i, r->assign, p + 1);
                ketsim_csv_field(fp, arm->name);
                fputc(',', fp);
                ketsim_csv_field(fp, k < 0 ? "baseline" : sc->visit_label[k]);
                fprintf(fp, ",%.6g,%.6g,%.4g,%.4g,%d,%d,%d,%d,", st + t, t, r->weight_kg, r->age_y, r->female,
                        r->bdnf_met, r->cyp2b6_pm, r->dropout_index);
                fprintf(fp, "%.6g,", tr);
                if (ra >= 0)
                    fprintf(fp, "%d", ra);
                fprintf(fp, ",%.6g,%.6g,%.6g,%.6g,", k < 0 ? 0.0 : r->cadss_peak[p], k < 0 ? 0.0 : r->sbp_peak[p],
                        k < 0 ? 0.0 : r->dbp_peak[p], k < 0 ? 0.0 : r->hr_peak[p]);
                if (itr > 0)
                    fprintf(fp, "%d", itr);
                put_etas(fp, sc, r);
                fputc('\n', fp);
            }
        }
        int last = ketsim_trial_n_periods(sc) - 1;
        const ketsim_trial_arm *arm = &sc->arms[ketsim_trial_arm_in_period(sc, r->assign, last)];
        double ld = ketsim_trial_period_start_h(sc, last) + ketsim_trial_last_session_h(sc);
        for (size_t k = 0; k < ketsim_trial_n_followup(sc); k++) {
            double t = ld + ketsim_trial_followup_h(sc, k);
            fprintf(fp, "%d,%d,%d,followup,", replicate, i, r->assign);
            ketsim_csv_field(fp, arm->name);
            fprintf(fp, ",fu%zu,%.6g,%.6g,%.4g,%.4g,%d,%d,%d,%d,%.6g,", k + 1, t,
                    t - ketsim_trial_period_start_h(sc, last), r->weight_kg, r->age_y, r->female, r->bdnf_met,
                    r->cyp2b6_pm, r->dropout_index, r->fu_true[k]);
            if (r->fu_rated[k] >= 0)
                fprintf(fp, "%d", r->fu_rated[k]);
            fprintf(fp, ",,,,,");
            put_etas(fp, sc, r);
            fputc('\n', fp);
        }
    }
    return formats_stream_status(fp, "the trial subjects CSV", err);
}

/* ---- metrics over replicates, by position ----------------------------------
 * Every replicate of a scenario lists the same endpoints in the same order,
 * so a metric is found once in replicate 0 and then read by position: a
 * lookup by name per replicate and metric would cost replicates x metrics^2
 * string comparisons (hours at 100000 replicates).  A replicate whose table
 * differs at that position falls back to the lookup by name. */

static long metric_index(const ketsim_trial_metrics *m0, const char *name)
{
    for (size_t i = 0; i < m0->n; i++)
        if (strcmp(m0->name[i], name) == 0)
            return (long)i;
    return -1;
}

static double value_at(const ketsim_trial_metrics *reps, size_t r, size_t i)
{
    const ketsim_trial_metrics *m = &reps[r];
    if (i < m->n && (m->name == reps[0].name || strcmp(m->name[i], reps[0].name[i]) == 0))
        return m->value[i];
    return ketsim_trial_metric(m, reps[0].name[i]);
}

/* Median, 5th and 95th percentiles of metric i over the replicates (finite
 * values only); returns how many were finite.  idx < 0: none.  Out of
 * memory sets *bad: a missing value must not be printed as "never
 * defined". */
static size_t quantiles_at(const ketsim_trial_metrics *reps, size_t n_reps, long idx, double *med, double *p5,
                           double *p95, int *bad)
{
    *med = *p5 = *p95 = NAN;
    if (idx < 0)
        return 0;
    double *v = malloc((n_reps ? n_reps : 1) * sizeof *v);
    if (!v) {
        *bad = 1;
        return 0;
    }
    size_t n = 0;
    for (size_t r = 0; r < n_reps; r++) {
        double x = value_at(reps, r, (size_t)idx);
        if (isfinite(x))
            v[n++] = x;
    }
    if (n > 0) {
        const double probs[3] = {0.5, 0.05, 0.95};
        double q[3];
        ketsim_error e;
        if (ketsim_stats_quantiles(v, n, probs, 3, q, &e) == KETSIM_OK)
            *med = q[0], *p5 = q[1], *p95 = q[2];
        else if (e.code == KETSIM_ENOMEM)
            *bad = 1;
    }
    free(v);
    return n;
}

/* Mean and SD (n - 1) of metric i over the replicates, finite values only,
 * in two passes as ketsim_trial_metric_moments does (the same numbers). */
static void moments_at(const ketsim_trial_metrics *reps, size_t n_reps, long idx, double *mean, double *sd)
{
    *mean = *sd = NAN;
    double sum = 0, ss = 0;
    size_t n = 0;
    for (size_t r = 0; idx >= 0 && r < n_reps; r++) {
        double x = value_at(reps, r, (size_t)idx);
        if (isfinite(x)) {
            sum += x;
            n++;
        }
    }
    if (n == 0)
        return;
    *mean = sum / (double)n;
    for (size_t r = 0; r < n_reps; r++) {
        double x = value_at(reps, r, (size_t)idx);
        if (isfinite(x))
            ss += (x - *mean) * (x - *mean);
    }
    if (n > 1)
        *sd = sqrt(ss / (double)(n - 1));
}

/* Fraction of replicates whose p value (metric idx) is below alpha; NaN
 * counts as not significant. */
static size_t significant_at(const ketsim_trial_metrics *reps, size_t n_reps, long idx, double alpha)
{
    size_t k = 0;
    for (size_t r = 0; idx >= 0 && r < n_reps; r++)
        k += (size_t)(value_at(reps, r, (size_t)idx) < alpha);
    return k;
}

static double total_failed(const ketsim_trial_metrics *reps, size_t n_reps)
{
    long idx = metric_index(&reps[0], "failed_subjects");
    double failed = 0;
    for (size_t r = 0; idx >= 0 && r < n_reps; r++) {
        double f = value_at(reps, r, (size_t)idx);
        failed += isfinite(f) ? f : 0;
    }
    return failed;
}

static const char *control_name(ketsim_trial_control c)
{
    return c == KETSIM_TRIAL_SALINE ? "saline" : c == KETSIM_TRIAL_MIDAZOLAM ? "midazolam" : "none";
}

/* A metric named TEST.p or TEST_p is a p value; its power is reported. */
static int is_p_metric(const char *name, size_t *stem)
{
    size_t len = strlen(name);
    if (len < 2 || (strcmp(name + len - 2, ".p") != 0 && strcmp(name + len - 2, "_p") != 0))
        return 0;
    *stem = len - 2;
    return 1;
}

/* The rules the endpoints were computed with, and the interval methods. */
static void put_definitions(json_t *root, const ketsim_trial_scenario *sc, const ketsim_trial_defs *d0, int *bad)
{
    ketsim_trial_defs d = *d0;
    ketsim_trial_defs_scenario(sc, &d);
    json_t *jd = fj_set_object(root, "definitions", bad);
    fj_set_num(jd, "response_fraction", d.response_fraction, bad);
    fj_set_num(jd, "remission_max", d.remission_max, bad);
    fj_set_num(jd, "relapse_fraction", d.relapse_fraction, bad);
    fj_set_num(jd, "relapse_madrs_min", d.relapse_madrs_min, bad);
    fj_set_int(jd, "relapse_consecutive", d.relapse_consecutive, bad);
    json_t *by = fj_set_array(jd, "relapse_by_d", bad);
    for (size_t k = 0; k < ketsim_trial_n_relapse_by(sc); k++) {
        char label[16];
        fj_push_num(by, ketsim_trial_relapse_by_h(sc, k, label) / 24.0, bad);
    }
    if (sc->has_early_visit)
        fj_set_str(jd, "early_visit", sc->visit_label[sc->early_visit], bad);
    else
        fj_set(jd, "early_visit", json_null(), bad);
    fj_set_num(jd, "alpha", d.alpha, bad);
    fj_set_str(jd, "proportion_interval", "Wilson score, 95%", bad);
    fj_set_str(jd, "km_quantile_interval", "Brookmeyer-Crowley on the log-log survival scale, 95%", bad);
    fj_set_str(jd, "km_survival_interval", "pointwise log-log (Greenwood variance), 95%", bad);
}

int ketsim_trial_write_summary_json(FILE *fp, const ketsim_trial_scenario *sc, const ketsim_trial_defs *d,
                                    const ketsim_trial_run_opts *o, const ketsim_trial_metrics *reps, size_t n_reps,
                                    ketsim_error *err)
{
    if (n_reps == 0)
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "no replicates to summarize");
    int bad = 0;
    json_t *root = fj_root(&bad);
    fj_set_str(root, "schema", "ketsim-trial-summary/1", &bad);
    fj_set_str(root, "scenario", sc->name, &bad);
    /* the scenario's own words, so a summary says what was run */
    fj_set_str(root, "description", sc->description, &bad);
    fj_set_str(root, "source", sc->source, &bad);
    fj_set_str(root, "design", sc->design == KETSIM_TRIAL_CROSSOVER ? "crossover" : "parallel", &bad);
    fj_set_int(root, "subjects", sc->n_subjects, &bad);
    fj_set(root, "seed", fj_uint(o->seed), &bad);
    fj_set_int(root, "replicates", o->replicates, &bad);
    double failed = total_failed(reps, n_reps);
    fj_set_str(root, "on_failure", o->skip_failures ? "skip" : "stop", &bad);
    fj_set_int(root, "failed_subjects", llround(failed), &bad);

    json_t *arms = fj_set_array(root, "arms", &bad);
    for (size_t a = 0; a < sc->n_arms; a++) {
        const ketsim_trial_arm *arm = &sc->arms[a];
        json_t *ja = fj_push_object(arms, &bad);
        fj_set_str(ja, "name", arm->name, &bad);
        fj_set_str(ja, "control", control_name(arm->control), &bad);
        fj_set_str(ja, "dose", arm->control == KETSIM_TRIAL_ACTIVE ? arm->dose_text : "", &bad);
        json_t *dh = fj_set_array(ja, "doses_h", &bad);
        for (size_t i = 0; i < ketsim_trial_arm_n_sessions(sc, arm); i++)
            fj_push_num(dh, ketsim_trial_arm_session_h(sc, arm, i), &bad);
    }
    json_t *doses = fj_set_array(root, "doses_h", &bad);
    for (size_t i = 0; i < sc->n_doses; i++)
        fj_push_num(doses, sc->dose_h[i], &bad);
    json_t *visits = fj_set_array(root, "visits", &bad);
    for (size_t k = 0; k < sc->n_visits; k++) {
        json_t *jv = fj_push_object(visits, &bad);
        fj_set_str(jv, "label", sc->visit_label[k], &bad);
        fj_set_num(jv, "h", sc->visit_h[k], &bad);
    }
    fj_set_str(root, "primary_visit", sc->visit_label[sc->primary_visit], &bad);
    put_definitions(root, sc, d, &bad);
    trial_out_rep_params(root, sc, o, &bad);

    const ketsim_trial_metrics *m0 = &reps[0];
    json_t *metrics = fj_set_array(root, "metrics", &bad);
    for (size_t i = 0; i < m0->n && !bad; i++) {
        double med, p5, p95, mean, sd;
        size_t n = quantiles_at(reps, n_reps, (long)i, &med, &p5, &p95, &bad);
        moments_at(reps, n_reps, (long)i, &mean, &sd);
        json_t *jm = fj_push_object(metrics, &bad);
        fj_set_str(jm, "name", m0->name[i], &bad);
        fj_set_num(jm, "median", med, &bad);
        fj_set_num(jm, "p5", p5, &bad);
        fj_set_num(jm, "p95", p95, &bad);
        fj_set_num(jm, "mean", mean, &bad);
        fj_set_num(jm, "sd", sd, &bad);
        fj_set_int(jm, "defined", (long long)n, &bad);
    }
    json_t *power = fj_set_array(root, "power", &bad);
    double alpha = o->alpha > 0 ? o->alpha : 0.05;
    for (size_t i = 0; i < m0->n && !bad; i++) {
        size_t stem;
        if (!is_p_metric(m0->name[i], &stem))
            continue;
        size_t k = significant_at(reps, n_reps, (long)i, alpha);
        ketsim_stats_interval w = {NAN, NAN, NAN};
        ketsim_error e;
        ketsim_stats_wilson(k, n_reps, KETSIM_STATS_LEVEL_DEFAULT, &w, &e);
        char test[80];
        snprintf(test, sizeof test, "%.*s", (int)stem, m0->name[i]);
        json_t *jp = fj_push_object(power, &bad);
        fj_set_str(jp, "test", test, &bad);
        fj_set_num(jp, "alpha", alpha, &bad);
        fj_set_num(jp, "power", w.estimate, &bad);
        fj_set_num(jp, "lo", w.lo, &bad);
        fj_set_num(jp, "hi", w.hi, &bad);
    }
    return fj_dump(root, bad, fp, err);
}

/* "median [p5, p95]" of a metric over replicates (the median alone for one
 * replicate, "-" when it is never defined). */
static void cell(char *buf, size_t size, const ketsim_trial_metrics *reps, size_t n_reps, const char *name,
                 double scale, const char *fmt, int *bad)
{
    double med, p5, p95;
    size_t n = quantiles_at(reps, n_reps, metric_index(&reps[0], name), &med, &p5, &p95, bad);
    if (n == 0) {
        snprintf(buf, size, "-");
        return;
    }
    char a[24], b[24], c[24];
    snprintf(a, sizeof a, fmt, med * scale);
    snprintf(b, sizeof b, fmt, p5 * scale);
    snprintf(c, sizeof c, fmt, p95 * scale);
    if (n_reps == 1)
        snprintf(buf, size, "%s", a);
    else
        snprintf(buf, size, "%s [%s, %s]", a, b, c);
}

/* Per-visit tests of one comparison (its metrics are CMP@VISIT.X). */
static void print_comparison(FILE *fp, const ketsim_trial_scenario *sc, const ketsim_trial_run_opts *o,
                             const ketsim_trial_metrics *reps, size_t nr, const char *cmp, int *bad)
{
    char n1[128], c1[128], c2[128];
    fprintf(fp, "\n%s (%s test per visit):\n%-8s %-22s %-22s %-10s\n", cmp,
            sc->design == KETSIM_TRIAL_CROSSOVER ? "paired t" : "Welch t", "visit", "difference", "Cohen d", "power");
    for (size_t k = 0; k < sc->n_visits; k++) {
        snprintf(n1, sizeof n1, "%s@%s.diff", cmp, sc->visit_label[k]);
        cell(c1, sizeof c1, reps, nr, n1, 1, "%.1f", bad);
        snprintf(n1, sizeof n1, "%s@%s.d", cmp, sc->visit_label[k]);
        cell(c2, sizeof c2, reps, nr, n1, 1, "%.2f", bad);
        snprintf(n1, sizeof n1, "%s@%s.p", cmp, sc->visit_label[k]);
        fprintf(fp, "%-8s %-22s %-22s %.2f\n", sc->visit_label[k], c1, c2,
                (double)significant_at(reps, nr, metric_index(&reps[0], n1), o->alpha) / (double)nr);
    }
    const char *what[3] = {"onset_h", "peak_h", "duration_h"};
    for (int w = 0; w < 3; w++) {
        snprintf(n1, sizeof n1, "%s.%s", cmp, what[w]);
        double med, p5, p95;
        size_t n = quantiles_at(reps, nr, metric_index(&reps[0], n1), &med, &p5, &p95, bad);
        if (n)
            fprintf(fp, "%-11s %.3g h [%.3g, %.3g] (defined in %zu of %zu replicates)\n", what[w], med, p5, p95, n,
                    nr);
        else
            fprintf(fp, "%-11s - (never significant)\n", what[w]);
    }
}

/* Sessions to the first response (arms with a repeated course). */
static void print_infusions(FILE *fp, const ketsim_trial_scenario *sc, const ketsim_trial_metrics *reps, size_t nr,
                            size_t a, int *bad)
{
    size_t n_sess = ketsim_trial_arm_n_sessions(sc, &sc->arms[a]);
    if (n_sess < 2)
        return;
    const char *an = sc->arms[a].name;
    char n1[128], c1[128];
    snprintf(n1, sizeof n1, "%s.infusions_to_response_median", an);
    cell(c1, sizeof c1, reps, nr, n1, 1, "%.1f", bad);
    fprintf(fp, "\nsessions to the first response (%s, %zu sessions): median among responders %s\n  share %%%s:",
            an, n_sess, c1, nr > 1 ? " (mean over replicates)" : "");
    /* means, so that the shares of one line add up to 100 */
    for (size_t k = 1; k <= n_sess + 1; k++) {
        if (k <= n_sess)
            snprintf(n1, sizeof n1, "%s.infusions_to_response_%zu", an, k);
        else
            snprintf(n1, sizeof n1, "%s.infusions_to_response_none", an);
        double mean, sd;
        size_t n = ketsim_trial_metric_moments(reps, nr, n1, &mean, &sd);
        if (k <= n_sess)
            fprintf(fp, "%s %zu: ", k > 1 ? "," : "", k);
        else
            fprintf(fp, ", none: ");
        if (n)
            fprintf(fp, "%.0f", 100 * mean);
        else
            fputc('-', fp);
    }
    fputc('\n', fp);
}

/* Response at the early visit as a test of response at the primary visit. */
static void print_early(FILE *fp, const ketsim_trial_scenario *sc, const ketsim_trial_metrics *reps, size_t nr,
                        size_t a, int *bad)
{
    const char *an = sc->arms[a].name, *ev = sc->visit_label[sc->early_visit];
    static const char *const what[4] = {"sensitivity", "specificity", "ppv", "npv"};
    static const char *const label[4] = {"sensitivity %", "specificity %", "PPV %", "NPV %"};
    fprintf(fp, "\nresponse at %s as a test of response at %s (%s):\n", ev, sc->visit_label[sc->primary_visit], an);
    for (int w = 0; w < 4; w++) {
        char n1[128], c1[128];
        snprintf(n1, sizeof n1, "%s@%s.predicts_primary_%s", an, ev, what[w]);
        cell(c1, sizeof c1, reps, nr, n1, 100, "%.0f", bad);
        fprintf(fp, "  %-24s %s\n", label[w], c1);
    }
}

/* One relapse cell: over replicates, median [5th, 95th pct] of the
 * estimate; of a single trial, the estimate with its own 95% interval
 * (metrics NAME_lo, NAME_hi, or NAME_lo_d, NAME_hi_d for times). */
static void relapse_cell(char *buf, size_t size, const ketsim_trial_metrics *reps, size_t nr, const char *stem,
                         const char *what, double scale, const char *fmt, int *bad)
{
    char name[128];
    size_t len = strlen(what);
    int days = len > 2 && strcmp(what + len - 2, "_d") == 0;
    snprintf(name, sizeof name, "%s_%s", stem, what);
    cell(buf, size, reps, nr, name, scale, fmt, bad);
    if (nr != 1 || strcmp(what, "fraction") == 0 || strcmp(buf, "-") == 0)
        return;
    char lo[24] = "-", hi[24] = "-";
    double v[2];
    for (int k = 0; k < 2; k++) {
        snprintf(name, sizeof name, "%s_%.*s_%s%s", stem, (int)(days ? len - 2 : len), what, k ? "hi" : "lo",
                 days ? "_d" : "");
        v[k] = ketsim_trial_metric(&reps[0], name);
        if (isfinite(v[k]))
            snprintf(k ? hi : lo, 24, fmt, v[k] * scale);
    }
    size_t used = strlen(buf);
    snprintf(buf + used, size - used, " (%s, %s)", lo, hi);
}

/* Relapse after the last dose by both rules: share relapsed, Kaplan-Meier
 * quartiles, and the share relapsed by the set times. */
static void print_relapse(FILE *fp, const ketsim_trial_scenario *sc, const ketsim_trial_defs *d0,
                          const ketsim_trial_metrics *reps, size_t nr, size_t a, int *bad)
{
    ketsim_trial_defs d = *d0;
    ketsim_trial_defs_scenario(sc, &d);
    const char *an = sc->arms[a].name;
    char n1[128], c1[128], c2[128], h1[64], h2[64], fr[96], ab[96];
    snprintf(n1, sizeof n1, "%s.relapse_responders", an);
    cell(c1, sizeof c1, reps, nr, n1, 1, "%.0f", bad);
    fprintf(fp, "\nrelapse after the last dose (%s responders at %s): responders %s; %d rating%s in a row\n", an,
            sc->visit_label[sc->primary_visit], c1, d.relapse_consecutive, d.relapse_consecutive == 1 ? "" : "s");
    snprintf(h1, sizeof h1, "MADRS > %g%% of baseline", 100 * d.relapse_fraction);
    snprintf(h2, sizeof h2, "MADRS >= %g", d.relapse_madrs_min);
    snprintf(fr, sizeof fr, "%s.relapse", an);
    snprintf(ab, sizeof ab, "%s.relapse_abs", an);
    fprintf(fp, "  %-24s %-24s %-24s\n", "", h1, h2);
    const char *rows[4][2] = {{"fraction", "relapsed %"}, {"q25_d", "25th percentile (d)"},
                              {"median_d", "median (d)"}, {"q75_d", "75th percentile (d)"}};
    for (int r = 0; r < 4; r++) {
        double scale = r == 0 ? 100 : 1;
        const char *fmt = r == 0 ? "%.0f" : "%.1f";
        relapse_cell(c1, sizeof c1, reps, nr, fr, rows[r][0], scale, fmt, bad);
        relapse_cell(c2, sizeof c2, reps, nr, ab, rows[r][0], scale, fmt, bad);
        fprintf(fp, "  %-24s %-24s %-24s\n", rows[r][1], c1, c2);
    }
    for (size_t k = 0; k < ketsim_trial_n_relapse_by(sc); k++) {
        char label[16], row[40], what[24];
        ketsim_trial_relapse_by_h(sc, k, label);
        snprintf(what, sizeof what, "by_%s", label);
        relapse_cell(c1, sizeof c1, reps, nr, fr, what, 100, "%.0f", bad);
        relapse_cell(c2, sizeof c2, reps, nr, ab, what, 100, "%.0f", bad);
        snprintf(row, sizeof row, "relapsed by %s %%", label);
        fprintf(fp, "  %-24s %-24s %-24s\n", row, c1, c2);
    }
    if (nr == 1)
        fprintf(fp, "  (Kaplan-Meier; in parentheses the 95%% intervals: Brookmeyer-Crowley for the quartiles, "
                    "log-log for the shares)\n");
    else
        fprintf(fp, "  (Kaplan-Meier; each trial's 95%% intervals, Brookmeyer-Crowley for the quartiles, are in "
                    "the summary JSON)\n");
}

int ketsim_trial_print_table(FILE *fp, const ketsim_trial_scenario *sc, const ketsim_trial_defs *d,
                             const ketsim_trial_run_opts *o, const ketsim_trial_metrics *reps, size_t nr,
                             ketsim_error *err)
{
    if (nr == 0)
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "no replicates to print");
    fprintf(fp, "%s: %s\n", sc->name, sc->description);
    fprintf(fp, "%s, %d subjects, seed %llu, %d replicate trial%s; values: median [5th, 95th pct] over replicates\n",
            sc->design == KETSIM_TRIAL_CROSSOVER ? "crossover" : "parallel", sc->n_subjects,
            (unsigned long long)o->seed, o->replicates, nr == 1 ? "" : "s");
    fprintf(fp, "\n%-8s %-12s %-22s %-22s %-22s\n", "visit", "arm", "MADRS change", "response %", "remission %");
    char n1[128], c1[128], c2[128], c3[128];
    int nomem = 0, *bad = &nomem;
    for (size_t k = 0; k < sc->n_visits; k++)
        for (size_t a = 0; a < sc->n_arms; a++) {
            const char *an = sc->arms[a].name, *vl = sc->visit_label[k];
            snprintf(n1, sizeof n1, "%s@%s.change_mean", an, vl);
            cell(c1, sizeof c1, reps, nr, n1, 1, "%.1f", bad);
            snprintf(n1, sizeof n1, "%s@%s.response", an, vl);
            cell(c2, sizeof c2, reps, nr, n1, 100, "%.0f", bad);
            snprintf(n1, sizeof n1, "%s@%s.remission", an, vl);
            cell(c3, sizeof c3, reps, nr, n1, 100, "%.0f", bad);
            fprintf(fp, "%-8s %-12s %-22s %-22s %-22s%s\n", a ? "" : vl, an, c1, c2, c3,
                    k == sc->primary_visit && a == 0 ? "  (primary)" : "");
        }
    fprintf(fp, "\n%-12s %-22s %-22s %-22s %-22s\n", "arm", "CADSS peak", "SBP rise peak mmHg",
            "DBP rise peak mmHg", "HR rise peak bpm");
    for (size_t a = 0; a < sc->n_arms; a++) {
        char c4[128];
        snprintf(n1, sizeof n1, "%s.cadss_peak_mean", sc->arms[a].name);
        cell(c1, sizeof c1, reps, nr, n1, 1, "%.1f", bad);
        snprintf(n1, sizeof n1, "%s.sbp_peak_mean", sc->arms[a].name);
        cell(c2, sizeof c2, reps, nr, n1, 1, "%.1f", bad);
        snprintf(n1, sizeof n1, "%s.dbp_peak_mean", sc->arms[a].name);
        cell(c3, sizeof c3, reps, nr, n1, 1, "%.1f", bad);
        snprintf(n1, sizeof n1, "%s.hr_peak_mean", sc->arms[a].name);
        cell(c4, sizeof c4, reps, nr, n1, 1, "%.1f", bad);
        fprintf(fp, "%-12s %-22s %-22s %-22s %-22s\n", sc->arms[a].name, c1, c2, c3, c4);
    }
    double failed = total_failed(reps, nr);
    if (failed > 0 || o->skip_failures)
        fprintf(fp, "\nfailed subjects (solver, skipped and excluded from endpoints): %.0f of %.0f\n", failed,
                (double)sc->n_subjects * (double)nr);
    /* every comparison has an onset metric; its name gives the comparison */
    const ketsim_trial_metrics *m0 = &reps[0];
    for (size_t i = 0; i < m0->n; i++) {
        const char *nm = m0->name[i];
        const char *dot = strrchr(nm, '.');
        if (!dot || strcmp(dot, ".onset_h") != 0)
            continue;
        char cmp[96];
        snprintf(cmp, sizeof cmp, "%.*s", (int)(dot - nm), nm);
        print_comparison(fp, sc, o, reps, nr, cmp, bad);
    }
    for (size_t a = 0; a < sc->n_arms; a++)
        print_infusions(fp, sc, reps, nr, a, bad);
    for (size_t a = 0; a < sc->n_arms && sc->has_early_visit; a++)
        print_early(fp, sc, reps, nr, a, bad);
    for (size_t a = 0; a < sc->n_arms && ketsim_trial_n_followup(sc) > 0; a++)
        if (sc->arms[a].control == KETSIM_TRIAL_ACTIVE)
            print_relapse(fp, sc, d, reps, nr, a, bad);
    if (nomem)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory while printing the trial table");
    return formats_stream_status(fp, "the trial table", err);
}
