/* Drug files: new compounds and drugs defined in YAML at run time.
 *
 * The format is documented in docs/drugs.md.  Loading is two-phase: the whole
 * file is read and checked into local records first (every error names
 * FILE:LINE and the field), and only when everything is valid are the
 * parameter rows, compounds and the drug added.  So a bad file changes
 * neither the catalog nor the parameter table. */
#include "ketsim/model.h"
#include "ketsim/formats.h"
#include "model/catalog_impl.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/ytree.h"

#define DF_MAX_COMPOUNDS 16 /* new compounds in one file */
#define DF_FRACTION_TOL 1e-6

/* Unit, allowed range and description of each per-compound field.  Every
 * entry of catalog_compound_fields must appear here (checked on load). */
typedef struct df_field_rule {
    const char *field;
    const char *unit;
    int zero_ok;  /* 1: value >= 0 allowed; 0: value must be > 0 */
    int optional; /* 1: may be omitted, meaning 0 (no such action) */
    double hi;    /* inclusive upper bound */
    const char *description;
} df_field_rule;

static const df_field_rule field_rules[] = {
    {"mw_g_per_mol", "g/mol", 0, 0, INFINITY, "molar mass"},
    {"v1_l", "L", 0, 0, INFINITY, "central volume"},
    {"v2_l", "L", 1, 0, INFINITY, "first peripheral volume (0: none)"},
    {"v3_l", "L", 1, 0, INFINITY, "second peripheral volume (0: none)"},
    {"cl_l_per_h", "L/h", 0, 0, INFINITY, "elimination clearance"},
    {"q2_l_per_h", "L/h", 1, 0, INFINITY, "intercompartmental clearance to v2"},
    {"q3_l_per_h", "L/h", 1, 0, INFINITY, "intercompartmental clearance to v3"},
    {"fu_plasma", "1", 1, 0, 1.0, "unbound fraction in plasma"},
    {"kp_brain", "1", 0, 0, INFINITY, "total brain:plasma ratio"},
    {"kpuu_brain", "1", 1, 0, INFINITY, "unbound brain:unbound plasma ratio (0: no brain compartment)"},
    {"keo_brain_per_h", "1/h", 0, 0, INFINITY, "brain equilibration rate"},
    {"nmda_ki_um", "uM", 0, 0, INFINITY, "NMDA channel-site Ki"},
    {"ampa_emax", "1", 1, 0, INFINITY, "maximal fractional AMPA potentiation"},
    {"ampa_ec50_um", "uM", 0, 0, INFINITY, "AMPA potentiation EC50"},
    {"ampa_block_ki_um", "uM", 1, 1, INFINITY, "AMPA antagonist Ki (0: none)"},
    {"mtor_inhibition_ic50_um", "uM", 1, 1, INFINITY, "mTORC1 inhibition IC50 (0: none)"},
    {"trkb_block_ki_um", "uM", 1, 1, INFINITY, "TrkB antagonist Ki (0: none)"},
    {"nos_inhibition_ic50_um", "uM", 1, 1, INFINITY, "NOS inhibition IC50 (0: none)"},
};
#define N_RULES (sizeof field_rules / sizeof field_rules[0])
#define MAX_FIELDS N_RULES

typedef struct df_link {
    char to[KETSIM_NAME_MAX];
    double fraction, mtt_h;
} df_link;

/* A compound's own absorption rows: COMPOUND.route.ROUTE.FIELD, replacing
 * route.ROUTE.FIELD for this compound. */
#define DF_MAX_ROUTE_ROWS 24
typedef struct df_route_row {
    char field[160];    /* "route.po.f" */
    double value;
} df_route_row;

typedef struct df_compound {
    char name[KETSIM_NAME_MAX];
    size_t n_routes;
    df_route_row route[DF_MAX_ROUTE_ROWS];
    const ytree_node *key;  /* for messages */
    const ytree_node *node; /* the compound's mapping */
    const char *source;
    double value[MAX_FIELDS];
    double sedation_ec50;   /* optional: 0 means no sedation */
    size_t n_links;
    df_link link[KETSIM_MAX_LINKS];
    const ytree_node *link_node[KETSIM_MAX_LINKS];
} df_compound;

