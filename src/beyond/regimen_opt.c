/* Regimen optimisation on a fixed virtual cohort (ketsim optimize).
 *
 * A regimen's structure (route family, number of doses, intranasal dose
 * level) is discrete; dose, infusion duration and interval are continuous.
 * Every structure is screened at the middle of the continuous bounds, then
 * the best structures are refined by Nelder-Mead (GSL nmsimplex2) on
 * logistic-transformed variables (so the bounds hold without constraints), or
 * by a full grid.  The objective is smooth in the continuous variables
 * because response enters through a logistic rather than a threshold, and
 * the cohort is fixed (common random numbers), so the search does not chase
 * sampling noise.  Caps enter as a penalty. */
#include "ketsim/beyond.h"
#include "ketsim/cohort.h"
#include "ketsim/model.h"
#include "ketsim/stats.h"

#include <gsl/gsl_multimin.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define STEP_H 6.0
#define PEAK_H 3.0
#define PEAK_STEP_H (10.0 / 60)
#define RESP_WIDTH 0.05       /* logistic width, fraction of baseline */
#define PENALTY_D 20.0        /* objective days lost per 100% excess over a cap */
#define MAX_STRUCT 96
#define N_REFINE 2

void ketsim_opt_defaults(ketsim_opt_opts *o)
{
    memset(o, 0, sizeof *o);
    o->b = (ketsim_opt_bounds){.use_iv = 1, .use_in = 1, .dose_lo = 0.25, .dose_hi = 1.0, .infusion_lo_h = 20.0 / 60,
                        .infusion_hi_h = 100.0 / 60, .interval_lo_d = 1, .interval_hi_d = 7, .doses_lo = 1,
                        .doses_hi = 8, .n_in_doses = 2, .in_dose = {56, 84}};
    o->cap_cadss = o->cap_sbp = INFINITY;
    o->max_visits = 6;
    o->horizon_d = 28;
    o->n_subjects = 24;
    o->seed = 2013;
    o->eval_subjects = 200;
    o->eval_seed = 777;
    o->threads = 1;
    o->grid_n = 3;
    o->max_iter = 10;
}

static size_t dose_days(const ketsim_opt_regimen *r, double *day)
{
    if (r->n_explicit) {
        memcpy(day, r->day, r->n_explicit * sizeof *day);
        return r->n_explicit;
    }
    for (int k = 0; k < r->n_doses; k++)
        day[k] = k * r->interval_d;
    return (size_t)r->n_doses;
}

void ketsim_opt_regimen_text(char *buf, size_t size, const ketsim_opt_regimen *r)
{
    int len;
    if (r->family == KETSIM_OPT_IV_KETAMINE)
        len = snprintf(buf, size, "ketamine IV %.2f mg/kg over %.0f min", r->dose, r->infusion_h * 60);
    else
        len = snprintf(buf, size, "esketamine IN %.0f mg", r->dose);
    if (r->n_explicit) {
        len += snprintf(buf + len, size - (size_t)len, " on days");
        for (size_t k = 0; k < r->n_explicit && len < (int)size; k++)
            len += snprintf(buf + len, size - (size_t)len, "%s%g", k ? "," : " ", r->day[k]);
    } else if (r->n_doses == 1)
        snprintf(buf + len, size - (size_t)len, ", once");
    else
        snprintf(buf + len, size - (size_t)len, ", %d doses every %.2f d", r->n_doses, r->interval_d);
}

typedef struct ogrid {
    double t[1024];
    size_t n;
} ogrid;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void make_grid(const ketsim_opt_opts *o, const double *day, size_t nd, ogrid *g)
{
    g->n = 0;
    for (double t = 0; t <= o->horizon_d * 24 + 1e-9; t += STEP_H)
        g->t[g->n++] = t;
    for (size_t d = 0; d < nd; d++)
        for (double s = PEAK_STEP_H; s <= PEAK_H + 1e-9 && g->n < 1024; s += PEAK_STEP_H)
            g->t[g->n++] = day[d] * 24 + s;
    qsort(g->t, g->n, sizeof g->t[0], cmp_double);
    size_t u = 0;
    for (size_t k = 0; k < g->n; k++)
        if (u == 0 || g->t[k] > g->t[u - 1] + 1e-9)
            g->t[u++] = g->t[k];
    g->n = u;
}

static int on_step(double t)
{
    double q = t / STEP_H;
    return fabs(q - round(q)) < 1e-9;
}

