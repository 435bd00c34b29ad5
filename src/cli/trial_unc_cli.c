/* `ketsim trial --uncertainty FIT.json | --parameter-sets FILE.csv`: the
 * per-replicate typical values, prepared before the run and written beside
 * the summary (docs/trial.md, "Parameter uncertainty"). */
#include "cli.h"
#include "trial_cli.h"
#include "ketsim/formats.h"
#include "util/atomic.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int trial_unc_cli_prepare(const char *fit_json, const char *sets_csv, ketsim_trial_run_opts *o,
                          ketsim_trial_rep_params *rp)
{
    memset(rp, 0, sizeof *rp);
    if (!fit_json && !sets_csv)
        return 0;
    if (fit_json && sets_csv)
        return cli_usage("trial", "--uncertainty and --parameter-sets exclude each other");
    ketsim_error err = {0};
    ketsim_params *p = NULL;
    int rc;
    if (fit_json) {
        ketsim_trial_uncertainty *u = malloc(sizeof *u);
        rc = u ? ketsim_trial_uncertainty_load(fit_json, u, &err) : KETSIM_FAIL(&err, KETSIM_ENOMEM, "out of memory");
        if (!rc)
            rc = ketsim_trial_uncertainty_draw(u, o->seed, o->replicates, rp, &err);
        if (!rc)
            snprintf(rp->file, sizeof rp->file, "%s", fit_json);
        free(u);
    } else {
        rc = ketsim_trial_param_sets_load(sets_csv, rp, &err);
    }
    /* names and ranges checked now, so a bad file leaves no output behind */
    if (!rc)
        rc = ketsim_params_create(KETSIM_HUMAN, &p, &err);
    if (!rc)
        rc = ketsim_trial_rep_params_check(rp, p, o->replicates, &err);
    ketsim_params_free(p);
    if (rc) {
        ketsim_trial_rep_params_free(rp);
        return cli_fail(&err);
    }
    o->rep_params = rp;
    return 0;
}

static int write_rep_params(FILE *fp, const void *p, ketsim_error *err)
{
    const trial_cli_result *res = p;
    return ketsim_trial_write_rep_params_csv(fp, res->opts.rep_params, res->opts.replicates, err);
}

int trial_unc_cli_write(const trial_cli_result *res, cli_outdirs *out, ketsim_error *err)
{
    if (!res->opts.rep_params)
        return KETSIM_OK;
    char name[KETSIM_TRIAL_NAME_MAX + 32];
    snprintf(name, sizeof name, "%s_replicate_parameters.csv", res->sc.name);
    return cli_outdirs_write(out, name, write_rep_params, res, err);
}

/* Names, ranges and positive definiteness of the scenario's whole omega;
 * 0 or the exit status with the error (prefixed `flag`) printed. */
static int omega_check(const ketsim_trial_scenario *sc, const char *flag)
{
    ketsim_error err = {0};
    ketsim_params *p = NULL;
    double chol[KETSIM_TRIAL_MAX_OMEGA * KETSIM_TRIAL_MAX_OMEGA];
    int rc = ketsim_params_create(KETSIM_HUMAN, &p, &err);
    if (!rc)
        rc = ketsim_trial_scenario_omega_check(sc, p, chol, &err);
    ketsim_params_free(p);
    if (rc) {
        ketsim_error_prefix(&err, flag);
        return cli_fail(&err);
    }
    return 0;
}

int trial_unc_cli_omega_from(ketsim_trial_scenario *sc, const char *fit_json)
{
    if (!fit_json)
        return 0;
    ketsim_error err = {0};
    if (ketsim_trial_scenario_omega_from_fit(fit_json, sc, &err)) {
        ketsim_error_prefix(&err, "--omega-from: ");
        return cli_fail(&err);
    }
    return omega_check(sc, "--omega-from: ");
}

int trial_unc_cli_omega(ketsim_trial_scenario *sc, char **omegas, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(omegas[i], '=');
        double v;
        size_t len = eq ? (size_t)(eq - omegas[i]) : 0;
        if (!eq || len == 0 || len >= sizeof sc->omega_name[0] || cli_parse_double(eq + 1, &v))
            return cli_usage("trial", "--omega '%s': expected PARAMETER=VARIANCE (of log P)", omegas[i]);
        if (!(v > 0 && v <= 10))
            return cli_usage("trial", "--omega '%s': a variance of log P must be in (0, 10]", omegas[i]);
        size_t j = 0;
        while (j < sc->n_omega && (strlen(sc->omega_name[j]) != len || strncmp(sc->omega_name[j], omegas[i], len) != 0))
            j++;
        if (j == sc->n_omega) {
            if (sc->n_omega == KETSIM_TRIAL_MAX_OMEGA)
                return cli_usage("trial", "--omega: at most %d parameters with their own variability",
                                 KETSIM_TRIAL_MAX_OMEGA);
            memcpy(sc->omega_name[j], omegas[i], len);
            sc->omega_name[j][len] = '\0';
            sc->omega_line[j] = 0;
            sc->n_omega++;
        }
        /* replaces the scenario's variance; its block covariances stay and
         * the whole matrix is checked again when the trial starts */
        sc->omega_cov[j][j] = v;
    }
    return n ? omega_check(sc, "--omega: ") : 0;
}
