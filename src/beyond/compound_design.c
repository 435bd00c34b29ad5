/* Compound design on a virtual cohort (ketsim design): each candidate is a
 * drug with parameter overrides and one dose; all candidates and a placebo
 * reference see the same virtual patients (common random numbers). */
#include "ketsim/beyond.h"
#include "ketsim/cohort.h"
#include "ketsim/model.h"
#include "ketsim/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PEAK_H 3.0
#define PEAK_STEP_H (5.0 / 60)
#define GRID_MAX 512

typedef struct dgrid {
    double t[GRID_MAX];
    size_t n, k24, k_day1;  /* index of 24 h; of day 1 (daily ratings follow) */
} dgrid;

static int make_grid(double horizon_days, dgrid *g, ketsim_error *err)
{
    if (!(horizon_days >= 1 && horizon_days <= 120))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "design horizon %g d outside 1..120", horizon_days);
    g->n = 0;
    g->t[g->n++] = 0;
    for (double t = PEAK_STEP_H; t <= PEAK_H + 1e-9; t += PEAK_STEP_H)
        g->t[g->n++] = t;
    g->k_day1 = g->k24 = g->n;
    for (int d = 1; d <= (int)horizon_days; d++)
        g->t[g->n++] = 24.0 * d;
    return KETSIM_OK;
}

static int candidate_params(const ketsim_params *base, const ketsim_design_candidate *c, ketsim_params **out,
                            ketsim_error *err)
{
    int rc = ketsim_params_clone(base, out, err);
    for (size_t i = 0; !rc && i < c->n_sets; i++)
        rc = ketsim_params_set(*out, c->set_name[i], c->set_value[i], err);
    if (rc) {
        char pre[112];
        snprintf(pre, sizeof pre, "%s: ", c->name);
        ketsim_error_prefix(err, pre);
        ketsim_params_free(*out);
        *out = NULL;
    }
    return rc;
}

static int run_candidate(const ketsim_params *base, const ketsim_catalog *cat, const ketsim_design_candidate *c,
                         const ketsim_design_opts *o, const dgrid *g, ketsim_cohort_result *cr, ketsim_error *err)
{
    ketsim_params *p = NULL;
    int rc = candidate_params(base, c, &p, err);
    if (rc)
        return rc;
    ketsim_cohort_spec sp = {.params = p, .cat = cat, .drug = c->placebo ? "ketamine" : c->drug,
                      .times_h = g->t, .n_times = g->n, .n_subjects = o->n_subjects, .seed = o->seed,
                      .inclusion_min = -1, .threads = o->threads};
    sp.outputs[sp.n_outputs++] = ketsim_output_index("cadss");
    sp.outputs[sp.n_outputs++] = ketsim_output_index("sbp_change_mmhg");
    if (!c->placebo) {
        sp.n_doses = 1;
        sp.doses[0] = (ketsim_dose){.route = c->route, .amount = c->amount, .per_kg = c->per_kg,
                                    .duration_h = c->duration_h, .time_h = 0};
    }
    const double sham[1] = {0}; /* a placebo session at time 0 */
    rc = ketsim_cohort_run(&sp, sham, 1, cr, err);
    ketsim_params_free(p);
    return rc;
}

/* Each patient's terms of the result: responder at 24 h, days in
 * response, true MADRS at 24 h, peak CADSS and SBP rise over 0-3 h. */
static void subject_rows(const ketsim_cohort_result *cr, const dgrid *g, const ketsim_trial_defs *d,
                         ketsim_design_subject *row)
{
    for (int i = 0; i < cr->n_subjects; i++) {
        const int *m = cr->madrs_rated + (size_t)i * g->n;
        double thr = (1.0 - d->response_fraction) * m[0] + 1e-9;
        ketsim_design_subject *s = &row[i];
        s->response_24h = m[g->k24] <= thr;
        s->days_in_response = 0;
        for (size_t k = g->k_day1; k < g->n; k++)
            s->days_in_response += m[k] <= thr;
        s->madrs_true_24h = cr->madrs_true[(size_t)i * g->n + g->k24];
        s->cadss_peak = s->sbp_peak = 0;
        for (size_t k = 0; k < g->k24; k++) {
            s->cadss_peak = fmax(s->cadss_peak, ketsim_cohort_out(cr, i, k, 0));
            s->sbp_peak = fmax(s->sbp_peak, ketsim_cohort_out(cr, i, k, 1));
        }
    }
}

/* The candidate's result from its patients' rows and placebo's (pl), summed
 * in subject order. */
