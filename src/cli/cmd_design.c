/* ketsim design: candidate compounds against efficacy and burden. */
#include "beyond_cli.h"
#include "beyond_unc_cli.h"
#include "cli.h"
#include "results_db_cli.h"
#include "trial_cli.h"
#include "ketsim/beyond.h"
#include "ketsim/plot_results.h"
#include "ketsim/rng.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_AXES 6
#define MAX_LEVELS 32

void help_design(void)
{
    puts("usage: ketsim design [--grid KNOB=LO:HI:N[:log]]... | [--lhs N --range KNOB=LO:HI[:log]...]\n"
         "                     [--base DRUGFILE] [--compound NAME] [--dose ROUTE:AMOUNT[:DURATION]]\n"
         "                     [--subjects N] [--seed N] [--days D] [--threads N] [--out-dir DIR]\n"
         "                     [--out FILE.sqlite] [--plot DIR] [--uncertainty FIT.json [--uncertainty-draws K]]\n"
         "\n"
         "Compare candidate compounds on one virtual cohort (default 100 patients, the\n"
         "same patients for every candidate and for a placebo reference): efficacy\n"
         "(response at 24 h, days in response over 14 days, both also minus placebo)\n"
         "against burden (peak CADSS, peak systolic blood pressure rise); * marks the\n"
         "Pareto front.  Without --grid or --lhs: the built-in examples (ketamine,\n"
         "esketamine 84 mg intranasal, arketamine, (2R,6R)-HNK, a hypothetical HNK-like\n"
         "compound and an inert negative control).  With them: variants of --base\n"
         "(default data/drugs/hnk_like.yaml) whose knobs apply to --compound (default: the\n"
         "first compound the file defines).  Knobs: nmda_ki_um, interneuron_selectivity,\n"
         "ampa_emax, ampa_ec50_um, half_life_h (sets cl_l_per_h from the volumes),\n"
         "cl_l_per_h, yield_METABOLITE (e.g. yield_r_hnk), dose_mg_per_kg, dose_mg,\n"
         "infusion_h, and route (--grid route=iv,in,im).  With --out-dir, writes design.csv\n"
         "and design.json there; with --plot, efficacy against burden with the Pareto\n"
         "front as design_tradeoff.png/.svg.  See docs/beyond.md.\n"
         "--out FILE.sqlite (or .sqlite3, .db) stores the run in an SQLite database: run\n"
         "metadata, the drug files, every candidate's row and knobs, and each patient's\n"
         "outcome under every candidate and placebo (docs/formats.md); it replaces FILE only\n"
         "once complete.\n"
         "--uncertainty FIT.json runs at a population fit's THETAs, then once per draw (K, default\n"
         "20) from its covariance step, and reports the spread of each candidate's effects over\n"
         "placebo (with --out-dir: design_uncertainty.csv, design_uncertainty_parameters.csv;\n"
         "with --out: the database's uncertainty tables).\n"
         "\n"
         "examples:\n"
         "  ketsim design\n"
         "  ketsim design --grid nmda_ki_um=1:1000:4:log --grid ampa_emax=0:0.6:3\n"
         "  ketsim design --lhs 20 --range half_life_h=1:12 --range ampa_ec50_um=1:30:log");
}

typedef struct axis {
    char knob[64];
    size_t n;
    double v[MAX_LEVELS];
    ketsim_route routes[MAX_LEVELS];
    int is_route, log;
    double lo, hi;
} axis;