static int run(const ketsim_params *params, const ketsim_catalog *cat, const ketsim_opt_opts *o, const ketsim_opt_regimen *r,
               int n, uint64_t seed, ogrid *g, ketsim_cohort_result *cr, ketsim_error *err)
{
    double day[KETSIM_OPT_MAX_DOSES];
    size_t nd = dose_days(r, day);
    if (nd < 1 || nd > KETSIM_OPT_MAX_DOSES)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "a regimen needs 1 to %d doses", KETSIM_OPT_MAX_DOSES);
    make_grid(o, day, nd, g);
    ketsim_cohort_spec sp = {.params = params, .cat = cat,
                      .drug = r->family == KETSIM_OPT_IV_KETAMINE ? "ketamine" : "esketamine", .times_h = g->t,
                      .n_times = g->n, .n_subjects = n, .seed = seed, .inclusion_min = -1, .threads = o->threads};
    sp.outputs[sp.n_outputs++] = ketsim_output_index("cadss");
    sp.outputs[sp.n_outputs++] = ketsim_output_index("sbp_change_mmhg");
    sp.n_doses = nd;
    for (size_t d = 0; d < nd; d++) {
        int iv = r->family == KETSIM_OPT_IV_KETAMINE;
        sp.doses[d] = (ketsim_dose){.route = iv ? KETSIM_ROUTE_IV : KETSIM_ROUTE_IN, .amount = r->dose,
                                    .per_kg = iv, .duration_h = iv ? r->infusion_h : 0, .time_h = day[d] * 24};
    }
    return ketsim_cohort_run(&sp, NULL, 0, cr, err);
}

/* Smooth days in response of subject i. */
static double smooth_days(const ketsim_cohort_result *cr, const ogrid *g, int i)
{
    const double *m = cr->madrs_true + (size_t)i * g->n;
    double base = m[0] > 1 ? m[0] : 1, s = 0;
    for (size_t k = 1; k < g->n; k++)
        if (on_step(g->t[k]))
            s += 1.0 / (1.0 + exp((m[k] / base - 0.5) / RESP_WIDTH));
    return s * STEP_H / 24;
}

/* Peak CADSS and SBP rise of subject i over the whole grid. */
static void subject_peaks(const ketsim_cohort_result *cr, const ogrid *g, int i, double *cadss, double *sbp)
{
    double c = 0, p = 0;
    for (size_t k = 0; k < g->n; k++) {
        c = fmax(c, ketsim_cohort_out(cr, i, k, 0));
        p = fmax(p, ketsim_cohort_out(cr, i, k, 1));
    }
    *cadss = c;
    *sbp = p;
}

static void burden(const ketsim_cohort_result *cr, const ogrid *g, double *cadss, double *sbp)
{
    *cadss = *sbp = 0;
    for (int i = 0; i < cr->n_subjects; i++) {
        double c, p;
        subject_peaks(cr, g, i, &c, &p);
        *cadss += c / cr->n_subjects;
        *sbp += p / cr->n_subjects;
    }
}

int ketsim_opt_evaluate(const ketsim_params *params, const ketsim_catalog *cat, const ketsim_opt_opts *o, const ketsim_opt_regimen *r,
                 int n_subjects, uint64_t seed, ketsim_opt_eval *ev, ketsim_error *err)
{
    ogrid *g = malloc(sizeof *g);
    if (!g)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    ketsim_cohort_result cr = {0};
    int rc = run(params, cat, o, r, n_subjects, seed, g, &cr, err);
    if (!rc) {
        ev->objective_d = 0;
        for (int i = 0; i < n_subjects; i++)
            ev->objective_d += smooth_days(&cr, g, i) / n_subjects;
        burden(&cr, g, &ev->cadss_peak, &ev->sbp_peak);
        ev->feasible = ev->cadss_peak <= o->cap_cadss && ev->sbp_peak <= o->cap_sbp;
    }
    ketsim_cohort_result_free(&cr);
    free(g);
    return rc;
}

/* ---- search ----------------------------------------------------------------- */

typedef struct search {
    const ketsim_params *params;
    const ketsim_catalog *cat;
    const ketsim_opt_opts *o;
    ketsim_opt_regimen cur;           /* structure being refined */
    int nv;                    /* continuous variables in use */
    int var[3];                /* 0 dose, 1 infusion, 2 interval */
    double lo[3], hi[3];
    size_t n_evals;
    int rc;
    ketsim_error err;
    /* best feasible points seen (sorted by objective) */
    size_t n_best;
    ketsim_opt_regimen best[KETSIM_OPT_TOP];
    ketsim_opt_eval best_eval[KETSIM_OPT_TOP];
} search;

