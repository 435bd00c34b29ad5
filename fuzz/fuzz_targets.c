/* Fuzz the validation targets table (data/targets.csv format).  Only loading
 * is fuzzed: running a target's scenario is simulation work, not parsing. */
#include "fuzz_common.h"
#include "ketsim/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_temp(data, size);
    if (!path)
        return 0;
    ketsim_validation *v = NULL;
    ketsim_error err;
    if (ketsim_validation_load(path, &v, &err) == KETSIM_OK && !v)
        abort();
    ketsim_validation_free(v);
    return 0;
}
