/* Read-outs: the fixed list of named outputs and how each is computed from
 * the state vector.  Adding an output is adding a row and a line. */
#include "catalog_impl.h"
#include "model_impl.h"

#include <stdio.h>
#include <stdlib.h>

#include <math.h>
#include <string.h>

enum {
    O_TIME, O_KET, O_SKET, O_RKET, O_NK, O_SNK, O_RNK, O_DHNK, O_SDHNK, O_RDHNK, O_HNK, O_SHNK,
    O_RHNK, O_BKET, O_BSKET, O_BRKET, O_BNK, O_BSNK, O_BRNK, O_BHNK, O_BSHNK, O_BRHNK,
    O_BLOCK_INT, O_BLOCK_PYR, O_INTN, O_GLU, O_AMPA, O_PEEF2, O_BDNF, O_PBDNF, O_TRKB,
    O_SNO, O_RHEB, O_MTOR, O_SYNP, O_SPINE, O_NASCENT, O_LTP, O_SYNFN, O_GABA, O_TGLU, O_GLN,
    O_GLU_GLN, O_GABA_GLU, O_MADRS, O_HAMD, O_CADSS, O_SBP, O_DBP, O_HR, O_SEDATION, O_ANAES,
    O_N
};

static const ketsim_output_info outputs[O_N] = {
    {"time_h", "h", "time since the start of the simulation"},
    {"plasma_ketamine_ng_per_ml", "ng/mL", "total plasma ketamine (S + R)"},
    {"plasma_s_ketamine_ng_per_ml", "ng/mL", "plasma S-ketamine"},
    {"plasma_r_ketamine_ng_per_ml", "ng/mL", "plasma R-ketamine"},
    {"plasma_norketamine_ng_per_ml", "ng/mL", "plasma norketamine (S + R)"},
    {"plasma_s_norketamine_ng_per_ml", "ng/mL", "plasma S-norketamine"},
    {"plasma_r_norketamine_ng_per_ml", "ng/mL", "plasma R-norketamine"},
    {"plasma_dhnk_ng_per_ml", "ng/mL", "plasma dehydronorketamine (S + R)"},
    {"plasma_s_dhnk_ng_per_ml", "ng/mL", "plasma S-dehydronorketamine"},
    {"plasma_r_dhnk_ng_per_ml", "ng/mL", "plasma R-dehydronorketamine"},
    {"plasma_hnk_ng_per_ml", "ng/mL", "plasma hydroxynorketamine ((2S,6S) + (2R,6R))"},
    {"plasma_s_hnk_ng_per_ml", "ng/mL", "plasma (2S,6S)-hydroxynorketamine"},
    {"plasma_r_hnk_ng_per_ml", "ng/mL", "plasma (2R,6R)-hydroxynorketamine"},
    {"brain_ketamine_free_um", "uM", "free brain ketamine (S + R)"},
    {"brain_s_ketamine_free_um", "uM", "free brain S-ketamine"},
    {"brain_r_ketamine_free_um", "uM", "free brain R-ketamine"},
    {"brain_norketamine_free_um", "uM", "free brain norketamine (S + R)"},
    {"brain_s_norketamine_free_um", "uM", "free brain S-norketamine"},
    {"brain_r_norketamine_free_um", "uM", "free brain R-norketamine"},
    {"brain_hnk_free_um", "uM", "free brain HNK ((2S,6S) + (2R,6R))"},
    {"brain_s_hnk_free_um", "uM", "free brain (2S,6S)-HNK"},
    {"brain_r_hnk_free_um", "uM", "free brain (2R,6R)-HNK"},
    {"nmda_block_interneuron", "fraction", "NMDA receptors blocked on GABAergic interneurons"},
    {"nmda_block_pyramidal", "fraction", "NMDA receptors blocked on pyramidal neurons"},
    {"interneuron_activity_rel", "rel", "interneuron firing"},
    {"pfc_glutamate_rel", "rel", "prefrontal extracellular glutamate (release)"},
    {"ampa_activation_rel", "rel", "AMPA receptor activation"},
    {"peef2_rel", "rel", "phospho-eEF2"},
    {"bdnf_rel", "rel", "brain BDNF (released)"},
    {"plasma_bdnf_rel", "rel", "plasma BDNF"},
    {"trkb_activation_rel", "rel", "TrkB activation"},
    {"sno_gapdh_rel", "rel", "S-nitrosylated GAPDH"},
    {"rheb_rel", "rel", "Rheb"},
    {"mtorc1_rel", "rel", "mTORC1 activity (phospho-mTOR)"},
    {"synaptic_protein_rel", "rel", "synaptic proteins (PSD95, GluA1, synapsin I)"},
    {"spine_density_rel", "rel", "dendritic spine density: stable spines (1 = healthy)"},
    {"nascent_spine_rel", "rel", "nascent spines, formed but not yet stable (0 at baseline; units of healthy density)"},
    {"potentiation", "fraction", "synaptic potentiation, early + consolidated (0 at baseline)"},
    {"synaptic_function_rel", "rel", "synaptic-function index: spines x (1 + potentiation)"},
    {"hippocampal_gaba_rel", "rel", "tissue GABA (MRS)"},
    {"tissue_glutamate_rel", "rel", "tissue glutamate (MRS)"},
    {"tissue_glutamine_rel", "rel", "tissue glutamine (MRS)"},
    {"glu_gln_ratio_rel", "rel", "tissue glutamate / glutamine"},
    {"gaba_glu_ratio_rel", "rel", "tissue GABA / glutamate"},
    {"madrs", "points 0-60", "MADRS (human patient scale; continuous)"},
    {"hamd", "points", "HAM-D17 from MADRS (Leucht 2018 linking)"},
    {"cadss", "points", "dissociation (CADSS)"},
    {"sbp_change_mmhg", "mmHg", "systolic blood pressure change from baseline"},
    {"dbp_change_mmhg", "mmHg", "diastolic blood pressure change from baseline"},
    {"hr_change_bpm", "beats/min", "heart rate change from baseline"},
    {"sedation", "probability", "probability of feeling sedated (Ramsay >= 2) from GABA-A sedatives (midazolam)"},
    {"anaesthetic_state", "fraction", "share of cortex in ketamine's anaesthetic state (0 awake, 1 anaesthetised)"},
};

