/* ketsim sensitivity: how an output at a time depends on parameters. */
#include "cli.h"
#include "output.h"
#include "ketsim/gsa.h"
#include "ketsim/sensitivity.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REPEAT 256
#define MAX_PAR 512

void help_sensitivity(void)
{
    puts("usage: ketsim sensitivity --output NAME --time DUR [--params a,b,...]\n"
         "                          [--method local|cvodes|morris|sobol] [--samples N] [--levels P]\n"
         "                          [--range NAME=LO:HI]... [--seed N] [--out FILE.csv]\n"
         "                          [--species S] [--drug D] [--weight KG] [--dose SPEC]...\n"
         "                          [--set NAME=VALUE]... [--param-file FILE]\n"
         "\n"
         "local (default): normalised sensitivities d ln y / d ln p of the output at the time,\n"
         "by central finite differences at two step sizes (1e-2 reported, 1e-3 as a check),\n"
         "for every parameter or the listed ones.  cvodes: the same sensitivities from one\n"
         "integration with CVODES forward sensitivities (cascade and compound PK parameters;\n"
         "without --params, every such parameter).  morris: elementary effects (--samples\n"
         "trajectories, default 20; --levels, default 4).  sobol: first-order and total\n"
         "indices (Saltelli design, Jansen estimators; --samples base points, default 256).\n"
         "Global methods need --params; each range defaults to 0.5x..1.5x the value.\n"
         "Doses as for simulate (default iv:0.5mg/kg:40min).\n"
         "\n"
         "examples:\n"
         "  ketsim sensitivity --output madrs --time 24h\n"
         "  ketsim sensitivity --output madrs --time 24h --method sobol --params spine.elimination_k_per_h,ltp.late_max\n");
}

typedef struct sens_opts {
    const char *species, *drug, *param_file, *out, *output, *params, *method;
    const char *doses[MAX_REPEAT];
    char *sets[MAX_REPEAT];
    const char *ranges[MAX_REPEAT];
    size_t n_doses, n_sets, n_ranges, samples, levels;
    unsigned long long seed;
    double weight_kg, time_h;
    int weight_given, time_given;
} sens_opts;

static int parse_count(const char *flag, const char *s, size_t lo, size_t hi, size_t *out)
{
    double v;
    if (cli_parse_double(s, &v) || v != floor(v) || v < (double)lo || v > (double)hi)
        return cli_usage("sensitivity", "%s '%s': expected an integer from %zu to %zu", flag, s, lo, hi);
    *out = (size_t)v;
    return 0;
}

static int push(const char **arr, size_t *n, const char *v, const char *flag)
{
    if (*n == MAX_REPEAT)
        return cli_usage("sensitivity", "too many %s options (max %d)", flag, MAX_REPEAT);
    arr[(*n)++] = v;
    return 0;
}

static int is_global(const sens_opts *o)
{
    return strcmp(o->method, "morris") == 0 || strcmp(o->method, "sobol") == 0;
}

