/* Goodness-of-fit figures of a population fit and its visual predictive
 * check (ketsim_plot_popest, include/ketsim/plot_results.h; docs/fit.md,
 * "Diagnostics"). */
#include "ketsim/model.h"
#include "ketsim/plot.h"
#include "ketsim/plot_results.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DOT "\u25cf"
#define PAGE_WIDTH_PX 900
#define SUBJECTS_PER_PAGE 4
/* a positive range wider than this many-fold is drawn on log axes ("auto") */
#define LOG_SPAN 100.0

/* The observations of one output, gathered from the records. */
typedef struct obs_set {
    size_t n;
    double *t, *dv, *pred, *ipred, *cwres;
    size_t *subj;    /* subject index of each */
} obs_set;

typedef struct gof_ctx {
    const ketsim_popest_plot_input *in;
    size_t o;                  /* output index in the curves */
    const char *oname;
    char label[160];           /* "NAME (unit)" */
    char unit[40];             /* "(ng/mL)" or "" */
    int log;                   /* log concentration axes */
    obs_set obs;
    size_t page;               /* individual fits: first subject of the page */
} gof_ctx;

static void obs_free(obs_set *s)
{
    free(s->t), free(s->dv), free(s->pred), free(s->ipred), free(s->cwres), free(s->subj);
}

/* Unit of an output: the model's, or from a per-compound name's suffix. */
static const char *unit_of(size_t code, const char *name)
{
    if (code < ketsim_n_outputs())
        return ketsim_output(code)->unit;
    static const char *const suffix[][2] = {{"_ng_per_ml", "ng/mL"}, {"_nm", "nM"}, {"_um", "uM"}};
    size_t n = strlen(name);
    for (size_t k = 0; k < sizeof suffix / sizeof suffix[0]; k++) {
        size_t m = strlen(suffix[k][0]);
        if (n > m && strcmp(name + n - m, suffix[k][0]) == 0)
            return suffix[k][1];
    }
    return "";
}

static int gather(const ketsim_popest_plot_input *in, size_t code, obs_set *s, ketsim_error *err)
{
    size_t nr = ketsim_events_n_records(in->ev), ns = ketsim_events_n_subjects(in->ev);
    memset(s, 0, sizeof *s);
    s->t = malloc((nr ? nr : 1) * sizeof *s->t);
    s->dv = malloc((nr ? nr : 1) * sizeof *s->dv);
    s->pred = malloc((nr ? nr : 1) * sizeof *s->pred);
    s->ipred = malloc((nr ? nr : 1) * sizeof *s->ipred);
    s->cwres = malloc((nr ? nr : 1) * sizeof *s->cwres);
    s->subj = malloc((nr ? nr : 1) * sizeof *s->subj);
    if (!s->t || !s->dv || !s->pred || !s->ipred || !s->cwres || !s->subj) {
        obs_free(s);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    for (size_t k = 0; k < ns; k++) {
        size_t first, n;
        ketsim_events_subject(in->ev, k, &first, &n);
        for (size_t i = first; i < first + n; i++) {
            const ketsim_event *e = ketsim_events_record(in->ev, i);
            if (!ketsim_event_has_value(e) || e->output != code)
                continue;
            s->t[s->n] = e->time_h, s->dv[s->n] = e->dv, s->subj[s->n] = k;
            s->pred[s->n] = in->r->pred[i], s->ipred[s->n] = in->r->ipred[i], s->cwres[s->n] = in->r->cwres[i];
            s->n++;
        }
    }
    return KETSIM_OK;
}

/* Whether the positive values span more than LOG_SPAN (and none is <= 0). */
static int spans_decades(const obs_set *s)
{
    double lo = INFINITY, hi = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (!(s->dv[i] > 0))
            return 0;
        lo = fmin(lo, s->dv[i]), hi = fmax(hi, s->dv[i]);
    }
    return s->n > 0 && hi > LOG_SPAN * lo;
}

