/* The signalling cascade (DESIGN.md 3.2), from NMDA block to synapses, and
 * the tissue pools MRS sees.  Every state is relative (1 = untreated healthy
 * baseline) except the blocks (fractions 0-1) and the potentiation states
 * (0 at baseline).  docs/model.md lists each equation. */
#include "model_impl.h"

#include <math.h>
#include <stddef.h>

#define P(name) ketsim_params_value(p, name)

void cascade_read_params(cascade_par *cp, const ketsim_params *p)
{
    cp->nmda_koff = P("nmda.koff_per_h");
    cp->sel = P("nmda.interneuron_selectivity");
    cp->k_int = P("intn.k_per_h");
    cp->dep_int = P("intn.nmda_dependence");
    cp->k_glu = P("glu.k_per_h");
    cp->w_inh = P("glu.inhibition_weight");
    cp->dep_pyr = P("glu.pyramidal_nmda_dependence");
    cp->k_fb = P("glu.feedback_k_per_h");
    cp->g_fb = P("glu.feedback_gain");
    cp->ampa_exp = P("ampa.surface_exponent");
    cp->ampa_occ = P("ampa.antagonist_occupancy");
    cp->k_eef2 = P("eef2.k_per_h");
    cp->dep_eef2 = P("eef2.nmda_dependence");
    cp->k_bdnf = P("bdnf.k_per_h");
    cp->w_ampa_bdnf = P("bdnf.ampa_weight");
    cp->g_trans = P("bdnf.translation_gain");
    cp->bdnf_scale = P("bdnf.release_scale");
    cp->k_pbdnf = P("plasma_bdnf.k_per_h");
    cp->k_trkb = P("trkb.k_per_h");
    cp->km_trkb = P("trkb.km_rel");
    cp->trkb_block = P("trkb.block");
    cp->nos_inh = P("nos.inhibition");
    cp->k_sno = P("sno.k_per_h");
    cp->k_rheb = P("rheb.k_per_h");
    cp->rheb_d0 = P("rheb.basal_degradation_fraction");
    cp->k_mtor = P("mtor.k_per_h");
    cp->w_trkb_mtor = P("mtor.trkb_weight");
    cp->rheb_exp = P("mtor.rheb_exponent");
    cp->rapa = P("mtor.rapamycin_inhibition");
    cp->mtor_up_exp = P("mtor.upstream_exponent");
    cp->k_mtor_ref = P("mtor.adaptation_k_per_h");
    cp->k_synp = P("synprot.k_per_h");
    cp->km_synp = P("synprot.km_mtor_rel");
    cp->h_synp = P("synprot.hill");
    cp->k_spine = P("spine.k_per_h");
    cp->spine_exp = P("spine.protein_exponent");
    cp->spine_max = P("spine.max_rel");
    cp->spine_set = P("spine.setpoint_rel");
    cp->e_kon = P("ltp.early_k_on_per_h");
    cp->e_koff = P("ltp.early_k_off_per_h");
    cp->e_max = P("ltp.early_max");
    cp->w_trkb_ltp = P("ltp.trkb_weight");
    cp->ltp_theta = P("ltp.induction_threshold");
    cp->e_mood_w = P("ltp.early_mood_weight");
    cp->l_kcons = P("ltp.consolidation_k_per_h");
    cp->l_koff = P("ltp.late_k_off_per_h");
    cp->l_max = P("ltp.late_max");
    cp->k_gaba = P("gaba.k_per_h");
    cp->gaba_act_exp = P("gaba.activity_exponent");
    cp->k_gad = P("gad.k_per_h");
    cp->g_gad = P("gad.synthesis_exponent");
    cp->k_gln = P("gln.k_per_h");
    cp->k_tglu = P("tissue_glu.k_per_h");
    cp->tglu_pexp = P("tissue_glu.protein_exponent");
    cp->tglu_rexp = P("tissue_glu.release_exponent");
    cp->madrs0 = P("patient.madrs_baseline");
    cp->mood_sens = P("mood.sensitivity");
    cp->hamd_per_madrs = P("hamd.per_madrs");
    cp->cadss_keo = P("cadss.keo_per_h");
    cp->cadss_max = P("cadss.max");
    cp->cadss_x50 = P("cadss.x50");
    cp->cadss_h = P("cadss.hill");
    cp->sbp_keo = P("sbp.keo_per_h");
    cp->sbp_max = P("sbp.max_mmhg");
    cp->sbp_x50 = P("sbp.x50");
    cp->sbp_h = P("sbp.hill");
}

/* Solver noise can push a relative state a hair below zero; the algebra
 * below takes powers of them, so read them through this. */
static double pos(double x) { return x > 0.0 ? x : 0.0; }

/* Two independent blockers: a fixed hook and a drug, combined as 1 - (1-a)(1-b). */
static double both(double hook, double drug)
{
    return 1.0 - (1.0 - hook) * (1.0 - drug);
}

