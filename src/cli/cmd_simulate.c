/* ketsim simulate: one subject, one regimen, outputs on a grid. */
#include "cli.h"
#include "interrupt.h"
#include "output.h"
#include "ketsim/plot.h"
#include "sim_extras.h"
#include "results_db_cli.h"
#include "report_cli.h"
#include "observed.h"

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
         "                       [--plot DIR [--plot-scale log|linear]] [--report FILE.html]\n"
         "                       [--observed FILE.csv] [--dataset FILE.csv] [--quiet]\n"
         "\n"
         "Simulate one subject from dose to mood.  A dose SPEC is [DRUG/]ROUTE:AMOUNT[:DURATION][@TIME]\n"
         "with ROUTE iv, in, po, im, sc, ip or icv; AMOUNT in mg or mg/kg; DURATION and TIME in\n"
         "s, min, h or d; the DRUG/ prefix gives a second drug (e.g. nbqx/ip:10mg/kg).\n"
         "Without --dose: racemic ketamine 0.5 mg/kg IV over 40 min.\n"
         "Defaults: human, 70 kg (species reference weight), --until 14d, --every 10min.\n"
         "Without --out, CSV goes to standard output.\n"
         "--plot DIR writes concentrations, cascade and clinical figures (PNG and SVG) into\n"
         "DIR, every dose marked on every panel (a band for an infusion, a tick for a bolus).\n"
         "Concentrations are drawn on a log axis (semi-log, the default) or with\n"
         "--plot-scale linear on a linear one (--plot-log is the old name of the default).\n"
         "With --plot the table is written only to --out (nothing on stdout without it).\n"
         "--observed FILE.csv draws observations over the figures (of --plot or --report):\n"
         "the records of a NONMEM-style dataset with a DV (EVID 0, MDV 0, not below LLOQ),\n"
         "each as an open circle on the panel and in the colour of its OUTPUT's line.\n"
         "--report FILE.html writes one self-contained page (no network needed): the\n"
         "command line, version and git commit, the parameters changed from their defaults\n"
         "with their sources, each output's range and peak, and the figures as SVG\n"
         "(docs/formats.md, \"Run report\").  It is written only when the whole run succeeds.\n"
         "--dataset FILE.csv simulates every ID of a NONMEM-style dataset (ID, TIME, AMT,\n"
         "RATE, CMT, EVID, II, ADDL, SS, WT, OUTPUT, ...; see docs/dataset.md) and writes\n"
         "ID,TIME,OUTPUT,PRED plus the input columns for each observation record; with\n"
         "--out FILE.sqlite, every record and prediction into a results database\n"
         "(docs/formats.md).  With --report, the page compares the predictions with the\n"
         "observations (per output: count, means, mean error, RMSE) and draws them.\n"
         "--quiet hides the progress bar.\n"
         "\n"
         "examples:\n"
         "  ketsim simulate --until 1d --every 5min\n"
         "  ketsim simulate --species mouse --dose ip:10mg/kg --until 2d --outputs time_h,brain_ketamine_free_um\n"
         "  ketsim simulate --drug esketamine --dose in:56mg --dose in:56mg@3d --until 7d\n"
         "  ketsim simulate --set nmda.interneuron_selectivity=5 --out run.json\n"
         "  ketsim simulate --species rat --dose nbqx/ip:10mg/kg --dose ip:10mg/kg@10min --until 2d\n"
         "  ketsim simulate --until 3d --plot figs --plot-scale linear\n"
         "  ketsim simulate --until 1d --plot figs --observed plasma_levels.csv\n"
         "  ketsim simulate --dataset study.csv --out pred.csv");
}

