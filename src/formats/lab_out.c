/* Outputs of ketsim lab: the paper-style table, one CSV row per animal and
 * read-out, and the summary JSON (docs/lab.md, docs/formats.md). */
#include "ketsim/formats.h"
#include "json_out.h"
#include "stream.h"

#include <math.h>
#include <stdio.h>

static const char *stress_name(ketsim_lab_stress s)
{
    return s == KETSIM_LAB_STRESS_CUS ? "chronic unpredictable stress" : s == KETSIM_LAB_STRESS_DEFEAT ? "social defeat" : "none";
}

/* The cell of a read-out and group; the indices come from the protocol, so
 * the lookup cannot fail. */
static ketsim_lab_cell cell_of(const ketsim_lab_result *res, int r, int g)
{
    ketsim_lab_cell c = {0, NAN, NAN, NAN};
    ketsim_lab_result_cell(res, r, g, &c);
    return c;
}

static void contrast_of(const ketsim_lab_result *res, int r, int c, double *diff, double *p)
{
    *diff = *p = NAN;
    ketsim_lab_result_contrast(res, r, c, diff, p);
}

int ketsim_lab_print_table(const ketsim_lab_result *res, FILE *f, ketsim_error *err)
{
    const ketsim_lab_protocol *p = ketsim_lab_result_protocol(res);
    fprintf(f, "experiment %s: %s\n", p->name, p->description);
    fprintf(f, "species %s%s%s; stress: %s", ketsim_species_name(p->species), p->strain[0] ? ", " : "",
            p->strain, stress_name(p->stress));
    if (p->stress)
        fprintf(f, " (%g d)", p->stress_days);
    fprintf(f, "; seed %ld; control group '%s'\n", ketsim_lab_result_seed(res), p->group[p->control].name);
    for (int g = 0; g < p->n_groups; g++) {
        const ketsim_lab_group *gr = &p->group[g];
        fprintf(f, "  %-22s n=%-3d", gr->name, gr->n);
        for (int i = 0; i < gr->n_pre; i++)
            fprintf(f, " %s %s at %gmin;", gr->pre[i].drug, gr->pre[i].spec, gr->pre[i].time_h * 60);
        fprintf(f, " %s %s%s\n", gr->has_drug ? gr->test.drug : "vehicle", gr->has_drug ? gr->test.spec : "",
                gr->genotype == KETSIM_LAB_BDNF_KO ? " [BDNF knockout]" : gr->genotype == KETSIM_LAB_VAL66MET ? " [Val66Met]" : "");
    }
    const char *test = p->n_groups == 2 ? "Welch t test vs control" :
                       "one-way ANOVA; post hoc pooled-variance t vs control, Holm-adjusted; "
                       "contrasts: Welch t, Holm-adjusted over the contrasts";
    fprintf(f, "statistics: %s; mean +- SEM\n\n", p->variability ? test : "none (variability off)");
    fprintf(f, "%-14s %-18s %-8s %-22s %4s %10s %9s %9s %4s %9s\n", "assay", "measure", "time", "group", "n",
            "mean", "SEM", "p", "", "ANOVA p");
    for (int r = 0; r < p->n_readouts; r++) {
        const ketsim_lab_readout *ro = &p->readout[r];
        double anova_p = ketsim_lab_result_anova_p(res, r);
        for (int g = 0; g < p->n_groups; g++) {
            ketsim_lab_cell c = cell_of(res, r, g);
            fprintf(f, "%-14s %-18s %-8s %-22s %4d %10.4g %9.3g %9.3g %4s", ketsim_lab_measure_assay(ro->measure),
                    ketsim_lab_measure_name(ro->measure), ro->label, p->group[g].name, c.n, c.mean, c.sem, c.p,
                    ketsim_lab_stars(c.p));
            if (g == 0 && !isnan(anova_p))
                fprintf(f, " %9.3g", anova_p);
            fputc('\n', f);
        }
        for (int c = 0; c < p->n_contrasts; c++) {
            double d, pc;
            contrast_of(res, r, c, &d, &pc);
            char name[80];
            snprintf(name, sizeof name, "%s vs %s", p->group[p->contrast[c][0]].name, p->group[p->contrast[c][1]].name);
            fprintf(f, "%-14s %-18s %-8s %-27s %10.4g %9s %9.3g %4s  (contrast)\n", ketsim_lab_measure_assay(ro->measure),
                    ketsim_lab_measure_name(ro->measure), ro->label, name, d, "", pc, ketsim_lab_stars(pc));
        }
    }
    return formats_stream_status(f, "the lab table", err);
}

