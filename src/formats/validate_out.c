/* Outputs of ketsim validate (table and JSON) and ketsim calibrate (table
 * and parameter file). */
#include "ketsim/formats.h"
#include "json_out.h"
#include "stream.h"

#include <stdio.h>
#include <string.h>

static size_t count_misses(const ketsim_validation *v)
{
    size_t misses = 0;
    for (size_t i = 0; i < ketsim_validation_count(v); i++)
        misses += !ketsim_validation_result(v, i)->pass;
    return misses;
}

int ketsim_validation_print_table(FILE *fp, const ketsim_validation *v, ketsim_error *err)
{
    fprintf(fp, "%-28s %-11s %-44s %-12s %-22s %12s  %s\n", "target", "role", "quantity", "literature", "accepted",
            "simulated", "result");
    for (size_t i = 0; i < ketsim_validation_count(v); i++) {
        const ketsim_target_result *r = ketsim_validation_result(v, i);
        char range[64];
        snprintf(range, sizeof range, "[%g, %g]", r->lower, r->upper);
        fprintf(fp, "%-28s %-11s %-44.44s %-12s %-22s %12.4g  %s\n", r->id, r->role, r->quantity, r->literature,
                range, r->simulated, r->pass ? "pass" : "MISS");
    }
    size_t misses = count_misses(v);
    fprintf(fp, "\n%zu passed, %zu failed\n", ketsim_validation_count(v) - misses, misses);
    return formats_stream_status(fp, "the validation table", err);
}

int ketsim_validation_write_json(FILE *fp, const ketsim_validation *v, ketsim_error *err)
{
    int bad = 0;
    json_t *root = fj_root(&bad);
    json_t *targets = fj_set_array(root, "targets", &bad);
    for (size_t i = 0; i < ketsim_validation_count(v) && !bad; i++) {
        const ketsim_target_result *r = ketsim_validation_result(v, i);
        json_t *t = fj_push_object(targets, &bad);
        fj_set_str(t, "id", r->id, &bad);
        fj_set_str(t, "role", r->role, &bad);
        fj_set_str(t, "quantity", r->quantity, &bad);
        fj_set_str(t, "literature", r->literature, &bad);
        fj_set_num(t, "lower", r->lower, &bad); /* an open bound (infinite) is null */
        fj_set_num(t, "upper", r->upper, &bad);
        fj_set_num(t, "simulated", r->simulated, &bad);
        fj_set_bool(t, "pass", r->pass, &bad);
        fj_set_str(t, "source", r->source, &bad);
    }
    size_t misses = count_misses(v);
    fj_set_int(root, "passed", (long long)(ketsim_validation_count(v) - misses), &bad);
    fj_set_int(root, "failed", (long long)misses, &bad);
    return fj_dump(root, bad, fp, err);
}

int ketsim_calib_print(FILE *fp, const ketsim_calib_result *r, const char *species, ketsim_error *err)
{
    fprintf(fp, "calibration: %zu parameters, %zu calibration targets in the objective, %s after %zu iterations\n"
                "objective (sum of squared normalised distances + pull) %.6g -> %.6g\n\n",
            r->n_par, r->n_used, r->converged ? "converged" : "NOT converged", r->iterations, r->objective_before,
            r->objective_after);
    fprintf(fp, "%-36s %14s %14s %10s   (%s values)\n", "parameter", "before", "after", "factor", species);
    for (size_t j = 0; j < r->n_par; j++)
        fprintf(fp, "%-36s %14.6g %14.6g %10.4f\n", r->par[j].name, r->par[j].before, r->par[j].after,
                r->par[j].factor);
    fprintf(fp, "\n%-24s %-11s %-4s %-22s %12s %12s  %s\n", "target", "role", "fit", "accepted", "before", "after",
            "result");
    size_t pass[2][2] = {{0, 0}, {0, 0}}, count[2] = {0, 0};
    for (size_t i = 0; i < r->n_targets; i++) {
        const ketsim_calib_target *t = &r->tgt[i];
        char range[64];
        int check = strcmp(t->role, "check") == 0;
        snprintf(range, sizeof range, "[%g, %g]", t->lower, t->upper);
        if (strcmp(t->role, "trial") == 0) {
            fprintf(fp, "%-24s %-11s %-4s %-22s %12s %12s  %s\n", t->id, t->role, "", range, "-", "-",
                    "not re-run (see ketsim validate)");
            continue;
        }
        fprintf(fp, "%-24s %-11s %-4s %-22s %12.4g %12.4g  %s -> %s\n", t->id, t->role, t->used ? "yes" : "", range,
                t->before, t->after, t->pass_before ? "pass" : "MISS", t->pass_after ? "pass" : "MISS");
        count[check]++;
        pass[check][0] += (size_t)t->pass_before;
        pass[check][1] += (size_t)t->pass_after;
    }
    fprintf(fp, "\ncalibration targets: %zu/%zu pass before, %zu/%zu after\n", pass[0][0], count[0], pass[0][1],
            count[0]);
    fprintf(fp, "check targets (held out): %zu/%zu pass before, %zu/%zu after\n", pass[1][0], count[1], pass[1][1],
            count[1]);
    return formats_stream_status(fp, "the calibration table", err);
}

int ketsim_calib_write_params(FILE *fp, const ketsim_calib_result *r, ketsim_error *err)
{
    fprintf(fp, "# ketsim calibrate: objective %.6g -> %.6g\n", r->objective_before, r->objective_after);
    for (size_t j = 0; j < r->n_par; j++)
        fprintf(fp, "%s=%.10g\n", r->par[j].name, r->par[j].after);
    return formats_stream_status(fp, "the calibrated parameters", err);
}
