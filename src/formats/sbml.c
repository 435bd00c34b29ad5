/* SBML Level 3 (Version 2, or Version 1) export of a model and a regimen.
 *
 * The right-hand side is rebuilt here as formula text, term by term in the
 * order pk.c and cascade.c compute it, and parsed into MathML by libsbml.
 * States are non-constant parameters with rate rules (exact for an ODE
 * system whose states carry mixed units: mg, uM, umol and relative levels).
 * Doses enter as in src/sim/simulate.c: infusions are piecewise rates in the
 * target state's rate rule, boluses are events.  Drug amounts, brain
 * concentrations and the cascade's molecular states are species (rate rules
 * on species, no reactions) so that SBO terms and ChEBI or UniProt
 * references from the annotation table can say what they are.  Level 3
 * Version 1 has no min and max in MathML: they are rewritten as piecewise. */
#include "ketsim/sbml.h"

#ifndef KETSIM_HAVE_SBML

int ketsim_sbml_available(void) { return 0; }

int ketsim_sbml_write(const ketsim_model *m, const ketsim_regimen *reg,
                      const ketsim_sbml_options *opt, FILE *fp, ketsim_error *err)
{
    (void)m, (void)reg, (void)opt, (void)fp;
    return KETSIM_FAIL(err, KETSIM_EIO, "SBML export is not available: this build has no libsbml");
}

#else

#include "model/model_impl.h"
#include "model/dosing.h"
#include "sbml_annot.h"

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
    const ketsim_params *p;  /* the table the model was built from: notes, reference values */
    const annot_table *annot;
    const char *organism;    /* species name: which annotation rows apply */
    int version;             /* SBML Level 3 version: 1 or 2 */
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

/* a >= b (max) or a <= b (min) as a new tree. */
static ASTNode_t *compare(ASTNodeType_t op, const ASTNode_t *a, const ASTNode_t *b)
{
    ASTNode_t *c = ASTNode_createWithType(op);
    ASTNode_addChild(c, ASTNode_deepCopy(a));
    ASTNode_addChild(c, ASTNode_deepCopy(b));
    return c;
}

/* max(a, b, ...) or min(a, b, ...) folded into nested piecewise(a, a >= b, b):
 * the same value, in MathML that Level 3 Version 1 has. */
static ASTNode_t *minmax_piecewise(const ASTNode_t *n)
{
    ASTNodeType_t op = ASTNode_getType(n) == AST_FUNCTION_MAX ? AST_RELATIONAL_GEQ : AST_RELATIONAL_LEQ;
    ASTNode_t *acc = ASTNode_deepCopy(ASTNode_getChild(n, 0));
    for (unsigned i = 1; i < ASTNode_getNumChildren(n); i++) {
        const ASTNode_t *b = ASTNode_getChild(n, i);
        ASTNode_t *pw = ASTNode_createWithType(AST_FUNCTION_PIECEWISE);
        ASTNode_addChild(pw, ASTNode_deepCopy(acc));
        ASTNode_addChild(pw, compare(op, acc, b));
        ASTNode_addChild(pw, ASTNode_deepCopy(b));
        ASTNode_free(acc);
        acc = pw;
    }
    return acc;
}

/* Rewrite every min and max below (and at) n; returns the new root. */
static ASTNode_t *lower_minmax(ASTNode_t *n)
{
    for (unsigned i = 0; i < ASTNode_getNumChildren(n); i++) {
        ASTNode_t *c = ASTNode_getChild(n, i);
        ASTNode_t *lc = lower_minmax(c);
        if (lc != c)
            ASTNode_replaceAndDeleteChild(n, i, lc);
    }
    ASTNodeType_t t = ASTNode_getType(n);
    if ((t != AST_FUNCTION_MAX && t != AST_FUNCTION_MIN) || ASTNode_getNumChildren(n) == 0)
        return n;
    return minmax_piecewise(n); /* the caller frees or replaces n */
}

