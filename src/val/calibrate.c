/* Calibration of the parameter rows of kind "calibrated" against the
 * calibration targets they name (see ketsim/calibrate.h). */
#include "ketsim/calibrate.h"
#include "ketsim/validate.h"

#include <ctype.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PULL 0.05
#define MARGIN 0.02
#define PENALTY 1e3
#define FD_STEP 1e-2

typedef struct cal_ctx {
    ketsim_validation *v;
    ketsim_params *sp[KETSIM_N_SPECIES]; /* table + start overrides, per species */
    size_t n_par, n_used, n_set;
    const char **names;     /* start overrides, then the calibrated parameters */
    double *vals;
    size_t *used;           /* indices of the targets in the objective */
    ketsim_species *tsp;    /* species of every target */
    double *point;          /* per target: the literature value when it is a number, else NAN */
    double *prior;          /* per calibrated parameter: ln(prior / start) */
} cal_ctx;

/* Does `text` mention target `id` as a whole word? */
static int mentions(const char *text, const char *id)
{
    size_t n = strlen(id);
    for (const char *p = strstr(text, id); p; p = strstr(p + 1, id)) {
        int before = p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
        int after = !(isalnum((unsigned char)p[n]) || p[n] == '_');
        if (before && after)
            return 1;
    }
    return 0;
}

/* Normalised distance of y outside [lower, upper] (0 well inside). */
static double distance(double y, double lower, double upper)
{
    int lo_fin = isfinite(lower), hi_fin = isfinite(upper);
    double s = lo_fin && hi_fin ? upper - lower : fmax(fabs(lo_fin ? lower : upper), 1.0);
    double m = MARGIN * s;
    if (!isfinite(y))
        return PENALTY;
    if (lo_fin && y < lower + m)
        return (lower + m - y) / s;
    if (hi_fin && y > upper - m)
        return (y - upper + m) / s;
    return 0;
}

/* A literature value that is one number ("18.9", "7.7") is a point target;
 * words ("increased", "no rise") leave only the accepted range. */
static double literature_point(const char *text)
{
    char *end;
    double v = strtod(text, &end);
    while (end != text && isspace((unsigned char)*end))
        end++;
    return end != text && *end == '\0' && isfinite(v) ? v : NAN;
}

/* Residual of one target: its normalised distance from the literature value
 * when that is a number, else from the accepted range (0 well inside). */
static double target_residual(double y, double point, double lower, double upper)
{
    if (!isfinite(y))
        return PENALTY;
    if (isnan(point))
        return distance(y, lower, upper);
    double s = isfinite(lower) && isfinite(upper) ? upper - lower : fmax(fabs(point), 1e-6);
    return (y - point) / s;
}

/* Run target i with factors exp(x) on the calibrated parameters. */
static int run_target(cal_ctx *c, size_t i, const double *x, ketsim_error *err)
{
    const ketsim_params *p = c->sp[c->tsp[i]];
    for (size_t j = 0; j < c->n_set + c->n_par; j++) {
        c->vals[j] = ketsim_params_value(p, c->names[j]);
        if (j >= c->n_set && x)
            c->vals[j] *= exp(x[j - c->n_set]);
    }
    return ketsim_validation_run_target(c->v, i, c->names, c->vals, c->n_set + c->n_par, err);
}

static void residuals_at(cal_ctx *c, const double *x, double *r)
{
    ketsim_error e;
    for (size_t k = 0; k < c->n_used; k++) {
        size_t i = c->used[k];
        const ketsim_target_result *t = ketsim_validation_result(c->v, i);
        r[k] = run_target(c, i, x, &e) ? PENALTY : target_residual(t->simulated, c->point[i], t->lower, t->upper);
    }
    for (size_t j = 0; j < c->n_par; j++)
        r[c->n_used + j] = PULL * (x[j] - c->prior[j]);
}

