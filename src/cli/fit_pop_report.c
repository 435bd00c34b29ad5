/* ketsim fit --method foce-i|saem --report FILE.html: the page's sections
 * (fit_pop_report.h). */
#include "fit_pop_report.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void num(char *buf, double v) { snprintf(buf, 32, "%.6g", v); }

static void report_fit(cli_report *rep, const ketsim_popest_result *r)
{
    ketsim_html *h = &rep->html;
    char b[10][32], verdict[600];
    ketsim_html_section(h, "Fit");
    ketsim_html_kv_begin(h);
    ketsim_html_kv(h, "method", ketsim_popest_method_name(r->method));
    snprintf(b[0], 32, "%zu", r->n_subjects);
    ketsim_html_kv(h, "subjects", b[0]);
    snprintf(b[1], 32, "%zu (%zu BLQ, M3)", r->n_obs, r->n_blq);
    ketsim_html_kv(h, "observations", b[1]);
    snprintf(b[2], 32, "%zu", r->n_est);
    ketsim_html_kv(h, "estimated unknowns", b[2]);
    snprintf(b[3], 32, "%zu", r->iterations);
    ketsim_html_kv(h, "iterations", b[3]);
    ketsim_html_kv(h, "OFV method", r->ofv_method);
    num(b[4], r->ofv);
    ketsim_html_kv(h, "OFV (-2LL)", b[4]);
    if (r->method == KETSIM_POPEST_SAEM) {
        num(b[5], r->ofv_foce);
        ketsim_html_kv(h, "FOCE-I objective at the SAEM estimates", b[5]);
    }
    num(b[6], r->aic);
    ketsim_html_kv(h, "AIC", b[6]);
    num(b[7], r->bic);
    ketsim_html_kv(h, "BIC", b[7]);
    snprintf(b[8], 32, "%.1f", r->eps_shrinkage_pct);
    ketsim_html_kv(h, "epsilon shrinkage (%)", b[8]);
    /* a failed step is said so in words, as the printed result says it */
    int cov_failed = !r->cov_ok && strcmp(r->cov_method, "none") != 0;
    snprintf(verdict, sizeof verdict, "%s%s", r->cov_method, cov_failed ? " FAILED" : "");
    ketsim_html_kv(h, "covariance step", verdict);
    snprintf(verdict, sizeof verdict, "%s%s%.500s", r->converged ? "converged" : "NOT CONVERGED (not a usable fit, "
                                                                                 "written because of --accept-unusable)",
             r->converged ? "" : ": ", r->converged ? "" : r->message);
    ketsim_html_kv(h, "verdict", verdict);
    ketsim_html_kv_end(h);
}

/* THETA or SIGMA rows: estimate, SE, RSE and the Wald 95% interval. */
static void report_values(cli_report *rep, const char *heading, const ketsim_popest_value *v, size_t n)
{
    static const char *const head[] = {"name", "estimate", "SE", "RSE%", "95% CI low", "95% CI high", "note"};
    ketsim_html *h = &rep->html;
    ketsim_html_section(h, heading);
    ketsim_html_table_begin(h, NULL, head, 7);
    for (size_t i = 0; i < n; i++) {
        char c[5][32];
        num(c[0], v[i].estimate);
        num(c[1], v[i].se);
        snprintf(c[2], 32, "%.1f", v[i].rse_pct);
        num(c[3], v[i].estimate - 1.96 * v[i].se);
        num(c[4], v[i].estimate + 1.96 * v[i].se);
        const char *note = v[i].fixed ? "fixed" : v[i].at_bound ? "AT BOUND" : "";
        const char *cells[] = {v[i].name, c[0], c[1], c[2], c[3], c[4], note};
        ketsim_html_table_row(h, cells, KETSIM_HTML_PLAIN);
    }
    ketsim_html_table_end(h);
}

static void report_omega(cli_report *rep, const ketsim_popest_result *r)
{
    static const char *const head[] = {"ETA", "variance", "SE", "RSE%", "CV%", "shrinkage%"};
    static const char *const cov_head[] = {"ETA", "ETA", "covariance", "SE", "correlation"};
    ketsim_html *h = &rep->html;
    size_t q = r->n_eta;
    ketsim_html_section(h, "OMEGA (variance of ETA)");
    ketsim_html_table_begin(h, NULL, head, 6);
    for (size_t k = 0; k < q; k++) {
        char c[5][32];
        double var = r->omega[k * q + k], se = r->omega_se[k * q + k];
        num(c[0], var);
        num(c[1], se);
        snprintf(c[2], 32, "%.1f", 100 * se / var);
        snprintf(c[3], 32, "%.1f", r->omega_cv_pct[k]);
        snprintf(c[4], 32, "%.1f", r->eta_shrinkage_pct[k]);
        const char *cells[] = {r->eta_names[k], c[0], c[1], c[2], c[3], c[4]};
        ketsim_html_table_row(h, cells, KETSIM_HTML_PLAIN);
    }
    ketsim_html_table_end(h);
    size_t n_cov = 0;
    for (size_t k = 0; k < q; k++)
        for (size_t l = 0; l < k; l++) {
            if (!r->omega_est[k * q + l])
                continue;
            if (n_cov++ == 0)
                ketsim_html_table_begin(h, "Covariances (--omega-block)", cov_head, 5);
            char c[3][32];
            num(c[0], r->omega[k * q + l]);
            num(c[1], r->omega_se[k * q + l]);
            snprintf(c[2], 32, "%.3f", r->omega_corr[k * q + l]);
            const char *cells[] = {r->eta_names[k], r->eta_names[l], c[0], c[1], c[2]};
            ketsim_html_table_row(h, cells, KETSIM_HTML_PLAIN);
        }
    if (n_cov)
        ketsim_html_table_end(h);
}

int fit_pop_report_write(cli_report *rep, const fit_pop_report_input *in, ketsim_error *err)
{
    if (!cli_report_active(rep))
        return KETSIM_OK;
    cli_run_info info = {.n_seeds = 1, .seed_names = {"fit"}, .seeds = {(unsigned long long)in->seed},
                         .n_inputs = 1, .inputs = {in->data}};
    if (in->params_file)
        info.inputs[info.n_inputs++] = in->params_file;
    cli_report_begin(rep, "ketsim fit", in->command_line, &info);
    report_fit(rep, in->r);
    cli_report_params(rep, in->params, "Start values: the parameter table after --params and --set; the "
                                       "overrides are listed here, the estimates below.");
    report_values(rep, "THETA", in->r->theta, in->r->n_theta);
    report_omega(rep, in->r);
    report_values(rep, "SIGMA (residual SD)", in->r->sigma, in->r->n_sigma);
    return in->figures ? cli_report_figures(rep, NULL, err) : KETSIM_OK;
}
