/* The standard figures of one simulated subject (ketsim_plot_trajectory). */
#include "ketsim/model.h"
#include "ketsim/plot.h"
#include "ketsim/regimen.h"
#include "util/files.h"
#include "ketsim/simulate.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_LINES 6

typedef struct panel_spec {
    const char *title, *ylabel;
    const char *outputs[MAX_LINES];  /* output names, NULL-terminated */
    const char *labels[MAX_LINES];
    int log_y;                       /* 1: a concentration panel, log unless asked for linear */
    int from_zero;                   /* 1: the y axis starts at 0 (a rating scale) */
    int acute;                       /* 1: over days, drawn on the first hours only (an effect gone
                                      * within hours would be a spike at the origin of a days axis) */
} panel_spec;

typedef struct figure_spec {
    const char *file, *title;
    size_t n_panels;
    panel_spec panels[5];
    int zoom;                        /* 1: over days, panel 0 is drawn first a second time on the first hours */
} figure_spec;

static const figure_spec figures[] = {
    {"concentrations", "Drug concentrations", 2, {
        {"Plasma (total)", "concentration (ng/mL)",
         {"plasma_ketamine_ng_per_ml", "plasma_norketamine_ng_per_ml", "plasma_dhnk_ng_per_ml", "plasma_hnk_ng_per_ml"},
         {"ketamine", "norketamine", "DHNK", "HNK"}, 1, 0, 0},
        {"Brain (free)", "concentration (\u00b5M)",
         {"brain_ketamine_free_um", "brain_norketamine_free_um", "brain_hnk_free_um"},
         {"ketamine", "norketamine", "HNK"}, 1, 0, 0}}, 1},
    {"cascade", "Signalling cascade", 4, {
        {"NMDA receptor block", "fraction blocked",
         {"nmda_block_interneuron", "nmda_block_pyramidal"}, {"interneurons", "pyramidal neurons"}, 0, 0, 1},
        {"Glutamate surge", "relative to baseline",
         {"interneuron_activity_rel", "pfc_glutamate_rel", "ampa_activation_rel"},
         {"interneuron firing", "PFC glutamate", "AMPA activation"}, 0, 0, 1},
        {"Plasticity signalling", "relative to baseline",
         {"bdnf_rel", "trkb_activation_rel", "mtorc1_rel", "peef2_rel"},
         {"BDNF", "TrkB activation", "mTORC1", "p-eEF2"}, 0, 0, 1},
        {"Synapses", "relative to baseline",
         {"synaptic_protein_rel", "spine_density_rel", "synaptic_function_rel"},
         {"synaptic proteins", "spine density", "synaptic function"}, 0, 0, 0}}, 0},
    {"clinical", "Clinical read-outs", 3, {
        {"Depression (MADRS, HAM-D17)", "score (points)", {"madrs", "hamd"}, {"MADRS", "HAM-D17"}, 0, 1, 0},
        {"Dissociation (CADSS)", "CADSS (points)", {"cadss"}, {"CADSS"}, 0, 1, 1},
        {"Haemodynamics (change from baseline)", "mmHg; beats/min",
         {"sbp_change_mmhg", "dbp_change_mmhg", "hr_change_bpm"},
         {"systolic pressure (mmHg)", "diastolic pressure (mmHg)", "heart rate (beats/min)"}, 0, 0, 1}}, 0},
};

int ketsim_plot_mkdir(const char *dir, const char *flag, ketsim_error *err)
{
    if (mkdir(dir, 0777) == 0 || errno == EEXIST) {
        struct stat st;
        if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
            return KETSIM_OK;
    }
    return KETSIM_FAIL(err, KETSIM_EIO, "%s %s: cannot create the directory: %s", flag, dir,
                       errno == EEXIST ? "a file of that name exists" : strerror(errno));
}

int ketsim_plot_png_svg(const char *dir, const char *base, ketsim_plot_drawer draw, const void *ctx,
                        ketsim_error *err)
{
    static const char *const ext[] = {"png", "svg"};
    /* the base can come from a file (a scenario's or protocol's name): it
     * must not lead out of the directory */
    int rc = files_check_name("figure name", base, err);
    for (size_t e = 0; !rc && e < 2; e++) {
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%s.%s", dir, base, ext[e]) >= (int)sizeof path)
            rc = KETSIM_FAIL(err, KETSIM_EINPUT, "%s: directory name too long for a figure", dir);
        else
            rc = draw(path, ctx, err);
    }
    return rc;
}

/* What every panel of a figure shares: the x values and label, the dose
 * marks in x units, and whether concentrations go on a log axis. */