static int gsl_f(const gsl_vector *x, void *p, gsl_vector *f)
{
    residuals_at(p, gsl_vector_const_ptr(x, 0), gsl_vector_ptr(f, 0));
    return GSL_SUCCESS;
}

static int failed(const double *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (r[i] >= PENALTY)
            return 1;
    return 0;
}

/* Central differences; one-sided where a step leaves the parameter's
 * allowed range (a fraction at 1, say), so the failure's penalty never
 * enters the Jacobian. */
static int gsl_df(const gsl_vector *xv, void *p, gsl_matrix *J)
{
    cal_ctx *c = p;
    size_t n = c->n_used + c->n_par;
    double *x = malloc(c->n_par * sizeof *x), *rp = malloc(3 * n * sizeof *rp);
    if (!x || !rp) {
        free(x);
        free(rp);
        return GSL_ENOMEM;
    }
    double *r0 = rp + 2 * n;
    int have_r0 = 0; /* the centre, run only if some step fails */
    memcpy(x, gsl_vector_const_ptr(xv, 0), c->n_par * sizeof *x);
    for (size_t j = 0; j < c->n_par; j++) {
        double x0 = x[j];
        x[j] = x0 + FD_STEP;
        residuals_at(c, x, rp);
        x[j] = x0 - FD_STEP;
        residuals_at(c, x, rp + n);
        x[j] = x0;
        int up_bad = failed(rp, n), down_bad = failed(rp + n, n);
        if ((up_bad || down_bad) && !have_r0) {
            residuals_at(c, x, r0);
            have_r0 = 1;
        }
        const double *hi = up_bad ? r0 : rp, *lo = down_bad ? r0 : rp + n;
        double h = (up_bad || down_bad) ? FD_STEP : 2 * FD_STEP;
        for (size_t i = 0; i < n; i++)
            gsl_matrix_set(J, i, j, up_bad && down_bad ? 0.0 : (hi[i] - lo[i]) / h);
    }
    free(x);
    free(rp);
    return GSL_SUCCESS;
}

static double objective(cal_ctx *c, const double *x)
{
    size_t n = c->n_used + c->n_par;
    double *r = malloc(n * sizeof *r), s = 0;
    if (!r)
        return NAN;
    residuals_at(c, x, r);
    for (size_t i = 0; i < n; i++)
        s += r[i] * r[i];
    free(r);
    return s;
}

static int is_listed(const char *name, const ketsim_calib_options *o)
{
    if (!o->only)
        return 1;
    for (size_t i = 0; i < o->n_only; i++)
        if (strcmp(o->only[i], name) == 0)
            return 1;
    return 0;
}

static int row_info(const ketsim_params *p, const char *name, ketsim_param_info *info)
{
    size_t row;
    if (ketsim_params_find(p, name, &row, NULL))
        return -1;
    ketsim_params_info(p, row, info);
    return 0;
}

static const char *targets_of(const ketsim_params *p, const char *name)
{
    ketsim_param_info info;
    return row_info(p, name, &info) ? "" : info.targets;
}

/* The calibrated rows (kind "calibrated" in the human table). */
static int select_params(cal_ctx *c, const ketsim_calib_options *o, ketsim_error *err)
{
    const ketsim_params *p = c->sp[KETSIM_HUMAN];
    size_t np = ketsim_params_count(p);
    c->names = calloc(o->n_set + np, sizeof *c->names);
    c->vals = calloc(o->n_set + np, sizeof *c->vals);
    if (!c->names || !c->vals)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    c->n_set = o->n_set;
    for (size_t i = 0; i < o->n_set; i++)
        c->names[i] = o->set_names[i];
    for (size_t i = 0; i < np; i++) {
        ketsim_param_info info;
        ketsim_params_info(p, i, &info);
        if (info.kind == KETSIM_PARAM_CALIBRATED && is_listed(info.name, o))
            c->names[c->n_set + c->n_par++] = info.name;
    }
    for (size_t i = 0; o->only && i < o->n_only; i++) {
        ketsim_param_info info;
        if (row_info(p, o->only[i], &info) || info.kind != KETSIM_PARAM_CALIBRATED)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "--params: '%s' is not a parameter of kind calibrated (see ketsim params)",
                               o->only[i]);
    }
    if (c->n_par == 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "no parameter to calibrate");
    return KETSIM_OK;
}

