/* Figures: PNG or SVG files with one or more panels stacked vertically.
 *
 * A figure is opened on a file (format from the name: .png or .svg), each
 * panel is drawn by one primitive (lines, mean +- band, bars with SEM and
 * points, Kaplan-Meier steps), and closing the figure writes the file
 * atomically.  Panels of a figure opened with share_x show x tick labels and
 * the x label only on the bottom panel.  Series colours follow their index.
 * Built on PLplot (cairo driver); each figure is its own PLplot stream. */
#ifndef KETSIM_PLOT_H
#define KETSIM_PLOT_H

#include <stddef.h>
#include "ketsim/error.h"

typedef struct ketsim_plot ketsim_plot;

typedef struct ketsim_plot_axes {
    const char *title;          /* panel title, NULL for none */
    const char *xlabel, *ylabel;/* with units, e.g. "time (h)" */
    int log_y;                  /* logarithmic y axis (values <= 0 are not drawn) */
    double xmin, xmax, ymin, ymax; /* NAN: from the data */
    int legend_bottom;          /* 1: legend in the bottom-right corner; 0: top-right, or bottom-right
                                   where fewer points lie under it there (lines only) */
    int log_x;                  /* logarithmic x axis (lines only; values <= 0 are not drawn) */
    /* doses drawn under the lines (linear x only), in x units: an infusion
     * from dose_x0[k] to dose_x1[k] as a shaded band, a bolus (x1 <= x0) as
     * a tick at the bottom */
    const double *dose_x0, *dose_x1;
    size_t n_doses;
} ketsim_plot_axes;

/* Axes with every limit from the data. */
ketsim_plot_axes ketsim_plot_axes_auto(const char *title, const char *xlabel, const char *ylabel);

typedef struct ketsim_plot_series {
    const char *label;          /* legend entry; NULL for none */
    const double *x, *y;
    size_t n;
    int dashed;
    const char *marker;         /* NULL: none; else a UTF-8 glyph drawn at every point, e.g. "\u25cf" (dot) */
    int no_line;                /* 1: markers only (a scatter) */
} ketsim_plot_series;

typedef struct ketsim_plot_band {
    const char *label;
    const double *x, *mean, *lo, *hi; /* the band is [lo, hi], e.g. mean -+ SD */
    size_t n;
} ketsim_plot_band;

typedef struct ketsim_plot_bar {
    const char *label;          /* group name under the bar */
    double mean, sem;
    const double *points;       /* individual values drawn over the bar; may be NULL */
    size_t n_points;
    const char *mark;           /* text above the bar (e.g. "**" vs control); NULL for none */
} ketsim_plot_bar;

/* A comparison between bars a and b (indices), drawn as a bracket above
 * both with its text (e.g. "ns") on top. */
typedef struct ketsim_plot_bracket {
    size_t a, b;
    const char *text;
} ketsim_plot_bracket;

typedef struct ketsim_plot_km {
    const char *label;
    const double *t, *surv;     /* survival surv[i] from t[i] on; t[0] = 0, surv[0] = 1 usually */
    size_t n;
    const double *censor_t;     /* censoring times, drawn as ticks on the curve */
    size_t n_censor;
    const double *lower, *upper; /* pointwise interval, per step as surv (dashed); NULL: none */
} ketsim_plot_km;

int ketsim_plot_open(const char *path, int width_px, int height_px, size_t n_panels, int share_x,
                     const char *title, ketsim_plot **out, ketsim_error *err);
/* Room under the bottom panel in pixels (62 unless set), e.g. for the
 * numbers at risk of ketsim_plot_km_at_risk; set before drawing. */
int ketsim_plot_set_margin_bottom(ketsim_plot *p, int px, ketsim_error *err);
/* Finish the file and move it into place. */
int ketsim_plot_close(ketsim_plot *p, ketsim_error *err);
/* Abandon the figure: no file is left behind. */
void ketsim_plot_abort(ketsim_plot *p);

int ketsim_plot_lines(ketsim_plot *p, size_t panel, const ketsim_plot_axes *ax,
                      const ketsim_plot_series *s, size_t n, ketsim_error *err);
int ketsim_plot_bands(ketsim_plot *p, size_t panel, const ketsim_plot_axes *ax,
                      const ketsim_plot_band *b, size_t n, ketsim_error *err);
int ketsim_plot_bars(ketsim_plot *p, size_t panel, const ketsim_plot_axes *ax,
                     const ketsim_plot_bar *b, size_t n, ketsim_error *err);