int ketsim_lab_write_animals_csv(const ketsim_lab_result *res, FILE *f, ketsim_error *err)
{
    const ketsim_lab_protocol *p = ketsim_lab_result_protocol(res);
    fprintf(f, "experiment,group,animal,assay,measure,unit,label,time_h,value\n");
    for (int r = 0; r < p->n_readouts; r++) {
        const ketsim_lab_readout *ro = &p->readout[r];
        for (int g = 0; g < p->n_groups; g++) {
            const double *v = NULL;
            int n = 0;
            ketsim_lab_result_values(res, r, g, &v, &n);
            for (int i = 0; i < n; i++) {
                ketsim_csv_field(f, p->name);
                fputc(',', f);
                ketsim_csv_field(f, p->group[g].name);
                fprintf(f, ",%d,", i + 1);
                ketsim_csv_field(f, ketsim_lab_measure_assay(ro->measure));
                fputc(',', f);
                ketsim_csv_field(f, ketsim_lab_measure_name(ro->measure));
                fputc(',', f);
                ketsim_csv_field(f, ketsim_lab_measure_unit(ro->measure));
                fputc(',', f);
                ketsim_csv_field(f, ro->label);
                fprintf(f, ",%.10g,%.10g\n", ro->time_h, v[i]);
            }
        }
    }
    return formats_stream_status(f, "the animals CSV", err);
}

int ketsim_lab_write_summary_json(const ketsim_lab_result *res, FILE *f, ketsim_error *err)
{
    const ketsim_lab_protocol *p = ketsim_lab_result_protocol(res);
    int bad = 0;
    json_t *root = fj_root(&bad);
    fj_set_str(root, "schema", "ketsim-lab-summary/1", &bad);
    fj_set_str(root, "experiment", p->name, &bad);
    fj_set_str(root, "species", ketsim_species_name(p->species), &bad);
    fj_set_str(root, "strain", p->strain, &bad);
    fj_set_str(root, "stress",
               p->stress == KETSIM_LAB_STRESS_CUS ? "cus" : p->stress == KETSIM_LAB_STRESS_DEFEAT ? "social_defeat" : "none",
               &bad);
    fj_set_num(root, "stress_days", p->stress_days, &bad);
    fj_set_int(root, "seed", ketsim_lab_result_seed(res), &bad);
    fj_set_bool(root, "variability", p->variability, &bad);
    fj_set_str(root, "control", p->group[p->control].name, &bad);
    fj_set_str(root, "test", p->n_groups == 2 ? "welch_t" : "anova_pooled_t_holm", &bad);
    json_t *groups = fj_set_array(root, "groups", &bad);
    for (int g = 0; g < p->n_groups; g++) {
        json_t *jg = fj_push_object(groups, &bad);
        fj_set_str(jg, "name", p->group[g].name, &bad);
        fj_set_int(jg, "n", p->group[g].n, &bad);
    }
    json_t *readouts = fj_set_array(root, "readouts", &bad);
    for (int r = 0; r < p->n_readouts && !bad; r++) {
        const ketsim_lab_readout *ro = &p->readout[r];
        json_t *jr = fj_push_object(readouts, &bad);
        fj_set_str(jr, "assay", ketsim_lab_measure_assay(ro->measure), &bad);
        fj_set_str(jr, "measure", ketsim_lab_measure_name(ro->measure), &bad);
        fj_set_str(jr, "unit", ketsim_lab_measure_unit(ro->measure), &bad);
        fj_set_num(jr, "time_h", ro->time_h, &bad);
        fj_set_num(jr, "anova_p", ketsim_lab_result_anova_p(res, r), &bad);
        json_t *jgs = fj_set_array(jr, "groups", &bad);
        for (int g = 0; g < p->n_groups; g++) {
            ketsim_lab_cell c = cell_of(res, r, g);
            json_t *jc = fj_push_object(jgs, &bad);
            fj_set_str(jc, "group", p->group[g].name, &bad);
            fj_set_int(jc, "n", c.n, &bad);
            fj_set_num(jc, "mean", c.mean, &bad);
            fj_set_num(jc, "sem", c.sem, &bad);
            fj_set_num(jc, "p_vs_control", c.p, &bad);
        }
        json_t *jcs = fj_set_array(jr, "contrasts", &bad);
        for (int c = 0; c < p->n_contrasts; c++) {
            double d, pc;
            contrast_of(res, r, c, &d, &pc);
            json_t *jc = fj_push_object(jcs, &bad);
            fj_set_str(jc, "a", p->group[p->contrast[c][0]].name, &bad);
            fj_set_str(jc, "b", p->group[p->contrast[c][1]].name, &bad);
            fj_set_num(jc, "diff", d, &bad);
            fj_set_num(jc, "p_holm", pc, &bad);
        }
    }
    return fj_dump(root, bad, f, err);
}
