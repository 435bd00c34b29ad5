/* Early markers of response in a virtual cohort (ketsim predict). */
#include "ketsim/beyond.h"
#include "ketsim/cohort.h"
#include "ketsim/model.h"
#include "ketsim/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GRID_MAX 2048
#define EARLY_H 4.0          /* window of the "peak" markers */
#define EARLY_STEP_H (5.0 / 60)

typedef struct grid {
    double t[GRID_MAX];
    size_t n;
} grid;

static void grid_add(grid *g, double t)
{
    if (g->n < GRID_MAX && t >= 0)
        g->t[g->n++] = t;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void grid_finish(grid *g)
{
    qsort(g->t, g->n, sizeof g->t[0], cmp_double);
    size_t u = 0;
    for (size_t k = 0; k < g->n; k++)
        if (u == 0 || g->t[k] > g->t[u - 1] + 1e-9)
            g->t[u++] = g->t[k];
    g->n = u;
}

static size_t nearest(const grid *g, double t)
{
    size_t best = 0;
    for (size_t k = 1; k < g->n; k++)
        if (fabs(g->t[k] - t) < fabs(g->t[best] - t))
            best = k;
    return best;
}

/* The course of the scenario's first active arm, as free doses. */
static int course(const ketsim_trial_scenario *sc, ketsim_cohort_spec *sp, ketsim_error *err)
{
    const ketsim_trial_arm *arm = NULL;
    for (size_t a = 0; a < sc->n_arms && !arm; a++)
        if (sc->arms[a].control == KETSIM_TRIAL_ACTIVE)
            arm = &sc->arms[a];
    if (!arm)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "scenario '%s' has no active arm", sc->name);
    size_t n = ketsim_trial_arm_n_sessions(sc, arm);
    if (n > KETSIM_COHORT_MAX_DOSES)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "scenario '%s': too many doses", sc->name);
    sp->n_doses = n;
    for (size_t d = 0; d < n; d++) {
        sp->doses[d] = *ketsim_trial_arm_dose(arm, d);
        sp->doses[d].time_h = ketsim_trial_arm_session_h(sc, arm, d);
    }
    return KETSIM_OK;
}

typedef struct outcome_data {
    int *y;         /* 0/1, -1 undefined */
    double *change; /* % MADRS change from baseline at the outcome visit */
} outcome_data;

static int responds(int rated, int base, const ketsim_trial_defs *d)
{
    return rated <= (1.0 - d->response_fraction) * base + 1e-9;
}

static void outcomes(const ketsim_predict_opts *o, const ketsim_trial_defs *d, const grid *g, const ketsim_cohort_result *c,
                     double last_dose_h, ketsim_predict_report *rep, outcome_data *od)
{
    const ketsim_trial_scenario *sc = &o->sc;
    double t_resp = o->outcome == KETSIM_PREDICT_RESPONSE_24H ? 24.0 : sc->visit_h[sc->n_visits - 1];
    if (o->outcome == KETSIM_PREDICT_RELAPSE_BY)
        t_resp = sc->visit_h[sc->primary_visit];
    double t_change = o->outcome == KETSIM_PREDICT_RELAPSE_BY ? last_dose_h + 24.0 * o->relapse_days : t_resp;
    rep->outcome_time_h = o->outcome == KETSIM_PREDICT_RELAPSE_BY ? t_change : t_resp;
    size_t kr = nearest(g, t_resp), kc = nearest(g, t_change);
    for (int i = 0; i < c->n_subjects; i++) {
        const int *m = c->madrs_rated + (size_t)i * g->n;
        int base = m[0];
        od->change[i] = base > 0 ? 100.0 * (m[kc] - base) / base : 0;
        if (o->outcome != KETSIM_PREDICT_RELAPSE_BY) {
            od->y[i] = responds(m[kr], base, d);
            continue;
        }
        /* relapse: only responders at the primary visit are at risk */
        if (!responds(m[kr], base, d)) {
            od->y[i] = -1;
            continue;
        }
        int run = 0, rel = 0;
        for (int day = 1; day <= (int)floor(o->relapse_days + 1e-9) && !rel; day++) {
            int r = m[nearest(g, last_dose_h + 24.0 * day)];
            run = r > d->relapse_fraction * base ? run + 1 : 0;
            rel = run >= d->relapse_consecutive;
        }
        od->y[i] = rel;
    }
}

/* Fill marker values x[i] for row `which`; returns 0 when not applicable.
 * New markers go at the end: a marker's index is its bootstrap stream. */
enum { M_BDNF, M_GLU, M_CADSS40, M_MADRS2, M_MADRS4, M_MET, M_PM, M_BASE, M_RESP2, M_RESP4, M_N_BUILTIN };