static int parse_opts(int argc, char **argv, sens_opts *o)
{
    static const struct option longopts[] = {
        {"species", required_argument, 0, 's'}, {"drug", required_argument, 0, 'd'},
        {"weight", required_argument, 0, 'w'},  {"dose", required_argument, 0, 'D'},
        {"set", required_argument, 0, 'S'},     {"param-file", required_argument, 0, 'f'},
        {"output", required_argument, 0, 'o'},  {"time", required_argument, 0, 't'},
        {"params", required_argument, 0, 'p'},  {"method", required_argument, 0, 'm'},
        {"samples", required_argument, 0, 'n'}, {"levels", required_argument, 0, 'l'},
        {"range", required_argument, 0, 'r'},   {"seed", required_argument, 0, 'e'},
        {"out", required_argument, 0, 'O'},     {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    memset(o, 0, sizeof *o);
    o->species = "human";
    o->drug = "ketamine";
    o->method = "local";
    o->levels = 4;
    o->seed = 1;
    ketsim_error e;
    size_t seed = 0;
    int c, bad = 0;
    optind = 1;
    opterr = 0;
    while (!bad && (c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 's': o->species = optarg; break;
        case 'd': o->drug = optarg; break;
        case 'f': o->param_file = optarg; break;
        case 'o': o->output = optarg; break;
        case 'p': o->params = optarg; break;
        case 'm': o->method = optarg; break;
        case 'O': o->out = optarg; break;
        case 'D': bad = push(o->doses, &o->n_doses, optarg, "--dose"); break;
        case 'r': bad = push(o->ranges, &o->n_ranges, optarg, "--range"); break;
        case 'S':
            bad = push((const char **)o->sets, &o->n_sets, optarg, "--set");
            break;
        case 'n': bad = parse_count("--samples", optarg, 2, 1000000, &o->samples); break;
        case 'l': bad = parse_count("--levels", optarg, 2, 1000, &o->levels); break;
        case 'e':
            bad = parse_count("--seed", optarg, 0, 1000000000, &seed);
            o->seed = seed;
            break;
        case 'w':
            if (cli_parse_double(optarg, &o->weight_kg) || !(o->weight_kg >= 0.005 && o->weight_kg <= 500))
                return cli_usage("sensitivity", "--weight '%s': expected a weight in kg between 0.005 and 500", optarg);
            o->weight_given = 1;
            break;
        case 't':
            if (ketsim_duration_parse(optarg, &o->time_h, &e) || o->time_h < 0 || o->time_h > 24 * 3650)
                return cli_usage("sensitivity", "--time '%s': expected a duration, e.g. 24h", optarg);
            o->time_given = 1;
            break;
        case 'h': help_sensitivity(); return -1;
        default:
            return cli_usage("sensitivity", "unknown or incomplete option '%s' (see ketsim help sensitivity)",
                             argv[optind - 1]);
        }
    }
    if (bad)
        return bad;
    if (optind < argc)
        return cli_usage("sensitivity", "unexpected argument '%s'", argv[optind]);
    if (!o->output || ketsim_output_index(o->output) <= 0)
        return cli_usage("sensitivity", "--output '%s': expected an output name (see ketsim outputs)",
                         o->output ? o->output : "");
    if (!o->time_given)
        return cli_usage("sensitivity", "--time DUR is required (e.g. 24h)");
    if (strcmp(o->method, "local") && strcmp(o->method, "cvodes") && strcmp(o->method, "morris") &&
        strcmp(o->method, "sobol"))
        return cli_usage("sensitivity", "--method '%s': expected local, cvodes, morris or sobol", o->method);
    if (is_global(o) && !o->params)
        return cli_usage("sensitivity", "--method %s needs --params a,b,...", o->method);
    if (o->levels % 2)
        return cli_usage("sensitivity", "--levels %zu: must be even", o->levels);
    return 0;
}

/* The parameters to analyse: the listed ones, or every row. */
typedef struct par_list {
    const char *name[MAX_PAR];
    double lo[MAX_PAR], hi[MAX_PAR];
    size_t n;
    char buf[8192];
} par_list;

static int list_params(const sens_opts *o, const ketsim_params *p, par_list *l)
{
    l->n = 0;
    if (!o->params) {
        for (size_t i = 0; i < ketsim_params_count(p) && l->n < MAX_PAR; i++) {
            ketsim_param_info info;
            ketsim_params_info(p, i, &info);
            l->name[l->n++] = info.name;
        }
        return 0;
    }
    if (strlen(o->params) >= sizeof l->buf)
        return cli_usage("sensitivity", "--params list too long");
    strcpy(l->buf, o->params);
    char *save = NULL;
    for (char *tok = strtok_r(l->buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (!ketsim_params_has(p, tok))
            return cli_usage("sensitivity", "--params: unknown parameter '%s' (see ketsim params)", tok);
        if (l->n == MAX_PAR)
            return cli_usage("sensitivity", "--params: too many");
        l->name[l->n++] = tok;
    }
    return l->n ? 0 : cli_usage("sensitivity", "--params: empty list");
}

/* Ranges: 0.5x..1.5x the value unless --range NAME=LO:HI says otherwise. */
static int set_ranges(const sens_opts *o, const ketsim_params *p, par_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        double v = ketsim_params_value(p, l->name[i]);
        l->lo[i] = 0.5 * v;
        l->hi[i] = 1.5 * v;
    }
    for (size_t r = 0; r < o->n_ranges; r++) {
        const char *eq = strchr(o->ranges[r], '='), *colon = eq ? strchr(eq, ':') : NULL;
        char name[128], lo_s[64], hi_s[64];
        double lo, hi;
        if (!eq || !colon || (size_t)(eq - o->ranges[r]) >= sizeof name || (size_t)(colon - eq - 1) >= sizeof lo_s ||
            strlen(colon + 1) >= sizeof hi_s)
            return cli_usage("sensitivity", "--range '%s': expected NAME=LO:HI", o->ranges[r]);
        snprintf(name, sizeof name, "%.*s", (int)(eq - o->ranges[r]), o->ranges[r]);
        snprintf(lo_s, sizeof lo_s, "%.*s", (int)(colon - eq - 1), eq + 1);
        snprintf(hi_s, sizeof hi_s, "%s", colon + 1);
        if (cli_parse_double(lo_s, &lo) || cli_parse_double(hi_s, &hi) || !(lo < hi))
            return cli_usage("sensitivity", "--range '%s': LO and HI must be numbers with LO < HI", o->ranges[r]);
        size_t i = 0;
        while (i < l->n && strcmp(l->name[i], name) != 0)
            i++;
        if (i == l->n)
            return cli_usage("sensitivity", "--range '%s': '%s' is not in --params", o->ranges[r], name);
        l->lo[i] = lo;
        l->hi[i] = hi;
    }
    return 0;
}

/* ---- ranked rows, printed and written alike ---- */
typedef struct row {
    const char *name;
    double v[5];
    double key;
    const char *note;
} row;

static int by_key(const void *a, const void *b)
{
    double x = ((const row *)a)->key, y = ((const row *)b)->key;
    return (x < y) - (x > y);
}

static int emit(const sens_opts *o, cli_file *out, const char *const *cols, size_t n_cols, row *rows, size_t n,
                size_t zeros, ketsim_error *err)
{
    qsort(rows, n, sizeof *rows, by_key);
    printf("%-4s %-36s", "rank", "parameter");
    for (size_t c = 0; c < n_cols; c++)
        printf(" %13s", cols[c]);
    printf("  note\n");
    for (size_t i = 0; i < n; i++) {
        if (zeros && rows[i].key == 0)
            continue;
        printf("%-4zu %-36s", i + 1, rows[i].name);
        for (size_t c = 0; c < n_cols; c++)
            printf(" %13.5g", rows[i].v[c]);
        printf("  %s\n", rows[i].note ? rows[i].note : "");
    }
    if (zeros)
        printf("(%zu parameters with zero effect not shown; all are in --out)\n", zeros);
    if (!o->out)
        return 0;
    FILE *fp = cli_file_stream(out);
    fprintf(fp, "rank,parameter");
    for (size_t c = 0; c < n_cols; c++)
        fprintf(fp, ",%s", cols[c]);
    fprintf(fp, ",note\n");
    for (size_t i = 0; i < n; i++) {
        /* parameter names can come from a drug file: quoted if they need it */
        fprintf(fp, "%zu,", i + 1);
        ketsim_csv_field(fp, rows[i].name);
        for (size_t c = 0; c < n_cols; c++)
            fprintf(fp, ",%.10g", rows[i].v[c]);
        fputc(',', fp);
        ketsim_csv_field(fp, rows[i].note);
        fputc('\n', fp);
    }
    return cli_file_commit(out, err);
}

/* With the solver's relative tolerance of 1e-6, differences over steps of
 * 1e-2 and 1e-3 on ln p carry noise of order 1e-4 and 1e-3: smaller values
 * are indistinguishable from 0. */
#define NOISE_FLOOR 1e-4

/* Agreement of the two steps: 2% relative, or 1e-4 absolute for tiny values. */
static int converged(double a, double b)
{
    return fabs(a - b) <= 0.02 * fmax(fabs(a), fabs(b)) + 1e-4;
}

static int run_local(const sens_opts *o, cli_file *out, ketsim_sens *s, const par_list *l, ketsim_error *err)
{
    row *rows = calloc(l->n, sizeof *rows);
    if (!rows)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    size_t zeros = 0, unconverged = 0;
    int rc = KETSIM_OK, normalised = 1;
    double y0 = 0;
    for (size_t i = 0; !rc && i < l->n; i++) {
        ketsim_sens_local r;
        rc = ketsim_sens_local_one(s, l->name[i], &r, err);
        int ok = converged(r.s_coarse, r.s_fine);
        int tiny = fabs(r.s_coarse) < NOISE_FLOOR && fabs(r.s_fine) < NOISE_FLOOR;
        rows[i] = (row){l->name[i], {r.value, r.s_coarse, r.s_fine}, fabs(r.s_coarse),
                        r.one_sided ? "one-sided (upper bound)" : tiny ? "below solver noise" : ok ? "" : "steps disagree"};
        zeros += rows[i].key == 0;
        unconverged += !ok;
        normalised = r.normalised;
        y0 = r.y0;
    }
    if (!rc) {
        printf("local sensitivity of %s at %g h (value %.6g), %s; step 1e-2 reported, 1e-3 check\n",
               o->output, o->time_h, y0, normalised ? "d ln y / d ln p" : "y = 0: d y / d ln p (not normalised)");
        const char *cols[] = {"value", "S", "S_check"};
        rc = emit(o, out, cols, 3, rows, l->n, zeros, err);
        printf("%zu of %zu parameters: the two step sizes agree within 2%%\n", l->n - unconverged, l->n);
    }
    free(rows);
    return rc;
}

/* Without --params, the forward method covers the parameters it supports. */
static void keep_forward_supported(const ketsim_sens *s, par_list *l, size_t *dropped)
{
    size_t k = 0;
    *dropped = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (ketsim_sens_forward_supports(s, l->name[i]))
            l->name[k++] = l->name[i];
        else
            ++*dropped;
    }
    l->n = k;
}

static int run_forward(const sens_opts *o, cli_file *out, const ketsim_params *p, ketsim_sens *s, par_list *l, ketsim_error *err)
{
    size_t dropped = 0;
    if (!o->params)
        keep_forward_supported(s, l, &dropped);
    row *rows = calloc(l->n ? l->n : 1, sizeof *rows);
    double *sens = calloc(l->n ? l->n : 1, sizeof *sens), y0 = 0;
    int normalised = 1;
    long evals = 0;
    int rc = rows && sens ? KETSIM_OK : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    if (!rc)
        rc = ketsim_sens_local_forward(s, l->name, l->n, &y0, sens, &normalised, &evals, err);
    size_t zeros = 0;
    for (size_t i = 0; !rc && i < l->n; i++) {
        double v = ketsim_params_value(p, l->name[i]);
        rows[i] = (row){l->name[i], {v, sens[i]}, fabs(sens[i]), fabs(sens[i]) < NOISE_FLOOR ? "below solver noise" : ""};
        zeros += rows[i].key == 0;
    }
    if (!rc) {
        printf("local sensitivity of %s at %g h (value %.6g), %s; CVODES forward sensitivities, %ld rhs evaluations\n",
               o->output, o->time_h, y0, normalised ? "d ln y / d ln p" : "y = 0: d y / d ln p (not normalised)",
               evals);
        if (dropped)
            printf("(%zu parameters outside the cascade and compound PK not covered; use --method local)\n", dropped);
        const char *cols[] = {"value", "S"};
        rc = emit(o, out, cols, 2, rows, l->n, zeros, err);
    }
    free(rows);
    free(sens);
    return rc;
}

typedef struct gsa_ctx {
    ketsim_sens *s;
    const par_list *l;
    ketsim_error *err;
} gsa_ctx;

static int gsa_eval(const double *x, size_t k, double *y, void *p)
{
    gsa_ctx *c = p;
    int rc = ketsim_sens_eval(c->s, c->l->name, x, k, y, c->err);
    if (rc == KETSIM_EINPUT)
        ketsim_error_prefix(c->err, "a sampled value was rejected (narrow it with --range): ");
    return rc;
}

static int run_global(const sens_opts *o, cli_file *out, ketsim_sens *s, const par_list *l, ketsim_error *err)
{
    size_t k = l->n;
    double *a = calloc(3 * k, sizeof *a);
    row *rows = calloc(k, sizeof *rows);
    gsa_ctx c = {s, l, err};
    int rc = (a && rows) ? KETSIM_OK : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    int sobol = strcmp(o->method, "sobol") == 0;
    size_t n = o->samples ? o->samples : sobol ? 256 : 20;
    double v = 0;
    if (!rc && sobol)
        rc = ketsim_gsa_sobol(k, l->lo, l->hi, n, gsa_eval, &c, a, a + k, &v, err);
    else if (!rc)
        rc = ketsim_gsa_morris(k, l->lo, l->hi, n, o->levels, o->seed, gsa_eval, &c, a, a + k, a + 2 * k, err);
    for (size_t i = 0; !rc && i < k; i++)
        rows[i] = sobol ? (row){l->name[i], {l->lo[i], l->hi[i], a[i], a[k + i]}, a[k + i], NULL}
                        : (row){l->name[i], {l->lo[i], l->hi[i], a[k + i], a[i], a[2 * k + i]}, a[k + i], NULL};
    if (!rc && sobol) {
        printf("Sobol indices of %s at %g h: %zu base samples, %zu model runs, variance %.6g\n", o->output,
               o->time_h, n, n * (k + 2), v);
        const char *cols[] = {"low", "high", "S1", "ST"};
        rc = emit(o, out, cols, 4, rows, k, 0, err);
    } else if (!rc) {
        printf("Morris elementary effects of %s at %g h: %zu trajectories, %zu levels, %zu model runs\n"
               "(effects in output units per full parameter range)\n",
               o->output, o->time_h, n, o->levels, n * (k + 1));
        const char *cols[] = {"low", "high", "mu_star", "mu", "sigma"};
        rc = emit(o, out, cols, 5, rows, k, 0, err);
    }
    free(a);
    free(rows);
    return rc;
}

int cmd_sensitivity(int argc, char **argv)
{
    sens_opts o;
    int st = parse_opts(argc, argv, &o);
    if (st)
        return st < 0 ? 0 : st;
    ketsim_error err = {0};
    cli_subject subj;
    ketsim_regimen *reg = NULL;
    ketsim_sens *s = NULL;
    par_list *l = malloc(sizeof *l);
    if (!l)
        return cli_usage("sensitivity", "out of memory");
    int rc = cli_subject_init(&subj, o.species, o.drug, o.param_file, o.sets, o.n_sets, &err);
    if (!rc && o.weight_given)
        subj.weight_kg = o.weight_kg;
    if (!rc && (list_params(&o, subj.params, l) || set_ranges(&o, subj.params, l))) {
        cli_subject_free(&subj);
        free(l);
        return 2;
    }
    if (!rc)
        rc = cli_build_regimen(o.doses, o.n_doses, &reg, &err);
    cli_file out;
    memset(&out, 0, sizeof out);
    if (!rc && o.out)
        rc = cli_file_open(&out, o.out, &err); /* checked before the analysis */
    if (!rc)
        rc = ketsim_sens_create(subj.params, subj.catalog, subj.drug, subj.weight_kg, reg,
                                (size_t)ketsim_output_index(o.output), o.time_h, &s, &err);
    if (!rc)
        rc = strcmp(o.method, "local") == 0    ? run_local(&o, &out, s, l, &err)
             : strcmp(o.method, "cvodes") == 0 ? run_forward(&o, &out, subj.params, s, l, &err)
                                               : run_global(&o, &out, s, l, &err);
    cli_file_abort(&out);
    ketsim_sens_free(s);
    ketsim_regimen_free(reg);
    cli_subject_free(&subj);
    free(l);
    return rc ? cli_fail(&err) : 0;
}
