/* Outputs of ketsim validate (table and JSON) and ketsim calibrate (table
 * and parameter file). */
#include "ketsim/formats.h"
#include "json_out.h"
#include "stream.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* "[a, b]", with an open bound as -inf / inf. */
static void range_text(char *buf, size_t size, double lower, double upper)
{
    snprintf(buf, size, "[%g, %g]", lower, upper);
}

int ketsim_validation_print_table(FILE *fp, const ketsim_validation *v, ketsim_error *err)
{
    fprintf(fp, "%-30s %-11s %-44s %-14s %-18s %12s %8s  %s\n", "target", "role", "quantity", "literature",
            "accepted", "simulated", "margin", "result");
    for (size_t i = 0; i < ketsim_validation_count(v); i++) {
        const ketsim_target_result *r = ketsim_validation_result(v, i);
        char range[64];
        range_text(range, sizeof range, r->lower, r->upper);
        fprintf(fp, "%-30s %-11s %-44.44s %-14.14s %-18s %12.4g %8.3f  %s%s%s\n", r->id, r->role, r->quantity,
                r->literature, range, r->simulated, r->margin, r->pass ? "pass" : "MISS", r->pass ? "" : ": ",
                r->pass ? "" : r->why);
    }
    size_t cp, cm, kp, km;
    ketsim_validation_totals(v, &cp, &cm, &kp, &km);
    fprintf(fp, "\ncalibration targets: %zu passed, %zu missed; checks: %zu passed, %zu missed\n", cp, cm, kp, km);
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
        fj_set_str(t, "window", r->window, &bad);
        fj_set_num(t, "simulated", r->simulated, &bad);
        fj_set_num(t, "margin", r->margin, &bad);
        fj_set_bool(t, "pass", r->pass, &bad);
        if (!r->pass)
            fj_set_str(t, "why", r->why, &bad);
        if (r->trial_level) {
            fj_set_num(t, "defined_fraction", r->defined_fraction, &bad);
            fj_set_num(t, "min_fraction", r->min_fraction, &bad);
        }
        fj_set_str(t, "source", r->source, &bad);
        fj_set_str(t, "table", r->table, &bad);
    }
    size_t cp, cm, kp, km;
    ketsim_validation_totals(v, &cp, &cm, &kp, &km);
    json_t *tot = fj_set_object(root, "totals", &bad);
    fj_set_int(tot, "calibration_passed", (long long)cp, &bad);
    fj_set_int(tot, "calibration_missed", (long long)cm, &bad);
    fj_set_int(tot, "checks_passed", (long long)kp, &bad);
    fj_set_int(tot, "checks_missed", (long long)km, &bad);
    return fj_dump(root, bad, fp, err);
}

/* A table cell: '|' would end the cell, a newline the row. */
static void md_cell(FILE *fp, const char *s)
{
    fputc(' ', fp);
    for (; *s; s++)
        if (*s == '|')
            fputs("\\|", fp);
        else if (*s == '\n' || *s == '\r')
            fputc(' ', fp);
        else
            fputc(*s, fp);
    fputs(" |", fp);
}

static void md_bound(char *buf, size_t size, double x)
{
    if (isfinite(x))
        snprintf(buf, size, "%.4g", x);
    else
        snprintf(buf, size, "%s", x > 0 ? "inf" : "-inf");
}

static void md_rows(FILE *fp, const ketsim_validation *v, ketsim_target_role role)
{
    fputs("| target | quantity | literature | source | accepted | why this range | simulated | margin | result |\n"
          "|---|---|---|---|---|---|---:|---:|---|\n", fp);
    for (size_t i = 0; i < ketsim_validation_count(v); i++) {
        const ketsim_target_result *r = ketsim_validation_result(v, i);
        if (r->role_kind != role)
            continue;
        char lo[32], hi[32], range[80], sim[64], margin[32], result[220];
        md_bound(lo, sizeof lo, r->lower);
        md_bound(hi, sizeof hi, r->upper);
        snprintf(range, sizeof range, "[%s, %s]", lo, hi);
        snprintf(sim, sizeof sim, "%.4g", r->simulated);
        if (r->trial_level && isfinite(r->defined_fraction) && r->defined_fraction < 1)
            snprintf(sim + strlen(sim), sizeof sim - strlen(sim), " (%.0f%% of replicates)", 100 * r->defined_fraction);
        snprintf(margin, sizeof margin, "%.3f", r->margin);
        snprintf(result, sizeof result, "%s%s%s", r->pass ? "pass" : "**MISS**", r->pass ? "" : ": ",
                 r->pass ? "" : r->why);
        fputc('|', fp);
        md_cell(fp, r->id);
        md_cell(fp, r->quantity);
        md_cell(fp, r->literature);
        md_cell(fp, r->source);
        md_cell(fp, range);
        md_cell(fp, r->window);
        md_cell(fp, sim);
        md_cell(fp, margin);
        md_cell(fp, result);
        fputc('\n', fp);
    }
}

