/* ketsim trial: run a virtual clinical trial from a scenario. */
#include "cli.h"
#include "trial_cli.h"
#include "results_db_cli.h"
#include "report_cli.h"
#include "ketsim/plot_results.h"
#include "interrupt.h"
#include "output.h"
#include "util/files.h"
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
         "                                  [--report FILE.html] [--observed MEANS.csv]\n"
         "                                  [--subjects N] [--no-subjects | --all-subjects]\n"
         "                                  [--format csv|nonmem] [--chunk-subjects N]\n"
         "                                  [--uncertainty FIT.json | --parameter-sets FILE.csv]\n"
         "                                  [--omega-from FIT.json] [--omega PARAMETER=VARIANCE]...\n"
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
         "--report FILE.html writes one self-contained page: command line, version, git\n"
         "commit, seed, the parameters changed from their defaults (--set and the\n"
         "scenario's own) with their sources, the endpoint table and the figures as SVG\n"
         "(docs/formats.md, \"Run report\"); written only when the whole run succeeds.\n"
         "--observed MEANS.csv draws published arm means over the MADRS figure (of --plot\n"
         "or --report): columns arm, time_h (after the period's first dose; 0 baseline) and\n"
         "madrs_mean, optionally madrs_se (drawn as mean +- 1.96 SE) and source.\n"
         "--uncertainty FIT.json draws each replicate's THETAs from a population fit's\n"
         "covariance step (log scale); --parameter-sets FILE.csv gives them, one row of\n"
         "named values per replicate (fewer rows than replicates is refused).  The values\n"
         "used go to NAME_replicate_parameters.csv beside the summary (docs/trial.md).\n"
         "--omega P=VAR gives parameter P log-normal variability between subjects (VAR:\n"
         "variance of log P), as a scenario's omega key does; ETAs go to eta_P columns.\n"
         "--omega-from FIT.json takes a population fit's OMEGA (its ETAs' variances and block\n"
         "covariances) the same way, so `--uncertainty FIT.json --omega-from FIT.json` simulates\n"
         "the fit's population: its THETAs' uncertainty between replicates, its OMEGA between\n"
         "subjects (--omega after it replaces single variances).\n"
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

/* Skipped subjects: the first ten in the run named on stderr, the rest
 * counted (rank 0 only: under MPI every rank sees every subject). */
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

int trial_cli_result_copy_reps(const trial_cli_result *res, ketsim_trial_metrics **out, ketsim_error *err)
{
    size_t R = (size_t)res->opts.replicates;
    ketsim_trial_metrics *m = calloc(R, sizeof *m);
    if (!m)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    for (size_t r = 0; r < R; r++) {
        size_t M = res->reps[r].n;
        m[r].name = malloc((M ? M : 1) * sizeof *m[r].name);
        m[r].value = malloc((M ? M : 1) * sizeof *m[r].value);
        if (!m[r].name || !m[r].value) {
            for (size_t k = 0; k <= r; k++)
                ketsim_trial_metrics_free(&m[k]);
            free(m);
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
        }
        memcpy(m[r].name, res->names, M * sizeof *m[r].name);
        memcpy(m[r].value, res->reps[r].value, M * sizeof *m[r].value);
        m[r].n = m[r].cap = M;
    }
    *out = m;
    return KETSIM_OK;
}

static int write_nonmem(FILE *fp, const void *p, ketsim_error *err)
{
    const trial_cli_result *res = p;
    return ketsim_trial_write_subjects_nonmem(fp, &res->sc, res->first, err);
}

static int write_summary(FILE *fp, const void *p, ketsim_error *err)
{
    const trial_cli_result *res = p;
    return ketsim_trial_write_summary_json(fp, &res->sc, &res->defs, &res->opts, res->reps,
                                           (size_t)res->opts.replicates, err);
}

/* The NONMEM-style dataset of replicate 0 (when asked for) and the summary,
 * into the staging directory of the output set: published by the caller. */
static int write_outputs(const trial_cli_result *res, int nonmem, cli_outdirs *out, ketsim_error *err)
{
    char name[KETSIM_TRIAL_NAME_MAX + 32];
    int rc = KETSIM_OK;
    if (nonmem) {
        snprintf(name, sizeof name, "%s_subjects_nonmem.csv", res->sc.name);
        rc = cli_outdirs_write(out, name, write_nonmem, res, err);
    }
    snprintf(name, sizeof name, "%s_summary.json", res->sc.name);
    if (!rc)
        rc = cli_outdirs_write(out, name, write_summary, res, err);
    if (!rc)
        rc = trial_unc_cli_write(res, out, err);
    return rc;
}

