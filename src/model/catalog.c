/* Built-in compounds and drugs, and the catalog object that holds them and
 * user-defined ones.  Adding a built-in drug is adding a row below. */
#include "catalog_impl.h"

#include <stdlib.h>
#include <string.h>

const char *const catalog_compound_fields[] = {
    "mw_g_per_mol", "v1_l", "v2_l", "v3_l", "cl_l_per_h", "q2_l_per_h", "q3_l_per_h",
    "fu_plasma", "kp_brain", "kpuu_brain", "keo_brain_per_h", "nmda_ki_um",
    "ampa_emax", "ampa_ec50_um",
    /* Tool compounds used in blocking experiments; 0 means no such action. */
    "ampa_block_ki_um", "mtor_inhibition_ic50_um", "trkb_block_ki_um", "nos_inhibition_ic50_um",
};
const size_t catalog_n_compound_fields =
    sizeof catalog_compound_fields / sizeof catalog_compound_fields[0];

static const cat_compound builtin_compounds[] = {
    {"s_ket", "S-ketamine (esketamine)", 1, {"s_nk"}},
    {"r_ket", "R-ketamine (arketamine)", 1, {"r_nk"}},
    {"s_nk", "S-norketamine", 2, {"s_hnk", "s_dhnk"}},
    {"r_nk", "R-norketamine", 2, {"r_hnk", "r_dhnk"}},
    {"s_dhnk", "S-dehydronorketamine", 0, {""}},
    {"r_dhnk", "R-dehydronorketamine", 0, {""}},
    {"s_hnk", "(2S,6S)-hydroxynorketamine", 0, {""}},
    {"r_hnk", "(2R,6R)-hydroxynorketamine", 0, {""}},
    {"nbqx", "NBQX (AMPA receptor antagonist)", 0, {""}},
    {"rapamycin", "rapamycin (mTORC1 inhibitor)", 0, {""}},
    {"ana12", "ANA-12 (TrkB antagonist)", 0, {""}},
    {"lname", "L-NAME (nitric oxide synthase inhibitor)", 0, {""}},
    {"midazolam", "midazolam (active placebo: sedation, no NMDA block)", 0, {""}},
};

static const cat_drug builtin_drugs[] = {
    {"ketamine", "racemic", "racemic ketamine (50:50 S and R)", 2, {"s_ket", "r_ket"}, {0.5, 0.5}},
    {"esketamine", "s-ketamine", "S-ketamine only", 1, {"s_ket"}, {1}},
    {"arketamine", "r-ketamine", "R-ketamine only", 1, {"r_ket"}, {1}},
    {"norketamine", "", "racemic norketamine", 2, {"s_nk", "r_nk"}, {0.5, 0.5}},
    {"hnk_2r6r", "(2R,6R)-HNK", "(2R,6R)-hydroxynorketamine", 1, {"r_hnk"}, {1}},
    {"hnk_2s6s", "(2S,6S)-HNK", "(2S,6S)-hydroxynorketamine", 1, {"s_hnk"}, {1}},
    {"dhnk", "", "racemic dehydronorketamine", 2, {"s_dhnk", "r_dhnk"}, {0.5, 0.5}},
    {"dhnk_s", "(S)-DHNK", "(S)-dehydronorketamine", 1, {"s_dhnk"}, {1}},
    {"dhnk_r", "(R)-DHNK", "(R)-dehydronorketamine", 1, {"r_dhnk"}, {1}},
    {"nbqx", "", "NBQX, AMPA receptor antagonist (blocking experiments)", 1, {"nbqx"}, {1}},
    {"rapamycin", "", "rapamycin, mTORC1 inhibitor (systemic, or icv)", 1, {"rapamycin"}, {1}},
    {"ana12", "", "ANA-12, TrkB antagonist", 1, {"ana12"}, {1}},
    {"lname", "", "L-NAME, NOS inhibitor", 1, {"lname"}, {1}},
    {"midazolam", "", "midazolam, the active placebo of ketamine trials (0.045 mg/kg IV)", 1, {"midazolam"}, {1}},
};

