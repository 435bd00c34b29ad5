/* ketsim simulate: one subject, one regimen, outputs on a grid. */
#include "cli.h"
#include "results_db_cli.h"
#include "interrupt.h"
#include "util/atomic.h"
#include "ketsim/plot.h"
#include "sim_extras.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REPEAT 256

void help_simulate(void)
{
    puts("usage: ketsim simulate [--species human|rat|mouse] [--drug NAME|FILE] [--weight KG]\n"
         "                       [--dose SPEC]... [--until DUR] [--every DUR] [--set NAME=VALUE]...\n"
         "                       [--params FILE] [--outputs a,b,...] [--out FILE.csv|FILE.json]\n"
         "                       [--plot DIR [--plot-log]] [--dataset FILE.csv] [--quiet]\n"
         "\n"
         "Simulate one subject from dose to mood.  A dose SPEC is [DRUG/]ROUTE:AMOUNT[:DURATION][@TIME]\n"
         "with ROUTE iv, in, po, im, sc, ip or icv; AMOUNT in mg or mg/kg; DURATION and TIME in\n"
         "s, min, h or d; the DRUG/ prefix gives a second drug (e.g. nbqx/ip:10mg/kg).\n"
         "Without --dose: racemic ketamine 0.5 mg/kg IV over 40 min.\n"
         "Defaults: human, 70 kg (species reference weight), --until 14d, --every 10min.\n"
         "Without --out, CSV goes to standard output.\n"
         "--plot DIR writes concentrations, cascade and clinical figures (PNG and SVG) into\n"
         "DIR; --plot-log puts concentrations on a log axis.\n"
         "--dataset FILE.csv simulates every ID of a NONMEM-style dataset (ID, TIME, AMT,\n"
         "RATE, CMT, EVID, II, ADDL, SS, WT, OUTPUT, ...; see docs/dataset.md) and writes\n"
         "ID,TIME,OUTPUT,PRED plus the input columns for each observation record; with\n"
         "--out FILE.sqlite, every record and prediction into a results database\n"
         "(docs/formats.md).\n"
         "--quiet hides the progress bar.\n"
         "\n"
         "examples:\n"
         "  ketsim simulate --until 1d --every 5min\n"
         "  ketsim simulate --species mouse --dose ip:10mg/kg --until 2d --outputs time_h,brain_ketamine_free_um\n"
         "  ketsim simulate --drug esketamine --dose in:56mg --dose in:56mg@3d --until 7d\n"
         "  ketsim simulate --set nmda.interneuron_selectivity=5 --out run.json\n"
         "  ketsim simulate --species rat --dose nbqx/ip:10mg/kg --dose ip:10mg/kg@10min --until 2d\n"
         "  ketsim simulate --until 3d --plot figs --plot-log\n"
         "  ketsim simulate --dataset study.csv --out pred.csv");
}

typedef struct sim_opts {
    const char *species, *drug, *params_file, *outputs, *out, *plot_dir, *dataset;
    const char *doses[MAX_REPEAT];
    char *sets[MAX_REPEAT];
    size_t n_doses, n_sets;
    double weight_kg, until_h, every_h;
    int weight_given, plot_log, quiet, grid_given;
} sim_opts;

