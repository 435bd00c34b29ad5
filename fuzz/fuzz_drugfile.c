/* Fuzz drug files (YAML compounds and mixtures, docs/drugs.md). */
#include "fuzz_common.h"
#include "ketsim/catalog.h"
#include "ketsim/formats.h"
#include "ketsim/params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ketsim_params *base;
    ketsim_error err;
    if (!base && ketsim_params_create(KETSIM_HUMAN, &base, &err) != KETSIM_OK)
        abort();
    const char *path = fuzz_write_temp(data, size);
    if (!path)
        return 0;
    ketsim_params *p = NULL;
    ketsim_catalog *cat = NULL;
    if (ketsim_params_clone(base, &p, &err) == KETSIM_OK &&
        ketsim_catalog_create(&cat, &err) == KETSIM_OK) {
        const char *drug = NULL;
        if (ketsim_catalog_load_drug_file(cat, p, path, &drug, &err) == KETSIM_OK) {
            size_t idx;
            /* The drug a file defines must then be found by its name. */
            if (!drug || ketsim_catalog_find_drug(cat, drug, &idx, &err) != KETSIM_OK)
                abort();
        }
    }
    ketsim_catalog_free(cat);
    ketsim_params_free(p);
    return 0;
}
