/* Figures with PLplot (include/ketsim/plot.h).  fopencookie (a GNU
 * extension) lets ketsim see every byte PLplot's cairo driver writes, which
 * PLplot itself never checks. */
#define _GNU_SOURCE
#include "ketsim/plot.h"
#include "report/plot_legend_impl.h"
#include "util/files.h"

#include <errno.h>
#include <math.h>
#include <plplot.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define N_SERIES_COLOURS 8
#define COL_BG 0
#define COL_FG 1
#define COL_GRID 2
#define COL_SERIES 3                         /* 3 .. 10: series lines */
#define COL_FILL (COL_SERIES + N_SERIES_COLOURS) /* 11 .. 18: the same, translucent */
#define COL_DOSE (COL_FILL + N_SERIES_COLOURS)   /* 19: dose bands and ticks */
#define MAX_LEGEND 16
#define CHAR_SCALE 0.72   /* cairo's default text is large for a multi-panel page */

/* The figure's file as PLplot writes it: every write is checked and the
 * first error kept, since the driver ignores the stream's status. */
typedef struct plot_sink {
    int fd;
    int error;        /* errno of the first failed write, fsync or close */
    int closed;
} plot_sink;

struct ketsim_plot {
    PLINT stream;
    size_t n_panels;
    int share_x, width_px, height_px;
    int bottom_px;          /* room under the bottom panel */
    char final_path[4096];
    char tmp_path[4096 + 16];
    plot_sink sink;
};

/* A colour-blind-safe palette (Okabe-Ito), black first. */
static const int palette[N_SERIES_COLOURS][3] = {
    {0, 114, 178}, {213, 94, 0}, {0, 158, 115}, {204, 121, 167},
    {230, 159, 0}, {86, 180, 233}, {0, 0, 0}, {240, 228, 66},
};

ketsim_plot_axes ketsim_plot_axes_auto(const char *title, const char *xlabel, const char *ylabel)
{
    return (ketsim_plot_axes){.title = title, .xlabel = xlabel, .ylabel = ylabel,
                              .xmin = NAN, .xmax = NAN, .ymin = NAN, .ymax = NAN};
}

static const char *device_for(const char *path)
{
    size_t n = strlen(path);
    if (n > 4 && strcmp(path + n - 4, ".png") == 0)
        return "pngcairo";
    if (n > 4 && strcmp(path + n - 4, ".svg") == 0)
        return "svgcairo";
    return NULL;
}

static void set_colours(void)
{
    plscmap0n(COL_DOSE + 1);
    plscol0(COL_BG, 255, 255, 255);
    plscol0(COL_FG, 0, 0, 0);
    plscol0(COL_GRID, 225, 225, 225);
    for (int k = 0; k < N_SERIES_COLOURS; k++) {
        plscol0(COL_SERIES + k, palette[k][0], palette[k][1], palette[k][2]);
        plscol0a(COL_FILL + k, palette[k][0], palette[k][1], palette[k][2], 0.25);
    }
    plscol0a(COL_DOSE, 120, 120, 120, 0.22);
}

static void draw_title(const char *title)
{
    pladv(0);
    plvpor(0, 1, 0, 1);
    plwind(0, 1, 0, 1);
    plcol0(COL_FG);
    plschr(0, 1.2 * CHAR_SCALE);
    plptex(0.5, 0.975, 1, 0, 0.5, title);
    plschr(0, CHAR_SCALE);
}

/* Whether this PLplot has the driver: without it plinit would ask for a
 * device on standard input instead of failing. */
static int have_device(const char *dev)
{
    enum { MAX_DEVICES = 128 };
    const char *menu[MAX_DEVICES], *names[MAX_DEVICES];
    const char **pm = menu, **pn = names;
    int n = MAX_DEVICES;
    plgDevs(&pm, &pn, &n);
    for (int i = 0; i < n; i++)
        if (strcmp(pn[i], dev) == 0)
            return 1;
    return 0;
}

static ssize_t sink_write(void *cookie, const char *buf, size_t n)
{
    plot_sink *k = cookie;
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(k->fd, buf + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (!k->error)
                k->error = w < 0 ? errno : EIO;
            return -1;
        }
        done += (size_t)w;
    }
    return (ssize_t)done;
}

/* PLplot closes the stream at plend1: the data reach the disk here. */
static int sink_close(void *cookie)
{
    plot_sink *k = cookie;
    if (fsync(k->fd) != 0 && !k->error)
        k->error = errno;
    if (close(k->fd) != 0 && !k->error)
        k->error = errno;
    k->closed = 1;
    return k->error ? -1 : 0;
}

