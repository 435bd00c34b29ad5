/* Running a lab protocol: one simulation per animal, assays on its
 * trajectory, measurement noise, then statistics per read-out. */
#include "ketsim/catalog.h"
#include "ketsim/model.h"
#include "ketsim/regimen.h"
#include "ketsim/simulate.h"
#include "ketsim/subject.h"
#include "ketsim/lab.h"
#include "ketsim/rng.h"
#include "ketsim/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GRID_STEP_H (5.0 / 60)

/* lab.* constants, read once. */
typedef struct lab_consts {
    double pk_omega, resp_omega;
    double wb_cv, s6k_gain, s6k_lag, ebp_gain, ebp_lag, psd_gain, glua_gain, syn_gain;
    double spine_per_10um, spine_cv, dia_cv, frac_h, mrs_cv, pb_cv;
    double fst_base, fst_gain, fst_sd, spt_base, spt_exp, spt_sd;
} lab_consts;

struct ketsim_lab_result {
    const ketsim_lab_protocol *p;
    ketsim_lab_protocol proto;
    long seed;
    /* value[(r * n_groups + g) * max_n + i] */
    double *value;
    int max_n;
    ketsim_lab_cell *cell;   /* [r * n_groups + g] */
    double *anova_p;  /* [r] */
    double *con_diff, *con_p; /* [r * n_contrasts + c] */
};

static void read_consts(const ketsim_params *p, lab_consts *c)
{
#define P(n) ketsim_params_value(p, n)
    c->pk_omega = P("lab.iiv.pk_omega"), c->resp_omega = P("lab.iiv.response_omega");
    c->wb_cv = P("lab.western.cv");
    c->s6k_gain = P("lab.western.p70s6k_gain"), c->s6k_lag = P("lab.western.p70s6k_lag_h");
    c->ebp_gain = P("lab.western.4ebp1_gain"), c->ebp_lag = P("lab.western.4ebp1_lag_h");
    c->psd_gain = P("lab.western.psd95_gain"), c->glua_gain = P("lab.western.glua1_gain");
    c->syn_gain = P("lab.western.synapsin_gain");
    c->spine_per_10um = P("lab.spine.per_10um"), c->spine_cv = P("lab.spine.cv");
    c->dia_cv = P("lab.dialysis.cv"), c->frac_h = P("lab.dialysis.fraction_h");
    c->mrs_cv = P("lab.mrs.cv"), c->pb_cv = P("lab.plasma_bdnf.cv");
    c->fst_base = P("lab.fst.immobility_s"), c->fst_gain = P("lab.fst.gain"), c->fst_sd = P("lab.fst.sd_s");
    c->spt_base = P("lab.spt.baseline_pct"), c->spt_exp = P("lab.spt.exponent"), c->spt_sd = P("lab.spt.sd_pct");
#undef P
}

/* Group parameters: stress, genotype, then the group's own settings. */
static int group_params(const ketsim_lab_protocol *p, const ketsim_lab_group *g, ketsim_params *w, ketsim_error *err)
{
    int rc = KETSIM_OK;
    double rel = ketsim_params_value(w, "bdnf.release_scale");
    if (!g->unstressed && (p->stress == KETSIM_LAB_STRESS_CUS || p->stress == KETSIM_LAB_STRESS_DEFEAT)) {
        int cus = p->stress == KETSIM_LAB_STRESS_CUS;
        rc = ketsim_params_set(w, "spine.setpoint_rel",
                               ketsim_params_value(w, cus ? "lab.stress.cus_setpoint_rel" : "lab.stress.defeat_setpoint_rel"), err);
        rel *= ketsim_params_value(w, cus ? "lab.stress.cus_bdnf_release_scale" : "lab.stress.defeat_bdnf_release_scale");
    }
    if (g->genotype == KETSIM_LAB_BDNF_KO)
        rel = 0;
    else if (g->genotype == KETSIM_LAB_VAL66MET)
        rel *= ketsim_params_value(w, "pop.bdnf_met_release_scale");
    if (!rc)
        rc = ketsim_params_set(w, "bdnf.release_scale", rel, err);
    for (int i = 0; !rc && i < g->n_sets; i++)
        rc = ketsim_params_set(w, g->set_name[i], g->set_value[i], err);
    return rc;
}

