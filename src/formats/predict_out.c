/* Tables, CSV and JSON of ketsim predict, with the literature comparison. */
#include "ketsim/formats.h"
#include "beyond_out.h"
#include "json_out.h"
#include "stream.h"

#include <math.h>
#include <string.h>

/* Published correlations of two markers with improvement (docs/literature.md). */
static const formats_predict_lit LIT[FORMATS_PREDICT_N_LIT] = {
    {"bdnf_change_230_240min", -0.9, -0.7,
     "Haile 2014: plasma BDNF at 240 min correlates with MADRS, r about -0.7 to -0.9 (240 min to 72 h)"},
    {"cadss_40min", -0.45, -0.1,
     "Luckenbaugh 2014: more dissociation during the infusion, modestly more improvement "
     "(small negative r with MADRS change)"},
};

const formats_predict_lit *formats_predict_lit_ref(int k)
{
    return &LIT[k];
}

const char *formats_predict_verdict(double r, const formats_predict_lit *l)
{
    if (!isfinite(r))
        return "undefined in the model";
    if (r >= l->lo && r <= l->hi)
        return "within the published range";
    if (r * l->hi < 0 || fabs(r) < 0.05)
        return "sign differs or no correlation: the model does not reproduce it";
    return fabs(r) < fabs(l->lo + l->hi) / 2 ? "weaker than published" : "stronger than published";
}

const ketsim_predict_row *formats_predict_find_row(const ketsim_predict_report *rep, const char *name)
{
    for (size_t i = 0; i < rep->n_rows; i++)
        if (strcmp(rep->rows[i].name, name) == 0)
            return &rep->rows[i];
    return NULL;
}

/* "0.94 [0.73, 0.99]", or "-" when the denominator is empty. */
static void prop_cell(char *buf, size_t size, const ketsim_stats_interval *v)
{
    if (isfinite(v->estimate))
        snprintf(buf, size, "%.2f [%.2f, %.2f]", v->estimate, v->lo, v->hi);
    else
        snprintf(buf, size, "-");
}

/* Yes/no markers as tests: sensitivity, specificity and predictive values. */
static void print_binary(FILE *fp, const ketsim_predict_report *rep)
{
    int any = 0;
    for (size_t i = 0; i < rep->n_rows; i++)
        any |= rep->rows[i].binary;
    if (!any)
        return;
    fprintf(fp, "\nyes/no markers as tests (positive = 1), Wilson 95%% intervals; PPV and NPV at this cohort's\n"
                "prevalence of the outcome:\n%-28s %-5s %-5s %-5s %-5s %-19s %-19s %-19s %-19s\n",
            "marker", "TP", "FP", "FN", "TN", "sensitivity", "specificity", "PPV", "NPV");
    for (size_t i = 0; i < rep->n_rows; i++) {
        const ketsim_predict_row *r = &rep->rows[i];
        if (!r->binary)
            continue;
        char c[4][40];
        prop_cell(c[0], sizeof c[0], &r->diag.sensitivity);
        prop_cell(c[1], sizeof c[1], &r->diag.specificity);
        prop_cell(c[2], sizeof c[2], &r->diag.ppv);
        prop_cell(c[3], sizeof c[3], &r->diag.npv);
        fprintf(fp, "%-28s %-5zu %-5zu %-5zu %-5zu %-19s %-19s %-19s %-19s\n", r->name, r->diag.tp, r->diag.fp,
                r->diag.fn, r->diag.tn, c[0], c[1], c[2], c[3]);
    }
}