typedef struct df_file {
    const ytree *t;
    const char *path;
    size_t n;
    df_compound cmp[DF_MAX_COMPOUNDS];
    cat_drug drug;
} df_file;

__attribute__((format(printf, 5, 6)))
static int fail_at(ketsim_error *err, const ytree *t, const ytree_node *n, const char *path,
                   const char *fmt, ...)
{
    char msg[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%d: field '%s': %s", ytree_filename(t),
                       n ? ytree_line(n) : 0, path, msg);
}

/* [a-z0-9_], 1..KETSIM_NAME_MAX-1 characters. */
static int valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= KETSIM_NAME_MAX)
        return 0;
    for (const char *c = s; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
            return 0;
    return 1;
}

static const df_field_rule *rule_for(const char *field)
{
    for (size_t i = 0; i < N_RULES; i++)
        if (strcmp(field_rules[i].field, field) == 0)
            return &field_rules[i];
    return NULL;
}

static long file_compound(const df_file *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->cmp[i].name, name) == 0)
            return (long)i;
    return -1;
}

/* A compound's name as the key of 'compounds'. */
static int read_compound_name(df_file *f, const ketsim_catalog *cat, size_t i, df_compound *c,
                              ketsim_error *err)
{
    const ytree_node *compounds = ytree_map_get(ytree_root(f->t), "compounds");
    const char *name = ytree_map_key(compounds, i);
    char path[YTREE_PATH_MAX];
    ytree_path_key(path, sizeof path, "compounds", name);
    c->key = ytree_map_key_node(compounds, i);
    c->node = ytree_map_value(compounds, i);
    if (!valid_name(name))
        return fail_at(err, f->t, c->key, path,
                       "compound name must be 1-%d characters of a-z, 0-9 and _",
                       KETSIM_NAME_MAX - 1);
    if (catalog_compound_index(cat, name) >= 0)
        return fail_at(err, f->t, c->key, path, "compound '%s' is already defined", name);
    char out[128];
    snprintf(out, sizeof out, "plasma_%s_ng_per_ml", name);
    if (ketsim_output_index(out) >= 0)
        return fail_at(err, f->t, c->key, path, "compound name '%s' would give the output '%s', which is built in", name, out);
    snprintf(c->name, sizeof c->name, "%s", name);
    return KETSIM_OK;
}

/* Allowed range of a route field: fractions in [0, 1], rates > 0, lags >= 0. */
static int route_field_ok(const char *field, double v)
{
    if (strcmp(field, "ka_per_h") == 0)
        return v > 0 && isfinite(v);
    if (strstr(field, "lag_h"))
        return v >= 0 && isfinite(v);
    return v >= 0 && v <= 1;
}

/* routes: {po: {f: 0.6, ka_per_h: 1.2}, ...}: every ROUTE.FIELD must be a
 * route parameter the model has (route.ROUTE.FIELD). */
static int read_routes(df_file *f, const ketsim_params *params, df_compound *c, const char *mpath,
                       ketsim_error *err)
{
    const ytree *t = f->t;
    const ytree_node *routes = ytree_map_get(c->node, "routes");
    char rpath[YTREE_PATH_MAX], path[YTREE_PATH_MAX], row[160];
    c->n_routes = 0;
    if (!routes)
        return KETSIM_OK;
    ytree_path_key(rpath, sizeof rpath, mpath, "routes");
    int rc = ytree_expect_kind(t, routes, rpath, YTREE_MAPPING, err);
    for (size_t i = 0; !rc && i < ytree_len(routes); i++) {
        const char *route = ytree_map_key(routes, i);
        const ytree_node *fields = ytree_map_value(routes, i);
        char fpath[YTREE_PATH_MAX];
        ytree_path_key(fpath, sizeof fpath, rpath, route);
        rc = ytree_expect_kind(t, fields, fpath, YTREE_MAPPING, err);
        for (size_t k = 0; !rc && k < ytree_len(fields); k++) {
            const char *field = ytree_map_key(fields, k);
            ytree_path_key(path, sizeof path, fpath, field);
            snprintf(row, sizeof row, "route.%s.%s", route, field);
            if (!ketsim_params_has(params, row))
                return fail_at(err, t, ytree_map_key_node(fields, k), path,
                               "no route parameter '%s' (see ketsim params | grep route.)", row);
            if (c->n_routes == DF_MAX_ROUTE_ROWS)
                return fail_at(err, t, fields, path, "at most %d route rows", DF_MAX_ROUTE_ROWS);
            df_route_row *r = &c->route[c->n_routes];
            rc = ytree_get_double(t, ytree_map_value(fields, k), path, &r->value, err);
            if (!rc && !route_field_ok(field, r->value))
                return fail_at(err, t, ytree_map_value(fields, k), path, "%g is out of range for %s", r->value,
                               field);
            if (!rc) {
                snprintf(r->field, sizeof r->field, "%s", row);
                c->n_routes++;
            }
        }
    }
    return rc;
}

