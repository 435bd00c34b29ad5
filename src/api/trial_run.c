/* `trial`: a scenario by name or file, run over replicate trials and reduced
 * to endpoints per replicate. */
#include "ketsim/api.h"
#include "ketsim/formats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Replicates are simulated in chunks of about this many subjects, so that
 * memory does not grow with the number of replicates. */
#define CHUNK_SUBJECTS 4096

int ketsim_trial_open(const char *name_or_path, int n_subjects, ketsim_trial_scenario *sc, ketsim_error *err)
{
    int rc = ketsim_trial_scenario_resolve(name_or_path, sc, err);
    if (!rc && n_subjects > 0) {
        sc->n_subjects = n_subjects;
        if ((rc = ketsim_trial_scenario_check(sc, err)))
            ketsim_error_prefix(err, "--subjects: ");
    }
    return rc;
}

void ketsim_trial_opts_init(const ketsim_trial_scenario *sc, long seed, int replicates, int threads,
                            ketsim_trial_run_opts *o)
{
    memset(o, 0, sizeof *o);
    o->seed = seed >= 0 ? (uint64_t)seed : sc->seed;
    o->replicates = replicates > 0 ? replicates : sc->replicates;
    o->threads = threads > 0 ? threads : ketsim_default_threads();
    o->subject_timeout_s = 10;
}

void ketsim_trial_outcome_free(ketsim_trial_outcome *r)
{
    /* the replicates' metric tables are views into names and values */
    free(r->reps);
    free(r->names);
    free(r->values);
    free(r->first);
    r->reps = NULL;
    r->names = NULL;
    r->values = NULL;
    r->first = NULL;
}

/* The human table with the caller's overrides, and the endpoint
 * definitions, which the scenario's own trial.* settings and relapse rules
 * also reach. */
static int endpoint_params(const ketsim_trial_scenario *sc, const char *const *sets, size_t n_sets,
                           ketsim_params **params, ketsim_trial_defs *defs, ketsim_error *err)
{
    int rc = ketsim_params_create(KETSIM_HUMAN, params, err);
    for (size_t i = 0; !rc && i < n_sets; i++)
        if ((rc = ketsim_params_set_assignment(*params, sets[i], err)))
            ketsim_error_prefix(err, "--set: ");
    for (size_t i = 0; !rc && i < sc->n_sets; i++)
        if (strncmp(sc->set_name[i], "trial.", 6) == 0)
            rc = ketsim_params_set(*params, sc->set_name[i], sc->set_value[i], err);
    if (!rc) {
        ketsim_trial_defs_read(*params, defs);
        ketsim_trial_defs_scenario(sc, defs);
    }
    return rc;
}

/* The endpoints' names are made from arm names and visit labels into
 * 80-byte fields: a name of 79 characters may have been cut, and two cut
 * names can be the same.  Worked out on an empty trial before any subject
 * is simulated, so a scenario that would collide is refused at once. */
static int check_endpoint_names(const ketsim_trial_scenario *sc, const ketsim_trial_defs *d, ketsim_error *err)
{
    ketsim_trial_subject_result *none = ketsim_trial_subjects_alloc(sc, (size_t)sc->n_subjects, 0);
    ketsim_trial_metrics m = {0};
    int rc = none ? ketsim_trial_endpoints(sc, d, none, &m, err) : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < m.n; i++) {
        if (strlen(m.name[i]) >= sizeof m.name[0] - 1)
            rc = KETSIM_FAIL(err, KETSIM_EINPUT,
                             "%s: the endpoint name '%s...' is too long (arm names and visit texts make it): "
                             "shorten them",
                             sc->file, m.name[i]);
        for (size_t j = 0; !rc && j < i; j++)
            if (strcmp(m.name[i], m.name[j]) == 0)
                rc = KETSIM_FAIL(err, KETSIM_EINPUT, "%s: two endpoints are both called '%s'", sc->file, m.name[i]);
    }
    ketsim_trial_metrics_free(&m);
    free(none);
    return rc;
}

