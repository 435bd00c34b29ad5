/* Compounds and drugs are data.
 *
 * A compound is one chemical entity the model tracks (S-ketamine, (2R,6R)-HNK,
 * a user's new molecule): its parameter rows live in the parameter table under
 * COMPOUND.FIELD, and its metabolic links (to child compounds) live here.
 * A drug is what is given: a mixture of compounds by mass fraction
 * (racemic ketamine = 0.5 s_ket + 0.5 r_ket).  Built-in entries are tables in
 * src/model/catalog.c; a drug file (YAML, docs/drugs.md) adds more at run time. */
#ifndef KETSIM_CATALOG_H
#define KETSIM_CATALOG_H

#include <stddef.h>
#include "ketsim/error.h"
#include "ketsim/params.h"

#define KETSIM_NAME_MAX 48
#define KETSIM_MAX_LINKS 4
#define KETSIM_MAX_COMPONENTS 8

typedef struct ketsim_catalog ketsim_catalog;

int ketsim_catalog_create(ketsim_catalog **out, ketsim_error *err);
void ketsim_catalog_free(ketsim_catalog *cat);

/* Drug files are read by the formats layer: ketsim_catalog_load_drug_file
 * in include/ketsim/formats.h. */

size_t ketsim_catalog_n_drugs(const ketsim_catalog *cat);
const char *ketsim_catalog_drug_name(const ketsim_catalog *cat, size_t i);
const char *ketsim_catalog_drug_description(const ketsim_catalog *cat, size_t i);
/* Index of a drug by name or alias; KETSIM_EINPUT naming the choices if absent. */
int ketsim_catalog_find_drug(const ketsim_catalog *cat, const char *name, size_t *index,
                             ketsim_error *err);

size_t ketsim_catalog_n_compounds(const ketsim_catalog *cat);
const char *ketsim_catalog_compound_name(const ketsim_catalog *cat, size_t i);

#endif
