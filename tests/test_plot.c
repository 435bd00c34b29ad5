/* Figure primitives: each draws a readable file; bad requests are refused
 * without leaving a file behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ketsim/plot.h"
#include "ketsim/regimen.h"

static char dir[] = "/tmp/ketsim_plot_test_XXXXXX";

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void path_in_dir(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", dir, name);
}

/* One figure with every primitive, in PNG and SVG. */
static void test_all_primitives(void **state)
{
    (void)state;
    double x[50], y1[50], y2[50], lo[50], hi[50];
    for (int i = 0; i < 50; i++) {
        x[i] = i;
        y1[i] = 100 * exp(-0.1 * i);
        y2[i] = 50 * exp(-0.05 * i);
        lo[i] = 0.8 * y1[i], hi[i] = 1.2 * y1[i];
    }
    double pts_a[] = {1.0, 1.4, 0.7}, pts_b[] = {2.1, 2.5, 1.9, 2.4};
    double km_t[] = {0, 3, 7, 12}, km_s[] = {1, 0.8, 0.55, 0.3}, cens[] = {5, 10, 20};
    const char *names[] = {"all.png", "all.svg"};
    for (int f = 0; f < 2; f++) {
        char path[512];
        path_in_dir(path, sizeof path, names[f]);
        ketsim_error err = {0};
        ketsim_plot *p;
        assert_int_equal(ketsim_plot_open(path, 900, 1200, 4, 0, "primitives", &p, &err), 0);
        /* room for one row of numbers at risk; not more than half the page */
        assert_int_equal(ketsim_plot_set_margin_bottom(p, 601, &err), KETSIM_EINPUT);
        assert_int_equal(ketsim_plot_set_margin_bottom(p, 98, &err), 0);
        ketsim_plot_series s[] = {{"fast", x, y1, 50, 0, NULL, 0}, {"slow", x, y2, 50, 1, NULL, 0}};
        ketsim_plot_axes ax = ketsim_plot_axes_auto("lines", "time (h)", "conc (ng/mL)");
        ax.log_y = 1;
        assert_int_equal(ketsim_plot_lines(p, 0, &ax, s, 2, &err), 0);
        ketsim_plot_band b[] = {{"mean +- 20%", x, y1, lo, hi, 50}};
        ax = ketsim_plot_axes_auto("band", "time (h)", "conc (ng/mL)");
        assert_int_equal(ketsim_plot_bands(p, 1, &ax, b, 1, &err), 0);
        /* point labels need fixed linear limits: refused on automatic ones */
        const char *lab[] = {"first", NULL, "third"};
        assert_int_equal(ketsim_plot_labels(p, 1, &ax, x, y1, lab, 3, &err), KETSIM_EINTERNAL);
        ax.xmin = 0, ax.xmax = 50, ax.ymin = -1, ax.ymax = 200;
        assert_int_equal(ketsim_plot_labels(p, 1, &ax, x, y1, lab, 3, &err), 0);
        ketsim_plot_bar bars[] = {{"saline", 1.03, 0.2, pts_a, 3, NULL}, {"ketamine", 2.2, 0.13, pts_b, 4, "**"}};
        ketsim_plot_bracket br[] = {{0, 1, "ns"}, {1, 7, "out of range: skipped"}};
        ax = ketsim_plot_axes_auto("bars", NULL, "immobility (min)");
        assert_int_equal(ketsim_plot_bars_compared(p, 2, &ax, bars, 2, br, 2, &err), 0);
        ketsim_plot_km km[] = {{"responders", km_t, km_s, 4, cens, 3, NULL, NULL}};
        ax = ketsim_plot_axes_auto("relapse-free", "time (days)", "fraction");
        assert_int_equal(ketsim_plot_km_curves(p, 3, &ax, km, 1, &err), 0);
        const double risk_t[] = {0, 1, 2, 3};
        const size_t risk_n[] = {4, 3, 1, 0};
        assert_int_equal(ketsim_plot_km_at_risk(p, 3, risk_t, 4, risk_n, 1, &err), 0);
        assert_int_equal(ketsim_plot_km_at_risk(p, 9, risk_t, 4, risk_n, 1, &err), KETSIM_EINTERNAL);
        /* a panel that does not exist is an error, and the figure still closes */
        assert_int_equal(ketsim_plot_lines(p, 4, &ax, s, 2, &err), KETSIM_EINTERNAL);
        assert_int_equal(ketsim_plot_close(p, &err), 0);
        assert_true(file_size(path) > 10000);
    }
}

/* Dose marks are drawn: the same lines with an infusion band and a bolus
 * tick make another file than without them.  PNGs are compared: an SVG's
 * glyph ids depend on what the process drew before. */