/* Column of endpoint `name`: where replicate 0 had it (the usual case:
 * every replicate lists the same endpoints), else by search; -1 if new. */
static long column_of(const ketsim_trial_outcome *res, size_t i, const char *name)
{
    if (i < res->n_metrics && strcmp(res->names[i], name) == 0)
        return (long)i;
    for (size_t k = 0; k < res->n_metrics; k++)
        if (strcmp(res->names[k], name) == 0)
            return (long)k;
    return -1;
}

/* A new endpoint that earlier replicates did not have: a new column, NaN
 * (undefined, as ketsim_trial_metric says of an absent name) for them.  The
 * row stride grows by doubling, so this stays rare and cheap. */
static int add_column(ketsim_trial_outcome *res, int r, const char *name, ketsim_error *err)
{
    size_t R = (size_t)res->opts.replicates;
    if (res->n_metrics == res->stride) {
        size_t stride = 2 * res->stride;
        double *v = malloc(R * stride * sizeof *v);
        char(*nn)[80] = realloc(res->names, stride * sizeof *nn);
        if (nn)
            res->names = nn;
        if (!v || !nn) {
            free(v);
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory for %zu replicates' endpoints", R);
        }
        for (size_t k = 0; k <= (size_t)r && k < R; k++)
            memcpy(v + k * stride, res->values + k * res->stride, res->n_metrics * sizeof *v);
        free(res->values);
        res->values = v;
        res->stride = stride;
    }
    size_t c = res->n_metrics++;
    snprintf(res->names[c], sizeof res->names[c], "%s", name);
    for (size_t k = 0; k <= (size_t)r; k++)
        res->values[k * res->stride + c] = NAN;
    return KETSIM_OK;
}

/* Keep one replicate's endpoints as one double each: the names once (in
 * replicate 0's order, then any a later replicate adds), the values in a
 * replicates x columns array, NaN where a replicate lacks an endpoint. */
static int keep_endpoints(ketsim_trial_outcome *res, int r, const ketsim_trial_metrics *m, ketsim_error *err)
{
    size_t R = (size_t)res->opts.replicates;
    if (!res->names) {
        res->n_first = res->n_metrics = m->n;
        res->stride = m->n + 8;
        res->names = malloc(res->stride * sizeof *res->names);
        res->values = malloc(R * res->stride * sizeof *res->values);
        if (!res->names || !res->values)
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory for %zu replicates' endpoints", R);
        memcpy(res->names, m->name, m->n * sizeof *res->names);
    }
    double *row = res->values + (size_t)r * res->stride;
    for (size_t k = 0; k < res->n_metrics; k++)
        row[k] = NAN;
    for (size_t i = 0; i < m->n; i++) {
        long c = column_of(res, i, m->name[i]);
        if (c < 0) {
            int rc = add_column(res, r, m->name[i], err);
            if (rc)
                return rc;
            c = (long)res->n_metrics - 1;
            row = res->values + (size_t)r * res->stride;
        }
        row[c] = m->value[i];
    }
    return KETSIM_OK;
}

/* The metric tables the writers read, one per replicate, pointing into the
 * shared names and the compact values.  Replicate 0 lists exactly its own
 * endpoints (the writers list what replicate 0 has); the others list every
 * column, NaN where they had none, which reads the same as an absent name. */
static int make_views(ketsim_trial_outcome *res, ketsim_error *err)
{
    size_t R = (size_t)res->opts.replicates;
    res->reps = calloc(R, sizeof *res->reps);
    if (!res->reps)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory for %zu replicates", R);
    for (size_t r = 0; r < R; r++) {
        size_t n = r == 0 ? res->n_first : res->n_metrics;
        res->reps[r] = (ketsim_trial_metrics){.n = n, .cap = n, .name = res->names,
                                              .value = res->values + r * res->stride};
    }
    return KETSIM_OK;
}