static const char *const builtin_name[M_N_BUILTIN] = {
    "bdnf_change_230_240min", "glutamate_surge_peak", "cadss_40min", "madrs_change_2h",
    "madrs_change_4h", "bdnf_val66met_carrier", "cyp2b6_poor_metaboliser", "baseline_madrs",
    "response_2h", "response_4h"};
static const char *const builtin_desc[M_N_BUILTIN] = {
    "plasma BDNF, mean of 230 and 240 min, relative change from baseline",
    "peak prefrontal glutamate (pfc_glutamate_rel) over 0-4 h, minus 1",
    "CADSS at 40 min (end of a 40 min infusion)",
    "rated MADRS at 2 h minus rated baseline (points)",
    "rated MADRS at 4 h minus rated baseline (points)",
    "genotype: BDNF Val66Met Met carrier (1) or not (0)",
    "genotype: CYP2B6 poor metaboliser (1) or not (0)",
    "rated baseline MADRS (points)",
    "responder at 2 h (1) or not (0): rated MADRS <= (1 - trial.response_fraction) x baseline",
    "responder at 4 h (1) or not (0): rated MADRS <= (1 - trial.response_fraction) x baseline"};

static double builtin_value(int which, int i, const grid *g, const ketsim_cohort_result *c, const ketsim_trial_defs *d)
{
    const int *m = c->madrs_rated + (size_t)i * g->n;
    switch (which) {
    case M_BDNF:
        return 0.5 * (ketsim_cohort_out(c, i, nearest(g, 230.0 / 60), 0) + ketsim_cohort_out(c, i, nearest(g, 4.0), 0)) - 1;
    case M_GLU: {
        double pk = 0;
        for (size_t k = 0; k < g->n && g->t[k] <= EARLY_H + 1e-9; k++)
            pk = fmax(pk, ketsim_cohort_out(c, i, k, 1));
        return pk - 1;
    }
    case M_CADSS40: return ketsim_cohort_out(c, i, nearest(g, 40.0 / 60), 2);
    case M_MADRS2: return m[nearest(g, 2.0)] - m[0];
    case M_MADRS4: return m[nearest(g, 4.0)] - m[0];
    case M_MET: return c->bdnf_met[i];
    case M_PM: return c->cyp2b6_pm[i];
    case M_RESP2: return responds(m[nearest(g, 2.0)], m[0], d);
    case M_RESP4: return responds(m[nearest(g, 4.0)], m[0], d);
    default: return m[0];
    }
}

static double user_value(const ketsim_predict_user_marker *u, size_t j, int i, const grid *g, const ketsim_cohort_result *c)
{
    if (u->time_h >= 0)
        return ketsim_cohort_out(c, i, nearest(g, u->time_h), j);
    double pk = -INFINITY;
    for (size_t k = 0; k < g->n && g->t[k] <= EARLY_H + 1e-9; k++)
        pk = fmax(pk, ketsim_cohort_out(c, i, k, j));
    return pk;
}

/* A marker that is only ever 0 or 1 is a yes/no test (1 = test positive):
 * its 2x2 table against the outcome, with Wilson intervals. */
static void binary_table(const double *x, const int *y, size_t n, ketsim_predict_row *row)
{
    size_t tab[2][2] = {{0, 0}, {0, 0}}; /* [test][outcome] */
    row->binary = n > 0;
    for (size_t i = 0; i < n && row->binary; i++) {
        row->binary = x[i] == 0 || x[i] == 1;
        if (row->binary)
            tab[x[i] == 1][y[i]]++;
    }
    ketsim_error e;
    if (row->binary && ketsim_stats_diagnostic_2x2(tab[1][1], tab[1][0], tab[0][1], tab[0][0], 0.95, &row->diag, &e))
        row->binary = 0;
}

/* stream: the bootstrap stream of this marker (fixed per marker, so adding
 * or dropping other markers leaves its interval unchanged) */