static int summarize(const ketsim_design_subject *cr, const ketsim_design_subject *pl, int n, ketsim_design_result *r,
                     ketsim_error *err)
{
    double *days = malloc((size_t)n * sizeof *days);
    if (!days)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    size_t resp = 0, resp_pl = 0;
    double days_pl = 0, m24 = 0, m24_pl = 0, cadss = 0, sbp = 0;
    for (int i = 0; i < n; i++) {
        days[i] = cr[i].days_in_response;
        resp += (size_t)cr[i].response_24h;
        resp_pl += (size_t)pl[i].response_24h;
        days_pl += pl[i].days_in_response;
        m24 += cr[i].madrs_true_24h;
        m24_pl += pl[i].madrs_true_24h;
        cadss += cr[i].cadss_peak;
        sbp += cr[i].sbp_peak;
    }
    ketsim_stats_interval w;
    ketsim_stats_ttest t;
    int rc = ketsim_stats_wilson(resp, (size_t)n, 0.95, &w, err);
    if (!rc && ketsim_stats_ttest_one(days, (size_t)n, 0, 0.95, &t, err) != KETSIM_OK) {
        /* every patient the same number of days: a zero-width interval */
        t.estimate = t.ci_lo = t.ci_hi = days[0];
    }
    free(days);
    if (rc)
        return rc;
    r->response_24h = w.estimate;
    r->response_24h_lo = w.lo;
    r->response_24h_hi = w.hi;
    r->days_in_response = t.estimate;
    r->days_lo = t.ci_lo;
    r->days_hi = t.ci_hi;
    r->response_24h_excess = (double)((long)resp - (long)resp_pl) / n;
    r->days_excess = t.estimate - days_pl / n;
    r->madrs_effect_24h = (m24 - m24_pl) / n;
    r->cadss_peak = cadss / n;
    r->sbp_peak = sbp / n;
    r->effective = r->days_excess > 0 && r->response_24h_excess > 0;
    return KETSIM_OK;
}

/* Candidate `which` (-1: placebo) run and reduced to its patients' rows,
 * which the caller's on_subjects sees. */
static int run_rows(const ketsim_params *params, const ketsim_catalog *cat, const ketsim_design_candidate *c, long which,
                    const ketsim_design_opts *o, const dgrid *g, const ketsim_trial_defs *d, ketsim_design_subject *row,
                    ketsim_error *err)
{
    ketsim_cohort_result cr = {0};
    int rc = run_candidate(params, cat, c, o, g, &cr, err);
    if (!rc)
        subject_rows(&cr, g, d, row);
    ketsim_cohort_result_free(&cr);
    if (!rc && o->on_subjects)
        rc = o->on_subjects(o->subjects_user, which, row, o->n_subjects, err);
    return rc;
}

int ketsim_beyond_design(const ketsim_params *params, const ketsim_catalog *cat, const ketsim_design_candidate *cand, size_t n,
                  const ketsim_design_opts *o, ketsim_design_result *res, ketsim_error *err)
{
    static const ketsim_design_candidate placebo = {.name = "placebo", .placebo = 1};
    dgrid *g = malloc(sizeof *g);
    size_t ns = o->n_subjects > 0 ? (size_t)o->n_subjects : 1;
    ketsim_design_subject *pl = malloc(ns * sizeof *pl), *row = malloc(ns * sizeof *row);
    int rc = g && pl && row ? make_grid(o->horizon_days, g, err) : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    ketsim_trial_defs d;
    ketsim_trial_defs_read(params, &d);
    if (!rc)
        rc = run_rows(params, cat, &placebo, -1, o, g, &d, pl, err);
    for (size_t i = 0; !rc && i < n; i++) {
        rc = run_rows(params, cat, &cand[i], (long)i, o, g, &d, row, err);
        if (!rc)
            rc = summarize(row, pl, o->n_subjects, &res[i], err);
    }
    free(pl);
    free(row);
    free(g);
    if (!rc)
        ketsim_design_pareto(cand, res, n);
    return rc;
}

/* Two objective values closer than this are the same: the cohort's outcomes
 * come out of an ODE solve with a relative tolerance of about 1e-6, so a
 * difference in the sixth significant digit (an SBP rise of 6.96554e-05
 * against 6.96555e-05 mmHg) says nothing about the candidates.  The
 * absolute part, 1e-3 of the objective's unit (days, fraction responding,
 * CADSS points, mmHg), is below what the table prints. */
#define FRONT_REL_TOL 1e-6
#define FRONT_ABS_TOL 1e-3

/* a beats b on one objective (bigger_better: more is better) by more than
 * the tolerance: +1; b beats a: -1; a tie within the tolerance: 0. */
