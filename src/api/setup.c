/* The subject a run is about, from what a user names: species, drug or drug
 * file, parameter file and overrides; and the regimen of dose specs. */
#include "ketsim/api.h"
#include "ketsim/formats.h"

#include <string.h>
#include <unistd.h>

/* A drug argument is a file when it has a directory part or a YAML ending;
 * otherwise it names a built-in drug. */
static int looks_like_path(const char *s)
{
    size_t n = strlen(s);
    return strchr(s, '/') || (n > 5 && strcmp(s + n - 5, ".yaml") == 0) ||
           (n > 4 && strcmp(s + n - 4, ".yml") == 0);
}

static int find_drug(ketsim_setup *s, const char *drug_arg, ketsim_error *err)
{
    if (looks_like_path(drug_arg))
        return ketsim_catalog_load_drug_file(s->catalog, s->params, drug_arg, &s->drug, err);
    size_t idx;
    int rc = ketsim_catalog_find_drug(s->catalog, drug_arg, &idx, err);
    if (rc)
        ketsim_error_prefix(err, "--drug: ");
    else
        s->drug = ketsim_catalog_drug_name(s->catalog, idx);
    return rc;
}

int ketsim_setup_init(ketsim_setup *s, const char *species, const char *drug, const char *params_file,
                      const char *const *sets, size_t n_sets, ketsim_error *err)
{
    memset(s, 0, sizeof *s);
    int rc = ketsim_species_parse(species ? species : "human", &s->species, err);
    if (rc)
        ketsim_error_prefix(err, "--species: ");
    if (!rc)
        rc = ketsim_params_create(s->species, &s->params, err);
    if (!rc)
        rc = ketsim_catalog_create(&s->catalog, err);
    if (!rc)
        rc = find_drug(s, drug ? drug : "ketamine", err);
    if (!rc && params_file)
        rc = ketsim_params_load_file(s->params, params_file, err);
    for (size_t i = 0; !rc && i < n_sets; i++)
        rc = ketsim_params_set_assignment(s->params, sets[i], err);
    if (!rc)
        s->weight_kg = ketsim_params_value(s->params, "species.ref_weight_kg");
    return rc;
}

void ketsim_setup_free(ketsim_setup *s)
{
    ketsim_params_free(s->params);
    ketsim_catalog_free(s->catalog);
    memset(s, 0, sizeof *s);
}

int ketsim_regimen_from_specs(const char *const *doses, size_t n, ketsim_regimen **out, ketsim_error *err)
{
    int rc = ketsim_regimen_create(out, err);
    ketsim_dose d;
    if (!rc && n == 0) {
        d = (ketsim_dose){.route = KETSIM_ROUTE_IV, .amount = 0.5, .per_kg = 1, .duration_h = 40.0 / 60};
        rc = ketsim_regimen_add(*out, &d, err);
    }
    for (size_t i = 0; !rc && i < n; i++) {
        rc = ketsim_dose_parse(doses[i], &d, err);
        if (rc)
            ketsim_error_prefix(err, "--dose: ");
        else
            rc = ketsim_regimen_add(*out, &d, err);
    }
    if (rc) {
        ketsim_regimen_free(*out);
        *out = NULL;
    }
    return rc;
}

int ketsim_default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        n = 1;
    return n > 16 ? 16 : (int)n;
}
