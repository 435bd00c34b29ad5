/* Legend placement for line plots (plot_legend_impl.h).  A legend that sits
 * on a curve hides the very thing the panel shows; short stacked panels
 * (the cascade's, four curves that settle on 1.0) leave no free corner, so
 * the panel makes room rather than letting the box cover the data. */
#include "report/plot_legend_impl.h"

#include <string.h>

#define LEGEND_MAX_ENTRIES 16
#define LEGEND_GAP 0.04 /* between the box and the curves, share of the range */

/* Text does not grow with the page (src/report/plot.c fixes it in pixels),
 * so the box is measured once: 30 px a row plus 18 px of frame; a column
 * 86 px of line sample and padding plus 11.2 px a character. */
double plot_legend_height_px(size_t rows) { return 18.0 + 30.0 * (double)rows; }
double plot_legend_column_px(size_t chars) { return 86.0 + 11.2 * (double)chars; }

/* The data under a box reaching from x_from to the right edge: how many
 * points fall in its band of height h at the top and at the bottom, and the
 * extremes of the points in its x span. */
typedef struct legend_span {
    size_t top, bottom;
    double lo, hi;
} legend_span;

static legend_span legend_scan(const plot_legend_panel *pl, const ketsim_plot_series *s, size_t n,
                               const ketsim_plot_axes *ax, double x_from, double h)
{
    legend_span sp = {0, 0, INFINITY, -INFINITY};
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < s[k].n; i++) {
            double y = plot_drawn_y(ax, s[k].y[i]);
            if (!(s[k].x[i] >= x_from && s[k].x[i] <= pl->x1) || !isfinite(y))
                continue;
            sp.top += y >= pl->y1 - h && y <= pl->y1;
            sp.bottom += y <= pl->y0 + h && y >= pl->y0;
            sp.lo = fmin(sp.lo, y), sp.hi = fmax(sp.hi, y);
        }
    return sp;
}

/* How far the y range must grow for a box of height share f (of the new
 * range, plus the gap) to clear the curves: *up for a top box, *down for a
 * bottom one; HUGE_VAL where that side may not move.  A log axis gains
 * whole decades at the top only, and one at most: a log panel that gains
 * several decades only crowds its tick labels. */
static void legend_room(const plot_legend_panel *pl, const ketsim_plot_axes *ax, const legend_span *sp, double f,
                        double *up, double *down)
{
    double g = f + LEGEND_GAP, span = pl->y1 - pl->y0;
    *up = fmax(0, (sp->hi - g * pl->y0) / (1 - g) - pl->y1);
    *down = fmax(0, pl->y0 - (sp->lo - g * pl->y1) / (1 - g));
    if (ax->log_y) {
        *up = ceil(*up - 1e-9);
        *up = *up <= 1 ? *up : HUGE_VAL;
        *down = HUGE_VAL;
    }
    if (isfinite(ax->ymax) || *up > span)
        *up = HUGE_VAL;
    if (isfinite(ax->ymin) || *down > span)
        *down = HUGE_VAL;
}

plot_legend_at plot_legend_place(plot_legend_panel *pl, const ketsim_plot_series *s, size_t n,
                                 const ketsim_plot_axes *ax)
{
    size_t entries = 0, longest = 0;
    for (size_t k = 0; k < n && k < LEGEND_MAX_ENTRIES; k++)
        if (s[k].label) {
            size_t len = strlen(s[k].label);
            entries++;
            longest = len > longest ? len : longest;
        }
    plot_legend_at at = {ax->legend_bottom, 1};
    if (ax->legend_bottom || entries == 0 || !(pl->height_px > 0) || !(pl->width_px > 0))
        return at;
    double width = pl->x1 - pl->x0;
    for (size_t cols = 1; cols <= (entries > 2 ? 2 : 1); cols++) {
        size_t rows = (entries + cols - 1) / cols;
        /* pllegend sets the box 2% of the panel in from the corner */
        double f = plot_legend_height_px(rows) / pl->height_px + 0.02;
        /* one column is given the right 45% of the panel, as before two
         * columns were tried; two get their estimated width */
        double wf = cols == 1 ? 0.45 : fmin(0.95, 2 * plot_legend_column_px(longest) / pl->width_px);
        legend_span sp = legend_scan(pl, s, n, ax, pl->x1 - wf * width, f * (pl->y1 - pl->y0));
        if (cols == 1)
            at.bottom = sp.bottom < sp.top;
        if (sp.top == 0 || sp.bottom == 0)
            return (plot_legend_at){sp.bottom < sp.top, (int)cols};
        if (f > 0.8)
            continue;
        double up, down;
        legend_room(pl, ax, &sp, f, &up, &down);
        if (!isfinite(up) && !isfinite(down))
            continue;
        if (down < up) {
            pl->y0 -= down;
            return (plot_legend_at){1, (int)cols};
        }
        pl->y1 += up;
        return (plot_legend_at){0, (int)cols};
    }
    return at;
}