int ketsim_plot_open(const char *path, int width_px, int height_px, size_t n_panels, int share_x,
                     const char *title, ketsim_plot **out, ketsim_error *err)
{
    *out = NULL;
    const char *dev = device_for(path);
    if (!dev)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: a figure's name must end in .png or .svg", path);
    if (n_panels == 0 || n_panels > 12 || width_px < 200 || height_px < 150)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: bad figure size or panel count", path);
    if (!have_device(dev))
        return KETSIM_FAIL(err, KETSIM_EIO, "%s: PLplot has no '%s' driver (install plplot-driver-cairo)", path, dev);
    ketsim_plot *p = calloc(1, sizeof *p);
    if (!p)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    if (strlen(path) >= sizeof p->final_path) {
        free(p);
        return KETSIM_FAIL(err, KETSIM_EINPUT, "figure path too long");
    }
    strcpy(p->final_path, path);
    /* mode 0666 less the umask, like every other output */
    int fd = files_create_tmp(path, p->tmp_path, sizeof p->tmp_path, err);
    if (fd < 0) {
        free(p);
        return KETSIM_EIO;
    }
    p->sink.fd = fd;
    cookie_io_functions_t io = {.read = NULL, .write = sink_write, .seek = NULL, .close = sink_close};
    FILE *fp = fopencookie(&p->sink, "w", io);
    if (!fp) {
        close(fd);
        unlink(p->tmp_path);
        free(p);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    p->n_panels = n_panels;
    p->width_px = width_px, p->height_px = height_px;
    p->share_x = share_x;
    p->bottom_px = 62;
    plmkstrm(&p->stream);
    plsdev(dev);
    plsfile(fp); /* PLplot writes through the sink and closes it at plend1 */
    plspage(0, 0, width_px, height_px, 0, 0);
    set_colours();
    plinit();
    plfontld(1);
    plschr(0, CHAR_SCALE);
    draw_title(title ? title : "");
    *out = p;
    return KETSIM_OK;
}

static void end_stream(ketsim_plot *p)
{
    plsstrm(p->stream);
    plend1();
}

/* plend1 closes the stream when the driver opened it; a driver that did
 * not leaves the sink for us. */
static void close_sink(ketsim_plot *p)
{
    if (!p->sink.closed)
        sink_close(&p->sink);
}

int ketsim_plot_close(ketsim_plot *p, ketsim_error *err)
{
    end_stream(p);
    close_sink(p);
    int rc = KETSIM_OK;
    if (p->sink.error) {
        rc = KETSIM_FAIL(err, KETSIM_EIO, "%s: cannot write figure: %s", p->final_path, strerror(p->sink.error));
        unlink(p->tmp_path);
    } else if (rename(p->tmp_path, p->final_path) != 0) {
        rc = KETSIM_FAIL(err, KETSIM_EIO, "%s: cannot write figure: %s", p->final_path, strerror(errno));
        unlink(p->tmp_path);
    }
    free(p);
    return rc;
}

void ketsim_plot_abort(ketsim_plot *p)
{
    if (!p)
        return;
    end_stream(p);
    close_sink(p);
    unlink(p->tmp_path);
    free(p);
}

/* ---- layout and axes -------------------------------------------------- */

typedef struct range {
    double x0, x1, y0, y1;
    int any;
} range;

static void range_add(range *r, double x, double y, int log_y)
{
    if (!isfinite(x) || !isfinite(y) || (log_y && !(y > 0)))
        return;
    if (!r->any) {
        *r = (range){x, x, y, y, 1};
        return;
    }
    r->x0 = fmin(r->x0, x), r->x1 = fmax(r->x1, x);
    r->y0 = fmin(r->y0, y), r->y1 = fmax(r->y1, y);
}

/* Fill limits the caller left open, pad them, and move y to log10 if asked. */
static void range_finish(range *r, const ketsim_plot_axes *ax)
{
    if (!r->any)
        *r = (range){0, 1, ax->log_y ? 0.1 : 0, 1, 1};
    if (ax->log_y) {
        /* Four decades below the peak keep a washout readable. */
        r->y0 = fmax(r->y0, r->y1 * 1e-4);
        r->y0 = floor(log10(r->y0)), r->y1 = ceil(log10(r->y1) + 1e-9);
    } else {
        double pad = 0.05 * (r->y1 - r->y0);
        if (pad == 0)
            pad = r->y1 != 0 ? 0.1 * fabs(r->y1) : 1;
        r->y0 -= pad, r->y1 += pad;
    }
    if (ax->log_x) /* x came in as log10 already: whole decades */
        r->x0 = floor(r->x0), r->x1 = ceil(r->x1 + 1e-9);
    if (r->x1 == r->x0)
        r->x1 = r->x0 + 1;
    if (isfinite(ax->xmin)) r->x0 = ax->log_x ? log10(ax->xmin) : ax->xmin;
    if (isfinite(ax->xmax)) r->x1 = ax->log_x ? log10(ax->xmax) : ax->xmax;
    if (isfinite(ax->ymin)) r->y0 = ax->log_y ? log10(ax->ymin) : ax->ymin;
    if (isfinite(ax->ymax)) r->y1 = ax->log_y ? log10(ax->ymax) : ax->ymax;
}

static int check_panel(const ketsim_plot *p, size_t panel, ketsim_error *err)
{
    plsstrm(p->stream);
    if (panel >= p->n_panels)
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "panel %zu of a figure with %zu panels", panel, p->n_panels);
    return KETSIM_OK;
}

/* Viewport of a panel: panels stack from the top; shared-x panels sit close. */
static void panel_viewport(const ketsim_plot *p, size_t panel)
{
    /* Margins are fixed in pixels (text does not grow with the page). */
    double px = 1.0 / (double)p->height_px;
    double top = 1.0 - 72 * px, bottom = p->bottom_px * px, gap = (p->share_x ? 40 : 105) * px;
    double h = (top - bottom - gap * (double)(p->n_panels - 1)) / (double)p->n_panels;
    double y1 = top - (double)panel * (h + gap);
    /* at least 100 px on the left for the tick numbers and the y label,
     * which a tenth of a narrow page clips */
    double left = fmax(0.10, 100.0 / (double)p->width_px);
    plvpor(left, 0.97, y1 - h, y1);
}

