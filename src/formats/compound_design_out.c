/* Tables, CSV and JSON of ketsim design. */
#include "ketsim/formats.h"
#include "beyond_out.h"
#include "json_out.h"
#include "stream.h"

#include <math.h>

void formats_design_dose_text(char *buf, size_t size, const ketsim_design_candidate *c)
{
    if (c->placebo) {
        snprintf(buf, size, "none (sham session)");
        return;
    }
    if (c->duration_h > 0)
        snprintf(buf, size, "%s %g %s over %g min", ketsim_route_name(c->route), c->amount,
                 c->per_kg ? "mg/kg" : "mg", c->duration_h * 60);
    else
        snprintf(buf, size, "%s %g %s", ketsim_route_name(c->route), c->amount, c->per_kg ? "mg/kg" : "mg");
}

int ketsim_design_print(FILE *fp, const ketsim_design_candidate *cand, const ketsim_design_result *res, size_t n,
                        const ketsim_design_opts *o, ketsim_error *err)
{
    fprintf(fp, "design: %zu candidates, one dose each, %d virtual patients (the same for all), seed %llu,\n"
                "%g days; efficacy vs placebo on the same patients; burden = mean per-patient peak over 0-3 h.\n"
                "* = Pareto front (more days in response and response at 24 h, less CADSS and SBP rise)\n\n",
            n, o->n_subjects, (unsigned long long)o->seed, o->horizon_days);
    fprintf(fp, "%-1s %4s %-44s %-30s %-18s %-14s %-9s %-9s %-9s %-7s %-7s\n", "", "#", "candidate", "dose",
            "resp 24h %", "days resp", "d-resp vs", "days vs", "MADRS vs", "CADSS", "SBP");
    fprintf(fp, "%-1s %4s %-44s %-30s %-18s %-14s %-9s %-9s %-9s %-7s %-7s\n", "", "", "", "", "[95% CI]", "[95% CI]",
            "placebo", "placebo", "plc 24h", "peak", "peak");
    for (size_t i = 0; i < n; i++) {
        const ketsim_design_result *r = &res[i];
        char dose[64], resp[40], days[40];
        formats_design_dose_text(dose, sizeof dose, &cand[i]);
        snprintf(resp, sizeof resp, "%.0f [%.0f, %.0f]", 100 * r->response_24h, 100 * r->response_24h_lo,
                 100 * r->response_24h_hi);
        snprintf(days, sizeof days, "%.1f [%.1f, %.1f]", r->days_in_response, r->days_lo, r->days_hi);
        fprintf(fp, "%-1s %4zu %-44.44s %-30.30s %-18s %-14s %-+9.0f %-+9.2f %-+9.2f %-7.2f %-7.2f\n",
                r->pareto ? "*" : "", i + 1, cand[i].name, dose, resp, days, 100 * r->response_24h_excess, r->days_excess, r->madrs_effect_24h,
                r->cadss_peak, r->sbp_peak);
    }
    return formats_stream_status(fp, "the design table", err);
}

void formats_design_knob_text(char *buf, size_t size, const ketsim_design_candidate *c)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < c->n_sets && len < size; k++) {
        int w = snprintf(buf + len, size - len, "%s%s=%g", k ? ";" : "", c->set_name[k], c->set_value[k]);
        if (w < 0)
            break;
        len += (size_t)w;
    }
}

int ketsim_design_write_csv(FILE *fp, const ketsim_design_candidate *cand, const ketsim_design_result *res, size_t n,
                            ketsim_error *err)
{
    fprintf(fp, "candidate,drug,route,amount,amount_unit,infusion_h,knobs,response_24h,response_24h_lo,"
                "response_24h_hi,days_in_response,days_lo,days_hi,response_24h_excess,days_excess,"
                "madrs_effect_24h,cadss_peak,sbp_peak_mmhg,effective,pareto\n");
    char knobs[KETSIM_DESIGN_MAX_SETS * 128];
    for (size_t i = 0; i < n; i++) {
        const ketsim_design_candidate *c = &cand[i];
        const ketsim_design_result *r = &res[i];
        ketsim_csv_field(fp, c->name);
        fputc(',', fp);
        ketsim_csv_field(fp, c->placebo ? "" : c->drug);
        fprintf(fp, ",%s,%g,%s,%g,", c->placebo ? "" : ketsim_route_name(c->route), c->placebo ? 0 : c->amount,
                c->per_kg ? "mg/kg" : "mg", c->duration_h);
        formats_design_knob_text(knobs, sizeof knobs, c);
        ketsim_csv_quoted(fp, knobs); /* this column has always been quoted */
        fprintf(fp, ",%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%d,%d\n", r->response_24h,
                r->response_24h_lo, r->response_24h_hi, r->days_in_response, r->days_lo, r->days_hi,
                r->response_24h_excess, r->days_excess, r->madrs_effect_24h, r->cadss_peak, r->sbp_peak,
                r->effective, r->pareto);
    }
    return formats_stream_status(fp, "design.csv", err);
}

static void set_pair(json_t *obj, const char *key, double lo, double hi, int *bad)
{
    json_t *a = fj_set_array(obj, key, bad);
    fj_push_num(a, lo, bad);
    fj_push_num(a, hi, bad);
}

int ketsim_design_write_json(FILE *fp, const ketsim_design_candidate *cand, const ketsim_design_result *res, size_t n,
                             const ketsim_design_opts *o, ketsim_error *err)
{
    int bad = 0;
    json_t *root = fj_root(&bad);
    fj_set_str(root, "command", "design", &bad);
    fj_set_int(root, "subjects", o->n_subjects, &bad);
    fj_set(root, "seed", fj_uint(o->seed), &bad);
    fj_set_num(root, "horizon_days", o->horizon_days, &bad);
    json_t *list = fj_set_array(root, "candidates", &bad);
    for (size_t i = 0; i < n && !bad; i++) {
        const ketsim_design_candidate *c = &cand[i];
        const ketsim_design_result *r = &res[i];
        char dose[64];
        formats_design_dose_text(dose, sizeof dose, c);
        json_t *j = fj_push_object(list, &bad);
        fj_set_str(j, "name", c->name, &bad);
        fj_set_str(j, "drug", c->placebo ? "" : c->drug, &bad);
        fj_set_str(j, "dose", dose, &bad);
        json_t *knobs = fj_set_object(j, "knobs", &bad);
        for (size_t k = 0; k < c->n_sets; k++)
            fj_set_num(knobs, c->set_name[k], c->set_value[k], &bad);
        fj_set_num(j, "response_24h", r->response_24h, &bad);
        set_pair(j, "response_24h_ci", r->response_24h_lo, r->response_24h_hi, &bad);
        fj_set_num(j, "days_in_response", r->days_in_response, &bad);
        set_pair(j, "days_ci", r->days_lo, r->days_hi, &bad);
        fj_set_num(j, "response_24h_excess", r->response_24h_excess, &bad);
        fj_set_num(j, "days_excess", r->days_excess, &bad);
        fj_set_num(j, "madrs_effect_24h", r->madrs_effect_24h, &bad);
        fj_set_num(j, "cadss_peak", r->cadss_peak, &bad);
        fj_set_num(j, "sbp_peak_mmhg", r->sbp_peak, &bad);
        fj_set_bool(j, "effective", r->effective, &bad);
        fj_set_bool(j, "pareto", r->pareto, &bad);
    }
    return fj_dump(root, bad, fp, err);
}
