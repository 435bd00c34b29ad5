/* Figures of ketsim predict, design and optimize (include/ketsim/plot_results.h). */
#include "ketsim/plot.h"
#include "ketsim/plot_results.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROC_MAX 6

/* ---- predict: ROC curves -------------------------------------------------- */

typedef struct roc_ctx {
    const ketsim_predict_report *rep;
    size_t top;
} roc_ctx;

static int draw_roc(const char *path, const void *vctx, ketsim_error *err)
{
    const roc_ctx *c = vctx;
    ketsim_plot_series s[ROC_MAX + 1];
    char labels[ROC_MAX][160];
    double *buf[ROC_MAX] = {0};
    size_t m = 0;
    int rc = KETSIM_OK;
    for (size_t i = 0; i < c->rep->n_rows && m < c->top && !rc; i++) {
        const ketsim_predict_row *r = &c->rep->rows[i];
        if (!r->roc_ok || r->roc.n_curve == 0)
            continue;
        size_t n = r->roc.n_curve;
        buf[m] = malloc(2 * n * sizeof *buf[m]);
        if (!buf[m]) {
            rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
            break;
        }
        for (size_t j = 0; j < n; j++) {
            buf[m][j] = 1 - r->roc.curve[j].specificity;  /* false-positive rate */
            buf[m][n + j] = r->roc.curve[j].sensitivity;
        }
        snprintf(labels[m], sizeof labels[m], "%s (AUC %.2f)", r->name, r->roc.auc);
        s[m] = (ketsim_plot_series){labels[m], buf[m], buf[m] + n, n, 0, NULL, 0};
        m++;
    }
    static const double diag[2] = {0, 1};
    s[m] = (ketsim_plot_series){"chance", diag, diag, 2, 1, NULL, 0};
    ketsim_plot *p = NULL;
    char title[192];
    snprintf(title, sizeof title, "Early markers of %s (%zu of %zu patients positive)", c->rep->outcome_label,
             c->rep->n_positive, c->rep->n_defined);
    if (!rc)
        rc = ketsim_plot_open(path, 900, 800, 1, 0, title, &p, err);
    ketsim_plot_axes ax = ketsim_plot_axes_auto("ROC curves of the best-ranked markers",
                                                "1 - specificity (false-positive rate)", "sensitivity");
    ax.xmin = ax.ymin = 0, ax.xmax = ax.ymax = 1;
    ax.legend_bottom = 1;
    if (!rc)
        rc = ketsim_plot_lines(p, 0, &ax, s, m + 1, err);
    for (size_t k = 0; k < m; k++)
        free(buf[k]);
    if (rc) {
        if (p)
            ketsim_plot_abort(p);
        return rc;
    }
    return ketsim_plot_close(p, err);
}

int ketsim_plot_predict(const ketsim_predict_report *rep, size_t top, const char *dir, ketsim_error *err)
{
    int rc = ketsim_plot_mkdir(dir, "--plot", err);
    roc_ctx c = {rep, top < ROC_MAX ? top : ROC_MAX};
    return rc ? rc : ketsim_plot_png_svg(dir, "predict_roc", draw_roc, &c, err);
}

/* ---- design: efficacy against burden -------------------------------------- */

typedef struct design_ctx {
    const ketsim_design_candidate *cand;
    const ketsim_design_result *res;
    size_t n;
} design_ctx;

static int cmp_by_x(const void *a, const void *b)
{
    const double *u = a, *v = b;
    return (u[0] > v[0]) - (u[0] < v[0]);
}

/* Every point gets a label: the candidate's name while there are few
 * enough to read, else its number (the row of the printed table and of
 * design.csv). */
#define DESIGN_NAMED_MAX 12

