/* Targets' statistics: parsing the statistic column, and the statistics of
 * one simulated subject (value at a time, max/min over a window, time of
 * max/min, difference, ratio, fold over vehicle, ratio of areas under the
 * curve, half-life). */
#include "target_impl.h"
#include "ketsim/catalog.h"
#include "ketsim/model.h"
#include "ketsim/regimen.h"
#include "ketsim/subject.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DOSES 16
#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

static int fail(const val_target *t, ketsim_error *err, const char *why)
{
    return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%ld: column 'statistic': %s", t->spec.file, t->spec.line, why);
}

/* Split s on ':' in place into at most max parts. */
static int split(char *s, char **parts, int max)
{
    int n = 0;
    for (char *tok = strtok(s, ":"); tok && n < max; tok = strtok(NULL, ":"))
        parts[n++] = tok;
    return strtok(NULL, ":") ? max + 1 : n;
}

/* trial:SCENARIO:METRIC:QUANTILE:REPLICATES[:MIN_FRACTION], e.g.
 * trial:zarate2006:ketamine@1d.response:median:100 (metric names as in the
 * trial summary JSON).  A trial statistic counts only when the endpoint is
 * defined in at least MIN_FRACTION of the replicates (default 0.8). */
static int parse_trial(val_target *t, char **parts, int n, ketsim_error *err)
{
    char *end = NULL;
    long reps = n >= 5 ? strtol(parts[4], &end, 10) : 0;
    if (n < 5 || n > 6 || !end || *end || reps < 1 || reps > 1000)
        return fail(t, err, "'trial' takes SCENARIO:METRIC:median|p5|p95|mean|sd:REPLICATES[:MIN_FRACTION]");
    t->kind = ST_TRIAL;
    COPY(t->scenario, parts[1]);
    COPY(t->metric, parts[2]);
    COPY(t->quantile, parts[3]);
    static const char *const q[] = {"median", "p5", "p95", "mean", "sd"};
    int known = 0;
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
        known |= strcmp(t->quantile, q[i]) == 0;
    if (!known)
        return fail(t, err, "'trial' quantile must be median, p5, p95, mean or sd");
    t->replicates = (int)reps;
    t->min_fraction = 0.8;
    if (n == 6 && (ketsim_number_parse(parts[5], &t->min_fraction) || !(t->min_fraction > 0 && t->min_fraction <= 1)))
        return fail(t, err, "'trial' minimum fraction must be in (0, 1]");
    return KETSIM_OK;
}

/* targets:diff:A:B, targets:ratio:A:B, targets:order:A:B[:C...]. */
static int parse_targets(val_target *t, char **parts, int n, ketsim_error *err)
{
    static const struct { const char *name; val_derived_kind k; } kinds[] = {
        {"diff", TG_DIFF}, {"ratio", TG_RATIO}, {"order", TG_ORDER}};
    int found = 0;
    for (size_t i = 0; n > 1 && i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(parts[1], kinds[i].name) == 0) {
            t->tg = kinds[i].k;
            found = 1;
        }
    if (!found)
        return fail(t, err, "'targets' takes diff:A:B, ratio:A:B or order:A:B[:C...]");
    size_t nref = (size_t)(n - 2);
    if ((t->tg != TG_ORDER && nref != 2) || nref < 2 || nref > VAL_MAX_REFS)
        return fail(t, err, "'targets' needs two target ids (order: 2 to 8)");
    t->kind = ST_TARGETS;
    t->n_ref = nref;
    for (size_t k = 0; k < nref; k++) {
        if (strcmp(parts[2 + k], t->spec.id) == 0)
            return fail(t, err, "a target cannot refer to itself");
        COPY(t->ref_id[k], parts[2 + k]);
    }
    return KETSIM_OK;
}

/* STAT:OUTPUT[:OUTPUT2]:TIME[:TIME2], e.g. max:cadss:0h:6h, ratio:a:b:40min,
 * auc_ratio:a:b:0h:2d. */