static ASTNode_t *parse(exporter *x, const char *formula)
{
    ASTNode_t *ast = SBML_parseL3Formula(formula);
    if (!ast) {
        char *msg = SBML_getLastParseL3Error();
        fail(x, KETSIM_EINTERNAL, "cannot parse a generated formula", msg);
        free(msg);
        return NULL;
    }
    if (x->version == 1) {
        ASTNode_t *low = lower_minmax(ast);
        if (low != ast)
            ASTNode_free(ast);
        ast = low;
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
    const unit_part mg_per_kg[] = {{UNIT_KIND_GRAM, 1, -3, 1}, {UNIT_KIND_KILOGRAM, -1, 0, 1}};
    const unit_part um_per_mg[] = {{UNIT_KIND_MOLE, 1, -6, 1}, {UNIT_KIND_LITRE, -1, 0, 1},
                                   {UNIT_KIND_GRAM, -1, -3, 1}};
    add_unit(x, "hour", hour, 1);
    add_unit(x, "per_hour", per_hour, 1);
    add_unit(x, "litre_per_hour", l_per_h, 2);
    add_unit(x, "milligram", mg, 1);
    add_unit(x, "micromole", umol, 1);
    add_unit(x, "micromolar", um, 2);
    add_unit(x, "gram_per_mole", g_per_mol, 2);
    add_unit(x, "ng_per_ml", ng_per_ml, 2);
    add_unit(x, "mg_per_kg", mg_per_kg, 2);
    add_unit(x, "micromolar_per_milligram", um_per_mg, 3);
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
        {"_ng_per_ml", "ng_per_ml"}, {"_mg_per_kg", "mg_per_kg"}, {"_um_per_mg", "micromolar_per_milligram"},
        {"_mg", "milligram"}, {"_um", "micromolar"}, {"_kg", "kilogram"}, {"_l", "litre"}, {"_h", "hour"},
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

/* ---- notes and annotations ---- */

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

/* XHTML notes: one paragraph per non-NULL argument (already text, escaped here). */
static void set_notes(exporter *x, SBase_t *sb, const char *p1, const char *p2, const char *p3)
{
    const char *para[3] = {p1, p2, p3};
    sbuf b = {0};
    sb_printf(&b, "<body xmlns=\"http://www.w3.org/1999/xhtml\">");
    for (int i = 0; i < 3; i++)
        if (para[i] && para[i][0]) {
            sb_printf(&b, "<p>");
            escape_xml(&b, para[i]);
            sb_printf(&b, "</p>");
        }
    sb_printf(&b, "</body>");
    if (b.oom || SBase_setNotesString(sb, b.s) != LIBSBML_OPERATION_SUCCESS)
        fail(x, KETSIM_EINTERNAL, "cannot set the notes of an element", NULL);
    free(b.s);
}

/* Notes from the parameter table's row `row`: its unit, kind, source and
 * meaning; `how` (may be NULL) says how the SBML value relates to it. */
static void row_notes(exporter *x, SBase_t *sb, const char *row, const char *how)
{
    size_t i;
    ketsim_param_info info;
    if (ketsim_params_find(x->p, row, &i, NULL) != KETSIM_OK || ketsim_params_info(x->p, i, &info) != KETSIM_OK) {
        fail(x, KETSIM_EINTERNAL, "no parameter-table row", row);
        return;
    }
    sbuf a = {0}, b = {0};
    sb_printf(&a, "Parameter-table row %s = %.10g %s; kind: %s%s.", row, info.value,
              info.unit[0] ? info.unit : "1", ketsim_param_kind_name(info.kind),
              info.overridden ? " (overridden)" : "");
    sb_printf(&b, "Source: %s.  Meaning: %s.", info.source, info.description);
    if (a.oom || b.oom)
        fail(x, KETSIM_ENOMEM, "out of memory", NULL);
    else
        set_notes(x, sb, a.s, b.s, how);
    free(a.s);
    free(b.s);
}

/* SBO term and MIRIAM references of the table rows that apply to the
 * element; the metaid the RDF refers to is set when there is any. */
static void annotate(exporter *x, SBase_t *sb, const char *id, annot_kind kind, const char *name)
{
    int sbo = annot_sbo(x->annot, kind, name, x->organism);
    if (sbo >= 0 && SBase_setSBOTerm(sb, sbo) != LIBSBML_OPERATION_SUCCESS)
        fail(x, KETSIM_EINTERNAL, "cannot set the SBO term of", name);
    int has_meta = 0;
    for (size_t i = 0; x->annot && i < x->annot->n && !x->rc; i++) {
        const annot_row *r = &x->annot->rows[i];
        if (r->sbo >= 0 || !annot_matches(r, kind, name, x->organism))
            continue;
        if (!has_meta) {
            char meta[ID_LEN + 8];
            snprintf(meta, sizeof meta, "meta_%s", id);
            SBase_setMetaId(sb, meta);
            has_meta = 1;
        }
        CVTerm_t *cv = CVTerm_createWithQualifierType(BIOLOGICAL_QUALIFIER);
        if (!cv || CVTerm_setBiologicalQualifierTypeByString(cv, r->qualifier) != LIBSBML_OPERATION_SUCCESS ||
            CVTerm_addResource(cv, r->uri) != LIBSBML_OPERATION_SUCCESS ||
            SBase_addCVTerm(sb, cv) != LIBSBML_OPERATION_SUCCESS)
            fail(x, KETSIM_EINTERNAL, "cannot annotate", name);
        CVTerm_free(cv);
    }
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
    annotate(x, (SBase_t *)p, id, ANNOT_PARAMETER, id);
    return p;
}

/* A constant parameter from table row `row`, with the row's notes. */
static Parameter_t *add_row_param(exporter *x, const char *id, double value, const char *row,
                                  const char *how)
{
    Parameter_t *p = add_param(x, id, value, 1, NULL, row);
    if (p && !x->rc)
        row_notes(x, (SBase_t *)p, row, how);
    return p;
}

/* A constant parameter whose value is also given by an initial assignment
 * (so that a tool recomputes it when what it depends on changes). */
static Parameter_t *add_derived(exporter *x, const char *id, double value, const char *formula,
                                const char *note)
{
    Parameter_t *p = add_param(x, id, value, 1, NULL, NULL);
    if (x->rc)
        return p;
    set_notes(x, (SBase_t *)p, note, NULL, NULL);
    ASTNode_t *ast = parse(x, formula);
    if (!ast)
        return p;
    InitialAssignment_t *ia = Model_createInitialAssignment(x->sm);
    if (!ia || InitialAssignment_setSymbol(ia, id) != LIBSBML_OPERATION_SUCCESS ||
        InitialAssignment_setMath(ia, ast) != LIBSBML_OPERATION_SUCCESS)
        fail(x, KETSIM_EINTERNAL, "cannot set the initial assignment of", id);
    ASTNode_free(ast);
    return p;
}

static void output_notes(exporter *x, Parameter_t *p, const char *id)
{
    long k = ketsim_output_index(id);
    const ketsim_output_info *o = k >= 0 ? ketsim_output((size_t)k) : NULL;
    char note[512];
    if (o)
        snprintf(note, sizeof note, "Output %s of ketsim simulate (unit %s): %s.", o->name,
                 o->unit[0] ? o->unit : "1", o->description);
    else
        snprintf(note, sizeof note, "Helper quantity of the equations (assignment rule; docs/sbml.md).");
    set_notes(x, (SBase_t *)p, note, NULL, NULL);
}

static void add_assignment(exporter *x, const char *id, const char *units, const char *formula)
{
    if (x->rc)
        return;
    output_notes(x, add_param(x, id, 0.0, 0, units, NULL), id);
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
/* The parameter-table prefix of each depot's rows (routes.c). */
static const char *const depot_rows[N_DEPOTS] = {"route.in", "route.po", "route.im", "route.sc", "route.ip"};

/* Volumes and clearances: the table's value at the species' reference
 * weight, and the subject's value computed from it and body_weight_kg by
 * the scaling of pk.c. */
static void scaled_param(exporter *x, const model_compound *c, const char *field, double value,
                         const char *exponent)
{
    char id[ID_LEN], ref[ID_LEN], row[ID_LEN], f[4 * ID_LEN], note[6 * ID_LEN];
    make_id(id, "%s_%s", c->name, field);
    make_id(ref, "%s_ref_%s", c->name, field);
    snprintf(row, sizeof row, "%s.%s", c->name, field);
    add_row_param(x, ref, ketsim_params_value(x->p, row), row,
                  "The value at species_ref_weight_kg; the model uses the scaled parameter without ref_.");
    snprintf(f, sizeof f, "%s * (body_weight_kg / species_ref_weight_kg)^%s", ref, exponent);
    snprintf(note, sizeof note, "%s scaled to body_weight_kg: %s (initial assignment).", ref, f);
    add_derived(x, id, value, f, note);
}

static void compound_params(exporter *x, const model_compound *c)
{
    const struct { const char *field; double v; int used; } f[] = {
        {"mw_g_per_mol", c->mw, 1},
        {"fu_plasma", c->fu, c->s_brain >= 0},
        {"kpuu_brain", c->kpuu, c->s_brain >= 0}, {"keo_brain_per_h", c->keo, c->s_brain >= 0},
        {"nmda_ki_um", c->ki, c->s_brain >= 0},   {"ampa_emax", c->emax, c->s_brain >= 0 && c->emax > 0},
        {"ampa_ec50_um", c->ec50, c->s_brain >= 0 && c->emax > 0},
        {"ampa_block_ki_um", c->ampa_block_ki, c->s_brain >= 0 && c->ampa_block_ki > 0},
        {"mtor_inhibition_ic50_um", c->mtor_ic50, c->s_brain >= 0 && c->mtor_ic50 > 0},
        {"trkb_block_ki_um", c->trkb_block_ki, c->s_brain >= 0 && c->trkb_block_ki > 0},
        {"nos_inhibition_ic50_um", c->nos_ic50, c->s_brain >= 0 && c->nos_ic50 > 0},
    };
    scaled_param(x, c, "v1_l", c->v1, "allometric_volume_exponent");
    if (c->s_p2 >= 0) {
        scaled_param(x, c, "v2_l", c->v2, "allometric_volume_exponent");
        scaled_param(x, c, "q2_l_per_h", c->q2, "allometric_clearance_exponent");
    }
    if (c->s_p3 >= 0) {
        scaled_param(x, c, "v3_l", c->v3, "allometric_volume_exponent");
        scaled_param(x, c, "q3_l_per_h", c->q3, "allometric_clearance_exponent");
    }
    scaled_param(x, c, "cl_l_per_h", c->cl, "allometric_clearance_exponent");
    char id[ID_LEN], row[ID_LEN];
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        if (f[i].used) {
            make_id(id, "%s_%s", c->name, f[i].field);
            snprintf(row, sizeof row, "%s.%s", c->name, f[i].field);
            add_row_param(x, id, f[i].v, row, NULL);
        }
    for (size_t k = 0; k < c->n_links; k++) {
        const model_link *l = &c->link[k];
        const char *child = x->m->cmp[l->child].name;
        make_id(id, "%s_to_%s_fraction", c->name, child);
        snprintf(row, sizeof row, "%s.to_%s.fraction", c->name, child);
        add_row_param(x, id, l->fraction, row, NULL);
        if (l->s_transit >= 0) {
            make_id(id, "%s_to_%s_mtt_h", c->name, child);
            snprintf(row, sizeof row, "%s.to_%s.mtt_h", c->name, child);
            add_row_param(x, id, l->mtt_h, row, NULL);
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
static void route_param(exporter *x, const model_compound *c, int d, const char *field, double v)
{
    char id[ID_LEN], own[ID_LEN], row[ID_LEN];
    make_id(id, "%s_route_%s_%s", c->name, depot_ids[d], field);
    /* The row routes.c reads: the compound's own, else the route's. */
    snprintf(own, sizeof own, "%s.%s.%s", c->name, depot_rows[d], field);
    snprintf(row, sizeof row, "%s.%s", depot_rows[d], field);
    if (ketsim_params_has(x->p, own))
        add_row_param(x, id, v, own, NULL);
    else if (ketsim_params_has(x->p, row))
        add_row_param(x, id, v, row, NULL);
    else /* the nasal depot: its share is split off when the dose is given */
        set_notes(x, (SBase_t *)add_param(x, id, v, 1, NULL, NULL),
                  "Fixed by the model (src/model/routes.c): this depot has no parameter-table row for"
                  " it, so its bioavailability is 1 or its first pass forms no metabolite; the nasal"
                  " share of a dose is set by route.in.f_nasal when the dose is given.", NULL, NULL);
}

static void route_params(exporter *x, const model_compound *c)
{
    const route_par *r = &c->route;
    for (int d = 0; d < N_DEPOTS && !x->rc; d++) {
        if (c->s_depot[d] < 0)
            continue;
        route_param(x, c, d, "ka_per_h", r->ka[d]);
        route_param(x, c, d, "f", r->f[d]);
        route_param(x, c, d, "first_pass_to_metabolite", r->first_pass_met[d]);
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
        add_row_param(x, id, v, cascade_fields[i].key, NULL);
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

/* The regimen's dose j (1-based) as parameters: its amount (mg, or mg/kg
 * and the mg at body_weight_kg), time and duration. */
static void dose_params(exporter *x, size_t j, const ketsim_dose *d, double mg)
{
    char id[ID_LEN], f[2 * ID_LEN], note[4 * ID_LEN];
    make_id(id, "dose_%zu_mg", j);
    if (d->per_kg) {
        char per_kg[ID_LEN];
        make_id(per_kg, "dose_%zu_mg_per_kg", j);
        snprintf(note, sizeof note, "Dose %zu of the regimen (%s, %s): amount per kg of body weight.", j,
                 d->drug[0] ? d->drug : "main drug", ketsim_route_name(d->route));
        set_notes(x, (SBase_t *)add_param(x, per_kg, d->amount, 1, NULL, NULL), note, NULL, NULL);
        snprintf(f, sizeof f, "%s * body_weight_kg", per_kg);
        snprintf(note, sizeof note, "Dose %zu in mg: %s (initial assignment).", j, f);
        add_derived(x, id, mg, f, note);
    } else {
        snprintf(note, sizeof note, "Dose %zu of the regimen (%s, %s): amount.", j,
                 d->drug[0] ? d->drug : "main drug", ketsim_route_name(d->route));
        set_notes(x, (SBase_t *)add_param(x, id, mg, 1, NULL, NULL), note, NULL, NULL);
    }
    make_id(id, "dose_%zu_time_h", j);
    set_notes(x, (SBase_t *)add_param(x, id, d->time_h, 1, NULL, NULL), "Time of the dose.", NULL, NULL);
    make_id(id, "dose_%zu_duration_h", j);
    set_notes(x, (SBase_t *)add_param(x, id, d->duration_h, 1, NULL, NULL),
              "Duration of the dose (0: a bolus).", NULL, NULL);
}

/* Input k (1-based) of dose j: a share of the dose into one state, from the
 * dose's time plus a lag.  Amount, start and end are initial assignments of
 * the dose's parameters, so changing a dose in an SBML tool changes them. */
static void input_params(exporter *x, size_t k, size_t j, const ketsim_input *in, const ketsim_dose *d,
                         double mg, const char *amount, const char *start, const char *end)
{
    char id[ID_LEN], f[4 * ID_LEN], note[6 * ID_LEN];
    int conc = strcmp(x->m->state_unit[in->state], "uM") == 0;
    make_id(id, conc ? "input_%zu_um_per_mg" : "input_%zu_fraction", k);
    snprintf(note, sizeof note, "Share of dose %zu that input %zu delivers into %s (drug component and"
             " route split%s).", j, k, x->sid[in->state], conc ? ", diluted into the brain volume" : "");
    set_notes(x, (SBase_t *)add_param(x, id, mg > 0 ? in->amount / mg : 0.0, 1, NULL, NULL), note, NULL, NULL);
    snprintf(f, sizeof f, "%s * dose_%zu_mg", id, j);
    snprintf(note, sizeof note, "Amount of input %zu into %s: %s.", k, x->sid[in->state], f);
    add_derived(x, amount, in->amount, f, note);
    make_id(id, "input_%zu_lag_h", k);
    set_notes(x, (SBase_t *)add_param(x, id, in->t0 - d->time_h, 1, NULL, NULL),
              "Lag of the input after its dose (route lag, or the swallowed part of an intranasal dose).",
              NULL, NULL);
    snprintf(f, sizeof f, "dose_%zu_time_h + %s", j, id);
    snprintf(note, sizeof note, "Start of input %zu: %s.", k, f);
    add_derived(x, start, in->t0, f, note);
    if (end) {
        snprintf(f, sizeof f, "%s + dose_%zu_duration_h", start, j);
        snprintf(note, sizeof note, "End of input %zu: %s.", k, f);
        add_derived(x, end, in->t1, f, note);
    }
}

static void dosing(exporter *x, const ketsim_regimen *reg, dose_inputs *in)
{
    char amount[ID_LEN], start[ID_LEN], end[ID_LEN];
    size_t k = 0;
    for (size_t j = 0; j < ketsim_regimen_count(reg) && !x->rc; j++) {
        const ketsim_dose *d = ketsim_regimen_dose(reg, j);
        double mg = dose_inputs_mg(x->m, d);
        dose_params(x, j + 1, d, mg);
        int rc = dose_inputs_add(x->m, d, j, in, x->err);
        if (rc) {
            x->rc = rc;
            return;
        }
        for (; k < in->n && !x->rc; k++) {
            const ketsim_input *p = &in->v[k];
            int conc = strcmp(x->m->state_unit[p->state], "uM") == 0;
            make_id(amount, conc ? "input_%zu_amount_um" : "input_%zu_amount_mg", k + 1);
            make_id(start, "input_%zu_start_h", k + 1);
            make_id(end, "input_%zu_end_h", k + 1);
            int infusion = p->t1 > p->t0;
            input_params(x, k + 1, j + 1, p, d, mg, amount, start, infusion ? end : NULL);
            if (infusion)
                term(x, p->state, '+', "piecewise(%s / (%s - %s), time >= %s && time < %s, 0)",
                     amount, end, start, start, end);
            else
                add_bolus_event(x, k + 1, p, amount, start);
        }
    }
}

/* ---- document ---- */

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
    sb_printf(&b, "; %zu doses.</p><p>Time is in hours. Every state (a species or a non-constant "
                  "parameter) has a rate rule; its initial value is the untreated steady state. "
                  "Volumes, clearances and mg/kg doses are initial assignments of body_weight_kg; "
                  "input amounts and times are initial assignments of the dose parameters. Amounts "
                  "are in mg, brain concentrations in uM (free), the eliminated pool in umol, cascade "
                  "states are relative to the healthy baseline. See docs/sbml.md of ketsim.</p></body>",
              ketsim_regimen_count(reg));
    if (b.oom || SBase_setNotesString((SBase_t *)x->sm, b.s) != LIBSBML_OPERATION_SUCCESS)
        fail(x, KETSIM_EINTERNAL, "cannot set the model notes", NULL);
    free(b.s);
}

/* The compound whose mass or concentration state i holds (a transit state
 * holds the metabolite on its way), or -1; *brain set for brain states. */
static long state_compound(const ketsim_model *m, size_t i, int *brain)
{
    *brain = 0;
    for (size_t k = 0; k < m->n_compounds; k++) {
        const model_compound *c = &m->cmp[k];
        if ((long)i == c->s_brain)
            return *brain = 1, (long)k;
        if ((long)i == c->s_c || (long)i == c->s_p2 || (long)i == c->s_p3)
            return (long)k;
        for (int d = 0; d < N_DEPOTS; d++)
            if ((long)i == c->s_depot[d])
                return (long)k;
        for (size_t l = 0; l < c->n_links; l++)
            if ((long)i == c->link[l].s_transit)
                return (long)c->link[l].child;
    }
    return -1;
}

static Species_t *new_species(exporter *x, const char *id, const char *compartment, const char *units,
                              int amount_only, double y0)
{
    Species_t *sp = Model_createSpecies(x->sm);
    if (!sp || Species_setId(sp, id) != LIBSBML_OPERATION_SUCCESS) {
        fail(x, KETSIM_EINTERNAL, "invalid species id", id);
        return sp;
    }
    Species_setName(sp, id);
    Species_setCompartment(sp, compartment);
    Species_setSubstanceUnits(sp, units);
    Species_setHasOnlySubstanceUnits(sp, amount_only);
    Species_setBoundaryCondition(sp, 0);
    Species_setConstant(sp, 0);
    if (amount_only)
        Species_setInitialAmount(sp, y0);
    else
        Species_setInitialConcentration(sp, y0);
    return sp;
}

/* Drug amounts (mg, in the subject) and free brain concentrations (uM: an
 * amount in umol per litre of the brain compartment) are species of their
 * compound; a cascade state is a species when the annotation table gives it
 * an SBO term (a molecule it is the relative level of); every other state
 * is a non-constant parameter. */
static void states(exporter *x, const double *y0)
{
    const ketsim_model *m = x->m;
    for (size_t i = 0; i < m->n_states && !x->rc; i++) {
        const char *id = m->state_name[i];
        int brain;
        long k = state_compound(m, i, &brain);
        make_id(x->sid[i], "%s", id);
        if (k >= 0) {
            Species_t *sp = new_species(x, x->sid[i], brain ? "brain" : "subject",
                                        brain ? "micromole" : "milligram", !brain, y0[i]);
            annotate(x, (SBase_t *)sp, x->sid[i], ANNOT_COMPOUND, m->cmp[k].name);
        } else if (i >= m->c0 && annot_sbo(x->annot, ANNOT_STATE, id, x->organism) >= 0) {
            Species_t *sp = new_species(x, x->sid[i], strncmp(id, "plasma_", 7) == 0 ? "subject" : "brain",
                                        "dimensionless", 1, y0[i]);
            annotate(x, (SBase_t *)sp, x->sid[i], ANNOT_STATE, id);
            set_notes(x, (SBase_t *)sp, "Model state: level relative to the healthy untreated baseline"
                      " (docs/model.md); initial value: the untreated steady state.", NULL, NULL);
        } else {
            Parameter_t *p = add_param(x, x->sid[i], y0[i], 0, unit_of_state(m->state_unit[i]), id);
            char note[256];
            snprintf(note, sizeof note, "Model state (unit %s; docs/model.md); initial value: the untreated"
                     " steady state.", m->state_unit[i]);
            set_notes(x, (SBase_t *)p, note, NULL, NULL);
        }
    }
}

/* Body weight and what the weight scaling of volumes and clearances reads. */
static void weight_params(exporter *x)
{
    Parameter_t *w = add_param(x, "body_weight_kg", x->m->weight_kg, 1, NULL, NULL);
    set_notes(x, (SBase_t *)w, "The subject's body weight.  Volumes and clearances (initial assignments)"
              " and mg/kg doses are computed from it: change it to simulate another weight.", NULL, NULL);
    add_row_param(x, "species_ref_weight_kg", ketsim_params_value(x->p, "species.ref_weight_kg"),
                  "species.ref_weight_kg", NULL);
    set_notes(x, (SBase_t *)add_param(x, "allometric_volume_exponent", PK_VOLUME_EXPONENT, 1, NULL, NULL),
              "Fixed by the model (src/model/pk.c): volumes scale with weight to this power.", NULL, NULL);
    set_notes(x, (SBase_t *)add_param(x, "allometric_clearance_exponent", PK_CLEARANCE_EXPONENT, 1, NULL, NULL),
              "Fixed by the model (src/model/pk.c): clearances scale with weight to this power.", NULL, NULL);
}

static void add_compartment(exporter *x, const char *id, double size, const char *note)
{
    Compartment_t *comp = Model_createCompartment(x->sm);
    Compartment_setId(comp, id);
    Compartment_setConstant(comp, 1);
    Compartment_setSize(comp, size);
    Compartment_setSpatialDimensions(comp, 3);
    Compartment_setUnits(comp, "litre");
    annotate(x, (SBase_t *)comp, id, ANNOT_COMPARTMENT, id);
    set_notes(x, (SBase_t *)comp, note, NULL, NULL);
}

/* The model's own annotation: the organism it describes. */
static void model_annotation(exporter *x)
{
    annotate(x, (SBase_t *)x->sm, "ketsim", ANNOT_MODEL, x->organism);
}

static void build(exporter *x, const ketsim_regimen *reg, const double *y0, dose_inputs *in)
{
    const ketsim_model *m = x->m;
    Model_setId(x->sm, "ketsim");
    Model_setName(x->sm, "ketsim: ketamine PK, signalling cascade and mood");
    add_units(x);
    Model_setTimeUnits(x->sm, "hour");
    model_notes(x, reg);
    model_annotation(x);
    add_compartment(x, "subject", 1.0, "The whole subject, nominal size 1 L: its species are amounts"
                    " (hasOnlySubstanceUnits), so the size never enters the equations.");
    add_compartment(x, "brain", ketsim_params_value(x->p, "species.brain_volume_l"),
                    "The brain (size: parameter-table row species.brain_volume_l).  Free brain"
                    " concentrations are its species; the cascade's relative levels are amounts.");
    weight_params(x);
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
    dosing(x, reg, in);
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

static int check_options(const ketsim_sbml_options *opt, ketsim_error *err)
{
    if (!opt || !opt->params)
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "SBML export: no parameter table");
    if (!(opt->level == 0 && opt->version == 0) && !(opt->level == 3 && (opt->version == 1 || opt->version == 2)))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "SBML export: level %d version %d is not supported"
                           " (3.1 or 3.2)", opt->level, opt->version);
    return KETSIM_OK;
}

int ketsim_sbml_write(const ketsim_model *m, const ketsim_regimen *reg,
                      const ketsim_sbml_options *opt, FILE *fp, ketsim_error *err)
{
    int rc = check_options(opt, err);
    if (rc)
        return rc;
    annot_table annot = {0};
    if (opt->annotations && (rc = annot_read(opt->annotations, &annot, err)) != KETSIM_OK)
        return rc;
    exporter x = {.m = m, .p = opt->params, .annot = opt->annotations ? &annot : NULL,
                  .organism = ketsim_species_name(m->species), .version = opt->version ? opt->version : 2,
                  .err = err};
    dose_inputs in = {0};
    double *y0 = calloc(m->n_states, sizeof *y0);
    x.sid = calloc(m->n_states, sizeof *x.sid);
    x.rate = calloc(m->n_states, sizeof *x.rate);
    if (!y0 || !x.sid || !x.rate)
        x.rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    if (!x.rc)
        x.rc = ketsim_model_steady_state(m, y0, err);
    if (!x.rc) {
        x.doc = SBMLDocument_createWithLevelAndVersion(3, (unsigned)x.version);
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
    annot_free(&annot);
    return x.rc;
}

#endif