static void report_failures(const ketsim_trial_subject_result *subj, size_t n, ketsim_trial_failure_fn fn,
                            void *user)
{
    for (size_t i = 0; fn && i < n; i++)
        if (subj[i].failed)
            fn(&subj[i], user);
}

/* One chunk of replicates: simulated, told to the callbacks, reduced to
 * endpoints (scratch is reused across chunks). */
static int run_chunk(const ketsim_trial_scenario *sc, const ketsim_params *params, const ketsim_trial_run_opts *co,
                     const ketsim_trial_exec_opts *x, ketsim_trial_subject_result *subj, ketsim_trial_metrics *scratch,
                     ketsim_trial_outcome *out, ketsim_error *err)
{
    size_t ns = (size_t)sc->n_subjects;
    int r0 = co->first_replicate;
    int rc = ketsim_trial_run_into(sc, params, co, subj, err);
    if (!rc && co->skip_failures)
        report_failures(subj, (size_t)co->replicates * ns, x->on_failure, x->failure_user);
    for (int r = 0; !rc && r < co->replicates; r++) {
        rc = ketsim_trial_endpoints(sc, &out->defs, subj + (size_t)r * ns, scratch, err);
        if (!rc)
            rc = keep_endpoints(out, r0 + r, scratch, err);
    }
    if (!rc && x->on_chunk)
        rc = x->on_chunk(subj, r0, co->replicates, x->chunk_user, err);
    if (!rc && r0 == 0 && out->first)
        ketsim_trial_subjects_copy(sc, out->first, subj, ns);
    return rc;
}

int ketsim_trial_execute(const ketsim_trial_scenario *sc, const ketsim_trial_run_opts *o, const char *const *sets,
                         size_t n_sets, const ketsim_trial_exec_opts *x, ketsim_trial_outcome *out,
                         ketsim_error *err)
{
    static const ketsim_trial_exec_opts none = {0};
    if (!x)
        x = &none;
    memset(out, 0, sizeof *out);
    out->sc = *sc;
    out->opts = *o;
    ketsim_params *params = NULL;
    ketsim_trial_subject_result *subj = NULL;
    int rc = endpoint_params(sc, sets, n_sets, &params, &out->defs, err);
    if (!rc) {
        out->opts.alpha = out->defs.alpha;
        rc = check_endpoint_names(sc, &out->defs, err);
    }
    /* Each replicate leaves one double per endpoint (about 1 kB), which the
     * exact quantiles over replicates need; subjects live for one chunk. */
    size_t ns = (size_t)sc->n_subjects;
    int per = x->chunk_subjects > 0 ? x->chunk_subjects : CHUNK_SUBJECTS;
    int chunk = per / sc->n_subjects > 1 ? per / sc->n_subjects : 1;
    if (chunk > o->replicates)
        chunk = o->replicates;
    if (!rc) {
        /* one buffer for every chunk */
        subj = ketsim_trial_subjects_alloc(sc, (size_t)chunk * ns, o->skip_failures);
        if (x->keep_first)
            out->first = ketsim_trial_subjects_alloc(sc, ns, o->skip_failures);
        if (!subj || (x->keep_first && !out->first))
            rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory for %d x %zu subjects", chunk, ns);
    }
    ketsim_trial_metrics scratch = {0};
    for (int r0 = 0; !rc && r0 < o->replicates; r0 += chunk) {
        ketsim_trial_run_opts co = *o;
        co.first_replicate = r0;
        co.replicates = o->replicates - r0 < chunk ? o->replicates - r0 : chunk;
        rc = run_chunk(sc, params, &co, x, subj, &scratch, out, err);
    }
    ketsim_trial_metrics_free(&scratch);
    free(subj);
    ketsim_params_free(params);
    if (!rc)
        rc = make_views(out, err);
    if (rc)
        ketsim_trial_outcome_free(out);
    return rc;
}
