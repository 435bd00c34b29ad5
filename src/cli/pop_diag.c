/* ketsim fit --method foce-i|saem --plot DIR / --vpc N: the diagnostics of a
 * population fit (docs/fit.md, "Diagnostics"). */
#include "pop_diag.h"
#include "cli.h"
#include "interrupt.h"
#include "ketsim/plot.h"
#include "ketsim/plot_results.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_REPLICATES 200
#define DEFAULT_BINS 10
#define CURVE_POINTS 200

static int count(const char *flag, const char *s, double lo, double hi, size_t *out)
{
    double v;
    if (cli_parse_double(s, &v) || !(v >= lo && v <= hi) || v != floor(v))
        return cli_usage("fit", "%s '%s': expected an integer from %g to %g", flag, s, lo, hi);
    *out = (size_t)v;
    return 0;
}

int pop_diag_option(pop_diag_opts *d, int c, const char *arg)
{
    switch (c) {
    case POP_DIAG_OPT_PLOT: d->plot_dir = arg; return 1;
    case POP_DIAG_OPT_VPC: return count("--vpc", arg, 20, 100000, &d->n_rep) ? 2 : 1;
    case POP_DIAG_OPT_BINS: return count("--vpc-bins", arg, 1, 100, &d->max_bins) ? 2 : 1;
    case POP_DIAG_OPT_SCALE:
        if (strcmp(arg, "auto") == 0)
            d->log_scale = -1;
        else if (strcmp(arg, "log") == 0)
            d->log_scale = 1;
        else if (strcmp(arg, "linear") == 0)
            d->log_scale = 0;
        else
            return cli_usage("fit", "--plot-scale '%s': expected auto, log or linear", arg), 2;
        return 1;
    default: return 0;
    }
}

/* VPC bins of every fitted output, and their CSV files when a directory is given. */
static int vpc_all(const char *dir, const pop_diag_opts *d, const ketsim_popest_sims *s, const ketsim_popest_curves *c,
                   const ketsim_events *ev, ketsim_popest_vpc_bin **bins, size_t *nb, ketsim_error *err)
{
    int rc = KETSIM_OK;
    for (size_t o = 0; !rc && o < c->n_outputs; o++) {
        const char *name = ketsim_events_output_name(ev, c->outputs[o]);
        rc = ketsim_popest_vpc(s, c->outputs[o], d->max_bins ? d->max_bins : DEFAULT_BINS, &bins[o], &nb[o], err);
        if (!rc && dir) {
            char path[4200];
            snprintf(path, sizeof path, "%s/vpc_%s.csv", dir, name);
            rc = ketsim_popest_write_vpc(path, name, bins[o], nb[o], s->n_rep, err);
        }
    }
    return rc;
}

int pop_diag_run(const pop_diag_opts *d, const char *write_dir, ketsim_popest *pe, ketsim_popest_result *r, const ketsim_events *ev,
                 ketsim_error *err)
{
    if (!d->plot_dir && !d->n_rep)
        return KETSIM_OK;
    size_t n_rep = d->n_rep ? d->n_rep : DEFAULT_REPLICATES;
    ketsim_popest_sims *s = NULL;
    ketsim_popest_curves *c = NULL;
    ketsim_popest_vpc_bin *bins[KETSIM_EVENTS_MAX_COV] = {0};
    size_t nb[KETSIM_EVENTS_MAX_COV] = {0};
    int rc = ketsim_popest_simulate_design(pe, n_rep, d->seed, &s, err);
    if (!rc)
        rc = ketsim_popest_npde(s, r, err);
    if (!rc)
        rc = ketsim_popest_curves_compute(pe, CURVE_POINTS, &c, err);
    if (!rc && c->n_outputs > KETSIM_EVENTS_MAX_COV)
        rc = KETSIM_FAIL(err, KETSIM_EINPUT, "--plot: more than %d fitted outputs", KETSIM_EVENTS_MAX_COV);
    /* the figures and tables go into write_dir, the staging directory of
     * --plot DIR (published by the caller), under the output lock */
    cli_output_lock();
    if (!rc)
        rc = vpc_all(write_dir, d, s, c, ev, bins, nb, err);
    cli_output_unlock();
    if (!rc && write_dir) {
        ketsim_popest_plot_input in = {.ev = ev, .r = r, .curves = c, .vpc = (const ketsim_popest_vpc_bin *const *)bins,
                                       .n_vpc = nb, .n_rep = n_rep, .log_scale = d->log_scale};
        cli_output_lock();
        rc = ketsim_plot_popest(write_dir, &in, err);
        cli_output_unlock();
    }
    if (!rc)
        printf("\ndiagnostics: %zu simulations of the design (seed %llu); NPDE in the table%s%s\n", n_rep,
               (unsigned long long)d->seed, d->plot_dir ? "; figures and VPC tables in " : "",
               d->plot_dir ? d->plot_dir : "");
    for (size_t o = 0; o < KETSIM_EVENTS_MAX_COV; o++)
        free(bins[o]);
    ketsim_popest_curves_free(c);
    ketsim_popest_sims_free(s);
    return rc;
}
