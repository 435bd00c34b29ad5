/* SBML Level 3 Version 2 export of a model and a regimen.
 *
 * The right-hand side is rebuilt here as formula text, term by term in the
 * order pk.c and cascade.c compute it, and parsed into MathML by libsbml.
 * States are non-constant parameters with rate rules (exact for an ODE
 * system whose states carry mixed units: mg, uM, umol and relative levels).
 * Doses enter as in src/sim/simulate.c: infusions are piecewise rates in the
 * target state's rate rule, boluses are events. */
#include "ketsim/sbml.h"

#ifndef KETSIM_HAVE_SBML

int ketsim_sbml_available(void) { return 0; }

int ketsim_sbml_write(const ketsim_model *m, const ketsim_regimen *reg, FILE *fp,
                      ketsim_error *err)
{
    (void)m, (void)reg, (void)fp;
    return KETSIM_FAIL(err, KETSIM_EIO, "SBML export is not available: this build has no libsbml");
}

#else

#include "model/model_impl.h"
#include "model/dosing.h"

#include <sbml/SBMLTypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

int ketsim_sbml_available(void) { return 1; }

/* ---- growable text ---- */

typedef struct sbuf {
    char *s;
    size_t n, cap;
    int oom;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (b->oom || need < 0)
        return;
    if (b->n + (size_t)need + 1 > b->cap) {
        size_t cap = (b->cap ? 2 * b->cap : 256) + (size_t)need;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->oom = 1;
            return;
        }
        b->s = s, b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
    va_end(ap);
    b->n += (size_t)need;
}

/* Append `sign expr` to a sum (a state's rate). */
static void sb_term(sbuf *b, char sign, const char *expr)
{
    if (b->n == 0)
        sb_printf(b, sign == '-' ? "-(%s)" : "%s", expr);
    else
        sb_printf(b, " %c (%s)", sign, expr);
}

/* ---- export context ---- */

#define ID_LEN 160

typedef struct exporter {
    const ketsim_model *m;
    SBMLDocument_t *doc;
    Model_t *sm;
    char (*sid)[ID_LEN]; /* SBML id of each state */
    sbuf *rate;          /* rate rule text of each state */
    ketsim_error *err;
    int rc;
} exporter;

static int fail(exporter *x, int code, const char *what, const char *detail)
{
    if (!x->rc)
        x->rc = KETSIM_FAIL(x->err, code, "SBML export: %s%s%s", what, detail ? ": " : "",
                            detail ? detail : "");
    return x->rc;
}

