#include "sim_pattern.h"
#include "model/model_impl.h"

#include <stdlib.h>

int sim_set_model_pattern(solver *s, const ketsim_model *m, ketsim_error *err)
{
    size_t n = ketsim_model_n_states(m);
    unsigned char *mask = malloc(n ? n * n : 1);
    if (!mask)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    int rc = model_jacobian_pattern(m, mask, n, err);
    if (!rc)
        rc = solver_set_pattern(s, mask, err);
    free(mask);
    return rc;
}