size_t ketsim_n_outputs(void) { return O_N; }

const ketsim_output_info *ketsim_output(size_t i) { return i < O_N ? &outputs[i] : NULL; }

long ketsim_output_index(const char *name)
{
    for (long i = 0; i < O_N; i++)
        if (strcmp(outputs[i].name, name) == 0)
            return i;
    return -1;
}

size_t ketsim_model_n_outputs(const ketsim_model *m) { return O_N + m->n_compound_outputs; }

const ketsim_output_info *ketsim_model_output(const ketsim_model *m, size_t i)
{
    if (i < O_N)
        return &outputs[i];
    return i < O_N + m->n_compound_outputs ? &m->compound_output[i - O_N] : NULL;
}

long ketsim_model_output_index(const ketsim_model *m, const char *name)
{
    for (size_t i = 0; i < O_N + m->n_compound_outputs; i++)
        if (strcmp(ketsim_model_output(m, i)->name, name) == 0)
            return (long)i;
    return -1;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strcmp(s + n - k, suffix) == 0;
}

int ketsim_output_is_compound_form(const char *name)
{
    return (strncmp(name, "plasma_", 7) == 0 && ends_with(name + 7, "_ng_per_ml")) ||
           (strncmp(name, "brain_", 6) == 0 && ends_with(name + 6, "_free_um"));
}

