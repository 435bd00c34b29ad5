/* Table 2 of the seed next to the model, for the main job: each row is a
 * target of data/targets.csv (the same scenario `ketsim validate` runs), so
 * the numbers come from the model's equations and the pass/miss from the
 * target's accepted range. */
#include "main_table2.h"
#include "ketsim/datadir.h"
#include "ketsim/formats.h"
#include "ketsim/validate.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *what, *seed, *target;
} rows[] = {
    {"prefrontal glutamate, end of infusion", "increased during infusion", "glu_during_infusion"},
    {"prefrontal glutamate, 2 h after", "transient: back toward 1", "glu_gone_2h"},
    {"hippocampal GABA, 2 h after (MRS)", "decreased", "hgaba_2h"},
    {"plasma BDNF, 230-240 min", "increased", "plasma_bdnf_4h"},
    {"mouse glutamate/glutamine, 14 h", "increased", "glu_gln_14h"},
    {"mouse GABA/glutamate, 72 h", "increased", "gaba_glu_72h"},
};

static long find(const ketsim_validation *v, const char *id)
{
    for (size_t i = 0; i < ketsim_validation_count(v); i++)
        if (strcmp(ketsim_validation_result(v, i)->id, id) == 0)
            return (long)i;
    return -1;
}

int main_table2_print(FILE *fp, ketsim_error *err)
{
    char path[4096];
    ketsim_validation *v = NULL;
    ketsim_params *base = NULL;
    int rc = ketsim_params_create(KETSIM_HUMAN, &base, err);
    if (!rc)
        rc = ketsim_validation_load(ketsim_data_path("targets.csv", path, sizeof path), base, &v, err);
    ketsim_params_free(base);
    if (rc)
        return rc;
    ketsim_validation_set_scenario_loader(v, ketsim_formats_scenario_loader, NULL);
    fprintf(fp, "\nTable 2: biomarkers (human 0.5 mg/kg over 40 min; mouse 10 mg/kg i.p.), relative to untreated = 1\n\n");
    fprintf(fp, "%-38s %-28s %-12s %-16s %s\n", "quantity", "seed", "simulated", "accepted", "status");
    for (size_t k = 0; !rc && k < sizeof rows / sizeof rows[0]; k++) {
        long i = find(v, rows[k].target);
        if (i < 0) {
            rc = KETSIM_FAIL(err, KETSIM_EINPUT, "%s: no target '%s'", path, rows[k].target);
            break;
        }
        rc = ketsim_validation_run_target(v, (size_t)i, NULL, NULL, 0, err);
        if (rc)
            break;
        const ketsim_target_result *t = ketsim_validation_result(v, (size_t)i);
        char sim[32], range[48];
        snprintf(sim, sizeof sim, "%.3f", t->simulated);
        snprintf(range, sizeof range, "[%g, %g]", t->lower, t->upper);
        fprintf(fp, "%-38s %-28s %-12s %-16s %s\n", rows[k].what, rows[k].seed, sim, range, t->pass ? "ok" : "MISS");
    }
    ketsim_validation_free(v);
    return rc;
}