/* KNOB=LO:HI:N[:log] (grid, with_n) or KNOB=LO:HI[:log] (range); route=a,b. */
static int parse_axis(const char *s, int with_n, axis *a, ketsim_error *err)
{
    memset(a, 0, sizeof *a);
    const char *eq = strchr(s, '=');
    if (!eq || eq == s || (size_t)(eq - s) >= sizeof a->knob)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "'%s': expected KNOB=LO:HI%s", s, with_n ? ":N" : "");
    memcpy(a->knob, s, (size_t)(eq - s));
    char buf[256];
    if (strlen(eq + 1) >= sizeof buf) /* cut, a number would be another number */
        return KETSIM_FAIL(err, KETSIM_EINPUT, "'%.40s...': too long", s);
    snprintf(buf, sizeof buf, "%s", eq + 1);
    char *save = NULL, *tok[5];
    int nt = 0;
    if (strcmp(a->knob, "route") == 0) {
        if (!with_n)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "'%s': route is a --grid knob (route=iv,in)", s);
        a->is_route = 1;
        for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            if (a->n == MAX_LEVELS)
                return KETSIM_FAIL(err, KETSIM_EINPUT, "'%s': too many routes", s);
            if (ketsim_route_parse(t, &a->routes[a->n++], err))
                return KETSIM_EINPUT;
        }
        return a->n ? KETSIM_OK : KETSIM_FAIL(err, KETSIM_EINPUT, "'%s': no route given", s);
    }
    for (char *t = strtok_r(buf, ":", &save); t && nt < 5; t = strtok_r(NULL, ":", &save))
        tok[nt++] = t;
    int need = with_n ? 3 : 2;
    double n = 1;
    if (nt < need || nt > need + 1 || cli_parse_double(tok[0], &a->lo) || cli_parse_double(tok[1], &a->hi) ||
        (with_n && (cli_parse_double(tok[2], &n) || n != floor(n) || n < 1 || n > MAX_LEVELS)) ||
        (nt == need + 1 && strcmp(tok[need], "log") != 0))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "'%s': expected KNOB=LO:HI%s[:log]%s", s, with_n ? ":N" : "",
                           with_n ? " with N 1..32" : "");
    a->log = nt == need + 1;
    if (!(a->lo <= a->hi) || (a->log && !(a->lo > 0)))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "'%s': need LO <= HI (and LO > 0 for log)", s);
    a->n = (size_t)n;
    for (size_t k = 0; k < a->n; k++) {
        double f = a->n == 1 ? 0.5 : (double)k / (double)(a->n - 1);
        a->v[k] = a->log ? exp(log(a->lo) + f * (log(a->hi) - log(a->lo))) : a->lo + f * (a->hi - a->lo);
    }
    return KETSIM_OK;
}

static double axis_at(const axis *a, double u)
{
    return a->log ? exp(log(a->lo) + u * (log(a->hi) - log(a->lo))) : a->lo + u * (a->hi - a->lo);
}

typedef struct design_ctx {
    ketsim_design_candidate *cand;
    ketsim_design_result *res;
    size_t n;
    ketsim_design_opts o;
} design_ctx;

static int w_csv(FILE *fp, const void *p, ketsim_error *err)
{
    const design_ctx *c = p;
    return ketsim_design_write_csv(fp, c->cand, c->res, c->n, err);
}

static int w_json(FILE *fp, const void *p, ketsim_error *err)
{
    const design_ctx *c = p;
    return ketsim_design_write_json(fp, c->cand, c->res, c->n, &c->o, err);
}

static int plot_design(const void *p, const char *dir, ketsim_error *err)
{
    const design_ctx *c = p;
    return ketsim_plot_design(c->cand, c->res, c->n, dir, err);
}

static void name_variant(ketsim_design_candidate *c, const char *base, const axis *ax, size_t n_ax, const size_t *lev,
                         const double *val)
{
    int len = snprintf(c->name, sizeof c->name, "%s", base);
    for (size_t a = 0; a < n_ax && len < (int)sizeof c->name; a++) {
        if (ax[a].is_route)
            len += snprintf(c->name + len, sizeof c->name - (size_t)len, " %s", ketsim_route_name(ax[a].routes[lev[a]]));
        else
            len += snprintf(c->name + len, sizeof c->name - (size_t)len, " %s=%.3g", ax[a].knob, val[a]);
    }
}

/* One variant of the base candidate with the given knob values. */
static int make_variant(const ketsim_params *p, const char *compound, const ketsim_design_candidate *base, const axis *ax,
                        size_t n_ax, const size_t *lev, const double *val, ketsim_design_candidate *out, ketsim_error *err)
{
    *out = *base;
    for (size_t a = 0; a < n_ax; a++) {
        if (ax[a].is_route) {
            out->route = ax[a].routes[lev[a]];
            continue;
        }
        int rc = ketsim_design_apply_knob(p, compound, ax[a].knob, val[a], out, err);
        if (rc)
            return rc;
    }
    name_variant(out, base->name, ax, n_ax, lev, val);
    return KETSIM_OK;
}