static double penalised(const search *s, const ketsim_opt_eval *e)
{
    double p = 0;
    if (isfinite(s->o->cap_cadss))
        p += fmax(0, e->cadss_peak / fmax(s->o->cap_cadss, 1e-9) - 1);
    if (isfinite(s->o->cap_sbp))
        p += fmax(0, e->sbp_peak / fmax(s->o->cap_sbp, 1e-9) - 1);
    return e->objective_d - PENALTY_D * p;
}

/* Same discrete structure: route family, number of doses, intranasal dose level. */
static int same_structure(const ketsim_opt_regimen *a, const ketsim_opt_regimen *b)
{
    return a->family == b->family && a->n_doses == b->n_doses &&
           (a->family == KETSIM_OPT_IV_KETAMINE || fabs(a->dose - b->dose) < 1e-9);
}

/* Keep the best feasible point of each structure, and of those the top
 * KETSIM_OPT_TOP, sorted by objective (so the report lists distinct regimens). */
static void keep_best(search *s, const ketsim_opt_regimen *r, const ketsim_opt_eval *e)
{
    if (!e->feasible)
        return;
    size_t i = 0;
    while (i < s->n_best && !same_structure(&s->best[i], r))
        i++;
    if (i < s->n_best) {
        if (e->objective_d <= s->best_eval[i].objective_d)
            return;
    } else if (s->n_best < KETSIM_OPT_TOP) {
        i = s->n_best++;
    } else {
        i = KETSIM_OPT_TOP - 1;
        if (e->objective_d <= s->best_eval[i].objective_d)
            return;
    }
    s->best[i] = *r;
    s->best_eval[i] = *e;
    for (; i > 0 && s->best_eval[i].objective_d > s->best_eval[i - 1].objective_d; i--) {
        ketsim_opt_regimen tr = s->best[i];
        ketsim_opt_eval te = s->best_eval[i];
        s->best[i] = s->best[i - 1];
        s->best_eval[i] = s->best_eval[i - 1];
        s->best[i - 1] = tr;
        s->best_eval[i - 1] = te;
    }
}

static double eval_point(search *s, const ketsim_opt_regimen *r)
{
    if (s->rc)
        return 0;
    ketsim_opt_eval e;
    s->rc = ketsim_opt_evaluate(s->params, s->cat, s->o, r, s->o->n_subjects, s->o->seed, &e, &s->err);
    s->n_evals++;
    if (s->rc)
        return 0;
    keep_best(s, r, &e);
    return penalised(s, &e);
}

static double *field(ketsim_opt_regimen *r, int v)
{
    return v == 0 ? &r->dose : v == 1 ? &r->infusion_h : &r->interval_d;
}

static void set_vars(search *s, ketsim_opt_regimen *r, const double *x01)
{
    for (int i = 0; i < s->nv; i++)
        *field(r, s->var[i]) = s->lo[i] + (s->hi[i] - s->lo[i]) * x01[i];
}

static double nm_f(const gsl_vector *u, void *p)
{
    search *s = p;
    double x[3];
    for (int i = 0; i < s->nv; i++)
        x[i] = 1.0 / (1.0 + exp(-gsl_vector_get(u, (size_t)i)));
    ketsim_opt_regimen r = s->cur;
    set_vars(s, &r, x);
    return -eval_point(s, &r);
}

/* Continuous variables of a structure and their bounds. */
static void structure_vars(search *s, const ketsim_opt_regimen *r)
{
    const ketsim_opt_bounds *b = &s->o->b;
    s->nv = 0;
    if (r->family == KETSIM_OPT_IV_KETAMINE) {
        s->var[s->nv] = 0, s->lo[s->nv] = b->dose_lo, s->hi[s->nv++] = b->dose_hi;
        s->var[s->nv] = 1, s->lo[s->nv] = b->infusion_lo_h, s->hi[s->nv++] = b->infusion_hi_h;
    }
    if (r->n_doses > 1) {
        /* every dose inside the horizon, the last at least a day before its end */
        double ihi = fmin(b->interval_hi_d, (s->o->horizon_d - 1) / (r->n_doses - 1));
        s->var[s->nv] = 2, s->lo[s->nv] = b->interval_lo_d, s->hi[s->nv++] = fmax(ihi, b->interval_lo_d);
    }
    /* a fixed variable (lo == hi) is not searched */
    for (int i = 0; i < s->nv; i++)
        if (s->hi[i] - s->lo[i] < 1e-9) {
            *field(&s->cur, s->var[i]) = s->lo[i];
            for (int j = i; j + 1 < s->nv; j++)
                s->var[j] = s->var[j + 1], s->lo[j] = s->lo[j + 1], s->hi[j] = s->hi[j + 1];
            s->nv--, i--;
        }
}

