/* The front door for building a parameter table: every built-in table, in
 * the order `ketsim params` lists them.  It lives above every layer that
 * owns rows, so that the core engine needs to know none of them. */
#include "ketsim/lab.h"
#include "ketsim/model.h"
#include "ketsim/population.h"
#include "ketsim/trial.h"

int ketsim_params_create(ketsim_species species, ketsim_params **out, ketsim_error *err)
{
    const ketsim_param_table *tables[] = {ketsim_model_param_table(), ketsim_pop_param_table(),
                                          ketsim_lab_param_table(), ketsim_trial_param_table()};
    int rc = ketsim_params_create_empty(species, out, err);
    for (size_t i = 0; !rc && i < sizeof tables / sizeof tables[0]; i++)
        rc = ketsim_params_register(*out, tables[i], err);
    if (rc) {
        ketsim_params_free(*out);
        *out = NULL;
    }
    return rc;
}
