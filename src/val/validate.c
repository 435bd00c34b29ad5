/* Targets file parsing and evaluation. */
#include "ketsim/validate.h"
#include "ketsim/catalog.h"
#include "ketsim/model.h"
#include "ketsim/regimen.h"
#include "ketsim/simulate.h"
#include "ketsim/subject.h"
#include "validate_trial.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 16
#define MAX_DOSES 16
#define MAX_SETS 16

enum { F_ID, F_QUANTITY, F_SPECIES, F_DRUG, F_DOSES, F_UNTIL, F_SET, F_STAT, F_LIT, F_LOWER,
       F_UPPER, F_SOURCE, F_ROLE, N_COLS };
static const char *const columns[N_COLS] = {"id", "quantity", "species", "drug", "doses", "until",
                                            "set", "statistic", "literature", "lower", "upper",
                                            "source", "role"};

/* ST_FOLD: value at a time divided by the value in the same regimen without
 * the main drug's doses (a vehicle group that gets the same pretreatments).
 * ST_TRIAL: a statistic of an endpoint over replicate virtual trials. */
typedef enum { ST_AT, ST_MAX, ST_MIN, ST_TMAX, ST_TMIN, ST_DIFF, ST_RATIO, ST_FOLD, ST_TRIAL } stat_kind;

typedef struct target {
    ketsim_target_result r;
    char species[16], drug[64], doses[256], sets[256];
    double until_h;
    stat_kind kind;
    long out_a, out_b;
    double t0, t1;
    /* ST_TRIAL: trial:SCENARIO:METRIC:QUANTILE:REPLICATES */
    char scenario[64], metric[96], quantile[8];
    int replicates;
} target;

struct ketsim_validation {
    char path[512];
    ketsim_params *base[KETSIM_N_SPECIES]; /* the built-in tables, per species */
    target *t;
    size_t n, cap;
    val_trial_run **runs; /* trial runs shared by targets on the same scenario */
    size_t n_runs;
    ketsim_scenario_loader load_scenario; /* set by the application: scenario files are read above */
    void *load_scenario_user;
};

/* Split one CSV line in place; double quotes protect commas ("" is a quote). */
static int split_csv(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        char *out = p;
        fields[n++] = p;
        if (*p == '"') {
            char *r = p + 1;
            for (;;) {
                if (*r == '\0')
                    return -1;
                if (*r == '"' && r[1] == '"') {
                    *out++ = '"';
                    r += 2;
                } else if (*r == '"') {
                    r++;
                    break;
                } else {
                    *out++ = *r++;
                }
            }
            if (*r != ',' && *r != '\0')
                return -1;
            int more = *r == ',';
            *out = '\0';
            if (!more)
                return n;
            p = r + 1;
        } else {
            char *c = strchr(p, ',');
            if (!c)
                return n;
            *c = '\0';
            p = c + 1;
        }
    }
    return -1;
}

static int parse_time(const char *s, double *h)
{
    ketsim_error e;
    return ketsim_duration_parse(s, h, &e);
}

/* trial:SCENARIO:METRIC:QUANTILE:REPLICATES, e.g.
 * trial:zarate2006:ketamine@1d.response:median:40 (metric names as in the
 * trial summary JSON). */
static int parse_trial_stat(target *t, char **parts, int n, char *why, size_t whylen)
{
    char *end = NULL;
    long reps = n == 5 ? strtol(parts[4], &end, 10) : 0;
    if (n != 5 || !end || *end || reps < 1 || reps > 1000) {
        snprintf(why, whylen, "'trial' takes SCENARIO:METRIC:median|p5|p95:REPLICATES (1-1000)");
        return -1;
    }
    t->kind = ST_TRIAL;
    t->r.trial_level = 1;
    snprintf(t->scenario, sizeof t->scenario, "%s", parts[1]);
    snprintf(t->metric, sizeof t->metric, "%s", parts[2]);
    snprintf(t->quantile, sizeof t->quantile, "%s", parts[3]);
    t->replicates = (int)reps;
    t->t0 = t->t1 = 0.0;
    return 0;
}

