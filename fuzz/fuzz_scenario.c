/* Fuzz trial scenarios (YAML, docs/trial.md): the loader, then the `set`
 * names checked against the human tables as `ketsim trial` does.  Nothing
 * is simulated. */
#include "fuzz_common.h"
#include "ketsim/formats.h"
#include "ketsim/params.h"
#include "ketsim/trial.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ketsim_params *base; /* built once: the harness is single-threaded */
    ketsim_error err;
    if (!base && ketsim_params_create(KETSIM_HUMAN, &base, &err) != KETSIM_OK)
        abort();
    char *text = fuzz_cstring(data, size);
    if (!text)
        return 0;
    ketsim_trial_scenario sc;
    ketsim_error_clear(&err);
    if (ketsim_trial_scenario_load_string("fuzz.yaml", text, &sc, &err) == KETSIM_OK) {
        ketsim_params *p = NULL;
        if (ketsim_params_clone(base, &p, &err) != KETSIM_OK)
            abort();
        (void)ketsim_trial_scenario_apply_sets(&sc, p, &err);
        ketsim_params_free(p);
    } else if (err.msg[0] == '\0') {
        abort(); /* a refusal always says why */
    }
    free(text);
    return 0;
}