int catalog_add_compound(ketsim_catalog *cat, const cat_compound *c, ketsim_error *err)
{
    if (catalog_compound_index(cat, c->name) >= 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "compound '%s' is already defined", c->name);
    if (cat->n_compounds == cat->cap_compounds) {
        size_t cap = cat->cap_compounds ? 2 * cat->cap_compounds : 16;
        cat_compound *a = realloc(cat->compounds, cap * sizeof *a);
        if (!a)
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
        cat->compounds = a;
        cat->cap_compounds = cap;
    }
    cat->compounds[cat->n_compounds++] = *c;
    return KETSIM_OK;
}

int catalog_add_drug(ketsim_catalog *cat, const cat_drug *d, ketsim_error *err)
{
    size_t idx;
    if (ketsim_catalog_find_drug(cat, d->name, &idx, NULL) == KETSIM_OK)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "drug '%s' is already defined", d->name);
    if (cat->n_drugs == cat->cap_drugs) {
        size_t cap = cat->cap_drugs ? 2 * cat->cap_drugs : 16;
        cat_drug *a = realloc(cat->drugs, cap * sizeof *a);
        if (!a)
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
        cat->drugs = a;
        cat->cap_drugs = cap;
    }
    cat->drugs[cat->n_drugs++] = *d;
    return KETSIM_OK;
}

int ketsim_catalog_create(ketsim_catalog **out, ketsim_error *err)
{
    *out = NULL;
    ketsim_catalog *cat = calloc(1, sizeof *cat);
    if (!cat)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    int rc = KETSIM_OK;
    for (size_t i = 0; rc == KETSIM_OK && i < sizeof builtin_compounds / sizeof *builtin_compounds; i++)
        rc = catalog_add_compound(cat, &builtin_compounds[i], err);
    for (size_t i = 0; rc == KETSIM_OK && i < sizeof builtin_drugs / sizeof *builtin_drugs; i++)
        rc = catalog_add_drug(cat, &builtin_drugs[i], err);
    if (rc) {
        ketsim_catalog_free(cat);
        return rc;
    }
    *out = cat;
    return KETSIM_OK;
}

void ketsim_catalog_free(ketsim_catalog *cat)
{
    if (!cat)
        return;
    free(cat->compounds);
    free(cat->drugs);
    free(cat);
}

long catalog_compound_index(const ketsim_catalog *cat, const char *name)
{
    for (size_t i = 0; i < cat->n_compounds; i++)
        if (strcmp(cat->compounds[i].name, name) == 0)
            return (long)i;
    return -1;
}

const char *catalog_compound_label(const ketsim_catalog *cat, const char *name)
{
    long i = catalog_compound_index(cat, name);
    return i >= 0 && cat->compounds[i].label[0] ? cat->compounds[i].label : name;
}

const cat_drug *catalog_drug(const ketsim_catalog *cat, size_t i)
{
    return i < cat->n_drugs ? &cat->drugs[i] : NULL;
}

const cat_compound *catalog_compound(const ketsim_catalog *cat, size_t i)
{
    return i < cat->n_compounds ? &cat->compounds[i] : NULL;
}

size_t ketsim_catalog_n_drugs(const ketsim_catalog *cat) { return cat->n_drugs; }
size_t ketsim_catalog_n_compounds(const ketsim_catalog *cat) { return cat->n_compounds; }

const char *ketsim_catalog_drug_name(const ketsim_catalog *cat, size_t i)
{
    return i < cat->n_drugs ? cat->drugs[i].name : NULL;
}

const char *ketsim_catalog_drug_description(const ketsim_catalog *cat, size_t i)
{
    return i < cat->n_drugs ? cat->drugs[i].description : NULL;
}

const char *ketsim_catalog_compound_name(const ketsim_catalog *cat, size_t i)
{
    return i < cat->n_compounds ? cat->compounds[i].name : NULL;
}

int ketsim_catalog_find_drug(const ketsim_catalog *cat, const char *name, size_t *index,
                             ketsim_error *err)
{
    for (size_t i = 0; i < cat->n_drugs; i++) {
        const cat_drug *d = &cat->drugs[i];
        if (strcmp(d->name, name) == 0 || (d->alias[0] && strcmp(d->alias, name) == 0)) {
            *index = i;
            return KETSIM_OK;
        }
    }
    char list[400] = "";
    for (size_t i = 0; i < cat->n_drugs; i++) {
        strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
        strncat(list, cat->drugs[i].name, sizeof list - strlen(list) - 1);
    }
    return KETSIM_FAIL(err, KETSIM_EINPUT, "unknown drug '%s' (built in: %s; or a drug file path)",
                       name, list);
}
