/* Tables, CSV and JSON of ketsim optimize. */
#include "ketsim/beyond.h"

#include <math.h>

static void row(FILE *fp, const char *rank, const ketsim_opt_regimen *r, const ketsim_opt_eval *e, const ketsim_opt_fresh *f, int is_std)
{
    char txt[160], days[48], resp[40], diff[48];
    ketsim_opt_regimen_text(txt, sizeof txt, r);
    snprintf(days, sizeof days, "%.1f [%.1f, %.1f]", f->days, f->days_lo, f->days_hi);
    snprintf(resp, sizeof resp, "%.0f [%.0f, %.0f]", 100 * f->resp_end, 100 * f->resp_end_lo, 100 * f->resp_end_hi);
    if (is_std)
        snprintf(diff, sizeof diff, "(reference)");
    else
        snprintf(diff, sizeof diff, "%+.1f [%+.1f, %+.1f]", f->diff, f->diff_lo, f->diff_hi);
    fprintf(fp, "%-4s %s\n     train: objective %.2f d, CADSS %.1f, SBP %.1f mmHg%s\n"
                "     fresh: objective %.2f d | days in response %s | response at end %% %s | vs standard %s d\n",
            rank, txt, e->objective_d, e->cadss_peak, e->sbp_peak, e->feasible ? "" : " (violates a cap)",
            f->objective_d, days, resp, diff);
}

void ketsim_opt_print(FILE *fp, const ketsim_opt_opts *o, const ketsim_opt_report *rep)
{
    fprintf(fp, "optimize: maximise time in response over %g days; %s over a fixed cohort of %d (seed %llu),\n"
                "%zu regimens evaluated; caps: CADSS %s, SBP rise %s, at most %d visits.\n"
                "objective = mean days with MADRS below half of baseline (smooth, logistic width 5%% of baseline);\n"
                "fresh = %d new patients (seed %llu), rated MADRS at daily visits, 95%% intervals (t, Wilson, paired t)\n\n",
            o->horizon_d, o->grid ? "grid search" : "Nelder-Mead (nmsimplex2)", o->n_subjects,
            (unsigned long long)o->seed, rep->n_evals, isfinite(o->cap_cadss) ? "set" : "none",
            isfinite(o->cap_sbp) ? "set" : "none", o->max_visits, o->eval_subjects, (unsigned long long)o->eval_seed);
    if (isfinite(o->cap_cadss) || isfinite(o->cap_sbp))
        fprintf(fp, "caps: mean peak CADSS <= %g, mean peak SBP rise <= %g mmHg\n\n", o->cap_cadss, o->cap_sbp);
    for (size_t i = 0; i < rep->n_best; i++) {
        char rk[24];
        snprintf(rk, sizeof rk, "%zu", i + 1);
        row(fp, rk, &rep->best[i], &rep->best_eval[i], &rep->best_fresh[i], 0);
    }
    row(fp, "std", &rep->standard, &rep->standard_eval, &rep->standard_fresh, 1);
    if (rep->n_best) {
        const ketsim_opt_fresh *b = &rep->best_fresh[0];
        fprintf(fp, "\nbest vs three infusions a week for two weeks: on the optimisation cohort %+.2f d of the\n"
                    "objective; on the fresh cohort %+.1f days in response [%+.1f, %+.1f] (paired t p = %.2g).\n",
                rep->best_eval[0].objective_d - rep->standard_eval.objective_d, b->diff, b->diff_lo, b->diff_hi,
                b->diff_p);
        fprintf(fp, "The gain on the optimisation cohort is optimistic (the search saw those patients); the fresh\n"
                    "cohort figure is the honest one.\n");
    }
}

static void csv_row(FILE *fp, const char *rank, const ketsim_opt_regimen *r, const ketsim_opt_eval *e, const ketsim_opt_fresh *f)
{
    char txt[160];
    ketsim_opt_regimen_text(txt, sizeof txt, r);
    fprintf(fp, "%s,\"%s\",%s,%.6g,%.6g,%.6g,%d,%.6g,%.6g,%.6g,%d,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,"
                "%.6g,%.6g,%.6g,%.6g\n",
            rank, txt, r->family == KETSIM_OPT_IV_KETAMINE ? "iv" : "in", r->dose, r->infusion_h, r->interval_d,
            r->n_explicit ? (int)r->n_explicit : r->n_doses, e->objective_d, e->cadss_peak, e->sbp_peak,
            e->feasible, f->objective_d, f->days, f->days_lo, f->days_hi, f->resp_end, f->resp_end_lo,
            f->resp_end_hi, f->diff, f->diff_lo, f->diff_hi, f->diff_p, f->cadss_peak, f->sbp_peak);
}