static int evaluate(const ketsim_predict_opts *o, const double *x, const outcome_data *od, int n, uint64_t stream,
                    ketsim_predict_row *row, ketsim_error *err)
{
    double *xs = malloc((size_t)n * sizeof *xs), *ch = malloc((size_t)n * sizeof *ch),
           *yd = malloc((size_t)n * sizeof *yd);
    int *ys = malloc((size_t)n * sizeof *ys);
    if (!xs || !ch || !yd || !ys) {
        free(xs), free(ch), free(yd), free(ys);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    size_t m = 0;
    for (int i = 0; i < n; i++)
        if (od->y[i] >= 0) {
            xs[m] = x[i];
            ys[m] = od->y[i];
            yd[m] = od->y[i];
            ch[m] = od->change[i];
            m++;
        }
    row->n = m;
    row->r_outcome = row->rho_outcome = row->r_change = row->p_change = row->rho_change = NAN;
    binary_table(xs, ys, m, row);
    ketsim_error e2 = {0};
    double p;
    /* a constant marker or a one-class outcome has no ROC: reported as such */
    row->roc_ok = ketsim_roc_fit(xs, ys, m, o->n_boot, 0.95, o->seed, stream,
                                 &row->roc, &e2) == KETSIM_OK;
    /* but out of memory is an error, not a marker without a value */
    int nomem = e2.code == KETSIM_ENOMEM;
    if (ketsim_stats_pearson(xs, yd, m, &row->r_outcome, &p, &e2))
        row->r_outcome = NAN;
    nomem |= e2.code == KETSIM_ENOMEM;
    if (ketsim_spearman(xs, yd, m, &row->rho_outcome, &p, &e2))
        row->rho_outcome = NAN;
    nomem |= e2.code == KETSIM_ENOMEM;
    if (ketsim_stats_pearson(xs, ch, m, &row->r_change, &row->p_change, &e2))
        row->r_change = row->p_change = NAN;
    nomem |= e2.code == KETSIM_ENOMEM;
    if (ketsim_spearman(xs, ch, m, &row->rho_change, &p, &e2))
        row->rho_change = NAN;
    nomem |= e2.code == KETSIM_ENOMEM;
    free(xs), free(ch), free(yd), free(ys);
    if (nomem) {
        if (row->roc_ok)
            ketsim_roc_result_free(&row->roc);
        row->roc_ok = 0;
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory evaluating marker %s", row->name);
    }
    return KETSIM_OK;
}

static int cmp_rows(const void *a, const void *b)
{
    const ketsim_predict_row *p = a, *q = b;
    double x = p->roc_ok ? p->roc.auc : -1, y = q->roc_ok ? q->roc.auc : -1;
    if (x != y)
        return (x < y) - (x > y);
    return strcmp(p->name, q->name);
}

static int setup(const ketsim_predict_opts *o, grid *g, ketsim_cohort_spec *sp, ketsim_error *err)
{
    const ketsim_trial_scenario *sc = &o->sc;
    int rc = course(sc, sp, err);
    if (rc)
        return rc;
    double last = sp->doses[sp->n_doses - 1].time_h;
    grid_add(g, 0);
    for (double t = EARLY_STEP_H; t <= EARLY_H + 1e-9; t += EARLY_STEP_H)
        grid_add(g, t);
    grid_add(g, 230.0 / 60);
    grid_add(g, 24);
    for (size_t k = 0; k < sc->n_visits; k++)
        grid_add(g, sc->visit_h[k]);
    if (o->outcome == KETSIM_PREDICT_RELAPSE_BY)
        for (int day = 1; day <= (int)floor(o->relapse_days + 1e-9); day++)
            grid_add(g, last + 24.0 * day);
    for (size_t u = 0; u < o->n_user; u++)
        grid_add(g, o->user[u].time_h);
    if (g->n >= GRID_MAX)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "too many time points (limit %d)", GRID_MAX);
    grid_finish(g);
    const char *outs[3] = {"plasma_bdnf_rel", "pfc_glutamate_rel", "cadss"};
    for (int j = 0; j < 3; j++)
        sp->outputs[sp->n_outputs++] = ketsim_output_index(outs[j]);
    for (size_t u = 0; u < o->n_user; u++) {
        long idx = ketsim_output_index(o->user[u].output);
        if (idx < 0)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "--marker '%s': unknown model output (see ketsim outputs)",
                               o->user[u].output);
        sp->outputs[sp->n_outputs++] = idx;
    }
    return KETSIM_OK;
}

/* A --marker row: its name, description and values (stream 100 + u). */
static int user_row(const ketsim_predict_opts *o, size_t u, const grid *g, const ketsim_cohort_result *c,
                    const outcome_data *od, ketsim_predict_row *row, ketsim_error *err)
{
    const ketsim_predict_user_marker *um = &o->user[u];
    if (um->time_h >= 0) {
        snprintf(row->name, sizeof row->name, "%s@%gh", um->output, um->time_h);
        snprintf(row->description, sizeof row->description, "model output %s at %g h after the first dose",
                 um->output, um->time_h);
    } else {
        snprintf(row->name, sizeof row->name, "%s@peak", um->output);
        snprintf(row->description, sizeof row->description, "peak of model output %s over 0-4 h", um->output);
    }
    int n = o->n_subjects;
    double *x = row->values = malloc((size_t)n * sizeof *x);
    if (!x)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    for (int i = 0; i < n; i++)
        x[i] = user_value(um, 3 + u, i, g, c);
    return evaluate(o, x, od, n, 100 + (uint64_t)u, row, err);
}

