/* The signalling cascade (docs/model.md section 3), from NMDA block to synapses, and
 * the tissue pools MRS sees.  Every state is relative (1 = untreated healthy
 * baseline) except the blocks (fractions 0-1) and the potentiation states
 * (0 at baseline).  docs/model.md lists each equation. */
#include "model_impl.h"

#include <math.h>
#include <stddef.h>


/* Every cascade parameter: its row in the parameter table and its field.
 * One table serves the model, the SBML exporter and forward sensitivities. */
#define CF(key, field) {key, offsetof(cascade_par, field)}
const cascade_field cascade_fields[] = {
    CF("nmda.koff_per_h", nmda_koff),
    CF("nmda.interneuron_selectivity", sel),
    CF("intn.k_per_h", k_int),
    CF("intn.nmda_dependence", dep_int),
    CF("glu.k_per_h", k_glu),
    CF("glu.inhibition_weight", w_inh),
    CF("glu.pyramidal_nmda_dependence", dep_pyr),
    CF("glu.feedback_k_per_h", k_fb),
    CF("glu.feedback_gain", g_fb),
    CF("glu.anaesthetic_x50", anaes_x50),
    CF("glu.anaesthetic_hill", anaes_h),
    CF("glu.anaesthetic_floor_rel", anaes_floor),
    CF("glu.anaesthetic_offset_k_per_h", anaes_koff),
    CF("ampa.surface_exponent", ampa_exp),
    CF("ampa.antagonist_occupancy", ampa_occ),
    CF("eef2.k_per_h", k_eef2),
    CF("eef2.nmda_dependence", dep_eef2),
    CF("bdnf.k_per_h", k_bdnf),
    CF("bdnf.ampa_weight", w_ampa_bdnf),
    CF("bdnf.translation_gain", g_trans),
    CF("bdnf.release_scale", bdnf_scale),
    CF("plasma_bdnf.k_per_h", k_pbdnf),
    CF("trkb.k_per_h", k_trkb),
    CF("trkb.km_rel", km_trkb),
    CF("trkb.block", trkb_block),
    CF("nos.inhibition", nos_inh),
    CF("sno.k_per_h", k_sno),
    CF("rheb.k_per_h", k_rheb),
    CF("rheb.basal_degradation_fraction", rheb_d0),
    CF("mtor.k_per_h", k_mtor),
    CF("mtor.trkb_weight", w_trkb_mtor),
    CF("mtor.basal_fraction", mtor_basal),
    CF("mtor.rheb_exponent", rheb_exp),
    CF("mtor.rapamycin_inhibition", rapa),
    CF("mtor.upstream_exponent", mtor_up_exp),
    CF("mtor.adaptation_k_per_h", k_mtor_ref),
    CF("synprot.k_per_h", k_synp),
    CF("synprot.km_mtor_rel", km_synp),
    CF("synprot.hill", h_synp),
    CF("spine.formation_k_per_h", k_spine_form),
    CF("spine.elimination_k_per_h", k_spine_elim),
    CF("spine.synthesis_exponent", spine_exp),
    CF("spine.max_rel", spine_max),
    CF("spine.setpoint_rel", spine_set),
    CF("spine.maturation_k_per_h", k_spine_mat),
    CF("ltp.early_k_on_per_h", e_kon),
    CF("ltp.early_k_off_per_h", e_koff),
    CF("ltp.early_max", e_max),
    CF("ltp.trkb_weight", w_trkb_ltp),
    CF("ltp.induction_threshold", ltp_theta),
    CF("ltp.early_mood_weight", e_mood_w),
    CF("ltp.early_synthesis_dependence", e_syn_dep),
    CF("ltp.consolidation_k_per_h", l_kcons),
    CF("ltp.late_k_off_per_h", l_koff),
    CF("ltp.late_max", l_max),
    CF("gaba.k_per_h", k_gaba),
    CF("gaba.activity_exponent", gaba_act_exp),
    CF("gad.k_per_h", k_gad),
    CF("gad.synthesis_exponent", g_gad),
    CF("gln.k_per_h", k_gln),
    CF("tissue_glu.k_per_h", k_tglu),
    CF("tissue_glu.protein_exponent", tglu_pexp),
    CF("tissue_glu.release_exponent", tglu_rexp),
    CF("patient.madrs_baseline", madrs0),
    CF("mood.sensitivity", mood_sens),
    CF("hamd.per_madrs", hamd_per_madrs),
    CF("cadss.keo_per_h", cadss_keo),
    CF("cadss.max", cadss_max),
    CF("cadss.x50", cadss_x50),
    CF("cadss.hill", cadss_h),
    CF("sbp.keo_per_h", sbp_keo),
    CF("sbp.max_mmhg", sbp_max),
    CF("sbp.x50", sbp_x50),
    CF("sbp.hill", sbp_h),
    CF("dbp.max_mmhg", dbp_max),
    CF("dbp.x50", dbp_x50),
    CF("dbp.hill", dbp_h),
    CF("hr.max_bpm", hr_max),
    CF("hr.x50", hr_x50),
    CF("hr.hill", hr_h),
    CF("sedation.hill", sedation_h),
};
#undef CF
const size_t cascade_n_fields = sizeof cascade_fields / sizeof cascade_fields[0];

