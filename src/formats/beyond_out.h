/* Text shared by the writers of predict and design (predict_out.c,
 * compound_design_out.c) and the results database (sqlite_out.c), so that
 * a database row says what the CSV and JSON say (private). */
#ifndef KETSIM_FORMATS_BEYOND_OUT_H
#define KETSIM_FORMATS_BEYOND_OUT_H

#include <stddef.h>

#include "ketsim/beyond.h"

/* A published correlation of a marker with improvement (docs/literature.md). */
typedef struct formats_predict_lit {
    const char *marker;
    double lo, hi; /* expected range of r with the % MADRS change */
    const char *text;
} formats_predict_lit;

#define FORMATS_PREDICT_N_LIT 2

/* Reference k, 0 <= k < FORMATS_PREDICT_N_LIT. */
const formats_predict_lit *formats_predict_lit_ref(int k);
/* How the model's r compares with the reference, in words. */
const char *formats_predict_verdict(double r, const formats_predict_lit *l);
/* The marker row of rep named `name`, or NULL. */
const ketsim_predict_row *formats_predict_find_row(const ketsim_predict_report *rep, const char *name);
/* The candidate's dose in words ("iv 0.5 mg/kg over 40 min"). */
void formats_design_dose_text(char *buf, size_t size, const ketsim_design_candidate *c);
/* The knobs of a candidate as "NAME=VALUE;NAME=VALUE" (one CSV field). */
void formats_design_knob_text(char *buf, size_t size, const ketsim_design_candidate *c);

#endif