int readouts_build_compound_outputs(ketsim_model *m, const ketsim_catalog *cat, ketsim_error *err)
{
    size_t cap = 2 * m->n_compounds;
    m->compound_output = calloc(cap ? cap : 1, sizeof *m->compound_output);
    m->compound_output_text = calloc(cap ? cap : 1, sizeof *m->compound_output_text);
    m->compound_src = calloc(cap ? cap : 1, sizeof *m->compound_src);
    if (!m->compound_output || !m->compound_output_text || !m->compound_src)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    for (size_t i = 0; i < m->n_compounds; i++) {
        const model_compound *c = &m->cmp[i];
        const char *label = catalog_compound_label(cat, c->name);
        for (int brain = 0; brain < 2; brain++) {
            if (brain && c->s_brain < 0)
                continue;
            size_t k = m->n_compound_outputs;
            char (*txt)[128] = m->compound_output_text[k];
            snprintf(txt[0], sizeof txt[0], brain ? "brain_%s_free_um" : "plasma_%s_ng_per_ml", c->name);
            /* the HNKs' and DHNKs' own outputs are the fixed ones of those
             * names (groups of one compound); drug files cannot make others
             * clash */
            if (ketsim_output_index(txt[0]) >= 0)
                continue;
            snprintf(txt[1], sizeof txt[1], "%s", brain ? "uM" : "ng/mL");
            snprintf(txt[2], sizeof txt[2], "%s %s", brain ? "free brain" : "plasma", label);
            m->compound_src[m->n_compound_outputs] = (compound_output){i, brain};
            m->compound_output[m->n_compound_outputs++] = (ketsim_output_info){txt[0], txt[1], txt[2]};
        }
    }
    return KETSIM_OK;
}

/* Compound groups the concentration outputs sum over: each metabolite as
 * the racemate (S + R) and as each enantiomer alone. */
enum {
    G_KET = 1 << 0, G_SKET = 1 << 1, G_RKET = 1 << 2, G_NK = 1 << 3, G_SNK = 1 << 4, G_RNK = 1 << 5,
    G_DHNK = 1 << 6, G_SDHNK = 1 << 7, G_RDHNK = 1 << 8, G_HNK = 1 << 9, G_SHNK = 1 << 10, G_RHNK = 1 << 11
};

static const struct {
    const char *name;
    unsigned groups;
} group_of[] = {
    {"s_ket", G_KET | G_SKET},    {"r_ket", G_KET | G_RKET},    {"s_nk", G_NK | G_SNK},
    {"r_nk", G_NK | G_RNK},       {"s_dhnk", G_DHNK | G_SDHNK}, {"r_dhnk", G_DHNK | G_RDHNK},
    {"s_hnk", G_HNK | G_SHNK},    {"r_hnk", G_HNK | G_RHNK},
};

/* Looked up once when the model is built, not at every output time. */
unsigned readouts_compound_groups(const char *name)
{
    for (size_t i = 0; i < sizeof group_of / sizeof group_of[0]; i++)
        if (strcmp(group_of[i].name, name) == 0)
            return group_of[i].groups;
    return 0;
}

/* Sum of plasma (ng/mL) or brain (uM) over the compounds of a group. */
static double sum_over(const ketsim_model *m, const double *y, unsigned group, int brain)
{
    double s = 0.0;
    for (size_t i = 0; i < m->n_compounds; i++) {
        const model_compound *c = &m->cmp[i];
        if (!(c->out_groups & group))
            continue;
        if (brain)
            s += c->s_brain >= 0 ? fmax(y[c->s_brain], 0.0) : 0.0;
        else
            s += fmax(pk_plasma_ng_per_ml(c, y), 0.0);
    }
    return s;
}

/* The fixed concentration outputs: which group each sums, plasma or brain. */
static const struct {
    int out;
    unsigned group;
    int brain;
} concentration[] = {
    {O_KET, G_KET, 0},     {O_SKET, G_SKET, 0},   {O_RKET, G_RKET, 0},   {O_NK, G_NK, 0},
    {O_SNK, G_SNK, 0},     {O_RNK, G_RNK, 0},     {O_DHNK, G_DHNK, 0},   {O_SDHNK, G_SDHNK, 0},
    {O_RDHNK, G_RDHNK, 0}, {O_HNK, G_HNK, 0},     {O_SHNK, G_SHNK, 0},   {O_RHNK, G_RHNK, 0},
    {O_BKET, G_KET, 1},    {O_BSKET, G_SKET, 1},  {O_BRKET, G_RKET, 1},  {O_BNK, G_NK, 1},
    {O_BSNK, G_SNK, 1},    {O_BRNK, G_RNK, 1},    {O_BHNK, G_HNK, 1},    {O_BSHNK, G_SHNK, 1},
    {O_BRHNK, G_RHNK, 1},
};