void cascade_read_params(cascade_par *cp, const ketsim_params *p)
{
    for (size_t i = 0; i < cascade_n_fields; i++)
        *(double *)((char *)cp + cascade_fields[i].off) = ketsim_params_value(p, cascade_fields[i].key);
}

/* Solver noise can push a relative state a hair below zero; the algebra
 * below takes powers of them, so read them through this. */
static double pos(double x) { return x > 0.0 ? x : 0.0; }

/* Two independent blockers: a fixed hook and a drug, combined as 1 - (1-a)(1-b). */
static double both(double hook, double drug)
{
    return 1.0 - (1.0 - hook) * (1.0 - drug);
}

/* The share of a ketamine-evoked (above- or below-baseline) AMPA signal that
 * gets through: a fixed hook and a tool compound's occupancy both block it. */
static double evoked_ampa_gate(const cascade_par *cp, const brain_drive *d)
{
    return 1.0 - both(cp->ampa_occ, d->ampa_block);
}

/* AMPA signalling to BDNF release, mTORC1 and potentiation.  A fixed hook
 * (chronic block) scales all of it; an acute antagonist (a tool compound's
 * occupancy) blocks only the part evoked above or below the resting level,
 * which homeostasis holds over the hours of an experiment, so NBQX alone
 * leaves basal signalling at vehicle level while it abolishes the surge's. */
