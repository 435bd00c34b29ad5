/* ketsim fit: estimate parameters from observations. */
#include "cli.h"
#include "output.h"
#include "report_cli.h"
#include "results_db_cli.h"
#include "ketsim/dataset.h"
#include "ketsim/fit.h"
#include "ketsim/popest.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REPEAT 256
#define MAX_EST 32

int cmd_fit_pop(int argc, char **argv);

void help_fit(void)
{
    puts("usage: ketsim fit [--method pooled] --data FILE.csv --estimate NAME[,NAME...] [--species human|rat|mouse]\n"
         "                  [--drug NAME|FILE] [--weight KG] [--error additive|proportional|combined]\n"
         "                  [--params FILE] [--set NAME=VALUE]... [--max-iter N] [--out params.txt]\n"
         "                  [--report FILE.html] [--accept-unusable]\n"
         "       ketsim fit --method foce-i|saem --data FILE.csv --estimate NAME,... --eta NAME,...\n"
         "                  [--omega NAME=VARIANCE]... [--omega-block NAME,NAME,...]...\n"
         "                  [--error [OUTPUT=]additive|proportional|combined]...\n"
         "                  [--covariate NAME:COV:power|exponential|linear|categorical[:START]]...\n"
         "                  [--bound NAME=LO:HI]... [--cov sandwich|r|none] [--threads N] [--seed N]\n"
         "                  [--saem-iter K1,K2] [--chains N] [--is-samples N] [--max-iter N]\n"
         "                  [--out params.txt] [--json fit.json] [--table records.csv] [--out-dir DIR]\n"
         "                  [--report FILE.html] [--accept-unusable]\n"
         "                  [--plot DIR] [--vpc N] [--vpc-bins N] [--plot-scale auto|log|linear]\n"
         "\n"
         "Diagnostics (docs/fit.md, \"Diagnostics\"): --plot DIR writes goodness-of-fit, individual-fit\n"
         "and VPC figures (PNG and SVG) and DIR/vpc_OUTPUT.csv; --vpc N simulates the design N times\n"
         "from the estimates (default 200 with --plot; --seed) and adds NPDE to the --table.\n"
         "\n"
         "Population methods (docs/fit.md, \"Population estimation\"): THETAs on the log scale,\n"
         "exponential ETAs (P_i = THETA exp(ETA)), diagonal OMEGA unless --omega-block, a residual\n"
         "error per output, covariates on log P, BLQ records through the M3 likelihood.\n"
         "--out-dir DIR writes fit_params.txt, fit.json and fit_records.csv as one output set\n"
         "(fit_manifest.json; with --plot DIR the same directory, the figures too).  Every output\n"
         "(--out, --json, --table, --out-dir, --plot) is opened before the fit and published only\n"
         "when all are written: a failed or interrupted run leaves the previous ones as they were.\n"
         "\n"
         "Not usable, either method: a fit that did not converge (population fits also: a THETA at\n"
         "a bound, a failed covariance step, an RSE over 100%; pooled: -2LL or an SE not finite)\n"
         "exits with status 3 and writes no output, unless --accept-unusable (the old name\n"
         "--allow-unconverged is accepted too) keeps it: exit 0, the parameter file's first line\n"
         "# NOT A USABLE FIT (REASON).\n"
         "\n"
         "Pooled (the default):\n"
         "Fit model parameters to observations by maximum likelihood (weighted nonlinear\n"
         "least squares, trust-region Levenberg-Marquardt on log-parameters).  The data file\n"
         "has columns ID,TIME,AMT,RATE,CMT,EVID,DV,OUTPUT (see docs/fit.md); start values are\n"
         "the parameter table after --params and --set.  Prints estimates with SE, RSE%,\n"
         "correlations, -2LL, AIC and BIC; --out writes NAME=VALUE lines for\n"
         "`ketsim simulate --params`.  Default error model: proportional.\n"
         "A fit that did not converge, or whose -2LL or a standard error is not finite,\n"
         "is not a result: it exits with status 3 and writes no --out file, unless\n"
         "--accept-unusable asks for the estimates anyway (marked in the file).\n"
         "--report FILE.html writes one self-contained page: command line, version, git\n"
         "commit, seed, files read, the parameters changed from their defaults with their\n"
         "sources, the fit's statistics and the estimates table (population methods: THETA,\n"
         "OMEGA with shrinkage, SIGMA, OFV/AIC/BIC, the convergence verdict and, with --plot,\n"
         "the diagnostic figures; docs/formats.md, \"Run report\"); like --out, it is written\n"
         "only for a usable fit or with --accept-unusable.\n"
         "\n"
         "example:\n"
         "  ketsim fit --data pk.csv --drug esketamine --estimate s_ket.cl_l_per_h,s_ket.v1_l --out fit.txt");
}

