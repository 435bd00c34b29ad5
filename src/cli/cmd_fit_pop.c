/* ketsim fit --method foce-i|saem: population estimation (ketsim/popest.h). */
#include "cli.h"
#include "pop_diag.h"
#include "output.h"
#include "fit_pop_report.h"
#include "results_db_cli.h"
#include "ketsim/dataset.h"
#include "ketsim/popest.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REPEAT 64

typedef struct pop_opts {
    const char *species, *drug, *params_file, *out, *data, *estimate, *eta, *json, *table, *out_dir, *report;
    char *sets[MAX_REPEAT], *omegas[MAX_REPEAT], *blocks[MAX_REPEAT], *errors[MAX_REPEAT], *covs[MAX_REPEAT],
        *bounds[MAX_REPEAT];
    size_t n_sets, n_omegas, n_blocks, n_errors, n_covs, n_bounds;
    double weight_kg;
    int weight_given, accept_unusable;
    ketsim_popest_method method;
    ketsim_popest_options po;
    pop_diag_opts diag;
} pop_opts;

static int repeat(char **list, size_t *n, const char *flag, char *arg)
{
    if (*n == MAX_REPEAT)
        return cli_usage("fit", "too many %s options (max %d)", flag, MAX_REPEAT);
    list[(*n)++] = arg;
    return 0;
}

static int parse_count(const char *flag, const char *s, double lo, double hi, size_t *out)
{
    double v;
    if (cli_parse_double(s, &v) || !(v >= lo && v <= hi) || v != floor(v))
        return cli_usage("fit", "%s '%s': expected an integer from %g to %g", flag, s, lo, hi);
    *out = (size_t)v;
    return 0;
}

