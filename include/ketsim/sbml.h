/* Export of a model and a dosing regimen as SBML Level 3 Version 2.
 *
 * Every model state becomes a non-constant parameter driven by a rate rule;
 * the parameters the equations use become constant parameters (already
 * scaled to the subject's weight); infusions enter the rate rules as
 * piecewise inputs and boluses as events; the read-outs are assignment
 * rules.  Initial values are the untreated steady state.  docs/sbml.md
 * describes the naming. */
#ifndef KETSIM_SBML_H
#define KETSIM_SBML_H

#include <stdio.h>
#include "ketsim/error.h"
#include "ketsim/model.h"
#include "ketsim/regimen.h"

/* 1 when this build links libsbml, 0 when SBML export is unavailable. */
int ketsim_sbml_available(void);

/* Write the SBML document for model `m` receiving regimen `reg` to `fp`.
 * Without libsbml in the build this fails with KETSIM_EIO ("not available")
 * and writes nothing. */
int ketsim_sbml_write(const ketsim_model *m, const ketsim_regimen *reg, FILE *fp,
                      ketsim_error *err);

#endif
