/* Fuzz the published-means table of `trial --observed` against the built-in
 * zarate2006 scenario (arms saline and ketamine).  An accepted table must
 * hold only what the reader promises: no more points than lines, each on an
 * arm of the scenario, at a time >= 0, with a mean in [0, 60] and an SE
 * that is missing (NAN) or in [0, 60].  A refusal must name the file. */
#include "fuzz_common.h"
#include <math.h>
#include "ketsim/formats.h"
#include "ketsim/trial.h"

static void check_accepted(const ketsim_trial_observed *o, const ketsim_trial_scenario *sc, size_t lines)
{
    if (o->n > lines || (o->n && !o->pt))
        abort();
    for (size_t i = 0; i < o->n; i++) {
        const ketsim_trial_observed_point *p = &o->pt[i];
        if (p->arm >= sc->n_arms || !(p->time_h >= 0) || !(p->madrs >= 0 && p->madrs <= 60))
            abort();
        if (!isnan(p->se) && !(p->se >= 0 && p->se <= 60))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_temp(data, size);
    if (!path)
        return 0;
    static ketsim_trial_scenario sc; /* loaded once: the harness is single-threaded */
    static int loaded;
    ketsim_error err;
    if (!loaded && ketsim_trial_scenario_resolve("zarate2006", &sc, &err) != KETSIM_OK)
        abort();
    loaded = 1;
    ketsim_error_clear(&err);
    ketsim_trial_observed o;
    if (ketsim_trial_observed_read(path, &sc, &o, &err) == KETSIM_OK)
        check_accepted(&o, &sc, fuzz_count_lines(data, size));
    else if (o.n || o.pt || !strstr(err.msg, path))
        abort(); /* a refusal leaves nothing and names the file */
    ketsim_trial_observed_free(&o);
    return 0;
}
