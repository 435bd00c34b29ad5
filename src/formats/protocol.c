/* Lab protocol files (YAML): see docs/lab.md.  The whole file is read and
 * checked before anything is simulated; every message names FILE:LINE and
 * the field. */
#include "ketsim/catalog.h"
#include "ketsim/formats.h"
#include "ketsim/lab.h"
#include "ketsim/datadir.h"
#include "ketsim/regimen.h"
#include "util/ytree.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int copy_text(const ytree *t, const ytree_node *map, const char *mappath, const char *key,
                     char *dst, size_t size, int required, ketsim_error *err)
{
    const char *s = NULL;
    int rc = required ? ytree_req_string(t, map, mappath, key, &s, err)
                      : ytree_opt_string(t, map, mappath, key, &s, err);
    if (rc || !s)
        return rc;
    char fp[YTREE_PATH_MAX];
    if (strlen(s) >= size)
        return ytree_fail(t, ytree_map_get(map, key), ytree_path_key(fp, sizeof fp, mappath, key), err,
                       "text too long");
    strcpy(dst, s);
    return KETSIM_OK;
}

typedef struct ctx {
    const ytree *t;
    const ketsim_catalog *cat;
    const ketsim_params *params;
    ketsim_error *err;
} ctx;

/* A dose: drug (catalog name) and ROUTE:AMOUNT[:DURATION], checked now. */
static int parse_dose(const ctx *c, const ytree_node *map, const char *path, ketsim_lab_dose_item *d)
{
    const ytree *t = c->t;
    char fp[YTREE_PATH_MAX];
    int rc = copy_text(t, map, path, "drug", d->drug, sizeof d->drug, 1, c->err);
    if (!rc)
        rc = copy_text(t, map, path, "dose", d->spec, sizeof d->spec, 1, c->err);
    if (rc)
        return rc;
    size_t idx;
    ketsim_error e = {0};
    if (ketsim_catalog_find_drug(c->cat, d->drug, &idx, &e))
        return ytree_fail(t, ytree_map_get(map, "drug"), ytree_path_key(fp, sizeof fp, path, "drug"),
                       c->err, e.msg);
    ketsim_dose dose;
    if (strchr(d->spec, '@') || strchr(d->spec, '/') == d->spec)
        return ytree_fail(t, ytree_map_get(map, "dose"), ytree_path_key(fp, sizeof fp, path, "dose"),
                       c->err, "write ROUTE:AMOUNT[:DURATION]; the time goes in 'time'");
    if (ketsim_dose_parse(d->spec, &dose, &e) || dose.drug[0])
        return ytree_fail(t, ytree_map_get(map, "dose"), ytree_path_key(fp, sizeof fp, path, "dose"),
                       c->err, dose.drug[0] ? "name the drug in 'drug', not in 'dose'" : e.msg);
    if (dose.route == KETSIM_ROUTE_ICV && ketsim_params_species(c->params) == KETSIM_HUMAN)
        return ytree_fail(t, ytree_map_get(map, "dose"), ytree_path_key(fp, sizeof fp, path, "dose"),
                       c->err, "icv dosing is for rodents");
    if (!(dose.amount > 0))
        return ytree_fail(t, ytree_map_get(map, "dose"), ytree_path_key(fp, sizeof fp, path, "dose"),
                       c->err, "the amount must be positive");
    return KETSIM_OK;
}

static int parse_pre(const ctx *c, const ytree_node *seq, const char *path, ketsim_lab_group *g)
{
    const ytree *t = c->t;
    int rc = ytree_expect_kind(t, seq, path, YTREE_SEQUENCE, c->err);
    if (rc)
        return rc;
    if (ytree_len(seq) > KETSIM_LAB_MAX_PRE)
        return ytree_fail(t, seq, path, c->err, "at most 4 pretreatments");
    static const char *const keys[] = {"drug", "dose", "time", NULL};
    for (size_t i = 0; i < ytree_len(seq); i++) {
        char ip[YTREE_PATH_MAX], fp[YTREE_PATH_MAX];
        ytree_path_index(ip, sizeof ip, path, i);
        const ytree_node *it = ytree_seq_item(seq, i);
        ketsim_lab_dose_item *d = &g->pre[g->n_pre];
        const ytree_node *tn;
        if ((rc = ytree_check_keys(t, it, ip, keys, c->err)) || (rc = parse_dose(c, it, ip, d)) ||
            (rc = ytree_require(t, it, ip, "time", &tn, c->err)) ||
            (rc = ytree_get_duration(t, tn, ytree_path_key(fp, sizeof fp, ip, "time"), &d->time_h, c->err)))
            return rc;
        if (d->time_h > 0 || d->time_h < -14 * 24)
            return ytree_fail(t, tn, fp, c->err,
                           "a pretreatment is given before the test drug: time between -14d and 0");
        g->n_pre++;
    }
    return KETSIM_OK;
}