/* Calibration targets named in the selected parameters' sources. */
static int select_targets(cal_ctx *c, ketsim_error *err)
{
    size_t nt = ketsim_validation_count(c->v);
    c->used = calloc(nt ? nt : 1, sizeof *c->used);
    c->tsp = calloc(nt ? nt : 1, sizeof *c->tsp);
    c->point = calloc(nt ? nt : 1, sizeof *c->point);
    if (!c->used || !c->tsp || !c->point)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    const ketsim_params *p = c->sp[KETSIM_HUMAN];
    for (size_t i = 0; i < nt; i++) {
        const ketsim_target_result *t = ketsim_validation_result(c->v, i);
        int rc = ketsim_species_parse(ketsim_validation_species(c->v, i), &c->tsp[i], err);
        if (rc)
            return rc;
        c->point[i] = literature_point(t->literature);
        if (strcmp(t->role, "calibration") != 0)
            continue; /* check targets never enter the objective */
        if (t->trial_level || t->derived)
            continue; /* replicate trials are too costly per evaluation; contrasts are judged after */
        for (size_t j = 0; j < c->n_par; j++) {
            if (mentions(targets_of(p, c->names[c->n_set + j]), t->id)) {
                c->used[c->n_used++] = i;
                break;
            }
        }
    }
    if (c->n_used == 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "no calibration target is named by the selected parameters");
    return KETSIM_OK;
}

static int named_by_set(const cal_ctx *c, const char *name)
{
    for (size_t i = 0; i < c->n_set; i++)
        if (strcmp(c->names[i], name) == 0)
            return 1;
    return 0;
}

/* The prior: the pull's centre, ln(prior / start) per calibrated parameter.
 * A parameter starts at its prior too, unless --set gives its start; every
 * species is scaled by the same factor, so the table's species ratios stay.
 * Every calibrated parameter must have a prior when priors are given:
 * calibrating without one would make the table its own prior. */
static const ketsim_calib_prior *find_prior(const ketsim_calib_options *o, const char *name)
{
    for (size_t k = 0; k < o->n_priors; k++)
        if (strcmp(o->priors[k].name, name) == 0)
            return &o->priors[k];
    return NULL;
}

static int load_prior(cal_ctx *c, const ketsim_calib_options *o, ketsim_error *err)
{
    if (!(c->prior = calloc(c->n_par ? c->n_par : 1, sizeof *c->prior)))
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    if (!o->priors)
        return KETSIM_OK;
    int rc = KETSIM_OK;
    for (size_t k = 0; !rc && k < o->n_priors; k++) {
        ketsim_param_info info;
        const ketsim_calib_prior *pr = &o->priors[k];
        const char *at = pr->where[0] ? pr->where : "prior";
        if (row_info(c->sp[KETSIM_HUMAN], pr->name, &info))
            rc = KETSIM_FAIL(err, KETSIM_EINPUT, "%s: unknown parameter '%s' (see ketsim params)", at, pr->name);
        else if (info.kind != KETSIM_PARAM_CALIBRATED)
            rc = KETSIM_FAIL(err, KETSIM_EINPUT, "%s: parameter '%s' is of kind %s, not calibrated (see ketsim params)",
                             at, pr->name, ketsim_param_kind_name(info.kind));
    }
    for (size_t j = 0; !rc && j < c->n_par; j++) {
        const char *name = c->names[c->n_set + j];
        const ketsim_calib_prior *pr = find_prior(o, name);
        double start = ketsim_params_value(c->sp[KETSIM_HUMAN], name);
        if (!pr) {
            rc = KETSIM_FAIL(err, KETSIM_EINPUT, "calibrated parameter '%s' has no prior (data/calibration_prior.txt)",
                             name);
        } else if (!(pr->value > 0 && start > 0)) {
            rc = KETSIM_FAIL(err, KETSIM_EINPUT, "'%s': prior %g and start %g must be positive", name, pr->value, start);
        } else if (named_by_set(c, name)) {
            c->prior[j] = log(pr->value / start);
        } else {
            for (int sp = 0; !rc && sp < KETSIM_N_SPECIES; sp++)
                rc = ketsim_params_set(c->sp[sp], name, ketsim_params_value(c->sp[sp], name) * pr->value / start, err);
        }
    }
    return rc;
}