static int read_compound_body(df_file *f, const ketsim_catalog *cat, const ketsim_params *params,
                              df_compound *c, ketsim_error *err)
{
    const ytree *t = f->t;
    char mpath[YTREE_PATH_MAX], path[YTREE_PATH_MAX], rowname[160];
    ytree_path_key(mpath, sizeof mpath, "compounds", c->name);

    const char *allowed[MAX_FIELDS + 5];
    size_t na = 0;
    for (size_t k = 0; k < catalog_n_compound_fields; k++)
        allowed[na++] = catalog_compound_fields[k];
    allowed[na++] = "metabolites";
    allowed[na++] = "routes";
    allowed[na++] = "sedation_ec50_um";
    allowed[na++] = "source";
    allowed[na] = NULL;
    int rc = ytree_check_keys(t, c->node, mpath, allowed, err);
    if (rc)
        return rc;

    for (size_t k = 0; k < catalog_n_compound_fields; k++) {
        const char *field = catalog_compound_fields[k];
        const df_field_rule *r = rule_for(field);
        c->value[k] = 0.0;
        if (r->optional && !ytree_map_get(c->node, field))
            continue;
        if (r->zero_ok)
            rc = ytree_req_double(t, c->node, mpath, field, 0.0, r->hi, &c->value[k], err);
        else
            rc = ytree_req_positive(t, c->node, mpath, field, &c->value[k], err);
        if (rc)
            return rc;
        if (!r->zero_ok && isfinite(r->hi) && c->value[k] > r->hi)
            return fail_at(err, t, ytree_map_get(c->node, field),
                           ytree_path_key(path, sizeof path, mpath, field),
                           "must be at most %g", r->hi);
        snprintf(rowname, sizeof rowname, "%s.%s", c->name, field);
        if (ketsim_params_has(params, rowname))
            return fail_at(err, t, c->key, mpath, "parameter '%s' already exists", rowname);
    }

    c->sedation_ec50 = 0;
    rc = ytree_opt_double(t, c->node, mpath, "sedation_ec50_um", 0.0, HUGE_VAL, &c->sedation_ec50, err);
    if (rc)
        return rc;
    c->source = NULL;
    rc = ytree_opt_string(t, c->node, mpath, "source", &c->source, err);
    if (!rc)
        rc = read_routes(f, params, c, mpath, err);
    if (rc)
        return rc;

    const ytree_node *mets = ytree_map_get(c->node, "metabolites");
    if (!mets)
        return KETSIM_OK;
    char spath[YTREE_PATH_MAX];
    ytree_path_key(spath, sizeof spath, mpath, "metabolites");
    rc = ytree_expect_kind(t, mets, spath, YTREE_SEQUENCE, err);
    if (rc)
        return rc;
    if (ytree_len(mets) > KETSIM_MAX_LINKS)
        return fail_at(err, t, mets, spath, "at most %d metabolites, got %zu", KETSIM_MAX_LINKS,
                       ytree_len(mets));
    static const char *const link_keys[] = {"to", "fraction", "mtt_h", NULL};
    double sum = 0;
    for (size_t j = 0; j < ytree_len(mets); j++) {
        const ytree_node *m = ytree_seq_item(mets, j);
        char ipath[YTREE_PATH_MAX];
        ytree_path_index(ipath, sizeof ipath, spath, j);
        df_link *l = &c->link[c->n_links];
        const char *to;
        rc = ytree_check_keys(t, m, ipath, link_keys, err);
        if (!rc)
            rc = ytree_req_string(t, m, ipath, "to", &to, err);
        if (!rc)
            rc = ytree_req_double(t, m, ipath, "fraction", 0.0, 1.0, &l->fraction, err);
        if (!rc)
            rc = ytree_req_double(t, m, ipath, "mtt_h", 0.0, HUGE_VAL, &l->mtt_h, err);
        if (rc)
            return rc;
        const ytree_node *ton = ytree_map_get(m, "to");
        ytree_path_key(path, sizeof path, ipath, "to");
        if (strcmp(to, c->name) == 0)
            return fail_at(err, t, ton, path, "a compound cannot be its own metabolite");
        if (catalog_compound_index(cat, to) < 0 && file_compound(f, to) < 0)
            return fail_at(err, t, ton, path,
                           "unknown compound '%s' (neither built in nor defined in this file)",
                           to);
        for (size_t q = 0; q < c->n_links; q++)
            if (strcmp(c->link[q].to, to) == 0)
                return fail_at(err, t, ton, path, "metabolite '%s' is listed twice", to);
        snprintf(l->to, sizeof l->to, "%s", to);
        c->link_node[c->n_links] = m;
        sum += l->fraction;
        if (sum > 1.0 + DF_FRACTION_TOL)
            return fail_at(err, t, ytree_map_get(m, "fraction"), spath,
                           "metabolite fractions sum to %g, more than 1", sum);
        c->n_links++;
    }
    return KETSIM_OK;
}

