/* Where the legend of a line plot goes (src/report/plot_legend.c): pure
 * geometry on the data and the panel's size, apart from the drawing so that
 * tests can check it (tests/test_plot_legend.c). */
#ifndef KETSIM_PLOT_LEGEND_IMPL_H
#define KETSIM_PLOT_LEGEND_IMPL_H

#include <math.h>
#include <stddef.h>
#include "ketsim/plot.h"

/* The right-hand corner at the top or the bottom, in one column or two. */
typedef struct plot_legend_at {
    int bottom, columns;
} plot_legend_at;

/* A panel: its size in pixels and its limits in drawn coordinates (log10 on
 * a log axis); y0 and y1 may grow to make room for the legend. */
typedef struct plot_legend_panel {
    double width_px, height_px;
    double x0, x1, y0, y1;
} plot_legend_panel;

/* y value as drawn: log10 on a log axis, NAN where it cannot be drawn. */
static inline double plot_drawn_y(const ketsim_plot_axes *ax, double y)
{
    if (!ax->log_y)
        return y;
    return y > 0 ? log10(y) : NAN;
}

/* The legend's corner and columns for series s[0..n) (those with a label
 * are listed).  The corner with fewer points under the box wins.  When
 * curves run under both corners, the y range grows on the side that needs
 * less room, just enough for the box to clear every curve in its x span
 * (on a log axis by one whole decade at most; never past a limit the axes
 * fix); when one column cannot be made to fit, two columns (half as tall)
 * are tried.  ax->legend_bottom forces the bottom corner, one column. */
plot_legend_at plot_legend_place(plot_legend_panel *pl, const ketsim_plot_series *s, size_t n,
                                 const ketsim_plot_axes *ax);

/* The box's size in pixels for `rows` rows whose longest label has `chars`
 * characters (pllegend at text scale 0.7, measured on the figures). */
double plot_legend_height_px(size_t rows);
double plot_legend_column_px(size_t chars);

#endif
