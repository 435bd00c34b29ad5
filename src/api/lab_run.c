/* `lab`: a protocol by name or file and the parameters of its species. */
#include "ketsim/api.h"
#include "ketsim/formats.h"

#include <stdlib.h>

int ketsim_lab_open(const char *name_or_path, const char *const *sets, size_t n_sets, ketsim_lab_protocol **p,
                    ketsim_params **params, ketsim_error *err)
{
    char path[1024];
    ketsim_params *tables = NULL;
    *params = NULL;
    *p = calloc(1, sizeof **p);
    int rc = *p ? ketsim_lab_protocol_find(name_or_path, path, sizeof path, err)
                : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    /* the protocol's `set` names are checked against every table */
    if (!rc)
        rc = ketsim_params_create(KETSIM_HUMAN, &tables, err);
    if (!rc)
        rc = ketsim_lab_protocol_load(path, tables, *p, err);
    if (!rc)
        rc = ketsim_params_for_species(tables, (*p)->species, params, err);
    ketsim_params_free(tables);
    for (size_t i = 0; !rc && i < n_sets; i++)
        if ((rc = ketsim_params_set_assignment(*params, sets[i], err)))
            ketsim_error_prefix(err, "--set: ");
    if (rc) {
        ketsim_params_free(*params);
        free(*p);
        *params = NULL;
        *p = NULL;
    }
    return rc;
}
