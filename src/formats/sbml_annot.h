/* The SBML annotation table (data/sbml_annotations.csv): SBO terms and
 * MIRIAM cross-references of the exported model's elements.  Read here and
 * checked row by row, so the exporter writes only identifiers of a
 * recognised form from the one table that lists them. */
#ifndef KETSIM_FORMATS_SBML_ANNOT_H
#define KETSIM_FORMATS_SBML_ANNOT_H

#include <stddef.h>
#include "ketsim/error.h"

/* What an element name of the table refers to: its prefix. */
typedef enum {
    ANNOT_COMPOUND,    /* compound:NAME  every species of that compound */
    ANNOT_STATE,       /* state:ID       a cascade state */
    ANNOT_PARAMETER,   /* parameter:ID   a parameter (SBO rows: * patterns) */
    ANNOT_COMPARTMENT, /* compartment:ID */
    ANNOT_MODEL,       /* model:ORGANISM the model for that organism */
    N_ANNOT_KINDS
} annot_kind;

typedef struct annot_row {
    annot_kind kind;
    char element[96];    /* without the prefix; may start with '*' (SBO rows) */
    char qualifier[16];  /* sbo, is, isVersionOf, hasPart, hasTaxon */
    char uri[160];       /* identifiers.org URI; "" for SBO rows */
    int sbo;             /* SBO term number of an SBO row, else -1 */
    char organism[8];    /* any, human, rat, mouse */
} annot_row;

typedef struct annot_table {
    annot_row *rows;
    size_t n;
} annot_table;

/* Read the table; a bad row fails with KETSIM_EINPUT naming file, line and
 * field. */
int annot_read(const char *path, annot_table *t, ketsim_error *err);
void annot_free(annot_table *t);

/* Does row r apply to element `name` of kind `kind` for `organism`?  '*'
 * patterns match any name ending in what follows the star. */
int annot_matches(const annot_row *r, annot_kind kind, const char *name, const char *organism);
/* The SBO term for an element: the first exact row, else the first matching
 * pattern, else -1. */
int annot_sbo(const annot_table *t, annot_kind kind, const char *name, const char *organism);

#endif