static int parse_sets(const ctx *c, const ytree_node *map, const char *path, ketsim_lab_group *g)
{
    const ytree *t = c->t;
    int rc = ytree_expect_kind(t, map, path, YTREE_MAPPING, c->err);
    if (rc)
        return rc;
    if (ytree_len(map) > KETSIM_LAB_MAX_SETS)
        return ytree_fail(t, map, path, c->err, "at most 8 parameter settings per group");
    for (size_t i = 0; i < ytree_len(map); i++) {
        const char *k = ytree_map_key(map, i);
        char fp[YTREE_PATH_MAX];
        ytree_path_key(fp, sizeof fp, path, k);
        double v;
        if ((rc = ytree_get_double(t, ytree_map_value(map, i), fp, &v, c->err)))
            return rc;
        if (strlen(k) >= sizeof g->set_name[0] || !ketsim_params_has(c->params, k))
            return ytree_fail(t, ytree_map_key_node(map, i), fp, c->err, "unknown parameter (see ketsim params)");
        /* the range check of the table, on a scratch copy */
        ketsim_params *tmp = NULL;
        ketsim_error e = {0};
        if ((rc = ketsim_params_clone(c->params, &tmp, c->err)))
            return rc;
        int bad = ketsim_params_set(tmp, k, v, &e);
        ketsim_params_free(tmp);
        if (bad)
            return ytree_fail(t, ytree_map_value(map, i), fp, c->err, e.msg);
        strcpy(g->set_name[g->n_sets], k);
        g->set_value[g->n_sets++] = v;
    }
    return KETSIM_OK;
}

static int parse_group(const ctx *c, const ytree_node *n, const char *path, ketsim_lab_group *g, int *is_ctl)
{
    const ytree *t = c->t;
    static const char *const keys[] = {"name", "n", "control", "drug", "dose", "pretreatments",
                                       "genotype", "set", "stressed", NULL};
    char fp[YTREE_PATH_MAX];
    int rc = ytree_check_keys(t, n, path, keys, c->err);
    if (!rc)
        rc = copy_text(t, n, path, "name", g->name, sizeof g->name, 1, c->err);
    if (!rc && strpbrk(g->name, ",\"\n"))
        rc = ytree_fail(t, ytree_map_get(n, "name"), ytree_path_key(fp, sizeof fp, path, "name"), c->err,
                     "group names have no commas or quotes");
    if (!rc)
        rc = ytree_req_int(t, n, path, "n", 2, 200, &g->n, c->err);
    bool ctl = false;
    if (!rc)
        rc = ytree_opt_bool(t, n, path, "control", &ctl, c->err);
    if (rc)
        return rc;
    *is_ctl = ctl;
    bool stressed = true;
    if ((rc = ytree_opt_bool(t, n, path, "stressed", &stressed, c->err)))
        return rc;
    g->unstressed = !stressed;
    const ytree_node *drug = ytree_map_get(n, "drug"), *dose = ytree_map_get(n, "dose");
    if ((drug != NULL) != (dose != NULL))
        return ytree_fail(t, n, path, c->err, "give both 'drug' and 'dose', or neither (vehicle)");
    if (drug) {
        g->has_drug = 1;
        if ((rc = parse_dose(c, n, path, &g->test)))
            return rc;
    }
    const ytree_node *pre = ytree_map_get(n, "pretreatments");
    if (pre && (rc = parse_pre(c, pre, ytree_path_key(fp, sizeof fp, path, "pretreatments"), g)))
        return rc;
    const char *gt = "wt";
    if ((rc = ytree_opt_string(t, n, path, "genotype", &gt, c->err)))
        return rc;
    if (!strcmp(gt, "wt"))
        g->genotype = KETSIM_LAB_WT;
    else if (!strcmp(gt, "bdnf_ko"))
        g->genotype = KETSIM_LAB_BDNF_KO;
    else if (!strcmp(gt, "val66met"))
        g->genotype = KETSIM_LAB_VAL66MET;
    else
        return ytree_fail(t, ytree_map_get(n, "genotype"), ytree_path_key(fp, sizeof fp, path, "genotype"),
                       c->err, "expected wt, bdnf_ko or val66met");
    const ytree_node *set = ytree_map_get(n, "set");
    if (set && (rc = parse_sets(c, set, ytree_path_key(fp, sizeof fp, path, "set"), g)))
        return rc;
    return KETSIM_OK;
}

