/* ketsim trial: run a virtual clinical trial from a scenario. */
#include "cli.h"
#include "trial_cli.h"
#include "ketsim/plot_results.h"
#include "util/atomic.h"
#include "util/dist.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_SETS 256

void help_trial(void)
{
    puts("usage: ketsim trial --list\n"
         "       ketsim trial NAME|FILE.yaml [--seed N] [--replicates R] [--out-dir DIR]\n"
         "                                  [--threads N] [--set NAME=VALUE]... [--plot DIR]\n"
         "                                  [--subjects N] [--no-subjects] [--format csv|nonmem]\n"
         "                                  [--on-failure stop|skip] [--subject-timeout SECONDS]\n"
         "\n"
         "Run a virtual clinical trial: virtual patients (covariates, variability, placebo\n"
         "response, rater noise) simulated through a parallel or crossover design, with\n"
         "endpoints per replicate trial and their median and 5th-95th percentiles over\n"
         "replicates, and the power of each test.  NAME is a built-in scenario (--list);\n"
         "the file format is in docs/trial.md.  --seed and --replicates default to the\n"
         "scenario's values.  With --out-dir, writes NAME_subjects.csv (replicate 0, long\n"
         "format; not with --no-subjects; with --format nonmem NAME_subjects_nonmem.csv, a\n"
         "NONMEM-style dataset of doses and ratings) and NAME_summary.json there.  --subjects N\n"
         "replaces the scenario's size.  Results do not depend on --threads or on the\n"
         "number of MPI processes (mpirun -np K ketsim trial ...).\n"
         "A subject whose solve fails (or runs past --subject-timeout, default 10 s) stops\n"
         "the run with exit 1 (--on-failure stop, the default), or with --on-failure skip\n"
         "is reported on stderr, counted, and left out of every endpoint.\n"
         "With --plot, NAME_madrs.png/.svg (MADRS per arm in replicate 0: the arm mean\n"
         "with the patients' 5th-95th percentile band) and, with follow-up,\n"
         "NAME_relapse.png/.svg (Kaplan-Meier relapse curves of replicate 0).\n"
         "\n"
         "examples:\n"
         "  ketsim trial zarate2006 --replicates 50\n"
         "  ketsim trial murrough2013 --seed 7 --out-dir out\n"
         "  ketsim trial my_trial.yaml --set pop.placebo.mean_points=4");
}

int trial_cli_default_threads(void)
{
    return ketsim_default_threads();
}