static void refine_nm(search *s, const ketsim_opt_regimen *start)
{
    s->cur = *start;
    structure_vars(s, start);
    if (s->nv == 0)
        return;
    gsl_multimin_function f = {.f = nm_f, .n = (size_t)s->nv, .params = s};
    gsl_vector *x = gsl_vector_alloc((size_t)s->nv), *step = gsl_vector_alloc((size_t)s->nv);
    gsl_multimin_fminimizer *m = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, (size_t)s->nv);
    if (!x || !step || !m) {
        s->rc = KETSIM_FAIL(&s->err, KETSIM_ENOMEM, "out of memory");
    } else {
        for (int i = 0; i < s->nv; i++) {
            double v = (*field(&s->cur, s->var[i]) - s->lo[i]) / (s->hi[i] - s->lo[i]);
            v = fmin(fmax(v, 0.02), 0.98);
            gsl_vector_set(x, (size_t)i, log(v / (1 - v)));
            gsl_vector_set(step, (size_t)i, 1.0); /* about a quarter of the range near the middle */
        }
        gsl_multimin_fminimizer_set(m, &f, x, step);
        for (int it = 0; it < s->o->max_iter && !s->rc; it++) {
            if (gsl_multimin_fminimizer_iterate(m))
                break;
            if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(m), 0.05) == GSL_SUCCESS)
                break;
        }
    }
    gsl_multimin_fminimizer_free(m);
    gsl_vector_free(x);
    gsl_vector_free(step);
}

static void refine_grid(search *s, const ketsim_opt_regimen *start)
{
    s->cur = *start;
    structure_vars(s, start);
    int n = s->o->grid_n < 2 ? 2 : s->o->grid_n, total = 1;
    for (int i = 0; i < s->nv; i++)
        total *= n;
    for (int idx = 0; idx < total && !s->rc; idx++) {
        double x[3];
        for (int i = 0, r = idx; i < s->nv; i++, r /= n)
            x[i] = (double)(r % n) / (n - 1);
        ketsim_opt_regimen reg = s->cur;
        set_vars(s, &reg, x);
        eval_point(s, &reg);
    }
}

/* Every structure at the middle of its continuous bounds. */
static size_t structures(const ketsim_opt_opts *o, ketsim_opt_regimen *st)
{
    const ketsim_opt_bounds *b = &o->b;
    size_t n = 0;
    int hi = b->doses_hi < o->max_visits ? b->doses_hi : o->max_visits;
    for (int k = b->doses_lo; k <= hi; k++) {
        double ihi = k > 1 ? fmin(b->interval_hi_d, (o->horizon_d - 1) / (k - 1)) : b->interval_lo_d;
        if (k > 1 && ihi < b->interval_lo_d)
            continue; /* cannot fit k doses in the horizon */
        double iv = 0.5 * (b->interval_lo_d + ihi);
        if (b->use_iv && n < MAX_STRUCT)
            st[n++] = (ketsim_opt_regimen){.family = KETSIM_OPT_IV_KETAMINE, .dose = 0.5 * (b->dose_lo + b->dose_hi),
                                    .infusion_h = 0.5 * (b->infusion_lo_h + b->infusion_hi_h),
                                    .interval_d = iv, .n_doses = k};
        for (size_t d = 0; b->use_in && d < b->n_in_doses && n < MAX_STRUCT; d++)
            st[n++] = (ketsim_opt_regimen){.family = KETSIM_OPT_IN_ESKETAMINE, .dose = b->in_dose[d], .interval_d = iv, .n_doses = k};
    }
    return n;
}