typedef struct fit_opts {
    const char *species, *drug, *params_file, *out, *data, *estimate, *report;
    char *sets[MAX_REPEAT];
    size_t n_sets, max_iter;
    double weight_kg;
    int weight_given, accept_unusable;
    ketsim_fit_errmodel em;
} fit_opts;

/* not converged, -2LL or a standard error not finite (cli.h) */
#define FIT_EXIT_UNUSABLE CLI_FIT_EXIT_UNUSABLE

static int parse_opts(int argc, char **argv, fit_opts *o)
{
    static const struct option longopts[] = {
        {"species", required_argument, 0, 's'}, {"drug", required_argument, 0, 'd'},
        {"weight", required_argument, 0, 'w'},  {"data", required_argument, 0, 'D'},
        {"estimate", required_argument, 0, 'E'}, {"error", required_argument, 0, 'r'},
        {"set", required_argument, 0, 'S'},     {"params", required_argument, 0, 'p'},
        {"out", required_argument, 0, 'O'},     {"max-iter", required_argument, 0, 'm'},
        {"accept-unusable", no_argument, 0, 'A'}, {"allow-unconverged", no_argument, 0, 'A'}, /* the population fit's old name */
        {"method", required_argument, 0, 'M'},  {"help", no_argument, 0, 'h'},
        {"report", required_argument, 0, 'R'},
        /* population-only options: a clear message instead of "unknown" */
        {"eta", required_argument, 0, 'P'},     {"omega", required_argument, 0, 'P'},
        {"omega-block", required_argument, 0, 'P'}, {"covariate", required_argument, 0, 'P'},
        {"json", required_argument, 0, 'P'},    {"table", required_argument, 0, 'P'},
        {"threads", required_argument, 0, 'P'}, {"seed", required_argument, 0, 'P'},
        {"bound", required_argument, 0, 'P'},   {"saem-iter", required_argument, 0, 'P'},
        {"chains", required_argument, 0, 'P'},  {"is-samples", required_argument, 0, 'P'},
        {"cov", required_argument, 0, 'P'},     {"out-dir", required_argument, 0, 'P'},
        {"plot", required_argument, 0, 'P'},    {"vpc", required_argument, 0, 'P'},
        {"vpc-bins", required_argument, 0, 'P'}, {"plot-scale", required_argument, 0, 'P'},
        {0, 0, 0, 0},
    };
    memset(o, 0, sizeof *o);
    o->species = "human";
    o->drug = "ketamine";
    o->em = KETSIM_FIT_PROPORTIONAL;
    ketsim_error e;
    double v;
    int c;
    optind = 1;
    opterr = 0;
    int li = 0;
    while ((c = getopt_long(argc, argv, "", longopts, &li)) != -1) {
        switch (c) {
        case 's': o->species = optarg; break;
        case 'd': o->drug = optarg; break;
        case 'p': o->params_file = optarg; break;
        case 'O': o->out = optarg; break;
        case 'R': o->report = optarg; break;
        case 'D': o->data = optarg; break;
        case 'A': o->accept_unusable = 1; break;
        case 'E': o->estimate = optarg; break;
        case 'r':
            if (ketsim_fit_errmodel_parse(optarg, &o->em, &e))
                return cli_usage("fit", "--error '%s': expected additive, proportional or combined", optarg);
            break;
        case 'm':
            if (cli_parse_double(optarg, &v) || !(v >= 1 && v <= 10000) || v != floor(v))
                return cli_usage("fit", "--max-iter '%s': expected an integer from 1 to 10000", optarg);
            o->max_iter = (size_t)v;
            break;
        case 'w':
            if (cli_parse_double(optarg, &o->weight_kg) || !(o->weight_kg >= 0.005 && o->weight_kg <= 500))
                return cli_usage("fit", "--weight '%s': expected a weight in kg between 0.005 and 500", optarg);
            o->weight_given = 1;
            break;
        case 'S':
            if (o->n_sets == MAX_REPEAT)
                return cli_usage("fit", "too many --set options (max %d)", MAX_REPEAT);
            o->sets[o->n_sets++] = optarg;
            break;
        case 'M': break; /* "pooled": anything else went to cmd_fit_pop */
        case 'P':
            return cli_usage("fit", "--%s needs --method foce-i or saem (the pooled fit has no random effects)",
                             longopts[li].name);
        case 'h': help_fit(); return -1;
        default:
            return cli_usage("fit", "unknown or incomplete option '%s' (see ketsim help fit)", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage("fit", "unexpected argument '%s'", argv[optind]);
    if (!o->data)
        return cli_usage("fit", "--data FILE is required");
    if (!o->estimate)
        return cli_usage("fit", "--estimate NAME[,NAME...] is required");
    if (cli_report_check_path("fit", o->report))
        return 2;
    return 0;
}

static int split_names(const char *list, char *buf, size_t cap, const char **names, size_t *n)
{
    *n = 0;
    if (strlen(list) >= cap)
        return cli_usage("fit", "--estimate list too long");
    strcpy(buf, list);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (*n == MAX_EST)
            return cli_usage("fit", "--estimate: at most %d parameters", MAX_EST);
        names[(*n)++] = tok;
    }
    if (*n == 0)
        return cli_usage("fit", "--estimate: empty list");
    return 0;
}

static const char *errmodel_name(ketsim_fit_errmodel em)
{
    return em == KETSIM_FIT_ADDITIVE ? "additive" : em == KETSIM_FIT_PROPORTIONAL ? "proportional" : "combined";
}

static void print_result(const fit_opts *o, const ketsim_fit_result *r)
{
    printf("fit: %zu observations, %zu subject(s), error model %s, %s after %zu iterations (%zu model evaluations)\n\n",
           r->n_obs, r->n_subjects, errmodel_name(o->em), r->converged ? "converged" : "NOT converged",
           r->iterations, r->n_evals);
    printf("%-36s %14s %14s %14s %9s\n", "parameter", "initial", "estimate", "SE", "RSE%");
    for (size_t i = 0; i < r->n_par; i++)
        printf("%-36s %14.6g %14.6g %14.6g %9.2f\n", r->names[i], r->initial[i], r->estimate[i], r->se[i],
               r->rse_pct[i]);
    if (r->sigma_add > 0)
        printf("%-36s %14s %14.6g   (ML, profiled)\n", "sigma_add (DV units)", "", r->sigma_add);
    if (r->sigma_prop > 0)
        printf("%-36s %14s %14.6g   (ML, profiled)\n", "sigma_prop (fraction)", "", r->sigma_prop);
    if (r->n_par > 1) {
        printf("\ncorrelation of estimates\n");
        for (size_t i = 0; i < r->n_par; i++) {
            printf("%-36s", r->names[i]);
            for (size_t j = 0; j <= i; j++)
                printf(" %7.3f", r->corr[i * r->n_par + j]);
            printf("\n");
        }
    }
    if (!r->se_available)
        printf("\nwarning: J^T J is singular at the optimum; the parameters are not identifiable from these data\n");
    printf("\n-2LL %.4f   AIC %.4f   BIC %.4f   (%zu parameters incl. %zu residual)\n", r->ofv, r->aic, r->bic,
           r->n_par + r->n_sigma, r->n_sigma);
}

/* Why the result cannot be used (every reason), or NULL when it can. */
static const char *unusable(const ketsim_fit_result *r, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
#define REASON(...) \
    (len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s", len ? "; " : ""), \
     len += (size_t)snprintf(buf + len, len < size ? size - len : 0, __VA_ARGS__))
    if (!r->converged)
        REASON("NOT converged after %zu iterations", r->iterations);
    if (!isfinite(r->ofv))
        REASON("-2LL is %g", r->ofv);
    for (size_t i = 0; i < r->n_par; i++) {
        if (!isfinite(r->estimate[i]))
            REASON("the estimate of %s is %g", r->names[i], r->estimate[i]);
        else if (!isfinite(r->se[i]))
            REASON("the SE of %s is %g", r->names[i], r->se[i]);
    }
#undef REASON
    return len ? buf : NULL;
}

static int write_params(cli_file *out, const fit_opts *o, const ketsim_fit_result *r, const char *why,
                        ketsim_error *err)
{
    FILE *fp = cli_file_stream(out);
    /* the file name goes into a comment line: a newline in it must not end
     * the comment */
    if (why)
        fprintf(fp, "# NOT A USABLE FIT (%s), written because of --accept-unusable\n", why);
    fputs("# ketsim fit --data ", fp);
    cli_put_clean(fp, o->data);
    fprintf(fp, " (%s error): -2LL %.6g, AIC %.6g, BIC %.6g\n", errmodel_name(o->em), r->ofv, r->aic, r->bic);
    for (size_t i = 0; i < r->n_par; i++)
        fprintf(fp, "%s=%.10g\n", r->names[i], r->estimate[i]);
    return cli_file_commit(out, err);
}

static void report_estimates(cli_report *r, const ketsim_params *p, const ketsim_fit_result *fr)
{
    static const char *const head[] = {"parameter", "unit", "initial", "estimate", "SE", "RSE%"};
    ketsim_html_section(&r->html, "Estimates");
    ketsim_html_table_begin(&r->html, NULL, head, 6);
    for (size_t i = 0; i < fr->n_par; i++) {
        char v[4][32];
        snprintf(v[0], 32, "%.6g", fr->initial[i]);
        snprintf(v[1], 32, "%.6g", fr->estimate[i]);
        snprintf(v[2], 32, "%.6g", fr->se[i]);
        snprintf(v[3], 32, "%.2f", fr->rse_pct[i]);
        size_t row;
        ketsim_param_info pi = {.unit = ""};
        ketsim_error ignored;
        if (ketsim_params_find(p, fr->names[i], &row, &ignored) == KETSIM_OK)
            ketsim_params_info(p, row, &pi);
        const char *cells[] = {fr->names[i], pi.unit, v[0], v[1], v[2], v[3]};
        ketsim_html_table_row(&r->html, cells, KETSIM_HTML_PLAIN);
    }
    ketsim_html_table_end(&r->html);
}

static void report_stats(cli_report *r, const fit_opts *o, const ketsim_fit_result *fr, const char *why)
{
    char b[8][64];
    ketsim_html_section(&r->html, "Fit");
    if (why)
        ketsim_html_text(&r->html, "NOT A USABLE FIT, written because of --accept-unusable.");
    ketsim_html_kv_begin(&r->html);
    ketsim_html_kv(&r->html, "drug", o->drug);
    ketsim_html_kv(&r->html, "species", o->species);
    ketsim_html_kv(&r->html, "error model", errmodel_name(o->em));
    snprintf(b[0], 64, "%zu", fr->n_obs);
    ketsim_html_kv(&r->html, "observations", b[0]);
    snprintf(b[1], 64, "%zu", fr->n_subjects);
    ketsim_html_kv(&r->html, "subjects", b[1]);
    snprintf(b[2], 64, "%s after %zu iterations (%zu model evaluations)", fr->converged ? "converged" : "NOT converged",
             fr->iterations, fr->n_evals);
    ketsim_html_kv(&r->html, "optimizer", b[2]);
    if (why)
        ketsim_html_kv(&r->html, "why not usable", why);
    snprintf(b[3], 64, "%.6g", fr->ofv);
    ketsim_html_kv(&r->html, "-2LL", b[3]);
    snprintf(b[4], 64, "%.6g", fr->aic);
    ketsim_html_kv(&r->html, "AIC", b[4]);
    snprintf(b[5], 64, "%.6g", fr->bic);
    ketsim_html_kv(&r->html, "BIC", b[5]);
    if (fr->sigma_add > 0) {
        snprintf(b[6], 64, "%.6g", fr->sigma_add);
        ketsim_html_kv(&r->html, "sigma_add (DV units, ML, profiled)", b[6]);
    }
    if (fr->sigma_prop > 0) {
        snprintf(b[7], 64, "%.6g", fr->sigma_prop);
        ketsim_html_kv(&r->html, "sigma_prop (fraction, ML, profiled)", b[7]);
    }
    ketsim_html_kv_end(&r->html);
}

/* The page, complete but not committed (after --out). */
static void write_report(cli_report *r, const fit_opts *o, const cli_subject *subj, const ketsim_fit_result *fr,
                         const char *why, const char *cmdline)
{
    cli_run_info info = {.n_inputs = 1, .inputs = {o->data}};
    if (o->params_file)
        info.inputs[info.n_inputs++] = o->params_file;
    cli_report_begin(r, "ketsim fit", cmdline, &info);
    report_stats(r, o, fr, why);
    cli_report_params(r, subj->params, "Start values: the parameter table after --params and --set; the "
                                       "overrides are listed here, the estimates below.");
    report_estimates(r, subj->params, fr);
}

/* The population methods have their own command file (cmd_fit_pop.c). */
static int wants_population(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *m = NULL;
        if (strcmp(argv[i], "--method") == 0 && i + 1 < argc)
            m = argv[i + 1];
        else if (strncmp(argv[i], "--method=", 9) == 0)
            m = argv[i] + 9;
        if (m && strcmp(m, "pooled") != 0)
            return 1;
    }
    return 0;
}

int cmd_fit(int argc, char **argv)
{
    if (wants_population(argc, argv))
        return cmd_fit_pop(argc, argv);
    fit_opts o;
    char cmdline[8192];
    cli_results_db_command_line(cmdline, sizeof cmdline, argc, argv);
    int st = parse_opts(argc, argv, &o);
    if (st)
        return st < 0 ? 0 : st;
    char buf[4096];
    const char *names[MAX_EST];
    size_t n_names;
    if (split_names(o.estimate, buf, sizeof buf, names, &n_names))
        return 2;
    ketsim_error err = {0};
    cli_subject subj;
    ketsim_fit_result *r = NULL;
    int rc = cli_subject_init(&subj, o.species, o.drug, o.params_file, o.sets, o.n_sets, &err);
    if (!rc && o.weight_given)
        subj.weight_kg = o.weight_kg;
    ketsim_fit_options fo = {.error_model = o.em, .max_iter = o.max_iter};
    ketsim_dataset *ds = NULL;
    cli_file out;
    cli_report rep;
    memset(&out, 0, sizeof out);
    memset(&rep, 0, sizeof rep);
    if (!rc && o.out)
        rc = cli_file_open(&out, o.out, &err); /* checked before the fit */
    if (!rc)
        rc = cli_report_open(&rep, o.report, 0, &err);
    if (!rc)
        rc = ketsim_dataset_read(o.data, &ds, &err);
    if (!rc)
        rc = ketsim_fit_run(subj.params, subj.catalog, subj.drug, subj.weight_kg, ketsim_dataset_events(ds), names,
                            n_names, &fo, &r, &err);
    char reason[1024];
    const char *why = NULL;
    if (!rc) {
        print_result(&o, r);
        why = unusable(r, reason, sizeof reason);
    }
    /* the start values must never pass for estimates */
    int keep = !why || o.accept_unusable;
    if (!rc && o.report && keep)
        write_report(&rep, &o, &subj, r, why, cmdline);
    if (!rc && o.out && keep)
        rc = write_params(&out, &o, r, why, &err);
    if (!rc && keep)
        rc = cli_report_commit(&rep, &err); /* after --out */
    cli_report_abort(&rep);
    cli_file_abort(&out);
    ketsim_fit_result_free(r);
    ketsim_dataset_free(ds);
    cli_subject_free(&subj);
    if (rc)
        return cli_fail(&err);
    if (why && !o.accept_unusable) {
        fprintf(stderr, "ketsim: fit: not a usable result (%s)%s; exit status %d (--accept-unusable to keep it)\n",
                why, o.out || o.report ? ", no --out or --report file written" : "", FIT_EXIT_UNUSABLE);
        return FIT_EXIT_UNUSABLE;
    }
    if (why)
        fprintf(stderr, "ketsim: fit: not a usable result (%s), kept because of --accept-unusable\n", why);
    return 0;
}