static int front_compare(double a, double b, int bigger_better)
{
    double tol = FRONT_ABS_TOL + FRONT_REL_TOL * fmax(fabs(a), fabs(b));
    double d = bigger_better ? a - b : b - a;
    return d > tol ? 1 : d < -tol ? -1 : 0;
}

/* a dominates b: no objective worse beyond the tolerance, one better. */
static int dominates(const ketsim_design_result *a, const ketsim_design_result *b)
{
    int c[4] = {front_compare(a->days_excess, b->days_excess, 1),
                front_compare(a->response_24h_excess, b->response_24h_excess, 1),
                front_compare(a->cadss_peak, b->cadss_peak, 0), front_compare(a->sbp_peak, b->sbp_peak, 0)};
    int better = 0;
    for (int k = 0; k < 4; k++) {
        if (c[k] < 0)
            return 0;
        better |= c[k] > 0;
    }
    return better;
}

void ketsim_design_pareto(const ketsim_design_candidate *cand, ketsim_design_result *res, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        res[i].pareto = res[i].effective && !cand[i].placebo;
        for (size_t j = 0; j < n && res[i].pareto; j++)
            if (j != i && res[j].effective && !cand[j].placebo && dominates(&res[j], &res[i]))
                res[i].pareto = 0;
    }
}

int ketsim_design_apply_knob(const ketsim_params *params, const char *compound, const char *knob, double value,
                      ketsim_design_candidate *c, ketsim_error *err)
{
    if (strcmp(knob, "dose_mg_per_kg") == 0 || strcmp(knob, "dose_mg") == 0) {
        if (!(value > 0))
            return KETSIM_FAIL(err, KETSIM_EINPUT, "knob %s: dose must be > 0 (got %g)", knob, value);
        c->amount = value;
        c->per_kg = strcmp(knob, "dose_mg_per_kg") == 0;
        return KETSIM_OK;
    }
    if (strcmp(knob, "infusion_h") == 0) {
        if (!(value >= 0 && value <= 24))
            return KETSIM_FAIL(err, KETSIM_EINPUT, "knob infusion_h: %g outside 0..24", value);
        c->duration_h = value;
        return KETSIM_OK;
    }
    if (c->n_sets == KETSIM_DESIGN_MAX_SETS)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "too many knobs (max %d)", KETSIM_DESIGN_MAX_SETS);
    char *name = c->set_name[c->n_sets];
    double v = value;
    if (strcmp(knob, "interneuron_selectivity") == 0) {
        snprintf(name, 96, "nmda.interneuron_selectivity");
    } else if (!compound || !compound[0]) {
        return KETSIM_FAIL(err, KETSIM_EINPUT, "knob %s: no compound to apply it to (use --compound)", knob);
    } else if (strcmp(knob, "half_life_h") == 0) {
        /* terminal-phase approximation: t1/2 = ln 2 x Vss / CL */
        char buf[96];
        double vss = 0;
        const char *vs[3] = {"v1_l", "v2_l", "v3_l"};
        for (int k = 0; k < 3; k++) {
            snprintf(buf, sizeof buf, "%s.%s", compound, vs[k]);
            vss += ketsim_params_value(params, buf);
        }
        if (!(value > 0) || !(vss > 0))
            return KETSIM_FAIL(err, KETSIM_EINPUT, "knob half_life_h: %g must be > 0", value);
        v = log(2.0) * vss / value;
        snprintf(name, 96, "%s.cl_l_per_h", compound);
    } else if (strncmp(knob, "yield_", 6) == 0) {
        snprintf(name, 96, "%s.to_%s.fraction", compound, knob + 6);
    } else if (strcmp(knob, "nmda_ki_um") == 0 || strcmp(knob, "ampa_emax") == 0 ||
               strcmp(knob, "ampa_ec50_um") == 0 || strcmp(knob, "cl_l_per_h") == 0) {
        snprintf(name, 96, "%s.%s", compound, knob);
    } else {
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "unknown knob '%s' (nmda_ki_um, interneuron_selectivity, ampa_emax, ampa_ec50_um, "
                           "half_life_h, cl_l_per_h, yield_METABOLITE, dose_mg_per_kg, dose_mg, infusion_h)",
                           knob);
    }
    /* refuse a name the table does not know now, not in the middle of a run */
    ketsim_params *tmp = NULL;
    int rc = ketsim_params_clone(params, &tmp, err);
    if (!rc)
        rc = ketsim_params_set(tmp, name, v, err);
    ketsim_params_free(tmp);
    if (rc) {
        ketsim_error_prefix(err, "knob: ");
        return rc;
    }
    c->set_value[c->n_sets++] = v;
    return KETSIM_OK;
}
