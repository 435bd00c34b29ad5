/* Listing commands: params, outputs, drugs. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

void help_params(void)
{
    puts("usage: ketsim params [--species human|rat|mouse] [--drug FILE] [--set NAME=VALUE]... [--csv]\n"
         "\n"
         "Print the parameter table: name, value, unit, source and meaning.  Values are\n"
         "those of the species (PK at its reference weight) after any overrides, which\n"
         "are marked with '*'.");
}

void help_outputs(void)
{
    puts("usage: ketsim outputs [--drug NAME|FILE] [--species human|rat|mouse]\n\n"
         "List every output column with its unit and meaning: the fixed list, then the\n"
         "plasma and free brain concentration of each compound the drug puts in the\n"
         "model (its metabolites included).  Default drug: ketamine.");
}

void help_drugs(void)
{
    puts("usage: ketsim drugs\n\nList the built-in drugs (use a name with --drug, or a drug file path).");
}

int cmd_params(int argc, char **argv)
{
    const char *species = "human", *drug = "ketamine";
    char *sets[256];
    size_t n_sets = 0;
    int csv = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--csv") == 0)
            csv = 1;
        else if (strcmp(argv[i], "--help") == 0) {
            help_params();
            return 0;
        } else if (i + 1 < argc && strcmp(argv[i], "--species") == 0)
            species = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--drug") == 0)
            drug = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--set") == 0 && n_sets < 256)
            sets[n_sets++] = argv[++i];
        else
            return cli_usage("params", "unknown or incomplete option '%s'", argv[i]);
    }
    ketsim_error err = {0};
    cli_subject s;
    int rc = cli_subject_init(&s, species, drug, NULL, sets, n_sets, &err);
    if (rc) {
        cli_subject_free(&s);
        return cli_fail(&err);
    }
    rc = csv ? ketsim_params_write_csv(stdout, s.params, &err) : ketsim_params_print_table(stdout, s.params, &err);
    cli_subject_free(&s);
    return rc ? cli_fail(&err) : 0;
}

int cmd_outputs(int argc, char **argv)
{
    const char *species = "human", *drug = "ketamine";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            help_outputs();
            return 0;
        } else if (i + 1 < argc && strcmp(argv[i], "--species") == 0)
            species = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--drug") == 0)
            drug = argv[++i];
        else
            return cli_usage("outputs", "unknown or incomplete option '%s'", argv[i]);
    }
    ketsim_error err = {0};
    cli_subject s;
    ketsim_model *m = NULL;
    int rc = cli_subject_init(&s, species, drug, NULL, NULL, 0, &err);
    const char *drugs[1] = {s.drug};
    if (!rc)
        rc = ketsim_model_create(s.params, s.catalog, drugs, 1, s.weight_kg, &m, &err);
    if (!rc)
        rc = ketsim_outputs_print(stdout, m, &err);
    ketsim_model_free(m);
    cli_subject_free(&s);
    return rc ? cli_fail(&err) : 0;
}

int cmd_drugs(int argc, char **argv)
{
    if (argc > 1) {
        if (strcmp(argv[1], "--help") == 0) {
            help_drugs();
            return 0;
        }
        return cli_usage("drugs", "unexpected argument '%s'", argv[1]);
    }
    ketsim_catalog *cat;
    ketsim_error err = {0};
    if (ketsim_catalog_create(&cat, &err))
        return cli_fail(&err);
    int rc = ketsim_catalog_print_drugs(stdout, cat, &err);
    ketsim_catalog_free(cat);
    return rc ? cli_fail(&err) : 0;
}