typedef struct sim_opts {
    const char *species, *drug, *params_file, *outputs, *out, *plot_dir, *dataset, *report, *observed;
    const char *doses[MAX_REPEAT];
    char *sets[MAX_REPEAT];
    size_t n_doses, n_sets;
    double weight_kg, until_h, every_h;
    int weight_given, plot_log, scale_given, quiet, grid_given;
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
        {"plot-scale", required_argument, 0, 'C'},
        {"dataset", required_argument, 0, 'T'}, {"quiet", no_argument, 0, 'q'},
        {"report", required_argument, 0, 'R'},  {"observed", required_argument, 0, 'V'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0},
    };
    memset(o, 0, sizeof *o);
    o->species = "human";
    o->drug = "ketamine";
    o->until_h = 14 * 24;
    o->every_h = 10.0 / 60;
    o->plot_log = 1;
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
        case 'L': o->plot_log = 1, o->scale_given = 1; break;
        case 'C':
            if (strcmp(optarg, "log") && strcmp(optarg, "linear"))
                return cli_usage("simulate", "--plot-scale '%s': expected log or linear", optarg);
            o->plot_log = strcmp(optarg, "log") == 0, o->scale_given = 1;
            break;
        case 'T': o->dataset = optarg; break;
        case 'R': o->report = optarg; break;
        case 'V': o->observed = optarg; break;
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
    if (o->scale_given && !o->plot_dir && !o->report)
        return cli_usage("simulate", "--plot-scale and --plot-log need --plot DIR or --report");
    if (o->observed && !o->plot_dir && !o->report)
        return cli_usage("simulate", "--observed draws over the figures: it needs --plot DIR or --report");
    if (cli_report_check_path("simulate", o->report))
        return 2;
    if (o->dataset && o->scale_given)
        return cli_usage("simulate", "--plot-scale is for one subject's figures: a --dataset report picks log axes "
                                     "where the values span more than 100-fold");
    if (o->dataset && (o->n_doses || o->grid_given || o->outputs || o->plot_dir || o->observed))
        return cli_usage("simulate", "--dataset takes doses, times, outputs and observations from the file: drop "
                                     "--dose, --until, --every, --outputs, --plot and --observed");
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Into the output opened before the solve (--out or standard output). */
static int write_result(const sim_opts *o, cli_file *out, const ketsim_simulation *sim, ketsim_error *err)
{
    const ketsim_setup *subj = ketsim_simulation_setup(sim);
    const ketsim_trajectory *t = ketsim_simulation_trajectory(sim);
    const size_t *cols = ketsim_simulation_columns(sim);
    size_t n_cols = ketsim_simulation_n_columns(sim);
    FILE *fp = cli_file_stream(out);
    int rc;
    if (o->out && ends_with(o->out, ".json"))
        rc = ketsim_traj_write_json(fp, t, cols, n_cols, ketsim_species_name(subj->species), subj->drug,
                                    ketsim_simulation_weight_kg(sim), err);
    else
        rc = ketsim_traj_write_csv(fp, t, cols, n_cols, err);
    if (rc) {
        cli_file_abort(out);
        return rc;
    }
    return cli_file_commit(out, err);
}

static int stream_row(double t_h, const double *outputs, size_t n, void *user, ketsim_error *err)
{
    (void)t_h, (void)n;
    return ketsim_traj_writer_row(user, outputs, err);
}

/* Solve and write at once, row by row: memory does not grow with the grid
 * (beyond its times and, for JSON, the selected columns). */
static int stream_result(const sim_opts *o, cli_file *out, ketsim_simulation *sim, ketsim_error *err)
{
    const ketsim_setup *subj = ketsim_simulation_setup(sim);
    ketsim_traj_writer *tw = NULL;
    int json = o->out && ends_with(o->out, ".json");
    int rc = ketsim_traj_writer_open(cli_file_stream(out), json, ketsim_simulation_model(sim),
                                     ketsim_simulation_columns(sim), ketsim_simulation_n_columns(sim),
                                     ketsim_species_name(subj->species), subj->drug, ketsim_simulation_weight_kg(sim),
                                     &tw, err);
    if (!rc)
        rc = ketsim_simulation_stream(sim, stream_row, tw, err);
    if (cli_interrupted())
        cli_interrupt_wait();
    if (!rc)
        rc = ketsim_traj_writer_finish(tw, err);
    ketsim_traj_writer_free(tw);
    if (rc) {
        cli_file_abort(out);
        return rc;
    }
    return cli_file_commit(out, err);
}

/* The run's figures into dir, its doses (the same specs the run was given)
 * marked on every panel. */
static int plot_run(const sim_opts *o, const ketsim_simulation *sim, const cli_observed *obs, const char *dir,
                    const char *subtitle, ketsim_error *err)
{
    ketsim_regimen *reg = NULL;
    int rc = ketsim_regimen_from_specs(o->doses, o->n_doses, &reg, err);
    if (!rc)
        rc = ketsim_plot_trajectory(ketsim_simulation_trajectory(sim), reg, cli_observed_series(obs),
                                    cli_observed_n_series(obs), dir, o->plot_log, subtitle, err);
    ketsim_regimen_free(reg);
    return rc;
}