int ketsim_validation_write_markdown(FILE *fp, const ketsim_validation *v, const char *command,
                                     ketsim_error *err)
{
    size_t cp, cm, kp, km;
    ketsim_validation_totals(v, &cp, &cm, &kp, &km);
    fprintf(fp, "# Validation report\n\n"
                "Generated by `%s`.  CI regenerates it and\n"
                "fails when it differs from this file, so every change in a pass, a miss or a\n"
                "margin shows in review.  Do not edit by hand.\n\n"
                "**Calibration targets: %zu passed, %zu missed.  Checks: %zu passed, %zu missed.**\n\n"
                "Calibration targets are those a parameter was fitted or set by hand against\n"
                "(the parameter's row names them: `ketsim params --csv`, columns kind and\n"
                "targets); checks were held out and set nothing.  Roles and ranges are fixed\n"
                "in `data/targets.csv` (docs/targets.md gives the rules).  `margin` is the\n"
                "distance inside the accepted range to the nearer bound, in units of the\n"
                "range's width (or of the bound itself, at least 1, when the range is open on\n"
                "one side); a negative margin is a miss.  A trial statistic counts only when\n"
                "the endpoint is defined in enough replicate trials (the share is shown when\n"
                "below 100%%).\n\n",
            command, cp, cm, kp, km);
    fputs("## Checks (held out)\n\n", fp);
    md_rows(fp, v, KETSIM_ROLE_CHECK);
    fputs("\n## Calibration targets\n\n", fp);
    md_rows(fp, v, KETSIM_ROLE_CALIBRATION);
    return formats_stream_status(fp, "the validation report", err);
}

static void calib_params(FILE *fp, const ketsim_calib_result *r, const char *species)
{
    fprintf(fp, "%-34s %12s %12s %12s %9s %10s  %s   (%s values)\n", "parameter", "prior", "start", "fitted",
            "ln(f/p)", "|dr/dlnp|", "prior basis", species);
    for (size_t j = 0; j < r->n_par; j++) {
        const ketsim_calib_param *p = &r->par[j];
        fprintf(fp, "%-34s %12.6g %12.6g %12.6g %9.3f %10.3g  %s\n", p->name, p->prior, p->before, p->after,
                p->distance, p->sensitivity, p->basis);
    }
}

/* Rank, condition and the combinations the targets leave undetermined. */
static void calib_identifiability(FILE *fp, const ketsim_calib_result *r)
{
    fprintf(fp, "\nidentifiability (sensitivity of the %zu targets in the objective to ln parameters, at the fit):\n"
                "  rank %zu of %zu; condition number %.4g\n",
            r->n_used, r->rank, r->n_par, r->condition);
    if (r->n_weak == 0)
        fputs("  every parameter is determined by the targets\n", fp);
    for (size_t k = 0; k < r->n_weak; k++) {
        const ketsim_calib_weak *w = &r->weak[k];
        fprintf(fp, "  undetermined (singular value %.2g of the largest):", w->singular);
        for (size_t q = 0; q < KETSIM_CALIB_WEAK_TOP && q < r->n_par; q++)
            fprintf(fp, " %+.2f %s", w->loading[q], r->par[w->par[q]].name);
        fputc('\n', fp);
    }
    if (r->n_orphan == 0)
        fputs("  every calibration target is fitted here or named by a hand-set parameter\n", fp);
    else {
        fputs("  calibration targets nothing is fitted or set against:", fp);
        for (size_t k = 0; k < r->n_orphan; k++)
            fprintf(fp, " %s", r->orphan[k]);
        fputc('\n', fp);
    }
}

int ketsim_calib_print(FILE *fp, const ketsim_calib_result *r, const char *species, ketsim_error *err)
{
    fprintf(fp, "calibration: %zu parameters of kind calibrated, %zu calibration targets in the objective, %s after "
                "%zu iterations\n"
                "objective (sum of squared normalised distances + pull) %.6g -> %.6g\n\n",
            r->n_par, r->n_used, r->converged ? "converged" : "NOT converged", r->iterations, r->objective_before,
            r->objective_after);
    calib_params(fp, r, species);
    calib_identifiability(fp, r);
    fprintf(fp, "\n%-30s %-11s %-4s %-22s %12s %12s  %s\n", "target", "role", "fit", "accepted", "before", "after",
            "result");
    size_t pass[2][2] = {{0, 0}, {0, 0}}, count[2] = {0, 0};
    for (size_t i = 0; i < r->n_targets; i++) {
        const ketsim_calib_target *t = &r->tgt[i];
        char range[64];
        int check = strcmp(t->role, "check") == 0;
        range_text(range, sizeof range, t->lower, t->upper);
        if (t->trial_level) {
            fprintf(fp, "%-30s %-11s %-4s %-22s %12s %12s  %s\n", t->id, t->role, "", range, "-", "-",
                    "replicate trials: see ketsim validate");
            continue;
        }
        fprintf(fp, "%-30s %-11s %-4s %-22s %12.4g %12.4g  %s -> %s\n", t->id, t->role, t->used ? "yes" : "", range,
                t->before, t->after, t->pass_before ? "pass" : "MISS", t->pass_after ? "pass" : "MISS");
        count[check]++;
        pass[check][0] += (size_t)t->pass_before;
        pass[check][1] += (size_t)t->pass_after;
    }
    fprintf(fp, "\ncalibration targets (one subject): %zu/%zu pass before, %zu/%zu after\n", pass[0][0], count[0],
            pass[0][1], count[0]);
    fprintf(fp, "checks (one subject, held out): %zu/%zu pass before, %zu/%zu after\n", pass[1][0], count[1],
            pass[1][1], count[1]);
    return formats_stream_status(fp, "the calibration table", err);
}

int ketsim_calib_write_params(FILE *fp, const ketsim_calib_result *r, ketsim_error *err)
{
    fprintf(fp, "# ketsim calibrate: objective %.6g -> %.6g\n", r->objective_before, r->objective_after);
    for (size_t j = 0; j < r->n_par; j++)
        fprintf(fp, "%s=%.10g\n", r->par[j].name, r->par[j].after);
    return formats_stream_status(fp, "the calibrated parameters", err);
}
