/* Private layout of the catalog, shared by catalog.c, drugfile.c and model.c. */
#ifndef KETSIM_CATALOG_IMPL_H
#define KETSIM_CATALOG_IMPL_H

#include "ketsim/catalog.h"

typedef struct cat_compound {
    char name[KETSIM_NAME_MAX];
    char label[96];
    size_t n_links;
    char link_child[KETSIM_MAX_LINKS][KETSIM_NAME_MAX];
} cat_compound;

typedef struct cat_drug {
    char name[KETSIM_NAME_MAX];
    char alias[KETSIM_NAME_MAX];
    char description[160];
    size_t n;
    char compound[KETSIM_MAX_COMPONENTS][KETSIM_NAME_MAX];
    double fraction[KETSIM_MAX_COMPONENTS]; /* mass fractions, sum 1 */
} cat_drug;

struct ketsim_catalog {
    cat_compound *compounds;
    size_t n_compounds, cap_compounds;
    cat_drug *drugs;
    size_t n_drugs, cap_drugs;
};

/* A compound's label (its name if it has none). */
const char *catalog_compound_label(const ketsim_catalog *cat, const char *name);
/* Index of a compound by name, or -1. */
long catalog_compound_index(const ketsim_catalog *cat, const char *name);
int catalog_add_compound(ketsim_catalog *cat, const cat_compound *c, ketsim_error *err);
int catalog_add_drug(ketsim_catalog *cat, const cat_drug *d, ketsim_error *err);
const cat_drug *catalog_drug(const ketsim_catalog *cat, size_t i);
const cat_compound *catalog_compound(const ketsim_catalog *cat, size_t i);

/* Per-compound parameter fields, in the order the model reads them. */
extern const char *const catalog_compound_fields[];
extern const size_t catalog_n_compound_fields;

#endif