static int ctx_init(cal_ctx *c, ketsim_validation *v, const ketsim_calib_options *o, ketsim_error *err)
{
    if (!o->base)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "calibrate: no base parameter table");
    c->v = v;
    int rc = KETSIM_OK;
    for (int s = 0; !rc && s < KETSIM_N_SPECIES; s++) {
        rc = ketsim_params_for_species(o->base, (ketsim_species)s, &c->sp[s], err);
        for (size_t i = 0; !rc && i < o->n_set; i++)
            rc = ketsim_params_set(c->sp[s], o->set_names[i], o->set_values[i], err);
    }
    if (!rc)
        rc = select_params(c, o, err);
    if (!rc)
        rc = select_targets(c, err);
    if (!rc)
        rc = load_prior(c, o, err);
    return rc;
}

static void ctx_free(cal_ctx *c)
{
    for (int s = 0; s < KETSIM_N_SPECIES; s++)
        ketsim_params_free(c->sp[s]);
    free(c->names);
    free(c->vals);
    free(c->used);
    free(c->tsp);
    free(c->point);
    free(c->prior);
}

/* Every target (both roles) at factors exp(x); x NULL: the start. */
static void record(const ketsim_target_result *t, ketsim_calib_target *g, int after)
{
    if (after) {
        g->after = t->simulated;
        g->pass_after = t->pass;
        return;
    }
    snprintf(g->id, sizeof g->id, "%s", t->id);
    snprintf(g->role, sizeof g->role, "%s", t->role);
    g->lower = t->lower;
    g->upper = t->upper;
    g->before = t->simulated;
    g->pass_before = t->pass;
}

/* Every target (both roles) at factors exp(x); x NULL: the start.  Trial
 * targets are not re-run per parameter set (`ketsim validate` reports
 * them); contrasts of targets come after the targets they compare. */
static int run_all(cal_ctx *c, const double *x, ketsim_calib_result *r, int after, ketsim_error *err)
{
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < r->n_targets; i++) {
            const ketsim_target_result *t = ketsim_validation_result(c->v, i);
            ketsim_calib_target *g = &r->tgt[i];
            if (t->derived != pass)
                continue;
            if (t->trial_level) {
                record(t, g, after);
                g->trial_level = 1;
                g->before = g->after = NAN;
                continue;
            }
            int rc = run_target(c, i, x, err);
            if (rc)
                return rc;
            record(t, g, after);
        }
    return KETSIM_OK;
}

static int optimise(cal_ctx *c, double *x, const ketsim_calib_options *o, ketsim_calib_result *r,
                    ketsim_error *err)
{
    size_t n = c->n_used + c->n_par;
    gsl_multifit_nlinear_parameters par = gsl_multifit_nlinear_default_parameters();
    par.trs = gsl_multifit_nlinear_trs_lm;
    gsl_multifit_nlinear_fdf fdf = {.f = gsl_f, .df = gsl_df, .n = n, .p = c->n_par, .params = c};
    gsl_multifit_nlinear_workspace *w = gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &par, n, c->n_par);
    if (!w)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    gsl_vector_view xv = gsl_vector_view_array(x, c->n_par);
    gsl_multifit_nlinear_init(&xv.vector, &fdf, w);
    int info = 0;
    int st = gsl_multifit_nlinear_driver(o->max_iter ? o->max_iter : 50, 1e-6, 1e-8, 1e-10, NULL, NULL, &info, w);
    r->converged = st == GSL_SUCCESS;
    r->iterations = gsl_multifit_nlinear_niter(w);
    memcpy(x, gsl_multifit_nlinear_position(w)->data, c->n_par * sizeof *x);
    gsl_multifit_nlinear_free(w);
    return KETSIM_OK;
}

