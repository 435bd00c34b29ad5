/* ketsim trial: run a virtual clinical trial from a scenario. */
#include "cli.h"
#include "trial_cli.h"
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
    /* the replicates' metric tables are views into names and values */
    free(res->reps);
    free(res->names);
    free(res->values);
    res->reps = NULL;
    res->names = NULL;
    res->values = NULL;
}

/* Column of endpoint `name`: where replicate 0 had it (the usual case:
 * every replicate lists the same endpoints), else by search; -1 if new. */
static long column_of(const trial_cli_result *res, size_t i, const char *name)
{
    if (i < res->n_metrics && strcmp(res->names[i], name) == 0)
        return (long)i;
    for (size_t k = 0; k < res->n_metrics; k++)
        if (strcmp(res->names[k], name) == 0)
            return (long)k;
    return -1;
}

/* A new endpoint that earlier replicates did not have: a new column, NaN
 * (undefined, as ketsim_trial_metric says of an absent name) for them.  The
 * row stride grows by doubling, so this stays rare and cheap. */
static int add_column(trial_cli_result *res, int r, const char *name, ketsim_error *err)
{
    size_t R = (size_t)res->opts.replicates;
    if (res->n_metrics == res->stride) {
        size_t stride = 2 * res->stride;
        double *v = malloc(R * stride * sizeof *v);
        char(*nn)[80] = realloc(res->names, stride * sizeof *nn);
        if (nn)
            res->names = nn;
        if (!v || !nn) {
            free(v);
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory for %zu replicates' endpoints", R);
        }
        for (size_t k = 0; k <= (size_t)r && k < R; k++)
            memcpy(v + k * stride, res->values + k * res->stride, res->n_metrics * sizeof *v);
        free(res->values);
        res->values = v;
        res->stride = stride;
    }
    size_t c = res->n_metrics++;
    snprintf(res->names[c], sizeof res->names[c], "%s", name);
    for (size_t k = 0; k <= (size_t)r; k++)
        res->values[k * res->stride + c] = NAN;
    return KETSIM_OK;
}

/* Keep one replicate's endpoints as one double each: the names once (in
 * replicate 0's order, then any a later replicate adds), the values in a
 * replicates x columns array, NaN where a replicate lacks an endpoint. */
static int keep_endpoints(trial_cli_result *res, int r, const ketsim_trial_metrics *m, ketsim_error *err)
{
    size_t R = (size_t)res->opts.replicates;
    if (!res->names) {
        res->n_first = res->n_metrics = m->n;
        res->stride = m->n + 8;
        res->names = malloc(res->stride * sizeof *res->names);
        res->values = malloc(R * res->stride * sizeof *res->values);
        if (!res->names || !res->values)
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory for %zu replicates' endpoints", R);
        memcpy(res->names, m->name, m->n * sizeof *res->names);
    }
    double *row = res->values + (size_t)r * res->stride;
    for (size_t k = 0; k < res->n_metrics; k++)
        row[k] = NAN;
    for (size_t i = 0; i < m->n; i++) {
        long c = column_of(res, i, m->name[i]);
        if (c < 0) {
            int rc = add_column(res, r, m->name[i], err);
            if (rc)
                return rc;
            c = (long)res->n_metrics - 1;
            row = res->values + (size_t)r * res->stride;
        }
        row[c] = m->value[i];
    }
    return KETSIM_OK;
}

/* The metric tables the writers read, one per replicate, pointing into the
 * shared names and the compact values.  Replicate 0 lists exactly its own
 * endpoints (the writers list what replicate 0 has); the others list every
 * column, NaN where they had none, which reads the same as an absent name. */
static int make_views(trial_cli_result *res, ketsim_error *err)
{
    size_t R = (size_t)res->opts.replicates;
    res->reps = calloc(R, sizeof *res->reps);
    if (!res->reps)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory for %zu replicates", R);
    for (size_t r = 0; r < R; r++) {
        size_t n = r == 0 ? res->n_first : res->n_metrics;
        res->reps[r] = (ketsim_trial_metrics){.n = n, .cap = n, .name = res->names,
                                              .value = res->values + r * res->stride};
    }
    return KETSIM_OK;
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
    return rc;
}

/* The long subjects CSV, written as the chunks of replicates finish: the
 * file is open in the output set's stage for the whole run, and each
 * chunk's replicates go out in replicate order before the next chunk is
 * simulated, so memory does not grow with the replicates and the bytes do
 * not depend on the thread or process count.  Every write is under the
 * output lock, so an interrupt never cleans up under it. */