static int check_opts(const ketsim_opt_opts *o, ketsim_error *err)
{
    const ketsim_opt_bounds *b = &o->b;
    if (!b->use_iv && !b->use_in)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "no route to optimise (--routes)");
    if (!(b->dose_lo > 0 && b->dose_lo <= b->dose_hi) || !(b->infusion_lo_h >= 0 && b->infusion_lo_h <= b->infusion_hi_h) ||
        !(b->interval_lo_d > 0 && b->interval_lo_d <= b->interval_hi_d) || b->doses_lo < 1 ||
        b->doses_lo > b->doses_hi || b->doses_hi > KETSIM_OPT_MAX_DOSES)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "bounds: need 0 < lo <= hi for dose and interval, 0 <= lo <= hi for "
                                               "infusion, 1 <= doses lo <= hi <= %d", KETSIM_OPT_MAX_DOSES);
    if (!(o->horizon_d >= 2 && o->horizon_d <= 90) || o->max_visits < 1 || o->n_subjects < 2 || o->eval_subjects < 2)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "horizon 2..90 d, max visits >= 1, cohorts of at least 2");
    if (o->max_visits < b->doses_lo)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--max-visits %d is below the lower bound of doses %d", o->max_visits,
                           b->doses_lo);
    return KETSIM_OK;
}

/* ---- fresh cohort ------------------------------------------------------------ */

/* Subject i on the fresh cohort: rated days in response at the daily
 * visits, response at the last one, the smooth objective and the peaks. */
static void fresh_subject(const ketsim_cohort_result *cr, const ogrid *g, const ketsim_trial_defs *d, int i,
                          ketsim_opt_subject *s)
{
    const int *m = cr->madrs_rated + (size_t)i * g->n;
    double thr = (1.0 - d->response_fraction) * m[0] + 1e-9;
    s->days_in_response = 0;
    size_t last = 0;
    for (size_t k = 1; k < g->n; k++) {
        double q = g->t[k] / 24;
        if (fabs(q - round(q)) < 1e-9) {
            s->days_in_response += m[k] <= thr; /* a daily visit */
            last = k;
        }
    }
    s->response_end = m[last] <= thr;
    s->objective_d = smooth_days(cr, g, i);
    subject_peaks(cr, g, i, &s->cadss_peak, &s->sbp_peak);
}

/* The fresh cohort's summary of regimen r from its patients' rows (the
 * caller's on_subjects sees them as regimen `rank`, -1 the standard). */
static int fresh_summary(const ketsim_cohort_result *cr, const ogrid *g, const ketsim_opt_opts *o, long rank,
                         ketsim_opt_subject *row, ketsim_opt_fresh *f, double *days, ketsim_error *err)
{
    int n = cr->n_subjects;
    size_t resp = 0;
    f->objective_d = 0;
    for (int i = 0; i < n; i++) {
        days[i] = row[i].days_in_response;
        resp += (size_t)row[i].response_end;
        f->objective_d += row[i].objective_d / n;
    }
    burden(cr, g, &f->cadss_peak, &f->sbp_peak);
    ketsim_stats_interval w;
    ketsim_stats_ttest t;
    int rc = ketsim_stats_wilson(resp, (size_t)n, 0.95, &w, err);
    f->resp_end = w.estimate, f->resp_end_lo = w.lo, f->resp_end_hi = w.hi;
    if (!rc && ketsim_stats_ttest_one(days, (size_t)n, 0, 0.95, &t, err) == KETSIM_OK)
        f->days = t.estimate, f->days_lo = t.ci_lo, f->days_hi = t.ci_hi;
    else if (!rc)
        f->days = f->days_lo = f->days_hi = days[0];
    if (!rc && o->on_subjects)
        rc = o->on_subjects(o->subjects_user, rank, row, n, err);
    return rc;
}