static int alloc_result(ketsim_calib_result **out, size_t np, size_t nt, ketsim_error *err)
{
    ketsim_calib_result *r = calloc(1, sizeof *r);
    if (r) {
        r->par = calloc(np, sizeof *r->par);
        r->tgt = calloc(nt ? nt : 1, sizeof *r->tgt);
    }
    if (!r || !r->par || !r->tgt) {
        ketsim_calib_result_free(r);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    r->n_par = np;
    r->n_targets = nt;
    *out = r;
    return KETSIM_OK;
}

/* The targets' sensitivity matrix J (used targets x parameters, d residual
 * / d ln parameter) at x: its singular values from the eigenvalues of J^T J
 * give the rank and condition, and the eigenvectors of the small ones the
 * combinations the targets leave undetermined. */
static int identifiability(cal_ctx *c, const double *x, ketsim_calib_result *r, ketsim_error *err)
{
    size_t n = c->n_used + c->n_par, p = c->n_par;
    gsl_matrix *J = gsl_matrix_alloc(n, p), *JtJ = gsl_matrix_alloc(p, p), *vec = gsl_matrix_alloc(p, p);
    gsl_vector *eval = gsl_vector_alloc(p);
    gsl_eigen_symmv_workspace *w = gsl_eigen_symmv_alloc(p);
    int rc = (J && JtJ && vec && eval && w) ? KETSIM_OK : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    if (!rc) {
        gsl_vector_const_view xv = gsl_vector_const_view_array(x, p);
        gsl_df(&xv.vector, c, J);
        gsl_matrix_view Jt = gsl_matrix_submatrix(J, 0, 0, c->n_used, p); /* targets only, no pull */
        gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, &Jt.matrix, &Jt.matrix, 0.0, JtJ);
        for (size_t j = 0; j < p; j++) {
            gsl_vector_view col = gsl_matrix_column(&Jt.matrix, j);
            r->par[j].sensitivity = gsl_blas_dnrm2(&col.vector);
        }
        gsl_eigen_symmv(JtJ, eval, vec, w);
        gsl_eigen_symmv_sort(eval, vec, GSL_EIGEN_SORT_VAL_DESC);
        double smax = sqrt(fmax(gsl_vector_get(eval, 0), 0.0)), smin = sqrt(fmax(gsl_vector_get(eval, p - 1), 0.0));
        r->rank = 0;
        for (size_t k = 0; k < p; k++) {
            double sk = sqrt(fmax(gsl_vector_get(eval, k), 0.0));
            if (sk > 1e-3 * smax)
                r->rank++;
            else if (r->n_weak < KETSIM_CALIB_MAX_WEAK) {
                ketsim_calib_weak *wk = &r->weak[r->n_weak++];
                wk->singular = smax > 0 ? sk / smax : 0;
                int used[64] = {0};
                for (size_t q = 0; q < KETSIM_CALIB_WEAK_TOP && q < p; q++) {
                    size_t best = 0;
                    double bv = -1;
                    for (size_t j = 0; j < p; j++)
                        if ((j >= 64 || !used[j]) && fabs(gsl_matrix_get(vec, j, k)) > bv) {
                            bv = fabs(gsl_matrix_get(vec, j, k));
                            best = j;
                        }
                    if (best < 64)
                        used[best] = 1;
                    wk->par[q] = best;
                    wk->loading[q] = gsl_matrix_get(vec, best, k);
                }
            }
        }
        r->condition = smin > 0 ? smax / smin : INFINITY;
    }
    gsl_eigen_symmv_free(w);
    gsl_vector_free(eval);
    gsl_matrix_free(vec);
    gsl_matrix_free(JtJ);
    gsl_matrix_free(J);
    return rc;
}