int ketsim_predict_print(FILE *fp, const ketsim_predict_opts *o, const ketsim_predict_report *rep, ketsim_error *err)
{
    fprintf(fp, "predict: %s, scenario %s (first active arm, course of %zu dose%s), %d virtual patients, seed %llu\n",
            rep->outcome_label, o->sc.name, o->sc.n_doses, o->sc.n_doses == 1 ? "" : "s", rep->n_subjects,
            (unsigned long long)o->seed);
    fprintf(fp, "outcome defined for %zu subjects, positive in %zu (%.0f%%); correlations with the 0/1 outcome\n"
                "and with the %s; AUC oriented (dir + : higher marker predicts\n"
                "the outcome), 95%% stratified bootstrap interval (%d resamples)\n\n",
            rep->n_defined, rep->n_positive, rep->n_defined ? 100.0 * (double)rep->n_positive / (double)rep->n_defined : 0,
            rep->change_label, o->n_boot);
    if (rep->n_positive == 0 || rep->n_positive == rep->n_defined)
        fprintf(fp, "NOTE: every subject with the outcome defined is %s: no ROC can be drawn; choose\n"
                    "another outcome or window (e.g. a shorter relapse_by:DAYS).\n\n",
                rep->n_positive ? "positive" : "negative");
    fprintf(fp, "%-4s %-28s %-20s %-4s %-10s %-6s %-6s %-7s %-7s %-7s %-7s\n", "rank", "marker", "AUC [95% CI]",
            "dir", "Youden cut", "sens", "spec", "r(out)", "rho(out)", "r(chg)", "rho(chg)");
    for (size_t i = 0; i < rep->n_rows; i++) {
        const ketsim_predict_row *r = &rep->rows[i];
        if (!r->roc_ok) {
            fprintf(fp, "%-4zu %-28s %-20s (constant marker or a single outcome class)\n", i + 1, r->name, "-");
            continue;
        }
        char auc[40];
        if (isfinite(r->roc.auc_lo))
            snprintf(auc, sizeof auc, "%.3f [%.3f, %.3f]", r->roc.auc, r->roc.auc_lo, r->roc.auc_hi);
        else
            snprintf(auc, sizeof auc, "%.3f", r->roc.auc);
        fprintf(fp, "%-4zu %-28s %-20s %-4s %-10.4g %-6.2f %-6.2f %-7.2f %-7.2f %-7.2f %-7.2f\n", i + 1, r->name, auc,
                r->roc.direction > 0 ? "+" : "-", r->roc.threshold, r->roc.sensitivity, r->roc.specificity,
                r->r_outcome, r->rho_outcome, r->r_change, r->rho_change);
    }
    print_binary(fp, rep);
    fprintf(fp, "\nliterature (r with the %s):\n", rep->change_label);
    for (int k = 0; k < FORMATS_PREDICT_N_LIT; k++) {
        const ketsim_predict_row *r = formats_predict_find_row(rep, LIT[k].marker);
        if (!r)
            continue;
        fprintf(fp, "  %-24s model r = %.2f, published %.2f..%.2f: %s\n    (%s)\n", LIT[k].marker, r->r_change,
                LIT[k].lo, LIT[k].hi, formats_predict_verdict(r->r_change, &LIT[k]), LIT[k].text);
    }
    fprintf(fp, "Model markers are noise-free (no assay error); ratings carry rater noise.  Published\n"
                "correlations come from 20-60 patients and include assay error, so a model r is an upper bound.\n");
    return formats_stream_status(fp, "the predict table", err);
}

int ketsim_predict_write_csv(FILE *fp, const ketsim_predict_report *rep, ketsim_error *err)
{
    fprintf(fp, "rank,marker,n,auc,auc_lo,auc_hi,direction,youden_threshold,sensitivity,specificity,youden_j,"
                "r_outcome,rho_outcome,r_change,p_change,rho_change,binary,tp,fp,fn,tn,"
                "test_sensitivity,test_sensitivity_lo,test_sensitivity_hi,test_specificity,test_specificity_lo,"
                "test_specificity_hi,ppv,ppv_lo,ppv_hi,npv,npv_lo,npv_hi\n");
    for (size_t i = 0; i < rep->n_rows; i++) {
        const ketsim_predict_row *r = &rep->rows[i];
        fprintf(fp, "%zu,", i + 1);
        ketsim_csv_field(fp, r->name);
        if (r->roc_ok)
            fprintf(fp, ",%zu,%.6g,%.6g,%.6g,%d,%.6g,%.6g,%.6g,%.6g,", r->n, r->roc.auc, r->roc.auc_lo, r->roc.auc_hi,
                    r->roc.direction, r->roc.threshold, r->roc.sensitivity, r->roc.specificity, r->roc.youden_j);
        else
            fprintf(fp, ",%zu,,,,,,,,,", r->n);
        fprintf(fp, "%.6g,%.6g,%.6g,%.6g,%.6g,%d", r->r_outcome, r->rho_outcome, r->r_change, r->p_change,
                r->rho_change, r->binary);
        if (r->binary) {
            const ketsim_stats_interval *v[4] = {&r->diag.sensitivity, &r->diag.specificity, &r->diag.ppv,
                                                 &r->diag.npv};
            fprintf(fp, ",%zu,%zu,%zu,%zu", r->diag.tp, r->diag.fp, r->diag.fn, r->diag.tn);
            for (int k = 0; k < 4; k++)
                fprintf(fp, ",%.6g,%.6g,%.6g", v[k]->estimate, v[k]->lo, v[k]->hi);
            fputc('\n', fp);
        } else
            fprintf(fp, ",,,,,,,,,,,,,,,,\n");
    }
    return formats_stream_status(fp, "predict.csv", err);
}