typedef struct subject_stream {
    outset *set;      /* non-NULL: this process writes the file */
    int all;          /* every replicate (else replicate 0 only) */
    FILE *fp;
    char name[KETSIM_TRIAL_NAME_MAX + 32];
} subject_stream;

static int stream_open(subject_stream *st, const trial_cli_result *res, cli_outdirs *out, int mode,
                       ketsim_error *err)
{
    memset(st, 0, sizeof *st);
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

/* Replicates [r0, r0 + n) of a chunk whose subjects are in subj. */
static int stream_chunk(subject_stream *st, const trial_cli_result *res, const ketsim_trial_subject_result *subj,
                        int r0, int n, ketsim_error *err)
{
    size_t ns = (size_t)res->sc.n_subjects;
    int rc = KETSIM_OK;
    if (!st->set)
        return rc;
    cli_output_lock();
    for (int r = 0; !rc && r < n && (st->all || r0 + r == 0); r++)
        rc = ketsim_trial_write_subjects_csv(st->fp, &res->sc, &res->defs, subj + (size_t)r * ns, r0 + r, err);
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

int trial_cli_check_name(const ketsim_trial_scenario *sc, ketsim_error *err)
{
    char what[sizeof sc->file + 32];
    snprintf(what, sizeof what, "%s%sscenario name", sc->file, sc->file[0] ? ": " : "");
    return files_check_name(what, sc->name, err);
}

/* The endpoints' names are made from arm names and visit labels into
 * 80-byte fields: a name of 79 characters may have been cut, and two cut
 * names can be the same.  Worked out on an empty trial before any subject
 * is simulated, so a scenario that would collide is refused at once. */
static int check_endpoint_names(const ketsim_trial_scenario *sc, const ketsim_trial_defs *d, ketsim_error *err)
{
    ketsim_trial_subject_result *none = calloc((size_t)sc->n_subjects, sizeof *none);
    ketsim_trial_metrics m = {0};
    int rc = none ? ketsim_trial_endpoints(sc, d, none, &m, err) : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < m.n; i++) {
        if (strlen(m.name[i]) >= sizeof m.name[0] - 1)
            rc = KETSIM_FAIL(err, KETSIM_EINPUT,
                             "%s: the endpoint name '%s...' is too long (arm names and visit texts make it): "
                             "shorten them",
                             sc->file, m.name[i]);
        for (size_t j = 0; !rc && j < i; j++)
            if (strcmp(m.name[i], m.name[j]) == 0)
                rc = KETSIM_FAIL(err, KETSIM_EINPUT, "%s: two endpoints are both called '%s'", sc->file, m.name[i]);
    }
    ketsim_trial_metrics_free(&m);
    free(none);
    return rc;
}

int trial_cli_run(const ketsim_trial_scenario *sc, const ketsim_trial_run_opts *o, char **sets, size_t n_sets,
                  cli_outdirs *out, int subjects, int chunk_subjects, trial_cli_result *res)
{
    const char *data_stage = out ? cli_outdirs_data_stage(out) : NULL;
    const char *plot_stage = out ? cli_outdirs_plot_stage(out) : NULL;
    memset(res, 0, sizeof *res);
    res->sc = *sc;
    res->opts = *o;
    ketsim_error err = {0};
    ketsim_params *params = NULL;
    ketsim_trial_subject_result *subj = NULL;
    int rc = setup_params(sc, sets, n_sets, &params, res, &err);
    if (!rc)
        rc = check_endpoint_names(sc, &res->defs, &err);
    /* Replicates are simulated in chunks of about chunk_subjects subjects and
     * reduced to their endpoints as they come: each replicate leaves one
     * double per endpoint (about 1 kB), which the exact quantiles over
     * replicates need.  Subjects go to the subjects CSV as each chunk
     * finishes, and replicate 0's are kept for the NONMEM-style file and the
     * figures. */
    ketsim_trial_metrics scratch = {0};
    size_t ns = (size_t)sc->n_subjects, shown = 0, total_failed = 0;
    int per = chunk_subjects > 0 ? chunk_subjects : CHUNK_SUBJECTS;
    int chunk = per / sc->n_subjects > 1 ? per / sc->n_subjects : 1;
    if (chunk > o->replicates)
        chunk = o->replicates;
    int nonmem = data_stage && subjects == TRIAL_SUBJECTS_NONMEM;
    if (!rc) {
        subj = malloc((size_t)chunk * ns * sizeof *subj); /* one buffer for every chunk */
        int keep_first = nonmem || plot_stage;
        if (keep_first)
            res->first = malloc(ns * sizeof *res->first);
        if (!subj || (keep_first && !res->first))
            rc = KETSIM_FAIL(&err, KETSIM_ENOMEM, "out of memory for %d x %zu subjects", chunk, ns);
    }
    subject_stream st = {0};
    if (!rc)
        rc = stream_open(&st, res, data_stage ? out : NULL, subjects, &err);
    for (int r0 = 0; !rc && r0 < o->replicates; r0 += chunk) {
        ketsim_trial_run_opts co = *o;
        co.first_replicate = r0;
        co.replicates = o->replicates - r0 < chunk ? o->replicates - r0 : chunk;
        rc = ketsim_trial_run_into(sc, params, &co, subj, &err);
        if (!rc && o->skip_failures && trial_dist_rank() == 0)
            report_failures(sc, subj, co.replicates, &shown, &total_failed);
        for (int r = 0; !rc && r < co.replicates; r++) {
            rc = ketsim_trial_endpoints(sc, &res->defs, subj + (size_t)r * ns, &scratch, &err);
            if (!rc)
                rc = keep_endpoints(res, r0 + r, &scratch, &err);
        }
        if (!rc)
            rc = stream_chunk(&st, res, subj, r0, co.replicates, &err);
        if (!rc && r0 == 0 && res->first)
            memcpy(res->first, subj, ns * sizeof *res->first); /* replicate 0 */
    }
    free(subj);
    ketsim_trial_metrics_free(&scratch);
    int crc = stream_close(&st, !rc, &err);
    if (!rc)
        rc = crc;
    if (!rc)
        rc = make_views(res, &err);
    if (total_failed > shown)
        fprintf(stderr, "ketsim: ... and %zu more skipped subjects\n", total_failed - shown);
    /* under MPI every rank has every result; the one with the output set
     * (rank 0) writes */
    if (!rc && data_stage)
        rc = write_outputs(res, nonmem, out, &err);
    if (!rc && plot_stage) {
        cli_output_lock();
        rc = ketsim_plot_trial(sc, &res->defs, res->first, 1, plot_stage, &err);
        cli_output_unlock();
    }
    free(res->first);
    res->first = NULL;
    ketsim_params_free(params);
    if (rc) {
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
        {"all-subjects", no_argument, 0, 'A'},  {"chunk-subjects", required_argument, 0, 'C'},
        {"format", required_argument, 0, 'f'},
        {"on-failure", required_argument, 0, 'F'}, {"subject-timeout", required_argument, 0, 'T'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0},
    };
    long seed = -1, reps = -1, threads = trial_cli_default_threads(), subjects = -1, chunk = 0;
    int subjects_csv = TRIAL_SUBJECTS_FIRST, skip = 0, no_subjects = 0, all_subjects = 0, format = 1;
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
    /* every output location is checked (created, locked, writable) before
     * the first subject is simulated; under MPI rank 0 writes, and all ranks
     * stop together if it cannot */
    cli_outdirs out;
    int rc = (out_dir || plot_dir) ? trial_cli_check_name(&sc, &err) : KETSIM_OK;
    if (!rc && trial_dist_rank() == 0)
        rc = cli_outdirs_begin(&out, out_dir, plot_dir, sc.name, &err);
    else
        memset(&out, 0, sizeof out);
    if ((rc = trial_dist_any_failed(rc, &err))) {
        cli_outdirs_end(&out);
        return cli_fail(&err);
    }
    trial_cli_result res;
    int st = trial_cli_run(&sc, &o, sets, n_sets, &out, subjects_csv, (int)chunk, &res);
    if (st) {
        cli_outdirs_end(&out);
        return st;
    }
    if (trial_dist_rank() == 0) {
        cli_run_info info = {.n_seeds = 1, .seed_names = {sc.name},
                             .seeds = {(unsigned long long)o.seed}, .n_inputs = sc.file[0] ? 1 : 0,
                             .inputs = {sc.file}};
        if (cli_outdirs_publish(&out, &info, &err)) {
            trial_cli_result_free(&res);
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
        if (plot_dir)
            printf("wrote %s/%s_madrs.png/.svg%s\n", plot_dir, sc.name,
                   ketsim_trial_n_followup(&sc) ? " and the relapse curves" : "");
    }
    trial_cli_result_free(&res);
    return 0;
}
