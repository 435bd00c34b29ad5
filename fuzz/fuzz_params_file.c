/* Fuzz --params FILE (NAME=VALUE lines with comments). */
#include "fuzz_common.h"
#include "ketsim/params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* One table for all inputs: a parse never depends on current values
     * (ranges are per row and fixed), so earlier inputs cannot change how a
     * later one is read, and no per-input copy is needed. */
    static ketsim_params *p;
    ketsim_error err;
    if (!p && ketsim_params_create(KETSIM_HUMAN, &p, &err) != KETSIM_OK)
        abort();
    const char *path = fuzz_write_temp(data, size);
    if (!path)
        return 0;
    (void)ketsim_params_load_file(p, path, &err);
    return 0;
}