static int add_dose(ketsim_regimen *reg, const ketsim_lab_dose_item *d, double at_h, ketsim_error *err)
{
    ketsim_dose dose;
    int rc = ketsim_dose_parse(d->spec, &dose, err);
    if (rc)
        return rc;
    snprintf(dose.drug, sizeof dose.drug, "%s", d->drug);
    dose.time_h = at_h;
    return ketsim_regimen_add(reg, &dose, err);
}

static int group_regimen(const ketsim_lab_protocol *p, const ketsim_lab_group *g, ketsim_regimen *reg, ketsim_error *err)
{
    int rc = KETSIM_OK;
    for (int i = 0; !rc && i < g->n_pre; i++)
        rc = add_dose(reg, &g->pre[i], p->start_h + g->pre[i].time_h, err);
    if (!rc && g->has_drug)
        rc = add_dose(reg, &g->test, p->start_h, err);
    return rc;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Uniform grid from 0 plus every read-out time and fraction start. */
static int make_grid(const ketsim_lab_protocol *p, double frac_h, double **out, size_t *n, ketsim_error *err)
{
    double end = p->start_h;
    for (int r = 0; r < p->n_readouts; r++)
        if (p->start_h + p->readout[r].time_h > end)
            end = p->start_h + p->readout[r].time_h;
    size_t k = (size_t)floor(end / GRID_STEP_H) + 1, m = 0;
    double *g = malloc((k + 2 * (size_t)p->n_readouts + 2) * sizeof *g);
    if (!g)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    for (size_t i = 0; i < k; i++)
        g[m++] = (double)i * GRID_STEP_H;
    for (int r = 0; r < p->n_readouts; r++) {
        g[m++] = p->start_h + p->readout[r].time_h;
        g[m++] = p->start_h + p->readout[r].time_h - frac_h;
    }
    g[m++] = p->start_h, g[m++] = p->start_h - frac_h;
    qsort(g, m, sizeof *g, cmp_double);
    size_t u = 0;
    for (size_t i = 0; i < m; i++)
        if (g[i] >= 0 && g[i] <= end + 1e-12 && (u == 0 || g[i] > g[u - 1] + 1e-9))
            g[u++] = g[i];
    *out = g;
    *n = u;
    return KETSIM_OK;
}

/* Per-animal variability: one factor on every clearance, one on mood
 * sensitivity.  rows lists the clearance rows, then mood.sensitivity. */
typedef struct animal_rows {
    size_t n;
    size_t row[64];
} animal_rows;

static int find_animal_rows(const ketsim_params *grp, animal_rows *ar, ketsim_error *err)
{
    ar->n = 0;
    for (size_t i = 0; i < ketsim_params_count(grp); i++) {
        ketsim_param_info info;
        ketsim_params_info(grp, i, &info);
        size_t len = strlen(info.name);
        if (len > 12 && !strcmp(info.name + len - 12, ".cl_l_per_h")) {
            if (ar->n + 1 >= sizeof ar->row / sizeof ar->row[0])
                return KETSIM_FAIL(err, KETSIM_EINTERNAL, "too many clearance rows for animal variability");
            ar->row[ar->n++] = i;
        }
    }
    return ketsim_params_find(grp, "mood.sensitivity", &ar->row[ar->n++], err);
}

static size_t animal_values(const ketsim_params *grp, const animal_rows *ar, const lab_consts *c, int vary,
                            uint64_t seed, uint64_t id, ketsim_param_value *v)
{
    if (!vary)
        return 0;
    ketsim_rng r;
    ketsim_rng_init(&r, seed, id, KETSIM_RNG_IIV);
    double f_cl = exp(c->pk_omega * ketsim_rng_normal(&r));
    double f_mood = exp(c->resp_omega * ketsim_rng_normal(&r));
    for (size_t i = 0; i < ar->n; i++)
        v[i] = (ketsim_param_value){ar->row[i],
                                    ketsim_params_value_at(grp, ar->row[i]) * (i + 1 < ar->n ? f_cl : f_mood)};
    return ar->n;
}

typedef struct series {
    size_t n;
    const double *t;
    double *mtor, *s6k, *ebp, *glu;
} series;

static double out_at(const ketsim_trajectory *tr, size_t n, double t, const char *name)
{
    long k = ketsim_output_index(name);
    for (size_t i = 0; i < n; i++)
        if (fabs(ketsim_traj_time(tr, i) - t) < 1e-9)
            return ketsim_traj_output(tr, i, (size_t)k);
    return NAN;
}

static double at_series(const series *s, const double *x, double t)
{
    for (size_t i = 0; i < s->n; i++)
        if (fabs(s->t[i] - t) < 1e-9)
            return x[i];
    return NAN;
}

/* The noise-free value of one measure at sim time t (fold measures relative
 * to the untreated healthy animal; the control-group fold comes later). */
static double true_value(ketsim_lab_measure m, const ketsim_trajectory *tr, const series *s, double t,
                         const lab_consts *c)
{
    size_t n = s->n;
    switch (m) {
    case KETSIM_LAB_P_MTOR: return out_at(tr, n, t, "mtorc1_rel");
    case KETSIM_LAB_P_P70S6K: return pow(fmax(at_series(s, s->s6k, t), 0), c->s6k_gain);
    case KETSIM_LAB_P_4EBP1: return pow(fmax(at_series(s, s->ebp, t), 0), c->ebp_gain);
    case KETSIM_LAB_P_EEF2: return out_at(tr, n, t, "peef2_rel");
    case KETSIM_LAB_BDNF: return out_at(tr, n, t, "bdnf_rel");
    case KETSIM_LAB_PSD95: return pow(fmax(out_at(tr, n, t, "synaptic_protein_rel"), 0), c->psd_gain);
    case KETSIM_LAB_GLUA1: return pow(fmax(out_at(tr, n, t, "synaptic_protein_rel"), 0), c->glua_gain);
    case KETSIM_LAB_SYNAPSIN1: return pow(fmax(out_at(tr, n, t, "synaptic_protein_rel"), 0), c->syn_gain);
    case KETSIM_LAB_SPINES: return c->spine_per_10um * out_at(tr, n, t, "spine_density_rel");
    case KETSIM_LAB_DIALYSIS_GLU: return ketsim_lab_window_mean(s->t, s->glu, n, t - c->frac_h, t);
    case KETSIM_LAB_MRS_GLU: return out_at(tr, n, t, "tissue_glutamate_rel");
    case KETSIM_LAB_MRS_PFC_GLU: return out_at(tr, n, t, "pfc_glutamate_rel");
    case KETSIM_LAB_MRS_GLN: return out_at(tr, n, t, "tissue_glutamine_rel");
    case KETSIM_LAB_MRS_GABA: return out_at(tr, n, t, "hippocampal_gaba_rel");
    case KETSIM_LAB_MRS_GLU_GLN: return out_at(tr, n, t, "glu_gln_ratio_rel");
    case KETSIM_LAB_MRS_GABA_GLU: return out_at(tr, n, t, "gaba_glu_ratio_rel");
    case KETSIM_LAB_PLASMA_BDNF: return out_at(tr, n, t, "plasma_bdnf_rel");
    case KETSIM_LAB_FST: return ketsim_lab_fst_immobility(out_at(tr, n, t, "synaptic_function_rel"), c->fst_base, c->fst_gain);
    case KETSIM_LAB_SPT: return ketsim_lab_spt_preference(out_at(tr, n, t, "synaptic_function_rel"), c->spt_base, c->spt_exp);
    default: return NAN;
    }
}

static double log_cv(ketsim_lab_measure m, const lab_consts *c)
{
    if (m <= KETSIM_LAB_SYNAPSIN1)
        return c->wb_cv;
    if (m == KETSIM_LAB_SPINES)
        return c->spine_cv;
    if (m == KETSIM_LAB_DIALYSIS_GLU)
        return c->dia_cv;
    if (m == KETSIM_LAB_PLASMA_BDNF)
        return c->pb_cv;
    return c->mrs_cv;
}

/* Add measurement noise: multiplicative log-normal for assays, additive
 * normal (clamped to the scale) for behaviour. */
static double measure(ketsim_lab_measure m, double v, const lab_consts *c, ketsim_rng *r, int vary)
{
    if (!vary)
        return v;
    double z = ketsim_rng_normal(r);
    if (m == KETSIM_LAB_FST)
        return fmin(240, fmax(0, v + c->fst_sd * z));
    if (m == KETSIM_LAB_SPT)
        return fmin(100, fmax(0, v + c->spt_sd * z));
    return v * exp(log_cv(m, c) * z);
}

static int build_series(const ketsim_trajectory *tr, const double *grid, size_t n, const lab_consts *c,
                        series *s, ketsim_error *err)
{
    s->n = n;
    s->t = grid;
    s->mtor = malloc(4 * n * sizeof *s->mtor);
    if (!s->mtor)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    s->s6k = s->mtor + n, s->ebp = s->mtor + 2 * n, s->glu = s->mtor + 3 * n;
    long km = ketsim_output_index("mtorc1_rel"), kg = ketsim_output_index("pfc_glutamate_rel");
    for (size_t i = 0; i < n; i++) {
        s->mtor[i] = ketsim_traj_output(tr, i, (size_t)km);
        s->glu[i] = ketsim_traj_output(tr, i, (size_t)kg);
    }
    ketsim_lab_lag_filter(grid, s->mtor, n, c->s6k_lag, s->s6k);
    ketsim_lab_lag_filter(grid, s->mtor, n, c->ebp_lag, s->ebp);
    return KETSIM_OK;
}

/* One animal's read-outs, measured with noise, into res->value. */
static int measure_animal(ketsim_lab_result *res, int gi, int i, uint64_t id, const ketsim_trajectory *tr,
                          const series *s, const lab_consts *c, ketsim_error *err)
{
    const ketsim_lab_protocol *p = res->p;
    const ketsim_lab_group *g = &p->group[gi];
    ketsim_rng noise;
    ketsim_rng_init(&noise, (uint64_t)res->seed, id, KETSIM_RNG_RESIDUAL);
    /* the animal's own pre-drug dialysate fraction: one sample, the
     * denominator of all its later fractions */
    double dia_base = NAN;
    for (int r = 0; r < p->n_readouts && isnan(dia_base); r++)
        if (p->readout[r].measure == KETSIM_LAB_DIALYSIS_GLU)
            dia_base = measure(KETSIM_LAB_DIALYSIS_GLU, true_value(KETSIM_LAB_DIALYSIS_GLU, tr, s, p->start_h, c), c, &noise,
                               p->variability);
    for (int r = 0; r < p->n_readouts; r++) {
        ketsim_lab_measure ms = p->readout[r].measure;
        double t = p->start_h + p->readout[r].time_h;
        double v = measure(ms, true_value(ms, tr, s, t, c), c, &noise, p->variability);
        if (ms == KETSIM_LAB_DIALYSIS_GLU)
            v = 100.0 * v / dia_base;
        if (!isfinite(v))
            return KETSIM_FAIL(err, KETSIM_ESOLVER, "group '%s': %s %s at %s is not finite "
                               "(the untreated level is 0, e.g. a BDNF knockout)", g->name,
                               ketsim_lab_measure_assay(ms), ketsim_lab_measure_name(ms), p->readout[r].label);
        res->value[((size_t)r * (size_t)p->n_groups + (size_t)gi) * (size_t)res->max_n + (size_t)i] = v;
    }
    return KETSIM_OK;
}

static int simulate_group(ketsim_lab_result *res, int gi, const ketsim_params *base, const lab_consts *c,
                          const double *grid, size_t ng, ketsim_error *err)
{
    const ketsim_lab_protocol *p = res->p;
    const ketsim_lab_group *g = &p->group[gi];
    ketsim_params *gp = NULL;
    ketsim_catalog *cat = NULL;
    ketsim_regimen *reg = NULL;
    ketsim_subject_worker *w = NULL;
    series s = {0};
    animal_rows ar;
    const char *drugs[KETSIM_LAB_MAX_PRE + 1];
    size_t nd = 0;
    for (int i = 0; i < g->n_pre; i++)
        drugs[nd++] = g->pre[i].drug;
    if (g->has_drug)
        drugs[nd++] = g->test.drug;
    if (nd == 0)
        drugs[nd++] = "ketamine"; /* vehicle: the drug is never given */
    int rc = ketsim_params_clone(base, &gp, err);
    if (!rc)
        rc = group_params(p, g, gp, err);
    if (!rc)
        rc = find_animal_rows(gp, &ar, err);
    if (!rc)
        rc = ketsim_catalog_create(&cat, err);
    if (!rc)
        rc = ketsim_regimen_create(&reg, err);
    if (!rc)
        rc = group_regimen(p, g, reg, err);
    if (!rc)
        rc = ketsim_subject_worker_create(gp, cat, drugs, nd, &w, err);
    for (int i = 0; !rc && i < g->n; i++) {
        uint64_t id = (uint64_t)gi * 1000u + (uint64_t)i;
        ketsim_param_value v[64];
        ketsim_subject_input in = {.values = v, .regimen = reg, .times_h = grid, .n_times = ng};
        in.n_values = animal_values(gp, &ar, c, p->variability, (uint64_t)res->seed, id, v);
        const ketsim_trajectory *tr = NULL;
        rc = ketsim_subject_run(w, &in, &tr, err);
        if (!rc)
            rc = build_series(tr, grid, ng, c, &s, err);
        if (!rc)
            rc = measure_animal(res, gi, i, id, tr, &s, c, err);
        free(s.mtor);
        s.mtor = NULL;
    }
    if (rc) {
        char where[96];
        snprintf(where, sizeof where, "group '%s': ", g->name);
        if (!strstr(err->msg, "group '"))
            ketsim_error_prefix(err, where);
    }
    ketsim_subject_worker_free(w);
    ketsim_regimen_free(reg);
    ketsim_catalog_free(cat);
    ketsim_params_free(gp);
    return rc;
}

static int is_fold(ketsim_lab_measure m)
{
    return m <= KETSIM_LAB_SYNAPSIN1 || (m >= KETSIM_LAB_MRS_GLU && m <= KETSIM_LAB_PLASMA_BDNF);
}

static double *cell_values(const ketsim_lab_result *res, int r, int g)
{
    return res->value + ((size_t)r * (size_t)res->p->n_groups + (size_t)g) * (size_t)res->max_n;
}

/* Fold of the control group's mean, as a Western is reported. */
static void to_fold(ketsim_lab_result *res, int r)
{
    const ketsim_lab_protocol *p = res->p;
    const ketsim_lab_group *cg = &p->group[p->control];
    double sum = 0;
    double *cv = cell_values(res, r, p->control);
    for (int i = 0; i < cg->n; i++)
        sum += cv[i];
    double mean = sum / cg->n;
    for (int g = 0; g < p->n_groups; g++) {
        double *v = cell_values(res, r, g);
        for (int i = 0; i < p->group[g].n; i++)
            v[i] /= mean;
    }
}

/* Direct pairwise comparisons (e.g. blocker + drug vs blocker + vehicle):
 * Welch t tests, Holm-adjusted over the protocol's contrasts. */
static void analyse_contrasts(ketsim_lab_result *res, int r, const double *const *groups, const size_t *sizes)
{
    const ketsim_lab_protocol *p = res->p;
    int nc = p->n_contrasts, m = 0, idx[KETSIM_LAB_MAX_CONTRASTS];
    double praw[KETSIM_LAB_MAX_CONTRASTS], padj[KETSIM_LAB_MAX_CONTRASTS];
    for (int c = 0; c < nc; c++) {
        int a = p->contrast[c][0], b = p->contrast[c][1];
        double ma, mb;
        ketsim_error e = {0};
        ketsim_stats_mean(groups[a], sizes[a], &ma, &e);
        ketsim_stats_mean(groups[b], sizes[b], &mb, &e);
        res->con_diff[r * nc + c] = ma - mb;
        res->con_p[r * nc + c] = NAN;
        ketsim_stats_ttest t;
        /* a pair without variance (variability off, or a knockout at 0) has
         * no test and leaves the Holm family */
        if (p->variability && ketsim_stats_ttest_welch(groups[a], sizes[a], groups[b], sizes[b],
                                                       KETSIM_STATS_LEVEL_DEFAULT, &t, &e) == KETSIM_OK) {
            idx[m] = c;
            praw[m++] = t.p;
        }
    }
    ketsim_error e = {0};
    if (m > 0 && ketsim_stats_holm(praw, (size_t)m, padj, &e) == KETSIM_OK)
        for (int j = 0; j < m; j++)
            res->con_p[r * nc + idx[j]] = padj[j];
}

static int analyse(ketsim_lab_result *res, int r, ketsim_error *err)
{
    const ketsim_lab_protocol *p = res->p;
    int k = p->n_groups, ctl = p->control, rc = KETSIM_OK;
    const double *groups[KETSIM_LAB_MAX_GROUPS];
    size_t sizes[KETSIM_LAB_MAX_GROUPS];
    for (int g = 0; g < k; g++) {
        groups[g] = cell_values(res, r, g);
        sizes[g] = (size_t)p->group[g].n;
        ketsim_lab_cell *c = &res->cell[r * k + g];
        c->n = p->group[g].n;
        c->p = NAN;
        if ((rc = ketsim_stats_mean(groups[g], sizes[g], &c->mean, err)) ||
            (rc = ketsim_stats_sem(groups[g], sizes[g], &c->sem, err)))
            return rc;
    }
    res->anova_p[r] = NAN;
    ketsim_error e = {0};
    analyse_contrasts(res, r, groups, sizes);
    /* Without variability every animal is the same: no test is possible. */
    if (!p->variability)
        return KETSIM_OK;
    if (k == 2) {
        ketsim_stats_ttest t;
        if (ketsim_stats_ttest_welch(groups[1 - ctl], sizes[1 - ctl], groups[ctl], sizes[ctl],
                                     KETSIM_STATS_LEVEL_DEFAULT, &t, &e) == KETSIM_OK)
            res->cell[r * k + (1 - ctl)].p = t.p;
        return KETSIM_OK;
    }
    ketsim_stats_anova a;
    ketsim_stats_vs_control_result vc[KETSIM_LAB_MAX_GROUPS];
    if (ketsim_stats_anova1(groups, sizes, (size_t)k, &a, &e) == KETSIM_OK)
        res->anova_p[r] = a.p;
    if (ketsim_stats_vs_control(groups, sizes, (size_t)k, (size_t)ctl, KETSIM_STATS_VS_CONTROL_POOLED,
                                KETSIM_STATS_LEVEL_DEFAULT, vc, &e) == KETSIM_OK)
        for (int j = 0; j < k - 1; j++)
            res->cell[r * k + (int)vc[j].group].p = vc[j].p_holm;
    return KETSIM_OK;
}

int ketsim_lab_run(const ketsim_lab_protocol *p, const ketsim_params *base, long seed, ketsim_lab_result **out,
            ketsim_error *err)
{
    *out = NULL;
    ketsim_lab_result *res = calloc(1, sizeof *res);
    if (!res)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    res->proto = *p;
    res->p = &res->proto;
    res->seed = seed;
    for (int g = 0; g < p->n_groups; g++)
        if (p->group[g].n > res->max_n)
            res->max_n = p->group[g].n;
    size_t nv = (size_t)p->n_readouts * (size_t)p->n_groups;
    res->value = calloc(nv * (size_t)res->max_n, sizeof *res->value);
    res->cell = calloc(nv, sizeof *res->cell);
    res->anova_p = calloc((size_t)p->n_readouts, sizeof *res->anova_p);
    res->con_diff = calloc((size_t)p->n_readouts * (size_t)(p->n_contrasts + 1), sizeof *res->con_diff);
    res->con_p = calloc((size_t)p->n_readouts * (size_t)(p->n_contrasts + 1), sizeof *res->con_p);
    lab_consts c;
    read_consts(base, &c);
    double *grid = NULL;
    size_t ng = 0;
    int rc = (!res->value || !res->cell || !res->anova_p || !res->con_diff || !res->con_p) ? KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory")
                                                          : make_grid(p, c.frac_h, &grid, &ng, err);
    for (int g = 0; !rc && g < p->n_groups; g++)
        rc = simulate_group(res, g, base, &c, grid, ng, err);
    for (int r = 0; !rc && r < p->n_readouts; r++) {
        if (is_fold(p->readout[r].measure))
            to_fold(res, r);
        rc = analyse(res, r, err);
    }
    free(grid);
    if (rc) {
        ketsim_lab_result_free(res);
        return rc;
    }
    *out = res;
    return KETSIM_OK;
}

void ketsim_lab_result_free(ketsim_lab_result *r)
{
    if (!r)
        return;
    free(r->value);
    free(r->cell);
    free(r->anova_p);
    free(r->con_diff);
    free(r->con_p);
    free(r);
}

int ketsim_lab_result_n_readouts(const ketsim_lab_result *r) { return r->p->n_readouts; }

const ketsim_lab_protocol *ketsim_lab_result_protocol(const ketsim_lab_result *r) { return r->p; }

long ketsim_lab_result_seed(const ketsim_lab_result *r) { return r->seed; }

int ketsim_lab_result_cell(const ketsim_lab_result *r, int readout, int group, ketsim_lab_cell *out)
{
    if (readout < 0 || readout >= r->p->n_readouts || group < 0 || group >= r->p->n_groups)
        return KETSIM_EINPUT;
    *out = r->cell[readout * r->p->n_groups + group];
    return KETSIM_OK;
}

double ketsim_lab_result_anova_p(const ketsim_lab_result *r, int readout) { return r->anova_p[readout]; }

int ketsim_lab_result_values(const ketsim_lab_result *r, int readout, int group, const double **values, int *n)
{
    if (readout < 0 || readout >= r->p->n_readouts || group < 0 || group >= r->p->n_groups)
        return KETSIM_EINPUT;
    *values = cell_values(r, readout, group);
    *n = r->p->group[group].n;
    return KETSIM_OK;
}

int ketsim_lab_result_contrast(const ketsim_lab_result *r, int readout, int c, double *diff, double *p_holm)
{
    if (readout < 0 || readout >= r->p->n_readouts || c < 0 || c >= r->p->n_contrasts)
        return KETSIM_EINPUT;
    *diff = r->con_diff[readout * r->p->n_contrasts + c];
    *p_holm = r->con_p[readout * r->p->n_contrasts + c];
    return KETSIM_OK;
}