static int label_points(ketsim_plot *p, const ketsim_plot_axes *ax, const design_ctx *c, ketsim_error *err)
{
    size_t n = c->n;
    double *x = malloc((n ? n : 1) * 2 * sizeof *x);
    char **text = calloc(n ? n : 1, sizeof *text);
    int rc = x && text ? KETSIM_OK : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < n; i++) {
        x[i] = c->res[i].cadss_peak, x[n + i] = c->res[i].days_excess;
        char buf[40];
        if (n <= DESIGN_NAMED_MAX)
            snprintf(buf, sizeof buf, "%.28s", c->cand[i].name);
        else
            snprintf(buf, sizeof buf, "%zu", i + 1);
        if (!(text[i] = strdup(buf)))
            rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    if (!rc)
        rc = ketsim_plot_labels(p, 0, ax, x, x + n, (const char *const *)text, n, err);
    for (size_t i = 0; text && i < n; i++)
        free(text[i]);
    free(text), free(x);
    return rc;
}

static int draw_design(const char *path, const void *vctx, ketsim_error *err)
{
    const design_ctx *c = vctx;
    size_t n = c->n;
    double *xy = malloc((4 * n + 2) * sizeof *xy);
    if (!xy)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    /* xy: others (x then y), front pairs sorted by burden, placebo point. */
    double *ox = xy, *oy = xy + n, *front = xy + 2 * n, px[1], py[1];
    size_t n_other = 0, n_front = 0, n_placebo = 0;
    for (size_t i = 0; i < n; i++) {
        const ketsim_design_result *r = &c->res[i];
        if (c->cand[i].placebo) {
            px[0] = r->cadss_peak, py[0] = r->days_excess;
            n_placebo = 1;
        } else if (r->pareto) {
            front[2 * n_front] = r->cadss_peak, front[2 * n_front + 1] = r->days_excess;
            n_front++;
        } else {
            ox[n_other] = r->cadss_peak, oy[n_other++] = r->days_excess;
        }
    }
    qsort(front, n_front, 2 * sizeof *front, cmp_by_x);
    double *fx = malloc((n_front ? n_front : 1) * 2 * sizeof *fx);
    if (!fx) {
        free(xy);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    for (size_t k = 0; k < n_front; k++)
        fx[k] = front[2 * k], fx[n_front + k] = front[2 * k + 1];
    ketsim_plot_series s[3];
    size_t m = 0;
    if (n_other)
        s[m++] = (ketsim_plot_series){"other candidates", ox, oy, n_other, 0, "\u25cb", 1};
    if (n_front)
        s[m++] = (ketsim_plot_series){"Pareto front (all four objectives)", fx, fx + n_front, n_front, 0,
                                      "\u25cf", 1};
    if (n_placebo)
        s[m++] = (ketsim_plot_series){"placebo", px, py, 1, 0, "\u25c6", 1};
    ketsim_plot *p = NULL;
    int rc = ketsim_plot_open(path, 1000, 760, 1, 0, "Compound design: efficacy against burden", &p, err);
    ketsim_plot_axes ax = ketsim_plot_axes_auto(n <= DESIGN_NAMED_MAX
                                                    ? "Each point a candidate on the same virtual patients"
                                                    : "Each point a candidate on the same virtual patients "
                                                      "(numbers: rows of the printed table and design.csv)",
                                                "burden: mean peak CADSS over 0-3 h (points)",
                                                "days in response over placebo (days)");
    ax.legend_bottom = 1;
    /* Head room above the points for the note naming the front. */
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++)
        lo = fmin(lo, c->res[i].days_excess), hi = fmax(hi, c->res[i].days_excess);
    size_t lines = n_front < 8 ? n_front : 8;
    double span = hi > lo ? hi - lo : 1;
    ax.ymin = lo - 0.08 * span, ax.ymax = hi + span * (0.1 + 0.075 * (double)lines);
    double x0 = INFINITY, x1 = -INFINITY;
    for (size_t i = 0; i < n; i++)
        x0 = fmin(x0, c->res[i].cadss_peak), x1 = fmax(x1, c->res[i].cadss_peak);
    double xs = x1 > x0 ? x1 - x0 : 1;
    ax.xmin = x0 - 0.04 * xs, ax.xmax = x1 + 0.04 * xs;  /* points off the frame */
    if (!rc)
        rc = ketsim_plot_lines(p, 0, &ax, s, m, err);
    /* Name the front's members: few enough to read. */
    char note[1024] = "";
    size_t len = 0;
    for (size_t i = 0, k = 0; !rc && i < n && k < 8; i++)
        if (c->res[i].pareto && !c->cand[i].placebo && len < sizeof note) {
            len += (size_t)snprintf(note + len, sizeof note - len, "%sfront: %s (CADSS %.1f, %+.1f d)",
                                    k ? "\n" : "", c->cand[i].name, c->res[i].cadss_peak, c->res[i].days_excess);
            k++;
        }
    if (!rc && note[0])
        rc = ketsim_plot_note(p, 0, note, err);
    if (!rc)
        rc = label_points(p, &ax, c, err);
    free(xy), free(fx);
    if (rc) {
        if (p)
            ketsim_plot_abort(p);
        return rc;
    }
    return ketsim_plot_close(p, err);
}