static int grid_variants(const ketsim_params *p, const char *compound, const ketsim_design_candidate *base,
                         const axis *ax, size_t n_ax, ketsim_design_candidate *out, size_t *n, ketsim_error *err)
{
    size_t total = 1;
    for (size_t a = 0; a < n_ax; a++)
        total *= ax[a].n;
    if (*n + total > KETSIM_DESIGN_MAX_CANDIDATES)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--grid: %zu candidates exceed the limit of %d", total,
                           KETSIM_DESIGN_MAX_CANDIDATES - 3);
    for (size_t idx = 0; idx < total; idx++) {
        size_t lev[MAX_AXES], r = idx;
        double val[MAX_AXES];
        for (size_t a = n_ax; a-- > 0;) {
            lev[a] = r % ax[a].n;
            r /= ax[a].n;
            val[a] = ax[a].v[lev[a]];
        }
        int rc = make_variant(p, compound, base, ax, n_ax, lev, val, &out[(*n)++], err);
        if (rc)
            return rc;
    }
    return KETSIM_OK;
}

/* Latin hypercube: each knob's range cut into N strata, one point per
 * stratum, strata paired at random (stream (seed, knob, SAMPLING)). */
static int lhs_variants(const ketsim_params *p, const char *compound, const ketsim_design_candidate *base, const axis *ax,
                        size_t n_ax, long n_lhs, uint64_t seed, ketsim_design_candidate *out, size_t *n, ketsim_error *err)
{
    if (*n + (size_t)n_lhs > KETSIM_DESIGN_MAX_CANDIDATES)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--lhs %ld exceeds the limit of %d", n_lhs, KETSIM_DESIGN_MAX_CANDIDATES - 3);
    double (*u)[KETSIM_DESIGN_MAX_CANDIDATES] = malloc(MAX_AXES * sizeof *u);
    if (!u)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    for (size_t a = 0; a < n_ax; a++) {
        ketsim_rng r;
        ketsim_rng_init(&r, seed, 1000 + a, KETSIM_RNG_SAMPLING);
        for (long k = 0; k < n_lhs; k++)
            u[a][k] = ((double)k + ketsim_rng_uniform(&r)) / (double)n_lhs;
        for (long k = n_lhs - 1; k > 0; k--) {
            long j = (long)(ketsim_rng_uniform(&r) * (double)(k + 1));
            double t = u[a][k];
            u[a][k] = u[a][j];
            u[a][j] = t;
        }
    }
    for (long k = 0; k < n_lhs; k++) {
        size_t lev[MAX_AXES] = {0};
        double val[MAX_AXES];
        for (size_t a = 0; a < n_ax; a++)
            val[a] = axis_at(&ax[a], u[a][k]);
        int rc = make_variant(p, compound, base, ax, n_ax, lev, val, &out[(*n)++], err);
        if (rc) {
            free(u);
            return rc;
        }
    }
    free(u);
    return KETSIM_OK;
}

static ketsim_design_candidate example(const char *name, const char *drug, ketsim_route route, double amount, int per_kg,
                                double dur)
{
    ketsim_design_candidate c = {.route = route, .amount = amount, .per_kg = per_kg, .duration_h = dur};
    snprintf(c.name, sizeof c.name, "%s", name);
    snprintf(c.drug, sizeof c.drug, "%s", drug);
    return c;
}

static void data_drug_path(char *buf, size_t size, const char *file)
{
    /* the scenario directory is DATA/scenarios; drug examples live in DATA/drugs */
    char sd[4096];
    ketsim_trial_scenario_dir(sd, sizeof sd);
    size_t len = strlen(sd);
    if (len >= 10 && strcmp(sd + len - 10, "/scenarios") == 0)
        len -= 10;
    snprintf(buf, size, "%.*s/drugs/%s", (int)len, sd, file);
}

static int load_file(ketsim_catalog *cat, ketsim_params *p, const char *path, const char **drug, ketsim_error *err)
{
    int rc = ketsim_catalog_load_drug_file(cat, p, path, drug, err);
    return rc;
}

typedef struct design_args {
    axis ax[MAX_AXES];
    size_t n_ax;
    int grid, lhs_range;
    long n_lhs;
    const char *base, *compound, *dose;
} design_args;