int ketsim_beyond_predict(const ketsim_params *params, const ketsim_predict_opts *o, ketsim_predict_report *rep, ketsim_error *err)
{
    memset(rep, 0, sizeof *rep);
    if (o->outcome == KETSIM_PREDICT_RELAPSE_BY && !(o->relapse_days >= 1 && o->relapse_days <= 365))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "relapse_by: DAYS must be between 1 and 365");
    if (o->n_user > KETSIM_PREDICT_MAX_USER || o->n_boot < 0 || o->n_subjects < 10)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "predict: at most %d user markers, --subjects >= 10",
                           KETSIM_PREDICT_MAX_USER);
    grid *gp = malloc(sizeof *gp);
    ketsim_catalog *cat = NULL;
    if (!gp)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    memset(gp, 0, sizeof *gp);
    ketsim_cohort_spec sp = {.params = params, .drug = o->sc.drug, .n_subjects = o->n_subjects, .seed = o->seed,
                      .inclusion_min = o->sc.inclusion_madrs_min, .threads = o->threads};
    int rc = setup(o, gp, &sp, err);
    if (!rc)
        rc = ketsim_catalog_create(&cat, err);
    sp.cat = cat;
    sp.times_h = gp->t;
    sp.n_times = gp->n;
    ketsim_cohort_result c = {0};
    if (!rc)
        rc = ketsim_cohort_run(&sp, NULL, 0, &c, err);
    int n = o->n_subjects;
    /* the outcome arrays and each marker's values are handed to rep */
    outcome_data od = {malloc((size_t)n * sizeof(int)), malloc((size_t)n * sizeof(double))};
    rep->outcome = od.y;
    rep->change = od.change;
    if (!rc && (!od.y || !od.change))
        rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    if (!rc) {
        ketsim_trial_defs d;
        ketsim_trial_defs_read(params, &d);
        outcomes(o, &d, gp, &c, o->sc.dose_h[o->sc.n_doses - 1], rep, &od);
        rep->n_subjects = n;
        for (int i = 0; i < n; i++) {
            rep->n_defined += od.y[i] >= 0;
            rep->n_positive += od.y[i] == 1;
        }
        int first = o->default_markers ? 0 : M_N_BUILTIN;
        for (int w = first; !rc && w < M_N_BUILTIN; w++) {
            ketsim_predict_row *row = &rep->rows[rep->n_rows++];
            snprintf(row->name, sizeof row->name, "%s", builtin_name[w]);
            snprintf(row->description, sizeof row->description, "%s", builtin_desc[w]);
            double *x = row->values = malloc((size_t)n * sizeof *x);
            if (!x) {
                rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
                break;
            }
            for (int i = 0; i < n; i++)
                x[i] = builtin_value(w, i, gp, &c, &d);
            rc = evaluate(o, x, &od, n, (uint64_t)w, row, err);
        }
        for (size_t u = 0; !rc && u < o->n_user; u++)
            rc = user_row(o, u, gp, &c, &od, &rep->rows[rep->n_rows++], err);
    }
    if (!rc) {
        const char *lab[3] = {"response at 24 h", "response at the last visit", "relapse"};
        snprintf(rep->outcome_label, sizeof rep->outcome_label, "%s", lab[o->outcome]);
        if (o->outcome == KETSIM_PREDICT_RELAPSE_BY)
            snprintf(rep->outcome_label, sizeof rep->outcome_label, "relapse within %g d of the last dose",
                     o->relapse_days);
        snprintf(rep->change_label, sizeof rep->change_label, "%% MADRS change from baseline at %g h",
                 rep->outcome_time_h);
        qsort(rep->rows, rep->n_rows, sizeof rep->rows[0], cmp_rows);
    }
    free(gp);
    ketsim_cohort_result_free(&c);
    ketsim_catalog_free(cat);
    if (rc)
        ketsim_predict_report_free(rep);
    return rc;
}

void ketsim_predict_report_free(ketsim_predict_report *rep)
{
    for (size_t i = 0; i < rep->n_rows; i++) {
        if (rep->rows[i].roc_ok)
            ketsim_roc_result_free(&rep->rows[i].roc);
        free(rep->rows[i].values);
        rep->rows[i].values = NULL;
    }
    rep->n_rows = 0;
    free(rep->outcome);
    free(rep->change);
    rep->outcome = NULL;
    rep->change = NULL;
}