static int parse_groups(const ctx *c, const ytree_node *root, ketsim_lab_protocol *p)
{
    const ytree *t = c->t;
    const ytree_node *seq;
    int rc = ytree_require(t, root, "", "groups", &seq, c->err);
    if (!rc)
        rc = ytree_expect_kind(t, seq, "groups", YTREE_SEQUENCE, c->err);
    if (rc)
        return rc;
    if (ytree_len(seq) < 2 || ytree_len(seq) > KETSIM_LAB_MAX_GROUPS)
        return ytree_fail(t, seq, "groups", c->err, "an experiment has 2 to 8 groups");
    int n_ctl = 0;
    p->control = 0;
    for (size_t i = 0; i < ytree_len(seq); i++) {
        char ip[YTREE_PATH_MAX];
        ytree_path_index(ip, sizeof ip, "groups", i);
        int is_ctl = 0;
        if ((rc = parse_group(c, ytree_seq_item(seq, i), ip, &p->group[i], &is_ctl)))
            return rc;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(p->group[j].name, p->group[i].name))
                return ytree_fail(t, ytree_seq_item(seq, i), ip, c->err, "duplicate group name");
        if (is_ctl) {
            if (n_ctl++)
                return ytree_fail(t, ytree_seq_item(seq, i), ip, c->err, "only one group can be the control");
            p->control = (int)i;
        }
        p->n_groups++;
    }
    return KETSIM_OK;
}

static int find_measure(const char *assay, const char *name)
{
    for (int m = 0; m < KETSIM_LAB_N_MEASURES; m++)
        if (!strcmp(ketsim_lab_measure_assay((ketsim_lab_measure)m), assay) && !strcmp(ketsim_lab_measure_name((ketsim_lab_measure)m), name))
            return m;
    return -1;
}

static int assay_known(const char *assay)
{
    for (int m = 0; m < KETSIM_LAB_N_MEASURES; m++)
        if (!strcmp(ketsim_lab_measure_assay((ketsim_lab_measure)m), assay))
            return 1;
    return 0;
}

/* Behaviour, Westerns and spine counts need a rodent brain. */
static int needs_rodent(int m)
{
    return m <= KETSIM_LAB_SPINES || m == KETSIM_LAB_DIALYSIS_GLU || m == KETSIM_LAB_FST || m == KETSIM_LAB_SPT;
}

