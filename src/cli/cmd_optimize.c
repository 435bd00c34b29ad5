/* ketsim optimize: the regimen that maximises time in response under caps. */
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

void help_optimize(void)
{
    puts("usage: ketsim optimize [--bounds KNOB=LO:HI]... [--routes iv,in] [--in-doses 56,84]\n"
         "                       [--cap-cadss X] [--cap-sbp Y] [--max-visits N] [--horizon-days D]\n"
         "                       [--method nm|grid] [--grid-n N] [--iterations N] [--subjects N] [--seed N]\n"
         "                       [--eval-subjects N] [--eval-seed N] [--threads N] [--out-dir DIR]\n"
         "                       [--out FILE.sqlite] [--plot DIR] [--uncertainty FIT.json [--uncertainty-draws K]]\n"
         "\n"
         "Choose dose, infusion duration, route, interval and number of doses to maximise\n"
         "the mean time in response (MADRS below half of baseline) over the horizon\n"
         "(default 28 days) on a fixed virtual cohort (default 24 patients, common random\n"
         "numbers), subject to caps on the mean peak CADSS and systolic blood pressure rise.\n"
         "Routes: iv = racemic ketamine in mg/kg over an infusion; in = intranasal\n"
         "esketamine at the flat doses of --in-doses (default 56 and 84 mg).  Bounds\n"
         "(defaults): dose_mg_per_kg=0.25:1, infusion_min=20:100, interval_d=1:7, doses=1:8\n"
         "(--bound is the same as --bounds).\n"
         "Every structure (route, number of doses, intranasal dose) is screened, the best\n"
         "two refined by Nelder-Mead (or a grid).  The best regimens and the standard\n"
         "course (0.5 mg/kg over 40 min three times a week for two weeks) are then\n"
         "evaluated on a FRESH cohort (default 200 patients, another seed) with intervals.\n"
         "With --out-dir, writes optimize.csv and optimize.json there; with --plot, days in\n"
         "response of the best regimens and the standard course as optimize_days.png/.svg,\n"
         "and their gain over the standard course (paired) and burden as optimize_gain.png/.svg.\n"
         "--out FILE.sqlite (or .sqlite3, .db) stores the run in an SQLite database: run\n"
         "metadata, the regimens' rows and dose days, and each fresh patient's outcome under\n"
         "every regimen (docs/formats.md); it replaces FILE only once complete.\n"
         "--uncertainty FIT.json searches at a population fit's THETAs, then evaluates the regimens\n"
         "found and the standard course on the fresh cohort once per draw (K, default 20) from its\n"
         "covariance step, and reports the spread of their objective (with --out-dir:\n"
         "optimize_uncertainty.csv, optimize_uncertainty_parameters.csv; with --out: the\n"
         "database's uncertainty tables).\n"
         "See docs/beyond.md.\n"
         "\n"
         "examples:\n"
         "  ketsim optimize\n"
         "  ketsim optimize --cap-cadss 10 --cap-sbp 15 --max-visits 6\n"
         "  ketsim optimize --routes in --bounds interval_d=2:7 --horizon-days 42");
}

/* Text copied into a fixed buffer: refused rather than cut, since a cut
 * number is another number. */
static int fits(const char *s, size_t size)
{
    return strlen(s) < size;
}

static int parse_range(const char *s, double *lo, double *hi)
{
    char buf[128];
    if (!fits(s, sizeof buf))
        return -1;
    snprintf(buf, sizeof buf, "%s", s);
    char *c = strchr(buf, ':');
    if (!c)
        return -1;
    *c = 0;
    return cli_parse_double(buf, lo) || cli_parse_double(c + 1, hi) || !(*lo <= *hi) ? -1 : 0;
}

static int parse_bound(const char *s, ketsim_opt_bounds *b)
{
    const char *eq = strchr(s, '=');
    if (!eq)
        return -1;
    double lo, hi;
    if (parse_range(eq + 1, &lo, &hi))
        return -1;
    size_t n = (size_t)(eq - s);
    if (n == 14 && strncmp(s, "dose_mg_per_kg", n) == 0 && lo > 0 && hi <= 5)
        b->dose_lo = lo, b->dose_hi = hi;
    else if (n == 12 && strncmp(s, "infusion_min", n) == 0 && lo >= 0 && hi <= 600)
        b->infusion_lo_h = lo / 60, b->infusion_hi_h = hi / 60;
    else if (n == 10 && strncmp(s, "interval_d", n) == 0 && lo > 0 && hi <= 60)
        b->interval_lo_d = lo, b->interval_hi_d = hi;
    else if (n == 5 && strncmp(s, "doses", n) == 0 && lo >= 1 && hi <= KETSIM_OPT_MAX_DOSES && lo == floor(lo) &&
             hi == floor(hi))
        b->doses_lo = (int)lo, b->doses_hi = (int)hi;
    else
        return -1;
    return 0;
}