typedef struct figure_ctx {
    const double *x;
    size_t n;
    const char *xlabel;
    const double *dose_x0, *dose_x1;
    size_t n_doses;
    int log_conc;
    double scale;                    /* hours per x unit */
    const ketsim_plot_observed *obs;
    size_t n_obs;
    double xmax;                     /* end of the x axis; NAN: the run's */
    double zoom_h;                   /* hours of a zoom panel (figure_spec.zoom); 0: none */
    const double *x_h, *dose_h0, *dose_h1; /* the times and doses in hours, for it */
} figure_ctx;

/* The first hours worth a panel of their own when a run is drawn in days:
 * the end of the first dose and 12 h more (most of ketamine's distribution
 * and the first half-lives), to a multiple of 6 h. */
double ketsim_plot_zoom_hours(const ketsim_regimen *reg)
{
    double start = INFINITY, end = 0;
    for (size_t k = 0; reg && k < ketsim_regimen_count(reg); k++) {
        const ketsim_dose *d = ketsim_regimen_dose(reg, k);
        if (d->time_h < start)
            start = d->time_h, end = d->time_h + d->duration_h;
    }
    return 6 * ceil((end + 12) / 6);
}

int ketsim_plot_trajectory_draws(const char *output)
{
    for (size_t f = 0; f < sizeof figures / sizeof *figures; f++)
        for (size_t i = 0; i < figures[f].n_panels; i++)
            for (size_t m = 0; m < MAX_LINES && figures[f].panels[i].outputs[m]; m++)
                if (!strcmp(figures[f].panels[i].outputs[m], output))
                    return 1;
    return 0;
}

/* The observations of output `name` as a scatter in x units (x holds room
 * for them), labelled after the line they go with. */
static size_t observed_series(const figure_ctx *fc, const char *name, const char *line_label, double *x,
                              char *label, size_t label_size, ketsim_plot_series *out)
{
    for (size_t k = 0; k < fc->n_obs; k++) {
        const ketsim_plot_observed *o = &fc->obs[k];
        if (strcmp(o->output, name))
            continue;
        for (size_t j = 0; j < o->n; j++)
            x[j] = o->t_h[j] / fc->scale;
        snprintf(label, label_size, "%s, observed", line_label);
        *out = (ketsim_plot_series){label, x, o->y, o->n, 0, "\u25cb", 1};
        return 1;
    }
    return 0;
}

static int draw_panel(ketsim_plot *p, size_t i, const panel_spec *ps, const figure_ctx *fc, double *ybuf,
                      ketsim_error *err)
{
    const double *x = fc->x;
    size_t n = fc->n;
    ketsim_plot_series s[2 * MAX_LINES];
    size_t colours[2 * MAX_LINES], m = 0;
    for (; m < MAX_LINES && ps->outputs[m]; m++) {
        long k = ketsim_output_index(ps->outputs[m]);
        if (k < 0)
            return KETSIM_FAIL(err, KETSIM_EINTERNAL, "figure: unknown output %s", ps->outputs[m]);
        s[m] = (ketsim_plot_series){ps->labels[m], x, ybuf + m * n, n, 0, NULL, 0};
        colours[m] = m;
    }
    /* observed points after every line, so the lines keep their colours */
    size_t n_lines = m, longest = 0;
    for (size_t k = 0; k < fc->n_obs; k++)
        longest = fc->obs[k].n > longest ? fc->obs[k].n : longest;
    double *ox = malloc((longest ? longest : 1) * n_lines * sizeof *ox);
    char labels[MAX_LINES][96];
    if (!ox)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    for (size_t j = 0; j < n_lines; j++)
        if (observed_series(fc, ps->outputs[j], ps->labels[j], ox + j * longest, labels[j], sizeof labels[j], &s[m]))
            colours[m++] = j;
    ketsim_plot_axes ax = ketsim_plot_axes_auto(ps->title, fc->xlabel, ps->ylabel);
    ax.log_y = ps->log_y && fc->log_conc;
    if (ps->from_zero)
        ax.ymin = 0;
    if (isfinite(fc->xmax))
        ax.xmin = fc->x[0], ax.xmax = fc->xmax;
    ax.dose_x0 = fc->dose_x0, ax.dose_x1 = fc->dose_x1, ax.n_doses = fc->n_doses;
    int rc = ketsim_plot_lines_coloured(p, i, &ax, s, m, colours, err);
    free(ox);
    return rc;
}

/* A panel on the first fc->zoom_h hours, in hours, as panel i: panel 0 of
 * a zoom figure a second time, or an acute panel instead of its whole run. */
static int draw_zoom(ketsim_plot *p, size_t i, const panel_spec *ps, const figure_ctx *fc, double *ybuf,
                     ketsim_error *err)
{
    char title[128];
    snprintf(title, sizeof title, "%s, the first %g h", ps->title, fc->zoom_h);
    panel_spec zs = *ps;
    zs.title = title;
    figure_ctx zc = *fc;
    zc.x = fc->x_h, zc.dose_x0 = fc->dose_h0, zc.dose_x1 = fc->dose_h1, zc.scale = 1, zc.xlabel = "time (h)";
    zc.xmax = fc->zoom_h;
    return draw_panel(p, i, &zs, &zc, ybuf, err);
}

