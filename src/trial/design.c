/* Trial designs: checks of a scenario and randomization. */
#include "ketsim/rng.h"
#include "ketsim/trial.h"

#include <math.h>
#include <string.h>

int ketsim_trial_n_periods(const ketsim_trial_scenario *sc)
{
    return sc->design == KETSIM_TRIAL_CROSSOVER ? 2 : 1;
}

static int check_arm(const ketsim_trial_scenario *sc, const ketsim_trial_arm *arm, ketsim_error *err)
{
    size_t n = ketsim_trial_arm_n_sessions(sc, arm);
    if (arm->control != KETSIM_TRIAL_SALINE && arm->n_specs == 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "scenario '%s': arm '%s' has no dose", sc->name, arm->name);
    if (arm->n_specs > 1 && arm->n_specs != n)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "scenario '%s': arm '%s' lists %zu doses for %zu sessions",
                           sc->name, arm->name, arm->n_specs, n);
    if (arm->ratio < 1)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "scenario '%s': arm '%s' ratio must be >= 1", sc->name, arm->name);
    if (n == 0 || ketsim_trial_arm_session_h(sc, arm, 0) != 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "scenario '%s': arm '%s': the course must start with a session at 0",
                           sc->name, arm->name);
    for (size_t i = 1; i < n; i++) {
        const ketsim_dose *d = ketsim_trial_arm_dose(arm, i - 1);
        double len = d ? d->duration_h : arm->session_h;
        if (ketsim_trial_arm_session_h(sc, arm, i) < ketsim_trial_arm_session_h(sc, arm, i - 1) + len)
            return KETSIM_FAIL(err, KETSIM_EINPUT,
                               "scenario '%s': arm '%s': dose %zu starts before the previous infusion ends",
                               sc->name, arm->name, i);
    }
    return KETSIM_OK;
}

/* The scenario's own endpoint rules: relapse and the early visit. */
static int check_endpoint_rules(const ketsim_trial_scenario *sc, ketsim_error *err)
{
    if (sc->has_early_visit && sc->early_visit >= sc->primary_visit)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "scenario '%s': the early visit must come before the primary visit",
                           sc->name);
    if (sc->relapse_fraction < 0 || sc->relapse_fraction > 1 || sc->relapse_madrs_min < 0 ||
        sc->relapse_madrs_min > 60 || sc->relapse_consecutive < 0 || sc->relapse_consecutive > 10)
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "scenario '%s': relapse rules outside fraction (0, 1], madrs_min 1..60, consecutive 1..10",
                           sc->name);
    if (sc->n_relapse_by > KETSIM_TRIAL_MAX_RELAPSE_BY)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "scenario '%s': at most %d relapse.by times", sc->name,
                           KETSIM_TRIAL_MAX_RELAPSE_BY);
    for (size_t k = 0; k < sc->n_relapse_by; k++)
        if (!(sc->relapse_by_h[k] > 0 && sc->relapse_by_h[k] <= sc->followup_until_h + 1e-9))
            return KETSIM_FAIL(err, KETSIM_EINPUT, "scenario '%s': relapse.by time %g h outside the follow-up",
                               sc->name, sc->relapse_by_h[k]);
    return KETSIM_OK;
}

