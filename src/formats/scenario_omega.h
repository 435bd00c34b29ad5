/* The `omega` and `omega_block` keys of a scenario (scenario_omega.c). */
#ifndef KETSIM_FORMATS_SCENARIO_OMEGA_H
#define KETSIM_FORMATS_SCENARIO_OMEGA_H

#include "ketsim/trial.h"
#include "util/ytree.h"

/* Read both keys of the scenario's root mapping into sc (absent: n_omega 0). */
int formats_scenario_parse_omega(const ytree *t, const ytree_node *root, ketsim_trial_scenario *sc,
                                 ketsim_error *err);

#endif