static int parse_opts(int argc, char **argv, pop_opts *o)
{
    static const struct option longopts[] = {
        {"species", required_argument, 0, 's'},   {"drug", required_argument, 0, 'd'},
        {"weight", required_argument, 0, 'w'},    {"data", required_argument, 0, 'D'},
        {"estimate", required_argument, 0, 'E'},  {"error", required_argument, 0, 'r'},
        {"set", required_argument, 0, 'S'},       {"params", required_argument, 0, 'p'},
        {"out", required_argument, 0, 'O'},       {"max-iter", required_argument, 0, 'm'},
        {"method", required_argument, 0, 'M'},    {"eta", required_argument, 0, 'e'},
        {"omega", required_argument, 0, 'o'},     {"omega-block", required_argument, 0, 'b'},
        {"covariate", required_argument, 0, 'c'}, {"json", required_argument, 0, 'j'},
        {"table", required_argument, 0, 't'},     {"threads", required_argument, 0, 'T'},
        {"seed", required_argument, 0, 'x'},      {"bound", required_argument, 0, 'B'},
        {"saem-iter", required_argument, 0, 'k'}, {"chains", required_argument, 0, 'C'},
        {"is-samples", required_argument, 0, 'I'}, {"cov", required_argument, 0, 'V'},
        {"accept-unusable", no_argument, 0, 'A'}, {"allow-unconverged", no_argument, 0, 'A'}, /* the old name */
        {"out-dir", required_argument, 0, 'o' + 256}, {"report", required_argument, 0, 'R'}, {"help", no_argument, 0, 'h'}, POP_DIAG_LONGOPTS,
        {0, 0, 0, 0},
    };
    memset(o, 0, sizeof *o);
    o->species = "human";
    o->drug = "ketamine";
    o->po.seed = KETSIM_POPEST_DEFAULT_SEED;
    ketsim_error e;
    double v;
    int c;
    size_t n;
    optind = 1;
    opterr = 0;
    o->diag.log_scale = -1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        int d = pop_diag_option(&o->diag, c, optarg);
        if (d == 2)
            return 2;
        if (d == 1)
            continue;
        switch (c) {
        case 's': o->species = optarg; break;
        case 'd': o->drug = optarg; break;
        case 'p': o->params_file = optarg; break;
        case 'O': o->out = optarg; break;
        case 'D': o->data = optarg; break;
        case 'E': o->estimate = optarg; break;
        case 'e': o->eta = optarg; break;
        case 'j': o->json = optarg; break;
        case 't': o->table = optarg; break;
        case 'A': o->accept_unusable = 1; break;
        case 'o' + 256: o->out_dir = optarg; break;
        case 'R': o->report = optarg; break;
        case 'M':
            if (ketsim_popest_method_parse(optarg, &o->method, &e))
                return cli_usage("fit", "--method '%s': expected pooled, foce-i or saem", optarg);
            break;
        case 'r':
            if (repeat(o->errors, &o->n_errors, "--error", optarg))
                return 2;
            break;
        case 'S':
            if (repeat(o->sets, &o->n_sets, "--set", optarg))
                return 2;
            break;
        case 'o':
            if (repeat(o->omegas, &o->n_omegas, "--omega", optarg))
                return 2;
            break;
        case 'b':
            if (repeat(o->blocks, &o->n_blocks, "--omega-block", optarg))
                return 2;
            break;
        case 'c':
            if (repeat(o->covs, &o->n_covs, "--covariate", optarg))
                return 2;
            break;
        case 'B':
            if (repeat(o->bounds, &o->n_bounds, "--bound", optarg))
                return 2;
            break;
        case 'm':
            if (parse_count("--max-iter", optarg, 1, 10000, &o->po.max_iter))
                return 2;
            break;
        case 'T':
            if (parse_count("--threads", optarg, 1, 64, &o->po.threads))
                return 2;
            break;
        case 'C':
            if (parse_count("--chains", optarg, 1, 100, &o->po.saem_chains))
                return 2;
            break;
        case 'I':
            if (parse_count("--is-samples", optarg, 10, 1000000, &o->po.is_samples))
                return 2;
            break;
        case 'x':
            if (cli_parse_double(optarg, &v) || !(v >= 0 && v < 1.8e19) || v != floor(v))
                return cli_usage("fit", "--seed '%s': expected a non-negative integer", optarg);
            o->po.seed = (uint64_t)v;
            break;
        case 'k': {
            char a[64], *comma;
            snprintf(a, sizeof a, "%s", optarg);
            comma = strchr(a, ',');
            if (!comma)
                return cli_usage("fit", "--saem-iter '%s': expected K1,K2 (exploration, smoothing iterations)", optarg);
            *comma = 0;
            if (parse_count("--saem-iter", a, 1, 100000, &o->po.saem_explore) ||
                parse_count("--saem-iter", comma + 1, 1, 100000, &o->po.saem_smooth))
                return 2;
            break;
        }
        case 'V':
            if (strcmp(optarg, "sandwich") == 0)
                o->po.covstep = KETSIM_COVSTEP_SANDWICH;
            else if (strcmp(optarg, "r") == 0 || strcmp(optarg, "R") == 0)
                o->po.covstep = KETSIM_COVSTEP_R;
            else if (strcmp(optarg, "none") == 0)
                o->po.covstep = KETSIM_COVSTEP_NONE;
            else
                return cli_usage("fit", "--cov '%s': expected sandwich, r or none", optarg);
            break;
        case 'w':
            if (cli_parse_double(optarg, &o->weight_kg) || !(o->weight_kg >= 0.005 && o->weight_kg <= 500))
                return cli_usage("fit", "--weight '%s': expected a weight in kg between 0.005 and 500", optarg);
            o->weight_given = 1;
            break;
        case 'h': help_fit(); return -1;
        default:
            return cli_usage("fit", "unknown or incomplete option '%s' (see ketsim help fit)", argv[optind - 1]);
        }
    }
    (void)n;
    if (optind < argc)
        return cli_usage("fit", "unexpected argument '%s'", argv[optind]);
    if (cli_report_check_path("fit", o->report))
        return 2;
    if (!o->data)
        return cli_usage("fit", "--data FILE is required");
    if (!o->estimate && !o->eta)
        return cli_usage("fit", "--estimate NAME[,NAME...] is required");
    if (!o->eta)
        return cli_usage("fit", "--method %s needs --eta NAME[,NAME...] (the parameters with between-subject "
                                "variability)", ketsim_popest_method_name(o->method));
    return 0;
}