void ketsim_opt_write_csv(FILE *fp, const ketsim_opt_report *rep)
{
    fprintf(fp, "rank,regimen,route,dose,infusion_h,interval_d,n_doses,train_objective_d,train_cadss_peak,"
                "train_sbp_peak_mmhg,feasible,fresh_objective_d,fresh_days_in_response,fresh_days_lo,"
                "fresh_days_hi,fresh_response_end,fresh_response_end_lo,fresh_response_end_hi,diff_vs_standard_d,"
                "diff_lo,diff_hi,diff_p,fresh_cadss_peak,fresh_sbp_peak_mmhg\n");
    for (size_t i = 0; i < rep->n_best; i++) {
        char rk[24];
        snprintf(rk, sizeof rk, "%zu", i + 1);
        csv_row(fp, rk, &rep->best[i], &rep->best_eval[i], &rep->best_fresh[i]);
    }
    csv_row(fp, "standard", &rep->standard, &rep->standard_eval, &rep->standard_fresh);
}

static void jnum(FILE *fp, const char *k, double v, const char *sep)
{
    if (isfinite(v))
        fprintf(fp, "\"%s\": %.6g%s", k, v, sep);
    else
        fprintf(fp, "\"%s\": null%s", k, sep);
}

static void json_entry(FILE *fp, const char *rank, const ketsim_opt_regimen *r, const ketsim_opt_eval *e, const ketsim_opt_fresh *f,
                       const char *end)
{
    char txt[160];
    ketsim_opt_regimen_text(txt, sizeof txt, r);
    fprintf(fp, "    {\"rank\": \"%s\", \"regimen\": \"%s\", \"route\": \"%s\", ", rank, txt,
            r->family == KETSIM_OPT_IV_KETAMINE ? "iv" : "in");
    jnum(fp, "dose", r->dose, ", ");
    jnum(fp, "infusion_h", r->family == KETSIM_OPT_IV_KETAMINE ? r->infusion_h : NAN, ", ");
    jnum(fp, "interval_d", r->n_explicit || r->n_doses < 2 ? NAN : r->interval_d, ", ");
    fprintf(fp, "\"n_doses\": %d,\n     \"train\": {", r->n_explicit ? (int)r->n_explicit : r->n_doses);
    jnum(fp, "objective_d", e->objective_d, ", ");
    jnum(fp, "cadss_peak", e->cadss_peak, ", ");
    jnum(fp, "sbp_peak_mmhg", e->sbp_peak, ", ");
    fprintf(fp, "\"feasible\": %s},\n     \"fresh\": {", e->feasible ? "true" : "false");
    jnum(fp, "objective_d", f->objective_d, ", ");
    fprintf(fp, "\"days_in_response\": %.6g, \"days_ci\": [%.6g, %.6g], ", f->days, f->days_lo, f->days_hi);
    fprintf(fp, "\"response_end\": %.6g, \"response_end_ci\": [%.6g, %.6g], ", f->resp_end, f->resp_end_lo,
            f->resp_end_hi);
    fprintf(fp, "\"diff_vs_standard_d\": %.6g, \"diff_ci\": [%.6g, %.6g], ", f->diff, f->diff_lo, f->diff_hi);
    jnum(fp, "diff_p", f->diff_p, ", ");
    jnum(fp, "cadss_peak", f->cadss_peak, ", ");
    jnum(fp, "sbp_peak_mmhg", f->sbp_peak, "");
    fprintf(fp, "}}%s\n", end);
}

void ketsim_opt_write_json(FILE *fp, const ketsim_opt_opts *o, const ketsim_opt_report *rep)
{
    fprintf(fp, "{\n  \"command\": \"optimize\",\n  \"method\": \"%s\",\n  \"horizon_days\": %g,\n",
            o->grid ? "grid" : "nelder-mead", o->horizon_d);
    fprintf(fp, "  \"cohort\": {\"subjects\": %d, \"seed\": %llu},\n  \"fresh_cohort\": {\"subjects\": %d, \"seed\": %llu},\n",
            o->n_subjects, (unsigned long long)o->seed, o->eval_subjects, (unsigned long long)o->eval_seed);
    fprintf(fp, "  ");
    jnum(fp, "cap_cadss", o->cap_cadss, ", ");
    jnum(fp, "cap_sbp_mmhg", o->cap_sbp, ", ");
    fprintf(fp, "\"max_visits\": %d,\n  \"evaluations\": %zu,\n  \"regimens\": [\n", o->max_visits, rep->n_evals);
    for (size_t i = 0; i < rep->n_best; i++) {
        char rk[24];
        snprintf(rk, sizeof rk, "%zu", i + 1);
        json_entry(fp, rk, &rep->best[i], &rep->best_eval[i], &rep->best_fresh[i], ",");
    }
    json_entry(fp, "standard", &rep->standard, &rep->standard_eval, &rep->standard_fresh, "");
    fprintf(fp, "  ]\n}\n");
}