static int parse_readout(const ctx *c, const ytree_node *n, const char *path, ketsim_lab_protocol *p)
{
    const ytree *t = c->t;
    static const char *const keys[] = {"assay", "measures", "times", NULL};
    char fp[YTREE_PATH_MAX];
    const char *assay;
    const ytree_node *ms = NULL, *ts;
    int rc = ytree_check_keys(t, n, path, keys, c->err);
    if (!rc)
        rc = ytree_req_string(t, n, path, "assay", &assay, c->err);
    if (!rc)
        rc = ytree_require(t, n, path, "times", &ts, c->err);
    if (rc)
        return rc;
    if (!assay_known(assay))
        return ytree_fail(t, ytree_map_get(n, "assay"), ytree_path_key(fp, sizeof fp, path, "assay"), c->err,
                       "expected western, spines, microdialysis, mrs, plasma, forced_swim or sucrose_preference");
    int list[KETSIM_LAB_MAX_MEASURES], n_list = 0;
    ms = ytree_map_get(n, "measures");
    if (ms) {
        ytree_path_key(fp, sizeof fp, path, "measures");
        if ((rc = ytree_expect_kind(t, ms, fp, YTREE_SEQUENCE, c->err)))
            return rc;
        if (ytree_len(ms) == 0 || ytree_len(ms) > KETSIM_LAB_MAX_MEASURES)
            return ytree_fail(t, ms, fp, c->err, "list 1 to 10 measures");
        for (size_t i = 0; i < ytree_len(ms); i++) {
            const char *s;
            char ip[YTREE_PATH_MAX];
            ytree_path_index(ip, sizeof ip, fp, i);
            if ((rc = ytree_get_string(t, ytree_seq_item(ms, i), ip, &s, c->err)))
                return rc;
            int m = find_measure(assay, s);
            if (m < 0)
                return ytree_fail(t, ytree_seq_item(ms, i), ip, c->err, "not a measure of this assay (see docs/lab.md)");
            list[n_list++] = m;
        }
    } else {
        for (int m = 0; m < KETSIM_LAB_N_MEASURES; m++)
            if (!strcmp(ketsim_lab_measure_assay((ketsim_lab_measure)m), assay))
                list[n_list++] = m;
    }
    ytree_path_key(fp, sizeof fp, path, "times");
    if ((rc = ytree_expect_kind(t, ts, fp, YTREE_SEQUENCE, c->err)))
        return rc;
    if (ytree_len(ts) == 0 || ytree_len(ts) > KETSIM_LAB_MAX_TIMES)
        return ytree_fail(t, ts, fp, c->err, "list 1 to 12 times");
    for (int k = 0; k < n_list; k++)
        if (needs_rodent(list[k]) && p->species == KETSIM_HUMAN)
            return ytree_fail(t, ytree_map_get(n, "assay"), path, c->err,
                           "this assay needs a rodent (species rat or mouse)");
    for (size_t i = 0; i < ytree_len(ts); i++) {
        char ip[YTREE_PATH_MAX];
        ytree_path_index(ip, sizeof ip, fp, i);
        const ytree_node *it = ytree_seq_item(ts, i);
        double h;
        if ((rc = ytree_get_duration(t, it, ip, &h, c->err)))
            return rc;
        if (h < 0 || h > 28 * 24)
            return ytree_fail(t, it, ip, c->err, "read-outs are between 0 and 28d after the test drug");
        for (int k = 0; k < n_list; k++) {
            for (int j = 0; j < p->n_readouts; j++)
                if ((int)p->readout[j].measure == list[k] && fabs(p->readout[j].time_h - h) < 1e-9)
                    return ytree_fail(t, it, ip, c->err, "this measure is already read out at this time");
            if (p->n_readouts == KETSIM_LAB_MAX_READOUTS * KETSIM_LAB_MAX_MEASURES)
                return ytree_fail(t, it, ip, c->err, "too many read-outs");
            ketsim_lab_readout *r = &p->readout[p->n_readouts++];
            r->measure = (ketsim_lab_measure)list[k];
            r->time_h = h;
            snprintf(r->label, sizeof r->label, "%s", ytree_scalar(it));
        }
    }
    return KETSIM_OK;
}

static int parse_stress(const ctx *c, const ytree_node *n, ketsim_lab_protocol *p)
{
    const ytree *t = c->t;
    static const char *const keys[] = {"model", "days", NULL};
    const char *model;
    int rc = ytree_check_keys(t, n, "stress", keys, c->err);
    if (!rc)
        rc = ytree_req_string(t, n, "stress", "model", &model, c->err);
    if (rc)
        return rc;
    if (!strcmp(model, "none"))
        p->stress = KETSIM_LAB_STRESS_NONE;
    else if (!strcmp(model, "cus"))
        p->stress = KETSIM_LAB_STRESS_CUS;
    else if (!strcmp(model, "social_defeat"))
        p->stress = KETSIM_LAB_STRESS_DEFEAT;
    else
        return ytree_fail(t, ytree_map_get(n, "model"), "stress.model", c->err, "expected none, cus or social_defeat");
    p->stress_days = p->stress == KETSIM_LAB_STRESS_CUS ? 21 : p->stress == KETSIM_LAB_STRESS_DEFEAT ? 10 : 0;
    if ((rc = ytree_opt_double(t, n, "stress", "days", 0, 120, &p->stress_days, c->err)))
        return rc;
    if (p->stress != KETSIM_LAB_STRESS_NONE && p->stress_days < 7)
        return ytree_fail(t, ytree_map_get(n, "days"), "stress.days", c->err,
                       "the stress models are defined for 7 days or more (the model takes the stressed steady state)");
    if (p->stress != KETSIM_LAB_STRESS_NONE && p->species == KETSIM_HUMAN)
        return ytree_fail(t, n, "stress", c->err, "stress paradigms are for rodents");
    return KETSIM_OK;
}

static int parse_contrasts(const ctx *c, const ytree_node *seq, ketsim_lab_protocol *p);