/* The figures, into the staging directory of --plot DIR, then published. */
static void figure_subtitle(const ketsim_simulation *sim, char *buf, size_t size)
{
    const ketsim_setup *subj = ketsim_simulation_setup(sim);
    snprintf(buf, size, "%s, %s, %.3g kg", subj->drug, ketsim_species_name(subj->species),
             ketsim_simulation_weight_kg(sim));
}

/* Draw the figures into `dir` (--plot's staging directory or the report's
 * scratch directory); with both options they are drawn once, into --plot's,
 * and the page reads them from there. */
static int draw_figures(const sim_opts *o, const ketsim_simulation *sim, const cli_observed *obs, const char *dir,
                        ketsim_error *err)
{
    char subtitle[160];
    figure_subtitle(sim, subtitle, sizeof subtitle);
    cli_output_lock();
    int rc = plot_run(o, sim, obs, dir, subtitle, err);
    cli_output_unlock();
    return rc;
}

/* Each output's range over the run: the summary table of the report. */
static void report_outputs(cli_report *r, const ketsim_simulation *sim)
{
    static const char *const head[] = {"output", "unit", "start", "end", "minimum", "maximum", "time of maximum (h)"};
    const ketsim_trajectory *t = ketsim_simulation_trajectory(sim);
    const size_t *cols = ketsim_simulation_columns(sim);
    size_t n = ketsim_traj_n_times(t), n_cols = ketsim_simulation_n_columns(sim);
    ketsim_html_section(&r->html, "Outputs over the run");
    ketsim_html_table_begin(&r->html, NULL, head, 7);
    for (size_t c = 0; n && c < n_cols; c++) {
        const ketsim_output_info *oi = ketsim_traj_output_info(t, cols[c]);
        if (!strcmp(oi->name, "time_h"))
            continue;
        double lo = ketsim_traj_output(t, 0, cols[c]), hi = lo, t_hi = ketsim_traj_time(t, 0);
        for (size_t j = 1; j < n; j++) {
            double y = ketsim_traj_output(t, j, cols[c]);
            lo = fmin(lo, y);
            if (y > hi)
                hi = y, t_hi = ketsim_traj_time(t, j);
        }
        char v[5][32];
        snprintf(v[0], 32, "%.6g", ketsim_traj_output(t, 0, cols[c]));
        snprintf(v[1], 32, "%.6g", ketsim_traj_output(t, n - 1, cols[c]));
        snprintf(v[2], 32, "%.6g", lo);
        snprintf(v[3], 32, "%.6g", hi);
        snprintf(v[4], 32, "%.6g", t_hi);
        const char *cells[] = {oi->name, oi->unit, v[0], v[1], v[2], v[3], v[4]};
        ketsim_html_table_row(&r->html, cells, KETSIM_HTML_PLAIN);
    }
    ketsim_html_table_end(&r->html);
}

/* The page, complete but not yet committed: the figures are drawn into
 * the report's scratch directory and inlined. */
static int write_report(const sim_opts *o, cli_report *r, const ketsim_simulation *sim, const cli_observed *obs,
                        const char *cmdline, ketsim_error *err)
{
    const ketsim_setup *subj = ketsim_simulation_setup(sim);
    char weight[32];
    int rc = o->plot_dir ? KETSIM_OK : draw_figures(o, sim, obs, cli_report_fig_dir(r), err);
    if (rc)
        return rc;
    cli_run_info info = {0};
    if (strchr(o->drug, '/') || ends_with(o->drug, ".yaml") || ends_with(o->drug, ".yml"))
        info.inputs[info.n_inputs++] = o->drug; /* a drug file, not a built-in name */
    if (o->params_file)
        info.inputs[info.n_inputs++] = o->params_file;
    if (o->observed)
        info.inputs[info.n_inputs++] = o->observed;
    cli_report_begin(r, "ketsim simulate", cmdline, &info);
    ketsim_html_section(&r->html, "Subject");
    ketsim_html_kv_begin(&r->html);
    ketsim_html_kv(&r->html, "species", ketsim_species_name(subj->species));
    ketsim_html_kv(&r->html, "drug", subj->drug);
    snprintf(weight, sizeof weight, "%.6g", ketsim_simulation_weight_kg(sim));
    ketsim_html_kv(&r->html, "weight (kg)", weight);
    for (size_t i = 0; i < o->n_doses; i++)
        ketsim_html_kv(&r->html, "dose", o->doses[i]);
    if (!o->n_doses)
        ketsim_html_kv(&r->html, "dose", "the default: racemic ketamine 0.5 mg/kg IV over 40 min");
    ketsim_html_kv_end(&r->html);
    cli_report_params(r, subj->params, "Overrides come from --params and --set.");
    report_outputs(r, sim);
    static const char *const order[] = {"concentrations", "cascade", "clinical", NULL};
    return cli_report_figures(r, order, err);
}