static int parse_subject(val_target *t, char **parts, int n, ketsim_error *err)
{
    static const struct { const char *name; val_stat_kind k; int n_out, n_times; } kinds[] = {
        {"at", ST_AT, 1, 1}, {"max", ST_MAX, 1, 2}, {"min", ST_MIN, 1, 2}, {"tmax", ST_TMAX, 1, 2},
        {"tmin", ST_TMIN, 1, 2}, {"diff", ST_DIFF, 1, 2}, {"ratio", ST_RATIO, 2, 1}, {"fold", ST_FOLD, 1, 1},
        {"auc_ratio", ST_AUC_RATIO, 2, 2}, {"halflife", ST_HALFLIFE, 1, 2},
    };
    char why[400];
    for (size_t i = 0; n > 0 && i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strcmp(parts[0], kinds[i].name) != 0)
            continue;
        if (n != 1 + kinds[i].n_out + kinds[i].n_times) {
            snprintf(why, sizeof why, "'%s' takes %d output(s) and %d time(s)", kinds[i].name, kinds[i].n_out,
                     kinds[i].n_times);
            return fail(t, err, why);
        }
        t->kind = kinds[i].k;
        t->out_a = ketsim_output_index(parts[1]);
        t->out_b = kinds[i].n_out == 2 ? ketsim_output_index(parts[2]) : 0;
        if (t->out_a <= 0 || t->out_b < 0) {
            snprintf(why, sizeof why, "unknown output in '%s' (see ketsim outputs)", t->spec.statistic);
            return fail(t, err, why);
        }
        int ti = 1 + kinds[i].n_out;
        ketsim_error e;
        if (ketsim_duration_parse(parts[ti], &t->t0, &e) ||
            (kinds[i].n_times == 2 && ketsim_duration_parse(parts[ti + 1], &t->t1, &e)))
            return fail(t, err, "bad time (use units: 40min, 2h, 14d)");
        if (kinds[i].n_times == 1)
            t->t1 = t->t0;
        if (t->t1 > t->spec.until_h || t->t0 > t->t1 || t->t0 < 0)
            return fail(t, err, "times must be ordered and within 'until'");
        return KETSIM_OK;
    }
    return fail(t, err,
                "unknown statistic (at, max, min, tmax, tmin, diff, ratio, fold, auc_ratio, halflife, trial, targets)");
}

int val_target_parse(val_target *t, ketsim_error *err)
{
    char buf[sizeof t->spec.statistic], *parts[VAL_MAX_REFS + 3];
    COPY(buf, t->spec.statistic);
    int n = split(buf, parts, VAL_MAX_REFS + 2);
    if (n > VAL_MAX_REFS + 2 || n == 0)
        return fail(t, err, "too many or no parts");
    if (strcmp(parts[0], "trial") == 0)
        return parse_trial(t, parts, n, err);
    if (strcmp(parts[0], "targets") == 0)
        return parse_targets(t, parts, n, err);
    if (!(t->spec.until_h > 0))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%ld: column 'until': a positive duration is needed", t->spec.file,
                           t->spec.line);
    return parse_subject(t, parts, n, err);
}

static int in_window(double time, double t0, double t1) { return time >= t0 - 1e-9 && time <= t1 + 1e-9; }

/* Area under one output over [t0, t1] by the trapezoid rule on the grid. */
static double auc(const ketsim_trajectory *tr, size_t out, double t0, double t1)
{
    double a = 0.0;
    for (size_t i = 1; i < ketsim_traj_n_times(tr); i++) {
        double ta = ketsim_traj_time(tr, i - 1), tb = ketsim_traj_time(tr, i);
        if (in_window(ta, t0, t1) && in_window(tb, t0, t1))
            a += (tb - ta) * (ketsim_traj_output(tr, i - 1, out) + ketsim_traj_output(tr, i, out)) / 2;
    }
    return a;
}