static int parse_root(const ctx *c, const ytree_node *root, ketsim_lab_protocol *p)
{
    const ytree *t = c->t;
    static const char *const keys[] = {"name", "description", "source", "species", "strain", "seed",
                                       "variability", "stress", "groups", "contrasts", "readouts", NULL};
    int rc = ytree_check_keys(t, root, "", keys, c->err);
    if (!rc)
        rc = copy_text(t, root, "", "name", p->name, sizeof p->name, 1, c->err);
    if (!rc)
        rc = copy_text(t, root, "", "description", p->description, sizeof p->description, 0, c->err);
    if (!rc)
        rc = copy_text(t, root, "", "source", p->source, sizeof p->source, 0, c->err);
    if (!rc)
        rc = copy_text(t, root, "", "strain", p->strain, sizeof p->strain, 0, c->err);
    p->seed = 1;
    if (!rc)
        rc = ytree_opt_long(t, root, "", "seed", 0, 2147483647L, &p->seed, c->err);
    bool var = true;
    if (!rc)
        rc = ytree_opt_bool(t, root, "", "variability", &var, c->err);
    p->variability = var;
    if (rc)
        return rc;
    if (strpbrk(p->name, "/\\ ,\"") || !p->name[0])
        return ytree_fail(t, ytree_map_get(root, "name"), "name", c->err, "use letters, digits, '_' or '-'");
    const ytree_node *st = ytree_map_get(root, "stress");
    if (st && (rc = parse_stress(c, st, p)))
        return rc;
    if ((rc = parse_groups(c, root, p)))
        return rc;
    const ytree_node *cs = ytree_map_get(root, "contrasts");
    if (cs && (rc = parse_contrasts(c, cs, p)))
        return rc;
    const ytree_node *ro;
    if ((rc = ytree_require(t, root, "", "readouts", &ro, c->err)) ||
        (rc = ytree_expect_kind(t, ro, "readouts", YTREE_SEQUENCE, c->err)))
        return rc;
    if (ytree_len(ro) == 0 || ytree_len(ro) > KETSIM_LAB_MAX_READOUTS)
        return ytree_fail(t, ro, "readouts", c->err, "list 1 to 16 read-outs");
    for (size_t i = 0; i < ytree_len(ro); i++) {
        char ip[YTREE_PATH_MAX];
        ytree_path_index(ip, sizeof ip, "readouts", i);
        if ((rc = parse_readout(c, ytree_seq_item(ro, i), ip, p)))
            return rc;
    }
    return KETSIM_OK;
}

static int group_index(const ketsim_lab_protocol *p, const char *name)
{
    for (int g = 0; g < p->n_groups; g++)
        if (!strcmp(p->group[g].name, name))
            return g;
    return -1;
}

/* contrasts: [[a, b], ...]: pairs of group names compared directly. */
static int parse_contrasts(const ctx *c, const ytree_node *seq, ketsim_lab_protocol *p)
{
    const ytree *t = c->t;
    int rc = ytree_expect_kind(t, seq, "contrasts", YTREE_SEQUENCE, c->err);
    if (rc)
        return rc;
    if (ytree_len(seq) > KETSIM_LAB_MAX_CONTRASTS)
        return ytree_fail(t, seq, "contrasts", c->err, "at most 8 contrasts");
    for (size_t i = 0; i < ytree_len(seq); i++) {
        char ip[YTREE_PATH_MAX];
        ytree_path_index(ip, sizeof ip, "contrasts", i);
        const ytree_node *pair = ytree_seq_item(seq, i);
        if ((rc = ytree_expect_kind(t, pair, ip, YTREE_SEQUENCE, c->err)))
            return rc;
        if (ytree_len(pair) != 2)
            return ytree_fail(t, pair, ip, c->err, "a contrast is a pair of group names [a, b]");
        for (int k = 0; k < 2; k++) {
            char kp[YTREE_PATH_MAX];
            const char *name;
            ytree_path_index(kp, sizeof kp, ip, (size_t)k);
            if ((rc = ytree_get_string(t, ytree_seq_item(pair, (size_t)k), kp, &name, c->err)))
                return rc;
            int g = group_index(p, name);
            if (g < 0)
                return ytree_fail(t, ytree_seq_item(pair, (size_t)k), kp, c->err, "no group of this name");
            p->contrast[i][k] = g;
        }
        if (p->contrast[i][0] == p->contrast[i][1])
            return ytree_fail(t, pair, ip, c->err, "a group cannot be compared with itself");
        p->n_contrasts++;
    }
    return KETSIM_OK;
}

