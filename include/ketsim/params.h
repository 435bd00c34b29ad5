/* The parameter table engine: rows with value, unit, allowed range and
 * source, for one species.
 *
 * The engine knows no rows of its own.  Each layer that owns constants
 * registers its table (the model's in src/model/param_table.c, the
 * population's, the laboratory's, the trial endpoints'), and
 * ketsim_params_create (src/api/) builds the object with all built-in tables.
 * User drug files add rows; `--set NAME=VALUE` overrides them.  The model
 * reads the table once when it is built; nothing reads it in the hot loop. */
#ifndef KETSIM_PARAMS_H
#define KETSIM_PARAMS_H

#include <stddef.h>
#include "ketsim/error.h"

typedef enum ketsim_species {
    KETSIM_HUMAN = 0,
    KETSIM_RAT = 1,
    KETSIM_MOUSE = 2,
    KETSIM_N_SPECIES = 3
} ketsim_species;

const char *ketsim_species_name(ketsim_species s);
int ketsim_species_parse(const char *name, ketsim_species *out, ketsim_error *err);

typedef struct ketsim_params ketsim_params;

/* What kind of number a row holds.  `ketsim calibrate` frees exactly the
 * calibrated rows; the others stay at their value. */
typedef enum ketsim_param_kind {
    KETSIM_PARAM_LITERATURE = 0, /* read from a source */
    KETSIM_PARAM_ASSUMED,        /* chosen where no source gives it (the source says why) */
    KETSIM_PARAM_CALIBRATED,     /* fitted to the targets it names */
    KETSIM_PARAM_HAND_SET,       /* set by hand against the targets it names; not fitted */
    KETSIM_N_PARAM_KINDS
} ketsim_param_kind;

const char *ketsim_param_kind_name(ketsim_param_kind k); /* "literature", "assumed", ... */

/* One row of the table as the user sees it. */
typedef struct ketsim_param_info {
    const char *name;
    const char *unit;
    double value;        /* current value (after overrides) */
    double default_value;/* value before overrides */
    const char *source;  /* paper, or "assumed: why", or what the value was fitted or set against */
    const char *description;
    int overridden;
    ketsim_param_kind kind;
    const char *targets; /* the targets a calibrated or hand-set row names ("" none) */
    double min, max;     /* the range an override must stay in */
} ketsim_param_info;

/* One built-in row: a value per species (human, rat, mouse), the range an
 * override must stay in, its kind, the targets it was fitted or set against
 * (space-separated ids of data/targets.csv; "" for none), and where the value
 * comes from. */
typedef struct ketsim_param_def {
    const char *name;
    const char *unit;
    double value[KETSIM_N_SPECIES];
    double min, max;
    ketsim_param_kind kind;
    const char *targets;
    const char *source;
    const char *description;
} ketsim_param_def;

/* A table of rows owned by one layer (static storage: it is not copied). */
typedef struct ketsim_param_table {
    const ketsim_param_def *rows;
    size_t n;
} ketsim_param_table;

/* Every built-in table (model, population, laboratory, trial): src/api/. */
int ketsim_params_create(ketsim_species species, ketsim_params **out, ketsim_error *err);
/* An object with no rows; tables are added with ketsim_params_register. */
int ketsim_params_create_empty(ketsim_species species, ketsim_params **out, ketsim_error *err);
/* Append a table's rows at their values for the object's species.  A name
 * that already exists is an error. */
int ketsim_params_register(ketsim_params *p, const ketsim_param_table *t, ketsim_error *err);
/* The same registered tables for another species, at their defaults (no
 * overrides, no user rows). */
int ketsim_params_for_species(const ketsim_params *p, ketsim_species species, ketsim_params **out,
                              ketsim_error *err);
int ketsim_params_clone(const ketsim_params *p, ketsim_params **out, ketsim_error *err);
void ketsim_params_free(ketsim_params *p);

ketsim_species ketsim_params_species(const ketsim_params *p);

/* Value of a row; KETSIM_EINPUT if the name is unknown. */
int ketsim_params_get(const ketsim_params *p, const char *name, double *value, ketsim_error *err);
/* Value of a row that must exist (built-in names); aborts the build with an
 * internal error message if missing.  For model assembly. */
double ketsim_params_value(const ketsim_params *p, const char *name);
int ketsim_params_has(const ketsim_params *p, const char *name);

/* Row index of a name (stable for the object's life and its clones), for
 * setting values in loops without looking names up; KETSIM_EINPUT if absent. */
int ketsim_params_find(const ketsim_params *p, const char *name, size_t *row, ketsim_error *err);
/* Value of row i (no check: i < ketsim_params_count). */
double ketsim_params_value_at(const ketsim_params *p, size_t row);
/* Override row i, with the checks of ketsim_params_set. */
int ketsim_params_set_at(ketsim_params *p, size_t row, double value, ketsim_error *err);
/* Copy every value (and override mark) of src into p, which must have the
 * same rows (a clone of src or of the object src was cloned from). */
int ketsim_params_copy_values(ketsim_params *p, const ketsim_params *src, ketsim_error *err);

/* Override an existing row.  Rejects unknown names, non-finite values and
 * values outside the row's allowed range (negative where it must be >= 0). */
int ketsim_params_set(ketsim_params *p, const char *name, double value, ketsim_error *err);
/* Parse "NAME=VALUE" (as given to --set) and apply it. */
int ketsim_params_set_assignment(ketsim_params *p, const char *assignment, ketsim_error *err);
/* Apply a parameter file: one NAME=VALUE (or NAME VALUE) per line, '#' comments. */
int ketsim_params_load_file(ketsim_params *p, const char *path, ketsim_error *err);

/* Add a new row (a user compound's parameter: kind literature, as its file
 * gives it).  Fails if it exists. */
int ketsim_params_add(ketsim_params *p, const char *name, const char *unit, double value,
                      const char *source, const char *description, ketsim_error *err);

size_t ketsim_params_count(const ketsim_params *p);
int ketsim_params_info(const ketsim_params *p, size_t i, ketsim_param_info *info);

#endif
