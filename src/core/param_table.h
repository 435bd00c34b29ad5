/* The built-in parameter rows (private to src/core). */
#ifndef KETSIM_PARAM_TABLE_H
#define KETSIM_PARAM_TABLE_H

#include "ketsim/params.h"

typedef struct param_def {
    const char *name;
    const char *unit;
    double value[KETSIM_N_SPECIES]; /* human, rat, mouse */
    double min, max;                /* allowed range for overrides */
    const char *source;
    const char *description;
} param_def;

extern const param_def param_table[];
extern const size_t param_table_len;
/* Population and trial rows (src/pop/pop_param_table.c). */
extern const param_def pop_param_table[];
extern const size_t pop_param_table_len;

#endif