static int draw_figure(const figure_spec *f, const ketsim_trajectory *t, const char *path, const figure_ctx *fc,
                       double *ybuf, const char *subtitle, ketsim_error *err)
{
    char title[256];
    snprintf(title, sizeof title, "%s%s%s", f->title, subtitle ? " - " : "", subtitle ? subtitle : "");
    ketsim_plot *p;
    size_t n = ketsim_traj_n_times(t), zoom = f->zoom && fc->zoom_h > 0, np = f->n_panels + zoom, acute = 0;
    for (size_t i = 0; fc->zoom_h > 0 && i < f->n_panels; i++)
        acute += f->panels[i].acute;
    /* panels in hours beside panels in days each have their own time axis,
     * so the panels do not share one */
    int own_axes = zoom || acute;
    int rc = ketsim_plot_open(path, 1100, 260 * (int)np + 140 + 60 * own_axes, np, !own_axes, title, &p, err);
    for (size_t i = 0; !rc && i < f->n_panels; i++) {
        const panel_spec *ps = &f->panels[i];
        for (size_t m = 0; m < MAX_LINES && ps->outputs[m]; m++) {
            long k = ketsim_output_index(ps->outputs[m]);
            for (size_t j = 0; k >= 0 && j < n; j++)
                ybuf[m * n + j] = ketsim_traj_output(t, j, (size_t)k);
        }
        if (i == 0 && zoom)
            rc = draw_zoom(p, 0, ps, fc, ybuf, err);
        if (!rc && ps->acute && fc->zoom_h > 0)
            rc = draw_zoom(p, i + zoom, ps, fc, ybuf, err);
        else if (!rc)
            rc = draw_panel(p, i + zoom, ps, fc, ybuf, err);
    }
    if (rc) {
        ketsim_plot_abort(p);
        return rc;
    }
    return ketsim_plot_close(p, err);
}

int ketsim_plot_trajectory(const ketsim_trajectory *t, const ketsim_regimen *reg, const ketsim_plot_observed *obs,
                           size_t n_obs, const char *dir, int log_conc, const char *subtitle, ketsim_error *err)
{
    int rc = ketsim_plot_mkdir(dir, "--plot", err);
    if (rc)
        return rc;
    size_t n = ketsim_traj_n_times(t), nd = reg ? ketsim_regimen_count(reg) : 0;
    double *x = malloc((n ? n : 1) * sizeof *x), *ybuf = malloc((n ? n : 1) * MAX_LINES * sizeof *ybuf);
    double *dx = malloc((nd ? nd : 1) * 4 * sizeof *dx), *x_h = malloc((n ? n : 1) * sizeof *x_h);
    if (!x || !ybuf || !dx || !x_h) {
        free(x), free(ybuf), free(dx), free(x_h);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    /* Days read better than hours beyond three days. */
    double end = n ? ketsim_traj_time(t, n - 1) : 0, scale = end > 72 ? 24 : 1;
    figure_ctx fc = {x, n, scale > 1 ? "time (days)" : "time (h)", dx, dx + nd, nd, log_conc, scale, obs, n_obs,
                     /* the whole run, also where a log axis has nothing left to draw */
                     n > 1 ? end / scale : NAN, scale > 1 ? ketsim_plot_zoom_hours(reg) : 0, x_h, dx + 2 * nd,
                     dx + 3 * nd};
    for (size_t j = 0; j < n; j++)
        x_h[j] = ketsim_traj_time(t, j), x[j] = x_h[j] / scale;
    for (size_t k = 0; k < nd; k++) {
        const ketsim_dose *d = ketsim_regimen_dose(reg, k);
        dx[2 * nd + k] = d->time_h, dx[3 * nd + k] = d->time_h + d->duration_h;
        dx[k] = dx[2 * nd + k] / scale, dx[nd + k] = dx[3 * nd + k] / scale;
    }
    static const char *const ext[] = {"png", "svg"};
    for (size_t f = 0; !rc && f < sizeof figures / sizeof *figures; f++)
        for (size_t e = 0; !rc && e < 2; e++) {
            char path[4096];
            if (snprintf(path, sizeof path, "%s/%s.%s", dir, figures[f].file, ext[e]) >= (int)sizeof path)
                rc = KETSIM_FAIL(err, KETSIM_EINPUT, "--plot: directory name too long");
            else
                rc = draw_figure(&figures[f], t, path, &fc, ybuf, subtitle, err);
        }
    free(x), free(ybuf), free(dx), free(x_h);
    return rc;
}