int ketsim_trial_scenario_check(const ketsim_trial_scenario *sc, ketsim_error *err)
{
    if (sc->n_arms == 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "scenario '%s': no arms", sc->name);
    if (sc->n_subjects < 1)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "scenario '%s': no subjects", sc->name);
    if (sc->n_visits == 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "scenario '%s': no visits", sc->name);
    if (sc->n_doses == 0 || sc->dose_h[0] != 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "scenario '%s': the course must start with a dose at 0", sc->name);
    if (sc->visit_h[0] <= 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "scenario '%s': a visit at or before the first dose (visits are > 0; the baseline is implicit)",
                           sc->name);
    if (sc->washout_h < 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "scenario '%s': negative washout", sc->name);
    if (sc->primary_visit >= sc->n_visits)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "scenario '%s': primary visit out of range", sc->name);
    if (sc->design == KETSIM_TRIAL_CROSSOVER) {
        if (sc->n_arms != 2)
            return KETSIM_FAIL(err, KETSIM_EINPUT,
                               "scenario '%s': a crossover design needs exactly 2 arms (has %zu)", sc->name,
                               sc->n_arms);
        if (sc->n_subjects < 2)
            return KETSIM_FAIL(err, KETSIM_EINPUT,
                               "scenario '%s': a crossover needs at least 2 subjects (one per sequence)", sc->name);
        double len = ketsim_trial_period_start_h(sc, 1);
        if (!(sc->washout_h > 0))
            return KETSIM_FAIL(err, KETSIM_EINPUT, "scenario '%s': a crossover needs a positive washout", sc->name);
        if (sc->visit_h[sc->n_visits - 1] > len + 1e-9)
            return KETSIM_FAIL(err, KETSIM_EINPUT,
                               "scenario '%s': the last visit (%g h) falls after the second period starts (%g h): "
                               "lengthen the washout or drop the visit",
                               sc->name, sc->visit_h[sc->n_visits - 1], len);
    } else {
        int total = 0;
        for (size_t a = 0; a < sc->n_arms; a++)
            total += sc->arms[a].ratio;
        if (sc->n_subjects < total)
            return KETSIM_FAIL(err, KETSIM_EINPUT,
                               "scenario '%s': %d subjects leave an arm empty (allocation needs at least %d)",
                               sc->name, sc->n_subjects, total);
    }
    for (size_t a = 0; a < sc->n_arms; a++) {
        int rc = check_arm(sc, &sc->arms[a], err);
        if (rc)
            return rc;
    }
    if (sc->dropout < 0 || sc->dropout > 1)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "scenario '%s': dropout must be a probability", sc->name);
    return check_endpoint_rules(sc, err);
}

int ketsim_trial_scenario_apply_sets(const ketsim_trial_scenario *sc, ketsim_params *p, ketsim_error *err)
{
    for (size_t i = 0; i < sc->n_sets; i++) {
        ketsim_error e = {0};
        if (ketsim_params_set(p, sc->set_name[i], sc->set_value[i], &e) != KETSIM_OK) {
            if (sc->file[0])
                return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%d: field 'set.%s': %s", sc->file, sc->set_line[i],
                                   sc->set_name[i], e.msg);
            return KETSIM_FAIL(err, KETSIM_EINPUT, "scenario 'set': %s", e.msg);
        }
    }
    return KETSIM_OK;
}

size_t ketsim_trial_arm_in_period(const ketsim_trial_scenario *sc, int a, int period)
{
    if (sc->design == KETSIM_TRIAL_CROSSOVER)
        return (size_t)((a + period) % 2);
    return (size_t)a;
}

static void shuffle(ketsim_rng *r, int *x, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(ketsim_rng_uniform(r) * (double)i);
        if (j >= i)
            j = i - 1;
        int t = x[i - 1];
        x[i - 1] = x[j];
        x[j] = t;
    }
}

void ketsim_trial_randomize(const ketsim_trial_scenario *sc, uint64_t seed, uint64_t replicate, int *assign)
{
    ketsim_rng r;
    ketsim_rng_init(&r, seed, replicate, KETSIM_RNG_RANDOMIZATION);
    int block[KETSIM_TRIAL_MAX_ARMS * 10];
    size_t bn = 0;
    if (sc->design == KETSIM_TRIAL_CROSSOVER) {
        block[bn++] = 0;
        block[bn++] = 1;
    } else {
        for (size_t a = 0; a < sc->n_arms; a++)
            for (int k = 0; k < sc->arms[a].ratio; k++)
                block[bn++] = (int)a;
    }
    for (size_t i = 0; i < (size_t)sc->n_subjects; i += bn) {
        int b[KETSIM_TRIAL_MAX_ARMS * 10];
        memcpy(b, block, bn * sizeof *b);
        shuffle(&r, b, bn);
        for (size_t j = 0; j < bn && i + j < (size_t)sc->n_subjects; j++)
            assign[i + j] = b[j];
    }
}
