/* `validate`: the targets table read against the human parameters. */
#include "ketsim/api.h"
#include "ketsim/datadir.h"
#include "ketsim/formats.h"

int ketsim_validation_open(const char *targets_path, ketsim_validation **out, ketsim_error *err)
{
    char buf[1024];
    const char *path = targets_path ? targets_path : ketsim_data_path("targets.csv", buf, sizeof buf);
    ketsim_params *base = NULL;
    *out = NULL;
    int rc = ketsim_params_create(KETSIM_HUMAN, &base, err);
    if (!rc)
        rc = ketsim_targets_read(path, base, out, err);
    ketsim_params_free(base);
    return rc;
}