/* Metabolite links among the file's compounds must not form a cycle
 * (built-in compounds never link back to new ones). */
static int find_cycle(const df_file *f, size_t i, int *state, ketsim_error *err)
{
    state[i] = 1;
    const df_compound *c = &f->cmp[i];
    for (size_t k = 0; k < c->n_links; k++) {
        long j = file_compound(f, c->link[k].to);
        if (j < 0 || state[j] == 2)
            continue;
        char path[YTREE_PATH_MAX];
        snprintf(path, sizeof path, "compounds.%s.metabolites[%zu].to", c->name, k);
        if (state[j] == 1)
            return fail_at(err, f->t, ytree_map_get(c->link_node[k], "to"), path,
                           "metabolite links form a cycle through '%s'", c->link[k].to);
        int rc = find_cycle(f, (size_t)j, state, err);
        if (rc)
            return rc;
    }
    state[i] = 2;
    return KETSIM_OK;
}

static int read_compounds(df_file *f, const ketsim_catalog *cat, const ketsim_params *params,
                          ketsim_error *err)
{
    const ytree_node *compounds = ytree_map_get(ytree_root(f->t), "compounds");
    if (!compounds)
        return KETSIM_OK;
    int rc = ytree_expect_kind(f->t, compounds, "compounds", YTREE_MAPPING, err);
    if (rc)
        return rc;
    size_t n = ytree_len(compounds);
    if (n > DF_MAX_COMPOUNDS)
        return fail_at(err, f->t, compounds, "compounds", "at most %d compounds, got %zu",
                       DF_MAX_COMPOUNDS, n);
    /* Names first, so metabolites may refer to compounds defined later. */
    for (size_t i = 0; i < n; i++) {
        rc = read_compound_name(f, cat, i, &f->cmp[i], err);
        if (rc)
            return rc;
        f->n++;
    }
    for (size_t i = 0; i < n; i++) {
        rc = read_compound_body(f, cat, params, &f->cmp[i], err);
        if (rc)
            return rc;
    }
    int state[DF_MAX_COMPOUNDS] = {0};
    for (size_t i = 0; i < n; i++)
        if (state[i] == 0 && (rc = find_cycle(f, i, state, err)))
            return rc;
    return KETSIM_OK;
}

