/* Run a built-in trial scenario's replicates and summarise one endpoint. */
#include "validate_trial.h"
#include "ketsim/params.h"
#include "ketsim/trial.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int apply_sets(ketsim_params *p, const char *sets, ketsim_error *err)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", sets);
    char *save = NULL;
    for (char *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
        if (ketsim_params_set_assignment(p, tok, err))
            return KETSIM_EINPUT;
    return KETSIM_OK;
}

static int pick(const ketsim_trial_metrics *reps, size_t n, const char *metric, const char *quantile,
                double *out, ketsim_error *err)
{
    double med, p5, p95;
    if (ketsim_trial_metric_quantiles(reps, n, metric, &med, &p5, &p95) == 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "trial endpoint '%s' has no value (see the trial summary JSON for names)", metric);
    if (strcmp(quantile, "median") == 0)
        *out = med;
    else if (strcmp(quantile, "p5") == 0)
        *out = p5;
    else if (strcmp(quantile, "p95") == 0)
        *out = p95;
    else
        return KETSIM_FAIL(err, KETSIM_EINPUT, "quantile '%s' must be median, p5 or p95", quantile);
    return KETSIM_OK;
}

struct val_trial_run {
    char scenario[64], sets[256];
    int replicates;
    ketsim_trial_metrics *reps;
};

int val_trial_run_matches(const val_trial_run *r, const char *scenario, int replicates,
                          const char *sets)
{
    return strcmp(r->scenario, scenario) == 0 && r->replicates == replicates &&
           strcmp(r->sets, sets) == 0;
}

void val_trial_run_free(val_trial_run *r)
{
    if (!r)
        return;
    for (int i = 0; r->reps && i < r->replicates; i++)
        ketsim_trial_metrics_free(&r->reps[i]);
    free(r->reps);
    free(r);
}

int val_trial_run_create(const ketsim_params *base, ketsim_scenario_loader load, void *load_user,
                         const char *scenario, int replicates, const char *sets, val_trial_run **out,
                         ketsim_error *err)
{
    ketsim_trial_scenario sc;
    ketsim_params *p = NULL;
    ketsim_trial_subject_result *subj = NULL;
    val_trial_run *r = calloc(1, sizeof *r);
    if (!r)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    snprintf(r->scenario, sizeof r->scenario, "%s", scenario);
    snprintf(r->sets, sizeof r->sets, "%s", sets);
    r->replicates = replicates;
    /* the scenario comes through the application's loader: reading files is
     * the formats layer's business, which sits above this one */
    int rc = load ? load(scenario, &sc, load_user, err)
                  : KETSIM_FAIL(err, KETSIM_EINPUT, "trial scenario '%s': no scenario loader was set "
                                "(ketsim_validation_set_scenario_loader)", scenario);
    if (!rc)
        rc = ketsim_params_clone(base, &p, err);
    if (!rc)
        rc = apply_sets(p, sets, err);
    ketsim_trial_defs defs;
    ketsim_trial_run_opts o = {.seed = 0, .replicates = replicates, .threads = 2};
    if (!rc) {
        ketsim_trial_defs_read(p, &defs);
        o.seed = sc.seed;
        o.alpha = defs.alpha;
        rc = ketsim_trial_run(&sc, p, &o, &subj, err);
    }
    if (!rc && !(r->reps = calloc((size_t)replicates, sizeof *r->reps)))
        rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    for (int i = 0; !rc && i < replicates; i++)
        rc = ketsim_trial_endpoints(&sc, &defs, subj + (size_t)i * (size_t)sc.n_subjects, &r->reps[i], err);
    free(subj);
    ketsim_params_free(p);
    if (rc) {
        val_trial_run_free(r);
        return rc;
    }
    *out = r;
    return KETSIM_OK;
}

int val_trial_run_statistic(const val_trial_run *r, const char *metric, const char *quantile,
                            double *out, ketsim_error *err)
{
    return pick(r->reps, (size_t)r->replicates, metric, quantile, out, err);
}