/* STAT:OUTPUT[:OUTPUT2]:TIME[:TIME2], e.g. max:cadss:0h:6h, ratio:a:b:40min. */
static int parse_stat(target *t, char *s, char *why, size_t whylen)
{
    char *parts[5] = {0};
    int n = 0;
    for (char *tok = strtok(s, ":"); tok && n < 5; tok = strtok(NULL, ":"))
        parts[n++] = tok;
    if (n > 0 && strcmp(parts[0], "trial") == 0)
        return parse_trial_stat(t, parts, n, why, whylen);
    static const struct { const char *name; stat_kind k; int n_out, n_times; } kinds[] = {
        {"at", ST_AT, 1, 1}, {"max", ST_MAX, 1, 2}, {"min", ST_MIN, 1, 2}, {"tmax", ST_TMAX, 1, 2},
        {"tmin", ST_TMIN, 1, 2}, {"diff", ST_DIFF, 1, 2}, {"ratio", ST_RATIO, 2, 1},
        {"fold", ST_FOLD, 1, 1},
    };
    for (size_t i = 0; n > 0 && i < sizeof kinds / sizeof *kinds; i++) {
        if (strcmp(parts[0], kinds[i].name) != 0)
            continue;
        if (n != 1 + kinds[i].n_out + kinds[i].n_times) {
            snprintf(why, whylen, "'%s' takes %d output(s) and %d time(s)", kinds[i].name,
                     kinds[i].n_out, kinds[i].n_times);
            return -1;
        }
        t->kind = kinds[i].k;
        t->out_a = ketsim_output_index(parts[1]);
        t->out_b = kinds[i].n_out == 2 ? ketsim_output_index(parts[2]) : 0;
        if (t->out_a < 0 || t->out_b < 0) {
            snprintf(why, whylen, "unknown output in '%s'", parts[1]);
            return -1;
        }
        int ti = 1 + kinds[i].n_out;
        if (parse_time(parts[ti], &t->t0) || (kinds[i].n_times == 2 && parse_time(parts[ti + 1], &t->t1))) {
            snprintf(why, whylen, "bad time (use units: 40min, 2h, 14d)");
            return -1;
        }
        if (kinds[i].n_times == 1)
            t->t1 = t->t0;
        return 0;
    }
    snprintf(why, whylen, "unknown statistic (at, max, min, tmax, tmin, diff, ratio, fold)");
    return -1;
}

static int parse_bound(const char *s, double dflt, double *out)
{
    if (!*s) {
        *out = dflt;
        return 0;
    }
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    return (errno || *end || isnan(*out)) ? -1 : 0;
}

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

static int parse_row(ketsim_validation *v, int lineno, char **f, target *t, ketsim_error *err)
{
    char why[160] = "";
    memset(t, 0, sizeof *t);
    COPY(t->r.id, f[F_ID]);
    COPY(t->r.quantity, f[F_QUANTITY]);
    COPY(t->species, f[F_SPECIES]);
    COPY(t->drug, f[F_DRUG]);
    COPY(t->doses, f[F_DOSES]);
    COPY(t->sets, f[F_SET]);
    COPY(t->r.literature, f[F_LIT]);
    COPY(t->r.source, f[F_SOURCE]);
    COPY(t->r.role, f[F_ROLE]);
    if (!t->r.id[0])
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%d: column 'id' is empty", v->path, lineno);
    if (parse_time(f[F_UNTIL], &t->until_h) || t->until_h <= 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%d: column 'until': '%s' is not a positive duration", v->path, lineno, f[F_UNTIL]);
    if (parse_stat(t, f[F_STAT], why, sizeof why))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%d: column 'statistic': %s", v->path, lineno, why);
    if (t->t1 > t->until_h || t->t0 > t->t1)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%d: column 'statistic': times must be ordered and within 'until'", v->path, lineno);
    if (parse_bound(f[F_LOWER], -INFINITY, &t->r.lower) || parse_bound(f[F_UPPER], INFINITY, &t->r.upper))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%d: columns 'lower'/'upper' must be numbers or empty", v->path, lineno);
    if (strcmp(t->r.role, "calibration") && strcmp(t->r.role, "check"))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%d: column 'role' must be calibration or check, got '%s'", v->path, lineno, t->r.role);
    return KETSIM_OK;
}

static int check_header(ketsim_validation *v, char *line, ketsim_error *err)
{
    char *f[MAX_FIELDS];
    int n = split_csv(line, f, MAX_FIELDS);
    if (n != N_COLS)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:1: expected %d columns (id,quantity,...), got %d", v->path, N_COLS, n);
    for (int i = 0; i < N_COLS; i++)
        if (strcmp(f[i], columns[i]) != 0)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:1: column %d must be '%s', got '%s'", v->path, i + 1, columns[i], f[i]);
    return KETSIM_OK;
}

static int add_target(ketsim_validation *v, const target *t, ketsim_error *err)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 32;
        target *a = realloc(v->t, cap * sizeof *a);
        if (!a)
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
        v->t = a;
        v->cap = cap;
    }
    v->t[v->n++] = *t;
    return KETSIM_OK;
}