static int mkdir_created(const char *dir, int *created, ketsim_error *err)
{
    struct stat st;
    *created = 0;
    if (stat(dir, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return KETSIM_OK;
        return KETSIM_FAIL(err, KETSIM_EIO, "--out-dir '%s': exists and is not a directory", dir);
    }
    if (mkdir(dir, 0777) != 0)
        return KETSIM_FAIL(err, KETSIM_EIO, "--out-dir '%s': cannot create: %s", dir, strerror(errno));
    *created = 1;
    return KETSIM_OK;
}

int trial_cli_mkdir(const char *dir, ketsim_error *err)
{
    int created;
    return mkdir_created(dir, &created, err);
}

/* Failed subjects: the first ten in the run are named on stderr. */
typedef struct failure_log {
    size_t shown, total;
} failure_log;

static void report_failure(const ketsim_trial_subject_result *subj, void *user)
{
    failure_log *log = user;
    if (trial_dist_rank() != 0)
        return;
    if (log->shown < 10) {
        fprintf(stderr, "ketsim: skipped %s\n", subj->fail_reason);
        log->shown++;
    }
    log->total++;
}

void trial_cli_result_free(trial_cli_result *res)
{
    ketsim_trial_outcome_free(res);
}

/* format: 1 long CSV, 2 NONMEM-style dataset (subj NULL: no subject file). */
static int write_outputs(const trial_cli_result *res, const ketsim_trial_subject_result *subj, int format,
                         const char *dir, ketsim_error *err)
{
    char path[4096];
    atomic_file af;
    snprintf(path, sizeof path, "%s/%s_subjects%s.csv", dir, res->sc.name, format == 2 ? "_nonmem" : "");
    int rc;
    if (subj) {
        if ((rc = atomic_open(&af, path, err)))
            return rc;
        rc = format == 2 ? ketsim_trial_write_subjects_nonmem(af.fp, &res->sc, subj, err)
                         : ketsim_trial_write_subjects_csv(af.fp, &res->sc, subj, 0, err);
        if (rc) {
            atomic_abort(&af);
            return rc;
        }
        if ((rc = atomic_commit(&af, err)))
            return rc;
    }
    snprintf(path, sizeof path, "%s/%s_summary.json", dir, res->sc.name);
    if ((rc = atomic_open(&af, path, err)))
        return rc;
    rc = ketsim_trial_write_summary_json(af.fp, &res->sc, &res->opts, res->reps, (size_t)res->opts.replicates, err);
    if (rc) {
        atomic_abort(&af);
        return rc;
    }
    return atomic_commit(&af, err);
}

int trial_cli_run(const ketsim_trial_scenario *sc, const ketsim_trial_run_opts *o, char **sets, size_t n_sets,
                  const char *out_dir, int subjects_csv, const char *plot_dir, trial_cli_result *res)
{
    ketsim_error err = {0};
    failure_log log = {0};
    int created = 0, rc = 0;
    memset(res, 0, sizeof *res);
    if (out_dir && trial_dist_rank() == 0)
        rc = mkdir_created(out_dir, &created, &err);
    if (!rc)
        rc = ketsim_trial_execute(sc, o, (const char *const *)sets, n_sets, (out_dir && subjects_csv) || plot_dir,
                                  report_failure, &log, res, &err);
    if (log.total > log.shown)
        fprintf(stderr, "ketsim: ... and %zu more skipped subjects\n", log.total - log.shown);
    /* under MPI every rank has every result; one writes */
    if (!rc && out_dir && trial_dist_rank() == 0)
        rc = write_outputs(res, subjects_csv ? res->first : NULL, subjects_csv, out_dir, &err);
    if (!rc && plot_dir && trial_dist_rank() == 0)
        rc = ketsim_plot_trial(sc, &res->defs, res->first, 1, plot_dir, &err);
    if (rc) {
        if (created)
            rmdir(out_dir); /* a failed run leaves no trace; fails harmlessly if not empty */
        trial_cli_result_free(res);
        return cli_fail(&err);
    }
    return 0;
}

static int parse_count(const char *s, long lo, long hi, long *out)
{
    double v;
    if (cli_parse_double(s, &v) || v != floor(v) || v < (double)lo || v > (double)hi)
        return -1;
    *out = (long)v;
    return 0;
}

int cmd_trial(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"list", no_argument, 0, 'l'},          {"seed", required_argument, 0, 's'},
        {"replicates", required_argument, 0, 'r'}, {"out-dir", required_argument, 0, 'o'},
        {"plot", required_argument, 0, 'P'},
        {"threads", required_argument, 0, 't'}, {"set", required_argument, 0, 'S'},
        {"subjects", required_argument, 0, 'n'}, {"no-subjects", no_argument, 0, 'N'},
        {"format", required_argument, 0, 'f'},
        {"on-failure", required_argument, 0, 'F'}, {"subject-timeout", required_argument, 0, 'T'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0},
    };
    long seed = -1, reps = -1, threads = trial_cli_default_threads(), subjects = -1;
    int subjects_csv = 1, skip = 0, no_subjects = 0, format = 1;
    double timeout_s = 10;
    const char *out_dir = NULL, *plot_dir = NULL;
    char *sets[MAX_SETS];
    size_t n_sets = 0;
    int list = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'l': list = 1; break;
        case 's':
            if (parse_count(optarg, 0, 0x7fffffffL, &seed))
                return cli_usage("trial", "--seed '%s': expected an integer between 0 and 2147483647", optarg);
            break;
        case 'r':
            if (parse_count(optarg, 1, 100000, &reps))
                return cli_usage("trial", "--replicates '%s': expected an integer between 1 and 100000", optarg);
            break;
        case 't':
            if (parse_count(optarg, 1, 64, &threads))
                return cli_usage("trial", "--threads '%s': expected an integer between 1 and 64", optarg);
            break;
        case 'n':
            if (parse_count(optarg, 1, KETSIM_TRIAL_MAX_SUBJECTS, &subjects))
                return cli_usage("trial", "--subjects '%s': expected an integer between 1 and %d", optarg,
                                 KETSIM_TRIAL_MAX_SUBJECTS);
            break;
        case 'N': no_subjects = 1; break;
        case 'f':
            if (strcmp(optarg, "csv") != 0 && strcmp(optarg, "nonmem") != 0)
                return cli_usage("trial", "--format '%s': expected csv or nonmem", optarg);
            format = optarg[0] == 'n' ? 2 : 1;
            break;
        case 'o': out_dir = optarg; break;
        case 'F':
            if (strcmp(optarg, "stop") != 0 && strcmp(optarg, "skip") != 0)
                return cli_usage("trial", "--on-failure '%s': expected stop or skip", optarg);
            skip = optarg[1] == 'k';
            break;
        case 'T':
            if (cli_parse_double(optarg, &timeout_s) || !(timeout_s > 0 && timeout_s <= 86400))
                return cli_usage("trial", "--subject-timeout '%s': expected seconds in (0, 86400]", optarg);
            break;
        case 'P': plot_dir = optarg; break;
        case 'S':
            if (n_sets == MAX_SETS)
                return cli_usage("trial", "too many --set options (max %d)", MAX_SETS);
            sets[n_sets++] = optarg;
            break;
        case 'h': help_trial(); return 0;
        default:
            return cli_usage("trial", "unknown or incomplete option '%s' (see ketsim help trial)", argv[optind - 1]);
        }
    }
    if (list) {
        if (optind < argc)
            return cli_usage("trial", "--list takes no scenario");
        ketsim_error err = {0};
        return ketsim_trial_scenario_list(stdout, &err) ? cli_fail(&err) : 0;
    }
    if (optind >= argc)
        return cli_usage("trial", "missing scenario NAME or FILE (see ketsim trial --list)");
    if (optind + 1 < argc)
        return cli_usage("trial", "unexpected argument '%s'", argv[optind + 1]);
    subjects_csv = no_subjects ? 0 : format; /* 0 none, 1 long CSV, 2 NONMEM-style */
    ketsim_trial_scenario sc;
    ketsim_error err = {0};
    if (ketsim_trial_open(argv[optind], (int)subjects, &sc, &err))
        return cli_fail(&err);
    ketsim_trial_run_opts o;
    ketsim_trial_opts_init(&sc, seed, (int)reps, (int)threads, &o);
    o.skip_failures = skip;
    o.subject_timeout_s = timeout_s;
    trial_cli_result res;
    int st = trial_cli_run(&sc, &o, sets, n_sets, out_dir, subjects_csv, plot_dir, &res);
    if (st)
        return st;
    if (trial_dist_rank() == 0) {
        ketsim_error perr = {0};
        if (ketsim_trial_print_table(stdout, &res.sc, &res.opts, res.reps, (size_t)res.opts.replicates, &perr)) {
            trial_cli_result_free(&res);
            return cli_fail(&perr);
        }
        if (out_dir && subjects_csv)
            printf("\nwrote %s/%s_subjects%s.csv and %s/%s_summary.json\n", out_dir, sc.name,
                   subjects_csv == 2 ? "_nonmem" : "", out_dir, sc.name);
        else if (out_dir)
            printf("\nwrote %s/%s_summary.json\n", out_dir, sc.name);
        if (plot_dir)
            printf("%swrote %s/%s_madrs.png/.svg%s\n", out_dir ? "" : "\n", plot_dir, sc.name,
                   ketsim_trial_n_followup(&sc) ? " and the relapse curves" : "");
    }
    trial_cli_result_free(&res);
    return 0;
}