static int parse_opts(int argc, char **argv, sim_opts *o)
{
    static const struct option longopts[] = {
        {"species", required_argument, 0, 's'}, {"drug", required_argument, 0, 'd'},
        {"weight", required_argument, 0, 'w'},  {"dose", required_argument, 0, 'D'},
        {"until", required_argument, 0, 'u'},   {"every", required_argument, 0, 'e'},
        {"set", required_argument, 0, 'S'},     {"params", required_argument, 0, 'p'},
        {"outputs", required_argument, 0, 'o'}, {"out", required_argument, 0, 'O'},
        {"plot", required_argument, 0, 'P'},    {"plot-log", no_argument, 0, 'L'},
        {"dataset", required_argument, 0, 'T'}, {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0},
    };
    memset(o, 0, sizeof *o);
    o->species = "human";
    o->drug = "ketamine";
    o->until_h = 14 * 24;
    o->every_h = 10.0 / 60;
    ketsim_error e;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 's': o->species = optarg; break;
        case 'd': o->drug = optarg; break;
        case 'p': o->params_file = optarg; break;
        case 'o': o->outputs = optarg; break;
        case 'O': o->out = optarg; break;
        case 'P': o->plot_dir = optarg; break;
        case 'L': o->plot_log = 1; break;
        case 'T': o->dataset = optarg; break;
        case 'q': o->quiet = 1; break;
        case 'w':
            if (cli_parse_double(optarg, &o->weight_kg) || !(o->weight_kg >= 0.005 && o->weight_kg <= 500))
                return cli_usage("simulate", "--weight '%s': expected a weight in kg between 0.005 and 500", optarg);
            o->weight_given = 1;
            break;
        case 'D':
            if (o->n_doses == MAX_REPEAT)
                return cli_usage("simulate", "too many --dose options (max %d)", MAX_REPEAT);
            o->doses[o->n_doses++] = optarg;
            break;
        case 'S':
            if (o->n_sets == MAX_REPEAT)
                return cli_usage("simulate", "too many --set options (max %d)", MAX_REPEAT);
            o->sets[o->n_sets++] = optarg;
            break;
        case 'u':
            if (ketsim_duration_parse(optarg, &o->until_h, &e) || o->until_h < 0 || o->until_h > 24 * 3650)
                return cli_usage("simulate", "--until '%s': expected a duration between 0 and 10 years, e.g. 14d", optarg);
            o->grid_given = 1;
            break;
        case 'e':
            if (ketsim_duration_parse(optarg, &o->every_h, &e) || !(o->every_h > 0))
                return cli_usage("simulate", "--every '%s': expected a positive duration, e.g. 10min", optarg);
            o->grid_given = 1;
            break;
        case 'h': help_simulate(); return -1;
        default:
            return cli_usage("simulate", "unknown or incomplete option '%s' (see ketsim help simulate)", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage("simulate", "unexpected argument '%s'", argv[optind]);
    if (o->plot_log && !o->plot_dir)
        return cli_usage("simulate", "--plot-log needs --plot DIR");
    if (o->dataset && (o->n_doses || o->grid_given || o->outputs || o->plot_dir))
        return cli_usage("simulate", "--dataset takes doses, times and outputs from the file: drop --dose, --until, --every, --outputs and --plot");
    return 0;
}

/* Resolve --outputs into column indices of the model (all its outputs,
 * per-compound concentrations included, when absent). */
static int select_outputs(const char *list, const ketsim_model *m, size_t *cols, size_t max, size_t *n)
{
    *n = 0;
    if (!list) {
        for (size_t k = 0; k < ketsim_model_n_outputs(m) && *n < max; k++)
            cols[(*n)++] = k;
        return 0;
    }
    char buf[4096];
    if (strlen(list) >= sizeof buf)
        return cli_usage("simulate", "--outputs list too long");
    strcpy(buf, list);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        long k = ketsim_model_output_index(m, tok);
        if (k < 0)
            return cli_usage("simulate", "--outputs: unknown output '%s' (see ketsim outputs --drug ...)", tok);
        if (*n == max)
            return cli_usage("simulate", "--outputs: too many columns");
        cols[(*n)++] = (size_t)k;
    }
    if (*n == 0)
        return cli_usage("simulate", "--outputs: empty list");
    return 0;
}

