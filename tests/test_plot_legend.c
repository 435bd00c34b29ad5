/* Legend placement (src/report/plot_legend.c) on hand-made panels: a free
 * corner is used as it is; curves under both corners make the panel grow
 * just enough for the box to clear them, on the cheaper side; limits the
 * axes fix are never moved; a log panel gains at most one decade, then two
 * columns are tried; a forced bottom legend and a legend without entries
 * change nothing. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "report/plot_legend_impl.h"

#define NP 101

/* x = 0..10; three flat curves and a peak near x = 0 as on the cascade's
 * plasticity panel. */
static double xs[NP], flat[NP], peak[NP], dip[NP];

static void fill(void)
{
    for (int i = 0; i < NP; i++) {
        xs[i] = 0.1 * i;
        flat[i] = 1.0;
        peak[i] = 1.0 + 0.3 * exp(-xs[i] * 2);
        dip[i] = 1.0 - 0.3 * exp(-xs[i] * 2);
    }
}

/* 1000 x 230 px (a cascade panel): a four-row box is 138 px and the 2%
 * inset, 0.62 of the panel. */
static plot_legend_panel panel(double y0, double y1) { return (plot_legend_panel){1000, 230, 0, 10, y0, y1}; }

/* Points of the series under the box the placement chose, from the same
 * measure of the box the placement uses. */
static size_t under_box(const plot_legend_panel *pl, plot_legend_at at, const ketsim_plot_series *s, size_t n,
                        const ketsim_plot_axes *ax, size_t rows, double width_share)
{
    double h = (plot_legend_height_px(rows) / pl->height_px + 0.02) * (pl->y1 - pl->y0);
    double x_from = pl->x1 - width_share * (pl->x1 - pl->x0);
    size_t c = 0;
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < s[k].n; i++) {
            double y = plot_drawn_y(ax, s[k].y[i]);
            if (s[k].x[i] < x_from)
                continue;
            c += at.bottom ? y <= pl->y0 + h : y >= pl->y1 - h;
        }
    return c;
}

/* The plasticity panel's four curves: a peak, two flat lines, a dip. */
static void plasticity_curves(ketsim_plot_series s[4])
{
    fill();
    static const char *const names[4] = {"BDNF", "TrkB", "mTORC1", "p-eEF2"};
    const double *ys[4] = {peak, flat, flat, dip};
    for (int k = 0; k < 4; k++)
        s[k] = (ketsim_plot_series){names[k], xs, ys[k], NP, 0, NULL, 0};
}

static void test_grows_for_flat_lines(void **state)
{
    (void)state;
    ketsim_plot_series s[4];
    plasticity_curves(s);
    ketsim_plot_axes ax = ketsim_plot_axes_auto("t", "x", "y");
    /* the curves settle nearer the top edge than the bottom one, so the
     * top needs less room */
    plot_legend_panel pl = panel(0.70, 1.33);
    plot_legend_at at = plot_legend_place(&pl, s, 4, &ax);
    assert_int_equal(at.columns, 1);
    assert_int_equal(at.bottom, 0);
    assert_true(pl.y1 > 1.33 + 0.1);
    assert_true(pl.y0 == 0.70);
    assert_int_equal(under_box(&pl, at, s, 4, &ax, 4, 0.45), 0);
    /* just enough: the box's lower edge lies within the 4% gap of the line */
    double h = (plot_legend_height_px(4) / pl.height_px + 0.02) * (pl.y1 - pl.y0);
    assert_true(pl.y1 - h - 1.0 < 0.041 * (pl.y1 - pl.y0) + 1e-9);
    /* placed again on the grown panel: nothing more to do */
    plot_legend_panel again = pl;
    plot_legend_at at2 = plot_legend_place(&again, s, 4, &ax);
    assert_int_equal(at2.bottom, 0);
    assert_true(again.y1 == pl.y1 && again.y0 == pl.y0);
}

