/* Fuzz NONMEM-style datasets (simulate --dataset, fit; docs/dataset.md).
 * The reader is given a file, as the command is.  An accepted dataset must describe what its accessors report: at
 * least one subject, and as many events as records read. */
#include "fuzz_common.h"
#include <stdio.h>
#include "ketsim/dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_temp(data, size);
    if (!path)
        return 0;
    ketsim_dataset *ds = NULL;
    ketsim_error err;
    if (ketsim_dataset_read(path, &ds, &err) == KETSIM_OK) {
        if (!ds || !ketsim_dataset_events(ds) || ketsim_dataset_n_subjects(ds) == 0)
            abort();
        if (ketsim_dataset_n_subjects(ds) > ketsim_dataset_n_records(ds))
            abort();
    }
    ketsim_dataset_free(ds);
    return 0;
}