/* Half-life ln 2 / k of the least-squares line through ln(output) over the
 * grid points of [t0, t1], as a noncompartmental analysis reads a terminal
 * phase; infinite when the output does not fall, NaN with fewer than two
 * positive points. */
static double halflife(const ketsim_trajectory *tr, size_t out, double t0, double t1)
{
    double n = 0, st = 0, sy = 0, stt = 0, sty = 0;
    for (size_t i = 0; i < ketsim_traj_n_times(tr); i++) {
        double time = ketsim_traj_time(tr, i), x = ketsim_traj_output(tr, i, out);
        if (!in_window(time, t0, t1) || !(x > 0))
            continue;
        double y = log(x);
        n += 1, st += time, sy += y, stt += time * time, sty += time * y;
    }
    double den = n * stt - st * st;
    if (n < 2 || !(den > 0))
        return NAN;
    double slope = (n * sty - st * sy) / den;
    return slope < 0 ? log(2.0) / -slope : INFINITY;
}

/* Statistic over the trajectory (grid includes t0 and t1 exactly). */
static double evaluate(const val_target *t, const ketsim_trajectory *tr)
{
    if (t->kind == ST_AUC_RATIO)
        return auc(tr, (size_t)t->out_a, t->t0, t->t1) / auc(tr, (size_t)t->out_b, t->t0, t->t1);
    if (t->kind == ST_HALFLIFE)
        return halflife(tr, (size_t)t->out_a, t->t0, t->t1);
    double best = NAN, tbest = NAN, va = NAN, vb = NAN;
    for (size_t i = 0; i < ketsim_traj_n_times(tr); i++) {
        double time = ketsim_traj_time(tr, i), x = ketsim_traj_output(tr, i, (size_t)t->out_a);
        if (fabs(time - t->t0) < 1e-9) {
            va = x;
            vb = ketsim_traj_output(tr, i, (size_t)t->out_b);
        }
        if (t->kind == ST_DIFF && fabs(time - t->t1) < 1e-9)
            vb = x;
        if (time < t->t0 - 1e-9 || time > t->t1 + 1e-9)
            continue;
        int better = isnan(best) || ((t->kind == ST_MAX || t->kind == ST_TMAX) ? x > best : x < best);
        if (better) {
            best = x;
            tbest = time;
        }
    }
    switch (t->kind) {
    case ST_AT: case ST_FOLD: return va;
    case ST_MAX: case ST_MIN: return best;
    case ST_TMAX: case ST_TMIN: return tbest;
    case ST_DIFF: return va - vb;
    case ST_RATIO: return va / vb;
    default: return NAN;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Output grid: every 5 min, plus the statistic's own times, sorted, unique. */
static int make_grid(const val_target *t, double **times, size_t *n, ketsim_error *err)
{
    double step = 5.0 / 60, until = t->spec.until_h;
    size_t k = (size_t)floor(until / step) + 1, m = 0;
    double *g = malloc((k + 3) * sizeof *g);
    if (!g)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    for (size_t i = 0; i < k; i++)
        g[i] = (double)i * step;
    g[k] = t->t0, g[k + 1] = t->t1, g[k + 2] = until;
    qsort(g, k + 3, sizeof *g, cmp_double);
    for (size_t i = 0; i < k + 3; i++)
        if (g[i] <= until && (m == 0 || g[i] > g[m - 1] + 1e-9))
            g[m++] = g[i];
    /* a grid point within 1e-9 of t0/t1 stands for it; snap it exactly */
    for (size_t i = 0; i < m; i++) {
        if (fabs(g[i] - t->t0) <= 1e-9)
            g[i] = t->t0;
        if (fabs(g[i] - t->t1) <= 1e-9)
            g[i] = t->t1;
    }
    *times = g;
    *n = m;
    return KETSIM_OK;
}

/* A dose of the main drug: no DRUG/ prefix, or the drug column's name. */
static int is_main_dose(const val_target *t, const ketsim_dose *d)
{
    return !d->drug[0] || strcmp(d->drug, t->spec.drug) == 0;
}

/* Build the regimen from the doses column (all, or without the main drug's
 * doses) and collect every drug it names, so the model can receive them. */
static int build_regimen(const val_target *t, int with_main, ketsim_regimen *reg, char (*drugs)[64],
                         size_t *n_drugs, ketsim_error *err)
{
    char buf[256];
    int rc = KETSIM_OK;
    COPY(buf, t->spec.doses);
    COPY(drugs[0], t->spec.drug);
    *n_drugs = 1;
    for (char *tok = strtok(buf, " "); !rc && tok; tok = strtok(NULL, " ")) {
        ketsim_dose d;
        rc = ketsim_dose_parse(tok, &d, err);
        if (rc)
            break;
        if (d.drug[0]) {
            size_t k = 0;
            while (k < *n_drugs && strcmp(drugs[k], d.drug) != 0)
                k++;
            if (k == *n_drugs && *n_drugs < MAX_DOSES)
                COPY(drugs[(*n_drugs)++], d.drug);
        }
        if (with_main || !is_main_dose(t, &d))
            rc = ketsim_regimen_add(reg, &d, err);
    }
    return rc;
}

/* One simulation of the target's scenario; with_main = 0 leaves out the
 * main drug (the vehicle run of a fold statistic). */
static int simulate(const val_target *t, const ketsim_params *base, int with_main, const val_overrides *ov,
                    const double *times, size_t nt, ketsim_trajectory **tr, ketsim_error *err)
{
    ketsim_params *p = NULL;
    ketsim_catalog *cat = NULL;
    ketsim_regimen *reg = NULL;
    ketsim_subject_worker *w = NULL;
    char drugs[MAX_DOSES][64];
    const char *names[MAX_DOSES];
    size_t nd = 0;
    int rc = ketsim_params_clone(base, &p, err);
    if (!rc)
        rc = ketsim_catalog_create(&cat, err);
    if (!rc)
        rc = ketsim_regimen_create(&reg, err);
    if (!rc)
        rc = build_regimen(t, with_main, reg, drugs, &nd, err);
    char buf[256];
    COPY(buf, t->spec.sets);
    for (char *tok = strtok(buf, " "); !rc && tok; tok = strtok(NULL, " "))
        rc = ketsim_params_set_assignment(p, tok, err);
    for (size_t i = 0; !rc && i < ov->n; i++)
        rc = ketsim_params_set(p, ov->names[i], ov->values[i], err);
    for (size_t i = 0; i < nd; i++)
        names[i] = drugs[i];
    if (!rc)
        rc = ketsim_subject_worker_create(p, cat, names, nd, &w, err);
    const ketsim_trajectory *out = NULL;
    ketsim_subject_input in = {.regimen = reg, .times_h = times, .n_times = nt};
    if (!rc)
        rc = ketsim_subject_run(w, &in, &out, err);
    if (!rc)
        rc = ketsim_traj_copy(out, tr, err);
    ketsim_subject_worker_free(w);
    ketsim_regimen_free(reg);
    ketsim_catalog_free(cat);
    ketsim_params_free(p);
    return rc;
}

int val_target_simulate(const val_target *t, const ketsim_params *base, const val_overrides *ov, double *out,
                        ketsim_error *err)
{
    ketsim_trajectory *tr = NULL, *veh = NULL;
    double *times = NULL;
    size_t nt = 0;
    int rc = make_grid(t, &times, &nt, err);
    if (!rc)
        rc = simulate(t, base, 1, ov, times, nt, &tr, err);
    if (!rc && t->kind == ST_FOLD)
        rc = simulate(t, base, 0, ov, times, nt, &veh, err);
    if (!rc) {
        *out = evaluate(t, tr);
        if (t->kind == ST_FOLD)
            *out /= evaluate(t, veh);
    }
    free(times);
    ketsim_traj_free(tr);
    ketsim_traj_free(veh);
    return rc;
}