static int read_drug(df_file *f, const ketsim_catalog *cat, ketsim_error *err)
{
    const ytree *t = f->t;
    const ytree_node *root = ytree_root(t);
    cat_drug *d = &f->drug;
    const char *name, *desc = NULL;
    int rc = ytree_req_string(t, root, "", "name", &name, err);
    if (rc)
        return rc;
    const ytree_node *nn = ytree_map_get(root, "name");
    size_t idx;
    if (!valid_name(name))
        return fail_at(err, t, nn, "name", "drug name must be 1-%d characters of a-z, 0-9 and _",
                       KETSIM_NAME_MAX - 1);
    if (ketsim_catalog_find_drug(cat, name, &idx, NULL) == KETSIM_OK)
        return fail_at(err, t, nn, "name", "drug '%s' is already defined", name);
    snprintf(d->name, sizeof d->name, "%s", name);

    rc = ytree_opt_string(t, root, "", "description", &desc, err);
    if (rc)
        return rc;
    if (desc && strlen(desc) >= sizeof d->description)
        return fail_at(err, t, ytree_map_get(root, "description"), "description",
                       "at most %zu characters", sizeof d->description - 1);
    if (desc)
        snprintf(d->description, sizeof d->description, "%s", desc);
    else
        snprintf(d->description, sizeof d->description, "defined in %.140s", f->path);

    const ytree_node *comps;
    rc = ytree_require(t, root, "", "components", &comps, err);
    if (!rc)
        rc = ytree_expect_kind(t, comps, "components", YTREE_SEQUENCE, err);
    if (rc)
        return rc;
    size_t n = ytree_len(comps);
    if (n < 1 || n > KETSIM_MAX_COMPONENTS)
        return fail_at(err, t, comps, "components", "expected 1 to %d components, got %zu",
                       KETSIM_MAX_COMPONENTS, n);
    static const char *const comp_keys[] = {"compound", "fraction", NULL};
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        const ytree_node *c = ytree_seq_item(comps, i);
        char ipath[YTREE_PATH_MAX], path[YTREE_PATH_MAX];
        ytree_path_index(ipath, sizeof ipath, "components", i);
        const char *cname;
        rc = ytree_check_keys(t, c, ipath, comp_keys, err);
        if (!rc)
            rc = ytree_req_string(t, c, ipath, "compound", &cname, err);
        if (!rc)
            rc = ytree_req_double(t, c, ipath, "fraction", 0.0, 1.0, &d->fraction[i], err);
        if (rc)
            return rc;
        const ytree_node *cn = ytree_map_get(c, "compound");
        ytree_path_key(path, sizeof path, ipath, "compound");
        if (catalog_compound_index(cat, cname) < 0 && file_compound(f, cname) < 0)
            return fail_at(err, t, cn, path,
                           "unknown compound '%s' (neither built in nor defined in this file)",
                           cname);
        for (size_t q = 0; q < i; q++)
            if (strcmp(d->compound[q], cname) == 0)
                return fail_at(err, t, cn, path, "compound '%s' is listed twice", cname);
        snprintf(d->compound[i], sizeof d->compound[i], "%s", cname);
        sum += d->fraction[i];
        d->n = i + 1;
    }
    if (fabs(sum - 1.0) > DF_FRACTION_TOL)
        return fail_at(err, t, comps, "components",
                       "mass fractions must sum to 1, got %.9g", sum);
    return KETSIM_OK;
}

