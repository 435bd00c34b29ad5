/* Tables, CSV and JSON of ketsim optimize. */
#include "ketsim/formats.h"
#include "json_out.h"
#include "stream.h"

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

int ketsim_opt_print(FILE *fp, const ketsim_opt_opts *o, const ketsim_opt_report *rep, ketsim_error *err)
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
    return formats_stream_status(fp, "the optimize table", err);
}

static void csv_row(FILE *fp, const char *rank, const ketsim_opt_regimen *r, const ketsim_opt_eval *e, const ketsim_opt_fresh *f)
{
    char txt[160];
    ketsim_opt_regimen_text(txt, sizeof txt, r);
    fprintf(fp, "%s,", rank);
    ketsim_csv_quoted(fp, txt); /* the regimen text has always been quoted */
    fprintf(fp, ",%s,%.6g,%.6g,%.6g,%d,%.6g,%.6g,%.6g,%d,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,"
                "%.6g,%.6g,%.6g,%.6g\n",
            r->family == KETSIM_OPT_IV_KETAMINE ? "iv" : "in", r->dose, r->infusion_h, r->interval_d,
            r->n_explicit ? (int)r->n_explicit : r->n_doses, e->objective_d, e->cadss_peak, e->sbp_peak,
            e->feasible, f->objective_d, f->days, f->days_lo, f->days_hi, f->resp_end, f->resp_end_lo,
            f->resp_end_hi, f->diff, f->diff_lo, f->diff_hi, f->diff_p, f->cadss_peak, f->sbp_peak);
}

int ketsim_opt_write_csv(FILE *fp, const ketsim_opt_report *rep, ketsim_error *err)
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
    return formats_stream_status(fp, "optimize.csv", err);
}

static void set_pair(json_t *obj, const char *key, double lo, double hi, int *bad)
{
    json_t *a = fj_set_array(obj, key, bad);
    fj_push_num(a, lo, bad);
    fj_push_num(a, hi, bad);
}

static void json_entry(json_t *list, const char *rank, const ketsim_opt_regimen *r, const ketsim_opt_eval *e,
                       const ketsim_opt_fresh *f, int *bad)
{
    char txt[160];
    ketsim_opt_regimen_text(txt, sizeof txt, r);
    json_t *j = fj_push_object(list, bad);
    fj_set_str(j, "rank", rank, bad);
    fj_set_str(j, "regimen", txt, bad);
    fj_set_str(j, "route", r->family == KETSIM_OPT_IV_KETAMINE ? "iv" : "in", bad);
    fj_set_num(j, "dose", r->dose, bad);
    /* null where the field does not apply: no infusion intranasally, no
     * interval for explicit days or a single dose */
    fj_set_num(j, "infusion_h", r->family == KETSIM_OPT_IV_KETAMINE ? r->infusion_h : NAN, bad);
    fj_set_num(j, "interval_d", r->n_explicit || r->n_doses < 2 ? NAN : r->interval_d, bad);
    fj_set_int(j, "n_doses", r->n_explicit ? (int)r->n_explicit : r->n_doses, bad);
    json_t *train = fj_set_object(j, "train", bad);
    fj_set_num(train, "objective_d", e->objective_d, bad);
    fj_set_num(train, "cadss_peak", e->cadss_peak, bad);
    fj_set_num(train, "sbp_peak_mmhg", e->sbp_peak, bad);
    fj_set_bool(train, "feasible", e->feasible, bad);
    json_t *fresh = fj_set_object(j, "fresh", bad);
    fj_set_num(fresh, "objective_d", f->objective_d, bad);
    fj_set_num(fresh, "days_in_response", f->days, bad);
    set_pair(fresh, "days_ci", f->days_lo, f->days_hi, bad);
    fj_set_num(fresh, "response_end", f->resp_end, bad);
    set_pair(fresh, "response_end_ci", f->resp_end_lo, f->resp_end_hi, bad);
    fj_set_num(fresh, "diff_vs_standard_d", f->diff, bad);
    set_pair(fresh, "diff_ci", f->diff_lo, f->diff_hi, bad);
    fj_set_num(fresh, "diff_p", f->diff_p, bad);
    fj_set_num(fresh, "cadss_peak", f->cadss_peak, bad);
    fj_set_num(fresh, "sbp_peak_mmhg", f->sbp_peak, bad);
}

static json_t *cohort(json_t *root, const char *key, int subjects, uint64_t seed, int *bad)
{
    json_t *c = fj_set_object(root, key, bad);
    fj_set_int(c, "subjects", subjects, bad);
    fj_set(c, "seed", fj_uint(seed), bad);
    return c;
}

int ketsim_opt_write_json(FILE *fp, const ketsim_opt_opts *o, const ketsim_opt_report *rep, ketsim_error *err)
{
    int bad = 0;
    json_t *root = fj_root(&bad);
    fj_set_str(root, "command", "optimize", &bad);
    fj_set_str(root, "method", o->grid ? "grid" : "nelder-mead", &bad);
    fj_set_num(root, "horizon_days", o->horizon_d, &bad);
    cohort(root, "cohort", o->n_subjects, o->seed, &bad);
    cohort(root, "fresh_cohort", o->eval_subjects, o->eval_seed, &bad);
    fj_set_num(root, "cap_cadss", o->cap_cadss, &bad); /* no cap (infinite): null */
    fj_set_num(root, "cap_sbp_mmhg", o->cap_sbp, &bad);
    fj_set_int(root, "max_visits", o->max_visits, &bad);
    fj_set_int(root, "evaluations", (long long)rep->n_evals, &bad);
    json_t *list = fj_set_array(root, "regimens", &bad);
    for (size_t i = 0; i < rep->n_best; i++) {
        char rk[24];
        snprintf(rk, sizeof rk, "%zu", i + 1);
        json_entry(list, rk, &rep->best[i], &rep->best_eval[i], &rep->best_fresh[i], &bad);
    }
    json_entry(list, "standard", &rep->standard, &rep->standard_eval, &rep->standard_fresh, &bad);
    return fj_dump(root, bad, fp, err);
}