/* SBML ids: letters, digits and '_', not starting with a digit. */
static void make_id(char *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void make_id(char *out, const char *fmt, ...)
{
    char raw[ID_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    size_t k = 0;
    if (raw[0] >= '0' && raw[0] <= '9')
        out[k++] = '_';
    for (const char *p = raw; *p && k + 1 < ID_LEN; p++) {
        int ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9');
        out[k++] = ok ? *p : '_';
    }
    out[k] = '\0';
}

static ASTNode_t *parse(exporter *x, const char *formula)
{
    ASTNode_t *ast = SBML_parseL3Formula(formula);
    if (!ast) {
        char *msg = SBML_getLastParseL3Error();
        fail(x, KETSIM_EINTERNAL, "cannot parse a generated formula", msg);
        free(msg);
    }
    return ast;
}

/* ---- units ---- */

typedef struct unit_part {
    UnitKind_t kind;
    int exponent, scale;
    double multiplier;
} unit_part;

static void add_unit(exporter *x, const char *id, const unit_part *parts, size_t n)
{
    UnitDefinition_t *ud = Model_createUnitDefinition(x->sm);
    UnitDefinition_setId(ud, id);
    for (size_t i = 0; i < n; i++) {
        Unit_t *u = UnitDefinition_createUnit(ud);
        Unit_setKind(u, parts[i].kind);
        Unit_setExponent(u, parts[i].exponent);
        Unit_setScale(u, parts[i].scale);
        Unit_setMultiplier(u, parts[i].multiplier);
    }
}

static void add_units(exporter *x)
{
    const unit_part hour[] = {{UNIT_KIND_SECOND, 1, 0, 3600}};
    const unit_part per_hour[] = {{UNIT_KIND_SECOND, -1, 0, 3600}};
    const unit_part l_per_h[] = {{UNIT_KIND_LITRE, 1, 0, 1}, {UNIT_KIND_SECOND, -1, 0, 3600}};
    const unit_part mg[] = {{UNIT_KIND_GRAM, 1, -3, 1}};
    const unit_part umol[] = {{UNIT_KIND_MOLE, 1, -6, 1}};
    const unit_part um[] = {{UNIT_KIND_MOLE, 1, -6, 1}, {UNIT_KIND_LITRE, -1, 0, 1}};
    const unit_part g_per_mol[] = {{UNIT_KIND_GRAM, 1, 0, 1}, {UNIT_KIND_MOLE, -1, 0, 1}};
    const unit_part ng_per_ml[] = {{UNIT_KIND_GRAM, 1, -6, 1}, {UNIT_KIND_LITRE, -1, 0, 1}};
    add_unit(x, "hour", hour, 1);
    add_unit(x, "per_hour", per_hour, 1);
    add_unit(x, "litre_per_hour", l_per_h, 2);
    add_unit(x, "milligram", mg, 1);
    add_unit(x, "micromole", umol, 1);
    add_unit(x, "micromolar", um, 2);
    add_unit(x, "gram_per_mole", g_per_mol, 2);
    add_unit(x, "ng_per_ml", ng_per_ml, 2);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Unit of a parameter from the suffix its name carries. */
static const char *unit_of_name(const char *id)
{
    static const struct { const char *suffix, *unit; } map[] = {
        {"_l_per_h", "litre_per_hour"}, {"_per_h", "per_hour"}, {"_g_per_mol", "gram_per_mole"},
        {"_ng_per_ml", "ng_per_ml"}, {"_mg", "milligram"}, {"_um", "micromolar"},
        {"_l", "litre"}, {"_h", "hour"},
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (ends_with(id, map[i].suffix))
            return map[i].unit;
    return "dimensionless";
}

static const char *unit_of_state(const char *unit)
{
    if (strcmp(unit, "mg") == 0)
        return "milligram";
    if (strcmp(unit, "uM") == 0)
        return "micromolar";
    if (strcmp(unit, "umol") == 0)
        return "micromole";
    return "dimensionless";
}

/* ---- model elements ---- */

static Parameter_t *add_param(exporter *x, const char *id, double value, int constant,
                              const char *units, const char *name)
{
    Parameter_t *p = Model_createParameter(x->sm);
    if (!p || Parameter_setId(p, id) != LIBSBML_OPERATION_SUCCESS) {
        fail(x, KETSIM_EINTERNAL, "invalid parameter id", id);
        return p;
    }
    Parameter_setValue(p, value);
    Parameter_setConstant(p, constant);
    Parameter_setUnits(p, units ? units : unit_of_name(id));
    if (name)
        Parameter_setName(p, name);
    return p;
}

static void add_assignment(exporter *x, const char *id, const char *units, const char *formula)
{
    if (x->rc)
        return;
    add_param(x, id, 0.0, 0, units, NULL);
    ASTNode_t *ast = parse(x, formula);
    if (!ast)
        return;
    Rule_t *r = Model_createAssignmentRule(x->sm);
    Rule_setVariable(r, id);
    if (Rule_setMath(r, ast) != LIBSBML_OPERATION_SUCCESS)
        fail(x, KETSIM_EINTERNAL, "cannot set the math of assignment rule", id);
    ASTNode_free(ast);
}

static void add_rate_rule(exporter *x, const char *id, const char *formula)
{
    ASTNode_t *ast = parse(x, formula);
    if (!ast)
        return;
    Rule_t *r = Model_createRateRule(x->sm);
    Rule_setVariable(r, id);
    if (Rule_setMath(r, ast) != LIBSBML_OPERATION_SUCCESS)
        fail(x, KETSIM_EINTERNAL, "cannot set the math of rate rule", id);
    ASTNode_free(ast);
}

/* ---- pharmacokinetics, mirroring pk.c ---- */

static const char *const depot_ids[N_DEPOTS] = {"nasal", "gut", "im", "sc", "ip"};

static void compound_params(exporter *x, const model_compound *c)
{
    const struct { const char *field; double v; int used; } f[] = {
        {"mw_g_per_mol", c->mw, 1},      {"v1_l", c->v1, 1},
        {"v2_l", c->v2, c->s_p2 >= 0},   {"v3_l", c->v3, c->s_p3 >= 0},
        {"cl_l_per_h", c->cl, 1},        {"q2_l_per_h", c->q2, c->s_p2 >= 0},
        {"q3_l_per_h", c->q3, c->s_p3 >= 0}, {"fu_plasma", c->fu, c->s_brain >= 0},
        {"kpuu_brain", c->kpuu, c->s_brain >= 0}, {"keo_brain_per_h", c->keo, c->s_brain >= 0},
        {"nmda_ki_um", c->ki, c->s_brain >= 0},   {"ampa_emax", c->emax, c->s_brain >= 0 && c->emax > 0},
        {"ampa_ec50_um", c->ec50, c->s_brain >= 0 && c->emax > 0},
        {"ampa_block_ki_um", c->ampa_block_ki, c->s_brain >= 0 && c->ampa_block_ki > 0},
        {"mtor_inhibition_ic50_um", c->mtor_ic50, c->s_brain >= 0 && c->mtor_ic50 > 0},
        {"trkb_block_ki_um", c->trkb_block_ki, c->s_brain >= 0 && c->trkb_block_ki > 0},
        {"nos_inhibition_ic50_um", c->nos_ic50, c->s_brain >= 0 && c->nos_ic50 > 0},
    };
    char id[ID_LEN];
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        if (f[i].used) {
            make_id(id, "%s_%s", c->name, f[i].field);
            add_param(x, id, f[i].v, 1, NULL, NULL);
        }
    for (size_t k = 0; k < c->n_links; k++) {
        const model_link *l = &c->link[k];
        const char *child = x->m->cmp[l->child].name;
        make_id(id, "%s_to_%s_fraction", c->name, child);
        add_param(x, id, l->fraction, 1, NULL, NULL);
        if (l->s_transit >= 0) {
            make_id(id, "%s_to_%s_mtt_h", c->name, child);
            add_param(x, id, l->mtt_h, 1, NULL, NULL);
        }
    }
}

/* Append a formatted term to the rate of `state`. */
static void term(exporter *x, long state, char sign, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void term(exporter *x, long state, char sign, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *t = NULL;
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n >= 0 && (t = malloc((size_t)n + 1)) != NULL) {
        va_start(ap, fmt);
        vsnprintf(t, (size_t)n + 1, fmt, ap);
        va_end(ap);
        sb_term(&x->rate[state], sign, t);
    } else {
        fail(x, KETSIM_ENOMEM, "out of memory", NULL);
    }
    free(t);
}

/* The child formed from a parent flux, into its transit or central state. */
static void form_child(exporter *x, const model_compound *c, const model_link *l,
                       const char *parent_flux)
{
    const model_compound *child = &x->m->cmp[l->child];
    char cid[ID_LEN], pid[ID_LEN];
    make_id(cid, "%s_mw_g_per_mol", child->name);
    make_id(pid, "%s_mw_g_per_mol", c->name);
    long target = l->s_transit >= 0 ? l->s_transit : child->s_c;
    term(x, target, '+', "(%s) * %s / %s", parent_flux, cid, pid);
}

static void peripheral(exporter *x, const model_compound *c, long s, const char *q,
                       const char *v, const char *c1)
{
    char qid[ID_LEN], vid[ID_LEN];
    make_id(qid, "%s_%s", c->name, q);
    make_id(vid, "%s_%s", c->name, v);
    term(x, c->s_c, '-', "%s * (%s - %s / %s)", qid, c1, x->sid[s], vid);
    term(x, s, '+', "%s * (%s - %s / %s)", qid, c1, x->sid[s], vid);
}

/* Metabolite formation (direct or through a transit compartment). */
static void links(exporter *x, const model_compound *c, const char *elim, sbuf *left)
{
    char id[ID_LEN], id2[ID_LEN];
    sbuf t = {0};
    for (size_t k = 0; k < c->n_links; k++) {
        const model_link *l = &c->link[k];
        const char *child = x->m->cmp[l->child].name;
        make_id(id, "%s_to_%s_fraction", c->name, child);
        t.n = 0;
        sb_printf(&t, "%s * %s", id, elim);
        if (!t.oom)
            form_child(x, c, l, t.s);
        sb_printf(left, " - %s", id);
        if (l->s_transit >= 0) {
            make_id(id2, "%s_to_%s_mtt_h", c->name, child);
            term(x, l->s_transit, '-', "%s / %s", x->sid[l->s_transit], id2);
            term(x, x->m->cmp[l->child].s_c, '+', "%s / %s", x->sid[l->s_transit], id2);
        }
    }
    if (t.oom)
        fail(x, KETSIM_ENOMEM, "out of memory", NULL);
    free(t.s);
}

static void disposition(exporter *x, const model_compound *c)
{
    char v1[ID_LEN], cl[ID_LEN], mw[ID_LEN];
    make_id(v1, "%s_v1_l", c->name);
    make_id(cl, "%s_cl_l_per_h", c->name);
    make_id(mw, "%s_mw_g_per_mol", c->name);
    sbuf c1 = {0}, elim = {0}, left = {0};
    sb_printf(&c1, "(%s / %s)", x->sid[c->s_c], v1);
    sb_printf(&elim, "%s * %s", cl, c1.s);
    sb_printf(&left, "1");
    if (c1.oom || elim.oom) {
        fail(x, KETSIM_ENOMEM, "out of memory", NULL);
    } else {
        term(x, c->s_c, '-', "%s", elim.s);
        if (c->s_p2 >= 0)
            peripheral(x, c, c->s_p2, "q2_l_per_h", "v2_l", c1.s);
        if (c->s_p3 >= 0)
            peripheral(x, c, c->s_p3, "q3_l_per_h", "v3_l", c1.s);
        links(x, c, elim.s, &left);
        if (left.oom)
            fail(x, KETSIM_ENOMEM, "out of memory", NULL);
        else
            term(x, x->m->s_elim, '+', "(%s) * %s / %s * 1000", left.s, elim.s, mw);
    }
    if (!x->rc && c->s_brain >= 0) {
        char fu[ID_LEN], kpuu[ID_LEN], keo[ID_LEN];
        make_id(fu, "%s_fu_plasma", c->name);
        make_id(kpuu, "%s_kpuu_brain", c->name);
        make_id(keo, "%s_keo_brain_per_h", c->name);
        term(x, c->s_brain, '+', "%s * (%s * %s * (%s / %s * 1000) - %s)", keo, kpuu, fu, c1.s,
             mw, x->sid[c->s_brain]);
    }
    free(c1.s);
    free(elim.s);
    free(left.s);
}

/* Each dosed compound's own absorption parameters (a drug file may give a
 * compound its own route rows). */
static void route_params(exporter *x, const model_compound *c)
{
    const route_par *r = &c->route;
    char id[ID_LEN];
    for (int d = 0; d < N_DEPOTS; d++) {
        if (c->s_depot[d] < 0)
            continue;
        make_id(id, "%s_route_%s_ka_per_h", c->name, depot_ids[d]);
        add_param(x, id, r->ka[d], 1, NULL, NULL);
        make_id(id, "%s_route_%s_f", c->name, depot_ids[d]);
        add_param(x, id, r->f[d], 1, NULL, NULL);
        make_id(id, "%s_route_%s_first_pass_to_metabolite", c->name, depot_ids[d]);
        add_param(x, id, r->first_pass_met[d], 1, NULL, NULL);
    }
}

/* First-order absorption from each depot with first pass, as in pk.c. */
static void absorption(exporter *x, const model_compound *c)
{
    char ka[ID_LEN], f[ID_LEN], fpm[ID_LEN], mw[ID_LEN];
    make_id(mw, "%s_mw_g_per_mol", c->name);
    sbuf lost = {0}, t = {0};
    for (int d = 0; d < N_DEPOTS; d++) {
        long s = c->s_depot[d];
        if (s < 0)
            continue;
        const char *depot = x->sid[s];
        make_id(ka, "%s_route_%s_ka_per_h", c->name, depot_ids[d]);
        make_id(f, "%s_route_%s_f", c->name, depot_ids[d]);
        make_id(fpm, "%s_route_%s_first_pass_to_metabolite", c->name, depot_ids[d]);
        term(x, s, '-', "%s * %s", ka, depot);
        term(x, c->s_c, '+', "%s * %s * %s", f, ka, depot);
        lost.n = 0;
        sb_printf(&lost, "(1 - %s) * %s * %s", f, ka, depot);
        if (lost.oom)
            break;
        if (c->n_links > 0) {
            /* With a zero first-pass fraction these terms are zero, as in pk.c. */
            t.n = 0;
            sb_printf(&t, "%s * %s", fpm, lost.s);
            if (!t.oom)
                form_child(x, c, &c->link[0], t.s);
            term(x, x->m->s_elim, '+', "(1 - %s) * %s / %s * 1000", fpm, lost.s, mw);
        } else {
            term(x, x->m->s_elim, '+', "%s / %s * 1000", lost.s, mw);
        }
    }
    if (lost.oom || t.oom)
        fail(x, KETSIM_ENOMEM, "out of memory", NULL);
    free(lost.s);
    free(t.s);
}

/* Occupancy x / (1 + x), x = sum of free brain C / K over compounds with
 * that action (pk_brain_drive in pk.c). */
static void tool_occupancy(exporter *x, const char *name, const char *field, size_t off)
{
    sbuf sum = {0}, f = {0};
    char id[ID_LEN];
    for (size_t i = 0; i < x->m->n_compounds; i++) {
        const model_compound *c = &x->m->cmp[i];
        double k = *(const double *)((const char *)c + off);
        if (c->s_brain < 0 || !(k > 0))
            continue;
        make_id(id, "%s_%s", c->name, field);
        sb_printf(&sum, "%smax(%s, 0) / %s", sum.n ? " + " : "", x->sid[c->s_brain], id);
    }
    if (sum.n)
        sb_printf(&f, "(%s) / (1 + %s)", sum.s, sum.s);
    if (sum.oom || f.oom)
        fail(x, KETSIM_ENOMEM, "out of memory", NULL);
    add_assignment(x, name, "dimensionless", f.n ? f.s : "0");
    free(sum.s);
    free(f.s);
}

/* Brain drive: free brain concentration over Ki, and AMPA potentiation. */
static void brain_drive_rules(exporter *x)
{
    sbuf nmda = {0}, ampa = {0};
    char b[ID_LEN + 16], id[ID_LEN], id2[ID_LEN];
    for (size_t i = 0; i < x->m->n_compounds; i++) {
        const model_compound *c = &x->m->cmp[i];
        if (c->s_brain < 0)
            continue;
        snprintf(b, sizeof b, "max(%s, 0)", x->sid[c->s_brain]);
        make_id(id, "%s_nmda_ki_um", c->name);
        sb_printf(&nmda, "%s%s / %s", nmda.n ? " + " : "", b, id);
        if (c->emax > 0) {
            make_id(id, "%s_ampa_emax", c->name);
            make_id(id2, "%s_ampa_ec50_um", c->name);
            sb_printf(&ampa, "%s%s * %s / (%s + %s)", ampa.n ? " + " : "", id, b, id2, b);
        }
    }
    if (nmda.oom || ampa.oom)
        fail(x, KETSIM_ENOMEM, "out of memory", NULL);
    add_assignment(x, "nmda_drive", "dimensionless", nmda.n ? nmda.s : "0");
    add_assignment(x, "ampa_potentiation", "dimensionless", ampa.n ? ampa.s : "0");
    free(nmda.s);
    free(ampa.s);
    tool_occupancy(x, "drug_ampa_block", "ampa_block_ki_um", offsetof(model_compound, ampa_block_ki));
    tool_occupancy(x, "drug_mtor_inhibition", "mtor_inhibition_ic50_um", offsetof(model_compound, mtor_ic50));
    tool_occupancy(x, "drug_trkb_block", "trkb_block_ki_um", offsetof(model_compound, trkb_block_ki));
    tool_occupancy(x, "drug_nos_inhibition", "nos_inhibition_ic50_um", offsetof(model_compound, nos_ic50));
}

/* ---- the cascade, mirroring cascade.c ---- */


static void cascade_params(exporter *x)
{
    char id[ID_LEN];
    for (size_t i = 0; i < cascade_n_fields; i++) {
        double v = *(const double *)((const char *)&x->m->cp + cascade_fields[i].off);
        make_id(id, "%s", cascade_fields[i].key);
        add_param(x, id, v, 1, NULL, cascade_fields[i].key);
    }
}

/* Helper quantities of the cascade, used by several rate rules. */
static void cascade_helpers(exporter *x)
{
    add_assignment(x, "evoked_ampa_gate", "dimensionless",
                   "(1 - ampa_antagonist_occupancy) * (1 - drug_ampa_block)");
    add_assignment(x, "ampa_activation_rel", "dimensionless",
                   "(1 - ampa_antagonist_occupancy) + evoked_ampa_gate * (max(glutamate_release, 0)"
                   " * max(synaptic_protein, 0)^ampa_surface_exponent * (1 + ampa_potentiation) - 1)");
    add_assignment(x, "awake_glutamate_drive", "dimensionless",
                   "(1 - glu_pyramidal_nmda_dependence * nmda_block_pyramidal)"
                   " / ((1 - glu_inhibition_weight) + glu_inhibition_weight * max(interneuron_activity, 0))");

    add_assignment(x, "protein_synthesis", "dimensionless",
                   "((max(mtorc1, 0) + 0.001) / (max(mtorc1_reference, 0) + 0.001))^synprot_hill"
                   " * (synprot_km_mtor_rel^synprot_hill + 1) / (synprot_km_mtor_rel^synprot_hill"
                   " + ((max(mtorc1, 0) + 0.001) / (max(mtorc1_reference, 0) + 0.001))^synprot_hill)");
    add_assignment(x, "ltp_drive", "dimensionless",
                   "max(evoked_ampa_gate * (ltp_trkb_weight * (trkb - 1) + (1 - ltp_trkb_weight)"
                   " * (ampa_activation_rel - 1)) - ltp_induction_threshold, 0)");
}

/* Rate rule of each cascade state, in the order of the C_ enumeration. */
static const char *const cascade_rates[C_N] = {
    [C_BLOCK_INT] = "nmda_koff_per_h * (nmda_interneuron_selectivity * nmda_drive"
                    " * (1 - nmda_block_interneuron) - nmda_block_interneuron)",
    [C_BLOCK_PYR] = "nmda_koff_per_h * (nmda_drive * (1 - nmda_block_pyramidal) - nmda_block_pyramidal)",
    [C_INTN] = "intn_k_per_h * (1 - intn_nmda_dependence * nmda_block_interneuron - interneuron_activity)",
    [C_GLU] = "glu_k_per_h * (((1 - max(anaesthetic_state, 0)) * awake_glutamate_drive"
              " + max(anaesthetic_state, 0) * min(awake_glutamate_drive, glu_anaesthetic_floor_rel))"
              " / max(glutamate_feedback, 0)^glu_feedback_gain - glutamate_release)",
    [C_GLU_FB] = "glu_feedback_k_per_h * (glutamate_release - glutamate_feedback)",
    [C_PEEF2] = "eef2_k_per_h * (1 - eef2_nmda_dependence * nmda_block_pyramidal - peef2)",
    [C_BDNF] = "bdnf_k_per_h * (bdnf_release_scale * ((1 - bdnf_ampa_weight)"
               " * (1 + evoked_ampa_gate * bdnf_translation_gain * (1 - peef2))"
               " + bdnf_ampa_weight * ampa_activation_rel) - bdnf)",
    [C_PBDNF] = "plasma_bdnf_k_per_h * (bdnf - plasma_bdnf)",
    [C_TRKB] = "trkb_k_per_h * ((1 - trkb_block) * (1 - drug_trkb_block) * max(bdnf, 0) * (1 + trkb_km_rel)"
               " / (trkb_km_rel + max(bdnf, 0)) - trkb)",
    [C_SNO] = "sno_k_per_h * ((1 - nos_inhibition) * (1 - drug_nos_inhibition) * (1 - nmda_block_pyramidal)"
              " * max(glutamate_release, 0) - sno_gapdh)",
    [C_RHEB] = "rheb_k_per_h * (1 - (rheb_basal_degradation_fraction"
               " + (1 - rheb_basal_degradation_fraction) * sno_gapdh) * rheb)",
    [C_MTOR] = "mtor_k_per_h * ((1 - mtor_rapamycin_inhibition) * (1 - drug_mtor_inhibition) * (mtor_basal_fraction"
               " + (1 - mtor_basal_fraction) * max(mtor_trkb_weight * trkb + (1 - mtor_trkb_weight) * ampa_activation_rel, 0)"
               "^mtor_upstream_exponent * max(rheb, 0)^mtor_rheb_exponent) - mtorc1)",
    [C_SYNP] = "synprot_k_per_h * (protein_synthesis - synaptic_protein)",
    [C_SPINE] = "spine_maturation_k_per_h * nascent_spines"
                " + spine_elimination_k_per_h * (min(max(protein_synthesis, 0)^spine_synthesis_exponent - 1, 0)"
                " * spine_density - (spine_density - spine_setpoint_rel))",
    [C_SPINE_NASCENT] = "spine_formation_k_per_h * max(max(protein_synthesis, 0)^spine_synthesis_exponent - 1, 0)"
                        " * spine_setpoint_rel * (spine_max_rel - spine_density - nascent_spines)"
                        " / (spine_max_rel - spine_setpoint_rel) - spine_maturation_k_per_h * nascent_spines",
    [C_LTP_E] = "ltp_early_k_on_per_h * ltp_drive * (ltp_early_max - ltp_early)"
                " - ltp_early_k_off_per_h * (1 + ltp_early_synthesis_dependence * max(1 - protein_synthesis, 0))"
                " * ltp_early",
    [C_LTP_L] = "ltp_consolidation_k_per_h * max(ltp_early, 0) * protein_synthesis"
                " * (1 - ltp_late / ltp_late_max) - ltp_late_k_off_per_h * ltp_late",
    [C_GAD] = "gad_k_per_h * (protein_synthesis^gad_synthesis_exponent - gad)",
    [C_GABA] = "gaba_k_per_h * (max(interneuron_activity, 0)^gaba_activity_exponent * gad - tissue_gaba)",
    [C_GLN] = "gln_k_per_h * (glutamate_release - tissue_glutamine)",
    [C_TGLU] = "tissue_glu_k_per_h * (max(synaptic_protein, 0)^tissue_glu_protein_exponent"
               " * max(glutamate_release, 0)^tissue_glu_release_exponent - tissue_glutamate)",
    [C_X_CADSS] = "cadss_keo_per_h * (nmda_drive - cadss_effect_site)",
    [C_X_SBP] = "sbp_keo_per_h * (nmda_drive - sbp_effect_site)",
    [C_MTOR_REF] = "mtor_adaptation_k_per_h * (mtorc1 - mtorc1_reference)",
    [C_ANAES] = "glu_anaesthetic_offset_k_per_h * ((max(nmda_drive, 0) / glu_anaesthetic_x50)^glu_anaesthetic_hill"
                " * (1 - anaesthetic_state) - anaesthetic_state)",
};

/* ---- read-outs, mirroring readouts.c ---- */

/* Sum over the model's compounds in `group` (readouts.c) of plasma or brain level. */
static void compound_sum(exporter *x, sbuf *b, unsigned group, int brain)
{
    for (size_t i = 0; i < x->m->n_compounds; i++) {
        const model_compound *c = &x->m->cmp[i];
        if (!(c->out_groups & group) || (brain && c->s_brain < 0))
            continue;
        char v1[ID_LEN];
        make_id(v1, "%s_v1_l", c->name);
        if (brain)
            sb_printf(b, "%smax(%s, 0)", b->n ? " + " : "", x->sid[c->s_brain]);
        else
            sb_printf(b, "%smax(%s / %s * 1000, 0)", b->n ? " + " : "", x->sid[c->s_c], v1);
    }
    if (b->n == 0)
        sb_printf(b, "0");
}

/* Outputs that are formulas of cascade states (in dependency order). */
static const struct { const char *name, *formula; } derived[] = {
    {"interneuron_activity_rel", "interneuron_activity"},
    {"pfc_glutamate_rel", "glutamate_release"},
    {"peef2_rel", "peef2"},
    {"bdnf_rel", "bdnf"},
    {"plasma_bdnf_rel", "plasma_bdnf"},
    {"trkb_activation_rel", "trkb"},
    {"sno_gapdh_rel", "sno_gapdh"},
    {"rheb_rel", "rheb"},
    {"mtorc1_rel", "mtorc1"},
    {"synaptic_protein_rel", "synaptic_protein"},
    {"spine_density_rel", "spine_density"},
    {"nascent_spine_rel", "nascent_spines"},
    {"potentiation", "ltp_early + ltp_late"},
    {"synaptic_function_rel",
     "spine_density * (1 + mood_sensitivity * (ltp_early_mood_weight * ltp_early + ltp_late))"},
    {"hippocampal_gaba_rel", "tissue_gaba"},
    {"tissue_glutamate_rel", "tissue_glutamate"},
    {"tissue_glutamine_rel", "tissue_glutamine"},
    {"glu_gln_ratio_rel", "tissue_glutamate / tissue_glutamine"},
    {"gaba_glu_ratio_rel", "tissue_gaba / tissue_glutamate"},
    {"madrs", "min(patient_madrs_baseline * exp(-(synaptic_function_rel - spine_setpoint_rel)"
              " / max(1 - spine_setpoint_rel, 0.1)), 60)"},
    {"hamd", "hamd_per_madrs * madrs"},
    {"cadss", "cadss_max * max(cadss_effect_site, 0)^cadss_hill"
              " / (cadss_x50^cadss_hill + max(cadss_effect_site, 0)^cadss_hill)"},
    {"sbp_change_mmhg", "sbp_max_mmhg * max(sbp_effect_site, 0)^sbp_hill"
                        " / (sbp_x50^sbp_hill + max(sbp_effect_site, 0)^sbp_hill)"},
    {"dbp_change_mmhg", "dbp_max_mmhg * max(sbp_effect_site, 0)^dbp_hill"
                        " / (dbp_x50^dbp_hill + max(sbp_effect_site, 0)^dbp_hill)"},
    {"hr_change_bpm", "hr_max_bpm * max(sbp_effect_site, 0)^hr_hill"
                      " / (hr_x50^hr_hill + max(sbp_effect_site, 0)^hr_hill)"},
};

static const char *output_unit(const char *name)
{
    long k = ketsim_output_index(name);
    const ketsim_output_info *o = k >= 0 ? ketsim_output((size_t)k) : NULL;
    if (!o)
        return "dimensionless";
    if (strcmp(o->unit, "ng/mL") == 0)
        return "ng_per_ml";
    if (strcmp(o->unit, "uM") == 0)
        return "micromolar";
    return "dimensionless";
}

static void output_rules(exporter *x)
{
    const char *name;
    unsigned group;
    int brain;
    for (size_t i = 0; readouts_concentration_output(i, &name, &group, &brain); i++) {
        sbuf b = {0};
        compound_sum(x, &b, group, brain);
        if (b.oom)
            fail(x, KETSIM_ENOMEM, "out of memory", NULL);
        else
            add_assignment(x, name, output_unit(name), b.s);
        free(b.s);
    }
    for (size_t i = 0; i < sizeof derived / sizeof *derived; i++)
        add_assignment(x, derived[i].name, output_unit(derived[i].name), derived[i].formula);
}

/* ---- dosing: the simulator's own inputs (src/sim/dose_inputs.c) ---- */

static void set_math(exporter *x, int (*setter)(void *, const ASTNode_t *), void *obj,
                     const char *what, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void set_math(exporter *x, int (*setter)(void *, const ASTNode_t *), void *obj,
                     const char *what, const char *fmt, ...)
{
    char f[4 * ID_LEN + 64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f, sizeof f, fmt, ap);
    va_end(ap);
    ASTNode_t *ast = parse(x, f);
    if (ast && setter(obj, ast) != LIBSBML_OPERATION_SUCCESS)
        fail(x, KETSIM_EINTERNAL, "cannot set the math of", what);
    ASTNode_free(ast);
}

static int set_trigger(void *t, const ASTNode_t *a) { return Trigger_setMath(t, a); }
static int set_assignment(void *e, const ASTNode_t *a) { return EventAssignment_setMath(e, a); }

static void add_bolus_event(exporter *x, size_t k, const ketsim_input *in, const char *amount_id,
                            const char *start_id)
{
    char id[ID_LEN];
    make_id(id, "bolus_%zu", k);
    Event_t *e = Model_createEvent(x->sm);
    Event_setId(e, id);
    Event_setUseValuesFromTriggerTime(e, 1);
    Trigger_t *tr = Event_createTrigger(e);
    /* initialValue false: a bolus at time 0 fires at the start. */
    Trigger_setInitialValue(tr, 0);
    Trigger_setPersistent(tr, 1);
    set_math(x, set_trigger, tr, id, "time >= %s", start_id);
    EventAssignment_t *ea = Event_createEventAssignment(e);
    EventAssignment_setVariable(ea, x->sid[in->state]);
    set_math(x, set_assignment, ea, id, "%s + %s", x->sid[in->state], amount_id);
}

static void dosing(exporter *x, const dose_inputs *in)
{
    char amount[ID_LEN], start[ID_LEN], end[ID_LEN];
    for (size_t k = 0; k < in->n; k++) {
        const ketsim_input *p = &in->v[k];
        make_id(amount, "input_%zu_amount_mg", k + 1);
        make_id(start, "input_%zu_start_h", k + 1);
        add_param(x, amount, p->amount, 1, NULL, x->sid[p->state]);
        add_param(x, start, p->t0, 1, NULL, NULL);
        if (p->t1 > p->t0) {
            make_id(end, "input_%zu_end_h", k + 1);
            add_param(x, end, p->t1, 1, NULL, NULL);
            term(x, p->state, '+', "piecewise(%s / (%s - %s), time >= %s && time < %s, 0)",
                 amount, end, start, start, end);
        } else {
            add_bolus_event(x, k + 1, p, amount, start);
        }
    }
}

/* ---- document ---- */

static void escape_xml(sbuf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '&')
            sb_printf(b, "&amp;");
        else if (*s == '<')
            sb_printf(b, "&lt;");
        else if (*s == '>')
            sb_printf(b, "&gt;");
        else
            sb_printf(b, "%c", *s);
    }
}

static void model_notes(exporter *x, const ketsim_regimen *reg)
{
    const ketsim_model *m = x->m;
    sbuf b = {0};
    sb_printf(&b, "<body xmlns=\"http://www.w3.org/1999/xhtml\"><p>ketsim model: ");
    escape_xml(&b, ketsim_species_name(m->species));
    sb_printf(&b, ", %.10g kg; drugs:", m->weight_kg);
    for (size_t i = 0; i < m->n_drugs; i++) {
        sb_printf(&b, " ");
        escape_xml(&b, m->drugs[i].name);
    }
    sb_printf(&b, "; %zu doses.</p><p>Time is in hours. Every state is a non-constant parameter "
                  "with a rate rule; its initial value is the untreated steady state. Volumes and "
                  "clearances are already scaled to the subject's weight. Amounts are in mg, brain "
                  "concentrations in uM (free), the eliminated pool in umol, cascade states are "
                  "relative to the healthy baseline.</p></body>",
              ketsim_regimen_count(reg));
    if (b.oom || SBase_setNotesString((SBase_t *)x->sm, b.s) != LIBSBML_OPERATION_SUCCESS)
        fail(x, KETSIM_EINTERNAL, "cannot set the model notes", NULL);
    free(b.s);
}

static void states(exporter *x, const double *y0)
{
    const ketsim_model *m = x->m;
    for (size_t i = 0; i < m->n_states; i++) {
        make_id(x->sid[i], "%s", m->state_name[i]);
        add_param(x, x->sid[i], y0[i], 0, unit_of_state(m->state_unit[i]), m->state_name[i]);
    }
}

static void build(exporter *x, const ketsim_regimen *reg, const double *y0, const dose_inputs *in)
{
    const ketsim_model *m = x->m;
    Model_setId(x->sm, "ketsim");
    Model_setName(x->sm, "ketsim: ketamine PK, signalling cascade and mood");
    add_units(x);
    Model_setTimeUnits(x->sm, "hour");
    model_notes(x, reg);
    Compartment_t *comp = Model_createCompartment(x->sm);
    Compartment_setId(comp, "subject");
    Compartment_setConstant(comp, 1);
    Compartment_setSize(comp, 1.0);
    Compartment_setSpatialDimensions(comp, 3);
    Compartment_setUnits(comp, "litre");
    states(x, y0);
    for (size_t i = 0; i < m->n_compounds; i++) {
        compound_params(x, &m->cmp[i]);
        route_params(x, &m->cmp[i]);
    }
    cascade_params(x);
    for (size_t i = 0; i < m->n_compounds; i++) {
        disposition(x, &m->cmp[i]);
        absorption(x, &m->cmp[i]);
    }
    dosing(x, in);
    brain_drive_rules(x);
    cascade_helpers(x);
    output_rules(x);
    for (int k = 0; k < C_N; k++)
        sb_term(&x->rate[m->c0 + (size_t)k], '+', cascade_rates[k]);
    for (size_t i = 0; i < m->n_states && !x->rc; i++) {
        if (x->rate[i].oom)
            fail(x, KETSIM_ENOMEM, "out of memory", NULL);
        else
            add_rate_rule(x, x->sid[i], x->rate[i].n ? x->rate[i].s : "0");
    }
}

int ketsim_sbml_write(const ketsim_model *m, const ketsim_regimen *reg, FILE *fp,
                      ketsim_error *err)
{
    exporter x = {.m = m, .err = err};
    dose_inputs in = {0};
    double *y0 = calloc(m->n_states, sizeof *y0);
    x.sid = calloc(m->n_states, sizeof *x.sid);
    x.rate = calloc(m->n_states, sizeof *x.rate);
    if (!y0 || !x.sid || !x.rate)
        x.rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    if (!x.rc)
        x.rc = ketsim_model_steady_state(m, y0, err);
    if (!x.rc)
        x.rc = dose_inputs_build(m, reg, &in, err);
    if (!x.rc) {
        x.doc = SBMLDocument_createWithLevelAndVersion(3, 2);
        x.sm = x.doc ? SBMLDocument_createModel(x.doc) : NULL;
        if (!x.sm)
            x.rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    if (!x.rc)
        build(&x, reg, y0, &in);
    if (!x.rc) {
        char *text = writeSBMLToString(x.doc);
        if (!text)
            x.rc = KETSIM_FAIL(err, KETSIM_EINTERNAL, "SBML export: libsbml wrote no document");
        else if (fputs(text, fp) < 0)
            x.rc = KETSIM_FAIL(err, KETSIM_EIO, "cannot write the SBML document");
        free(text);
    }
    if (x.doc)
        SBMLDocument_free(x.doc);
    for (size_t i = 0; x.rate && i < m->n_states; i++)
        free(x.rate[i].s);
    free(x.rate);
    free(x.sid);
    free(y0);
    free(in.v);
    return x.rc;
}

#endif