static int fresh_eval(const ketsim_params *params, const ketsim_catalog *cat, const ketsim_opt_opts *o, const ketsim_opt_regimen *r,
                      long rank, ketsim_trial_defs *d, ketsim_opt_fresh *f, double *days, ketsim_error *err)
{
    ogrid *g = malloc(sizeof *g);
    ketsim_opt_subject *row = malloc((size_t)(o->eval_subjects > 0 ? o->eval_subjects : 1) * sizeof *row);
    if (!g || !row) {
        free(g);
        free(row);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    ketsim_cohort_result cr = {0};
    int rc = run(params, cat, o, r, o->eval_subjects, o->eval_seed, g, &cr, err);
    for (int i = 0; !rc && i < o->eval_subjects; i++)
        fresh_subject(&cr, g, d, i, &row[i]);
    if (!rc)
        rc = fresh_summary(&cr, g, o, rank, row, f, days, err);
    ketsim_cohort_result_free(&cr);
    free(row);
    free(g);
    return rc;
}

static void paired(const double *a, const double *b, int n, ketsim_opt_fresh *f)
{
    ketsim_stats_ttest t;
    ketsim_error e = {0};
    if (ketsim_stats_ttest_paired(a, b, (size_t)n, 0.95, &t, &e) == KETSIM_OK)
        f->diff = t.estimate, f->diff_lo = t.ci_lo, f->diff_hi = t.ci_hi, f->diff_p = t.p;
    else {
        double s = 0;
        for (int i = 0; i < n; i++)
            s += a[i] - b[i];
        f->diff = f->diff_lo = f->diff_hi = s / n; /* identical differences: no spread */
        f->diff_p = NAN;
    }
}

int ketsim_beyond_optimize(const ketsim_params *params, const ketsim_opt_opts *o, ketsim_opt_report *rep, ketsim_error *err)
{
    memset(rep, 0, sizeof *rep);
    int rc = check_opts(o, err);
    if (rc)
        return rc;
    ketsim_catalog *cat = NULL;
    if ((rc = ketsim_catalog_create(&cat, err)))
        return rc;
    rep->standard = (ketsim_opt_regimen){.family = KETSIM_OPT_IV_KETAMINE, .dose = 0.5, .infusion_h = 40.0 / 60, .n_explicit = 6,
                                  .n_doses = 6, .day = {0, 2, 4, 7, 9, 11}};
    search *s = calloc(1, sizeof *s);
    ketsim_opt_regimen *st = malloc(MAX_STRUCT * sizeof *st);
    double *dstd = malloc((size_t)o->eval_subjects * sizeof *dstd), *dx = malloc((size_t)o->eval_subjects * sizeof *dx);
    if (!s || !st || !dstd || !dx)
        rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    if (!rc) {
        *s = (search){.params = params, .cat = cat, .o = o};
        rc = ketsim_opt_evaluate(params, cat, o, &rep->standard, o->n_subjects, o->seed, &rep->standard_eval, err);
    }
    size_t ns = rc ? 0 : structures(o, st);
    if (!rc && ns == 0)
        rc = KETSIM_FAIL(err, KETSIM_EINPUT, "no regimen fits the bounds, the horizon and --max-visits");
    /* screen every structure at its middle, then refine the best few */
    double *score = rc ? NULL : malloc(ns * sizeof *score);
    if (!rc && !score)
        rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < ns; i++) {
        score[i] = eval_point(s, &st[i]);
        rc = s->rc;
    }
    for (int r = 0; !rc && r < N_REFINE && (size_t)r < ns; r++) {
        size_t bi = 0;
        for (size_t i = 1; i < ns; i++)
            if (score[i] > score[bi])
                bi = i;
        score[bi] = -INFINITY;
        if (o->grid)
            refine_grid(s, &st[bi]);
        else
            refine_nm(s, &st[bi]);
        if ((rc = s->rc))
            *err = s->err;
    }
    if (!rc && s->n_best == 0)
        rc = KETSIM_FAIL(err, KETSIM_EINPUT, "no regimen within the bounds meets the caps (CADSS %g, SBP %g mmHg)",
                         o->cap_cadss, o->cap_sbp);
    ketsim_trial_defs d;
    ketsim_trial_defs_read(params, &d);
    if (!rc)
        rc = fresh_eval(params, cat, o, &rep->standard, -1, &d, &rep->standard_fresh, dstd, err);
    if (!rc)
        paired(dstd, dstd, o->eval_subjects, &rep->standard_fresh);
    for (size_t i = 0; !rc && i < s->n_best; i++) {
        rep->best[i] = s->best[i];
        rep->best_eval[i] = s->best_eval[i];
        rc = fresh_eval(params, cat, o, &s->best[i], (long)i, &d, &rep->best_fresh[i], dx, err);
        if (!rc)
            paired(dx, dstd, o->eval_subjects, &rep->best_fresh[i]);
        rep->n_best = i + 1;
    }
    rep->n_evals = s ? s->n_evals : 0;
    free(score);
    free(s);
    free(st);
    free(dstd);
    free(dx);
    ketsim_catalog_free(cat);
    return rc;
}