static void draw_dosed(const char *name, size_t n_doses)
{
    double x[20], y[20], x0[] = {2, 10}, x1[] = {3, 10};
    for (int i = 0; i < 20; i++)
        x[i] = i, y[i] = exp(-0.2 * i);
    char path[512];
    path_in_dir(path, sizeof path, name);
    ketsim_error err = {0};
    ketsim_plot *p;
    assert_int_equal(ketsim_plot_open(path, 600, 400, 1, 0, "doses", &p, &err), 0);
    ketsim_plot_series s[] = {{"conc", x, y, 20, 0, NULL, 0}};
    ketsim_plot_axes ax = ketsim_plot_axes_auto("c", "time (h)", "ng/mL");
    ax.dose_x0 = x0, ax.dose_x1 = x1, ax.n_doses = n_doses;
    assert_int_equal(ketsim_plot_lines(p, 0, &ax, s, 1, &err), 0);
    assert_int_equal(ketsim_plot_close(p, &err), 0);
}

static int same_bytes(const char *a, const char *b)
{
    char pa[512], pb[512];
    path_in_dir(pa, sizeof pa, a), path_in_dir(pb, sizeof pb, b);
    FILE *fa = fopen(pa, "rb"), *fb = fopen(pb, "rb");
    assert_non_null(fa);
    assert_non_null(fb);
    int ca, cb;
    do
        ca = fgetc(fa), cb = fgetc(fb);
    while (ca == cb && ca != EOF);
    fclose(fa), fclose(fb);
    return ca == cb;
}

static void test_dose_marks(void **state)
{
    (void)state;
    draw_dosed("plain.png", 0);
    draw_dosed("plain2.png", 0);
    draw_dosed("infusion.png", 1);
    draw_dosed("both.png", 2);
    assert_true(same_bytes("plain.png", "plain2.png"));
    assert_false(same_bytes("plain.png", "infusion.png"));
    assert_false(same_bytes("infusion.png", "both.png"));
}

static void test_bad_requests(void **state)
{
    (void)state;
    char path[512];
    ketsim_error err = {0};
    ketsim_plot *p = NULL;
    path_in_dir(path, sizeof path, "fig.pdf");
    assert_int_equal(ketsim_plot_open(path, 900, 600, 1, 0, "x", &p, &err), KETSIM_EINPUT);
    assert_non_null(strstr(err.msg, ".png or .svg"));
    path_in_dir(path, sizeof path, "abandoned.png");
    assert_int_equal(ketsim_plot_open(path, 900, 600, 1, 0, "x", &p, &err), 0);
    ketsim_plot_abort(p);
    assert_int_equal(file_size(path), -1);
    assert_int_equal(ketsim_plot_open("/nonexistent/dir/f.png", 900, 600, 1, 0, "x", &p, &err), KETSIM_EIO);
}

static int cleanup(void **state)
{
    (void)state;
    if (getenv("KETSIM_PLOT_KEEP")) { /* to look at the figures: they stay in the printed directory */
        printf("figures kept in %s\n", dir);
        return 0;
    }
    const char *names[] = {"all.png", "all.svg"};
    for (int i = 0; i < 2; i++) {
        char path[512];
        path_in_dir(path, sizeof path, names[i]);
        unlink(path);
    }
    return rmdir(dir);
}

/* The zoom on the first hours: the earliest dose's end plus 12 h, rounded
 * up to 6 h; 12 h without doses. */
static void test_zoom_hours(void **state)
{
    (void)state;
    ketsim_error err;
    ketsim_regimen *r = NULL;
    assert_int_equal(ketsim_regimen_create(&r, &err), 0);
    assert_true(fabs(ketsim_plot_zoom_hours(r) - 12) < 1e-12);
    assert_true(fabs(ketsim_plot_zoom_hours(NULL) - 12) < 1e-12);
    ketsim_dose late = {.route = KETSIM_ROUTE_IV, .amount = 10, .time_h = 50, .duration_h = 0};
    ketsim_dose first = {.route = KETSIM_ROUTE_IV, .amount = 35, .time_h = 2, .duration_h = 40.0 / 60};
    assert_int_equal(ketsim_regimen_add(r, &late, &err), 0);
    assert_int_equal(ketsim_regimen_add(r, &first, &err), 0);
    assert_true(fabs(ketsim_plot_zoom_hours(r) - 18) < 1e-12); /* 2 h + 40 min + 12 h -> 18 */
    ketsim_regimen_free(r);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_primitives),
        cmocka_unit_test(test_dose_marks),
        cmocka_unit_test(test_bad_requests),
        cmocka_unit_test(test_zoom_hours),
    };
    return cmocka_run_group_tests(tests, NULL, cleanup);
}
