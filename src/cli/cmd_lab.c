/* ketsim lab: run a virtual animal (or human biomarker) experiment. */
#include "cli.h"
#include "ketsim/formats.h"
#include "ketsim/lab.h"
#include "ketsim/plot_results.h"
#include "interrupt.h"
#include "output.h"
#include "results_db_cli.h"
#include "report_cli.h"
#include "util/files.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define LAB_CLI_MAX_SETS 64

void help_lab(void)
{
    puts("usage: ketsim lab --list\n"
         "       ketsim lab NAME|FILE.yaml [--seed N] [--out-dir DIR] [--plot DIR]\n"
         "                             [--out FILE.sqlite] [--set NAME=VALUE]...\n"
         "                             [--report FILE.html]\n"
         "\n"
         "Run a virtual laboratory experiment: groups of animals with their stress\n"
         "paradigm, genotype, pretreatments and test drug, read out by Western blot,\n"
         "spine counts, microdialysis, MRS, plasma BDNF, forced swim or sucrose\n"
         "preference at the protocol's times.  Prints mean +- SEM per group with a\n"
         "t test (two groups) or one-way ANOVA with Holm-adjusted tests vs the control\n"
         "group.  NAME is a built-in experiment (--list); the file format is in\n"
         "docs/lab.md.  With --out-dir, writes NAME_animals.csv (one row per animal and\n"
         "read-out) and NAME_summary.json.  With --plot, NAME_readouts.png/.svg: a panel per\n"
         "read-out with a bar per group (mean, SEM whiskers) and a dot per animal\n"
         "(NAME_readouts_2, ... past four read-outs).  --seed defaults to the protocol's seed.\n"
         "--out FILE.sqlite (or .sqlite3, .db) stores groups, read-outs, every animal's\n"
         "value, group statistics and contrasts in an SQLite database (docs/formats.md).\n"
         "--report FILE.html writes one self-contained page: command line, version, git\n"
         "commit, seed, the parameters changed from their defaults (--set and the\n"
         "protocol's own) with their sources, the group table and the figures as SVG\n"
         "(docs/formats.md, \"Run report\"); written only when the whole run succeeds.\n"
         "\n"
         "examples:\n"
         "  ketsim lab --list\n"
         "  ketsim lab ampa_block\n"
         "  ketsim lab chronic_stress --seed 3 --out-dir out\n"
         "  ketsim lab my_protocol.yaml --set lab.fst.sd_s=30");
}

static int write_animals(FILE *fp, const void *res, ketsim_error *err)
{
    return ketsim_lab_write_animals_csv(res, fp, err);
}

static int write_summary(FILE *fp, const void *res, ketsim_error *err)
{
    return ketsim_lab_write_summary_json(res, fp, err);
}

static int write_files(const ketsim_lab_result *res, const ketsim_lab_protocol *p, cli_outdirs *out,
                       ketsim_error *err)
{
    char name[128];
    snprintf(name, sizeof name, "%s_animals.csv", p->name);
    int rc = cli_outdirs_write(out, name, write_animals, res, err);
    snprintf(name, sizeof name, "%s_summary.json", p->name);
    if (!rc)
        rc = cli_outdirs_write(out, name, write_summary, res, err);
    return rc;
}

static int print_groups(FILE *fp, const void *res, ketsim_error *err)
{
    return ketsim_lab_print_table(res, fp, err);
}

/* The page, complete but not committed (the caller commits it last). */
/* figures_drawn: --plot drew them into its staging directory, which the
 * page reads (cli_report_use_figures); otherwise they go to the report's
 * scratch directory. */
static int write_report(cli_report *r, const ketsim_lab_protocol *p, const ketsim_params *params,
                        const ketsim_lab_result *res, const char *cmdline, const cli_run_info *info,
                        int figures_drawn, ketsim_error *err)
{
    if (!cli_report_active(r))
        return KETSIM_OK;
    int rc = KETSIM_OK;
    if (!figures_drawn) {
        cli_output_lock();
        rc = ketsim_plot_lab(p, res, cli_report_fig_dir(r), err);
        cli_output_unlock();
    }
    if (rc)
        return rc;
    cli_report_begin(r, "ketsim lab", cmdline, info);
    ketsim_html_section(&r->html, "Protocol");
    ketsim_html_kv_begin(&r->html);
    ketsim_html_kv(&r->html, "protocol", p->name);
    ketsim_html_kv(&r->html, "species", ketsim_species_name(ketsim_params_species(params)));
    ketsim_html_kv_end(&r->html);
    cli_report_params(r, params, "Overrides come from --set and the protocol's own parameter settings.");
    rc = cli_report_printed(r, "Groups and tests", print_groups, res, err);
    return rc ? rc : cli_report_figures(r, NULL, err);
}

