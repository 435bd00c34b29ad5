/* Trial schedules: period starts and follow-up visits, in hours since the
 * first dose of the first period. */
#include "ketsim/trial.h"

#include <math.h>

size_t ketsim_trial_arm_n_sessions(const ketsim_trial_scenario *sc, const ketsim_trial_arm *a)
{
    return a->n_doses ? a->n_doses : sc->n_doses;
}

double ketsim_trial_arm_session_h(const ketsim_trial_scenario *sc, const ketsim_trial_arm *a, size_t k)
{
    return a->n_doses ? a->dose_h[k] : sc->dose_h[k];
}

const ketsim_dose *ketsim_trial_arm_dose(const ketsim_trial_arm *a, size_t k)
{
    /* an inert control gives nothing; midazolam (active placebo) its dose */
    if (a->control == KETSIM_TRIAL_SALINE || a->n_specs == 0)
        return NULL;
    return &a->dose[a->n_specs == 1 ? 0 : k];
}

double ketsim_trial_last_session_h(const ketsim_trial_scenario *sc)
{
    double last = 0;
    for (size_t a = 0; a < sc->n_arms; a++) {
        size_t n = ketsim_trial_arm_n_sessions(sc, &sc->arms[a]);
        if (n && ketsim_trial_arm_session_h(sc, &sc->arms[a], n - 1) > last)
            last = ketsim_trial_arm_session_h(sc, &sc->arms[a], n - 1);
    }
    return last;
}

double ketsim_trial_period_start_h(const ketsim_trial_scenario *sc, int period)
{
    if (period <= 0)
        return 0;
    return ketsim_trial_last_session_h(sc) + sc->washout_h;
}

size_t ketsim_trial_n_followup(const ketsim_trial_scenario *sc)
{
    if (!(sc->followup_until_h > 0) || !(sc->followup_every_h > 0))
        return 0;
    size_t n = (size_t)floor(sc->followup_until_h / sc->followup_every_h + 1e-9);
    return n > KETSIM_TRIAL_MAX_FOLLOWUP ? KETSIM_TRIAL_MAX_FOLLOWUP : n;
}

double ketsim_trial_followup_h(const ketsim_trial_scenario *sc, size_t k)
{
    return (double)(k + 1) * sc->followup_every_h;
}