/* Calibration targets outside the objective that no hand-set row names
 * either: nothing fits them and nobody set anything against them. */
static int named_by_hand(const cal_ctx *c, const char *id)
{
    const ketsim_params *p = c->sp[KETSIM_HUMAN];
    for (size_t i = 0; i < ketsim_params_count(p); i++) {
        ketsim_param_info info;
        ketsim_params_info(p, i, &info);
        if (info.kind == KETSIM_PARAM_HAND_SET && mentions(info.targets, id))
            return 1;
    }
    return 0;
}

static void orphans(const cal_ctx *c, ketsim_calib_result *r)
{
    for (size_t i = 0; i < r->n_targets; i++) {
        const ketsim_target_result *t = ketsim_validation_result(c->v, i);
        int used = 0;
        for (size_t k = 0; k < c->n_used; k++)
            used |= c->used[k] == i;
        if (t->role_kind == KETSIM_ROLE_CALIBRATION && !used && !named_by_hand(c, t->id) && r->n_orphan < 32)
            snprintf(r->orphan[r->n_orphan++], sizeof r->orphan[0], "%s", t->id);
    }
}

static void fill_params(const cal_ctx *c, const ketsim_calib_options *o, const double *x, ketsim_calib_result *r)
{
    for (size_t j = 0; j < c->n_par; j++) {
        ketsim_calib_param *p = &r->par[j];
        snprintf(p->name, sizeof p->name, "%s", c->names[c->n_set + j]);
        p->before = ketsim_params_value(c->sp[o->report_species], p->name);
        p->factor = exp(x[j]);
        p->after = p->before * p->factor;
        p->prior = p->before * exp(c->prior[j]);
        p->distance = x[j] - c->prior[j];
        const ketsim_calib_prior *pr = find_prior(o, p->name);
        snprintf(p->basis, sizeof p->basis, "%s", pr ? pr->basis : "table");
    }
}

int ketsim_calibrate(ketsim_validation *v, const ketsim_calib_options *opt, ketsim_calib_result **out,
                     ketsim_error *err)
{
    *out = NULL;
    cal_ctx c = {0};
    ketsim_calib_result *r = NULL;
    double *x = NULL;
    int rc = ctx_init(&c, v, opt, err);
    if (!rc)
        rc = alloc_result(&r, c.n_par, ketsim_validation_count(c.v), err);
    if (!rc && !(x = calloc(c.n_par, sizeof *x)))
        rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    if (!rc)
        rc = run_all(&c, NULL, r, 0, err);
    if (!rc) {
        r->n_used = c.n_used;
        r->objective_before = objective(&c, x);
        if (r->objective_before > 0) /* 0: every target already well inside */
            rc = optimise(&c, x, opt, r, err);
        else
            r->converged = 1;
    }
    if (!rc) {
        r->objective_after = objective(&c, x);
        rc = identifiability(&c, x, r, err);
    }
    if (!rc)
        rc = run_all(&c, x, r, 1, err);
    for (size_t k = 0; !rc && k < c.n_used; k++)
        r->tgt[c.used[k]].used = 1;
    if (!rc) {
        fill_params(&c, opt, x, r);
        orphans(&c, r);
    }
    ctx_free(&c);
    free(x);
    if (rc) {
        ketsim_calib_result_free(r);
        return rc;
    }
    *out = r;
    return KETSIM_OK;
}

void ketsim_calib_result_free(ketsim_calib_result *r)
{
    if (!r)
        return;
    free(r->par);
    free(r->tgt);
    free(r);
}