static int parse_routes(const char *s, ketsim_opt_bounds *b)
{
    b->use_iv = b->use_in = 0;
    char buf[64];
    if (!fits(s, sizeof buf))
        return -1;
    snprintf(buf, sizeof buf, "%s", s);
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (strcmp(t, "iv") == 0)
            b->use_iv = 1;
        else if (strcmp(t, "in") == 0)
            b->use_in = 1;
        else
            return -1;
    }
    return b->use_iv || b->use_in ? 0 : -1;
}

static int parse_in_doses(const char *s, ketsim_opt_bounds *b)
{
    char buf[64];
    if (!fits(s, sizeof buf))
        return -1;
    snprintf(buf, sizeof buf, "%s", s);
    char *save = NULL;
    b->n_in_doses = 0;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        double v;
        if (b->n_in_doses == 4 || cli_parse_double(t, &v) || !(v > 0 && v <= 1000))
            return -1;
        b->in_dose[b->n_in_doses++] = v;
    }
    return b->n_in_doses ? 0 : -1;
}

typedef struct opt_ctx {
    const ketsim_opt_opts *o;
    const ketsim_opt_report *rep;
} opt_ctx;

static int w_csv(FILE *fp, const void *p, ketsim_error *err)
{
    return ketsim_opt_write_csv(fp, ((const opt_ctx *)p)->rep, err);
}

static int w_json(FILE *fp, const void *p, ketsim_error *err)
{
    const opt_ctx *c = p;
    return ketsim_opt_write_json(fp, c->o, c->rep, err);
}

static int plot_days(const void *rep, const char *dir, ketsim_error *err)
{
    return ketsim_plot_optimize(rep, dir, err);
}

static int parse_cap(const char *s, double *v)
{
    return cli_parse_double(s, v) || !(*v > 0) ? -1 : 0;
}

/* The regimens found (and the standard course) on the fresh cohort under
 * every draw of the fit's THETAs: the search itself is not repeated, so
 * the spread is that of the chosen regimens' outcome, not of the choice. */
static int optimize_unc(beyond_unc *bu, const ketsim_params *p, const ketsim_opt_opts *o,
                        const ketsim_opt_report *rep, ketsim_error *err)
{
    if (!bu->file)
        return KETSIM_OK;
    ketsim_catalog *cat = NULL;
    int rc = ketsim_catalog_create(&cat, err);
    size_t n = rep->n_best + 1;
    long q[KETSIM_OPT_TOP + 2];
    char text[256], name[320];
    /* draw -1: at the estimates */
    for (long k = -1; k < bu->draws && !rc; k++) {
        ketsim_params *pk = NULL;
        double obj[KETSIM_OPT_TOP + 1];
        rc = beyond_unc_params(bu, p, k, &pk, err);
        for (size_t i = 0; i < n && !rc; i++) {
            const ketsim_opt_regimen *r = i < rep->n_best ? &rep->best[i] : &rep->standard;
            ketsim_opt_eval ev;
            rc = ketsim_opt_evaluate(pk, cat, o, r, o->eval_subjects, o->eval_seed, &ev, err);
            obj[i] = ev.objective_d;
            if (!rc && k < 0) {
                ketsim_opt_regimen_text(text, sizeof text, r);
                if (i < rep->n_best)
                    snprintf(name, sizeof name, "objective_d best %zu: %.200s", i + 1, text);
                else
                    snprintf(name, sizeof name, "objective_d standard: %.200s", text);
                q[i] = beyond_unc_add(bu, name, obj[i]);
            }
        }
        if (!rc && k < 0 && rep->n_best)
            q[n] = beyond_unc_add(bu, "objective_d best 1 minus standard", obj[0] - obj[n - 1]);
        for (size_t i = 0; i < n && !rc && k >= 0; i++)
            beyond_unc_set(bu, k, q[i], obj[i]);
        if (!rc && k >= 0 && rep->n_best)
            beyond_unc_set(bu, k, q[n], obj[0] - obj[n - 1]);
        ketsim_params_free(pk);
    }
    ketsim_catalog_free(cat);
    return rc;
}

/* Where optimize writes. */
typedef struct opt_outputs {
    const char *out_dir, *plot_dir, *db_path, *cmdline;
} opt_outputs;

/* The search, the fresh cohort and the uncertainty draws, with the
 * database's rows before and after (the fresh patients as each regimen is
 * evaluated). */
