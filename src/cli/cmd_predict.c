/* ketsim predict: early markers of an outcome in a virtual cohort. */
#include "beyond_cli.h"
#include "beyond_unc_cli.h"
#include "cli.h"
#include "results_db_cli.h"
#include "trial_cli.h"
#include "ketsim/beyond.h"
#include "ketsim/plot_results.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SETS 64

void help_predict(void)
{
    puts("usage: ketsim predict [SCENARIO] [--outcome response_24h|response_end|relapse_by:DAYS]\n"
         "                      [--marker OUTPUT[@TIME]]... [--only-user] [--seed N] [--subjects N]\n"
         "                      [--bootstrap B] [--threads N] [--out-dir DIR] [--out FILE.sqlite] [--plot DIR]\n"
         "                      [--set NAME=VALUE]... [--uncertainty FIT.json [--uncertainty-draws K]]\n"
         "\n"
         "Which early measurement predicts the outcome?  A virtual cohort (default 500\n"
         "patients) receives the course of the scenario's first active arm (default\n"
         "zarate2006: ketamine 0.5 mg/kg over 40 min).  Candidate markers: plasma BDNF\n"
         "change at 230-240 min, peak prefrontal glutamate surge, CADSS at 40 min, MADRS\n"
         "change at 2 h and 4 h, BDNF Val66Met and CYP2B6 genotype, baseline MADRS, and\n"
         "any model output (ketsim outputs) at a TIME after the first dose (without @TIME:\n"
         "its peak over 0-4 h).  For each: ROC AUC with a stratified bootstrap 95%\n"
         "interval, the Youden cut with sensitivity and specificity, Pearson and Spearman\n"
         "correlations with the outcome and with the % MADRS change; ranked by AUC.\n"
         "relapse_by:DAYS analyses responders at the scenario's primary visit.\n"
         "With --out-dir, writes predict.csv and predict.json there; with --plot, the ROC\n"
         "curves of the six best markers as predict_roc.png/.svg.  See docs/beyond.md.\n"
         "--out FILE.sqlite (or .sqlite3, .db) stores the run in an SQLite database: run\n"
         "metadata, changed parameters, every marker's row and ROC curve, the literature\n"
         "comparison, and each patient's outcome and marker values (docs/formats.md); it\n"
         "replaces FILE only once complete.\n"
         "--uncertainty FIT.json runs at a population fit's THETAs, then once per draw (K, default\n"
         "20) from its covariance step, and reports each AUC's spread over the draws (with\n"
         "--out-dir: predict_uncertainty.csv and predict_uncertainty_parameters.csv; with --out:\n"
         "the database's uncertainty tables).\n"
         "\n"
         "examples:\n"
         "  ketsim predict\n"
         "  ketsim predict --outcome response_end --marker synaptic_function_rel@24h\n"
         "  ketsim predict murrough2013 --outcome relapse_by:28 --subjects 300");
}

static int parse_outcome(const char *s, ketsim_predict_opts *o)
{
    if (strcmp(s, "response_24h") == 0)
        o->outcome = KETSIM_PREDICT_RESPONSE_24H;
    else if (strcmp(s, "response_end") == 0)
        o->outcome = KETSIM_PREDICT_RESPONSE_END;
    else if (strncmp(s, "relapse_by:", 11) == 0) {
        o->outcome = KETSIM_PREDICT_RELAPSE_BY;
        if (cli_parse_double(s + 11, &o->relapse_days) || o->relapse_days < 1 || o->relapse_days > 365)
            return -1;
    } else
        return -1;
    return 0;
}

static int parse_marker(const char *s, ketsim_predict_opts *o, ketsim_error *err)
{
    if (o->n_user == KETSIM_PREDICT_MAX_USER)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--marker: at most %d user markers", KETSIM_PREDICT_MAX_USER);
    ketsim_predict_user_marker *u = &o->user[o->n_user];
    const char *at = strchr(s, '@');
    size_t len = at ? (size_t)(at - s) : strlen(s);
    if (len == 0 || len >= sizeof u->output)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--marker '%s': expected OUTPUT[@TIME]", s);
    memcpy(u->output, s, len);
    u->output[len] = 0;
    u->time_h = -1;
    if (at) {
        int rc = ketsim_duration_parse(at + 1, &u->time_h, err);
        if (rc) {
            ketsim_error_prefix(err, "--marker: ");
            return rc;
        }
        if (u->time_h < 0 || u->time_h > 24 * 365)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "--marker '%s': time outside 0..365d", s);
    }
    /* the same marker twice would be two rows of one name */
    for (size_t k = 0; k < o->n_user; k++)
        if (strcmp(o->user[k].output, u->output) == 0 && o->user[k].time_h == u->time_h)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "--marker '%s': given twice", s);
    o->n_user++;
    return KETSIM_OK;
}

