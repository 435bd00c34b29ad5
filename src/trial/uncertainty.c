/* Variability a trial adds on top of the population: per-replicate typical
 * values (parameter uncertainty from a fit, or a user's table) and the
 * scenario's own between-subject variability (`omega`).  Both are drawn
 * from streams keyed by replicate or subject, so a run gives the same bytes
 * at any thread count, and neither touches the streams the population
 * already uses, so a run without them is unchanged. */
#include "ketsim/rng.h"
#include "ketsim/trial.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ketsim_trial_rep_params_free(ketsim_trial_rep_params *rp)
{
    if (!rp)
        return;
    free(rp->value);
    rp->value = NULL;
    rp->n_rows = 0;
}

int ketsim_trial_rep_params_check(const ketsim_trial_rep_params *rp, const ketsim_params *p, int replicates,
                                  ketsim_error *err)
{
    const char *what = rp->file[0] ? rp->file : rp->source;
    if (rp->n_params == 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: no parameters", what);
    /* Fewer rows than replicates is refused rather than cycled: a reused
     * row would make replicates share their typical values silently. */
    if (rp->n_rows < (size_t)replicates)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: %zu parameter set%s for %d replicates (one row per replicate needed)",
                           what, rp->n_rows, rp->n_rows == 1 ? "" : "s", replicates);
    for (size_t j = 0; j < rp->n_params; j++) {
        ketsim_param_info info;
        size_t row;
        ketsim_error e = {0};
        if (ketsim_params_find(p, rp->name[j], &row, &e))
            return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: parameter '%s': unknown (see ketsim params)", what,
                               rp->name[j]);
        if (strncmp(rp->name[j], "trial.", 6) == 0)
            return KETSIM_FAIL(err, KETSIM_EINPUT,
                               "%s: parameter '%s': trial.* rows define the endpoints of the whole run and cannot vary "
                               "between replicates", what, rp->name[j]);
        /* the population draws these two for every subject: a typical value
         * given here would be overwritten without a word */
        if (strcmp(rp->name[j], "patient.madrs_baseline") == 0 || strcmp(rp->name[j], "spine.setpoint_rel") == 0)
            return KETSIM_FAIL(err, KETSIM_EINPUT,
                               "%s: parameter '%s' is drawn per subject by the population; vary its pop.* rows "
                               "(pop.madrs_baseline_mean, pop.spine_setpoint_median) instead", what, rp->name[j]);
        ketsim_params_info(p, row, &info);
        for (size_t r = 0; r < (size_t)replicates; r++) {
            double v = rp->value[r * rp->n_params + j];
            if (!isfinite(v) || v < info.min || v > info.max)
                return KETSIM_FAIL(err, KETSIM_EINPUT,
                                   "%s: replicate %zu, parameter '%s' = %g: outside its allowed range [%g, %g]", what, r,
                                   rp->name[j], v, info.min, info.max);
        }
    }
    return KETSIM_OK;
}

int ketsim_trial_uncertainty_draw(const ketsim_trial_uncertainty *u, uint64_t seed, int replicates,
                                  ketsim_trial_rep_params *rp, ketsim_error *err)
{
    size_t n = u->n, m = 0;
    size_t idx[KETSIM_TRIAL_MAX_REP_PARAMS];
    for (size_t j = 0; j < n; j++)
        if (u->drawn[j])
            idx[m++] = j;
    if (m == 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "uncertainty: no THETA has a standard error to draw from");
    double *chol = malloc(m * m * sizeof *chol), *value = malloc((size_t)replicates * n * sizeof *value);
    if (!chol || !value) {
        free(chol), free(value);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    int rc = ketsim_cholesky(m, u->cov_log, chol, err);
    if (rc)
        ketsim_error_prefix(err, "uncertainty: the covariance of the log THETAs is not positive definite: ");
    for (int r = 0; !rc && r < replicates; r++) {
        ketsim_rng g;
        double z[KETSIM_TRIAL_MAX_REP_PARAMS];
        ketsim_rng_init(&g, seed, (uint64_t)r, KETSIM_RNG_UNCERTAINTY);
        rc = ketsim_rng_mvnormal(&g, m, chol, z, err);
        for (size_t j = 0; j < n; j++)
            value[(size_t)r * n + j] = u->estimate[j];
        for (size_t a = 0; !rc && a < m; a++)
            value[(size_t)r * n + idx[a]] = u->estimate[idx[a]] * exp(z[a]);
    }
    free(chol);
    if (rc) {
        free(value);
        return rc;
    }
    snprintf(rp->source, sizeof rp->source, "uncertainty");
    rp->n_params = n;
    for (size_t j = 0; j < n; j++) {
        snprintf(rp->name[j], sizeof rp->name[j], "%s", u->name[j]);
        rp->drawn[j] = u->drawn[j];
    }
    free(rp->value);
    rp->value = value;
    rp->n_rows = (size_t)replicates;
    return KETSIM_OK;
}

/* Where an omega row was given, for messages (the file and line of the
 * scenario, or the bare name for one given by --omega). */
static int omega_fail(const ketsim_trial_scenario *sc, size_t j, const char *msg, ketsim_error *err)
{
    if (sc->file[0] && sc->omega_line[j] > 0) /* 0: given on the command line */
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%d: field 'omega.%s': %s", sc->file, sc->omega_line[j],
                           sc->omega_name[j], msg);
    return KETSIM_FAIL(err, KETSIM_EINPUT, "scenario 'omega.%s': %s", sc->omega_name[j], msg);
}

int ketsim_trial_scenario_omega_check(const ketsim_trial_scenario *sc, const ketsim_params *p, double *chol,
                                      ketsim_error *err)
{
    size_t n = sc->n_omega;
    if (n == 0)
        return KETSIM_OK;
    for (size_t j = 0; j < n; j++) {
        double v;
        ketsim_error e = {0};
        if (ketsim_params_get(p, sc->omega_name[j], &v, &e))
            return omega_fail(sc, j, "unknown parameter (see ketsim params)", err);
        /* pop.* and trial.* rows are read once per run, not per subject */
        if (strncmp(sc->omega_name[j], "pop.", 4) == 0 || strncmp(sc->omega_name[j], "trial.", 6) == 0)
            return omega_fail(sc, j, "pop.* and trial.* rows are not per-subject model parameters", err);
        if (!(v > 0))
            return omega_fail(sc, j, "log-normal variability needs a positive typical value", err);
    }
    double cov[KETSIM_TRIAL_MAX_OMEGA * KETSIM_TRIAL_MAX_OMEGA];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            cov[i * n + j] = sc->omega_cov[i][j];
    ketsim_error e = {0};
    if (ketsim_cholesky(n, cov, chol, &e)) {
        if (sc->file[0])
            return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: field 'omega_block': the omega matrix is not positive definite: %s",
                               sc->file, e.msg);
        return KETSIM_FAIL(err, KETSIM_EINPUT, "scenario omega: not positive definite: %s", e.msg);
    }
    return KETSIM_OK;
}
