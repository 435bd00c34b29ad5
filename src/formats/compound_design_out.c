/* Tables, CSV and JSON of ketsim design. */
#include "ketsim/beyond.h"

#include <math.h>

static void dose_text(char *buf, size_t size, const ketsim_design_candidate *c)
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

void ketsim_design_print(FILE *fp, const ketsim_design_candidate *cand, const ketsim_design_result *res, size_t n, const ketsim_design_opts *o)
{
    fprintf(fp, "design: %zu candidates, one dose each, %d virtual patients (the same for all), seed %llu,\n"
                "%g days; efficacy vs placebo on the same patients; burden = mean per-patient peak over 0-3 h.\n"
                "* = Pareto front (more days in response and response at 24 h, less CADSS and SBP rise)\n\n",
            n, o->n_subjects, (unsigned long long)o->seed, o->horizon_days);
    fprintf(fp, "%-1s %-44s %-30s %-18s %-14s %-9s %-9s %-9s %-7s %-7s\n", "", "candidate", "dose", "resp 24h %",
            "days resp", "d-resp vs", "days vs", "MADRS vs", "CADSS", "SBP");
    fprintf(fp, "%-1s %-44s %-30s %-18s %-14s %-9s %-9s %-9s %-7s %-7s\n", "", "", "", "[95% CI]", "[95% CI]",
            "placebo", "placebo", "plc 24h", "peak", "peak");
    for (size_t i = 0; i < n; i++) {
        const ketsim_design_result *r = &res[i];
        char dose[64], resp[40], days[40];
        dose_text(dose, sizeof dose, &cand[i]);
        snprintf(resp, sizeof resp, "%.0f [%.0f, %.0f]", 100 * r->response_24h, 100 * r->response_24h_lo,
                 100 * r->response_24h_hi);
        snprintf(days, sizeof days, "%.1f [%.1f, %.1f]", r->days_in_response, r->days_lo, r->days_hi);
        fprintf(fp, "%-1s %-44.44s %-30.30s %-18s %-14s %-+9.0f %-+9.2f %-+9.2f %-7.2f %-7.2f\n", r->pareto ? "*" : "",
                cand[i].name, dose, resp, days, 100 * r->response_24h_excess, r->days_excess, r->madrs_effect_24h,
                r->cadss_peak, r->sbp_peak);
    }
}

void ketsim_design_write_csv(FILE *fp, const ketsim_design_candidate *cand, const ketsim_design_result *res, size_t n)
{
    fprintf(fp, "candidate,drug,route,amount,amount_unit,infusion_h,knobs,response_24h,response_24h_lo,"
                "response_24h_hi,days_in_response,days_lo,days_hi,response_24h_excess,days_excess,"
                "madrs_effect_24h,cadss_peak,sbp_peak_mmhg,effective,pareto\n");
    for (size_t i = 0; i < n; i++) {
        const ketsim_design_candidate *c = &cand[i];
        const ketsim_design_result *r = &res[i];
        fprintf(fp, "%s,%s,%s,%g,%s,%g,\"", c->name, c->placebo ? "" : c->drug,
                c->placebo ? "" : ketsim_route_name(c->route), c->placebo ? 0 : c->amount,
                c->per_kg ? "mg/kg" : "mg", c->duration_h);
        for (size_t k = 0; k < c->n_sets; k++)
            fprintf(fp, "%s%s=%g", k ? ";" : "", c->set_name[k], c->set_value[k]);
        fprintf(fp, "\",%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%d,%d\n", r->response_24h,
                r->response_24h_lo, r->response_24h_hi, r->days_in_response, r->days_lo, r->days_hi,
                r->response_24h_excess, r->days_excess, r->madrs_effect_24h, r->cadss_peak, r->sbp_peak,
                r->effective, r->pareto);
    }
}

void ketsim_design_write_json(FILE *fp, const ketsim_design_candidate *cand, const ketsim_design_result *res, size_t n,
                       const ketsim_design_opts *o)
{
    fprintf(fp, "{\n  \"command\": \"design\",\n  \"subjects\": %d,\n  \"seed\": %llu,\n  \"horizon_days\": %g,\n"
                "  \"candidates\": [\n",
            o->n_subjects, (unsigned long long)o->seed, o->horizon_days);
    for (size_t i = 0; i < n; i++) {
        const ketsim_design_candidate *c = &cand[i];
        const ketsim_design_result *r = &res[i];
        char dose[64];
        dose_text(dose, sizeof dose, c);
        fprintf(fp, "    {\"name\": \"%s\", \"drug\": \"%s\", \"dose\": \"%s\", \"knobs\": {", c->name,
                c->placebo ? "" : c->drug, dose);
        for (size_t k = 0; k < c->n_sets; k++)
            fprintf(fp, "%s\"%s\": %.6g", k ? ", " : "", c->set_name[k], c->set_value[k]);
        fprintf(fp, "},\n     \"response_24h\": %.6g, \"response_24h_ci\": [%.6g, %.6g], \"days_in_response\": %.6g, "
                    "\"days_ci\": [%.6g, %.6g],\n     \"response_24h_excess\": %.6g, \"days_excess\": %.6g, "
                    "\"madrs_effect_24h\": %.6g, \"cadss_peak\": %.6g, \"sbp_peak_mmhg\": %.6g, "
                    "\"effective\": %s, \"pareto\": %s}%s\n",
                r->response_24h, r->response_24h_lo, r->response_24h_hi, r->days_in_response, r->days_lo, r->days_hi,
                r->response_24h_excess, r->days_excess, r->madrs_effect_24h, r->cadss_peak, r->sbp_peak,
                r->effective ? "true" : "false", r->pareto ? "true" : "false", i + 1 < n ? "," : "");
    }
    fprintf(fp, "  ]\n}\n");
}