static int write_csv(FILE *fp, const void *ctx, ketsim_error *err)
{
    return ketsim_predict_write_csv(fp, ((const ketsim_predict_report *const *)ctx)[1], err);
}

static int write_json(FILE *fp, const void *ctx, ketsim_error *err)
{
    const void *const *p = ctx;
    return ketsim_predict_write_json(fp, p[0], p[1], err);
}

static int plot_roc(const void *rep, const char *dir, ketsim_error *err)
{
    return ketsim_plot_predict(rep, 6, dir, err);
}

/* Each marker's AUC again under every draw of the fit's THETAs (same
 * patients; no bootstrap, only the AUC is followed). */
static int predict_unc(beyond_unc *bu, const ketsim_params *params, const ketsim_predict_opts *o,
                       const ketsim_predict_report *rep, ketsim_error *err)
{
    if (!bu->file)
        return KETSIM_OK;
    long q[KETSIM_PREDICT_MAX_ROWS];
    char name[160];
    for (size_t i = 0; i < rep->n_rows; i++) {
        snprintf(name, sizeof name, "AUC %.120s", rep->rows[i].name);
        q[i] = beyond_unc_add(bu, name, rep->rows[i].roc_ok ? rep->rows[i].roc.auc : NAN);
    }
    ketsim_predict_opts *ok = malloc(sizeof *ok);
    ketsim_predict_report *rk = calloc(1, sizeof *rk);
    int rc = ok && rk ? KETSIM_OK : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    if (!rc) {
        *ok = *o;
        ok->n_boot = 0;
    }
    for (long k = 0; k < bu->draws && !rc; k++) {
        ketsim_params *pk = NULL;
        rc = beyond_unc_params(bu, params, k, &pk, err);
        if (!rc)
            rc = ketsim_beyond_predict(pk, ok, rk, err);
        ketsim_params_free(pk);
        for (size_t i = 0; !rc && i < rep->n_rows; i++)
            for (size_t j = 0; j < rk->n_rows; j++)
                if (strcmp(rk->rows[j].name, rep->rows[i].name) == 0 && rk->rows[j].roc_ok)
                    beyond_unc_set(bu, k, q[i], rk->rows[j].roc.auc);
        if (!rc)
            ketsim_predict_report_free(rk);
    }
    free(ok);
    free(rk);
    return rc;
}

/* The cohort, its analysis and the uncertainty draws, with the database's
 * rows written before (setup) and after (results) the run. */
static int predict_compute(ketsim_predict_opts *o, char **sets, size_t n_sets, beyond_unc *bu, cli_outdirs *out,
                           ketsim_results_db *db, ketsim_predict_report *rep, ketsim_error *err)
{
    ketsim_params *params = NULL;
    int rc = beyond_cli_params(sets, n_sets, &params, err);
    if (!rc && db)
        rc = cli_results_db_predict_setup(db, o, params, bu->file, bu->draws, err);
    if (!rc)
        rc = beyond_unc_apply(bu, params, -1, err);
    if (!rc)
        rc = ketsim_beyond_predict(params, o, rep, err);
    if (!rc)
        rc = predict_unc(bu, params, o, rep, err);
    if (!rc)
        rc = beyond_unc_write(out, db, "predict", bu, err);
    if (!rc && db)
        rc = cli_results_db_predict(db, rep, err);
    ketsim_params_free(params);
    return rc;
}

/* The outputs are checked (and the database opened) before the cohort is
 * simulated; the database is committed after the output sets. */
static int run_predict(ketsim_predict_opts *o, char **sets, size_t n_sets, beyond_unc *bu, const char *out_dir,
                       const char *plot_dir, const char *db_path, const char *cmdline)
{
    static ketsim_predict_report rep;
    ketsim_error err = {0};
    cli_outdirs out;
    ketsim_results_db *db = NULL;
    int rc = beyond_cli_begin(&out, out_dir, plot_dir, "predict", &err);
    if (!rc && db_path && (rc = cli_results_db_open(db_path, "predict", cmdline, o->threads, &db, &err)))
        cli_outdirs_end(&out);
    if (!rc && (rc = predict_compute(o, sets, n_sets, bu, &out, db, &rep, &err)))
        cli_outdirs_end(&out);
    const void *ctx[2] = {o, &rep};
    cli_run_info info = {.n_seeds = 1, .seed_names = {"cohort"},
                         .seeds = {(unsigned long long)o->seed}, .n_inputs = o->sc.file[0] ? 1 : 0,
                         .inputs = {o->sc.file}};
    if (!rc)
        rc = beyond_cli_finish(&out, "predict", write_csv, write_json, ctx, plot_roc, &rep, &info, &err);
    rc = cli_results_db_end(db, rc, &err);
    if (!rc && !ketsim_predict_print(stdout, o, &rep, &err))
        rc = beyond_unc_print(stdout, bu, &err);
    else if (!rc)
        rc = KETSIM_EIO;
    ketsim_predict_report_free(&rep);
    beyond_unc_free(bu);
    if (rc)
        return cli_fail(&err);
    printf("\nscenario file: %s\n", o->sc.file[0] ? o->sc.file : "(none)");
    if (out_dir)
        printf("wrote %s/predict.csv, %s/predict.json and %s/predict_manifest.json\n", out_dir, out_dir, out_dir);
    if (plot_dir)
        printf("wrote %s/predict_roc.png and .svg\n", plot_dir);
    if (db_path)
        printf("wrote %s\n", db_path);
    return 0;
}

