/* `trial`: a scenario by name or file, run over replicate trials and reduced
 * to endpoints per replicate. */
#include "ketsim/api.h"
#include "ketsim/formats.h"

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
    if (r->reps)
        for (int i = 0; i < r->opts.replicates; i++)
            ketsim_trial_metrics_free(&r->reps[i]);
    free(r->reps);
    free(r->first);
    r->reps = NULL;
    r->first = NULL;
}

/* The human table with the caller's overrides, and the endpoint
 * definitions, which the scenario's own trial.* settings also reach. */
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
    if (!rc)
        ketsim_trial_defs_read(*params, defs);
    return rc;
}

static void report_failures(const ketsim_trial_subject_result *subj, size_t n, ketsim_trial_failure_fn fn,
                            void *user)
{
    for (size_t i = 0; fn && i < n; i++)
        if (subj[i].failed)
            fn(&subj[i], user);
}

int ketsim_trial_execute(const ketsim_trial_scenario *sc, const ketsim_trial_run_opts *o, const char *const *sets,
                         size_t n_sets, int keep_first, ketsim_trial_failure_fn on_failure, void *user,
                         ketsim_trial_outcome *out, ketsim_error *err)
{
    memset(out, 0, sizeof *out);
    out->sc = *sc;
    out->opts = *o;
    ketsim_params *params = NULL;
    ketsim_trial_subject_result *subj = NULL;
    int rc = endpoint_params(sc, sets, n_sets, &params, &out->defs, err);
    if (!rc) {
        out->opts.alpha = out->defs.alpha;
        out->reps = calloc((size_t)o->replicates, sizeof *out->reps);
        if (!out->reps)
            rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    size_t ns = (size_t)sc->n_subjects;
    int chunk = CHUNK_SUBJECTS / sc->n_subjects > 1 ? CHUNK_SUBJECTS / sc->n_subjects : 1;
    if (chunk > o->replicates)
        chunk = o->replicates;
    if (!rc) {
        subj = malloc((size_t)chunk * ns * sizeof *subj); /* one buffer for every chunk */
        if (keep_first)
            out->first = malloc(ns * sizeof *out->first);
        if (!subj || (keep_first && !out->first))
            rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory for %d x %zu subjects", chunk, ns);
    }
    for (int r0 = 0; !rc && r0 < o->replicates; r0 += chunk) {
        ketsim_trial_run_opts co = *o;
        co.first_replicate = r0;
        co.replicates = o->replicates - r0 < chunk ? o->replicates - r0 : chunk;
        rc = ketsim_trial_run_into(sc, params, &co, subj, err);
        if (!rc && o->skip_failures)
            report_failures(subj, (size_t)co.replicates * ns, on_failure, user);
        for (int r = 0; !rc && r < co.replicates; r++)
            rc = ketsim_trial_endpoints(sc, &out->defs, subj + (size_t)r * ns, &out->reps[r0 + r], err);
        if (!rc && r0 == 0 && out->first)
            memcpy(out->first, subj, ns * sizeof *out->first);
    }
    free(subj);
    ketsim_params_free(params);
    if (rc)
        ketsim_trial_outcome_free(out);
    return rc;
}