/* The legend of a line plot in this panel (src/report/plot_legend.c), with
 * the panel's size in pixels; may grow r's y limits. */
static plot_legend_at panel_legend(const ketsim_plot *p, size_t panel, const ketsim_plot_series *s, size_t n,
                                   const ketsim_plot_axes *ax, range *r)
{
    panel_viewport(p, panel);
    PLFLT vx0, vx1, vy0, vy1;
    plgvpd(&vx0, &vx1, &vy0, &vy1);
    plot_legend_panel pl = {(vx1 - vx0) * p->width_px, (vy1 - vy0) * p->height_px, r->x0, r->x1, r->y0, r->y1};
    plot_legend_at at = plot_legend_place(&pl, s, n, ax);
    r->y0 = pl.y0, r->y1 = pl.y1;
    return at;
}

static void draw_frame(const ketsim_plot *p, size_t panel, const ketsim_plot_axes *ax, const range *r,
                       int x_numbers)
{
    int show_x = !p->share_x || panel + 1 == p->n_panels;
    panel_viewport(p, panel);
    plwind(r->x0, r->x1, r->y0, r->y1);
    plcol0(COL_GRID);
    plwidth(1);
    plbox(x_numbers ? (ax->log_x ? "gl" : "g") : "", 0, 0, ax->log_y ? "gl" : "g", 0, 0);
    plcol0(COL_FG);
    plbox(!x_numbers ? "bc" : show_x ? (ax->log_x ? "bcnstl" : "bcnst") : (ax->log_x ? "bcstl" : "bcst"), 0, 0,
          ax->log_y ? "bcnstvl" : "bcnstv", 0, 0);
    if (ax->ylabel)
        plmtex("l", 5.0, 0.5, 0.5, ax->ylabel);
    if (show_x && ax->xlabel)
        plmtex("b", 3.0, 0.5, 0.5, ax->xlabel);
    if (ax->title)
        plmtex("t", 0.7, 0.5, 0.5, ax->title);
}

/* Doses under the data: an infusion as a shaded band over its duration, a
 * bolus as a tick up from the bottom of the frame. */
static void draw_dose_marks(const ketsim_plot_axes *ax, const range *r)
{
    if (ax->log_x)
        return;
    double tick = 0.07 * (r->y1 - r->y0);
    plcol0(COL_DOSE);
    for (size_t k = 0; k < ax->n_doses; k++) {
        double x0 = ax->dose_x0[k], x1 = ax->dose_x1[k];
        if (!(x0 <= r->x1) || !(x0 >= r->x0 || x1 > r->x0))
            continue;
        if (x1 > x0) {
            PLFLT bx[4] = {fmax(x0, r->x0), fmin(x1, r->x1), fmin(x1, r->x1), fmax(x0, r->x0)};
            PLFLT by[4] = {r->y0, r->y0, r->y1, r->y1};
            plfill(4, bx, by);
        } else {
            plwidth(3);
            pljoin(x0, r->y0, x0, r->y0 + tick);
            plwidth(1);
        }
    }
    plcol0(COL_FG);
}

/* Legend in the panel's top-right corner, lines (or boxes for fills). */
static void draw_legend_marked(const char *const *labels, size_t n, int boxes, const char *const *markers,
                               plot_legend_at at, const size_t *colours);

static void draw_legend(const char *const *labels, size_t n, int boxes)
{
    draw_legend_marked(labels, n, boxes, NULL, (plot_legend_at){0, 1}, NULL);
}

/* As draw_legend; a non-NULL markers[i] shows that glyph instead of a line;
 * colours[i] (NULL: i) is entry i's series colour. */
static void draw_legend_marked(const char *const *labels, size_t n, int boxes, const char *const *markers,
                               plot_legend_at at, const size_t *colours)
{
    PLINT opt[MAX_LEGEND], tcol[MAX_LEGEND], lcol[MAX_LEGEND], lsty[MAX_LEGEND], bcol[MAX_LEGEND],
        bpat[MAX_LEGEND];
    PLFLT lw[MAX_LEGEND], bsc[MAX_LEGEND], blw[MAX_LEGEND];
    const char *text[MAX_LEGEND], *sym[MAX_LEGEND];
    PLINT scol[MAX_LEGEND], snum[MAX_LEGEND];
    PLFLT ssc[MAX_LEGEND];
    PLINT m = 0;
    for (size_t i = 0; i < n && m < MAX_LEGEND; i++) {
        if (!labels[i])
            continue;
        opt[m] = boxes ? PL_LEGEND_LINE | PL_LEGEND_COLOR_BOX : PL_LEGEND_LINE;
        tcol[m] = COL_FG;
        lcol[m] = COL_SERIES + (PLINT)((colours ? colours[i] : i) % N_SERIES_COLOURS);
        bcol[m] = COL_FILL + (PLINT)(i % N_SERIES_COLOURS);
        lsty[m] = 1, lw[m] = 2.5, bpat[m] = 0, bsc[m] = 0.8, blw[m] = 1;
        scol[m] = lcol[m], snum[m] = 1, ssc[m] = 1.2, sym[m] = "";
        if (markers && markers[i]) {
            opt[m] = PL_LEGEND_SYMBOL;
            sym[m] = markers[i];
        }
        text[m++] = labels[i];
    }
    if (m == 0)
        return;
    PLFLT w, h;
    PLINT cols = at.columns > 1 && m > 1 ? 2 : 1, rows = (m + cols - 1) / cols;
    pllegend(&w, &h, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX | (cols > 1 ? PL_LEGEND_ROW_MAJOR : 0),
             (at.bottom ? PL_POSITION_BOTTOM : PL_POSITION_TOP) | PL_POSITION_RIGHT | PL_POSITION_INSIDE, 0.01,
             0.02, 0.06, COL_BG, COL_GRID, 1, rows, cols, m, opt, 1.0, 0.7, 2.0, 0.0, tcol, text, bcol, bpat, bsc, blw, lcol, lsty, lw, scol, ssc,
             snum, sym);
}

