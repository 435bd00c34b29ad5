/* Figures of `simulate --dataset` (ketsim_plot_dataset,
 * include/ketsim/plot_results.h): per output, the observations against
 * the model's predictions and both against time. */
#include "ketsim/events.h"
#include "ketsim/model.h"
#include "ketsim/plot.h"
#include "ketsim/plot_results.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* positive values spread wider than this many-fold go on log axes */
#define DATASET_LOG_SPAN 100.0

typedef struct dataset_fig {
    const char *name;
    size_t n;
    double *t, *dv, *pred;
    int log;
} dataset_fig;

/* The observation records of `code` that carry a value. */
static int dataset_gather(const ketsim_events *ev, const double *pred, size_t code, dataset_fig *f,
                          ketsim_error *err)
{
    size_t nr = ketsim_events_n_records(ev);
    f->t = malloc((nr ? nr : 1) * sizeof *f->t);
    f->dv = malloc((nr ? nr : 1) * sizeof *f->dv);
    f->pred = malloc((nr ? nr : 1) * sizeof *f->pred);
    if (!f->t || !f->dv || !f->pred)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    double lo = INFINITY, hi = 0;
    int positive = 1;
    for (size_t i = 0; i < nr; i++) {
        const ketsim_event *e = ketsim_events_record(ev, i);
        if (!ketsim_event_has_value(e) || e->output != code)
            continue;
        f->t[f->n] = e->time_h, f->dv[f->n] = e->dv, f->pred[f->n++] = pred[i];
        positive = positive && e->dv > 0 && pred[i] > 0;
        lo = fmin(lo, fmin(e->dv, pred[i])), hi = fmax(hi, fmax(e->dv, pred[i]));
    }
    f->log = positive && f->n > 0 && hi > DATASET_LOG_SPAN * lo;
    return KETSIM_OK;
}

static int dataset_draw(const char *path, const void *ctx, ketsim_error *err)
{
    const dataset_fig *f = ctx;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < f->n; i++)
        lo = fmin(lo, fmin(f->dv[i], f->pred[i])), hi = fmax(hi, fmax(f->dv[i], f->pred[i]));
    double id[2] = {lo, hi};
    char title[200];
    snprintf(title, sizeof title, "%s: %zu observations", f->name, f->n);
    ketsim_plot *p = NULL;
    int rc = ketsim_plot_open(path, 900, 1000, 2, 0, title, &p, err);
    ketsim_plot_axes ax = ketsim_plot_axes_auto("observed against predicted", "predicted (PRED)", "observed (DV)");
    ax.log_x = ax.log_y = f->log;
    ketsim_plot_series vs[2] = {
        {.label = "observations", .x = f->pred, .y = f->dv, .n = f->n, .marker = "\u25cf", .no_line = 1},
        {.label = "identity y = x", .x = id, .y = id, .n = 2},
    };
    static const size_t vs_colour[2] = {0, 6};
    if (!rc)
        rc = ketsim_plot_lines_coloured(p, 0, &ax, vs, 2, vs_colour, err);
    ax = ketsim_plot_axes_auto("against time", "time (h)", "observed, predicted");
    ax.log_y = f->log;
    ketsim_plot_series tv[2] = {
        {.label = "observed (DV)", .x = f->t, .y = f->dv, .n = f->n, .marker = "\u25cf", .no_line = 1},
        {.label = "predicted (PRED)", .x = f->t, .y = f->pred, .n = f->n, .marker = "\u25cb", .no_line = 1},
    };
    if (!rc)
        rc = ketsim_plot_lines(p, 1, &ax, tv, 2, err);
    if (rc) {
        if (p)
            ketsim_plot_abort(p);
        return rc;
    }
    return ketsim_plot_close(p, err);
}

int ketsim_plot_dataset(const char *dir, const ketsim_events *ev, const double *pred, ketsim_error *err)
{
    size_t nr = ketsim_events_n_records(ev);
    size_t *codes = malloc((nr ? nr : 1) * sizeof *codes);
    int rc = codes ? ketsim_plot_mkdir(dir, "--report", err) : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    size_t n_codes = codes ? ketsim_events_valued_outputs(ev, codes) : 0;
    for (size_t k = 0; !rc && k < n_codes; k++) {
        dataset_fig f = {.name = ketsim_events_output_name(ev, codes[k])};
        rc = dataset_gather(ev, pred, codes[k], &f, err);
        char base[160];
        if (!rc && snprintf(base, sizeof base, "dataset_%s", f.name) >= (int)sizeof base)
            rc = KETSIM_FAIL(err, KETSIM_EINPUT, "%s: output name too long for a figure", f.name);
        if (!rc)
            rc = ketsim_plot_png_svg(dir, base, dataset_draw, &f, err);
        free(f.t), free(f.dv), free(f.pred);
    }
    free(codes);
    return rc;
}