/* The options that name parameters, as the library's spec. */
static ketsim_popest_spec spec_of(const pop_opts *o)
{
    return (ketsim_popest_spec){.estimate = o->estimate, .eta = o->eta,
                                .omegas = (const char *const *)o->omegas, .n_omegas = o->n_omegas,
                                .blocks = (const char *const *)o->blocks, .n_blocks = o->n_blocks,
                                .errors = (const char *const *)o->errors, .n_errors = o->n_errors,
                                .covariates = (const char *const *)o->covs, .n_covariates = o->n_covs,
                                .bounds = (const char *const *)o->bounds, .n_bounds = o->n_bounds};
}

static void print_value(const ketsim_popest_value *v, const char *extra)
{
    double lo = v->estimate - 1.96 * v->se, hi = v->estimate + 1.96 * v->se;
    printf("%-40s %13.6g %12.4g %8.1f  [%.4g, %.4g]%s%s\n", v->name, v->estimate, v->se, v->rse_pct, lo, hi,
           v->at_bound ? "  AT BOUND" : "", extra ? extra : "");
}

static void print_result(const pop_opts *o, const ketsim_popest_result *r)
{
    size_t q = r->n_eta;
    printf("fit %s: %zu subjects, %zu observations (%zu BLQ, M3), %zu unknowns; %zu iterations; estimation %zu "
           "simulations, %.1f s; in all %zu simulations, %.1f s\n\n",
           ketsim_popest_method_name(o->method), r->n_subjects, r->n_obs, r->n_blq, r->n_est, r->iterations,
           r->n_sims_estimation, r->seconds_estimation, r->n_sims, r->seconds);
    printf("%-40s %13s %12s %8s  %s\n", "THETA", "estimate", "SE", "RSE%", "95% CI");
    for (size_t i = 0; i < r->n_theta; i++)
        print_value(&r->theta[i], NULL);
    printf("\n%-40s %13s %12s %8s %8s %10s\n", "OMEGA (variance of ETA)", "variance", "SE", "RSE%", "CV%", "shrink%");
    for (size_t k = 0; k < q; k++)
        printf("%-40s %13.6g %12.4g %8.1f %8.1f %10.1f\n", r->eta_names[k], r->omega[k * q + k], r->omega_se[k * q + k],
               100 * r->omega_se[k * q + k] / r->omega[k * q + k], r->omega_cv_pct[k], r->eta_shrinkage_pct[k]);
    for (size_t k = 0; k < q; k++)
        for (size_t l = 0; l < k; l++)
            if (r->omega_est[k * q + l])
                printf("  cov(%s, %s) = %.5g (SE %.3g), correlation %.3f\n", r->eta_names[k], r->eta_names[l],
                       r->omega[k * q + l], r->omega_se[k * q + l], r->omega_corr[k * q + l]);
    printf("\n%-40s %13s %12s %8s  %s\n", "SIGMA (residual SD)", "estimate", "SE", "RSE%", "95% CI");
    for (size_t i = 0; i < r->n_sigma; i++)
        print_value(&r->sigma[i], NULL);
    printf("\nepsilon shrinkage %.1f%%\n", r->eps_shrinkage_pct);
    printf("covariance step: %s%s\n", r->cov_method, r->cov_ok || !strcmp(r->cov_method, "none") ? "" : " FAILED");
    printf("\nOFV (-2LL, %s) %.4f   AIC %.4f   BIC %.4f\n", r->ofv_method, r->ofv, r->aic, r->bic);
    if (o->method == KETSIM_POPEST_SAEM)
        printf("FOCE-I objective at the SAEM estimates %.4f\n", r->ofv_foce);
    printf("%s\n", r->converged ? "converged" : "NOT CONVERGED");
    if (!r->converged)
        printf("  %s\n", r->message);
}

/* The outputs of one fit: the single files (--out, --json, --table) and
 * the output sets (--out-dir, --plot).  All are opened before the fit and
 * written completely before any is published, so a run that fails or is
 * interrupted leaves every previous output as it was. */
