/* Listings: ketsim params (table or CSV), ketsim outputs, ketsim drugs. */
#include "ketsim/formats.h"
#include "ketsim/model.h"
#include "stream.h"

#include <stdio.h>

int ketsim_params_print_table(FILE *fp, const ketsim_params *p, ketsim_error *err)
{
    for (size_t i = 0; i < ketsim_params_count(p); i++) {
        ketsim_param_info pi;
        ketsim_params_info(p, i, &pi);
        fprintf(fp, "%-40s %12.6g%s %-8s %-11s %s. Source: %s\n", pi.name, pi.value, pi.overridden ? "*" : " ",
                pi.unit, ketsim_param_kind_name(pi.kind), pi.description, pi.source);
    }
    return formats_stream_status(fp, "the parameter table", err);
}

int ketsim_params_write_csv(FILE *fp, const ketsim_params *p, ketsim_error *err)
{
    fputs("name,value,unit,kind,targets,source,description\n", fp);
    for (size_t i = 0; i < ketsim_params_count(p); i++) {
        ketsim_param_info pi;
        ketsim_params_info(p, i, &pi);
        ketsim_csv_field(fp, pi.name);
        fprintf(fp, ",%.10g,", pi.value);
        ketsim_csv_field(fp, pi.unit);
        fputc(',', fp);
        ketsim_csv_field(fp, ketsim_param_kind_name(pi.kind));
        fputc(',', fp);
        ketsim_csv_field(fp, pi.targets);
        /* the two free-text columns have always been quoted */
        fputc(',', fp);
        ketsim_csv_quoted(fp, pi.source);
        fputc(',', fp);
        ketsim_csv_quoted(fp, pi.description);
        fputc('\n', fp);
    }
    return formats_stream_status(fp, "the parameter CSV", err);
}

int ketsim_outputs_print(FILE *fp, const ketsim_model *m, ketsim_error *err)
{
    for (size_t k = 0; k < ketsim_model_n_outputs(m); k++) {
        const ketsim_output_info *o = ketsim_model_output(m, k);
        fprintf(fp, "%-30s %-12s %s\n", o->name, o->unit, o->description);
    }
    return formats_stream_status(fp, "the output list", err);
}

int ketsim_catalog_print_drugs(FILE *fp, const ketsim_catalog *cat, ketsim_error *err)
{
    for (size_t i = 0; i < ketsim_catalog_n_drugs(cat); i++)
        fprintf(fp, "%-14s %s\n", ketsim_catalog_drug_name(cat, i), ketsim_catalog_drug_description(cat, i));
    return formats_stream_status(fp, "the drug list", err);
}