/* binary: the 2x2 table of a yes/no marker, or null for a continuous one */
static void put_binary(json_t *m, const ketsim_predict_row *r, int *bad)
{
    if (!r->binary) {
        fj_set(m, "binary", json_null(), bad);
        return;
    }
    json_t *b = fj_set_object(m, "binary", bad);
    fj_set_int(b, "tp", (long long)r->diag.tp, bad);
    fj_set_int(b, "fp", (long long)r->diag.fp, bad);
    fj_set_int(b, "fn", (long long)r->diag.fn, bad);
    fj_set_int(b, "tn", (long long)r->diag.tn, bad);
    const struct { const char *name; const ketsim_stats_interval *v; } k[4] = {
        {"sensitivity", &r->diag.sensitivity}, {"specificity", &r->diag.specificity},
        {"ppv", &r->diag.ppv}, {"npv", &r->diag.npv}};
    for (int i = 0; i < 4; i++) {
        char key[40];
        fj_set_num(b, k[i].name, k[i].v->estimate, bad);
        snprintf(key, sizeof key, "%s_lo", k[i].name);
        fj_set_num(b, key, k[i].v->lo, bad);
        snprintf(key, sizeof key, "%s_hi", k[i].name);
        fj_set_num(b, key, k[i].v->hi, bad);
    }
}

int ketsim_predict_write_json(FILE *fp, const ketsim_predict_opts *o, const ketsim_predict_report *rep,
                              ketsim_error *err)
{
    int bad = 0;
    json_t *root = fj_root(&bad);
    fj_set_str(root, "command", "predict", &bad);
    fj_set_str(root, "scenario", o->sc.name, &bad);
    fj_set_str(root, "outcome", rep->outcome_label, &bad);
    fj_set_str(root, "change", rep->change_label, &bad);
    fj_set(root, "seed", fj_uint(o->seed), &bad);
    fj_set_int(root, "subjects", rep->n_subjects, &bad);
    fj_set_int(root, "bootstrap", o->n_boot, &bad);
    fj_set_int(root, "n_defined", (long long)rep->n_defined, &bad);
    fj_set_int(root, "n_positive", (long long)rep->n_positive, &bad);
    json_t *markers = fj_set_array(root, "markers", &bad);
    for (size_t i = 0; i < rep->n_rows && !bad; i++) {
        const ketsim_predict_row *r = &rep->rows[i];
        json_t *m = fj_push_object(markers, &bad);
        fj_set_int(m, "rank", (long long)(i + 1), &bad);
        fj_set_str(m, "marker", r->name, &bad);
        fj_set_str(m, "description", r->description, &bad);
        fj_set_int(m, "n", (long long)r->n, &bad);
        if (r->roc_ok) {
            fj_set_num(m, "auc", r->roc.auc, &bad);
            fj_set_num(m, "auc_lo", r->roc.auc_lo, &bad);
            fj_set_num(m, "auc_hi", r->roc.auc_hi, &bad);
            fj_set_int(m, "direction", r->roc.direction, &bad);
            fj_set_num(m, "youden_threshold", r->roc.threshold, &bad);
            fj_set_num(m, "sensitivity", r->roc.sensitivity, &bad);
            fj_set_num(m, "specificity", r->roc.specificity, &bad);
        }
        fj_set_num(m, "r_outcome", r->r_outcome, &bad);
        fj_set_num(m, "rho_outcome", r->rho_outcome, &bad);
        fj_set_num(m, "r_change", r->r_change, &bad);
        fj_set_num(m, "p_change", r->p_change, &bad);
        fj_set_num(m, "rho_change", r->rho_change, &bad);
        put_binary(m, r, &bad);
        if (r->roc_ok) {
            /* the curve as [false-positive rate, sensitivity] points */
            json_t *roc = fj_set_array(m, "roc", &bad);
            for (size_t k = 0; k < r->roc.n_curve; k++) {
                json_t *pt = fj_push_array(roc, &bad);
                fj_push_num(pt, 1 - r->roc.curve[k].specificity, &bad);
                fj_push_num(pt, r->roc.curve[k].sensitivity, &bad);
            }
        }
    }
    json_t *lit = fj_set_array(root, "literature", &bad);
    for (int k = 0; k < FORMATS_PREDICT_N_LIT; k++) {
        const ketsim_predict_row *r = formats_predict_find_row(rep, LIT[k].marker);
        if (!r)
            continue;
        json_t *l = fj_push_object(lit, &bad);
        fj_set_str(l, "marker", LIT[k].marker, &bad);
        fj_set_num(l, "model_r_change", r->r_change, &bad);
        fj_set_num(l, "published_lo", LIT[k].lo, &bad);
        fj_set_num(l, "published_hi", LIT[k].hi, &bad);
        fj_set_str(l, "verdict", formats_predict_verdict(r->r_change, &LIT[k]), &bad);
        fj_set_str(l, "source", LIT[k].text, &bad);
    }
    return fj_dump(root, bad, fp, err);
}