static void test_free_corner_and_cheaper_side(void **state)
{
    (void)state;
    fill();
    /* one curve near the top edge on the right: the bottom corner is free */
    double high[NP];
    for (int i = 0; i < NP; i++)
        high[i] = 1.3;
    ketsim_plot_series s[2] = {{"a", xs, high, NP, 0, NULL, 0}, {"b", xs, peak, NP, 0, NULL, 0}};
    ketsim_plot_axes ax = ketsim_plot_axes_auto("t", "x", "y");
    plot_legend_panel pl = panel(0, 1.35);
    plot_legend_at at = plot_legend_place(&pl, s, 2, &ax);
    assert_int_equal(at.bottom, 1);
    assert_true(pl.y0 == 0 && pl.y1 == 1.35);
    /* curves at 0.95 and 0.5 of a 0..1 panel under a tall box: they are
     * farther from the bottom edge than from the top, so growing down
     * clears them for less */
    double top[NP], mid[NP];
    for (int i = 0; i < NP; i++)
        top[i] = 0.95, mid[i] = 0.5;
    ketsim_plot_series t[4] = {{"a", xs, top, NP, 0, NULL, 0}, {"b", xs, mid, NP, 0, NULL, 0},
                               {"c", xs, top, NP, 0, NULL, 0}, {"d", xs, mid, NP, 0, NULL, 0}};
    pl = panel(0, 1);
    at = plot_legend_place(&pl, t, 4, &ax);
    assert_int_equal(at.bottom, 1);
    assert_int_equal(at.columns, 1);
    assert_true(pl.y0 < 0 && pl.y1 == 1);
    assert_int_equal(under_box(&pl, at, t, 4, &ax, 4, 0.45), 0);
}

static void test_fixed_limits(void **state)
{
    (void)state;
    ketsim_plot_series s[4];
    plasticity_curves(s);
    ketsim_plot_axes ax = ketsim_plot_axes_auto("t", "x", "y");
    ax.ymin = 0.70, ax.ymax = 1.33;
    plot_legend_panel pl = panel(0.70, 1.33);
    plot_legend_at at = plot_legend_place(&pl, s, 4, &ax);
    assert_true(pl.y0 == 0.70 && pl.y1 == 1.33);
    /* no room can be made: a corner is still chosen, one or two columns */
    assert_true(at.columns == 1 || at.columns == 2);
    ax.ymin = NAN; /* the bottom may move now, the top still not */
    at = plot_legend_place(&pl, s, 4, &ax);
    assert_int_equal(at.bottom, 1);
    assert_true(pl.y0 < 0.70 && pl.y1 == 1.33);
}

static void test_log_axis(void **state)
{
    (void)state;
    /* concentrations from 1e-2 to 1e2 that stay high on the right: one
     * column would need more than a decade of headroom, two fit within one */
    double y[4][NP];
    for (int i = 0; i < NP; i++) {
        double t = 0.18 * i;
        xs[i] = t;
        y[0][i] = 100 * exp(-0.15 * t) + 1e-3;
        y[1][i] = 40 * exp(-0.1 * t) * (1 - exp(-3 * t)) + 1e-3;
        y[2][i] = 12 * exp(-0.05 * t) * (1 - exp(-t)) + 1e-3;
        y[3][i] = 30 * exp(-0.06 * t) * (1 - exp(-2 * t)) + 1e-3;
    }
    ketsim_plot_series s[4] = {{"ketamine", xs, y[0], NP, 0, NULL, 0}, {"norketamine", xs, y[1], NP, 0, NULL, 0},
                               {"DHNK", xs, y[2], NP, 0, NULL, 0}, {"HNK", xs, y[3], NP, 0, NULL, 0}};
    ketsim_plot_axes ax = ketsim_plot_axes_auto("t", "x", "y");
    ax.log_y = 1;
    plot_legend_panel pl = {960, 215, 0, 18, -2, 3};
    plot_legend_at at = plot_legend_place(&pl, s, 4, &ax);
    assert_int_equal(at.columns, 2);
    assert_true(pl.y0 == -2);
    assert_true(pl.y1 == 3 || pl.y1 == 4); /* whole decades, one at most */
    double share = fmin(0.95, 2 * plot_legend_column_px(11) / pl.width_px);
    assert_int_equal(under_box(&pl, at, s, 4, &ax, 2, share), 0);
}

static void test_forced_and_empty(void **state)
{
    (void)state;
    fill();
    ketsim_plot_series s[2] = {{"a", xs, flat, NP, 0, NULL, 0}, {NULL, xs, peak, NP, 0, NULL, 0}};
    ketsim_plot_axes ax = ketsim_plot_axes_auto("t", "x", "y");
    ax.legend_bottom = 1;
    plot_legend_panel pl = panel(0.9, 1.1);
    plot_legend_at at = plot_legend_place(&pl, s, 2, &ax);
    assert_true(at.bottom == 1 && at.columns == 1 && pl.y0 == 0.9 && pl.y1 == 1.1);
    ax.legend_bottom = 0;
    s[0].label = NULL;
    at = plot_legend_place(&pl, s, 2, &ax);
    assert_true(at.bottom == 0 && at.columns == 1 && pl.y0 == 0.9 && pl.y1 == 1.1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grows_for_flat_lines),
        cmocka_unit_test(test_free_corner_and_cheaper_side),
        cmocka_unit_test(test_fixed_limits),
        cmocka_unit_test(test_log_axis),
        cmocka_unit_test(test_forced_and_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
