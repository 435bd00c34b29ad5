/* Table 1 and Table 2 of the seed next to the model, for the main job.
 * Every row is a target of data/targets.csv: the literature number is read
 * from there (never typed here), the simulated value comes from the same
 * scenario `ketsim validate` runs, and pass/MISS from the target's accepted
 * range and minimum fraction of replicates. */
#include "main_tables.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void bound_text(char *buf, size_t size, double x)
{
    if (isfinite(x))
        snprintf(buf, size, "%.4g", x);
    else
        snprintf(buf, size, "%s", x > 0 ? "inf" : "-inf");
}

static void print_row(FILE *fp, const ketsim_target_result *t)
{
    char sim[64], lo[24], hi[24], range[56];
    if (isfinite(t->simulated))
        snprintf(sim, sizeof sim, "%.3g", t->simulated);
    else
        snprintf(sim, sizeof sim, "undefined");
    if (t->trial_level && t->defined_fraction < 1)
        snprintf(sim + strlen(sim), sizeof sim - strlen(sim), " (in %.0f%%)", 100 * t->defined_fraction);
    bound_text(lo, sizeof lo, t->lower);
    bound_text(hi, sizeof hi, t->upper);
    snprintf(range, sizeof range, "[%s, %s]", lo, hi);
    fprintf(fp, "%-60.60s %-24.24s %-18s %-18s %s%s%s\n", t->quantity, t->literature, sim, range,
            t->pass ? "ok" : "MISS", t->pass ? "" : ": ", t->pass ? "" : t->why);
}

int main_tables_print(FILE *fp, ketsim_validation *v, const char *code, const char *title, size_t *pass,
                      size_t *miss, ketsim_error *err)
{
    fprintf(fp, "\n%s\n\n%-60s %-24s %-18s %-18s %s\n", title, "quantity", "literature", "simulated", "accepted",
            "status");
    for (size_t i = 0; i < ketsim_validation_count(v); i++) {
        const ketsim_target_result *t = ketsim_validation_result(v, i);
        if (strcmp(t->table, code) != 0)
            continue;
        int rc = ketsim_validation_run_target(v, i, NULL, NULL, 0, err);
        if (rc)
            return rc;
        print_row(fp, t);
        *pass += (size_t)t->pass;
        *miss += (size_t)!t->pass;
    }
    return KETSIM_OK;
}
