/* A population fit's OMEGA as a trial's own between-subject variability
 * (`ketsim trial --omega-from FIT.json`, docs/trial.md): the variances and
 * block covariances fit.json reports become the scenario's omega entries,
 * so a trial can simulate the population the fit estimated. */
#include "ketsim/formats.h"
#include "ketsim/trial.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* The scenario's omega row of `name`, added when missing (-1: full). */
static long omega_row(ketsim_trial_scenario *sc, const char *name)
{
    for (size_t j = 0; j < sc->n_omega; j++)
        if (strcmp(sc->omega_name[j], name) == 0)
            return (long)j;
    if (sc->n_omega == KETSIM_TRIAL_MAX_OMEGA)
        return -1;
    snprintf(sc->omega_name[sc->n_omega], sizeof sc->omega_name[0], "%s", name);
    sc->omega_line[sc->n_omega] = 0;
    for (size_t j = 0; j < KETSIM_TRIAL_MAX_OMEGA; j++)
        sc->omega_cov[sc->n_omega][j] = sc->omega_cov[j][sc->n_omega] = 0;
    return (long)sc->n_omega++;
}

static int number(const json_t *v, double *out)
{
    if (!json_is_number(v))
        return -1;
    *out = json_number_value(v);
    return isfinite(*out) ? 0 : -1;
}

/* Every ETA's variance, into its row (names are checked later, against the
 * parameter table, with the rest of the scenario's omega). */
static int read_variances(const char *path, const json_t *om, ketsim_trial_scenario *sc, long *row,
                          ketsim_error *err)
{
    const char *name;
    const json_t *v;
    size_t k = 0;
    json_object_foreach((json_t *)om, name, v)
    {
        double var;
        if (strlen(name) >= sizeof sc->omega_name[0])
            return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: omega '%s': name too long", path, name);
        if (number(json_object_get(v, "variance"), &var) || !(var > 0 && var <= 10))
            return KETSIM_FAIL(err, KETSIM_EINPUT,
                               "%s: omega.%s.variance: expected a variance of log P in (0, 10]", path, name);
        if ((row[k] = omega_row(sc, name)) < 0)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: omega: at most %d parameters with their own variability",
                               path, KETSIM_TRIAL_MAX_OMEGA);
        sc->omega_cov[row[k]][row[k]] = var;
        k++;
    }
    return KETSIM_OK;
}

/* The fit's covariances between its ETAs replace what the scenario had
 * for those pairs (absent in fit.json: 0, a diagonal OMEGA). */
static int read_covariances(const char *path, const json_t *om, ketsim_trial_scenario *sc, const long *row,
                            ketsim_error *err)
{
    const char *a, *b;
    const json_t *va, *vb;
    size_t i = 0;
    json_object_foreach((json_t *)om, a, va)
    {
        size_t j = 0;
        json_object_foreach((json_t *)om, b, vb)
        {
            if (i != j)
                sc->omega_cov[row[i]][row[j]] = 0;
            j++;
        }
        i++;
    }
    i = 0;
    json_object_foreach((json_t *)om, a, va)
    {
        const json_t *cv = json_object_get(va, "covariances");
        size_t j = 0;
        json_object_foreach((json_t *)om, b, vb)
        {
            const json_t *c = cv ? json_object_get(json_object_get(cv, b), "covariance") : NULL;
            double x;
            if (c && number(c, &x))
                return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: omega.%s.covariances.%s.covariance: expected a number",
                                   path, a, b);
            if (c)
                sc->omega_cov[row[i]][row[j]] = sc->omega_cov[row[j]][row[i]] = x;
            j++;
        }
        i++;
    }
    return KETSIM_OK;
}

int ketsim_trial_scenario_omega_from_fit(const char *path, ketsim_trial_scenario *sc, ketsim_error *err)
{
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%d: not a fit.json: %s", path, je.line, je.text);
    const json_t *om = json_object_get(root, "omega");
    long row[KETSIM_TRIAL_MAX_OMEGA + 1];
    int rc = KETSIM_OK;
    if (!json_is_true(json_object_get(root, "converged")))
        rc = KETSIM_FAIL(err, KETSIM_EINPUT,
                         "%s: the fit is not usable (converged is not true): its OMEGA is not an estimate to "
                         "simulate from", path);
    else if (!json_is_object(om) || json_object_size(om) == 0)
        rc = KETSIM_FAIL(err, KETSIM_EINPUT, "%s: no 'omega' object with an ETA (not a population fit.json)", path);
    else if (json_object_size(om) > KETSIM_TRIAL_MAX_OMEGA)
        rc = KETSIM_FAIL(err, KETSIM_EINPUT, "%s: omega: at most %d parameters with their own variability", path,
                         KETSIM_TRIAL_MAX_OMEGA);
    if (!rc)
        rc = read_variances(path, om, sc, row, err);
    if (!rc)
        rc = read_covariances(path, om, sc, row, err);
    json_decref(root);
    return rc;
}
