/* Fuzz the validation targets table (data/targets.csv format).  Only loading
 * is fuzzed: running a target's scenario is simulation work, not parsing. */
#include "fuzz_common.h"
#include "ketsim/params.h"
#include "ketsim/formats.h"
#include "ketsim/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_temp(data, size);
    if (!path)
        return 0;
    static ketsim_params *base; /* built once: the harness is single-threaded */
    ketsim_validation *v = NULL;
    ketsim_error err;
    if (!base && ketsim_params_create(KETSIM_HUMAN, &base, &err) != KETSIM_OK)
        abort();
    if (ketsim_targets_read(path, base, &v, &err) == KETSIM_OK && !v)
        abort();
    ketsim_validation_free(v);
    return 0;
}