typedef struct pop_outputs {
    cli_file single[3];          /* params, json, table */
    const char *path[3];
    cli_outdirs sets;
} pop_outputs;

enum { OUT_PARAMS, OUT_JSON, OUT_TABLE, N_OUT };
static const char *const set_file[N_OUT] = {"fit_params.txt", "fit.json", "fit_records.csv"};

static int outputs_open(pop_outputs *po, const pop_opts *o, ketsim_error *err)
{
    memset(po, 0, sizeof *po);
    po->path[OUT_PARAMS] = o->out;
    po->path[OUT_JSON] = o->json;
    po->path[OUT_TABLE] = o->table;
    int rc = (o->out_dir || o->diag.plot_dir)
                 ? cli_outdirs_begin(&po->sets, o->out_dir, o->diag.plot_dir, "fit", err)
                 : KETSIM_OK;
    for (int i = 0; i < N_OUT && !rc; i++)
        if (po->path[i])
            rc = cli_file_open(&po->single[i], po->path[i], err);
    return rc;
}

static void outputs_abort(pop_outputs *po)
{
    for (int i = 0; i < N_OUT; i++)
        cli_file_abort(&po->single[i]);
    cli_outdirs_end(&po->sets);
}

/* What every file of a fit is written from. */
typedef struct pop_content {
    const ketsim_popest_result *r;
    const ketsim_events *ev;
    const char *comment;
} pop_content;

static int write_one(FILE *fp, int which, const pop_content *c, ketsim_error *err)
{
    if (which == OUT_PARAMS)
        return ketsim_popest_fprint_params(fp, c->r, c->comment, err);
    if (which == OUT_JSON)
        return ketsim_popest_fprint_json(fp, c->r, err);
    return ketsim_popest_fprint_table(fp, c->ev, c->r, err);
}

static int set_params(FILE *fp, const void *c, ketsim_error *err) { return write_one(fp, OUT_PARAMS, c, err); }
static int set_json(FILE *fp, const void *c, ketsim_error *err) { return write_one(fp, OUT_JSON, c, err); }
static int set_table(FILE *fp, const void *c, ketsim_error *err) { return write_one(fp, OUT_TABLE, c, err); }

/* Write everything, then publish: the set first (its own all-or-nothing
 * machinery), then the single files, which by then are complete temporary
 * files and only need their renames. */
static int outputs_publish(pop_outputs *po, const pop_opts *o, const pop_content *c, ketsim_error *err)
{
    int rc = KETSIM_OK;
    for (int i = 0; i < N_OUT && !rc; i++)
        if (po->path[i]) {
            FILE *fp = cli_file_stream(&po->single[i]);
            rc = write_one(fp, i, c, err);
            /* flushed now, so a full disk shows before anything is published */
            if (!rc && (fflush(fp) || ferror(fp)))
                rc = KETSIM_FAIL(err, KETSIM_EIO, "write failed: %s", strerror(errno));
            if (rc) {
                char where[4200];
                snprintf(where, sizeof where, "%.4000s: ", po->path[i]);
                ketsim_error_prefix(err, where);
            }
        }
    cli_writer writers[N_OUT] = {set_params, set_json, set_table};
    for (int i = 0; i < N_OUT && !rc && o->out_dir; i++)
        rc = cli_outdirs_write(&po->sets, set_file[i], writers[i], c, err);
    if (!rc && (o->out_dir || o->diag.plot_dir)) {
        cli_run_info info = {.n_seeds = 1, .seed_names = {"fit"}, .seeds = {(unsigned long long)o->po.seed},
                             .n_inputs = 1, .inputs = {o->data}};
        rc = cli_outdirs_publish(&po->sets, &info, err);
    }
    for (int i = 0; i < N_OUT && !rc; i++)
        if (po->path[i])
            rc = cli_file_commit(&po->single[i], err);
    outputs_abort(po);
    return rc;
}

/* The first line of the parameter file: how it was made (control
 * characters of the data file's name as '?', so the comment stays one
 * line) and, for a result kept by --accept-unusable, that it is not one. */