/* Bars with brackets between pairs of them, stacked above the bars. */
int ketsim_plot_bars_compared(ketsim_plot *p, size_t panel, const ketsim_plot_axes *ax, const ketsim_plot_bar *b,
                              size_t n, const ketsim_plot_bracket *br, size_t n_br, ketsim_error *err);
int ketsim_plot_km_curves(ketsim_plot *p, size_t panel, const ketsim_plot_axes *ax,
                          const ketsim_plot_km *c, size_t n, ketsim_error *err);

/* The numbers at risk under a panel just drawn by ketsim_plot_km_curves:
 * row k (in curve k's colour) holds counts[k * n_t + j] under time t[j].
 * Each row needs about 26 px of bottom margin beyond the 62 of the x label
 * (ketsim_plot_set_margin_bottom). */
int ketsim_plot_km_at_risk(ketsim_plot *p, size_t panel, const double *t, size_t n_t, const size_t *counts,
                           size_t n_curves, ketsim_error *err);

/* As ketsim_plot_lines with series k in colour colours[k] (an index into
 * the series colours, as a series' position would give it). */
int ketsim_plot_lines_coloured(ketsim_plot *p, size_t panel, const ketsim_plot_axes *ax,
                               const ketsim_plot_series *s, size_t n, const size_t *colours, ketsim_error *err);
/* Bands as ketsim_plot_bands with series as ketsim_plot_lines drawn over
 * them on the same axes (colours: the bands by index, series k in
 * colours[k], or nb + k where colours is NULL); one legend of lines. */
int ketsim_plot_bands_series(ketsim_plot *p, size_t panel, const ketsim_plot_axes *ax, const ketsim_plot_band *b,
                             size_t nb, const ketsim_plot_series *s, size_t ns, const size_t *colours,
                             ketsim_error *err);

/* Text lines (separated by newlines) in the top-left corner inside a panel
 * already drawn, e.g. what the bars of a bar chart stand for. */
int ketsim_plot_note(ketsim_plot *p, size_t panel, const char *text, ketsim_error *err);
/* Text beside points (x[k], y[k]) of a panel whose axes have fixed linear
 * limits (xmin .. ymax all set); NULL texts and points outside are skipped. */
int ketsim_plot_labels(ketsim_plot *p, size_t panel, const ketsim_plot_axes *ax, const double *x, const double *y,
                       const char *const *text, size_t n, ketsim_error *err);

/* Create the directory `dir` if missing (an error names the flag `flag`). */
int ketsim_plot_mkdir(const char *dir, const char *flag, ketsim_error *err);
/* Draw one figure twice, as DIR/BASE.png and DIR/BASE.svg. */
typedef int (*ketsim_plot_drawer)(const char *path, const void *ctx, ketsim_error *err);
int ketsim_plot_png_svg(const char *dir, const char *base, ketsim_plot_drawer draw, const void *ctx,
                        ketsim_error *err);

/* Observed values of one output drawn over the model's line for it (open
 * circles in the line's colour): t_h in hours, y in the output's unit. */
typedef struct ketsim_plot_observed {
    const char *output;         /* an output name, e.g. plasma_ketamine_ng_per_ml */
    const double *t_h, *y;
    size_t n;
} ketsim_plot_observed;

/* The figures of one simulated subject, written into `dir` (created if
 * missing) as PNG and SVG: concentrations.* (plasma and free brain levels;
 * a log axis when log_conc), cascade.* (the signalling cascade, panels
 * sharing the time axis) and clinical.* (MADRS and HAM-D, CADSS, blood
 * pressure and heart rate).  Every dose of `reg` (may be NULL) is marked on
 * every panel, and obs[0 .. n_obs) (may be NULL) on the panel of their
 * output.  `subtitle` names the run in the titles. */
struct ketsim_trajectory;
struct ketsim_regimen;
int ketsim_plot_trajectory(const struct ketsim_trajectory *t, const struct ketsim_regimen *reg,
                           const ketsim_plot_observed *obs, size_t n_obs, const char *dir, int log_conc,
                           const char *subtitle, ketsim_error *err);
/* A run drawn in days (longer than three days) gets its plasma panel a
 * second time, on top, over the first hours: this many (the end of reg's
 * first dose plus 12 h, rounded up to a multiple of 6 h; 12 without doses). */
double ketsim_plot_zoom_hours(const struct ketsim_regimen *reg);
/* Whether an output has a line in the figures of ketsim_plot_trajectory. */
int ketsim_plot_trajectory_draws(const char *output);

#endif
