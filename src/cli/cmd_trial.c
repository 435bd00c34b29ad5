/* ketsim trial: run a virtual clinical trial from a scenario. */
#include "cli.h"
#include "trial_cli.h"
#include "results_db_cli.h"
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

#define CHUNK_SUBJECTS 4096

#define MAX_SETS 256

void help_trial(void)
{
    puts("usage: ketsim trial --list\n"
         "       ketsim trial NAME|FILE.yaml [--seed N] [--replicates R] [--out-dir DIR]\n"
         "                                  [--out FILE.sqlite]\n"
         "                                  [--threads N] [--set NAME=VALUE]... [--plot DIR]\n"
         "                                  [--subjects N] [--no-subjects | --all-subjects]\n"
         "                                  [--format csv|nonmem] [--chunk-subjects N]\n"
         "                                  [--on-failure stop|skip] [--subject-timeout SECONDS]\n"
         "\n"
         "Run a virtual clinical trial: virtual patients (covariates, variability, placebo\n"
         "response, rater noise) simulated through a parallel or crossover design, with\n"
         "endpoints per replicate trial and their median and 5th-95th percentiles over\n"
         "replicates, and the power of each test.  NAME is a built-in scenario (--list);\n"
         "the file format is in docs/trial.md.  --seed and --replicates default to the\n"
         "scenario's values.  With --out-dir, writes NAME_subjects.csv (replicate 0, long\n"
         "format; not with --no-subjects; with --format nonmem NAME_subjects_nonmem.csv, a\n"
         "NONMEM-style dataset of doses and ratings) and NAME_summary.json there; with\n"
         "--all-subjects NAME_subjects.csv holds every replicate, written as each chunk of\n"
         "--chunk-subjects subjects (default 4096) finishes, so memory stays flat.\n"
         "--out FILE.sqlite (or .sqlite3, .db) stores the run in an SQLite database: run\n"
         "metadata, changed parameters, arms, visits, subjects and ratings (the replicates\n"
         "the subjects CSV would hold), endpoints per replicate, summary and power\n"
         "(docs/formats.md); it replaces FILE only once complete.\n"
         "--subjects N replaces the scenario's size.  Results do not depend on --threads or on the\n"
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
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        n = 1;
    return n > 16 ? 16 : (int)n;
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

/* Skipped subjects, one line each on stderr (the first few). */
/* Failed subjects of one chunk of replicates: the first ten in the run are
 * named on stderr; *shown and *total carry the counts across chunks. */
static void report_failures(const ketsim_trial_scenario *sc, const ketsim_trial_subject_result *subj, int replicates,
                            size_t *shown, size_t *total)
{
    size_t n_items = (size_t)replicates * (size_t)sc->n_subjects;
    for (size_t i = 0; i < n_items; i++) {
        if (!subj[i].failed)
            continue;
        if (*shown < 10) {
            fprintf(stderr, "ketsim: skipped %s\n", subj[i].fail_reason);
            (*shown)++;
        }
        (*total)++;
    }
}

void trial_cli_result_free(trial_cli_result *res)
{
    if (res->reps)
        for (int r = 0; r < res->opts.replicates; r++)
            ketsim_trial_metrics_free(&res->reps[r]);
    free(res->reps);
    res->reps = NULL;
}

/* The NONMEM-style dataset of replicate 0 (when asked for) and the summary. */
static int write_outputs(const trial_cli_result *res, const ketsim_trial_subject_result *nonmem, const char *dir,
                         ketsim_error *err)
{
    char path[4096];
    atomic_file af;
    int rc;
    if (nonmem) {
        snprintf(path, sizeof path, "%s/%s_subjects_nonmem.csv", dir, res->sc.name);
        if ((rc = atomic_open(&af, path, err)))
            return rc;
        if ((rc = ketsim_trial_write_subjects_nonmem(af.fp, &res->sc, nonmem, err))) {
            atomic_abort(&af);
            return rc;
        }
        if ((rc = atomic_commit(&af, err)))
            return rc;
    }
    snprintf(path, sizeof path, "%s/%s_summary.json", dir, res->sc.name);
    if ((rc = atomic_open(&af, path, err)))
        return rc;
    rc = ketsim_trial_write_summary_json(af.fp, &res->sc, &res->defs, &res->opts, res->reps,
                                         (size_t)res->opts.replicates, err);
    if (rc) {
        atomic_abort(&af);
        return rc;
    }
    return atomic_commit(&af, err);
}

/* The long subjects CSV, written as the chunks of replicates finish: the
 * file is open (a temporary one, renamed at the end) for the whole run, and
 * each chunk's replicates go out in replicate order before the next chunk
 * is simulated, so memory does not grow with the replicates and the bytes do
 * not depend on the thread or process count. */
typedef struct subject_stream {
    int on;           /* 1: this process writes the file */
    int all;          /* every replicate (else replicate 0 only) */
    atomic_file af;
} subject_stream;

static int stream_open(subject_stream *st, const trial_cli_result *res, const char *dir, int mode,
                       ketsim_error *err)
{
    memset(st, 0, sizeof *st);
    if (!dir || (mode != TRIAL_SUBJECTS_FIRST && mode != TRIAL_SUBJECTS_ALL) || trial_dist_rank() != 0)
        return KETSIM_OK;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s_subjects.csv", dir, res->sc.name);
    int rc = atomic_open(&st->af, path, err);
    st->on = rc == KETSIM_OK;
    st->all = mode == TRIAL_SUBJECTS_ALL;
    return rc;
}

/* Replicates [r0, r0 + n) of a chunk whose subjects are in subj. */
static int stream_chunk(subject_stream *st, const trial_cli_result *res, const ketsim_trial_subject_result *subj,
                        int r0, int n, ketsim_error *err)
{
    size_t ns = (size_t)res->sc.n_subjects;
    int rc = KETSIM_OK;
    for (int r = 0; st->on && !rc && r < n && (st->all || r0 + r == 0); r++)
        rc = ketsim_trial_write_subjects_csv(st->af.fp, &res->sc, &res->defs, subj + (size_t)r * ns, r0 + r, err);
    return rc;
}

static int stream_close(subject_stream *st, int ok, ketsim_error *err)
{
    if (!st->on)
        return KETSIM_OK;
    st->on = 0;
    if (!ok) {
        atomic_abort(&st->af);
        return KETSIM_OK;
    }
    return atomic_commit(&st->af, err);
}

/* The scenario's table and endpoint rules: the human table, --set, and the
 * scenario's own trial.* overrides and relapse rules. */
static int setup_params(const ketsim_trial_scenario *sc, char **sets, size_t n_sets, ketsim_params **params,
                        trial_cli_result *res, ketsim_error *err)
{
    int rc = ketsim_params_create(KETSIM_HUMAN, params, err);
    for (size_t i = 0; !rc && i < n_sets; i++) {
        rc = ketsim_params_set_assignment(*params, sets[i], err);
        if (rc)
            ketsim_error_prefix(err, "--set: ");
    }
    if (rc)
        return rc;
    /* the scenario's own overrides also reach the endpoint definitions */
    for (size_t i = 0; !rc && i < sc->n_sets; i++)
        if (strncmp(sc->set_name[i], "trial.", 6) == 0)
            rc = ketsim_params_set(*params, sc->set_name[i], sc->set_value[i], err);
    ketsim_trial_defs_read(*params, &res->defs);
    ketsim_trial_defs_scenario(sc, &res->defs);
    res->opts.alpha = res->defs.alpha;
    return rc;
}

/* The results database's share of one chunk: the replicates the subjects
 * CSV would hold (none, replicate 0, or all). */
static int db_chunk(ketsim_results_db *db, const trial_cli_result *res, const ketsim_trial_subject_result *subj,
                    int r0, int n, int mode, ketsim_error *err)
{
    int rc = KETSIM_OK;
    for (int r = 0; db && !rc && r < n && mode != TRIAL_SUBJECTS_NONE && (mode == TRIAL_SUBJECTS_ALL || r0 + r == 0);
         r++)
        rc = ketsim_results_db_trial_subjects(db, &res->sc, &res->defs, subj + (size_t)r * res->sc.n_subjects, r0 + r,
                                              err);
    return rc;
}

int trial_cli_run(const ketsim_trial_scenario *sc, const ketsim_trial_run_opts *o, char **sets, size_t n_sets,
                  const char *out_dir, int subjects, int chunk_subjects, const char *plot_dir, ketsim_results_db *db,
                  trial_cli_result *res)
{
    memset(res, 0, sizeof *res);
    res->sc = *sc;
    res->opts = *o;
    ketsim_error err = {0};
    ketsim_params *params = NULL;
    ketsim_trial_subject_result *subj = NULL;
    int rc = setup_params(sc, sets, n_sets, &params, res, &err);
    if (!rc && db)
        rc = cli_results_db_trial_setup(db, sc, o, params, &err);
    int created = 0;
    if (!rc && out_dir && trial_dist_rank() == 0)
        rc = mkdir_created(out_dir, &created, &err);
    if (!rc) {
        res->reps = calloc((size_t)o->replicates, sizeof *res->reps);
        if (!res->reps)
            rc = KETSIM_FAIL(&err, KETSIM_ENOMEM, "out of memory");
    }
    /* Replicates are simulated in chunks of about chunk_subjects subjects and
     * reduced to their endpoints as they come, so memory does not grow with
     * the number of replicates; subjects go to the subjects CSV as each
     * chunk finishes, and replicate 0's are kept for the NONMEM-style file
     * and the figures. */
    ketsim_trial_subject_result *first = NULL;
    size_t ns = (size_t)sc->n_subjects, shown = 0, total_failed = 0;
    int per = chunk_subjects > 0 ? chunk_subjects : CHUNK_SUBJECTS;
    int chunk = per / sc->n_subjects > 1 ? per / sc->n_subjects : 1;
    if (chunk > o->replicates)
        chunk = o->replicates;
    if (!rc) {
        subj = malloc((size_t)chunk * ns * sizeof *subj); /* one buffer for every chunk */
        int keep_first = (out_dir && subjects == TRIAL_SUBJECTS_NONMEM) || plot_dir;
        if (keep_first)
            first = malloc(ns * sizeof *first);
        if (!subj || (keep_first && !first))
            rc = KETSIM_FAIL(&err, KETSIM_ENOMEM, "out of memory for %d x %zu subjects", chunk, ns);
    }
    subject_stream st = {0};
    if (!rc)
        rc = stream_open(&st, res, out_dir, subjects, &err);
    for (int r0 = 0; !rc && r0 < o->replicates; r0 += chunk) {
        ketsim_trial_run_opts co = *o;
        co.first_replicate = r0;
        co.replicates = o->replicates - r0 < chunk ? o->replicates - r0 : chunk;
        rc = ketsim_trial_run_into(sc, params, &co, subj, &err);
        if (!rc && o->skip_failures && trial_dist_rank() == 0)
            report_failures(sc, subj, co.replicates, &shown, &total_failed);
        for (int r = 0; !rc && r < co.replicates; r++)
            rc = ketsim_trial_endpoints(sc, &res->defs, subj + (size_t)r * ns, &res->reps[r0 + r], &err);
        if (!rc)
            rc = stream_chunk(&st, res, subj, r0, co.replicates, &err);
        if (!rc)
            rc = db_chunk(db, res, subj, r0, co.replicates, subjects, &err);
        if (!rc && r0 == 0 && first)
            memcpy(first, subj, ns * sizeof *first); /* replicate 0, for the NONMEM-style file and figures */
    }
    free(subj);
    int crc = stream_close(&st, !rc, &err);
    if (!rc)
        rc = crc;
    if (total_failed > shown)
        fprintf(stderr, "ketsim: ... and %zu more skipped subjects\n", total_failed - shown);
    /* under MPI every rank has every result; one writes */
    if (!rc && out_dir && trial_dist_rank() == 0)
        rc = write_outputs(res, subjects == TRIAL_SUBJECTS_NONMEM ? first : NULL, out_dir, &err);
    if (!rc && plot_dir && trial_dist_rank() == 0)
        rc = ketsim_plot_trial(sc, &res->defs, first, 1, plot_dir, &err);
    if (!rc && db)
        rc = ketsim_results_db_trial_endpoints(db, sc, &res->opts, res->reps, (size_t)o->replicates, &err);
    if (db && !rc)
        rc = ketsim_results_db_commit(db, &err); /* the database is complete: it takes its name */
    else if (db)
        ketsim_results_db_abort(db);
    free(first);
    ketsim_params_free(params);
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
        {"out", required_argument, 0, 'D'},
        {"replicates", required_argument, 0, 'r'}, {"out-dir", required_argument, 0, 'o'},
        {"plot", required_argument, 0, 'P'},
        {"threads", required_argument, 0, 't'}, {"set", required_argument, 0, 'S'},
        {"subjects", required_argument, 0, 'n'}, {"no-subjects", no_argument, 0, 'N'},
        {"all-subjects", no_argument, 0, 'A'},  {"chunk-subjects", required_argument, 0, 'C'},
        {"format", required_argument, 0, 'f'},
        {"on-failure", required_argument, 0, 'F'}, {"subject-timeout", required_argument, 0, 'T'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0},
    };
    long seed = -1, reps = -1, threads = trial_cli_default_threads(), subjects = -1, chunk = 0;
    int subjects_csv = TRIAL_SUBJECTS_FIRST, skip = 0, no_subjects = 0, all_subjects = 0, format = 1;
    double timeout_s = 10;
    const char *out_dir = NULL, *plot_dir = NULL, *db_path = NULL;
    char *sets[MAX_SETS];
    size_t n_sets = 0;
    int list = 0, c;
    char cmdline[8192]; /* for --out's run table, before getopt reorders argv */
    cli_results_db_command_line(cmdline, sizeof cmdline, argc, argv);
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
        case 'A': all_subjects = 1; break;
        case 'C':
            if (parse_count(optarg, 1, KETSIM_TRIAL_MAX_ITEMS, &chunk))
                return cli_usage("trial", "--chunk-subjects '%s': expected an integer between 1 and %d", optarg,
                                 KETSIM_TRIAL_MAX_ITEMS);
            break;
        case 'f':
            if (strcmp(optarg, "csv") != 0 && strcmp(optarg, "nonmem") != 0)
                return cli_usage("trial", "--format '%s': expected csv or nonmem", optarg);
            format = optarg[0] == 'n' ? 2 : 1;
            break;
        case 'o': out_dir = optarg; break;
        case 'D':
            if (!cli_results_db_path(optarg))
                return cli_usage("trial", "--out '%s': expected a database file ending in .sqlite, .sqlite3 or .db",
                                 optarg);
            db_path = optarg;
            break;
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
    if (all_subjects && no_subjects)
        return cli_usage("trial", "--all-subjects and --no-subjects exclude each other");
    if (all_subjects && format == 2)
        return cli_usage("trial", "--all-subjects writes the long CSV; the NONMEM-style file holds replicate 0");
    subjects_csv = no_subjects ? TRIAL_SUBJECTS_NONE
                   : all_subjects ? TRIAL_SUBJECTS_ALL
                   : format == 2 ? TRIAL_SUBJECTS_NONMEM
                                 : TRIAL_SUBJECTS_FIRST;
    ketsim_trial_scenario sc;
    ketsim_error err = {0};
    if (ketsim_trial_scenario_resolve(argv[optind], &sc, &err))
        return cli_fail(&err);
    if (subjects > 0) {
        sc.n_subjects = (int)subjects;
        if (ketsim_trial_scenario_check(&sc, &err)) {
            ketsim_error_prefix(&err, "--subjects: ");
            return cli_fail(&err);
        }
    }
    ketsim_trial_run_opts o = {.seed = seed >= 0 ? (uint64_t)seed : sc.seed,
                        .replicates = reps > 0 ? (int)reps : sc.replicates,
                        .threads = (int)threads,
                        .skip_failures = skip,
                        .subject_timeout_s = timeout_s};
    ketsim_results_db *db = NULL; /* trial_cli_run commits or removes it */
    if (db_path && trial_dist_rank() == 0 &&
        cli_results_db_open(db_path, "trial", cmdline, (int)threads, &db, &err))
        return cli_fail(&err);
    trial_cli_result res;
    int st = trial_cli_run(&sc, &o, sets, n_sets, out_dir, subjects_csv, (int)chunk, plot_dir, db, &res);
    if (st)
        return st;
    if (trial_dist_rank() == 0) {
        ketsim_error perr = {0};
        if (ketsim_trial_print_table(stdout, &res.sc, &res.defs, &res.opts, res.reps, (size_t)res.opts.replicates,
                                     &perr)) {
            trial_cli_result_free(&res);
            return cli_fail(&perr);
        }
        if (out_dir && subjects_csv)
            printf("\nwrote %s/%s_subjects%s.csv%s and %s/%s_summary.json\n", out_dir, sc.name,
                   subjects_csv == TRIAL_SUBJECTS_NONMEM ? "_nonmem" : "",
                   subjects_csv == TRIAL_SUBJECTS_ALL ? " (every replicate)" : "", out_dir, sc.name);
        else if (out_dir)
            printf("\nwrote %s/%s_summary.json\n", out_dir, sc.name);
        if (plot_dir)
            printf("%swrote %s/%s_madrs.png/.svg%s\n", out_dir ? "" : "\n", plot_dir, sc.name,
                   ketsim_trial_n_followup(&sc) ? " and the relapse curves" : "");
        if (db_path)
            printf("%swrote %s\n", out_dir || plot_dir ? "" : "\n", db_path);
    }
    trial_cli_result_free(&res);
    return 0;
}
