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

int trial_unc_cli_write(const trial_cli_result *res, const char *dir, ketsim_error *err)
{
    const ketsim_trial_rep_params *rp = res->opts.rep_params;
    if (!rp)
        return KETSIM_OK;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s_replicate_parameters.csv", dir, res->sc.name);
    atomic_file af;
    int rc = atomic_open(&af, path, err);
    if (rc)
        return rc;
    if ((rc = ketsim_trial_write_rep_params_csv(af.fp, rp, res->opts.replicates, err))) {
        atomic_abort(&af);
        return rc;
    }
    return atomic_commit(&af, err);
}