int ketsim_plot_design(const ketsim_design_candidate *cand, const ketsim_design_result *res, size_t n, const char *dir,
                       ketsim_error *err)
{
    int rc = ketsim_plot_mkdir(dir, "--plot", err);
    design_ctx c = {cand, res, n};
    return rc ? rc : ketsim_plot_png_svg(dir, "design_tradeoff", draw_design, &c, err);
}

/* ---- optimize: days in response --------------------------------------------- */

/* The regimens of the figure: the best ones, then the standard course. */
typedef struct opt_fig {
    size_t n;
    char labels[KETSIM_OPT_TOP + 1][24];
    const ketsim_opt_fresh *fresh[KETSIM_OPT_TOP + 1];
    char note[(KETSIM_OPT_TOP + 1) * 200];
} opt_fig;

static void opt_fig_fill(const ketsim_opt_report *rep, opt_fig *f)
{
    size_t len = 0;
    f->n = 0, f->note[0] = '\0';
    for (size_t i = 0; i <= rep->n_best && i <= KETSIM_OPT_TOP; i++) {
        int is_std = i == rep->n_best;
        const ketsim_opt_regimen *r = is_std ? &rep->standard : &rep->best[i];
        f->fresh[f->n] = is_std ? &rep->standard_fresh : &rep->best_fresh[i];
        if (is_std)
            snprintf(f->labels[f->n], sizeof f->labels[f->n], "standard");
        else
            snprintf(f->labels[f->n], sizeof f->labels[f->n], "best %zu", i + 1);
        char txt[160];
        ketsim_opt_regimen_text(txt, sizeof txt, r);
        if (len < sizeof f->note)
            len += (size_t)snprintf(f->note + len, sizeof f->note - len, "%s%s: %s, %.1f d", f->n ? "\n" : "",
                                    f->labels[f->n], txt, f->fresh[f->n]->days);
        f->n++;
    }
}

/* Days in response per regimen, with the note naming them above the bars. */
static int opt_days_panel(ketsim_plot *p, const opt_fig *f, ketsim_error *err)
{
    ketsim_plot_bar b[KETSIM_OPT_TOP + 1];
    double top = 0;
    for (size_t k = 0; k < f->n; k++) {
        /* the t interval is symmetric: its half-width is the whisker */
        b[k] = (ketsim_plot_bar){f->labels[k], f->fresh[k]->days, 0.5 * (f->fresh[k]->days_hi - f->fresh[k]->days_lo),
                                 NULL, 0, NULL};
        top = fmax(top, b[k].mean + b[k].sem);
    }
    ketsim_plot_axes ax = ketsim_plot_axes_auto("Mean with 95% t interval; rated MADRS below half of baseline",
                                                NULL, "days in response (days)");
    ax.ymin = 0, ax.ymax = 1.25 * top + 0.6 * (double)f->n;
    int rc = ketsim_plot_bars(p, 0, &ax, b, f->n, err);
    return rc ? rc : ketsim_plot_note(p, 0, f->note, err);
}

