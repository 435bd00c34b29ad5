/* Export of a model and a dosing regimen as SBML Level 3 (Version 2 or 1).
 *
 * Every model state becomes a non-constant parameter driven by a rate rule;
 * the parameters the equations use become constant parameters (already
 * scaled to the subject's weight); infusions enter the rate rules as
 * piecewise inputs and boluses as events; the read-outs are assignment
 * rules.  Initial values are the untreated steady state.  Body weight and
 * the doses are parameters the PK values and inputs are computed from.
 * Parameters carry their table row's unit, kind and source in their notes;
 * SBO terms and MIRIAM annotations come from a table (data/
 * sbml_annotations.csv).  docs/sbml.md describes the naming. */
#ifndef KETSIM_SBML_H
#define KETSIM_SBML_H

#include <stdio.h>
#include "ketsim/error.h"
#include "ketsim/model.h"
#include "ketsim/params.h"
#include "ketsim/regimen.h"

/* 1 when this build links libsbml, 0 when SBML export is unavailable. */
int ketsim_sbml_available(void);

typedef struct ketsim_sbml_options {
    int level, version;             /* 3 and 2 (default when 0) or 3 and 1 */
    const ketsim_params *params;    /* the table `m` was built from (required) */
    const char *annotations;        /* SBO/MIRIAM table; NULL: no annotations */
} ketsim_sbml_options;

/* Write the SBML document for model `m` receiving regimen `reg` to `fp`.
 * Bad rows of the annotation table are KETSIM_EINPUT naming file, line and
 * field; nothing is written then.  Without libsbml in the build this fails
 * with KETSIM_EIO ("not available") and writes nothing. */
int ketsim_sbml_write(const ketsim_model *m, const ketsim_regimen *reg,
                      const ketsim_sbml_options *opt, FILE *fp, ketsim_error *err);

#endif