static void chomp(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

int ketsim_validation_load(const char *path, const ketsim_params *base, ketsim_validation **out,
                           ketsim_error *err)
{
    *out = NULL;
    FILE *fp = fopen(path, "r");
    if (!fp)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: cannot open targets file: %s", path, strerror(errno));
    ketsim_validation *v = calloc(1, sizeof *v);
    if (!v) {
        fclose(fp);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    COPY(v->path, path);
    int rc = KETSIM_OK;
    for (int sp = 0; !rc && sp < KETSIM_N_SPECIES; sp++)
        rc = ketsim_params_for_species(base, (ketsim_species)sp, &v->base[sp], err);
    char line[2048];
    int lineno = 0;
    while (rc == KETSIM_OK && fgets(line, sizeof line, fp)) {
        lineno++;
        chomp(line);
        if (lineno == 1) {
            rc = check_header(v, line, err);
            continue;
        }
        if (!line[0] || line[0] == '#')
            continue;
        char *f[MAX_FIELDS];
        target t;
        int n = split_csv(line, f, MAX_FIELDS);
        if (n != N_COLS)
            rc = KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%d: expected %d columns, got %d", path, lineno, N_COLS, n);
        else if (!(rc = parse_row(v, lineno, f, &t, err)))
            rc = add_target(v, &t, err);
    }
    fclose(fp);
    if (!rc && lineno == 0)
        rc = KETSIM_FAIL(err, KETSIM_EINPUT, "%s: empty targets file", path);
    if (rc) {
        ketsim_validation_free(v);
        return rc;
    }
    *out = v;
    return KETSIM_OK;
}

/* Statistic over the trajectory (grid includes t0 and t1 exactly). */
static double evaluate(const target *t, const ketsim_trajectory *tr)
{
    double best = NAN, tbest = NAN, va = NAN, vb = NAN;
    for (size_t i = 0; i < ketsim_traj_n_times(tr); i++) {
        double time = ketsim_traj_time(tr, i), x = ketsim_traj_output(tr, i, (size_t)t->out_a);
        if (fabs(time - t->t0) < 1e-9) {
            va = x;
            vb = ketsim_traj_output(tr, i, (size_t)t->out_b);
        }
        if (t->kind == ST_DIFF && fabs(time - t->t1) < 1e-9)
            vb = x;
        if (time < t->t0 - 1e-9 || time > t->t1 + 1e-9)
            continue;
        int better = isnan(best) || ((t->kind == ST_MAX || t->kind == ST_TMAX) ? x > best : x < best);
        if (better) {
            best = x;
            tbest = time;
        }
    }
    switch (t->kind) {
    case ST_AT: case ST_FOLD: return va;
    case ST_MAX: case ST_MIN: return best;
    case ST_TMAX: case ST_TMIN: return tbest;
    case ST_DIFF: return va - vb;
    case ST_RATIO: return va / vb;
    case ST_TRIAL: return NAN; /* evaluated by trial_statistic */
    }
    return NAN;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Output grid: every 5 min, plus the statistic's own times, sorted, unique. */
static int make_grid(const target *t, double **times, size_t *n, ketsim_error *err)
{
    double step = 5.0 / 60;
    size_t k = (size_t)floor(t->until_h / step) + 1, m = 0;
    double *g = malloc((k + 3) * sizeof *g);
    if (!g)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    for (size_t i = 0; i < k; i++)
        g[i] = (double)i * step;
    g[k] = t->t0, g[k + 1] = t->t1, g[k + 2] = t->until_h;
    qsort(g, k + 3, sizeof *g, cmp_double);
    for (size_t i = 0; i < k + 3; i++)
        if (g[i] <= t->until_h && (m == 0 || g[i] > g[m - 1] + 1e-9))
            g[m++] = g[i];
    /* a grid point within 1e-9 of t0/t1 stands for it; snap it exactly */
    for (size_t i = 0; i < m; i++) {
        if (fabs(g[i] - t->t0) <= 1e-9)
            g[i] = t->t0;
        if (fabs(g[i] - t->t1) <= 1e-9)
            g[i] = t->t1;
    }
    *times = g;
    *n = m;
    return KETSIM_OK;
}

/* A dose of the main drug: no DRUG/ prefix, or the drug column's name. */
static int is_main_dose(const target *t, const ketsim_dose *d)
{
    return !d->drug[0] || strcmp(d->drug, t->drug) == 0;
}

/* Build the regimen from the doses column (all, or without the main drug's
 * doses) and collect every drug it names, so the model can receive them. */
static int build_regimen(const target *t, int with_main, ketsim_regimen *reg, char (*drugs)[64],
                         size_t *n_drugs, ketsim_error *err)
{
    char buf[256];
    int rc = KETSIM_OK;
    COPY(buf, t->doses);
    COPY(drugs[0], t->drug);
    *n_drugs = 1;
    for (char *tok = strtok(buf, " "); !rc && tok; tok = strtok(NULL, " ")) {
        ketsim_dose d;
        rc = ketsim_dose_parse(tok, &d, err);
        if (rc)
            break;
        if (d.drug[0]) {
            size_t k = 0;
            while (k < *n_drugs && strcmp(drugs[k], d.drug) != 0)
                k++;
            if (k == *n_drugs && *n_drugs < MAX_DOSES)
                COPY(drugs[(*n_drugs)++], d.drug);
        }
        if (with_main || !is_main_dose(t, &d))
            rc = ketsim_regimen_add(reg, &d, err);
    }
    return rc;
}

/* Parameter overrides of one evaluation (calibration), on top of `set`. */
typedef struct overrides {
    const char *const *names;
    const double *values;
    size_t n;
} overrides;

/* One simulation of the target's scenario; with_main = 0 leaves out the
 * main drug (the vehicle run of a fold statistic). */
static int simulate_target(const ketsim_validation *v, const target *t, int with_main, const overrides *ov,
                           const double *times, size_t nt, ketsim_trajectory **tr, ketsim_error *err)
{
    ketsim_species sp;
    ketsim_params *p = NULL;
    ketsim_catalog *cat = NULL;
    ketsim_regimen *reg = NULL;
    ketsim_subject_worker *w = NULL;
    char drugs[MAX_DOSES][64];
    const char *names[MAX_DOSES];
    size_t nd = 0;
    int rc = ketsim_species_parse(t->species, &sp, err);
    if (!rc)
        rc = ketsim_params_clone(v->base[sp], &p, err);
    if (!rc)
        rc = ketsim_catalog_create(&cat, err);
    if (!rc)
        rc = ketsim_regimen_create(&reg, err);
    if (!rc)
        rc = build_regimen(t, with_main, reg, drugs, &nd, err);
    char buf[256];
    COPY(buf, t->sets);
    for (char *tok = strtok(buf, " "); !rc && tok; tok = strtok(NULL, " "))
        rc = ketsim_params_set_assignment(p, tok, err);
    for (size_t i = 0; !rc && i < ov->n; i++)
        rc = ketsim_params_set(p, ov->names[i], ov->values[i], err);
    for (size_t i = 0; i < nd; i++)
        names[i] = drugs[i];
    if (!rc)
        rc = ketsim_subject_worker_create(p, cat, names, nd, &w, err);
    const ketsim_trajectory *out = NULL;
    ketsim_subject_input in = {.regimen = reg, .times_h = times, .n_times = nt};
    if (!rc)
        rc = ketsim_subject_run(w, &in, &out, err);
    if (!rc)
        rc = ketsim_traj_copy(out, tr, err);
    ketsim_subject_worker_free(w);
    ketsim_regimen_free(reg);
    ketsim_catalog_free(cat);
    ketsim_params_free(p);
    return rc;
}

/* Trial-level target: reuse a run of the same scenario if one was made. */
static int trial_statistic(ketsim_validation *v, target *t, ketsim_error *err)
{
    val_trial_run *run = NULL;
    for (size_t k = 0; k < v->n_runs && !run; k++)
        if (val_trial_run_matches(v->runs[k], t->scenario, t->replicates, t->sets))
            run = v->runs[k];
    if (!run) {
        val_trial_run **a = realloc(v->runs, (v->n_runs + 1) * sizeof *a);
        if (!a)
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
        v->runs = a;
        int rc = val_trial_run_create(v->base[KETSIM_HUMAN], v->load_scenario, v->load_scenario_user, t->scenario,
                                      t->replicates, t->sets, &run, err);
        if (rc)
            return rc;
        v->runs[v->n_runs++] = run;
    }
    return val_trial_run_statistic(run, t->metric, t->quantile, &t->r.simulated, err);
}

static int subject_statistic(const ketsim_validation *v, const target *t, const overrides *ov, double *out,
                             ketsim_error *err)
{
    ketsim_trajectory *tr = NULL, *veh = NULL;
    double *times = NULL;
    size_t nt = 0;
    int rc = make_grid(t, &times, &nt, err);
    if (!rc)
        rc = simulate_target(v, t, 1, ov, times, nt, &tr, err);
    if (!rc && t->kind == ST_FOLD)
        rc = simulate_target(v, t, 0, ov, times, nt, &veh, err);
    if (!rc) {
        *out = evaluate(t, tr);
        if (t->kind == ST_FOLD)
            *out /= evaluate(t, veh);
    }
    free(times);
    ketsim_traj_free(tr);
    ketsim_traj_free(veh);
    return rc;
}

static int run_one(ketsim_validation *v, target *t, size_t index, const overrides *ov,
                   ketsim_error *err)
{
    int rc;
    if (t->kind == ST_TRIAL && ov->n > 0)
        rc = KETSIM_FAIL(err, KETSIM_EINPUT, "trial-level targets cannot be re-run with parameter "
                         "overrides (too costly to calibrate on)");
    else if (t->kind == ST_TRIAL)
        rc = trial_statistic(v, t, err);
    else
        rc = subject_statistic(v, t, ov, &t->r.simulated, err);
    if (rc) {
        char where[600];
        snprintf(where, sizeof where, "%s: target %zu '%s': ", v->path, index + 1, t->r.id);
        ketsim_error_prefix(err, where);
        return rc;
    }
    t->r.pass = t->r.simulated >= t->r.lower && t->r.simulated <= t->r.upper;
    return KETSIM_OK;
}

void ketsim_validation_set_scenario_loader(ketsim_validation *v, ketsim_scenario_loader fn, void *user)
{
    v->load_scenario = fn;
    v->load_scenario_user = user;
}

int ketsim_validation_run(ketsim_validation *v, ketsim_error *err)
{
    overrides none = {NULL, NULL, 0};
    for (size_t i = 0; i < v->n; i++) {
        int rc = run_one(v, &v->t[i], i, &none, err);
        if (rc)
            return rc;
    }
    return KETSIM_OK;
}

int ketsim_validation_run_target(ketsim_validation *v, size_t i, const char *const *names,
                                 const double *values, size_t n, ketsim_error *err)
{
    if (i >= v->n)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: no target number %zu", v->path, i + 1);
    overrides ov = {names, values, n};
    return run_one(v, &v->t[i], i, &ov, err);
}

const char *ketsim_validation_species(const ketsim_validation *v, size_t i)
{
    return i < v->n ? v->t[i].species : NULL;
}

size_t ketsim_validation_count(const ketsim_validation *v) { return v->n; }

const ketsim_target_result *ketsim_validation_result(const ketsim_validation *v, size_t i)
{
    return i < v->n ? &v->t[i].r : NULL;
}

void ketsim_validation_free(ketsim_validation *v)
{
    if (!v)
        return;
    for (size_t k = 0; k < v->n_runs; k++)
        val_trial_run_free(v->runs[k]);
    for (int s = 0; s < KETSIM_N_SPECIES; s++)
        ketsim_params_free(v->base[s]);
    free(v->runs);
    free(v->t);
    free(v);
}
