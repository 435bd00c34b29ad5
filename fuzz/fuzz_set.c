/* Fuzz --set NAME=VALUE on a fresh human parameter table. */
#include "fuzz_common.h"
#include "ketsim/params.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* One table for all inputs: a parse never depends on current values
     * (ranges are per row and fixed), so earlier inputs cannot change how a
     * later one is read, and no per-input copy is needed. */
    static ketsim_params *p;
    ketsim_error err;
    if (!p && ketsim_params_create(KETSIM_HUMAN, &p, &err) != KETSIM_OK)
        abort();
    char *s = fuzz_cstring(data, size);
    if (!s)
        return 0;
    if (ketsim_params_set_assignment(p, s, &err) == KETSIM_OK) {
        /* Whatever was accepted must leave every row finite. */
        ketsim_param_info info;
        for (size_t i = 0; i < ketsim_params_count(p); i++)
            if (ketsim_params_info(p, i, &info) == KETSIM_OK && !isfinite(info.value))
                abort();
    }
    free(s);
    return 0;
}