/* files[0] and files[1] receive the drug files read (files[1] "" if one). */
static int build_candidates(const design_args *a, ketsim_params *p, ketsim_catalog *cat, uint64_t seed,
                            ketsim_design_candidate *cand, size_t *n, char files[2][4096], ketsim_error *err)
{
    char path[4096];
    const char *drug = NULL;
    int rc;
    files[0][0] = files[1][0] = '\0';
    if (!a->grid && !a->lhs_range) {
        cand[(*n)++] = example("ketamine", "ketamine", KETSIM_ROUTE_IV, 0.5, 1, 40.0 / 60);
        cand[(*n)++] = example("esketamine 84 mg IN", "esketamine", KETSIM_ROUTE_IN, 84, 0, 0);
        cand[(*n)++] = example("arketamine", "arketamine", KETSIM_ROUTE_IV, 0.5, 1, 40.0 / 60);
        cand[(*n)++] = example("(2R,6R)-HNK 1 mg/kg", "hnk_2r6r", KETSIM_ROUTE_IV, 1, 1, 40.0 / 60);
        cand[(*n)++] = example("(2R,6R)-HNK 2 mg/kg", "hnk_2r6r", KETSIM_ROUTE_IV, 2, 1, 40.0 / 60);
        data_drug_path(path, sizeof path, "hnk_like.yaml");
        snprintf(files[0], 4096, "%s", path);
        if ((rc = load_file(cat, p, path, &drug, err)))
            return rc;
        cand[(*n)++] = example("hnk_like (hypothetical)", drug, KETSIM_ROUTE_IV, 1, 1, 40.0 / 60);
        data_drug_path(path, sizeof path, "inert.yaml");
        snprintf(files[1], 4096, "%s", path);
        if ((rc = load_file(cat, p, path, &drug, err)))
            return rc;
        cand[(*n)++] = example("inert (no NMDA, no AMPA)", drug, KETSIM_ROUTE_IV, 1, 1, 40.0 / 60);
        return KETSIM_OK;
    }
    if (a->base)
        snprintf(path, sizeof path, "%s", a->base);
    else
        data_drug_path(path, sizeof path, "hnk_like.yaml");
    size_t before = ketsim_catalog_n_compounds(cat);
    snprintf(files[0], 4096, "%s", path);
    if ((rc = load_file(cat, p, path, &drug, err)))
        return rc;
    const char *compound = a->compound;
    if (!compound && ketsim_catalog_n_compounds(cat) > before)
        compound = ketsim_catalog_compound_name(cat, before);
    ketsim_design_candidate base = example(drug, drug, KETSIM_ROUTE_IV, 1, 1, 40.0 / 60);
    if (a->dose) {
        ketsim_dose d;
        if ((rc = ketsim_dose_parse(a->dose, &d, err))) {
            ketsim_error_prefix(err, "--dose: ");
            return rc;
        }
        base.route = d.route;
        base.amount = d.amount;
        base.per_kg = d.per_kg;
        base.duration_h = d.duration_h;
    }
    cand[(*n)++] = example("ketamine (reference)", "ketamine", KETSIM_ROUTE_IV, 0.5, 1, 40.0 / 60);
    cand[(*n)++] = base;
    if (a->grid)
        return grid_variants(p, compound, &base, a->ax, a->n_ax, cand, n, err);
    return lhs_variants(p, compound, &base, a->ax, a->n_ax, a->n_lhs, seed, cand, n, err);
}

/* Each candidate's effects over placebo again under every draw of the
 * fit's THETAs (the same patients and candidates). */
static int design_unc(beyond_unc *bu, const ketsim_params *p, const ketsim_catalog *cat,
                      const ketsim_design_candidate *cand, size_t nc, const ketsim_design_opts *o,
                      const ketsim_design_result *res, ketsim_error *err)
{
    if (!bu->file)
        return KETSIM_OK;
    long qd[KETSIM_DESIGN_MAX_CANDIDATES], qr[KETSIM_DESIGN_MAX_CANDIDATES];
    char name[160];
    for (size_t i = 0; i < nc; i++) {
        snprintf(name, sizeof name, "days_excess %.100s", cand[i].name);
        qd[i] = beyond_unc_add(bu, name, res[i].days_excess);
        snprintf(name, sizeof name, "response_24h_excess %.100s", cand[i].name);
        qr[i] = beyond_unc_add(bu, name, res[i].response_24h_excess);
    }
    ketsim_design_result *rk = malloc(KETSIM_DESIGN_MAX_CANDIDATES * sizeof *rk);
    int rc = rk ? KETSIM_OK : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    ketsim_design_opts ok = *o;
    ok.on_subjects = NULL; /* the database keeps the patients at the estimates only */
    for (long k = 0; k < bu->draws && !rc; k++) {
        ketsim_params *pk = NULL;
        rc = beyond_unc_params(bu, p, k, &pk, err);
        if (!rc)
            rc = ketsim_beyond_design(pk, cat, cand, nc, &ok, rk, err);
        ketsim_params_free(pk);
        for (size_t i = 0; !rc && i < nc; i++) {
            beyond_unc_set(bu, k, qd[i], rk[i].days_excess);
            beyond_unc_set(bu, k, qr[i], rk[i].response_24h_excess);
        }
    }
    free(rk);
    return rc;
}

