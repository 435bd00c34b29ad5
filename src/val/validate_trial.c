/* Run a built-in trial scenario's replicates and summarise one endpoint. */
#include "validate_trial.h"
#include "ketsim/params.h"
#include "ketsim/stats.h"
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

/* The finite values of one metric over the replicates, and their count. */
static size_t finite_values(const ketsim_trial_metrics *reps, size_t n_reps, const char *metric, double *v)
{
    size_t n = 0;
    for (size_t r = 0; r < n_reps; r++) {
        double x = ketsim_trial_metric(&reps[r], metric);
        if (isfinite(x))
            v[n++] = x;
    }
    return n;
}

static int summary(const double *v, size_t n, const char *quantile, double *out, ketsim_error *err)
{
    static const struct { const char *name; double p; } qs[] = {{"median", 0.5}, {"p5", 0.05}, {"p95", 0.95}};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++)
        if (strcmp(quantile, qs[i].name) == 0)
            return ketsim_stats_quantiles(v, n, &qs[i].p, 1, out, err);
    double mean = 0, ss = 0;
    for (size_t i = 0; i < n; i++)
        mean += v[i] / (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (v[i] - mean) * (v[i] - mean);
    if (strcmp(quantile, "mean") == 0)
        *out = mean;
    else if (strcmp(quantile, "sd") == 0)
        *out = n > 1 ? sqrt(ss / (double)(n - 1)) : NAN;
    else
        return KETSIM_FAIL(err, KETSIM_EINPUT, "statistic '%s' must be median, p5, p95, mean or sd", quantile);
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

int val_trial_run_wrap(const char *scenario, int replicates, ketsim_trial_metrics *reps, val_trial_run **out,
                       ketsim_error *err)
{
    val_trial_run *r = calloc(1, sizeof *r);
    if (!r)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    snprintf(r->scenario, sizeof r->scenario, "%s", scenario);
    r->replicates = replicates;
    r->reps = reps;
    *out = r;
    return KETSIM_OK;
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
        ketsim_trial_defs_scenario(&sc, &defs);
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
                            double *out, double *defined_fraction, ketsim_error *err)
{
    size_t nr = (size_t)r->replicates;
    double *v = malloc((nr ? nr : 1) * sizeof *v);
    if (!v)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    size_t n = finite_values(r->reps, nr, metric, v);
    *defined_fraction = nr ? (double)n / (double)nr : 0;
    *out = NAN;
    int rc = KETSIM_OK;
    if (n == 0 && !ketsim_trial_metrics_has(&r->reps[0], metric))
        rc = KETSIM_FAIL(err, KETSIM_EINPUT, "trial endpoint '%s' does not exist (see the trial summary JSON for names)",
                         metric);
    else if (n > 0)
        rc = summary(v, n, quantile, out, err);
    free(v);
    return rc;
}