/* DV against a prediction with the identity line over the common range. */
static int dv_vs(ketsim_plot *p, size_t panel, const gof_ctx *c, const double *x, const char *what,
                 ketsim_error *err)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < c->obs.n; i++)
        if (isfinite(x[i]) && (!c->log || (x[i] > 0 && c->obs.dv[i] > 0))) {
            lo = fmin(lo, fmin(x[i], c->obs.dv[i]));
            hi = fmax(hi, fmax(x[i], c->obs.dv[i]));
        }
    if (!isfinite(lo))
        lo = c->log ? 1 : 0, hi = c->log ? 10 : 1;
    double idx[2] = {lo, hi}, idy[2] = {lo, hi};
    char title[200], xl[200], yl[200];
    snprintf(title, sizeof title, "observed against %s", what);
    snprintf(xl, sizeof xl, "%s %s", what, c->unit);
    snprintf(yl, sizeof yl, "observed %s", c->unit);
    ketsim_plot_axes ax = ketsim_plot_axes_auto(title, xl, yl);
    ax.log_x = ax.log_y = c->log;
    ax.legend_bottom = 1;
    ketsim_plot_series s[2] = {
        {.label = "observations", .x = x, .y = c->obs.dv, .n = c->obs.n, .marker = DOT, .no_line = 1},
        {.label = "identity y = x", .x = idx, .y = idy, .n = 2},
    };
    static const size_t colours[2] = {0, 6};
    return ketsim_plot_lines_coloured(p, panel, &ax, s, 2, colours, err);
}

/* CWRES against x with the zero line and lines at -2 and +2. */
static int cwres_vs(ketsim_plot *p, size_t panel, const gof_ctx *c, const double *x, const char *what,
                    const char *xl, int log_x, ketsim_error *err)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < c->obs.n; i++)
        if (isfinite(x[i]) && isfinite(c->obs.cwres[i]) && (!log_x || x[i] > 0))
            lo = fmin(lo, x[i]), hi = fmax(hi, x[i]);
    if (!isfinite(lo))
        lo = log_x ? 1 : 0, hi = log_x ? 10 : 1;
    /* the two dashed lines as one series broken by a NAN */
    double zx[2] = {lo, hi}, z0[2] = {0, 0}, wx[5] = {lo, hi, NAN, lo, hi}, wy[5] = {-2, -2, NAN, 2, 2};
    char title[200];
    snprintf(title, sizeof title, "CWRES against %s (lines at 0 and +-2)", what);
    ketsim_plot_axes ax = ketsim_plot_axes_auto(title, xl, "CWRES (SD units)");
    ax.log_x = log_x;
    ketsim_plot_series s[3] = {
        {.x = x, .y = c->obs.cwres, .n = c->obs.n, .marker = DOT, .no_line = 1},
        {.x = zx, .y = z0, .n = 2},
        {.x = wx, .y = wy, .n = 5, .dashed = 1},
    };
    static const size_t colours[3] = {0, 6, 6};
    return ketsim_plot_lines_coloured(p, panel, &ax, s, 3, colours, err);
}

static int draw_gof(const char *path, const void *vctx, ketsim_error *err)
{
    const gof_ctx *c = vctx;
    char title[300];
    snprintf(title, sizeof title, "Goodness of fit, %s (%s)", c->oname, ketsim_popest_method_name(c->in->r->method));
    ketsim_plot *p = NULL;
    int rc = ketsim_plot_open(path, PAGE_WIDTH_PX, 1400, 4, 0, title, &p, err);
    if (!rc)
        rc = dv_vs(p, 0, c, c->obs.pred, "PRED", err);
    if (!rc)
        rc = dv_vs(p, 1, c, c->obs.ipred, "IPRED", err);
    if (!rc)
        rc = cwres_vs(p, 2, c, c->obs.t, "time", "time (h)", 0, err);
    char xl[200];
    snprintf(xl, sizeof xl, "PRED %s", c->unit);
    if (!rc)
        rc = cwres_vs(p, 3, c, c->obs.pred, "PRED", xl, c->log, err);
    if (rc) {
        ketsim_plot_abort(p);
        return rc;
    }
    return ketsim_plot_close(p, err);
}