double cascade_ampa_activation(const cascade_par *cp, const brain_drive *d, const double *c)
{
    double unblocked = pos(c[C_GLU]) * pow(pos(c[C_SYNP]), cp->ampa_exp) * (1.0 + d->ampa_pot);
    return (1.0 - cp->ampa_occ) + evoked_ampa_gate(cp, d) * (unblocked - 1.0);
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

/* Cortex switches between an awake and an anaesthetised state (a two-state
 * process: stochastic switching between discrete activity patterns gives
 * neural inertia, PMC6200107).  The odds of the anaesthetised state at
 * equilibrium are (x / x50)^h, so it is a steep function of the NMDA drive
 * (ketamine's hypnosis is the deep end of its dissociation; HCN1 and other
 * low-affinity targets act over the same range).  Leaving it takes its own
 * time, k_off, however fast the drug falls; entering it is faster the
 * further the drive exceeds x50 (within a minute of an induction dose). */
static double anaesthesia_rate(const cascade_par *cp, double nmda_drive, double state)
{
    double odds = pow(pos(nmda_drive) / cp->anaes_x50, cp->anaes_h);
    return cp->anaes_koff * (odds * (1.0 - state) - state);
}

static double glutamate_drive(const cascade_par *cp, const double *c)
{
    /* Disinhibition: interneuron output divides pyramidal drive; direct
     * pyramidal block lowers it.  The anaesthetic state caps what is left
     * (HCN1 and other non-NMDA targets hyperpolarise pyramidal cells) at
     * the level glucose use shows under anaesthesia: below baseline in
     * rats, at baseline in humans.  It lowers a surge; it never raises a
     * drive that pyramidal block has already brought below the cap. */
    double inhibition = (1.0 - cp->w_inh) + cp->w_inh * pos(c[C_INTN]);
    double awake = (1.0 - cp->dep_pyr * c[C_BLOCK_PYR]) / inhibition;
    double a = pos(c[C_ANAES]);
    return (1.0 - a) * awake + a * fmin(awake, cp->anaes_floor);
}

static double trkb_target(const cascade_par *cp, double bdnf, double drug_block)
{
    bdnf = pos(bdnf);
    return (1.0 - both(cp->trkb_block, drug_block)) * bdnf * (1.0 + cp->km_trkb) / (cp->km_trkb + bdnf);
}

static double mtor_target(const cascade_par *cp, double trkb, double ampa, double rheb,
                          double drug_inh)
{
    /* A basal share of mTORC1 runs on inputs ketamine does not touch
     * (insulin/IGF-1, amino acids); the rest needs TrkB (or a little AMPA)
     * drive and free Rheb, so without BDNF ketamine cannot raise it. */
    double upstream = cp->w_trkb_mtor * trkb + (1.0 - cp->w_trkb_mtor) * ampa;
    double driven = pow(pos(upstream), cp->mtor_up_exp) * pow(pos(rheb), cp->rheb_exp);
    return (1.0 - both(cp->rapa, drug_inh)) * (cp->mtor_basal + (1.0 - cp->mtor_basal) * driven);
}

static double ltp_drive(const cascade_par *cp, double trkb, double ampa, double gate)
{
    /* Induction needs activation above a threshold: potentiation follows the
     * surge, not the low tail of drive while the drug clears.  It also needs
     * the AMPA-driven depolarisation the surge brings: BDNF-dependent LTP is
     * recruited by postsynaptic burst firing (Edelmann 2015), and an AMPA
     * antagonist given first removes both the gamma rise and the behavioural
     * effect of rapid-acting drugs (MRK-016 study, Zanos 2016 for HNK).  So
     * an acute antagonist's gate scales the whole evoked drive, TrkB's share
     * too; with no blocker the gate is 1 and nothing changes. */
    double evoked = cp->w_trkb_ltp * (trkb - 1.0) + (1.0 - cp->w_trkb_ltp) * (ampa - 1.0);
    double x = gate * evoked - cp->ltp_theta;
    return x > 0.0 ? x : 0.0;
}

/* Spines in two stages.  Extra mTORC1-driven synthesis forms nascent spines
 * (limited by the room left below spine_max, counting those still nascent);
 * they become stable, counted spines only as they mature, over about a day,
 * which is why density is flat for the first hours and rises from half a day
 * on.  Stable spines above the set point are pruned back slowly, so a burst
 * of formation outlasts the synthesis by days.  A synthesis deficit
 * (rapamycin, NBQX) speeds pruning, in proportion to the spines present,
 * which keeps the density positive. */
static double spine_excess(const cascade_par *cp, double synthesis)
{
    return pow(pos(synthesis), cp->spine_exp) - 1.0;
}

static double nascent_spine_rate(const cascade_par *cp, double synthesis, double spine, double nascent)
{
    double excess = spine_excess(cp, synthesis);
    double formation = excess > 0.0 ? cp->k_spine_form * excess * cp->spine_set *
                                          (cp->spine_max - spine - nascent) / (cp->spine_max - cp->spine_set)
                                    : 0.0;
    return formation - cp->k_spine_mat * nascent;
}

static double spine_rate(const cascade_par *cp, double synthesis, double spine, double nascent)
{
    double excess = spine_excess(cp, synthesis);
    double deficit_pruning = excess < 0.0 ? cp->k_spine_elim * excess * spine : 0.0;
    return cp->k_spine_mat * nascent + deficit_pruning - cp->k_spine_elim * (spine - cp->spine_set);
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
    /* Translated BDNF is released by activity (AMPA, L-type Ca2+ channels;
     * Lepack 2015), so the AMPA antagonist gates this evoked supply too. */
    double translation = 1.0 + evoked_ampa_gate(cp, d) * cp->g_trans * (1.0 - c[C_PEEF2]);
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
    dc[C_SPINE_NASCENT] = nascent_spine_rate(cp, synthesis, c[C_SPINE], c[C_SPINE_NASCENT]);
    dc[C_SPINE] = spine_rate(cp, synthesis, c[C_SPINE], c[C_SPINE_NASCENT]);

    double drive = ltp_drive(cp, c[C_TRKB], ampa, evoked_ampa_gate(cp, d));
    /* Early potentiation outlasts the drive only while protein synthesis
     * keeps up: a synthesis deficit (rapamycin) speeds its decay. */
    double e_loss = cp->e_koff * (1.0 + cp->e_syn_dep * pos(1.0 - synthesis));
    dc[C_LTP_E] = cp->e_kon * drive * (cp->e_max - c[C_LTP_E]) - e_loss * c[C_LTP_E];
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
    dc[C_ANAES] = anaesthesia_rate(cp, x, c[C_ANAES]);
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
    brain_drive none = {0}; /* no drug: only the fixed hook gates */
    double drive = ltp_drive(cp, s.trkb, s.ampa, evoked_ampa_gate(cp, &none));
    c[C_LTP_E] = cp->e_kon * drive * cp->e_max / (cp->e_kon * drive + cp->e_koff);
    double cons = cp->l_kcons * c[C_LTP_E]; /* synthesis is 1 at steady state */
    c[C_LTP_L] = cons / (cons / cp->l_max + cp->l_koff);
    c[C_GAD] = c[C_GABA] = 1.0;
    return KETSIM_OK;
}