/* Adds everything; only out-of-memory can fail here. */
static int commit(const df_file *f, ketsim_catalog *cat, ketsim_params *params,
                  ketsim_error *err)
{
    char row[160], desc[200], src[300];
    size_t n_cmp0 = cat->n_compounds;
    int rc = KETSIM_OK;
    for (size_t i = 0; !rc && i < f->n; i++) {
        const df_compound *c = &f->cmp[i];
        if (c->source)
            snprintf(src, sizeof src, "%s", c->source);
        else
            snprintf(src, sizeof src, "drug file %.200s", f->path);
        for (size_t k = 0; !rc && k < catalog_n_compound_fields; k++) {
            const df_field_rule *r = rule_for(catalog_compound_fields[k]);
            snprintf(row, sizeof row, "%s.%s", c->name, r->field);
            rc = ketsim_params_add(params, row, r->unit, c->value[k], src, r->description, err);
        }
        for (size_t k = 0; !rc && k < c->n_links; k++) {
            snprintf(row, sizeof row, "%s.to_%s.fraction", c->name, c->link[k].to);
            snprintf(desc, sizeof desc, "fraction of clearance forming %s", c->link[k].to);
            rc = ketsim_params_add(params, row, "1", c->link[k].fraction, src, desc, err);
            if (rc)
                break;
            snprintf(row, sizeof row, "%s.to_%s.mtt_h", c->name, c->link[k].to);
            rc = ketsim_params_add(params, row, "h", c->link[k].mtt_h, src,
                                   "formation delay (one transit compartment; 0: none)", err);
        }
        if (!rc && c->sedation_ec50 > 0) {
            snprintf(row, sizeof row, "%s.sedation_ec50_um", c->name);
            rc = ketsim_params_add(params, row, "uM", c->sedation_ec50, src,
                                   "free brain concentration at half-maximal sedation", err);
        }
        for (size_t k = 0; !rc && k < c->n_routes; k++) {
            double v;
            ketsim_param_info info = {0};
            size_t at = 0;
            ketsim_params_find(params, c->route[k].field, &at, NULL);
            ketsim_params_info(params, at, &info);
            ketsim_params_get(params, c->route[k].field, &v, NULL);
            int nr = snprintf(row, sizeof row, "%s.%s", c->name, c->route[k].field);
            int nd = snprintf(desc, sizeof desc, "%s for %s (replaces %s)", info.description, c->name,
                              c->route[k].field);
            if (nr < 0 || (size_t)nr >= sizeof row || nd < 0 || (size_t)nd >= sizeof desc)
                rc = KETSIM_FAIL(err, KETSIM_EINPUT, "drug '%s': route row '%s' gives too long a name", c->name,
                                 c->route[k].field);
            else
                rc = ketsim_params_add(params, row, info.unit, c->route[k].value, src, desc, err);
        }
        if (rc)
            break;
        cat_compound cc;
        memset(&cc, 0, sizeof cc);
        snprintf(cc.name, sizeof cc.name, "%s", c->name);
        snprintf(cc.label, sizeof cc.label, "%s (drug file)", c->name);
        cc.n_links = c->n_links;
        for (size_t k = 0; k < c->n_links; k++)
            snprintf(cc.link_child[k], sizeof cc.link_child[k], "%s", c->link[k].to);
        rc = catalog_add_compound(cat, &cc, err);
    }
    if (!rc)
        rc = catalog_add_drug(cat, &f->drug, err);
    if (rc)
        cat->n_compounds = n_cmp0; /* parameter rows cannot be taken back */
    return rc;
}

int ketsim_catalog_load_drug_file(ketsim_catalog *cat, ketsim_params *params, const char *path,
                                  const char **drug_name, ketsim_error *err)
{
    if (catalog_n_compound_fields > MAX_FIELDS)
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "drug files: too many compound fields");
    for (size_t k = 0; k < catalog_n_compound_fields; k++)
        if (!rule_for(catalog_compound_fields[k]))
            return KETSIM_FAIL(err, KETSIM_EINTERNAL, "drug files: no rule for field '%s'",
                               catalog_compound_fields[k]);

    ytree *t = NULL;
    int rc = ytree_load_file(path, &t, err);
    if (rc)
        return rc;
    df_file *f = calloc(1, sizeof *f);
    if (!f) {
        ytree_free(t);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    f->t = t;
    f->path = path;
    static const char *const top_keys[] = {"name", "description", "components", "compounds",
                                           NULL};
    rc = ytree_check_keys(t, ytree_root(t), "", top_keys, err);
    if (!rc)
        rc = read_compounds(f, cat, params, err);
    if (!rc)
        rc = read_drug(f, cat, err);
    if (!rc)
        rc = commit(f, cat, params, err);
    if (!rc && drug_name)
        *drug_name = cat->drugs[cat->n_drugs - 1].name;
    free(f);
    ytree_free(t);
    return rc;
}