static double ty(const ketsim_plot_axes *ax, double y) { return plot_drawn_y(ax, y); }

/* Draw a polyline, breaking it at values that cannot be drawn. */
static void polyline(const double *x, const double *y, size_t n, const ketsim_plot_axes *ax, double *bx,
                     double *by)
{
    size_t m = 0;
    for (size_t i = 0; i <= n; i++) {
        double v = i < n ? ty(ax, y[i]) : NAN;
        if (i < n && isfinite(v) && isfinite(x[i])) {
            bx[m] = x[i], by[m++] = v;
            continue;
        }
        if (m > 1)
            plline((PLINT)m, bx, by);
        m = 0;
    }
}

static void draw_markers(const ketsim_plot_series *s, const ketsim_plot_axes *ax)
{
    /* A text glyph: the same string draws the legend's symbol. */
    for (size_t i = 0; i < s->n; i++) {
        PLFLT px = s->x[i], py = ty(ax, s->y[i]);
        if (isfinite(px) && isfinite(py))
            plstring(1, &px, &py, s->marker);
    }
}

/* ---- primitives ----------------------------------------------------- */

/* The series with x moved to log10 (NAN where x <= 0) for a log x axis;
 * the copies' x arrays live in *store (freed by the caller). */
static ketsim_plot_series *log_x_copy(const ketsim_plot_series *s, size_t n, double **store)
{
    size_t total = 0;
    for (size_t k = 0; k < n; k++)
        total += s[k].n;
    ketsim_plot_series *c = malloc((n ? n : 1) * sizeof *c);
    double *x = malloc((total ? total : 1) * sizeof *x);
    if (!c || !x) {
        free(c), free(x);
        return NULL;
    }
    for (size_t k = 0, off = 0; k < n; off += s[k].n, k++) {
        c[k] = s[k];
        for (size_t i = 0; i < s[k].n; i++)
            x[off + i] = s[k].x[i] > 0 ? log10(s[k].x[i]) : NAN;
        c[k].x = x + off;
    }
    *store = x;
    return c;
}

static int plot_lines_linear_x(ketsim_plot *p, size_t panel, const ketsim_plot_axes *ax,
                               const ketsim_plot_series *s, size_t n, const size_t *colours_in, ketsim_error *err);

int ketsim_plot_lines_coloured(ketsim_plot *p, size_t panel, const ketsim_plot_axes *ax,
                               const ketsim_plot_series *s, size_t n, const size_t *colours, ketsim_error *err)
{
    if (!ax->log_x)
        return plot_lines_linear_x(p, panel, ax, s, n, colours, err);
    double *store = NULL;
    ketsim_plot_series *c = log_x_copy(s, n, &store);
    if (!c)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    int rc = plot_lines_linear_x(p, panel, ax, c, n, colours, err);
    free(c), free(store);
    return rc;
}

int ketsim_plot_lines(ketsim_plot *p, size_t panel, const ketsim_plot_axes *ax,
                      const ketsim_plot_series *s, size_t n, ketsim_error *err)
{
    return ketsim_plot_lines_coloured(p, panel, ax, s, n, NULL, err);
}

/* ketsim_plot_lines on x as given (already log10 for a log x axis). */
/* Whether the legend goes to the bottom-right corner: when asked, or when
 * fewer of the points drawn fall where it would sit there than in the
 * top-right corner.  Its box: the right 45% of the panel, and per entry
 * about 2.8% of the page's height (text grows with the page), measured on
 * the figures drawn.  Points stand in for the lines through them.  Call
 * with the panel's viewport set. */