/* The species is needed first: it decides which parameters exist and which
 * assays make sense. */
static int parse_species(const ytree *t, const ytree_node *root, ketsim_lab_protocol *p, ketsim_error *err)
{
    const char *s;
    int rc = ytree_req_string(t, root, "", "species", &s, err);
    if (rc)
        return rc;
    ketsim_error e = {0};
    if (ketsim_species_parse(s, &p->species, &e))
        return ytree_fail(t, ytree_map_get(root, "species"), "species", err, "expected human, rat or mouse");
    return KETSIM_OK;
}

int ketsim_lab_protocol_load(const char *path, const ketsim_params *tables, ketsim_lab_protocol *p,
                             ketsim_error *err)
{
    memset(p, 0, sizeof *p);
    snprintf(p->path, sizeof p->path, "%s", path);
    ytree *t = NULL;
    ketsim_catalog *cat = NULL;
    ketsim_params *params = NULL;
    int rc = ytree_load_file(path, &t, err);
    if (!rc)
        rc = ytree_expect_kind(t, ytree_root(t), "(document)", YTREE_MAPPING, err);
    if (!rc)
        rc = parse_species(t, ytree_root(t), p, err);
    if (!rc)
        rc = ketsim_catalog_create(&cat, err);
    /* the caller's tables, at the protocol's species, check the names the
     * groups set (the formats layer cannot build the tables itself) */
    if (!rc && !tables)
        rc = KETSIM_FAIL(err, KETSIM_EINTERNAL, "%s: no parameter tables to check the protocol against", path);
    if (!rc)
        rc = ketsim_params_for_species(tables, p->species, &params, err);
    if (!rc) {
        ctx c = {t, cat, params, err};
        rc = parse_root(&c, ytree_root(t), p);
    }
    /* the simulation starts early enough for the first pretreatment and a
     * baseline dialysate fraction */
    p->start_h = 1.0;
    for (int g = 0; g < p->n_groups; g++)
        for (int i = 0; i < p->group[g].n_pre; i++)
            if (-p->group[g].pre[i].time_h + 1.0 > p->start_h)
                p->start_h = -p->group[g].pre[i].time_h + 1.0;
    ketsim_params_free(params);
    ketsim_catalog_free(cat);
    ytree_free(t);
    if (rc)
        memset(p, 0, sizeof *p);
    return rc;
}


int ketsim_lab_protocol_find(const char *arg, char *path, size_t size, ketsim_error *err)
{
    size_t n = strlen(arg);
    if (strchr(arg, '/') || (n > 5 && !strcmp(arg + n - 5, ".yaml")) || (n > 4 && !strcmp(arg + n - 4, ".yml"))) {
        if (n >= size)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: protocol path too long", arg);
        snprintf(path, size, "%s", arg);
        FILE *f = fopen(path, "r");
        if (!f)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: cannot open protocol file", path);
        fclose(f);
        return KETSIM_OK;
    }
    if (snprintf(path, size, "%s/lab/%s.yaml", ketsim_data_dir(), arg) >= (int)size)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "'%s': the protocol's path is too long", arg);
    struct stat st;
    if (stat(path, &st) != 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "no built-in experiment '%s' (see ketsim lab --list)", arg);
    return KETSIM_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int ketsim_lab_protocol_list(FILE *out, const ketsim_params *tables, ketsim_error *err)
{
    char dir[4096];
    if (snprintf(dir, sizeof dir, "%s/lab", ketsim_data_dir()) >= (int)sizeof dir)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "the data directory's path is too long");
    DIR *d = opendir(dir);
    if (!d)
        return KETSIM_FAIL(err, KETSIM_EIO, "%s: cannot open the built-in experiments", dir);
    char *names[64];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        size_t len = strlen(e->d_name);
        if (len > 5 && !strcmp(e->d_name + len - 5, ".yaml"))
            names[n++] = strndup(e->d_name, len - 5);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    int rc = KETSIM_OK;
    for (size_t i = 0; i < n; i++) {
        char path[4096 + 300];
        ketsim_lab_protocol *p = malloc(sizeof *p);
        snprintf(path, sizeof path, "%s/%s.yaml", dir, names[i]);
        if (!p)
            rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
        else if (!rc && !(rc = ketsim_lab_protocol_load(path, tables, p, err)))
            fprintf(out, "%-22s %s\n", names[i], p->description);
        free(p);
        free(names[i]);
    }
    return rc;
}
