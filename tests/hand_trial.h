/* A two-arm trial written by hand for the tests of what is computed from
 * ratings (tests/test_trial_endpoints.c, tests/test_trial_plot.c): saline
 * ("pbo") and ketamine 0.5 mg/kg IV ("ket"), rated at 2 h and 1 d, 1 d
 * primary; a crossover has a one-week washout.  Include after cmocka.h. */
#ifndef KETSIM_TESTS_HAND_TRIAL_H
#define KETSIM_TESTS_HAND_TRIAL_H

#include <math.h>
#include <string.h>

#include "ketsim/trial.h"

static inline ketsim_trial_scenario hand_trial_scenario(ketsim_trial_design design, int n)
{
    ketsim_trial_scenario sc;
    memset(&sc, 0, sizeof sc);
    strcpy(sc.name, "hand");
    strcpy(sc.drug, "ketamine");
    sc.design = design;
    sc.n_subjects = n;
    sc.n_arms = 2;
    strcpy(sc.arms[0].name, "pbo");
    sc.arms[0].control = KETSIM_TRIAL_SALINE;
    sc.arms[0].ratio = 1;
    strcpy(sc.arms[1].name, "ket");
    sc.arms[1].n_specs = 1;
    sc.arms[1].dose[0] = (ketsim_dose){.route = KETSIM_ROUTE_IV, .amount = 0.5, .per_kg = 1};
    sc.arms[1].ratio = 1;
    sc.n_doses = 1;
    sc.washout_h = design == KETSIM_TRIAL_CROSSOVER ? 168 : 0;
    sc.n_visits = 2;
    sc.visit_h[0] = 2;
    sc.visit_h[1] = 24;
    strcpy(sc.visit_label[0], "2h");
    strcpy(sc.visit_label[1], "1d");
    sc.primary_visit = 1;
    return sc;
}

static inline void hand_close_to(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.10g, want %.10g", got, want);
}

#endif
