/* --observed FILE: a dataset's observations, one scatter per output. */
#include "observed.h"

#include "ketsim/dataset.h"
#include "ketsim/events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cli_observed {
    ketsim_plot_observed *series;
    size_t n;
    double *store;              /* every series' t_h then y, in one block */
};

/* One series per distinct output, in the order they first appear. */
static int group(const ketsim_events *ev, cli_observed *o, ketsim_error *err)
{
    size_t n = ketsim_events_n_records(ev), used = 0;
    size_t *codes = malloc((n ? n : 1) * sizeof *codes);
    o->series = calloc(n ? n : 1, sizeof *o->series);
    o->store = malloc((n ? n : 1) * 2 * sizeof *o->store);
    if (!codes || !o->series || !o->store) {
        free(codes);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    o->n = ketsim_events_valued_outputs(ev, codes);
    /* series k takes the next block of the store, sized by a first count */
    for (size_t k = 0; k < o->n; k++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            m += ketsim_event_has_value(ketsim_events_record(ev, i)) && ketsim_events_record(ev, i)->output == codes[k];
        double *t = o->store + 2 * used, *y = t + m;
        m = 0;
        for (size_t i = 0; i < n; i++) {
            const ketsim_event *r = ketsim_events_record(ev, i);
            if (ketsim_event_has_value(r) && r->output == codes[k])
                t[m] = r->time_h, y[m++] = r->dv;
        }
        o->series[k] = (ketsim_plot_observed){ketsim_events_output_name(ev, codes[k]), t, y, m};
        used += m;
    }
    free(codes);
    return KETSIM_OK;
}

int cli_observed_read(const char *path, const char *cmd, cli_observed **out, ketsim_error *err)
{
    *out = NULL;
    ketsim_dataset *ds = NULL;
    int rc = ketsim_dataset_read(path, &ds, err);
    if (rc)
        return rc;
    cli_observed *o = calloc(1, sizeof *o);
    if (!o) {
        ketsim_dataset_free(ds);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    rc = group(ketsim_dataset_events(ds), o, err);
    /* the names point into the dataset: keep only what the figures draw,
     * with names that outlive it */
    size_t kept = 0;
    for (size_t k = 0; !rc && k < o->n; k++) {
        const char *name = o->series[k].output;
        int draws = ketsim_plot_trajectory_draws(name);
        const char *own = draws ? strdup(name) : NULL;
        if (draws && !own)
            rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
        else if (own)
            o->series[kept] = o->series[k], o->series[kept++].output = own;
        else
            fprintf(stderr, "ketsim %s: --observed %s: %s is in no figure; its %zu values are not drawn\n", cmd,
                    path, name, o->series[k].n);
    }
    o->n = kept;
    ketsim_dataset_free(ds);
    if (rc) {
        cli_observed_free(o);
        return rc;
    }
    *out = o;
    return KETSIM_OK;
}

const ketsim_plot_observed *cli_observed_series(const cli_observed *o)
{
    return o ? o->series : NULL;
}

size_t cli_observed_n_series(const cli_observed *o)
{
    return o ? o->n : 0;
}

void cli_observed_free(cli_observed *o)
{
    if (!o)
        return;
    for (size_t k = 0; k < o->n; k++)
        free((char *)o->series[k].output);
    free(o->series), free(o->store), free(o);
}