int cmd_predict(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"outcome", required_argument, 0, 'O'}, {"marker", required_argument, 0, 'm'},
        {"seed", required_argument, 0, 's'},    {"subjects", required_argument, 0, 'n'},
        {"bootstrap", required_argument, 0, 'b'}, {"threads", required_argument, 0, 't'},
        {"out-dir", required_argument, 0, 'o'}, {"plot", required_argument, 0, 'P'}, {"set", required_argument, 0, 'S'},
        {"only-user", no_argument, 0, 'u'},     {"help", no_argument, 0, 'h'}, {"out", required_argument, 0, 'D'},
        BEYOND_UNC_LONGOPTS,
        {0, 0, 0, 0},
    };
    static ketsim_predict_opts o;
    memset(&o, 0, sizeof o);
    o.default_markers = 1;
    long seed = -1, n = 500, boot = 1000, threads = trial_cli_default_threads();
    const char *out_dir = NULL, *plot_dir = NULL, *db_path = NULL;
    char *sets[MAX_SETS];
    size_t n_sets = 0;
    ketsim_error err = {0};
    int c;
    char cmdline[8192]; /* for --out's run table, before getopt reorders argv */
    cli_results_db_command_line(cmdline, sizeof cmdline, argc, argv);
    optind = 1;
    opterr = 0;
    beyond_unc bu;
    beyond_unc_init(&bu);
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        int u = beyond_unc_option(&bu, c, optarg, "predict");
        if (u == 2)
            return 2;
        if (u == 1)
            continue;
        switch (c) {
        case 'O':
            if (parse_outcome(optarg, &o))
                return cli_usage("predict", "--outcome '%s': expected response_24h, response_end or "
                                            "relapse_by:DAYS (DAYS 1..365)", optarg);
            break;
        case 'm':
            if (parse_marker(optarg, &o, &err))
                return cli_fail(&err);
            break;
        case 's':
            if (beyond_cli_count(optarg, 0, 0x7fffffffL, &seed))
                return cli_usage("predict", "--seed '%s': expected an integer between 0 and 2147483647", optarg);
            break;
        case 'n':
            if (beyond_cli_count(optarg, 10, KETSIM_COHORT_MAX_SUBJECTS, &n))
                return cli_usage("predict", "--subjects '%s': expected an integer between 10 and %d", optarg,
                                 KETSIM_COHORT_MAX_SUBJECTS);
            break;
        case 'b':
            if (beyond_cli_count(optarg, 0, 100000, &boot))
                return cli_usage("predict", "--bootstrap '%s': expected an integer between 0 and 100000", optarg);
            break;
        case 't':
            if (beyond_cli_count(optarg, 1, 64, &threads))
                return cli_usage("predict", "--threads '%s': expected an integer between 1 and 64", optarg);
            break;
        case 'o': out_dir = optarg; break;
        case 'D':
            if (!cli_results_db_path(optarg))
                return cli_usage("predict", "--out '%s': expected a database file ending in .sqlite, .sqlite3 or .db",
                                 optarg);
            db_path = optarg;
            break;
        case 'P': plot_dir = optarg; break;
        case 'S':
            if (n_sets == MAX_SETS)
                return cli_usage("predict", "too many --set options (max %d)", MAX_SETS);
            sets[n_sets++] = optarg;
            break;
        case 'u': o.default_markers = 0; break;
        case 'h': help_predict(); return 0;
        default:
            return cli_usage("predict", "unknown or incomplete option '%s' (see ketsim help predict)",
                             argv[optind - 1]);
        }
    }
    if (optind + 1 < argc)
        return cli_usage("predict", "unexpected argument '%s'", argv[optind + 1]);
    if (!o.default_markers && o.n_user == 0)
        return cli_usage("predict", "--only-user needs at least one --marker");
    if (ketsim_trial_scenario_resolve(optind < argc ? argv[optind] : "zarate2006", &o.sc, &err))
        return cli_fail(&err);
    o.seed = seed >= 0 ? (uint64_t)seed : o.sc.seed;
    o.n_subjects = (int)n;
    o.n_boot = (int)boot;
    o.threads = (int)threads;
    if (beyond_unc_prepare(&bu, o.seed, &err)) {
        beyond_unc_free(&bu);
        return cli_fail(&err);
    }
    return run_predict(&o, sets, n_sets, &bu, out_dir, plot_dir, db_path, cmdline);
}