static int optimize_compute(ketsim_opt_opts *o, beyond_unc *bu, cli_outdirs *out, ketsim_results_db *db,
                            ketsim_opt_report *rep, ketsim_error *err)
{
    ketsim_params *p = NULL;
    int rc = beyond_cli_params(NULL, 0, &p, err);
    if (!rc && db)
        rc = cli_results_db_optimize_setup(db, o, bu->file, bu->draws, err);
    if (!rc)
        rc = beyond_unc_apply(bu, p, -1, err);
    o->on_subjects = db ? cli_results_db_optimize_subjects : NULL;
    o->subjects_user = db;
    if (!rc)
        rc = ketsim_beyond_optimize(p, o, rep, err);
    if (!rc)
        rc = optimize_unc(bu, p, o, rep, err);
    if (!rc)
        rc = beyond_unc_write(out, db, "optimize", bu, err);
    if (!rc && db)
        rc = cli_results_db_optimize(db, rep, err);
    ketsim_params_free(p);
    return rc;
}

/* The outputs are checked (and the database opened) before the search; the
 * database is committed after the output sets. */
static int run_optimize(ketsim_opt_opts *o, beyond_unc *bu, const opt_outputs *w)
{
    static ketsim_opt_report rep;
    ketsim_error err = {0};
    cli_outdirs out;
    ketsim_results_db *db = NULL;
    int rc = beyond_cli_begin(&out, w->out_dir, w->plot_dir, "optimize", &err);
    if (!rc && w->db_path && (rc = cli_results_db_open(w->db_path, "optimize", w->cmdline, o->threads, &db, &err)))
        cli_outdirs_end(&out);
    if (!rc && (rc = optimize_compute(o, bu, &out, db, &rep, &err)))
        cli_outdirs_end(&out);
    opt_ctx ctx = {o, &rep};
    cli_run_info info = {.n_seeds = 2, .seed_names = {"cohort", "evaluation"},
                         .seeds = {(unsigned long long)o->seed, (unsigned long long)o->eval_seed}};
    if (!rc)
        rc = beyond_cli_finish(&out, "optimize", w_csv, w_json, &ctx, plot_days, &rep, &info, &err);
    rc = cli_results_db_end(db, rc, &err);
    if (!rc && !ketsim_opt_print(stdout, o, &rep, &err))
        rc = beyond_unc_print(stdout, bu, &err);
    else if (!rc)
        rc = KETSIM_EIO;
    beyond_unc_free(bu);
    if (rc)
        return cli_fail(&err);
    if (w->out_dir)
        printf("\nwrote %s/optimize.csv, %s/optimize.json and %s/optimize_manifest.json\n", w->out_dir, w->out_dir,
               w->out_dir);
    if (w->plot_dir)
        printf("wrote %s/optimize_days.png%s and their .svg\n", w->plot_dir,
               rep.n_best ? ", optimize_gain.png" : "");
    if (w->db_path)
        printf("%swrote %s\n", w->out_dir ? "" : "\n", w->db_path);
    return 0;
}