static int plot_lines_linear_x(ketsim_plot *p, size_t panel, const ketsim_plot_axes *ax,
                               const ketsim_plot_series *s, size_t n, const size_t *colours_in, ketsim_error *err)
{
    int rc = check_panel(p, panel, err);
    if (rc)
        return rc;
    range r = {0};
    size_t longest = 1;
    for (size_t k = 0; k < n; k++) {
        for (size_t i = 0; i < s[k].n; i++)
            range_add(&r, s[k].x[i], s[k].y[i], ax->log_y);
        longest = s[k].n > longest ? s[k].n : longest;
    }
    range_finish(&r, ax);
    plot_legend_at legend = panel_legend(p, panel, s, n, ax, &r);
    double *bx = malloc(longest * sizeof *bx), *by = malloc(longest * sizeof *by);
    if (!bx || !by) {
        free(bx), free(by);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    draw_frame(p, panel, ax, &r, 1);
    draw_dose_marks(ax, &r);
    const char *labels[MAX_LEGEND];
    const char *markers[MAX_LEGEND];
    size_t colours[MAX_LEGEND];
    for (size_t k = 0; k < n; k++) {
        size_t col = colours_in ? colours_in[k] : k;
        if (k < MAX_LEGEND)
            colours[k] = col;
        plcol0(COL_SERIES + (PLINT)(col % N_SERIES_COLOURS));
        pllsty(s[k].dashed ? 2 : 1);
        plwidth(2.5);
        if (!s[k].no_line)
            polyline(s[k].x, s[k].y, s[k].n, ax, bx, by);
        if (s[k].marker)
            draw_markers(&s[k], ax);
        if (k < MAX_LEGEND)
            labels[k] = s[k].label, markers[k] = s[k].marker;
    }
    pllsty(1);
    plwidth(1);
    draw_legend_marked(labels, n < MAX_LEGEND ? n : MAX_LEGEND, 0, markers, legend, colours);
    free(bx), free(by);
    return KETSIM_OK;
}

/* The closed polygon lo(x) forward, hi(x) backward. */
static void fill_band(const ketsim_plot_band *b, const ketsim_plot_axes *ax, double *px, double *py)
{
    size_t m = 0;
    for (size_t i = 0; i < b->n; i++)
        if (isfinite(ty(ax, b->lo[i])) && isfinite(ty(ax, b->hi[i])))
            px[m] = b->x[i], py[m++] = ty(ax, b->lo[i]);
    size_t half = m;
    for (size_t i = b->n; i-- > 0;)
        if (isfinite(ty(ax, b->lo[i])) && isfinite(ty(ax, b->hi[i])))
            px[m] = b->x[i], py[m++] = ty(ax, b->hi[i]);
    if (half > 1)
        plfill((PLINT)m, px, py);
}

int ketsim_plot_bands(ketsim_plot *p, size_t panel, const ketsim_plot_axes *ax,
                      const ketsim_plot_band *b, size_t n, ketsim_error *err)
{
    int rc = check_panel(p, panel, err);
    if (rc)
        return rc;
    range r = {0};
    size_t longest = 1;
    for (size_t k = 0; k < n; k++) {
        for (size_t i = 0; i < b[k].n; i++) {
            range_add(&r, b[k].x[i], b[k].lo[i], ax->log_y);
            range_add(&r, b[k].x[i], b[k].hi[i], ax->log_y);
            range_add(&r, b[k].x[i], b[k].mean[i], ax->log_y);
        }
        longest = b[k].n > longest ? b[k].n : longest;
    }
    range_finish(&r, ax);
    double *px = malloc(2 * longest * sizeof *px), *py = malloc(2 * longest * sizeof *py);
    if (!px || !py) {
        free(px), free(py);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    draw_frame(p, panel, ax, &r, 1);
    draw_dose_marks(ax, &r);
    const char *labels[MAX_LEGEND];
    for (size_t k = 0; k < n; k++) {
        plcol0(COL_FILL + (PLINT)(k % N_SERIES_COLOURS));
        fill_band(&b[k], ax, px, py);
        plcol0(COL_SERIES + (PLINT)(k % N_SERIES_COLOURS));
        plwidth(2.5);
        polyline(b[k].x, b[k].mean, b[k].n, ax, px, py);
        if (k < MAX_LEGEND)
            labels[k] = b[k].label;
    }
    plwidth(1);
    draw_legend(labels, n < MAX_LEGEND ? n : MAX_LEGEND, 1);
    free(px), free(py);
    return KETSIM_OK;
}

int ketsim_plot_bands_series(ketsim_plot *p, size_t panel, const ketsim_plot_axes *ax, const ketsim_plot_band *b,
                             size_t nb, const ketsim_plot_series *s, size_t ns, const size_t *colours_in,
                             ketsim_error *err)
{
    int rc = check_panel(p, panel, err);
    if (rc)
        return rc;
    range r = {0};
    size_t longest = 1;
    for (size_t k = 0; k < nb; k++) {
        for (size_t i = 0; i < b[k].n; i++) {
            range_add(&r, b[k].x[i], b[k].lo[i], ax->log_y);
            range_add(&r, b[k].x[i], b[k].hi[i], ax->log_y);
            range_add(&r, b[k].x[i], b[k].mean[i], ax->log_y);
        }
        longest = b[k].n > longest ? b[k].n : longest;
    }
    for (size_t k = 0; k < ns; k++) {
        for (size_t i = 0; i < s[k].n; i++)
            range_add(&r, s[k].x[i], s[k].y[i], ax->log_y);
        longest = s[k].n > longest ? s[k].n : longest;
    }
    range_finish(&r, ax);
    double *px = malloc(2 * longest * sizeof *px), *py = malloc(2 * longest * sizeof *py);
    if (!px || !py) {
        free(px), free(py);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    draw_frame(p, panel, ax, &r, 1);
    draw_dose_marks(ax, &r);
    const char *labels[MAX_LEGEND] = {0}, *markers[MAX_LEGEND] = {0};
    size_t colours[MAX_LEGEND];
    for (size_t k = 0; k < MAX_LEGEND; k++)
        colours[k] = k;
    for (size_t k = 0; k < nb; k++) {
        plcol0(COL_FILL + (PLINT)(k % N_SERIES_COLOURS));
        fill_band(&b[k], ax, px, py);
        plcol0(COL_SERIES + (PLINT)(k % N_SERIES_COLOURS));
        plwidth(2.5);
        polyline(b[k].x, b[k].mean, b[k].n, ax, px, py);
        if (k < MAX_LEGEND)
            labels[k] = b[k].label;
    }
    for (size_t k = 0; k < ns; k++) {
        size_t c = nb + k, col = colours_in ? colours_in[k] : c;
        if (c < MAX_LEGEND)
            colours[c] = col;
        plcol0(COL_SERIES + (PLINT)(col % N_SERIES_COLOURS));
        pllsty(s[k].dashed ? 2 : 1);
        plwidth(2.5);
        if (!s[k].no_line)
            polyline(s[k].x, s[k].y, s[k].n, ax, px, py);
        if (s[k].marker)
            draw_markers(&s[k], ax);
        if (c < MAX_LEGEND)
            labels[c] = s[k].label, markers[c] = s[k].marker;
    }
    pllsty(1);
    plwidth(1);
    size_t nl = nb + ns < MAX_LEGEND ? nb + ns : MAX_LEGEND;
    draw_legend_marked(labels, nl, 0, markers, (plot_legend_at){ax->legend_bottom, 1}, colours);
    free(px), free(py);
    return KETSIM_OK;
}

static void draw_bar(const ketsim_plot_bar *b, size_t k, const ketsim_plot_axes *ax, double base)
{
    double x = (double)k + 1, w = 0.35;
    double bx[4] = {x - w, x + w, x + w, x - w}, by[4] = {base, base, ty(ax, b->mean), ty(ax, b->mean)};
    if (!isfinite(by[2]))
        return;
    plcol0(COL_FILL + (PLINT)(k % N_SERIES_COLOURS));
    plfill(4, bx, by);
    plcol0(COL_SERIES + (PLINT)(k % N_SERIES_COLOURS));
    plwidth(2);
    plline(4, bx, by);
    plcol0(COL_FG);
    PLFLT ex = x, lo = ty(ax, b->mean - b->sem), hi = ty(ax, b->mean + b->sem);
    if (b->sem > 0 && isfinite(lo) && isfinite(hi))
        plerry(1, &ex, &lo, &hi);
    /* Individual values spread evenly across the bar: no random jitter, so
     * the same data give the same figure. */
    for (size_t i = 0; i < b->n_points; i++) {
        PLFLT px = x - 0.6 * w + 1.2 * w * ((double)i + 0.5) / (double)b->n_points;
        PLFLT py = ty(ax, b->points[i]);
        if (isfinite(py)) {
            plssym(0, 0.9);
            plpoin(1, &px, &py, 17);
        }
    }
    plwidth(1);
}

/* The top of bar k in world units: its error bar or its highest animal. */
static double bar_top(const ketsim_plot_bar *b, const ketsim_plot_axes *ax, double base)
{
    double top = ty(ax, b->mean + (b->sem > 0 ? b->sem : 0));
    for (size_t i = 0; i < b->n_points; i++)
        if (isfinite(ty(ax, b->points[i])))
            top = isfinite(top) ? fmax(top, ty(ax, b->points[i])) : ty(ax, b->points[i]);
    return isfinite(top) ? fmax(top, base) : base;
}

/* Marks and brackets: each mark a little above its bar; brackets stacked
 * above every bar in the order given, their text on top. */
static void draw_bar_marks(const ketsim_plot_bar *b, size_t n, const ketsim_plot_bracket *br, size_t n_br,
                           const ketsim_plot_axes *ax, double span, double base, double data_top)
{
    double tick = 0.02 * span;
    plcol0(COL_FG);
    int any_mark = 0;
    for (size_t k = 0; k < n; k++)
        if (b[k].mark && b[k].mark[0]) {
            plptex((double)k + 1, bar_top(&b[k], ax, base) + 0.12 * span, 1, 0, 0.5, b[k].mark);
            any_mark = 1;
        }
    double y = data_top + (any_mark ? 0.2 : 0.05) * span;
    for (size_t j = 0; j < n_br; j++, y += 0.11 * span) {
        if (br[j].a >= n || br[j].b >= n)
            continue;
        double xa = (double)br[j].a + 1, xb = (double)br[j].b + 1;
        pljoin(xa, y - tick, xa, y);
        pljoin(xa, y, xb, y);
        pljoin(xb, y, xb, y - tick);
        if (br[j].text)
            plptex(0.5 * (xa + xb), y + 0.05 * span, 1, 0, 0.5, br[j].text);
    }
}

int ketsim_plot_bars_compared(ketsim_plot *p, size_t panel, const ketsim_plot_axes *ax, const ketsim_plot_bar *b,
                              size_t n, const ketsim_plot_bracket *br, size_t n_br, ketsim_error *err)
{
    int rc = check_panel(p, panel, err);
    if (rc)
        return rc;
    range r = {0};
    int any_mark = 0;
    for (size_t k = 0; k < n; k++) {
        range_add(&r, (double)k + 1, b[k].mean + b[k].sem, ax->log_y);
        range_add(&r, (double)k + 1, b[k].mean - b[k].sem, ax->log_y);
        range_add(&r, (double)k + 1, ax->log_y ? b[k].mean : 0, ax->log_y);
        for (size_t i = 0; i < b[k].n_points; i++)
            range_add(&r, (double)k + 1, b[k].points[i], ax->log_y);
        any_mark |= b[k].mark && b[k].mark[0];
    }
    ketsim_plot_axes a = *ax;
    a.xmin = 0.4, a.xmax = (double)n + 0.6;
    range_finish(&r, &a);
    double base = a.log_y ? r.y0 : 0, data_top = base;
    for (size_t k = 0; k < n; k++)
        data_top = fmax(data_top, bar_top(&b[k], &a, base));
    /* head room for the marks and brackets, unless the caller fixed ymax;
     * their spacing is in units of the data's span */
    double span = r.y1 - r.y0;
    if (!isfinite(ax->ymax) && (any_mark || n_br)) {
        r.y1 = fmax(r.y1, data_top + span * ((any_mark ? 0.2 : 0.05) + 0.11 * (double)n_br + 0.03));
    }
    draw_frame(p, panel, &a, &r, 0);
    for (size_t k = 0; k < n; k++) {
        draw_bar(&b[k], k, &a, base);
        if (b[k].label) {
            plcol0(COL_FG);
            plmtex("b", 1.5, ((double)k + 1 - r.x0) / (r.x1 - r.x0), 0.5, b[k].label);
        }
    }
    if (any_mark || n_br)
        draw_bar_marks(b, n, br, n_br, &a, span, base, data_top);
    return KETSIM_OK;
}

int ketsim_plot_bars(ketsim_plot *p, size_t panel, const ketsim_plot_axes *ax,
                     const ketsim_plot_bar *b, size_t n, ketsim_error *err)
{
    return ketsim_plot_bars_compared(p, panel, ax, b, n, NULL, 0, err);
}

/* A label's box in world units, for the overlap test. */
typedef struct label_box {
    double x0, x1, y0, y1;
} label_box;

static int boxes_overlap(const label_box *a, const label_box *b)
{
    return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

/* Where a label goes: the first position, right of its point then left of
 * it, level with it and then one, two, three label heights higher or lower,
 * that stays inside the frame and clear of the labels placed before it and
 * of every point (else right of the point, level).  Widths are estimated
 * from the character count: PLplot has no text metrics. */
static label_box place_label(const ketsim_plot_axes *ax, double x, double y, size_t chars, const label_box *avoid,
                             size_t n_avoid, double *just)
{
    double w = 0.0085 * (double)chars * (ax->xmax - ax->xmin), h = 0.035 * (ax->ymax - ax->ymin);
    double dx = 0.012 * (ax->xmax - ax->xmin);
    static const double level[] = {0, 0.6, -0.6, 1.2, -1.2, 1.8, -1.8, 2.4, -2.4};
    for (int side = 0; side < 2; side++)
        for (size_t l = 0; l < sizeof level / sizeof level[0]; l++) {
            double yc = y + level[l] * h;
            label_box b = {side ? x - dx - w : x + dx, side ? x - dx : x + dx + w, yc - 0.5 * h, yc + 0.5 * h};
            if (b.x0 < ax->xmin || b.x1 > ax->xmax || b.y0 < ax->ymin || b.y1 > ax->ymax)
                continue;
            int clear = 1;
            for (size_t i = 0; i < n_avoid && clear; i++)
                clear = !boxes_overlap(&b, &avoid[i]);
            if (clear) {
                *just = side;
                return b;
            }
        }
    *just = 0;
    return (label_box){x + dx, x + dx + w, y - 0.5 * h, y + 0.5 * h};
}

int ketsim_plot_labels(ketsim_plot *p, size_t panel, const ketsim_plot_axes *ax, const double *x, const double *y,
                       const char *const *text, size_t n, ketsim_error *err)
{
    int rc = check_panel(p, panel, err);
    if (rc)
        return rc;
    /* The panel's world coordinates are the axes' own limits: a label
     * placed against limits taken from other data would drift off its point. */
    if (!isfinite(ax->xmin) || !isfinite(ax->xmax) || !isfinite(ax->ymin) || !isfinite(ax->ymax) || ax->log_x ||
        ax->log_y)
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "point labels need fixed linear axis limits");
    /* room for every point's marker and every label */
    label_box *placed = malloc((n ? 2 * n : 1) * sizeof *placed);
    if (!placed)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    panel_viewport(p, panel);
    plwind(ax->xmin, ax->xmax, ax->ymin, ax->ymax);
    plcol0(COL_FG);
    plschr(0, 0.8 * CHAR_SCALE);
    size_t n_placed = 0;
    double mx = 0.008 * (ax->xmax - ax->xmin), my = 0.012 * (ax->ymax - ax->ymin);
    for (size_t k = 0; k < n; k++)
        if (isfinite(x[k]) && isfinite(y[k]))
            placed[n_placed++] = (label_box){x[k] - mx, x[k] + mx, y[k] - my, y[k] + my};
    for (size_t k = 0; k < n; k++) {
        if (!text[k] || !isfinite(x[k]) || !isfinite(y[k]) || x[k] < ax->xmin || x[k] > ax->xmax ||
            y[k] < ax->ymin || y[k] > ax->ymax)
            continue;
        double just = 0;
        label_box b = place_label(ax, x[k], y[k], strlen(text[k]), placed, n_placed, &just);
        placed[n_placed++] = b;
        /* a label moved off its point's level gets a leader line */
        double yc = 0.5 * (b.y0 + b.y1);
        if (fabs(yc - y[k]) > 0.5 * (b.y1 - b.y0)) {
            plcol0(COL_GRID);
            pljoin(x[k], y[k], just ? b.x1 : b.x0, yc);
            plcol0(COL_FG);
        }
        /* baseline a quarter of the box above its bottom */
        plptex(just ? b.x1 : b.x0, b.y0 + 0.25 * (b.y1 - b.y0), 1, 0, just, text[k]);
    }
    plschr(0, CHAR_SCALE);
    free(placed);
    return KETSIM_OK;
}

int ketsim_plot_note(ketsim_plot *p, size_t panel, const char *text, ketsim_error *err)
{
    int rc = check_panel(p, panel, err);
    if (rc)
        return rc;
    panel_viewport(p, panel);
    plcol0(COL_FG);
    char line[512];
    double disp = -1.5;
    for (const char *a = text; *a;) {
        size_t len = strcspn(a, "\n");
        size_t m = len < sizeof line - 1 ? len : sizeof line - 1;
        memcpy(line, a, m);
        line[m] = 0;
        plmtex("t", disp, 0.015, 0, line);
        disp -= 1.6;
        a += len + (a[len] == '\n');
    }
    return KETSIM_OK;
}

/* Survival at time t of a step curve. */
static double km_at(const ketsim_plot_km *c, double t)
{
    double s = c->n ? c->surv[0] : 1;
    for (size_t i = 0; i < c->n && c->t[i] <= t; i++)
        s = c->surv[i];
    return s;
}

/* Steps through (t[i], y[i]) held to x = x_end. */
static void draw_steps(const double *t, const double *y, size_t n, double x_end, double *bx, double *by)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (i) /* horizontal to the next event time, then the drop */
            bx[m] = t[i], by[m++] = y[i - 1];
        bx[m] = t[i], by[m++] = y[i];
    }
    if (n)
        bx[m] = x_end, by[m++] = y[n - 1];
    if (m > 1)
        plline((PLINT)m, bx, by);
}

static void draw_km(const ketsim_plot_km *c, size_t k, const range *r, double *bx, double *by)
{
    plcol0(COL_SERIES + (PLINT)(k % N_SERIES_COLOURS));
    if (c->lower && c->upper) {
        pllsty(2);
        plwidth(1.2);
        draw_steps(c->t, c->lower, c->n, r->x1, bx, by);
        draw_steps(c->t, c->upper, c->n, r->x1, bx, by);
        pllsty(1);
    }
    plwidth(2.5);
    draw_steps(c->t, c->surv, c->n, r->x1, bx, by);
    double tick = 0.035 * (r->y1 - r->y0);
    for (size_t i = 0; i < c->n_censor; i++) {
        double s = km_at(c, c->censor_t[i]);
        pljoin(c->censor_t[i], s - tick, c->censor_t[i], s + tick);
    }
    plwidth(1);
}

int ketsim_plot_km_curves(ketsim_plot *p, size_t panel, const ketsim_plot_axes *ax,
                          const ketsim_plot_km *c, size_t n, ketsim_error *err)
{
    int rc = check_panel(p, panel, err);
    if (rc)
        return rc;
    if (ax->log_y)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "a survival curve needs a linear y axis");
    range r = {0};
    size_t longest = 1;
    for (size_t k = 0; k < n; k++) {
        for (size_t i = 0; i < c[k].n; i++)
            range_add(&r, c[k].t[i], c[k].surv[i], 0);
        for (size_t i = 0; i < c[k].n_censor; i++)
            range_add(&r, c[k].censor_t[i], km_at(&c[k], c[k].censor_t[i]), 0);
        longest = c[k].n > longest ? c[k].n : longest;
    }
    ketsim_plot_axes a = *ax;
    if (!isfinite(a.ymin)) a.ymin = 0;
    if (!isfinite(a.ymax)) a.ymax = 1.05;
    range_finish(&r, &a);
    double *bx = malloc((2 * longest + 1) * sizeof *bx), *by = malloc((2 * longest + 1) * sizeof *by);
    if (!bx || !by) {
        free(bx), free(by);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    draw_frame(p, panel, &a, &r, 1);
    const char *labels[MAX_LEGEND];
    for (size_t k = 0; k < n; k++) {
        draw_km(&c[k], k, &r, bx, by);
        if (k < MAX_LEGEND)
            labels[k] = c[k].label;
    }
    draw_legend(labels, n < MAX_LEGEND ? n : MAX_LEGEND, 0);
    free(bx), free(by);
    return KETSIM_OK;
}

int ketsim_plot_set_margin_bottom(ketsim_plot *p, int px, ketsim_error *err)
{
    if (px < 0 || px > p->height_px / 2)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "a bottom margin of %d px on a %d px figure", px, p->height_px);
    p->bottom_px = px;
    return KETSIM_OK;
}

