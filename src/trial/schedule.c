/* Trial schedules: period starts and follow-up visits, in hours since the
 * first dose of the first period. */
#include "ketsim/trial.h"

#include <math.h>

double trial_period_start_h(const trial_scenario *sc, int period)
{
    if (period <= 0)
        return 0;
    return sc->dose_h[sc->n_doses - 1] + sc->washout_h;
}

size_t trial_n_followup(const trial_scenario *sc)
{
    if (!(sc->followup_until_h > 0) || !(sc->followup_every_h > 0))
        return 0;
    size_t n = (size_t)floor(sc->followup_until_h / sc->followup_every_h + 1e-9);
    return n > TRIAL_MAX_FOLLOWUP ? TRIAL_MAX_FOLLOWUP : n;
}

double trial_followup_h(const trial_scenario *sc, size_t k)
{
    return (double)(k + 1) * sc->followup_every_h;
}