/* The main drug plus every drug a dose names (DRUG/ROUTE:...), once each. */
static int collect_drugs(const cli_subject *subj, const ketsim_regimen *reg, const char **drugs,
                         size_t *n, ketsim_error *err)
{
    drugs[(*n)++] = subj->drug;
    for (size_t i = 0; i < ketsim_regimen_count(reg); i++) {
        const char *name = ketsim_regimen_dose(reg, i)->drug;
        size_t idx, k;
        if (!name[0])
            continue;
        if (ketsim_catalog_find_drug(subj->catalog, name, &idx, err))
            return KETSIM_EINPUT;
        for (k = 0; k < *n && strcmp(drugs[k], name) != 0; k++)
            ;
        if (k == *n)
            drugs[(*n)++] = name;
    }
    return KETSIM_OK;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int write_result(const sim_opts *o, const cli_subject *subj, const ketsim_trajectory *t,
                        const size_t *cols, size_t n_cols, ketsim_error *err)
{
    atomic_file af;
    int rc = atomic_open(&af, o->out, err);
    if (rc)
        return rc;
    if (o->out && ends_with(o->out, ".json"))
        rc = ketsim_traj_write_json(af.fp, t, cols, n_cols, ketsim_species_name(subj->species), subj->drug,
                                    subj->weight_kg, err);
    else
        rc = ketsim_traj_write_csv(af.fp, t, cols, n_cols, err);
    if (rc) {
        atomic_abort(&af);
        return rc;
    }
    if (cli_interrupted()) { /* Ctrl-C while writing: leave nothing behind */
        atomic_abort(&af);
        return KETSIM_FAIL(err, KETSIM_ESOLVER, "interrupted while writing %s", o->out ? o->out : "output");
    }
    return atomic_commit(&af, err);
}

int cmd_simulate(int argc, char **argv)
{
    sim_opts o;
    char cmdline[8192]; /* for a results database's run table, before getopt reorders argv */
    cli_results_db_command_line(cmdline, sizeof cmdline, argc, argv);
    int st = parse_opts(argc, argv, &o);
    if (st)
        return st < 0 ? 0 : st;
    if (o.dataset && o.out && !ends_with(o.out, ".csv") && !cli_results_db_path(o.out))
        return cli_usage("simulate", "--out '%s': with --dataset the file name must end in .csv or .sqlite", o.out);
    if (o.out && !ends_with(o.out, ".csv") && !ends_with(o.out, ".json") && !o.dataset)
        return cli_usage("simulate", "--out '%s': the file name must end in .csv or .json", o.out);
    size_t cols[512], n_cols = 0;

    ketsim_error err = {0};
    cli_subject subj;
    ketsim_regimen *reg = NULL;
    ketsim_subject_worker *w = NULL;
    const ketsim_trajectory *traj = NULL;
    double *times = NULL;
    size_t n_times, n_drugs = 0;
    const char *drugs[MAX_REPEAT + 1];
    volatile sig_atomic_t *cancel = cli_interrupt_install();
    int rc = cli_subject_init(&subj, o.species, o.drug, o.params_file, o.sets, o.n_sets, &err);
    if (!rc && o.weight_given)
        subj.weight_kg = o.weight_kg;
    if (!rc && o.dataset) {
        rc = cli_simulate_dataset(&subj, o.dataset, o.out, o.quiet, cmdline, &err);
        cli_subject_free(&subj);
        return rc ? cli_fail(&err) : 0;
    }
    if (!rc)
        rc = cli_build_regimen(o.doses, o.n_doses, &reg, &err);
    if (!rc)
        rc = ketsim_grid_uniform(o.until_h, o.every_h, &times, &n_times, &err);
    if (!rc)
        rc = collect_drugs(&subj, reg, drugs, &n_drugs, &err);
    if (!rc)
        rc = ketsim_subject_worker_create(subj.params, subj.catalog, drugs, n_drugs, &w, &err);
    if (!rc && select_outputs(o.outputs, ketsim_subject_worker_model(w), cols, sizeof cols / sizeof cols[0],
                              &n_cols)) {
        ketsim_subject_worker_free(w);
        ketsim_regimen_free(reg);
        free(times);
        cli_subject_free(&subj);
        return 2;
    }
    if (!rc) {
        ketsim_subject_worker_set_cancel(w, cancel);
        ketsim_subject_input in = {.weight_kg = subj.weight_kg, .regimen = reg, .times_h = times,
                                   .n_times = n_times};
        rc = ketsim_subject_run(w, &in, &traj, &err);
    }
    if (!rc && cli_interrupted())
        rc = KETSIM_FAIL(&err, KETSIM_ESOLVER, "interrupted");
    if (!rc)
        rc = write_result(&o, &subj, traj, cols, n_cols, &err);
    if (!rc && o.plot_dir) {
        char subtitle[160];
        snprintf(subtitle, sizeof subtitle, "%s, %s, %.3g kg", subj.drug, ketsim_species_name(subj.species),
                 subj.weight_kg);
        rc = ketsim_plot_trajectory(traj, o.plot_dir, o.plot_log, subtitle, &err);
    }
    ketsim_subject_worker_free(w);
    ketsim_regimen_free(reg);
    free(times);
    cli_subject_free(&subj);
    if (rc && cli_interrupted())
        return cli_interrupt_exit();
    return rc ? cli_fail(&err) : 0;
}