int readouts_concentration_output(size_t i, const char **name, unsigned *group, int *brain)
{
    if (i >= sizeof concentration / sizeof concentration[0])
        return 0;
    *name = outputs[concentration[i].out].name;
    *group = concentration[i].group;
    *brain = concentration[i].brain;
    return 1;
}

static double hill(double x, double x50, double h)
{
    x = fmax(x, 0.0);
    double xh = pow(x, h);
    return xh / (pow(x50, h) + xh);
}

static double madrs_from(const cascade_par *cp, const double *c)
{
    /* Symptoms fall in proportion to what is left of them: each step of
     * synaptic recovery, measured in units of the patient's untreated deficit
     * (1 - set point), removes the same fraction of the MADRS.  So the scale
     * approaches 0 without piling patients on it, and the untreated patient
     * sits at the baseline.  A healthy set point has no deficit to scale: the
     * floor of 0.1 keeps the ratio finite for rodents. */
    double deficit0 = fmax(1.0 - cp->spine_set, 0.1);
    double recovered = (cascade_synaptic_function(cp, c) - cp->spine_set) / deficit0;
    return fmin(cp->madrs0 * exp(-recovered), 60.0);
}

void ketsim_model_outputs(const ketsim_model *m, const double *y, double *o)
{
    const cascade_par *cp = &m->cp;
    const double *c = y + m->c0;
    brain_drive d;
    pk_brain_drive(m, y, &d);
    o[O_TIME] = 0.0; /* filled by the caller */
    for (size_t i = 0; i < sizeof concentration / sizeof concentration[0]; i++)
        o[concentration[i].out] = sum_over(m, y, concentration[i].group, concentration[i].brain);
    o[O_BLOCK_INT] = c[C_BLOCK_INT];
    o[O_BLOCK_PYR] = c[C_BLOCK_PYR];
    o[O_INTN] = c[C_INTN];
    o[O_GLU] = c[C_GLU];
    o[O_AMPA] = cascade_ampa_activation(cp, &d, c);
    o[O_PEEF2] = c[C_PEEF2];
    o[O_BDNF] = c[C_BDNF];
    o[O_PBDNF] = c[C_PBDNF];
    o[O_TRKB] = c[C_TRKB];
    o[O_SNO] = c[C_SNO];
    o[O_RHEB] = c[C_RHEB];
    o[O_MTOR] = c[C_MTOR];
    o[O_SYNP] = c[C_SYNP];
    o[O_SPINE] = c[C_SPINE];
    o[O_NASCENT] = c[C_SPINE_NASCENT];
    o[O_LTP] = c[C_LTP_E] + c[C_LTP_L];
    o[O_SYNFN] = cascade_synaptic_function(cp, c);
    o[O_GABA] = c[C_GABA];
    o[O_TGLU] = c[C_TGLU];
    o[O_GLN] = c[C_GLN];
    o[O_GLU_GLN] = c[C_TGLU] / c[C_GLN];
    o[O_GABA_GLU] = c[C_GABA] / c[C_TGLU];
    o[O_MADRS] = madrs_from(cp, c);
    o[O_HAMD] = cp->hamd_per_madrs * o[O_MADRS];
    o[O_CADSS] = cp->cadss_max * hill(c[C_X_CADSS], cp->cadss_x50, cp->cadss_h);
    o[O_SBP] = cp->sbp_max * hill(c[C_X_SBP], cp->sbp_x50, cp->sbp_h);
    /* one sympathetic effect site drives all three haemodynamic read-outs */
    o[O_DBP] = cp->dbp_max * hill(c[C_X_SBP], cp->dbp_x50, cp->dbp_h);
    o[O_HR] = cp->hr_max * hill(c[C_X_SBP], cp->hr_x50, cp->hr_h);
    o[O_SEDATION] = hill(d.sedation_x, 1.0, cp->sedation_h);
    o[O_ANAES] = c[C_ANAES];
    for (size_t k = 0; k < m->n_compound_outputs; k++) {
        const compound_output *co = &m->compound_src[k];
        const model_compound *cc = &m->cmp[co->compound];
        o[O_N + k] = co->brain ? fmax(y[cc->s_brain], 0.0) : fmax(pk_plasma_ng_per_ml(cc, y), 0.0);
    }
}
