/* ketsim export sbml: the model and a regimen as an SBML document. */
#include "cli.h"
#include "output.h"
#include "ketsim/datadir.h"
#include "ketsim/sbml.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REPEAT 256

void help_export(void)
{
    puts("usage: ketsim export sbml [--species human|rat|mouse] [--drug NAME|FILE] [--weight KG]\n"
         "                          [--dose SPEC]... [--set NAME=VALUE]... [--params FILE]\n"
         "                          [--level 3.2|3.1] [--annotations FILE.csv] [--out FILE.xml]\n"
         "\n"
         "Write the whole model (PK, cascade, read-outs) and the dosing regimen as SBML\n"
         "Level 3 Version 2 (--level 3.1: Version 1, min and max written as piecewise).\n"
         "States have rate rules starting at the untreated steady state: drug amounts, brain\n"
         "concentrations and molecular cascade levels are species, the others parameters.\n"
         "Body weight and each dose are parameters that volumes, clearances and inputs are\n"
         "computed from; infusions are piecewise inputs, boluses are events; the outputs of\n"
         "'ketsim outputs' are assignment rules.  Parameters carry their table row's unit,\n"
         "kind and source as notes; SBO terms and ChEBI/UniProt references come from\n"
         "--annotations (default: sbml_annotations.csv of the data directory).  Dose SPEC as\n"
         "in 'ketsim simulate'; without --dose: racemic ketamine 0.5 mg/kg IV over 40 min.\n"
         "Without --out the document goes to standard output.  See docs/sbml.md.\n"
         "\n"
         "examples:\n"
         "  ketsim export sbml --out ketamine.xml\n"
         "  ketsim export sbml --level 3.1 --out ketamine_l3v1.xml\n"
         "  ketsim export sbml --drug esketamine --dose in:56mg --dose in:56mg@3d --out esk.xml");
}

typedef struct export_opts {
    const char *species, *drug, *params_file, *out, *annotations;
    int version;
    const char *doses[MAX_REPEAT];
    char *sets[MAX_REPEAT];
    size_t n_doses, n_sets;
    double weight_kg;
    int weight_given;
} export_opts;

static int add_repeat(const char **list, size_t *n, const char *flag, char *arg)
{
    if (*n == MAX_REPEAT)
        return cli_usage("export", "too many %s options (max %d)", flag, MAX_REPEAT);
    list[(*n)++] = arg;
    return 0;
}

static int parse_opts(int argc, char **argv, export_opts *o)
{
    static const struct option longopts[] = {
        {"species", required_argument, 0, 's'}, {"drug", required_argument, 0, 'd'},
        {"weight", required_argument, 0, 'w'},  {"dose", required_argument, 0, 'D'},
        {"set", required_argument, 0, 'S'},     {"params", required_argument, 0, 'p'},
        {"out", required_argument, 0, 'O'},     {"help", no_argument, 0, 'h'},
        {"level", required_argument, 0, 'L'},   {"annotations", required_argument, 0, 'A'},
        {0, 0, 0, 0},
    };
    memset(o, 0, sizeof *o);
    o->species = "human";
    o->drug = "ketamine";
    o->version = 2;
    int c, rc = 0;
    optind = 1;
    opterr = 0;
    while (!rc && (c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 's': o->species = optarg; break;
        case 'd': o->drug = optarg; break;
        case 'p': o->params_file = optarg; break;
        case 'O': o->out = optarg; break;
        case 'A': o->annotations = optarg; break;
        case 'L':
            if (strcmp(optarg, "3.2") == 0)
                o->version = 2;
            else if (strcmp(optarg, "3.1") == 0)
                o->version = 1;
            else
                return cli_usage("export", "--level '%s': expected 3.2 or 3.1", optarg);
            break;
        case 'w':
            if (cli_parse_double(optarg, &o->weight_kg) || !(o->weight_kg >= 0.005 && o->weight_kg <= 500))
                return cli_usage("export", "--weight '%s': expected a weight in kg between 0.005 and 500", optarg);
            o->weight_given = 1;
            break;
        case 'D': rc = add_repeat(o->doses, &o->n_doses, "--dose", optarg); break;
        case 'S': rc = add_repeat((const char **)o->sets, &o->n_sets, "--set", optarg); break;
        case 'h': help_export(); return -1;
        default:
            return cli_usage("export", "unknown or incomplete option '%s' (see ketsim help export)", argv[optind - 1]);
        }
    }
    if (!rc && optind < argc)
        return cli_usage("export", "unexpected argument '%s'", argv[optind]);
    return rc;
}

static int write_sbml(cli_file *out, const ketsim_model *m, const ketsim_regimen *reg,
                      const export_opts *o, const ketsim_params *params, ketsim_error *err)
{
    char path[4096];
    ketsim_sbml_options opt = {
        .level = 3, .version = o->version, .params = params,
        .annotations = o->annotations ? o->annotations : ketsim_data_path("sbml_annotations.csv", path, sizeof path),
    };
    int rc = ketsim_sbml_write(m, reg, &opt, cli_file_stream(out), err);
    return rc ? rc : cli_file_commit(out, err);
}

static int export_sbml(int argc, char **argv)
{
    export_opts o;
    int st = parse_opts(argc, argv, &o);
    if (st)
        return st < 0 ? 0 : st;
    ketsim_error err = {0};
    if (!ketsim_sbml_available()) {
        fprintf(stderr, "ketsim export: SBML export is not available: this build has no libsbml\n");
        return 1;
    }
    cli_subject subj;
    ketsim_regimen *reg = NULL;
    ketsim_model *m = NULL;
    const char *drugs[1];
    cli_file out;
    int rc = cli_subject_init(&subj, o.species, o.drug, o.params_file, o.sets, o.n_sets, &err);
    if (!rc && o.weight_given)
        subj.weight_kg = o.weight_kg;
    if (!rc)
        rc = cli_build_regimen(o.doses, o.n_doses, &reg, &err);
    if (!rc)
        rc = cli_file_open(&out, o.out, &err);
    if (!rc) {
        drugs[0] = subj.drug;
        rc = ketsim_model_create(subj.params, subj.catalog, drugs, 1, subj.weight_kg, &m, &err);
        if (!rc)
            rc = write_sbml(&out, m, reg, &o, subj.params, &err);
        cli_file_abort(&out);
    }
    ketsim_model_free(m);
    ketsim_regimen_free(reg);
    cli_subject_free(&subj);
    return rc ? cli_fail(&err) : 0;
}

int cmd_export(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage("export", "missing format (expected: ketsim export sbml [options])");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        help_export();
        return 0;
    }
    if (strcmp(argv[1], "sbml") != 0)
        return cli_usage("export", "unknown format '%s' (expected sbml)", argv[1]);
    return export_sbml(argc - 1, argv + 1);
}