/* --dataset: every subject of a NONMEM-style file. */
static int simulate_dataset(const sim_opts *o, const char *cmdline)
{
    ketsim_error err = {0};
    cli_subject subj;
    int rc = cli_subject_init(&subj, o->species, o->drug, o->params_file, (char **)o->sets, o->n_sets, &err);
    if (!rc && o->weight_given)
        subj.weight_kg = o->weight_kg;
    if (!rc)
        rc = cli_simulate_dataset(&subj, o->dataset, o->out, o->report, o->quiet, cmdline, &err);
    cli_subject_free(&subj);
    return rc ? cli_fail(&err) : 0;
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
    if (o.dataset)
        return simulate_dataset(&o, cmdline);

    ketsim_error err = {0};
    ketsim_simulation *sim = NULL;
    ketsim_simulate_request rq = {.species = o.species, .drug = o.drug, .params_file = o.params_file,
                                  .sets = (const char *const *)o.sets, .n_sets = o.n_sets,
                                  .weight_kg = o.weight_given ? o.weight_kg : 0,
                                  .doses = o.doses, .n_doses = o.n_doses, .until_h = o.until_h,
                                  .every_h = o.every_h, .outputs = o.outputs,
                                  .cancel = cli_interrupt_flag()};
    /* the outputs are opened (and so checked) before the solve */
    cli_file out;
    cli_outdirs figs;
    memset(&out, 0, sizeof out);
    memset(&figs, 0, sizeof figs);
    cli_report rep;
    /* with figures, the table goes only where --out names: a figure run
     * does not also pour its CSV onto the terminal */
    int table = !(o.plot_dir && !o.out);
    /* observations are read before any output exists: a bad file leaves none */
    cli_observed *obs = NULL;
    int rc = o.observed ? cli_observed_read(o.observed, "simulate", &obs, &err) : 0;
    if (!rc && table)
        rc = cli_file_open(&out, o.out, &err);
    if (!rc && o.plot_dir)
        rc = cli_outdirs_begin(&figs, NULL, o.plot_dir, "simulate", &err);
    if (!rc)
        rc = cli_report_open(&rep, o.report, !o.plot_dir, &err);
    else
        memset(&rep, 0, sizeof rep);
    if (!rc)
        rc = ketsim_simulation_open(&rq, &sim, &err);
    /* without figures nothing needs the whole trajectory: rows go to the
     * file as they are solved */
    int whole = o.plot_dir || o.report;
    if (!rc && !whole)
        rc = stream_result(&o, &out, sim, &err);
    else if (!rc)
        rc = ketsim_simulation_solve(sim, &err);
    if (cli_interrupted())
        cli_interrupt_wait(); /* the watcher removes the outputs and ends the run */
    if (!rc && o.plot_dir) {
        rc = draw_figures(&o, sim, obs, cli_outdirs_plot_stage(&figs), &err);
        cli_report_use_figures(&rep, cli_outdirs_plot_stage(&figs));
    }
    /* the page is complete before any output is committed; it is committed last */
    if (!rc && o.report)
        rc = write_report(&o, &rep, sim, obs, cmdline, &err);
    if (!rc && whole && table)
        rc = write_result(&o, &out, sim, &err);
    cli_run_info info = {0};
    if (!rc && o.plot_dir)
        rc = cli_outdirs_publish(&figs, &info, &err);
    if (!rc)
        rc = cli_report_commit(&rep, &err);
    cli_report_abort(&rep);
    cli_file_abort(&out);
    cli_outdirs_end(&figs);
    ketsim_simulation_free(sim);
    cli_observed_free(obs);
    return rc ? cli_fail(&err) : 0;
}