/* Each best regimen minus the standard course on the same patients, with
 * the paired t interval and p value: what the choice gains. */
static int opt_diff_panel(ketsim_plot *p, const opt_fig *f, ketsim_error *err)
{
    ketsim_plot_bar b[KETSIM_OPT_TOP];
    char marks[KETSIM_OPT_TOP][32];
    size_t n = f->n - 1;
    for (size_t k = 0; k < n; k++) {
        const ketsim_opt_fresh *x = f->fresh[k];
        snprintf(marks[k], sizeof marks[k], "p = %.2g", x->diff_p);
        b[k] = (ketsim_plot_bar){f->labels[k], x->diff, 0.5 * (x->diff_hi - x->diff_lo), NULL, 0, marks[k]};
    }
    ketsim_plot_axes ax = ketsim_plot_axes_auto("Gain over the standard course, same patients: paired mean, 95% t "
                                                "interval",
                                                NULL, "days in response (days)");
    return ketsim_plot_bars(p, 0, &ax, b, n, err);
}

/* The burden the caps hold: mean peak CADSS or systolic rise per regimen. */
static int opt_burden_panel(ketsim_plot *p, size_t panel, const opt_fig *f, int sbp, ketsim_error *err)
{
    ketsim_plot_bar b[KETSIM_OPT_TOP + 1];
    for (size_t k = 0; k < f->n; k++)
        b[k] = (ketsim_plot_bar){f->labels[k], sbp ? f->fresh[k]->sbp_peak : f->fresh[k]->cadss_peak, 0, NULL, 0,
                                 NULL};
    ketsim_plot_axes ax = ketsim_plot_axes_auto(sbp ? "Burden: mean peak systolic rise" : "Burden: mean peak CADSS",
                                                NULL, sbp ? "systolic rise (mmHg)" : "CADSS (points)");
    ax.ymin = 0;
    return ketsim_plot_bars(p, panel, &ax, b, f->n, err);
}

static int draw_optimize(const char *path, const void *vctx, ketsim_error *err)
{
    opt_fig f;
    opt_fig_fill(vctx, &f);
    ketsim_plot *p = NULL;
    int rc = ketsim_plot_open(path, 1000, 720, 1, 0, "Regimen optimisation: days in response (fresh cohort)", &p, err);
    if (!rc)
        rc = opt_days_panel(p, &f, err);
    if (rc) {
        if (p)
            ketsim_plot_abort(p);
        return rc;
    }
    return ketsim_plot_close(p, err);
}

/* What the best regimens gain over the standard course and what they cost. */
static int draw_gain(const char *path, const void *vctx, ketsim_error *err)
{
    opt_fig f;
    opt_fig_fill(vctx, &f);
    ketsim_plot *p = NULL;
    int rc = ketsim_plot_open(path, 1000, 1150, 3, 0, "Regimen optimisation: gain and burden (fresh cohort)", &p,
                              err);
    if (!rc)
        rc = opt_diff_panel(p, &f, err);
    for (int sbp = 0; !rc && sbp < 2; sbp++)
        rc = opt_burden_panel(p, 1 + (size_t)sbp, &f, sbp, err);
    if (rc) {
        if (p)
            ketsim_plot_abort(p);
        return rc;
    }
    return ketsim_plot_close(p, err);
}

int ketsim_plot_optimize(const ketsim_opt_report *rep, const char *dir, ketsim_error *err)
{
    int rc = ketsim_plot_mkdir(dir, "--plot", err);
    if (!rc)
        rc = ketsim_plot_png_svg(dir, "optimize_days", draw_optimize, rep, err);
    /* the gain needs a best regimen beside the standard course */
    return rc || rep->n_best == 0 ? rc : ketsim_plot_png_svg(dir, "optimize_gain", draw_gain, rep, err);
}