/* Rows of text under the x label, one character height and a half apart. */
#define AT_RISK_DISP0 4.9
#define AT_RISK_STEP 1.5

int ketsim_plot_km_at_risk(ketsim_plot *p, size_t panel, const double *t, size_t n_t, const size_t *counts,
                           size_t n_curves, ketsim_error *err)
{
    int rc = check_panel(p, panel, err);
    if (rc)
        return rc;
    /* the window of the curves just drawn on this stream */
    PLFLT x0, x1, y0, y1;
    plgvpw(&x0, &x1, &y0, &y1);
    panel_viewport(p, panel);
    plwind(x0, x1, y0, y1);
    plcol0(COL_FG);
    plmtex("b", AT_RISK_DISP0, -0.03, 1.0, "at risk");
    for (size_t k = 0; k < n_curves; k++) {
        plcol0(COL_SERIES + (PLINT)(k % N_SERIES_COLOURS));
        for (size_t j = 0; j < n_t; j++) {
            if (!(t[j] >= x0 && t[j] <= x1))
                continue;
            char text[24];
            snprintf(text, sizeof text, "%zu", counts[k * n_t + j]);
            plmtex("b", AT_RISK_DISP0 + AT_RISK_STEP * (double)k, (t[j] - x0) / (x1 - x0), 0.5, text);
        }
    }
    plcol0(COL_FG);
    return KETSIM_OK;
}