/* Where design writes. */
typedef struct design_outputs {
    const char *out_dir, *plot_dir, *db_path, *cmdline;
} design_outputs;

/* The candidates, their cohort runs and the uncertainty draws, with the
 * database's rows before and after (its patients as each candidate ends). */
static int design_compute(const design_args *a, ketsim_design_opts *o, beyond_unc *bu, cli_outdirs *out,
                          ketsim_results_db *db, design_ctx *ctx, char files[2][4096], ketsim_error *err)
{
    ketsim_params *p = NULL;
    ketsim_catalog *cat = NULL;
    int rc = beyond_cli_params(NULL, 0, &p, err);
    if (!rc)
        rc = beyond_unc_apply(bu, p, -1, err);
    if (!rc)
        rc = ketsim_catalog_create(&cat, err);
    if (!rc)
        rc = build_candidates(a, p, cat, o->seed, ctx->cand, &ctx->n, files, err);
    const char *read[2] = {files[0], files[1]};
    if (!rc && db)
        rc = cli_results_db_design_setup(db, o, read, files[1][0] ? 2 : 1, bu->file, bu->draws, err);
    o->on_subjects = db ? cli_results_db_design_subjects : NULL;
    o->subjects_user = db;
    if (!rc)
        rc = ketsim_beyond_design(p, cat, ctx->cand, ctx->n, o, ctx->res, err);
    if (!rc)
        rc = design_unc(bu, p, cat, ctx->cand, ctx->n, o, ctx->res, err);
    if (!rc)
        rc = beyond_unc_write(out, db, "design", bu, err);
    if (!rc && db)
        rc = cli_results_db_design(db, ctx->cand, ctx->res, ctx->n, err);
    ketsim_catalog_free(cat);
    ketsim_params_free(p);
    return rc;
}

/* The outputs are checked (and the database opened) before any candidate
 * runs; the database is committed after the output sets. */
static int run_design(const design_args *a, ketsim_design_opts *o, beyond_unc *bu, const design_outputs *w)
{
    static ketsim_design_candidate cand[KETSIM_DESIGN_MAX_CANDIDATES];
    static ketsim_design_result res[KETSIM_DESIGN_MAX_CANDIDATES];
    design_ctx ctx = {cand, res, 0, *o};
    ketsim_error err = {0};
    cli_outdirs out;
    ketsim_results_db *db = NULL;
    char files[2][4096] = {"", ""};
    int rc = beyond_cli_begin(&out, w->out_dir, w->plot_dir, "design", &err);
    if (!rc && w->db_path && (rc = cli_results_db_open(w->db_path, "design", w->cmdline, o->threads, &db, &err)))
        cli_outdirs_end(&out);
    if (!rc && (rc = design_compute(a, o, bu, &out, db, &ctx, files, &err)))
        cli_outdirs_end(&out);
    cli_run_info info = {.n_seeds = 1, .seed_names = {"cohort"},
                         .seeds = {(unsigned long long)o->seed}, .n_inputs = files[1][0] ? 2 : 1,
                         .inputs = {files[0], files[1]}};
    if (!rc)
        rc = beyond_cli_finish(&out, "design", w_csv, w_json, &ctx, plot_design, &ctx, &info, &err);
    rc = cli_results_db_end(db, rc, &err);
    if (!rc && !ketsim_design_print(stdout, cand, res, ctx.n, o, &err))
        rc = beyond_unc_print(stdout, bu, &err);
    else if (!rc)
        rc = KETSIM_EIO;
    beyond_unc_free(bu);
    if (rc)
        return cli_fail(&err);
    printf("\ndrug files: %s%s%s\n", files[0], files[1][0] ? ", " : "", files[1]);
    if (w->out_dir)
        printf("wrote %s/design.csv, %s/design.json and %s/design_manifest.json\n", w->out_dir, w->out_dir,
               w->out_dir);
    if (w->plot_dir)
        printf("wrote %s/design_tradeoff.png and .svg\n", w->plot_dir);
    if (w->db_path)
        printf("wrote %s\n", w->db_path);
    return 0;
}