int cmd_optimize(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"bounds", required_argument, 0, 'b'},  {"bound", required_argument, 0, 'b'},
        {"routes", required_argument, 0, 'R'},  {"in-doses", required_argument, 0, 'I'},
        {"cap-cadss", required_argument, 0, 'C'}, {"cap-sbp", required_argument, 0, 'P'},
        {"max-visits", required_argument, 0, 'V'}, {"horizon-days", required_argument, 0, 'H'},
        {"method", required_argument, 0, 'M'},  {"grid-n", required_argument, 0, 'G'},
        {"iterations", required_argument, 0, 'i'}, {"subjects", required_argument, 0, 'n'},
        {"seed", required_argument, 0, 's'},    {"eval-subjects", required_argument, 0, 'N'},
        {"eval-seed", required_argument, 0, 'E'}, {"threads", required_argument, 0, 't'},
        {"out-dir", required_argument, 0, 'o'}, {"plot", required_argument, 0, 'F'}, {"help", no_argument, 0, 'h'},
        {"out", required_argument, 0, 'D'},     BEYOND_UNC_LONGOPTS,
        {0, 0, 0, 0},
    };
    ketsim_opt_opts o;
    ketsim_opt_defaults(&o);
    o.threads = trial_cli_default_threads();
    const char *out_dir = NULL, *plot_dir = NULL, *db_path = NULL;
    long v;
    int c;
    char cmdline[8192]; /* for --out's run table, before getopt reorders argv */
    cli_results_db_command_line(cmdline, sizeof cmdline, argc, argv);
    optind = 1;
    opterr = 0;
    beyond_unc bu;
    beyond_unc_init(&bu);
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        int u = beyond_unc_option(&bu, c, optarg, "optimize");
        if (u == 2)
            return 2;
        if (u == 1)
            continue;
        switch (c) {
        case 'b':
            if (parse_bound(optarg, &o.b))
                return cli_usage("optimize", "--bounds '%s': expected dose_mg_per_kg=LO:HI (0..5), infusion_min=LO:HI "
                                             "(0..600), interval_d=LO:HI (0..60) or doses=LO:HI (1..%d)",
                                 optarg, KETSIM_OPT_MAX_DOSES);
            break;
        case 'R':
            if (parse_routes(optarg, &o.b))
                return cli_usage("optimize", "--routes '%s': expected iv, in or iv,in", optarg);
            break;
        case 'I':
            if (parse_in_doses(optarg, &o.b))
                return cli_usage("optimize", "--in-doses '%s': expected up to 4 doses in mg, e.g. 56,84", optarg);
            break;
        case 'C':
            if (parse_cap(optarg, &o.cap_cadss))
                return cli_usage("optimize", "--cap-cadss '%s': expected a number > 0", optarg);
            break;
        case 'P':
            if (parse_cap(optarg, &o.cap_sbp))
                return cli_usage("optimize", "--cap-sbp '%s': expected a number > 0 (mmHg)", optarg);
            break;
        case 'V':
            if (beyond_cli_count(optarg, 1, KETSIM_OPT_MAX_DOSES, &v))
                return cli_usage("optimize", "--max-visits '%s': expected an integer between 1 and %d", optarg,
                                 KETSIM_OPT_MAX_DOSES);
            o.max_visits = (int)v;
            break;
        case 'H':
            if (beyond_cli_count(optarg, 2, 90, &v))
                return cli_usage("optimize", "--horizon-days '%s': expected an integer between 2 and 90", optarg);
            o.horizon_d = (double)v;
            break;
        case 'M':
            if (strcmp(optarg, "nm") && strcmp(optarg, "grid"))
                return cli_usage("optimize", "--method '%s': expected nm or grid", optarg);
            o.grid = strcmp(optarg, "grid") == 0;
            break;
        case 'G':
            if (beyond_cli_count(optarg, 2, 10, &v))
                return cli_usage("optimize", "--grid-n '%s': expected an integer between 2 and 10", optarg);
            o.grid_n = (int)v;
            break;
        case 'i':
            if (beyond_cli_count(optarg, 1, 500, &v))
                return cli_usage("optimize", "--iterations '%s': expected an integer between 1 and 500", optarg);
            o.max_iter = (int)v;
            break;
        case 'n':
        case 'N':
            if (beyond_cli_count(optarg, 2, KETSIM_COHORT_MAX_SUBJECTS, &v))
                return cli_usage("optimize", "--%s '%s': expected an integer between 2 and %d",
                                 c == 'n' ? "subjects" : "eval-subjects", optarg, KETSIM_COHORT_MAX_SUBJECTS);
            *(c == 'n' ? &o.n_subjects : &o.eval_subjects) = (int)v;
            break;
        case 's':
        case 'E':
            if (beyond_cli_count(optarg, 0, 0x7fffffffL, &v))
                return cli_usage("optimize", "--%s '%s': expected an integer between 0 and 2147483647",
                                 c == 's' ? "seed" : "eval-seed", optarg);
            *(c == 's' ? &o.seed : &o.eval_seed) = (uint64_t)v;
            break;
        case 't':
            if (beyond_cli_count(optarg, 1, 64, &v))
                return cli_usage("optimize", "--threads '%s': expected an integer between 1 and 64", optarg);
            o.threads = (int)v;
            break;
        case 'o': out_dir = optarg; break;
        case 'D':
            if (!cli_results_db_path(optarg))
                return cli_usage("optimize", "--out '%s': expected a database file ending in .sqlite, .sqlite3 or "
                                             ".db", optarg);
            db_path = optarg;
            break;
        case 'F': plot_dir = optarg; break;
        case 'h': help_optimize(); return 0;
        default:
            return cli_usage("optimize", "unknown or incomplete option '%s' (see ketsim help optimize)",
                             argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage("optimize", "unexpected argument '%s'", argv[optind]);
    if (o.eval_seed == o.seed)
        return cli_usage("optimize", "--eval-seed must differ from --seed (the fresh cohort must be new patients)");
    ketsim_error err = {0};
    if (beyond_unc_prepare(&bu, o.seed, &err)) {
        beyond_unc_free(&bu);
        return cli_fail(&err);
    }
    opt_outputs w = {out_dir, plot_dir, db_path, cmdline};
    return run_optimize(&o, &bu, &w);
}