/* The long subjects CSV, written as the chunks of replicates finish: the
 * file is open in the output set's stage for the whole run, and each
 * chunk's replicates go out in replicate order before the next chunk is
 * simulated, so memory does not grow with the replicates and the bytes do
 * not depend on the thread or process count.  Every write is under the
 * output lock, so an interrupt never cleans up under it. */
typedef struct subject_stream {
    const trial_cli_result *res;
    outset *set;      /* non-NULL: this process writes the file */
    int all;          /* every replicate (else replicate 0 only) */
    FILE *fp;
    char name[KETSIM_TRIAL_NAME_MAX + 32];
    ketsim_results_db *db; /* --out FILE.sqlite, or NULL */
    int mode;              /* TRIAL_SUBJECTS_*: which replicates the database keeps too */
} subject_stream;

static int stream_open(subject_stream *st, const trial_cli_result *res, cli_outdirs *out, int mode,
                       ketsim_error *err)
{
    memset(st, 0, sizeof *st);
    st->res = res;
    st->mode = mode;
    if (!out || !out->data || (mode != TRIAL_SUBJECTS_FIRST && mode != TRIAL_SUBJECTS_ALL))
        return KETSIM_OK;
    snprintf(st->name, sizeof st->name, "%s_subjects.csv", res->sc.name);
    cli_output_lock();
    int rc = outset_open_file(out->data, st->name, &st->fp, err);
    cli_output_unlock();
    if (!rc) {
        st->set = out->data;
        st->all = mode == TRIAL_SUBJECTS_ALL;
    }
    return rc;
}

/* Replicates [r0, r0 + n) of a chunk whose subjects are in subj (the
 * chunk callback of ketsim_trial_execute). */
static int stream_chunk(const ketsim_trial_subject_result *subj, int r0, int n, void *user, ketsim_error *err)
{
    subject_stream *st = user;
    const trial_cli_result *res = st->res;
    size_t ns = (size_t)res->sc.n_subjects;
    int rc = KETSIM_OK;
    cli_output_lock();
    for (int r = 0; st->set && !rc && r < n && (st->all || r0 + r == 0); r++)
        rc = ketsim_trial_write_subjects_csv(st->fp, &res->sc, &res->defs, subj + (size_t)r * ns, r0 + r, err);
    /* the database keeps the replicates the subjects CSV would hold */
    int db_all = st->mode == TRIAL_SUBJECTS_ALL;
    for (int r = 0; st->db && st->mode != TRIAL_SUBJECTS_NONE && !rc && r < n && (db_all || r0 + r == 0); r++)
        rc = ketsim_results_db_trial_subjects(st->db, &res->sc, &res->defs, subj + (size_t)r * ns, r0 + r, err);
    cli_output_unlock();
    return rc;
}

/* Close the file (checked); on an earlier failure the whole stage is
 * discarded by the caller anyway. */
static int stream_close(subject_stream *st, int ok, ketsim_error *err)
{
    if (!st->set)
        return KETSIM_OK;
    ketsim_error ignored = {0};
    cli_output_lock();
    int rc = outset_close_file(st->set, st->fp, st->name, ok ? err : &ignored);
    cli_output_unlock();
    st->set = NULL;
    return ok ? rc : KETSIM_OK;
}

int trial_cli_check_name(const ketsim_trial_scenario *sc, ketsim_error *err)
{
    char what[sizeof sc->file + 32];
    snprintf(what, sizeof what, "%s%sscenario name", sc->file, sc->file[0] ? ": " : "");
    return files_check_name(what, sc->name, err);
}

/* The database's own rows before the run: the scenario, its arms and
 * visits, and the parameters --set changed (the scenario's own `set`
 * entries are applied to a copy there, as the run applies them). */