static int run_protocol(const char *arg, long seed, char **sets, size_t n_sets, const char *out_dir,
                        const char *plot_dir, const char *db_path, const char *report, const char *cmdline)
{
    ketsim_error err = {0};
    char path[4096];
    cli_outdirs out;
    memset(&out, 0, sizeof out);
    ketsim_lab_protocol *p = NULL;
    ketsim_params *params = NULL;
    ketsim_lab_result *res = NULL;
    /* the file found here is the one opened, and the one the manifest names */
    int rc = ketsim_lab_protocol_find(arg, path, sizeof path, &err);
    if (!rc)
        rc = ketsim_lab_open(path, (const char *const *)sets, n_sets, &p, &params, &err);
    /* the protocol's name goes into file names; the locations are checked
     * before the animals are simulated */
    if (!rc && (out_dir || plot_dir)) {
        char what[4200];
        snprintf(what, sizeof what, "%s: protocol name", path);
        rc = files_check_name(what, p->name, &err);
    }
    if (!rc)
        rc = cli_outdirs_begin(&out, out_dir, plot_dir, p->name, &err);
    ketsim_results_db *db = NULL;
    if (!rc && db_path)
        rc = cli_results_db_open(db_path, "lab", cmdline, 0, &db, &err);
    cli_report rep;
    if (!rc)
        rc = cli_report_open(&rep, report, !plot_dir, &err);
    else
        memset(&rep, 0, sizeof rep);
    long used_seed = seed >= 0 ? seed : p ? p->seed : 0; /* p is NULL when the protocol failed */
    if (!rc)
        rc = ketsim_lab_run(p, params, used_seed, &res, &err);
    if (!rc && out_dir)
        rc = write_files(res, p, &out, &err);
    if (!rc && plot_dir) {
        cli_output_lock();
        rc = ketsim_plot_lab(p, res, cli_outdirs_plot_stage(&out), &err);
        cli_output_unlock();
        cli_report_use_figures(&rep, cli_outdirs_plot_stage(&out));
    }
    cli_run_info info = {.n_seeds = 1, .seed_names = {p ? p->name : ""},
                         .seeds = {(unsigned long long)used_seed}, .n_inputs = 1, .inputs = {path}};
    if (!rc)
        rc = write_report(&rep, p, params, res, cmdline, &info, plot_dir != NULL, &err);
    if (!rc)
        rc = cli_outdirs_publish(&out, &info, &err);
    else
        cli_outdirs_end(&out);
    if (!rc && db) {
        rc = cli_results_db_lab_finish(db, res, params, &err);
        db = NULL; /* committed, or removed on failure */
    }
    cli_results_db_abort(db); /* only a run that failed before the commit */
    if (!rc)
        rc = cli_report_commit(&rep, &err); /* last: it describes the outputs above */
    cli_report_abort(&rep);
    if (!rc)
        rc = ketsim_lab_print_table(res, stdout, &err);
    if (!rc) {
        printf("\nprotocol file: %s\n", path);
        if (out_dir)
            printf("wrote %s/%s_animals.csv, %s/%s_summary.json and %s/%s_manifest.json\n", out_dir, p->name,
                   out_dir, p->name, out_dir, p->name);
        if (plot_dir)
            printf("wrote %s/%s_readouts.png/.svg\n", plot_dir, p->name);
        if (db_path)
            printf("wrote %s\n", db_path);
        if (report)
            printf("wrote %s\n", report);
    }
    ketsim_lab_result_free(res);
    ketsim_params_free(params);
    free(p);
    return rc ? cli_fail(&err) : 0;
}

int cmd_lab(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"list", no_argument, 0, 'l'}, {"seed", required_argument, 0, 's'},
        {"out-dir", required_argument, 0, 'o'}, {"set", required_argument, 0, 'S'},
        {"plot", required_argument, 0, 'P'},    {"out", required_argument, 0, 'D'},
        {"report", required_argument, 0, 'R'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
    };
    long seed = -1;
    const char *out_dir = NULL, *plot_dir = NULL, *db_path = NULL, *report = NULL;
    char cmdline[8192]; /* for --out's run table, before getopt reorders argv */
    cli_results_db_command_line(cmdline, sizeof cmdline, argc, argv);
    char *sets[LAB_CLI_MAX_SETS];
    size_t n_sets = 0;
    int list = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'l': list = 1; break;
        case 's': {
            double v;
            if (cli_parse_double(optarg, &v) || v != floor(v) || v < 0 || v > 0x7fffffffL)
                return cli_usage("lab", "--seed '%s': expected an integer between 0 and 2147483647", optarg);
            seed = (long)v;
            break;
        }
        case 'o': out_dir = optarg; break;
        case 'D':
            if (!cli_results_db_path(optarg))
                return cli_usage("lab", "--out '%s': expected a database file ending in .sqlite, .sqlite3 or .db",
                                 optarg);
            db_path = optarg;
            break;
        case 'P': plot_dir = optarg; break;
        case 'R':
            if (cli_report_check_path("lab", optarg))
                return 2;
            report = optarg;
            break;
        case 'S':
            if (n_sets == LAB_CLI_MAX_SETS)
                return cli_usage("lab", "too many --set options (max %d)", LAB_CLI_MAX_SETS);
            sets[n_sets++] = optarg;
            break;
        case 'h': help_lab(); return 0;
        default:
            return cli_usage("lab", "unknown or incomplete option '%s' (see ketsim help lab)", argv[optind - 1]);
        }
    }
    if (list) {
        if (optind < argc)
            return cli_usage("lab", "--list takes no experiment");
        ketsim_error err = {0};
        ketsim_params *tables = NULL;
        int rc = ketsim_params_create(KETSIM_HUMAN, &tables, &err);
        if (!rc)
            rc = ketsim_lab_protocol_list(stdout, tables, &err);
        ketsim_params_free(tables);
        return rc ? cli_fail(&err) : 0;
    }
    if (optind >= argc)
        return cli_usage("lab", "missing experiment NAME or FILE (see ketsim lab --list)");
    if (optind + 1 < argc)
        return cli_usage("lab", "unexpected argument '%s'", argv[optind + 1]);
    return run_protocol(argv[optind], seed, sets, n_sets, out_dir, plot_dir, db_path, report, cmdline);
}