static void params_comment(const pop_opts *o, const ketsim_popest_result *r, char *buf, size_t size)
{
    size_t len = 0;
    if (!r->converged)
        len = (size_t)snprintf(buf, size, "NOT A USABLE FIT (%.400s), written because of --accept-unusable\n# ",
                               r->message);
    if (len >= size)
        len = size - 1;
    snprintf(buf + len, size - len, "ketsim fit --method %s --data %.500s", ketsim_popest_method_name(o->method),
             o->data);
    for (char *q = buf + len; *q; q++)
        if ((unsigned char)*q < 0x20)
            *q = '?';
}

int cmd_fit_pop(int argc, char **argv)
{
    pop_opts o;
    char cmdline[8192]; /* for the report, before getopt reorders argv */
    cli_results_db_command_line(cmdline, sizeof cmdline, argc, argv);
    int st = parse_opts(argc, argv, &o);
    if (st)
        return st < 0 ? 0 : st;
    ketsim_error err = {0};
    cli_subject subj;
    memset(&subj, 0, sizeof subj);
    ketsim_popest *pe = NULL;
    ketsim_popest_result *r = NULL;
    ketsim_dataset *ds = NULL;
    /* every output location is checked (created, locked, writable) before
     * the fit */
    pop_outputs outs;
    cli_report rep;
    memset(&rep, 0, sizeof rep);
    int rc = outputs_open(&outs, &o, &err);
    /* the figures are drawn once, into --plot's stage, and the page reads them there */
    if (!rc)
        rc = cli_report_open(&rep, o.report, 0, &err);
    if (!rc)
        rc = cli_subject_init(&subj, o.species, o.drug, o.params_file, o.sets, o.n_sets, &err);
    if (!rc && o.weight_given)
        subj.weight_kg = o.weight_kg;
    if (!rc)
        rc = ketsim_dataset_read(o.data, &ds, &err);
    ketsim_popest_spec spec = spec_of(&o);
    if (!rc)
        rc = ketsim_popest_open(&subj, ketsim_dataset_events(ds), o.method, &o.po, &spec, &pe, &err);
    if (!rc)
        rc = ketsim_popest_run(pe, &r, &err);
    if (!rc)
        print_result(&o, r);
    /* a fit that is not usable publishes nothing unless asked to */
    int keep = !rc && (r->converged || o.accept_unusable);
    o.diag.seed = o.po.seed;
    if (keep)
        rc = pop_diag_run(&o.diag, o.diag.plot_dir ? cli_outdirs_plot_stage(&outs.sets) : NULL, pe, r,
                          ketsim_dataset_events(ds), &err);
    if (keep && !rc) {
        char comment[1100];
        params_comment(&o, r, comment, sizeof comment);
        pop_content c = {r, ketsim_dataset_events(ds), comment};
        if (o.diag.plot_dir)
            cli_report_use_figures(&rep, cli_outdirs_plot_stage(&outs.sets));
        fit_pop_report_input ri = {.r = r, .params = subj.params, .command_line = cmdline, .data = o.data,
                                   .params_file = o.params_file, .seed = o.po.seed, .figures = !!o.diag.plot_dir};
        rc = fit_pop_report_write(&rep, &ri, &err);
        if (!rc)
            rc = outputs_publish(&outs, &o, &c, &err);
        if (!rc)
            rc = cli_report_commit(&rep, &err); /* last: it describes the outputs above */
    }
    cli_report_abort(&rep);
    outputs_abort(&outs);
    int status = rc ? cli_fail(&err) : 0;
    if (!rc && !r->converged) {
        if (o.accept_unusable) {
            fprintf(stderr, "ketsim: fit: not a usable result (%s), kept because of --accept-unusable\n", r->message);
        } else {
            fprintf(stderr, "ketsim: fit: not a usable result (%s); no output written; exit status %d "
                            "(--accept-unusable to keep it)\n", r->message, CLI_FIT_EXIT_UNUSABLE);
            status = CLI_FIT_EXIT_UNUSABLE;
        }
    }
    ketsim_popest_result_free(r);
    ketsim_popest_free(pe);
    ketsim_dataset_free(ds);
    cli_subject_free(&subj);
    return status;
}