int cmd_design(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"grid", required_argument, 0, 'g'},    {"lhs", required_argument, 0, 'L'},
        {"range", required_argument, 0, 'r'},   {"base", required_argument, 0, 'B'},
        {"compound", required_argument, 0, 'c'}, {"dose", required_argument, 0, 'd'},
        {"subjects", required_argument, 0, 'n'}, {"seed", required_argument, 0, 's'},
        {"days", required_argument, 0, 'D'},    {"threads", required_argument, 0, 't'},
        {"out-dir", required_argument, 0, 'o'}, {"plot", required_argument, 0, 'P'}, {"help", no_argument, 0, 'h'},
        {"out", required_argument, 0, 'O'},     BEYOND_UNC_LONGOPTS,
        {0, 0, 0, 0},
    };
    static design_args a;
    memset(&a, 0, sizeof a);
    long n = 100, seed = 2024, days = 14, threads = trial_cli_default_threads();
    const char *out_dir = NULL, *plot_dir = NULL, *db_path = NULL;
    ketsim_error err = {0};
    int c;
    char cmdline[8192]; /* for --out's run table, before getopt reorders argv */
    cli_results_db_command_line(cmdline, sizeof cmdline, argc, argv);
    optind = 1;
    opterr = 0;
    beyond_unc bu;
    beyond_unc_init(&bu);
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        int u = beyond_unc_option(&bu, c, optarg, "design");
        if (u == 2)
            return 2;
        if (u == 1)
            continue;
        switch (c) {
        case 'g':
        case 'r':
            if (a.n_ax == MAX_AXES)
                return cli_usage("design", "at most %d knobs", MAX_AXES);
            if (parse_axis(optarg, c == 'g', &a.ax[a.n_ax], &err)) {
                ketsim_error_prefix(&err, c == 'g' ? "--grid " : "--range ");
                return cli_fail(&err);
            }
            a.n_ax++;
            a.grid |= c == 'g';
            a.lhs_range |= c == 'r';
            break;
        case 'L':
            if (beyond_cli_count(optarg, 2, KETSIM_DESIGN_MAX_CANDIDATES - 3, &a.n_lhs))
                return cli_usage("design", "--lhs '%s': expected an integer between 2 and %d", optarg,
                                 KETSIM_DESIGN_MAX_CANDIDATES - 3);
            break;
        case 'B': a.base = optarg; break;
        case 'c': a.compound = optarg; break;
        case 'd': a.dose = optarg; break;
        case 'n':
            if (beyond_cli_count(optarg, 10, KETSIM_COHORT_MAX_SUBJECTS, &n))
                return cli_usage("design", "--subjects '%s': expected an integer between 10 and %d", optarg,
                                 KETSIM_COHORT_MAX_SUBJECTS);
            break;
        case 's':
            if (beyond_cli_count(optarg, 0, 0x7fffffffL, &seed))
                return cli_usage("design", "--seed '%s': expected an integer between 0 and 2147483647", optarg);
            break;
        case 'D':
            if (beyond_cli_count(optarg, 1, 120, &days))
                return cli_usage("design", "--days '%s': expected an integer between 1 and 120", optarg);
            break;
        case 't':
            if (beyond_cli_count(optarg, 1, 64, &threads))
                return cli_usage("design", "--threads '%s': expected an integer between 1 and 64", optarg);
            break;
        case 'o': out_dir = optarg; break;
        case 'O':
            if (!cli_results_db_path(optarg))
                return cli_usage("design", "--out '%s': expected a database file ending in .sqlite, .sqlite3 or .db",
                                 optarg);
            db_path = optarg;
            break;
        case 'P': plot_dir = optarg; break;
        case 'h': help_design(); return 0;
        default:
            return cli_usage("design", "unknown or incomplete option '%s' (see ketsim help design)", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage("design", "unexpected argument '%s'", argv[optind]);
    if (a.grid && a.lhs_range)
        return cli_usage("design", "use either --grid or --lhs with --range, not both");
    if ((a.n_lhs > 0) != (a.lhs_range != 0))
        return cli_usage("design", "--lhs N and --range KNOB=LO:HI go together");
    if (!a.grid && !a.lhs_range && (a.base || a.compound || a.dose))
        return cli_usage("design", "--base, --compound and --dose need --grid or --lhs");
    ketsim_design_opts o = {.n_subjects = (int)n, .seed = (uint64_t)seed, .threads = (int)threads, .horizon_days = (double)days};
    if (beyond_unc_prepare(&bu, (uint64_t)seed, &err)) {
        beyond_unc_free(&bu);
        return cli_fail(&err);
    }
    design_outputs w = {out_dir, plot_dir, db_path, cmdline};
    return run_design(&a, &o, &bu, &w);
}