/* One subject: observed points, the IPRED and PRED curves. */
static int draw_subject(ketsim_plot *p, size_t panel, const gof_ctx *c, size_t s, double *bt, double *bdv,
                        ketsim_error *err)
{
    const ketsim_popest_curves *cv = c->in->curves;
    size_t n = 0;
    for (size_t i = 0; i < c->obs.n; i++)
        if (c->obs.subj[i] == s)
            bt[n] = c->obs.t[i], bdv[n++] = c->obs.dv[i];
    const double *t = cv->time_h + s * cv->n_grid;
    const double *ip = cv->ipred + (s * cv->n_outputs + c->o) * cv->n_grid;
    const double *pp = cv->pred + (s * cv->n_outputs + c->o) * cv->n_grid;
    char title[120];
    snprintf(title, sizeof title, "ID %g", c->in->r->subject_id[s]);
    char yl[80];
    snprintf(yl, sizeof yl, "DV %s", c->unit);
    ketsim_plot_axes ax = ketsim_plot_axes_auto(title, "time (h)", yl);
    ax.log_y = c->log;
    ketsim_plot_series sr[3] = {
        {.label = "observed", .x = bt, .y = bdv, .n = n, .marker = DOT, .no_line = 1},
        {.label = "IPRED (individual)", .x = t, .y = ip, .n = cv->n_grid},
        {.label = "PRED (typical)", .x = t, .y = pp, .n = cv->n_grid, .dashed = 1},
    };
    return ketsim_plot_lines(p, panel, &ax, sr, 3, err);
}

static int draw_individual(const char *path, const void *vctx, ketsim_error *err)
{
    const gof_ctx *c = vctx;
    size_t ns = c->in->curves->n_subjects, n = ns - c->page < SUBJECTS_PER_PAGE ? ns - c->page : SUBJECTS_PER_PAGE;
    char title[300];
    snprintf(title, sizeof title, "Individual fits, %s: subjects %zu-%zu of %zu", c->oname, c->page + 1, c->page + n,
             ns);
    double *bt = malloc((c->obs.n ? c->obs.n : 1) * sizeof *bt), *bdv = malloc((c->obs.n ? c->obs.n : 1) * sizeof *bdv);
    ketsim_plot *p = NULL;
    int rc = !bt || !bdv ? KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory")
                         : ketsim_plot_open(path, PAGE_WIDTH_PX, 330 * (int)n + 150, n, 0, title, &p, err);
    for (size_t k = 0; !rc && k < n; k++)
        rc = draw_subject(p, k, c, c->page + k, bt, bdv, err);
    free(bt), free(bdv);
    if (rc) {
        ketsim_plot_abort(p);
        return rc;
    }
    return ketsim_plot_close(p, err);
}