double cascade_ampa_activation(const cascade_par *cp, const brain_drive *d, const double *c)
{
    return pos(c[C_GLU]) * pow(pos(c[C_SYNP]), cp->ampa_exp) * (1.0 + d->ampa_pot) *
           (1.0 - both(cp->ampa_occ, d->ampa_block));
}

/* Synaptic protein synthesis: saturating in mTORC1 relative to its slow
 * reference (homeostasis over weeks), 1 at any chronic steady state.  Acute
 * changes (hours to days) act in full; a chronic shift of mTORC1 (Val66Met,
 * a knockout) is adapted to, so it cannot drive synapses to nothing.  The
 * small epsilon keeps full inhibition finite (0/0). */
double cascade_synthesis(const cascade_par *cp, double mtor, double mtor_ref)
{
    const double eps = 1e-3;
    double rel = (pos(mtor) + eps) / (pos(mtor_ref) + eps);
    double kh = pow(cp->km_synp, cp->h_synp), mh = pow(rel, cp->h_synp);
    return mh * (kh + 1.0) / (kh + mh);
}

static double glutamate_drive(const cascade_par *cp, const double *c)
{
    /* Disinhibition: interneuron output divides pyramidal drive; direct
     * pyramidal block lowers it.  At anaesthetic block the second wins. */
    double inhibition = (1.0 - cp->w_inh) + cp->w_inh * pos(c[C_INTN]);
    return (1.0 - cp->dep_pyr * c[C_BLOCK_PYR]) / inhibition;
}

static double trkb_target(const cascade_par *cp, double bdnf, double drug_block)
{
    bdnf = pos(bdnf);
    return (1.0 - both(cp->trkb_block, drug_block)) * bdnf * (1.0 + cp->km_trkb) / (cp->km_trkb + bdnf);
}

static double mtor_target(const cascade_par *cp, double trkb, double ampa, double rheb,
                          double drug_inh)
{
    double upstream = cp->w_trkb_mtor * trkb + (1.0 - cp->w_trkb_mtor) * ampa;
    return (1.0 - both(cp->rapa, drug_inh)) * pow(pos(upstream), cp->mtor_up_exp) *
           pow(pos(rheb), cp->rheb_exp);
}

static double ltp_drive(const cascade_par *cp, double trkb, double ampa)
{
    /* Induction needs activation above a threshold: potentiation follows the
     * surge, not the low tail of drive while the drug clears. */
    double x = cp->w_trkb_ltp * (trkb - 1.0) + (1.0 - cp->w_trkb_ltp) * (ampa - 1.0) - cp->ltp_theta;
    return x > 0.0 ? x : 0.0;
}

static double spine_formation(const cascade_par *cp, double synp, double spine)
{
    /* Formation scales with synaptic protein and saturates at spine_max;
     * normalised so that the set point is the untreated equilibrium. */
    return cp->spine_set * pow(pos(synp), cp->spine_exp) * (cp->spine_max - spine) /
           (cp->spine_max - cp->spine_set);
}

