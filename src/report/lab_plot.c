/* Figures of a virtual experiment (ketsim_plot_lab, include/ketsim/plot_results.h). */
#include "ketsim/plot.h"
#include "ketsim/plot_results.h"

#include <stdio.h>
#include <string.h>

/* PLplot's text grows with the page's smaller side: a narrow page keeps the
 * text of a tall stack of panels the size of the other figures'. */
#define PANELS_PER_FIGURE 4
#define PAGE_WIDTH_PX 800

typedef struct lab_plot_ctx {
    const ketsim_lab_protocol *p;
    const ketsim_lab_result *r;
    int first, n;            /* read-outs first .. first + n - 1 */
} lab_plot_ctx;

/* "24 h" or "7 d" after the test drug. */
static void when_text(char *buf, size_t size, double h)
{
    if (h >= 48)
        snprintf(buf, size, "%g d", h / 24);
    else if (h >= 1)
        snprintf(buf, size, "%g h", h);
    else
        snprintf(buf, size, "%g min", h * 60);
}

static int draw_readout(ketsim_plot *plot, size_t panel, const lab_plot_ctx *c, int k, ketsim_error *err)
{
    const ketsim_lab_protocol *p = c->p;
    const ketsim_lab_readout *ro = &p->readout[k];
    ketsim_plot_bar b[KETSIM_LAB_MAX_GROUPS];
    for (int g = 0; g < p->n_groups; g++) {
        ketsim_lab_cell cell;
        const double *v;
        int n;
        if (ketsim_lab_result_cell(c->r, k, g, &cell) || ketsim_lab_result_values(c->r, k, g, &v, &n))
            return KETSIM_FAIL(err, KETSIM_EINTERNAL, "lab figure: no read-out %d group %d", k, g);
        /* the table's marks: each group against control, Holm-adjusted */
        b[g] = (ketsim_plot_bar){p->group[g].name, cell.mean, cell.sem, v, (size_t)n, ketsim_lab_stars(cell.p)};
    }
    /* the protocol's own contrasts (e.g. antagonist + ketamine against the
     * antagonist alone), Holm-adjusted over the contrasts */
    ketsim_plot_bracket br[KETSIM_LAB_MAX_CONTRASTS];
    size_t n_br = 0;
    for (int j = 0; j < p->n_contrasts; j++) {
        double diff, pc;
        if (ketsim_lab_result_contrast(c->r, k, j, &diff, &pc))
            return KETSIM_FAIL(err, KETSIM_EINTERNAL, "lab figure: no contrast %d at read-out %d", j, k);
        br[n_br++] = (ketsim_plot_bracket){(size_t)p->contrast[j][0], (size_t)p->contrast[j][1], ketsim_lab_stars(pc)};
    }
    char title[200], when[32], ylabel[96];
    when_text(when, sizeof when, ro->time_h);
    snprintf(title, sizeof title, "%s, %s after the test drug", ketsim_lab_measure_title(ro->measure), when);
    snprintf(ylabel, sizeof ylabel, "%s", ketsim_lab_measure_unit(ro->measure));
    ketsim_plot_axes ax = ketsim_plot_axes_auto(title, NULL, ylabel);
    return ketsim_plot_bars_compared(plot, panel, &ax, b, (size_t)p->n_groups, br, n_br, err);
}

static int draw_lab(const char *path, const void *vctx, ketsim_error *err)
{
    const lab_plot_ctx *c = vctx;
    char title[200];
    snprintf(title, sizeof title, "%s: mean +- SEM, dots: animals, p Holm-adjusted", c->p->name);
    ketsim_plot *plot = NULL;
    int rc = ketsim_plot_open(path, PAGE_WIDTH_PX, 280 * c->n + 150, (size_t)c->n, 0, title, &plot, err);
    for (int i = 0; !rc && i < c->n; i++)
        rc = draw_readout(plot, (size_t)i, c, c->first + i, err);
    if (rc) {
        if (plot)
            ketsim_plot_abort(plot);
        return rc;
    }
    return ketsim_plot_close(plot, err);
}

int ketsim_plot_lab(const ketsim_lab_protocol *p, const ketsim_lab_result *r, const char *dir, ketsim_error *err)
{
    int rc = ketsim_plot_mkdir(dir, "--plot", err);
    for (int first = 0, part = 1; !rc && first < p->n_readouts; first += PANELS_PER_FIGURE, part++) {
        int left = p->n_readouts - first;
        lab_plot_ctx c = {p, r, first, left < PANELS_PER_FIGURE ? left : PANELS_PER_FIGURE};
        char base[96];
        if (part == 1)
            snprintf(base, sizeof base, "%s_readouts", p->name);
        else
            snprintf(base, sizeof base, "%s_readouts_%d", p->name, part);
        rc = ketsim_plot_png_svg(dir, base, draw_lab, &c, err);
    }
    return rc;
}