static int draw_vpc(const char *path, const void *vctx, ketsim_error *err)
{
    const gof_ctx *c = vctx;
    const ketsim_popest_vpc_bin *b = c->in->vpc[c->o];
    size_t nb = c->in->n_vpc[c->o];
    double *buf = malloc((13 * nb + 1) * sizeof *buf); /* x, 9 simulated, 3 observed */
    if (!buf)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    double *x = buf, *v[3][3], *ob[3];
    for (int p = 0; p < 3; p++) {
        for (int j = 0; j < 3; j++)
            v[p][j] = buf + nb * (1 + 3 * (size_t)p + (size_t)j);
        ob[p] = buf + nb * (10 + (size_t)p);
    }
    for (size_t k = 0; k < nb; k++) {
        x[k] = b[k].t_mid_h;
        for (int p = 0; p < 3; p++) {
            ob[p][k] = b[k].obs[p];
            for (int j = 0; j < 3; j++)
                v[p][j][k] = b[k].sim[p][j];
        }
    }
    ketsim_plot_band bands[3] = {
        {"simulated 5th percentile: median, 95% interval", x, v[0][1], v[0][0], v[0][2], nb},
        {"simulated median: median, 95% interval", x, v[1][1], v[1][0], v[1][2], nb},
        {"simulated 95th percentile: median, 95% interval", x, v[2][1], v[2][0], v[2][2], nb},
    };
    ketsim_plot_series s[4] = {
        {.label = "observations", .x = c->obs.t, .y = c->obs.dv, .n = c->obs.n, .marker = "\u2022", .no_line = 1,
},
        {.label = "observed 5th and 95th percentiles (dashed)", .x = x, .y = ob[0], .n = nb, .dashed = 1},
        {.label = "observed median", .x = x, .y = ob[1], .n = nb, .marker = DOT},
        {.label = NULL, .x = x, .y = ob[2], .n = nb, .dashed = 1},
    };
    /* observations and observed percentiles in black over the coloured bands */
    static const size_t colours[4] = {6, 6, 6, 6};
    char title[300], sub[200];
    snprintf(title, sizeof title, "Visual predictive check, %s (%s)", c->oname,
             ketsim_popest_method_name(c->in->r->method));
    snprintf(sub, sizeof sub, "%zu simulations of the design from the estimates, %zu time bins", c->in->n_rep, nb);
    ketsim_plot_axes ax = ketsim_plot_axes_auto(sub, "time (h)", c->label);
    ax.log_y = c->log;
    ketsim_plot *p = NULL;
    int rc = ketsim_plot_open(path, PAGE_WIDTH_PX, 700, 1, 0, title, &p, err);
    if (!rc)
        rc = ketsim_plot_bands_series(p, 0, &ax, bands, 3, s, 4, colours, err);
    free(buf);
    if (rc) {
        ketsim_plot_abort(p);
        return rc;
    }
    return ketsim_plot_close(p, err);
}

static int plot_output(const char *dir, const ketsim_popest_plot_input *in, size_t o, ketsim_error *err)
{
    gof_ctx c = {.in = in, .o = o};
    size_t code = in->curves->outputs[o];
    c.oname = ketsim_events_output_name(in->ev, code);
    const char *unit = unit_of(code, c.oname);
    snprintf(c.label, sizeof c.label, unit[0] ? "%s (%s)" : "%s%s", c.oname, unit);
    snprintf(c.unit, sizeof c.unit, unit[0] ? "(%s)" : "%s", unit);
    int rc = gather(in, code, &c.obs, err);
    if (rc)
        return rc;
    c.log = in->log_scale < 0 ? spans_decades(&c.obs) : in->log_scale;
    char base[200];
    snprintf(base, sizeof base, "gof_%s", c.oname);
    rc = ketsim_plot_png_svg(dir, base, draw_gof, &c, err);
    for (c.page = 0; !rc && c.page < in->curves->n_subjects; c.page += SUBJECTS_PER_PAGE) {
        snprintf(base, sizeof base, "individual_%s_%zu", c.oname, c.page / SUBJECTS_PER_PAGE + 1);
        rc = ketsim_plot_png_svg(dir, base, draw_individual, &c, err);
    }
    if (!rc && in->vpc && in->n_vpc[o]) {
        snprintf(base, sizeof base, "vpc_%s", c.oname);
        rc = ketsim_plot_png_svg(dir, base, draw_vpc, &c, err);
    }
    obs_free(&c.obs);
    return rc;
}

int ketsim_plot_popest(const char *dir, const ketsim_popest_plot_input *in, ketsim_error *err)
{
    int rc = ketsim_plot_mkdir(dir, "--plot", err);
    for (size_t o = 0; !rc && o < in->curves->n_outputs; o++)
        rc = plot_output(dir, in, o, err);
    return rc;
}