static int db_setup(ketsim_results_db *db, const ketsim_trial_scenario *sc, const ketsim_trial_run_opts *o,
                    char **sets, size_t n_sets, ketsim_error *err)
{
    ketsim_params *base = NULL;
    int rc = ketsim_params_create(KETSIM_HUMAN, &base, err);
    for (size_t i = 0; !rc && i < n_sets; i++)
        if ((rc = ketsim_params_set_assignment(base, sets[i], err)))
            ketsim_error_prefix(err, "--set: ");
    if (!rc) {
        cli_output_lock();
        rc = cli_results_db_trial_setup(db, sc, o, base, err);
        cli_output_unlock();
    }
    ketsim_params_free(base);
    return rc;
}

int trial_cli_run(const ketsim_trial_scenario *sc, const ketsim_trial_run_opts *o, char **sets, size_t n_sets,
                  cli_outdirs *out, int subjects, int chunk_subjects, ketsim_results_db *db, trial_cli_result *res)
{
    return trial_cli_run_figs(sc, o, sets, n_sets, out, subjects, chunk_subjects, db, NULL, NULL, res);
}

int trial_cli_run_figs(const ketsim_trial_scenario *sc, const ketsim_trial_run_opts *o, char **sets, size_t n_sets,
                       cli_outdirs *out, int subjects, int chunk_subjects, ketsim_results_db *db,
                       const char *fig_dir, const ketsim_trial_observed *obs, trial_cli_result *res)
{
    const char *data_stage = out ? cli_outdirs_data_stage(out) : NULL;
    const char *plot_stage = out ? cli_outdirs_plot_stage(out) : NULL;
    ketsim_error err = {0};
    failure_log log = {0};
    int nonmem = data_stage && subjects == TRIAL_SUBJECTS_NONMEM;
    /* Subjects go to the subjects CSV as each chunk finishes (the file is
     * open in the output set's stage for the whole run); replicate 0's are
     * kept for the NONMEM-style file and the figures. */
    subject_stream st;
    memset(res, 0, sizeof *res);
    res->sc = *sc; /* the file names */
    int rc = stream_open(&st, res, data_stage ? out : NULL, subjects, &err);
    st.db = db;
    if (!rc && db)
        rc = db_setup(db, sc, o, sets, n_sets, &err);
    ketsim_trial_exec_opts x = {.keep_first = nonmem || plot_stage || fig_dir, .chunk_subjects = chunk_subjects,
                                .on_failure = report_failure, .failure_user = &log,
                                .on_chunk = stream_chunk, .chunk_user = &st};
    if (!rc)
        rc = ketsim_trial_execute(sc, o, (const char *const *)sets, n_sets, &x, res, &err);
    int crc = stream_close(&st, !rc, &err);
    if (!rc)
        rc = crc;
    if (log.total > log.shown)
        fprintf(stderr, "ketsim: ... and %zu more skipped subjects\n", log.total - log.shown);
    /* under MPI every rank has every result; the one with the output set
     * (rank 0) writes */
    if (!rc && data_stage)
        rc = write_outputs(res, nonmem, out, &err);
    if (!rc && plot_stage) {
        cli_output_lock();
        rc = ketsim_plot_trial(sc, &res->defs, res->first, 1, obs, plot_stage, &err);
        cli_output_unlock();
    }
    if (!rc && fig_dir) {
        cli_output_lock();
        rc = ketsim_plot_trial(sc, &res->defs, res->first, 1, obs, fig_dir, &err);
        cli_output_unlock();
    }
    if (!rc && db) {
        cli_output_lock();
        rc = ketsim_results_db_trial_endpoints(db, sc, &res->opts, res->reps, (size_t)o->replicates, &err);
        cli_output_unlock();
    }
    free(res->first);
    res->first = NULL;
    if (rc) {
        cli_results_db_abort(db);
        trial_cli_result_free(res);
        return cli_fail(&err);
    }
    return 0;
}

typedef struct trial_print_ctx {
    const trial_cli_result *res;
} trial_print_ctx;

static int print_endpoints(FILE *fp, const void *ctx, ketsim_error *err)
{
    const trial_cli_result *res = ((const trial_print_ctx *)ctx)->res;
    return ketsim_trial_print_table(fp, &res->sc, &res->defs, &res->opts, res->reps, (size_t)res->opts.replicates,
                                    err);
}

/* The parameters the run used: the human table, --set, then the
 * scenario's own `set` entries, in the order the run applies them. */