void cascade_rhs(const cascade_par *cp, const brain_drive *d, const double *c, double *dc)
{
    double x = d->nmda;
    dc[C_BLOCK_INT] = cp->nmda_koff * (cp->sel * x * (1.0 - c[C_BLOCK_INT]) - c[C_BLOCK_INT]);
    dc[C_BLOCK_PYR] = cp->nmda_koff * (x * (1.0 - c[C_BLOCK_PYR]) - c[C_BLOCK_PYR]);
    dc[C_INTN] = cp->k_int * (1.0 - cp->dep_int * c[C_BLOCK_INT] - c[C_INTN]);
    double fb = pow(pos(c[C_GLU_FB]), cp->g_fb);
    dc[C_GLU] = cp->k_glu * (glutamate_drive(cp, c) / fb - c[C_GLU]);
    dc[C_GLU_FB] = cp->k_fb * (c[C_GLU] - c[C_GLU_FB]);
    dc[C_PEEF2] = cp->k_eef2 * (1.0 - cp->dep_eef2 * c[C_BLOCK_PYR] - c[C_PEEF2]);

    double ampa = cascade_ampa_activation(cp, d, c);
    double translation = 1.0 + cp->g_trans * (1.0 - c[C_PEEF2]);
    double supply = cp->bdnf_scale * ((1.0 - cp->w_ampa_bdnf) * translation + cp->w_ampa_bdnf * ampa);
    dc[C_BDNF] = cp->k_bdnf * (supply - c[C_BDNF]);
    dc[C_PBDNF] = cp->k_pbdnf * (c[C_BDNF] - c[C_PBDNF]);
    dc[C_TRKB] = cp->k_trkb * (trkb_target(cp, c[C_BDNF], d->trkb_block) - c[C_TRKB]);

    double no = (1.0 - both(cp->nos_inh, d->nos_inh)) * (1.0 - c[C_BLOCK_PYR]) * pos(c[C_GLU]);
    dc[C_SNO] = cp->k_sno * (no - c[C_SNO]);
    double degradation = cp->rheb_d0 + (1.0 - cp->rheb_d0) * c[C_SNO];
    dc[C_RHEB] = cp->k_rheb * (1.0 - degradation * c[C_RHEB]);
    dc[C_MTOR] = cp->k_mtor * (mtor_target(cp, c[C_TRKB], ampa, c[C_RHEB], d->mtor_inh) - c[C_MTOR]);

    double synthesis = cascade_synthesis(cp, c[C_MTOR], c[C_MTOR_REF]);
    dc[C_MTOR_REF] = cp->k_mtor_ref * (c[C_MTOR] - c[C_MTOR_REF]);
    dc[C_SYNP] = cp->k_synp * (synthesis - c[C_SYNP]);
    dc[C_SPINE] = cp->k_spine * (spine_formation(cp, c[C_SYNP], c[C_SPINE]) - c[C_SPINE]);

    double drive = ltp_drive(cp, c[C_TRKB], ampa);
    dc[C_LTP_E] = cp->e_kon * drive * (cp->e_max - c[C_LTP_E]) - cp->e_koff * c[C_LTP_E];
    /* Consolidation needs new protein: early potentiation x mTORC1-driven synthesis. */
    dc[C_LTP_L] = cp->l_kcons * pos(c[C_LTP_E]) * synthesis * (1.0 - c[C_LTP_L] / cp->l_max) -
                  cp->l_koff * c[C_LTP_L];

    /* GAD67 expression follows BDNF-TrkB-driven protein synthesis (relative,
     * so a chronic BDNF shift does not empty the GABA pool). */
    dc[C_GAD] = cp->k_gad * (pow(synthesis, cp->g_gad) - c[C_GAD]);
    dc[C_GABA] = cp->k_gaba * (pow(pos(c[C_INTN]), cp->gaba_act_exp) * c[C_GAD] - c[C_GABA]);
    dc[C_GLN] = cp->k_gln * (c[C_GLU] - c[C_GLN]);
    dc[C_TGLU] = cp->k_tglu * (pow(pos(c[C_SYNP]), cp->tglu_pexp) * pow(pos(c[C_GLU]), cp->tglu_rexp) -
                               c[C_TGLU]);
    dc[C_X_CADSS] = cp->cadss_keo * (x - c[C_X_CADSS]);
    dc[C_X_SBP] = cp->sbp_keo * (x - c[C_X_SBP]);
}

double cascade_synaptic_function(const cascade_par *cp, const double *c)
{
    return c[C_SPINE] * (1.0 + cp->mood_sens * (cp->e_mood_w * c[C_LTP_E] + c[C_LTP_L]));
}

/* ---- untreated steady state ----
 * With no drug every state has a closed form.  Synaptic protein is 1 at any
 * chronic steady state because synthesis reads mTORC1 relative to its own
 * slow reference; the reference settles on the untreated mTORC1 level. */

typedef struct ss_point {
    double ampa, bdnf, trkb, rheb, mtor;
} ss_point;

static void ss_chain(const cascade_par *cp, ss_point *s)
{
    brain_drive none = {0};
    double c[C_N] = {0};
    c[C_GLU] = 1.0;
    c[C_SYNP] = 1.0;
    s->ampa = cascade_ampa_activation(cp, &none, c);
    s->bdnf = cp->bdnf_scale * ((1.0 - cp->w_ampa_bdnf) + cp->w_ampa_bdnf * s->ampa);
    s->trkb = trkb_target(cp, s->bdnf, 0.0);
    double sno = 1.0 - cp->nos_inh;
    s->rheb = 1.0 / (cp->rheb_d0 + (1.0 - cp->rheb_d0) * sno);
    s->mtor = mtor_target(cp, s->trkb, s->ampa, s->rheb, 0.0);
}

int cascade_steady_state(const cascade_par *cp, double *c, ketsim_error *err)
{
    if (!(cp->spine_max > cp->spine_set))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "spine.max_rel (%g) must exceed spine.setpoint_rel (%g)",
                           cp->spine_max, cp->spine_set);
    ss_point s;
    ss_chain(cp, &s);
    for (int i = 0; i < C_N; i++)
        c[i] = 0.0;
    c[C_INTN] = c[C_GLU] = c[C_GLU_FB] = c[C_PEEF2] = c[C_GLN] = c[C_SYNP] = c[C_TGLU] = 1.0;
    c[C_BDNF] = c[C_PBDNF] = s.bdnf;
    c[C_TRKB] = s.trkb;
    c[C_SNO] = 1.0 - cp->nos_inh;
    c[C_RHEB] = s.rheb;
    c[C_MTOR] = c[C_MTOR_REF] = s.mtor;
    c[C_SPINE] = cp->spine_set;
    double drive = ltp_drive(cp, s.trkb, s.ampa);
    c[C_LTP_E] = cp->e_kon * drive * cp->e_max / (cp->e_kon * drive + cp->e_koff);
    double cons = cp->l_kcons * c[C_LTP_E]; /* synthesis is 1 at steady state */
    c[C_LTP_L] = cons / (cons / cp->l_max + cp->l_koff);
    c[C_GAD] = c[C_GABA] = 1.0;
    return KETSIM_OK;
}
