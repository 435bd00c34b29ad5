/* Population and trial parameters: the second part of the one parameter
 * table (rows are merged into every ketsim_params object).  Inter-individual
 * variability, covariate effects, placebo response and rater noise. */
#include "core/param_table.h"

#include <math.h>

const param_def pop_param_table[] = {
    {"pop.placeholder", "1", {0, 0, 0}, 0.0, 1.0, "structural: keeps the table non-empty", "unused"},
};

const size_t pop_param_table_len = sizeof pop_param_table / sizeof pop_param_table[0];