static int report_params(cli_report *r, const ketsim_trial_scenario *sc, char **sets, size_t n_sets,
                         ketsim_error *err)
{
    ketsim_params *p = NULL;
    int rc = ketsim_params_create(KETSIM_HUMAN, &p, err);
    for (size_t i = 0; !rc && i < n_sets; i++)
        if ((rc = ketsim_params_set_assignment(p, sets[i], err)))
            ketsim_error_prefix(err, "--set: ");
    if (!rc)
        rc = ketsim_trial_scenario_apply_sets(sc, p, err);
    if (!rc)
        cli_report_params(r, p, "Overrides come from --set and the scenario's own set entries.");
    ketsim_params_free(p);
    return rc;
}

/* The page, complete but not committed (the caller commits it after the
 * output set and the database). */
static int write_report(cli_report *r, const trial_cli_result *res, const char *cmdline, const cli_run_info *info,
                        char **sets, size_t n_sets, ketsim_error *err)
{
    if (!cli_report_active(r))
        return KETSIM_OK;
    char buf[64];
    cli_report_begin(r, "ketsim trial", cmdline, info);
    ketsim_html_section(&r->html, "Scenario");
    ketsim_html_kv_begin(&r->html);
    ketsim_html_kv(&r->html, "scenario", res->sc.name);
    snprintf(buf, sizeof buf, "%d", res->sc.n_subjects);
    ketsim_html_kv(&r->html, "subjects per replicate", buf);
    snprintf(buf, sizeof buf, "%d", res->opts.replicates);
    ketsim_html_kv(&r->html, "replicates", buf);
    ketsim_html_kv_end(&r->html);
    int rc = report_params(r, &res->sc, sets, n_sets, err);
    trial_print_ctx ctx = {res};
    if (!rc)
        rc = cli_report_printed(r, "Endpoints over replicate trials", print_endpoints, &ctx, err);
    if (!rc)
        rc = cli_report_figures(r, NULL, err);
    return rc;
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
        {"uncertainty", required_argument, 0, 'U'}, {"parameter-sets", required_argument, 0, 'Q'},
        {"omega", required_argument, 0, 'W'}, {"omega-from", required_argument, 0, 'w'},
        {"report", required_argument, 0, 'R'},  {"observed", required_argument, 0, 'B'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0},
    };
    long seed = -1, reps = -1, threads = trial_cli_default_threads(), subjects = -1, chunk = 0;
    int subjects_csv = TRIAL_SUBJECTS_FIRST, skip = 0, no_subjects = 0, all_subjects = 0, format = 1;
    double timeout_s = 10;
    const char *out_dir = NULL, *plot_dir = NULL, *fit_json = NULL, *sets_csv = NULL, *db_path = NULL,
               *omega_fit = NULL, *report = NULL, *observed = NULL;
    char *sets[MAX_SETS], *omegas[KETSIM_TRIAL_MAX_OMEGA];
    size_t n_sets = 0, n_omegas = 0;
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
        case 'R': report = optarg; break;
        case 'B': observed = optarg; break;
        case 'U': fit_json = optarg; break;
        case 'w': omega_fit = optarg; break;
        case 'Q': sets_csv = optarg; break;
        case 'W':
            if (n_omegas == KETSIM_TRIAL_MAX_OMEGA)
                return cli_usage("trial", "too many --omega options (max %d)", KETSIM_TRIAL_MAX_OMEGA);
            omegas[n_omegas++] = optarg;
            break;
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
    if (observed && !plot_dir && !report)
        return cli_usage("trial", "--observed draws over the figures: it needs --plot DIR or --report");
    if (cli_report_check_path("trial", report))
        return 2;
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
    ketsim_trial_rep_params rp;
    int st = trial_unc_cli_omega_from(&sc, omega_fit);
    if (!st)
        st = trial_unc_cli_omega(&sc, omegas, n_omegas);
    if (!st)
        st = trial_unc_cli_prepare(fit_json, sets_csv, &o, &rp);
    if (st)
        return st;
    /* published means are read (and checked) before any output exists */
    ketsim_trial_observed obs = {0};
    if (observed && ketsim_trial_observed_read(observed, &sc, &obs, &err)) {
        ketsim_trial_rep_params_free(&rp);
        return cli_fail(&err);
    }
    /* every output location is checked (created, locked, writable) before
     * the first subject is simulated; under MPI rank 0 writes, and all ranks
     * stop together if it cannot */
    cli_outdirs out;
    int rc = (out_dir || plot_dir || report) ? trial_cli_check_name(&sc, &err) : KETSIM_OK;
    if (!rc && trial_dist_rank() == 0)
        rc = cli_outdirs_begin(&out, out_dir, plot_dir, sc.name, &err);
    else
        memset(&out, 0, sizeof out);
    ketsim_results_db *db = NULL; /* committed after the output set is published */
    if (!rc && db_path && trial_dist_rank() == 0)
        rc = cli_results_db_open(db_path, "trial", cmdline, (int)threads, &db, &err);
    cli_report rep; /* rank 0 writes it, as the other outputs */
    if (!rc)
        rc = cli_report_open(&rep, trial_dist_rank() == 0 ? report : NULL, !plot_dir, &err);
    else
        memset(&rep, 0, sizeof rep);
    if ((rc = trial_dist_any_failed(rc, &err))) {
        cli_report_abort(&rep);
        cli_results_db_abort(db);
        cli_outdirs_end(&out);
        ketsim_trial_rep_params_free(&rp);
        ketsim_trial_observed_free(&obs);
        return cli_fail(&err);
    }
    /* with --plot the figures are drawn once, into its staging directory,
     * and the page reads them from there */
    const char *report_figs = cli_report_fig_dir(&rep);
    if (!rc && plot_dir && trial_dist_rank() == 0)
        cli_report_use_figures(&rep, cli_outdirs_plot_stage(&out));
    trial_cli_result res;
    st = trial_cli_run_figs(&sc, &o, sets, n_sets, &out, subjects_csv, (int)chunk, db, report_figs,
                            observed ? &obs : NULL, &res);
    ketsim_trial_observed_free(&obs);
    if (st) {
        cli_report_abort(&rep);
        cli_outdirs_end(&out);
        ketsim_trial_rep_params_free(&rp);
        return st;
    }
    if (trial_dist_rank() == 0) {
        cli_run_info info = {.n_seeds = 1, .seed_names = {sc.name},
                             .seeds = {(unsigned long long)o.seed}, .n_inputs = sc.file[0] ? 1 : 0,
                             .inputs = {sc.file}};
        if (observed)
            info.inputs[info.n_inputs++] = observed;
        int prc = write_report(&rep, &res, cmdline, &info, sets, n_sets, &err);
        if (!prc)
            prc = cli_outdirs_publish(&out, &info, &err);
        else
            cli_outdirs_end(&out);
        prc = cli_results_db_end(db, prc, &err);
        if (!prc)
            prc = cli_report_commit(&rep, &err); /* last: it describes the outputs above */
        cli_report_abort(&rep);
        if (prc) {
            trial_cli_result_free(&res);
            ketsim_trial_rep_params_free(&rp);
            return cli_fail(&err);
        }
        ketsim_error perr = {0};
        if (ketsim_trial_print_table(stdout, &res.sc, &res.defs, &res.opts, res.reps, (size_t)res.opts.replicates,
                                     &perr)) {
            trial_cli_result_free(&res);
            return cli_fail(&perr);
        }
        printf("\nscenario file: %s\n", sc.file[0] ? sc.file : "(none)");
        if (out_dir && subjects_csv)
            printf("wrote %s/%s_subjects%s.csv%s, %s/%s_summary.json and %s/%s_manifest.json\n", out_dir, sc.name,
                   subjects_csv == TRIAL_SUBJECTS_NONMEM ? "_nonmem" : "",
                   subjects_csv == TRIAL_SUBJECTS_ALL ? " (every replicate)" : "", out_dir, sc.name, out_dir, sc.name);
        else if (out_dir)
            printf("wrote %s/%s_summary.json and %s/%s_manifest.json\n", out_dir, sc.name, out_dir, sc.name);
        if (out_dir && o.rep_params)
            printf("wrote %s/%s_replicate_parameters.csv\n", out_dir, sc.name);
        if (plot_dir)
            printf("wrote %s/%s_madrs.png/.svg%s\n", plot_dir, sc.name,
                   ketsim_trial_n_followup(&sc) ? " and the relapse curves" : "");
        if (db_path)
            printf("wrote %s\n", db_path);
        if (report)
            printf("wrote %s\n", report);
    }
    trial_cli_result_free(&res);
    ketsim_trial_rep_params_free(&rp);
    return 0;
}
