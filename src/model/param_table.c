/* Every built-in model constant: value per species, unit, allowed range and
 * source.  This file is the single place a number enters the model.
 *
 * Conventions
 *  - PK volumes and clearances are for the species' reference weight
 *    (species.ref_weight_kg); the model scales them to the subject's weight
 *    allometrically (exponent 0.75 for clearances and flows, 1 for volumes).
 *  - Compound rows are named COMPOUND.FIELD; metabolic links
 *    PARENT.to_CHILD.FIELD.  Compounds: s_ket, r_ket (S-/R-ketamine), s_nk,
 *    r_nk (norketamine), s_dhnk, r_dhnk (dehydronorketamine),
 *    s_hnk ((2S,6S)-HNK), r_hnk ((2R,6R)-HNK).
 *  - "calibrated to target X" names a row of data/targets.csv with role
 *    calibration; "assumed" says why the value was chosen where no source
 *    gives it. */
#include "core/param_rows.h"
#include "ketsim/model.h"

#include <math.h>

#define ALL(v) {(v), (v), (v)}
#define SP(h, r, m) {(h), (r), (m)}
#define POS 0.0, INFINITY
/* Strictly positive: at zero the model is undefined (a half-maximal level
 * or a rate it divides by); 1e-9 is far below any meaningful value and far
 * above an underflow. */
#define POS_NZ 1e-9, INFINITY
#define FRAC 0.0, 1.0

/* Sources cited more than once. */
#define FANTA "Fanta 2015 Eur J Clin Pharmacol (S-ketamine, venous); rodents: assumed from high hepatic extraction (dog/rabbit CL 2-5 L/h/kg, Kaka 1980, Pypendop 2005), mouse tuned to t1/2 ~13 min (Maxwell 2006)"
#define OTTO "Otto 2021 Eur J Clin Pharmacol (S-norketamine, venous); rodents assumed (t1/2 ~1 h, dog/rabbit norketamine)"
#define SIMONS_HNK "Simons 2022 Front Pain Res (S-HNK); rat: Moaddel 2015 Pharmacol Res Perspect (CL 0.70 L/h/kg, Vd 7.35 L/kg); mouse assumed t1/2 ~0.7 h"
#define R_VOL "human: S-ketamine's volumes (Fanta 2015) x 5.6/6.6, the R:S volume at steady state of Hasan 2021 Anesthesiology (Geisslinger 1993 Br J Anaesth: R volume smaller than S after the racemate); rodents: S-ketamine's (assumed; in dogs the enantiomers distribute alike, Anesthesiology 1999)"
#define R_Q_KET "assumed as S-ketamine (Fanta 2015): in dogs the enantiomers' intercompartmental clearances are the same (Anesthesiology 1999)"
#define R_AS_S_NK "assumed as S-norketamine (Otto 2021): no enantiomer-resolved norketamine distribution found"
#define R_AS_S_HNK "assumed as (2S,6S)-HNK (Simons 2022; rat Moaddel 2015): no enantiomer-resolved HNK distribution found"
#define MOLAR "molar mass (docs/literature.md section 2)"
#define FU_KET "Dayton 1983 Eur J Clin Pharmacol: up to 47% bound"
#define KP_KET "Cohen 1973 Anesthesiology: rat brain:plasma 6.5 (total)"
#define KPUU "assumed 1: lipophilic, passive entry; no transporter known"
#define KEO_BRAIN "assumed: brain equilibrium within about a minute (Cohen 1973)"
#define NOAMPA "no direct AMPA action (acts through glutamate release)"
#define NOTOOL "no such action"

static const ketsim_param_def rows[] = {
    /* ---- species ---- */
    {"species.ref_weight_kg", "kg", SP(70, 0.25, 0.025), 1e-3, 500, LIT, "convention: the weight the PK rows refer to", "reference body weight"},
    {"species.brain_volume_l", "L", SP(1.4, 0.002, 0.0004), 1e-6, 10, LIT, "brain mass 1.4 kg / 2 g / 0.4 g at 1 kg/L (textbook)", "volume an intracerebroventricular dose dilutes into"},

    /* ---- S-ketamine ---- */
    {"s_ket.mw_g_per_mol", "g/mol", ALL(237.73), POS, LIT, MOLAR, "molar mass"},
    {"s_ket.v1_l", "L", SP(133, 0.25, 0.025), POS, LIT, FANTA, "central volume"},
    {"s_ket.v2_l", "L", SP(187, 0.625, 0.05), POS, LIT, FANTA, "first peripheral volume"},
    {"s_ket.v3_l", "L", SP(98.8, 0, 0), POS, LIT, FANTA, "second peripheral volume (0: none)"},
    {"s_ket.cl_l_per_h", "L/h", SP(95.2, 1.0, 0.25), POS, LIT, FANTA, "elimination clearance (all pathways)"},
    {"s_ket.q2_l_per_h", "L/h", SP(23.2, 1.5, 0.2), POS, LIT, FANTA, "intercompartmental clearance to v2"},
    {"s_ket.q3_l_per_h", "L/h", SP(157, 0, 0), POS, LIT, FANTA, "intercompartmental clearance to v3"},
    {"s_ket.fu_plasma", "1", ALL(0.53), FRAC, LIT, FU_KET, "unbound fraction in plasma"},
    {"s_ket.kp_brain", "1", ALL(6.5), POS, LIT, KP_KET, "total brain:plasma ratio"},
    {"s_ket.kpuu_brain", "1", ALL(1.0), POS, ASSUMED, KPUU, "unbound brain:unbound plasma ratio"},
    {"s_ket.keo_brain_per_h", "1/h", ALL(40), POS, ASSUMED, KEO_BRAIN, "brain equilibration rate"},
    {"s_ket.nmda_ki_um", "uM", ALL(0.30), POS, LIT, "Ebert 1997 Eur J Pharmacol", "NMDA channel-site Ki"},
    {"s_ket.ampa_emax", "1", ALL(0), POS, LIT, NOAMPA, "maximal fractional AMPA potentiation"},
    {"s_ket.ampa_ec50_um", "uM", ALL(1), POS, LIT, NOAMPA, "AMPA potentiation EC50"},
    {"s_ket.ampa_block_ki_um", "uM", ALL(0), POS, LIT, NOTOOL, "AMPA antagonist Ki (0: none)"},
    {"s_ket.mtor_inhibition_ic50_um", "uM", ALL(0), POS, LIT, NOTOOL, "mTORC1 inhibition IC50 (0: none)"},
    {"s_ket.trkb_block_ki_um", "uM", ALL(0), POS, LIT, NOTOOL, "TrkB antagonist Ki (0: none)"},
    {"s_ket.nos_inhibition_ic50_um", "uM", ALL(0), POS, LIT, NOTOOL, "NOS inhibition IC50 (0: none)"},
    {"s_ket.to_s_nk.fraction", "1", ALL(0.8), FRAC, LIT, "Simons 2022 Front Pain Res (fixed)", "fraction of clearance forming S-norketamine"},
    {"s_ket.to_s_nk.mtt_h", "h", ALL(0.333), POS, LIT, "Simons 2022: mean transit about 20 min", "formation delay (one transit compartment)"},

    /* ---- R-ketamine: S-ketamine's disposition with the published R:S ratios ---- */
    {"r_ket.mw_g_per_mol", "g/mol", ALL(237.73), POS, LIT, MOLAR, "molar mass"},
    {"r_ket.v1_l", "L", SP(112.8, 0.25, 0.025), POS, LIT, R_VOL, "central volume"},
    {"r_ket.v2_l", "L", SP(158.7, 0.625, 0.05), POS, LIT, R_VOL, "first peripheral volume"},
    {"r_ket.v3_l", "L", SP(83.8, 0, 0), POS, LIT, R_VOL, "second peripheral volume (0: none)"},
    {"r_ket.cl_l_per_h", "L/h", SP(79.3, 0.833, 0.208), POS, LIT, "S-ketamine clearance x 0.020/0.024 (Persson 2002 Eur J Clin Pharmacol, each enantiomer alone; Wang 2019 Drug Des Devel Ther: 15.8/18.4 in the racemate); rodents: the human ratio (assumed; dogs 22.2/29.9)", "elimination clearance"},
    {"r_ket.q2_l_per_h", "L/h", SP(23.2, 1.5, 0.2), POS, ASSUMED, R_Q_KET, "intercompartmental clearance to v2"},
    {"r_ket.q3_l_per_h", "L/h", SP(157, 0, 0), POS, ASSUMED, R_Q_KET, "intercompartmental clearance to v3"},
    {"r_ket.fu_plasma", "1", ALL(0.53), FRAC, LIT, FU_KET, "unbound fraction in plasma"},
    {"r_ket.kp_brain", "1", ALL(6.5), POS, LIT, KP_KET, "total brain:plasma ratio"},
    {"r_ket.kpuu_brain", "1", ALL(1.0), POS, ASSUMED, KPUU, "unbound brain:unbound plasma ratio"},
    {"r_ket.keo_brain_per_h", "1/h", ALL(40), POS, ASSUMED, KEO_BRAIN, "brain equilibration rate"},
    {"r_ket.nmda_ki_um", "uM", ALL(1.4), POS, LIT, "Ebert 1997 Eur J Pharmacol", "NMDA channel-site Ki"},
    {"r_ket.ampa_emax", "1", ALL(0), POS, LIT, NOAMPA, "maximal fractional AMPA potentiation"},
    {"r_ket.ampa_ec50_um", "uM", ALL(1), POS, LIT, NOAMPA, "AMPA potentiation EC50"},
    {"r_ket.ampa_block_ki_um", "uM", ALL(0), POS, LIT, NOTOOL, "AMPA antagonist Ki (0: none)"},
    {"r_ket.mtor_inhibition_ic50_um", "uM", ALL(0), POS, LIT, NOTOOL, "mTORC1 inhibition IC50 (0: none)"},
    {"r_ket.trkb_block_ki_um", "uM", ALL(0), POS, LIT, NOTOOL, "TrkB antagonist Ki (0: none)"},
    {"r_ket.nos_inhibition_ic50_um", "uM", ALL(0), POS, LIT, NOTOOL, "NOS inhibition IC50 (0: none)"},
    {"r_ket.to_r_nk.fraction", "1", ALL(0.8), FRAC, ASSUMED, "assumed as S (Simons 2022)", "fraction of clearance forming R-norketamine"},
    {"r_ket.to_r_nk.mtt_h", "h", ALL(0.333), POS, ASSUMED, "assumed as S (Simons 2022)", "formation delay"},

    /* ---- norketamine ---- */
    {"s_nk.mw_g_per_mol", "g/mol", ALL(223.70), POS, LIT, MOLAR, "molar mass"},
    {"s_nk.v1_l", "L", SP(98.6, 0.25, 0.025), POS, LIT, OTTO, "central volume"},
    {"s_nk.v2_l", "L", SP(160, 0.25, 0.025), POS, LIT, OTTO, "peripheral volume"},
    {"s_nk.v3_l", "L", ALL(0), POS, LIT, "two-compartment model", "second peripheral volume"},
    {"s_nk.cl_l_per_h", "L/h", SP(57.7, 0.5, 0.125), POS, LIT, OTTO, "elimination clearance"},
    {"s_nk.q2_l_per_h", "L/h", SP(42.8, 0.75, 0.1), POS, LIT, OTTO, "intercompartmental clearance"},
    {"s_nk.q3_l_per_h", "L/h", ALL(0), POS, LIT, "two-compartment model", "unused"},
    {"s_nk.fu_plasma", "1", ALL(0.5), FRAC, ASSUMED, "assumed close to ketamine", "unbound fraction in plasma"},
    {"s_nk.kp_brain", "1", ALL(4.0), POS, ASSUMED, "assumed: higher in brain than plasma by 10 min (Cohen 1973)", "total brain:plasma ratio"},
    {"s_nk.kpuu_brain", "1", ALL(1.0), POS, ASSUMED, KPUU, "unbound brain:unbound plasma ratio"},
    {"s_nk.keo_brain_per_h", "1/h", ALL(10), POS, ASSUMED, "assumed: slower than parent (more polar)", "brain equilibration rate"},
    {"s_nk.nmda_ki_um", "uM", ALL(1.7), POS, LIT, "Ebert 1997 Eur J Pharmacol", "NMDA channel-site Ki"},
    {"s_nk.ampa_emax", "1", ALL(0), POS, LIT, NOAMPA, "maximal fractional AMPA potentiation"},
    {"s_nk.ampa_ec50_um", "uM", ALL(1), POS, LIT, NOAMPA, "AMPA potentiation EC50"},
    {"s_nk.ampa_block_ki_um", "uM", ALL(0), POS, LIT, NOTOOL, "AMPA antagonist Ki (0: none)"},
    {"s_nk.mtor_inhibition_ic50_um", "uM", ALL(0), POS, LIT, NOTOOL, "mTORC1 inhibition IC50 (0: none)"},
    {"s_nk.trkb_block_ki_um", "uM", ALL(0), POS, LIT, NOTOOL, "TrkB antagonist Ki (0: none)"},
    {"s_nk.nos_inhibition_ic50_um", "uM", ALL(0), POS, LIT, NOTOOL, "NOS inhibition IC50 (0: none)"},
    {"s_nk.to_s_hnk.fraction", "1", ALL(0.7), FRAC, LIT, "Simons 2022 Front Pain Res (fixed)", "fraction of clearance forming (2S,6S)-HNK"},
    {"s_nk.to_s_hnk.mtt_h", "h", ALL(0.0167), POS, LIT, "Simons 2022: about 1 min", "formation delay"},
    {"s_nk.to_s_dhnk.fraction", "1", ALL(0.2), FRAC, ASSUMED, "assumed: remainder after HNK, most of it to DHNK (Idvall 1979)", "fraction of clearance forming DHNK"},
    {"s_nk.to_s_dhnk.mtt_h", "h", ALL(0.25), POS, ASSUMED, "assumed", "formation delay"},
    {"r_nk.mw_g_per_mol", "g/mol", ALL(223.70), POS, LIT, MOLAR, "molar mass"},
    {"r_nk.v1_l", "L", SP(98.6, 0.25, 0.025), POS, ASSUMED, R_AS_S_NK, "central volume"},
    {"r_nk.v2_l", "L", SP(160, 0.25, 0.025), POS, ASSUMED, R_AS_S_NK, "peripheral volume"},
    {"r_nk.v3_l", "L", ALL(0), POS, LIT, "two-compartment model", "second peripheral volume"},
    {"r_nk.cl_l_per_h", "L/h", SP(57.7, 0.5, 0.125), POS, ASSUMED, "assumed as S-norketamine (Otto 2021): Goldberg 2011 Chirality finds S-norketamine eliminated faster than R in patients (dogs the opposite), but no value was found", "elimination clearance"},
    {"r_nk.q2_l_per_h", "L/h", SP(42.8, 0.75, 0.1), POS, ASSUMED, R_AS_S_NK, "intercompartmental clearance"},
    {"r_nk.q3_l_per_h", "L/h", ALL(0), POS, LIT, "two-compartment model", "unused"},
    {"r_nk.fu_plasma", "1", ALL(0.5), FRAC, ASSUMED, "assumed close to ketamine", "unbound fraction in plasma"},
    {"r_nk.kp_brain", "1", ALL(4.0), POS, ASSUMED, "assumed as S-norketamine", "total brain:plasma ratio"},
    {"r_nk.kpuu_brain", "1", ALL(1.0), POS, ASSUMED, KPUU, "unbound brain:unbound plasma ratio"},
    {"r_nk.keo_brain_per_h", "1/h", ALL(10), POS, ASSUMED, "assumed as S-norketamine", "brain equilibration rate"},
    {"r_nk.nmda_ki_um", "uM", ALL(13), POS, LIT, "Ebert 1997 Eur J Pharmacol", "NMDA channel-site Ki"},
    {"r_nk.ampa_emax", "1", ALL(0), POS, LIT, NOAMPA, "maximal fractional AMPA potentiation"},
    {"r_nk.ampa_ec50_um", "uM", ALL(1), POS, LIT, NOAMPA, "AMPA potentiation EC50"},
    {"r_nk.ampa_block_ki_um", "uM", ALL(0), POS, LIT, NOTOOL, "AMPA antagonist Ki (0: none)"},
    {"r_nk.mtor_inhibition_ic50_um", "uM", ALL(0), POS, LIT, NOTOOL, "mTORC1 inhibition IC50 (0: none)"},
    {"r_nk.trkb_block_ki_um", "uM", ALL(0), POS, LIT, NOTOOL, "TrkB antagonist Ki (0: none)"},
    {"r_nk.nos_inhibition_ic50_um", "uM", ALL(0), POS, LIT, NOTOOL, "NOS inhibition IC50 (0: none)"},
    {"r_nk.to_r_hnk.fraction", "1", ALL(0.7), FRAC, ASSUMED, "assumed as S (Simons 2022)", "fraction of clearance forming (2R,6R)-HNK"},
    {"r_nk.to_r_hnk.mtt_h", "h", ALL(0.0167), POS, ASSUMED, "assumed as S (Simons 2022)", "formation delay"},
    {"r_nk.to_r_dhnk.fraction", "1", ALL(0.2), FRAC, ASSUMED, "assumed as S", "fraction of clearance forming DHNK"},
    {"r_nk.to_r_dhnk.mtt_h", "h", ALL(0.25), POS, ASSUMED, "assumed", "formation delay"},

    /* ---- dehydronorketamines: plasma only ---- */
    {"s_dhnk.mw_g_per_mol", "g/mol", ALL(221.68), POS, LIT, MOLAR, "molar mass"},
    {"s_dhnk.v1_l", "L", SP(70, 0.25, 0.025), POS, ASSUMED, "assumed 1 L/kg; calibrated loosely to Idvall 1979 (DHNK peak ~3 uM when norketamine ~5 uM)", "volume"},
    {"s_dhnk.v2_l", "L", ALL(0), POS, LIT, "one-compartment model", "unused"},
    {"s_dhnk.v3_l", "L", ALL(0), POS, LIT, "one-compartment model", "unused"},
    {"s_dhnk.cl_l_per_h", "L/h", SP(30, 0.5, 0.125), POS, ASSUMED, "assumed (Idvall 1979: accumulates during anaesthesia)", "elimination clearance"},
    {"s_dhnk.q2_l_per_h", "L/h", ALL(0), POS, LIT, "one-compartment model", "unused"},
    {"s_dhnk.q3_l_per_h", "L/h", ALL(0), POS, LIT, "one-compartment model", "unused"},
    {"s_dhnk.fu_plasma", "1", ALL(0.5), FRAC, ASSUMED, "assumed", "unbound fraction"},
    {"s_dhnk.kp_brain", "1", ALL(0), POS, LIT, "Can 2016 J Pharmacol Exp Ther: not detectable in brain", "total brain:plasma ratio (0: no brain compartment)"},
    {"s_dhnk.kpuu_brain", "1", ALL(0), POS, LIT, "Can 2016: not detectable in brain", "unbound ratio"},
    {"s_dhnk.keo_brain_per_h", "1/h", ALL(1), POS, LIT, "unused", "brain equilibration rate"},
    {"s_dhnk.nmda_ki_um", "uM", ALL(1e6), POS, LIT, "no meaningful NMDA affinity", "NMDA Ki"},
    {"s_dhnk.ampa_emax", "1", ALL(0), POS, LIT, NOAMPA, "maximal fractional AMPA potentiation"},
    {"s_dhnk.ampa_ec50_um", "uM", ALL(1), POS, LIT, NOAMPA, "AMPA potentiation EC50"},
    {"s_dhnk.ampa_block_ki_um", "uM", ALL(0), POS, LIT, NOTOOL, "AMPA antagonist Ki (0: none)"},
    {"s_dhnk.mtor_inhibition_ic50_um", "uM", ALL(0), POS, LIT, NOTOOL, "mTORC1 inhibition IC50 (0: none)"},
    {"s_dhnk.trkb_block_ki_um", "uM", ALL(0), POS, LIT, NOTOOL, "TrkB antagonist Ki (0: none)"},
    {"s_dhnk.nos_inhibition_ic50_um", "uM", ALL(0), POS, LIT, NOTOOL, "NOS inhibition IC50 (0: none)"},

    {"r_dhnk.mw_g_per_mol", "g/mol", ALL(221.68), POS, LIT, MOLAR, "molar mass"},
    {"r_dhnk.v1_l", "L", SP(70, 0.25, 0.025), POS, ASSUMED, "assumed as S-DHNK: no enantiomer-resolved DHNK kinetics found", "volume"},
    {"r_dhnk.v2_l", "L", ALL(0), POS, LIT, "one-compartment model", "unused"},
    {"r_dhnk.v3_l", "L", ALL(0), POS, LIT, "one-compartment model", "unused"},
    {"r_dhnk.cl_l_per_h", "L/h", SP(30, 0.5, 0.125), POS, ASSUMED, "assumed as S-DHNK: no enantiomer-resolved DHNK kinetics found", "elimination clearance"},
    {"r_dhnk.q2_l_per_h", "L/h", ALL(0), POS, LIT, "one-compartment model", "unused"},
    {"r_dhnk.q3_l_per_h", "L/h", ALL(0), POS, LIT, "one-compartment model", "unused"},
    {"r_dhnk.fu_plasma", "1", ALL(0.5), FRAC, ASSUMED, "assumed as S-DHNK", "unbound fraction"},
    {"r_dhnk.kp_brain", "1", ALL(0), POS, LIT, "Can 2016 J Pharmacol Exp Ther: not detectable in brain", "total brain:plasma ratio (0: no brain compartment)"},
    {"r_dhnk.kpuu_brain", "1", ALL(0), POS, LIT, "Can 2016: not detectable in brain", "unbound ratio"},
    {"r_dhnk.keo_brain_per_h", "1/h", ALL(1), POS, LIT, "unused", "brain equilibration rate"},
    {"r_dhnk.nmda_ki_um", "uM", ALL(1e6), POS, LIT, "no meaningful NMDA affinity", "NMDA Ki"},
    {"r_dhnk.ampa_emax", "1", ALL(0), POS, LIT, NOAMPA, "maximal fractional AMPA potentiation"},
    {"r_dhnk.ampa_ec50_um", "uM", ALL(1), POS, LIT, NOAMPA, "AMPA potentiation EC50"},
    {"r_dhnk.ampa_block_ki_um", "uM", ALL(0), POS, LIT, NOTOOL, "AMPA antagonist Ki (0: none)"},
    {"r_dhnk.mtor_inhibition_ic50_um", "uM", ALL(0), POS, LIT, NOTOOL, "mTORC1 inhibition IC50 (0: none)"},
    {"r_dhnk.trkb_block_ki_um", "uM", ALL(0), POS, LIT, NOTOOL, "TrkB antagonist Ki (0: none)"},
    {"r_dhnk.nos_inhibition_ic50_um", "uM", ALL(0), POS, LIT, NOTOOL, "NOS inhibition IC50 (0: none)"},
    /* ---- hydroxynorketamines ---- */
    {"s_hnk.mw_g_per_mol", "g/mol", ALL(239.70), POS, LIT, MOLAR, "molar mass"},
    {"s_hnk.v1_l", "L", SP(4.4, 0.25, 0.025), POS, LIT, SIMONS_HNK, "central volume"},
    {"s_hnk.v2_l", "L", SP(87.5, 1.59, 0.025), POS, LIT, SIMONS_HNK, "peripheral volume"},
    {"s_hnk.v3_l", "L", ALL(0), POS, LIT, "two-compartment model", "unused"},
    {"s_hnk.cl_l_per_h", "L/h", SP(56.0, 0.175, 0.1), POS, LIT, SIMONS_HNK, "elimination clearance"},
    {"s_hnk.q2_l_per_h", "L/h", SP(102, 0.5, 0.075), POS, LIT, SIMONS_HNK, "intercompartmental clearance"},
    {"s_hnk.q3_l_per_h", "L/h", ALL(0), POS, LIT, "two-compartment model", "unused"},
    {"s_hnk.fu_plasma", "1", ALL(0.5), FRAC, ASSUMED, "assumed", "unbound fraction"},
    {"s_hnk.kp_brain", "1", ALL(0.9), POS, LIT, "Highland 2019 J Psychopharmacol: brain:plasma 0.67-1.2", "total brain:plasma ratio"},
    {"s_hnk.kpuu_brain", "1", ALL(1.0), POS, ASSUMED, KPUU, "unbound ratio"},
    {"s_hnk.keo_brain_per_h", "1/h", ALL(6), POS, ASSUMED, "assumed: polar metabolite, slower entry", "brain equilibration rate"},
    {"s_hnk.nmda_ki_um", "uM", ALL(21), POS, LIT, "Moaddel 2013 / Morris 2017 (secondary)", "NMDA Ki"},
    {"s_hnk.ampa_emax", "1", ALL(0.15), POS, ASSUMED, "assumed: weaker than (2R,6R)-HNK", "maximal fractional AMPA potentiation"},
    {"s_hnk.ampa_ec50_um", "uM", ALL(3.3), POS, ASSUMED, "assumed as (2R,6R)-HNK (Riggs 2019)", "AMPA potentiation EC50"},
    {"s_hnk.ampa_block_ki_um", "uM", ALL(0), POS, LIT, NOTOOL, "AMPA antagonist Ki (0: none)"},
    {"s_hnk.mtor_inhibition_ic50_um", "uM", ALL(0), POS, LIT, NOTOOL, "mTORC1 inhibition IC50 (0: none)"},
    {"s_hnk.trkb_block_ki_um", "uM", ALL(0), POS, LIT, NOTOOL, "TrkB antagonist Ki (0: none)"},
    {"s_hnk.nos_inhibition_ic50_um", "uM", ALL(0), POS, LIT, NOTOOL, "NOS inhibition IC50 (0: none)"},
    {"r_hnk.mw_g_per_mol", "g/mol", ALL(239.70), POS, LIT, MOLAR, "molar mass"},
    {"r_hnk.v1_l", "L", SP(4.4, 0.25, 0.025), POS, ASSUMED, R_AS_S_HNK, "central volume"},
    {"r_hnk.v2_l", "L", SP(87.5, 1.59, 0.025), POS, ASSUMED, R_AS_S_HNK, "peripheral volume"},
    {"r_hnk.v3_l", "L", ALL(0), POS, LIT, "two-compartment model", "unused"},
    {"r_hnk.cl_l_per_h", "L/h", SP(25.6, 0.175, 0.1), POS, HAND("pk_hnk_ket_auc_r_over_s_iv"), "human: set by hand against target pk_hnk_ket_auc_r_over_s_iv: Hasan 2021 finds the R pathway's HNK/ketamine exposure 1.8 times the S pathway's in the same subjects, which with (2S,6S)-HNK's clearance (Simons 2022, 56 L/h) and R-ketamine's slower clearance needs (2R,6R)-HNK cleared at about half the rate (no enantiomer-resolved HNK clearance found); rodents: (2S,6S)-HNK's (Moaddel 2015, rat; mouse assumed), the rat making more HNK from S than from R (Moaddel 2015)", "elimination clearance"},
    {"r_hnk.q2_l_per_h", "L/h", SP(102, 0.5, 0.075), POS, ASSUMED, R_AS_S_HNK, "intercompartmental clearance"},
    {"r_hnk.q3_l_per_h", "L/h", ALL(0), POS, LIT, "two-compartment model", "unused"},
    {"r_hnk.fu_plasma", "1", ALL(0.5), FRAC, ASSUMED, "assumed", "unbound fraction"},
    {"r_hnk.kp_brain", "1", ALL(0.9), POS, LIT, "Highland 2019 J Psychopharmacol: brain:plasma 0.67-1.2", "total brain:plasma ratio"},
    {"r_hnk.kpuu_brain", "1", ALL(1.0), POS, ASSUMED, KPUU, "unbound ratio"},
    {"r_hnk.keo_brain_per_h", "1/h", ALL(6), POS, ASSUMED, "assumed: polar metabolite, slower entry", "brain equilibration rate"},
    {"r_hnk.nmda_ki_um", "uM", ALL(200), POS, LIT, "Abbott 2020 Mol Pharmacol: Ki > 100 uM, IC50 46 uM", "NMDA Ki"},
    {"r_hnk.ampa_emax", "1", ALL(0.60003), POS, HAND("hnk_ampa"), "set by hand against target hnk_ampa: HNK alone raises AMPA drive and spines (Zanos 2016; no maximal effect measured)", "maximal fractional AMPA potentiation"},
    {"r_hnk.ampa_ec50_um", "uM", ALL(3.3), POS, LIT, "Riggs 2019 (secondary): fEPSP EC50 3.3 uM", "AMPA potentiation EC50"},
    {"r_hnk.ampa_block_ki_um", "uM", ALL(0), POS, LIT, NOTOOL, "AMPA antagonist Ki (0: none)"},
    {"r_hnk.mtor_inhibition_ic50_um", "uM", ALL(0), POS, LIT, NOTOOL, "mTORC1 inhibition IC50 (0: none)"},
    {"r_hnk.trkb_block_ki_um", "uM", ALL(0), POS, LIT, NOTOOL, "TrkB antagonist Ki (0: none)"},
    {"r_hnk.nos_inhibition_ic50_um", "uM", ALL(0), POS, LIT, NOTOOL, "NOS inhibition IC50 (0: none)"},

    /* ---- tool compounds for blocking experiments (rodent doses i.p. or icv) ---- */
#define TOOL_FIXED(c, mw) \
    {c ".mw_g_per_mol", "g/mol", ALL(mw), POS, LIT, "molar mass", "molar mass"}, \
    {c ".v2_l", "L", ALL(0), POS, LIT, "one-compartment model", "unused"}, \
    {c ".v3_l", "L", ALL(0), POS, LIT, "one-compartment model", "unused"}, \
    {c ".q2_l_per_h", "L/h", ALL(0), POS, LIT, "one-compartment model", "unused"}, \
    {c ".q3_l_per_h", "L/h", ALL(0), POS, LIT, "one-compartment model", "unused"}, \
    {c ".nmda_ki_um", "uM", ALL(1e6), POS, LIT, "no NMDA channel block", "NMDA Ki"}, \
    {c ".ampa_emax", "1", ALL(0), POS, LIT, "no AMPA potentiation", "maximal fractional AMPA potentiation"}, \
    {c ".ampa_ec50_um", "uM", ALL(1), POS, LIT, "unused", "AMPA potentiation EC50"}
#define TOOL(c, mw, v1, cl, fu, kpuu, keo, src, kind) \
    TOOL_FIXED(c, mw), \
    {c ".v1_l", "L", SP(70 * (v1), 0.25 * (v1), 0.025 * (v1)), POS, kind, src, "volume (one compartment)"}, \
    {c ".cl_l_per_h", "L/h", SP(70 * (cl) / 4, 0.25 * (cl), 0.025 * (cl) * 1.5), POS, kind, src, "clearance (human scaled down 4x per kg, mouse up 1.5x: assumed)"}, \
    {c ".fu_plasma", "1", ALL(fu), FRAC, kind, src, "unbound fraction in plasma"}, \
    {c ".kp_brain", "1", ALL(kpuu), POS, kind, src, "total brain:plasma ratio"}, \
    {c ".kpuu_brain", "1", ALL(kpuu), POS, kind, src, "unbound brain:unbound plasma ratio"}, \
    {c ".keo_brain_per_h", "1/h", ALL(keo), POS, kind, src, "brain equilibration (and icv washout) rate"}
    /* NBQX: human PK (Am J Ther 1994); rodents scaled per kg (no rodent PK found) */
#define NBQX_PK "Am J Ther 1994;1:296 (healthy men, i.v.): Vss 0.153 L/kg, CL 0.222 L/h/kg (t1/2 0.75 h); rat and mouse: assumed, the same volume per kg and the clearance scaled allometrically (exponent 0.75: 0.91 and 1.61 L/h/kg, t1/2 7 and 4 min; rat liver takes NBQX up with a half-life of 5.8 min, perfused-liver study)"
#define NBQX_BRAIN "assumed: polar, poor tissue penetration (Vss about extracellular water)"
    TOOL_FIXED("nbqx", 336.2),
    {"nbqx.v1_l", "L", SP(10.71, 0.03825, 0.003825), POS, LIT, NBQX_PK, "volume (one compartment)"},
    {"nbqx.cl_l_per_h", "L/h", SP(15.54, 0.2272, 0.04036), POS, LIT, NBQX_PK, "elimination clearance"},
    {"nbqx.fu_plasma", "1", ALL(0.5), FRAC, ASSUMED, "assumed: plasma binding not found", "unbound fraction in plasma"},
    {"nbqx.kp_brain", "1", ALL(0.05), POS, ASSUMED, NBQX_BRAIN, "total brain:plasma ratio"},
    {"nbqx.kpuu_brain", "1", ALL(0.05), POS, ASSUMED, NBQX_BRAIN, "unbound brain:unbound plasma ratio"},
    {"nbqx.keo_brain_per_h", "1/h", ALL(2), POS, ASSUMED, "assumed: a polar compound equilibrates with brain over about 20 min", "brain equilibration (and icv washout) rate"},
    {"nbqx.ampa_block_ki_um", "uM", ALL(0.15), POS, LIT, "NBQX AMPA IC50 ~0.15 uM (Sheardown 1990, secondary)", "AMPA antagonist Ki"},
    {"nbqx.mtor_inhibition_ic50_um", "uM", ALL(0), POS, LIT, NOTOOL, "mTORC1 inhibition IC50 (0: none)"},
    {"nbqx.trkb_block_ki_um", "uM", ALL(0), POS, LIT, NOTOOL, "TrkB antagonist Ki (0: none)"},
    {"nbqx.nos_inhibition_ic50_um", "uM", ALL(0), POS, LIT, NOTOOL, "NOS inhibition IC50 (0: none)"},
    TOOL("rapamycin", 914.2, 10, 0.3, 0.08, 0.1, 0.5, "brain washout set by hand against target rapa_blocks_spines (Li 2010: icv rapamycin alone leaves basal levels near control, so washout within hours); rest assumed: lipophilic, high tissue binding", HAND("rapa_blocks_spines")),
    {"rapamycin.ampa_block_ki_um", "uM", ALL(0), POS, LIT, NOTOOL, "AMPA antagonist Ki (0: none)"},
    {"rapamycin.mtor_inhibition_ic50_um", "uM", ALL(0.0005), POS, LIT, "rapamycin-FKBP12 inhibits mTORC1 at sub-nM (textbook)", "mTORC1 inhibition IC50"},
    {"rapamycin.trkb_block_ki_um", "uM", ALL(0), POS, LIT, NOTOOL, "TrkB antagonist Ki (0: none)"},
    {"rapamycin.nos_inhibition_ic50_um", "uM", ALL(0), POS, LIT, NOTOOL, "NOS inhibition IC50 (0: none)"},
    /* ANA-12: mouse PK from Cazorla 2011's brain levels; rat and human scaled per kg */
#define ANA12_PK "derived from Cazorla 2011 J Clin Invest (via Wikipedia; secondary): brain about 400 nM 30 min and 10 nM 6 h after i.p. dosing in mice, read as 0.5 mg/kg and as the free level, with route.ip, fu 0.5, kpuu 1 and brain equilibration 4/h assumed: elimination 0.745/h (t1/2 0.93 h), volume 0.476 L/kg; rat and human: assumed, the same volume per kg and the clearance scaled allometrically (exponent 0.75)"
    TOOL_FIXED("ana12", 407.5),
    {"ana12.v1_l", "L", SP(33.3, 0.119, 0.0119), POS, LIT, ANA12_PK, "volume (one compartment)"},
    {"ana12.cl_l_per_h", "L/h", SP(3.42, 0.0499, 0.00887), POS, LIT, ANA12_PK, "elimination clearance"},
    {"ana12.fu_plasma", "1", ALL(0.5), FRAC, ASSUMED, "assumed: plasma binding not found; only the product with the volume is fixed by the brain levels (ANA12_PK)", "unbound fraction in plasma"},
    {"ana12.kp_brain", "1", ALL(1.0), POS, ASSUMED, "assumed: crosses the blood-brain barrier (Cazorla 2011)", "total brain:plasma ratio"},
    {"ana12.kpuu_brain", "1", ALL(1.0), POS, ASSUMED, "assumed: crosses the blood-brain barrier by passive entry (Cazorla 2011)", "unbound brain:unbound plasma ratio"},
    {"ana12.keo_brain_per_h", "1/h", ALL(4), POS, ASSUMED, "assumed: lipophilic, brain equilibrium within about 10 min (central block from 30 min, Cazorla 2011)", "brain equilibration (and icv washout) rate"},
    {"ana12.ampa_block_ki_um", "uM", ALL(0), POS, LIT, NOTOOL, "AMPA antagonist Ki (0: none)"},
    {"ana12.mtor_inhibition_ic50_um", "uM", ALL(0), POS, LIT, NOTOOL, "mTORC1 inhibition IC50 (0: none)"},
    {"ana12.trkb_block_ki_um", "uM", ALL(0.012), POS, LIT, "Cazorla 2011 J Clin Invest: high-affinity site Kd ~12 nM", "TrkB antagonist Ki"},
    {"ana12.nos_inhibition_ic50_um", "uM", ALL(0), POS, LIT, NOTOOL, "NOS inhibition IC50 (0: none)"},
    TOOL("lname", 269.7, 0.6, 0.5, 0.9, 0.3, 1, "assumed: polar prodrug of L-NOARG, slow brain entry", ASSUMED),
    {"lname.ampa_block_ki_um", "uM", ALL(0), POS, LIT, NOTOOL, "AMPA antagonist Ki (0: none)"},
    {"lname.mtor_inhibition_ic50_um", "uM", ALL(0), POS, LIT, NOTOOL, "mTORC1 inhibition IC50 (0: none)"},
    {"lname.trkb_block_ki_um", "uM", ALL(0), POS, LIT, NOTOOL, "TrkB antagonist Ki (0: none)"},
    {"lname.nos_inhibition_ic50_um", "uM", ALL(1.0), POS, ASSUMED, "assumed: L-NOARG nNOS Ki ~0.1-1 uM", "NOS inhibition IC50"},
    /* midazolam: the active placebo of ketamine trials (human use; rodent rows scaled per kg) */
#define MDZ_PK "Pecking 2002 Br J Clin Pharmacol (0.1 mg/kg IV: CL 4.4 mL/min/kg, V 1.1 L/kg, t1/2 2.9 h); rodents scaled per kg (assumed)"
    {"midazolam.mw_g_per_mol", "g/mol", ALL(325.8), POS, LIT, "molar mass", "molar mass"},
    {"midazolam.v1_l", "L", SP(77, 0.275, 0.0275), POS, LIT, MDZ_PK, "volume (one compartment)"},
    {"midazolam.v2_l", "L", ALL(0), POS, LIT, "one-compartment model", "unused"},
    {"midazolam.v3_l", "L", ALL(0), POS, LIT, "one-compartment model", "unused"},
    {"midazolam.cl_l_per_h", "L/h", SP(18.5, 0.066, 0.0066), POS, LIT, MDZ_PK, "elimination clearance"},
    {"midazolam.q2_l_per_h", "L/h", ALL(0), POS, LIT, "one-compartment model", "unused"},
    {"midazolam.q3_l_per_h", "L/h", ALL(0), POS, LIT, "one-compartment model", "unused"},
    {"midazolam.fu_plasma", "1", ALL(0.06), FRAC, LIT, "Allonen 1981 Clin Pharmacol Ther: 94% bound", "unbound fraction in plasma"},
    {"midazolam.kp_brain", "1", ALL(1.0), POS, ASSUMED, "assumed: lipophilic, passive entry", "total brain:plasma ratio"},
    {"midazolam.kpuu_brain", "1", ALL(1.0), POS, ASSUMED, KPUU, "unbound brain:unbound plasma ratio"},
    {"midazolam.keo_brain_per_h", "1/h", ALL(20), POS, ASSUMED, "assumed fast: Greenblatt 2004 J Clin Pharmacol found no effect-site delay with 1-h infusions", "brain equilibration rate"},
    {"midazolam.nmda_ki_um", "uM", ALL(1e6), POS, LIT, "no NMDA channel block (benzodiazepine)", "NMDA Ki"},
    {"midazolam.ampa_emax", "1", ALL(0), POS, LIT, NOAMPA, "maximal fractional AMPA potentiation"},
    {"midazolam.ampa_ec50_um", "uM", ALL(1), POS, LIT, "unused", "AMPA potentiation EC50"},
    {"midazolam.ampa_block_ki_um", "uM", ALL(0), POS, LIT, NOTOOL, "AMPA antagonist Ki (0: none)"},
    {"midazolam.mtor_inhibition_ic50_um", "uM", ALL(0), POS, LIT, NOTOOL, "mTORC1 inhibition IC50 (0: none)"},
    {"midazolam.trkb_block_ki_um", "uM", ALL(0), POS, LIT, NOTOOL, "TrkB antagonist Ki (0: none)"},
    {"midazolam.nos_inhibition_ic50_um", "uM", ALL(0), POS, LIT, NOTOOL, "NOS inhibition IC50 (0: none)"},
    {"midazolam.sedation_ec50_um", "uM", ALL(0.0125), POS, LIT, "Barr 2001 Anesthesiology: plasma midazolam at 50% probability of Ramsay >= 2, 68 ng/mL; as free brain uM with fu 0.06 and MW 325.8", "free brain concentration at half-maximal sedation"},
#undef TOOL
#undef TOOL_FIXED
#undef NBQX_PK
#undef NBQX_BRAIN
#undef ANA12_PK

    /* ---- routes ---- */
    {"route.in.f_nasal", "1", ALL(0.45), FRAC, LIT, "Yanagihara 2003 Biopharm Drug Dispos: intranasal F ~45% (Perez-Ruixo 2021: 54% for esketamine)", "fraction of an intranasal dose absorbed through the nose; the rest is swallowed"},
    {"route.in.ka_per_h", "1/h", ALL(2.93), POS, LIT, "Perez-Ruixo 2021 Clin Pharmacokinet", "nasal absorption rate"},
    {"route.in.swallow_lag_h", "h", ALL(0.53), POS, LIT, "Perez-Ruixo 2021 Clin Pharmacokinet", "lag before the swallowed part reaches the gut depot"},
    {"route.po.f", "1", SP(0.17, 0.1, 0.1), FRAC, LIT, "Yanagihara 2003 / Clements 1982: oral 17-20%; rodents assumed", "oral bioavailability of the parent"},
    {"route.po.ka_per_h", "1/h", SP(1.45, 3, 3), POS, LIT, "Perez-Ruixo 2021 (swallowed esketamine); rodents assumed", "gut absorption rate"},
    {"route.po.lag_h", "h", ALL(0), POS, ASSUMED, "assumed none", "absorption lag"},
    {"route.po.first_pass_to_metabolite", "1", ALL(0.8), FRAC, ASSUMED, "assumed equal to systemic fraction to norketamine (Simons 2022)", "fraction of first-pass loss appearing as the first metabolite"},
    {"route.im.f", "1", ALL(0.93), FRAC, LIT, "Clements 1982 J Pharm Sci", "bioavailability"},
    {"route.im.ka_per_h", "1/h", SP(6, 10, 12), POS, ASSUMED, "assumed: tmax 5-15 min (Clements 1982)", "absorption rate"},
    {"route.im.lag_h", "h", ALL(0), POS, ASSUMED, "assumed none", "absorption lag"},
    {"route.sc.f", "1", ALL(0.9), FRAC, ASSUMED, "assumed as IM (Le Nedelec 2018: rat SC ~ IM exposure)", "bioavailability"},
    {"route.sc.ka_per_h", "1/h", SP(3, 6, 8), POS, ASSUMED, "assumed: slower than IM", "absorption rate"},
    {"route.sc.lag_h", "h", ALL(0), POS, ASSUMED, "assumed none", "absorption lag"},
    {"route.ip.f", "1", ALL(0.5), FRAC, ASSUMED, "assumed: partial hepatic first pass (range 0.3-0.8)", "bioavailability of the parent"},
    {"route.ip.ka_per_h", "1/h", ALL(8), POS, ASSUMED, "assumed: tmax 5-15 min in rodents", "absorption rate"},
    {"route.ip.lag_h", "h", ALL(0), POS, ASSUMED, "assumed none", "absorption lag"},
    {"route.ip.first_pass_to_metabolite", "1", ALL(0.8), FRAC, ASSUMED, "assumed equal to systemic fraction to norketamine", "fraction of first-pass loss appearing as the first metabolite"},

    /* ---- 1. NMDA receptor block ---- */
    {"nmda.koff_per_h", "1/h", ALL(3), POS, ASSUMED, "assumed: trapping block outlasts the drug by tens of minutes", "block relaxation rate"},
    {"nmda.interneuron_selectivity", "1", ALL(3.00811), 1e-3, 1e3, HAND("block_order"), "set by hand against target block_order: higher potency on tonically active interneurons (eNeuro 2023 network model)", "interneuron:pyramidal effective potency ratio"},
    /* ---- 2-3. interneurons, pyramidal neurons, glutamate ---- */
    {"intn.k_per_h", "1/h", ALL(12), POS, ASSUMED, "assumed: minutes", "interneuron activity relaxation"},
    {"intn.nmda_dependence", "1", ALL(1), FRAC, ASSUMED, "assumed: interneuron drive is NMDA-dependent", "fall of interneuron activity per unit block"},
    {"glu.k_per_h", "1/h", ALL(12), POS, ASSUMED, "assumed: minutes", "glutamate release relaxation"},
    {"glu.inhibition_weight", "1", ALL(0.855058), FRAC, HAND("glu_surge_sub"), "set by hand against target glu_surge_sub (a sub-anaesthetic surge of 10% to 3-fold)", "share of pyramidal output under interneuron (GABA) control"},
    {"glu.pyramidal_nmda_dependence", "1", SP(0.997392, 0.797914, 0.797914), FRAC, HAND("dialysis_20 glu_fall_anaesthetic"), "set by hand against targets dialysis_20 and glu_fall_anaesthetic: human against glu_fall_anaesthetic, rat and mouse against dialysis_20 (rodents stay awake at brain levels that anaesthetise humans: 10-30 mg/kg i.p. is subanaesthetic); at anaesthetic exposure the anaesthetic state (glu.anaesthetic_*) takes over", "fall of pyramidal drive per unit pyramidal block"},
    {"glu.feedback_k_per_h", "1/h", ALL(1.99954), POS, HAND("glu_gone_2h"), "set by hand against target glu_gone_2h: presynaptic mGluR2/3 feedback ends the surge within 2 h", "autoreceptor feedback rate"},
    {"glu.feedback_gain", "1", ALL(1.99751), POS, HAND("glu_gone_2h"), "set by hand against target glu_gone_2h: feedback exponent", "feedback exponent"},
    {"glu.anaesthetic_x50", "1", SP(4.0, 30, 30), 1e-3, 1e4, HAND("glu_fall_anaesthetic dialysis_80 dialysis_20"), "set by hand against targets glu_fall_anaesthetic (human), dialysis_80 and dialysis_20 (rat, mouse): human: the drive of a steady 880 ng/mL of racemic ketamine (fu 0.53, Ki 0.3 and 1.4 uM), between recovery from anaesthesia (Idvall 1979: 2.7 umol/L, 640 ng/mL) and the onset of the anaesthetic range (Zanos 2018: 1200 ng/mL); rat: near the peak drive (37.9) of the geometric mean of a sub-anaesthetic dose that raises glutamate (30 mg/kg i.p.) and an anaesthetic one (80 mg/kg; Chowdhury 2012), lowered by hand to 30 so that 80 mg/kg shows no rise through the 80 min of dialysis_80 (at 35 the rat emerges into a surge within them); rodents stay awake at brain levels that anaesthetise humans; mouse as rat (assumed)", "NMDA drive (sum of free brain C / Ki) at which half of cortex is drawn into the anaesthetic state"},
    {"glu.anaesthetic_hill", "1", ALL(6), POS, ASSUMED, "assumed: a steep state transition, the anaesthetic state going from 10% to 90% within a two-fold change of drive", "exponent of the odds of the anaesthetic state in the drive"},
    {"glu.anaesthetic_offset_k_per_h", "1/h", ALL(1), POS, ASSUMED, "assumed: round number (half-time about 40 min): emergence lags the fall of drug levels by a time of its own (neural inertia: emergence at lower levels than induction, a hysteresis that collapses over a time independent of the PK; PMC6200107, mice); entry is faster by the odds (x / x50)^h, within a minute of an induction dose", "rate of leaving the anaesthetic state"},
    {"glu.anaesthetic_floor_rel", "1", SP(1.0, 0.77, 0.77), POS, LIT, "human: Langsjo 2005 Anesthesiology: whole-brain glucose and oxygen use unchanged at anaesthetic S-ketamine (1959 ng/mL); rat: Cavazzuti 2004 Anesthesiology: regional glucose use 23% lower under 170 mg/kg i.p. (mean of the regions that fell); glutamate release taken to follow glucose use; mouse as rat (assumed)", "pyramidal drive in the full anaesthetic state (1 = awake baseline)"},
    /* ---- 4. AMPA ---- */
    {"ampa.surface_exponent", "1", ALL(0.1), POS, ASSUMED, "assumed: surface AMPA receptors scale with synaptic protein (GluA1)", "exponent of synaptic protein"},
    {"ampa.antagonist_occupancy", "1", ALL(0), FRAC, LIT, "intervention hook (NBQX): 0 = none", "fraction of AMPA receptors blocked"},
    /* ---- 5. eEF2 ---- */
    {"eef2.k_per_h", "1/h", ALL(4), POS, LIT, "Autry 2011 Nature: p-eEF2 down within 30 min", "p-eEF2 relaxation"},
    {"eef2.nmda_dependence", "1", ALL(0.8), FRAC, ASSUMED, "assumed: resting NMDA current drives eEF2 kinase", "fall of p-eEF2 per unit pyramidal block"},
    /* ---- 6. BDNF ---- */
    {"bdnf.k_per_h", "1/h", ALL(1), POS, ASSUMED, "assumed: round number, BDNF protein turned over within about an hour, so it may return to baseline within 24 h (seed)", "BDNF clearance rate"},
    {"bdnf.ampa_weight", "1", ALL(0.6), FRAC, ASSUMED, "assumed: activity-dependent release dominates", "share of BDNF supply driven by AMPA activation"},
    {"bdnf.translation_gain", "1", ALL(1.0), POS, ASSUMED, "assumed (Autry 2011: translation rises as p-eEF2 falls)", "BDNF translation rise per unit p-eEF2 fall"},
    {"bdnf.release_scale", "1", ALL(1), POS, LIT, "hook: Val66Met ~0.7 (Egan 2003, secondary), knockout 0", "scale of BDNF supply"},
    {"plasma_bdnf.k_per_h", "1/h", ALL(0.3), POS, ASSUMED, "assumed: lag of hours (Haile 2014: rise at 240 min)", "plasma BDNF equilibration"},
    /* ---- 7. TrkB ---- */
    {"trkb.k_per_h", "1/h", ALL(6), POS, ASSUMED, "assumed: minutes", "TrkB activation relaxation"},
    {"trkb.km_rel", "1", ALL(1), POS, ASSUMED, "assumed: baseline BDNF at half-saturation", "BDNF (relative) at half-maximal TrkB activation"},
    {"trkb.block", "1", ALL(0), FRAC, LIT, "intervention hook (ANA-12): 0 = none", "fraction of TrkB blocked"},
    /* ---- 8. NO / GAPDH / Rheb ---- */
    {"nos.inhibition", "1", ALL(0), FRAC, LIT, "intervention hook (NOS inhibitor): 0 = none", "fraction of nNOS inhibited"},
    {"sno.k_per_h", "1/h", ALL(2), POS, ASSUMED, "assumed: tens of minutes", "SNO-GAPDH relaxation"},
    {"rheb.k_per_h", "1/h", ALL(0.7), POS, ASSUMED, "assumed: Rheb turnover about an hour", "Rheb turnover rate"},
    {"rheb.basal_degradation_fraction", "1", ALL(0.3), FRAC, ASSUMED, "assumed: part of Rheb degradation is Siah1-independent", "degradation not via SNO-GAPDH/Siah1"},
    /* ---- 9. mTORC1 ---- */
    {"mtor.k_per_h", "1/h", ALL(3), POS, ASSUMED, "assumed: minutes to an hour (Li 2010)", "mTORC1 activity relaxation"},
    {"mtor.trkb_weight", "1", ALL(0.9), FRAC, ASSUMED, "assumed: mTORC1 activation after ketamine runs through BDNF-TrkB (Autry 2011: none without BDNF); a small direct AMPA (Ca2+/PI3K) share", "share of upstream drive from TrkB (rest from AMPA)"},
    {"mtor.basal_fraction", "1", ALL(0.3), FRAC, ASSUMED, "assumed: part of mTORC1 activity runs on inputs ketamine does not change (insulin/IGF-1, amino acids), so a BDNF knockout keeps basal signalling", "share of untreated mTORC1 activity independent of TrkB, AMPA and Rheb"},
    {"mtor.rheb_exponent", "1", ALL(1.43), POS, ASSUMED, "assumed: the driven part of mTORC1 scales as free Rheb^(1/(1 - basal fraction)), so total activity moves about in proportion to Rheb (Harraz 2016)", "sensitivity of mTORC1 to Rheb"},
    {"mtor.upstream_exponent", "1", ALL(3.40535), POS, HAND("mtor_up_1h"), "set by hand against target mtor_up_1h: Li 2010: p-mTOR rises within an hour (folds not readable)", "amplification of TrkB/AMPA drive onto mTORC1"},
    {"mtor.adaptation_k_per_h", "1/h", ALL(0.0003), POS, ASSUMED, "assumed: homeostatic adaptation over about three months (half-life 96 d); keeps chronic BDNF or mTORC1 shifts (Val66Met, knockouts) from abolishing synapses", "rate at which the synthesis reference follows mTORC1"},
    {"mtor.rapamycin_inhibition", "1", ALL(0), FRAC, LIT, "intervention hook (rapamycin): 0 = none", "fraction of mTORC1 inhibited"},
    /* ---- 10. synaptic proteins ---- */
    {"synprot.k_per_h", "1/h", ALL(0.07), POS, ASSUMED, "assumed: newly made synaptic protein (PSD95, GluA1, synapsin) turns over within a day (t1/2 10 h); Li 2010: levels still raised at 72 h", "synaptic protein turnover"},
    {"synprot.km_mtor_rel", "1", ALL(2), POS, ASSUMED, "assumed: round number, half-maximal synthesis at twice the resting mTORC1 activity", "mTORC1 (relative) at half-maximal synthesis"},
    {"synprot.hill", "1", ALL(3), POS, ASSUMED, "assumed: round number, a switch-like dependence of translation on mTORC1", "Hill exponent of synthesis on mTORC1"},
    /* ---- 11. spines ---- */
    {"spine.formation_k_per_h", "1/h", ALL(0.036059), POS, HAND("spine_up_24h"), "set by hand against target spine_up_24h: new spines need new protein: formation follows mTORC1-driven synthesis (eNeuro 2016)", "spine formation rate per unit excess synthesis"},
    {"spine.elimination_k_per_h", "1/h", ALL(0.003), POS, ASSUMED, "assumed: spines above the set point are pruned over about ten days (t1/2 9.6 d; eNeuro 2016: raised for up to 2 weeks)", "pruning rate of spines above the set point"},
    {"spine.synthesis_exponent", "1", ALL(1), POS, ASSUMED, "assumed: formation proportional to the excess synthesis", "spine formation sensitivity to protein synthesis"},
    {"spine.max_rel", "1", ALL(1.3), POS, ASSUMED, "assumed: saturation of repeated dosing", "maximal spine density (relative to healthy)"},
    {"spine.maturation_k_per_h", "1/h", ALL(1.0 / 24.0), POS, ASSUMED, "assumed: nascent spines stabilise with a time constant of one day; Knott 2006 Nat Neurosci found no synapse on many new spines shortly after they appeared and one on every new spine that had lasted 4 d or more (4 d read as about four time constants)", "rate at which nascent spines become stable, counted spines"},
    {"spine.setpoint_rel", "1", SP(0.6, 1.0, 1.0), POS, LIT, "human: assumed: a treatment-resistant patient keeps about 60% of healthy spine density (chronic stress cuts mPFC spines 25-40%, Li 2011 Biol Psychiatry; pop.spine_setpoint_median); rodents: unstressed", "spine set point (chronic stress and depression lower it)"},
    /* ---- fast potentiation (early and consolidated) ---- */
    {"ltp.early_k_on_per_h", "1/h", ALL(54.0437), POS, HAND("madrs_2h"), "set by hand against target madrs_2h: induction fast enough for the 2-h fall", "induction rate of early potentiation per unit drive"},
    {"ltp.early_k_off_per_h", "1/h", ALL(0.0273946), POS_NZ, HAND("trial_peak"), "set by hand (scans of replicate trials) against target trial_peak (seed Table 1: peak at 24 h, most of it gone within a week; t1/2 25 h), with the typical patient's lowest MADRS kept within 12-48 h by hand", "decay of early (protein-synthesis-independent) potentiation"},
    {"ltp.early_max", "1", ALL(0.7861311552), POS, CAL("madrs_2h"), "calibrated to target madrs_2h (Murrough 2013: 18.9-point fall at 2 h)", "maximal early potentiation"},
    {"ltp.trkb_weight", "1", ALL(0.5), FRAC, ASSUMED, "assumed", "share of drive from TrkB (rest from AMPA)"},
    {"ltp.induction_threshold", "1", ALL(0.0399672), POS, HAND("madrs_24h"), "set by hand against target madrs_24h: induction follows the surge", "drive needed before potentiation is induced"},
    {"ltp.early_mood_weight", "1", ALL(0.745097), FRAC, HAND("madrs_24h"), "set by hand against target madrs_24h: Autry 2011: a rapamycin-insensitive early effect exists", "weight of early (unconsolidated) potentiation in the synaptic-function index"},
    {"ltp.early_synthesis_dependence", "1", ALL(20), POS, ASSUMED, "assumed: without new protein early potentiation fades within hours (Li 2010: rapamycin abolishes the 24 h effect)", "extra decay of early potentiation per unit synthesis deficit"},
    {"ltp.consolidation_k_per_h", "1/h", ALL(0.0082639), POS, HAND("trial_murrough_relapse"), "set by hand (scans of replicate trials) against target trial_murrough_relapse: consolidation builds up over repeated infusions", "consolidation rate (needs mTORC1-driven synthesis)"},
    {"ltp.late_k_off_per_h", "1/h", ALL(0.00267), POS_NZ, HAND("madrs_fade_14d trial_murrough_relapse"), "set by hand against targets madrs_fade_14d and trial_murrough_relapse: t1/2 11 d", "decay of consolidated potentiation (days)"},
    {"ltp.late_max", "1", ALL(4.75), POS_NZ, HAND("trial_murrough_relapse"), "set by hand (scans of replicate trials) against target trial_murrough_relapse: room to build up over six infusions", "maximal consolidated potentiation"},
    /* ---- 12. tissue metabolite pools ---- */
    {"gaba.k_per_h", "1/h", ALL(1.0), POS, ASSUMED, "assumed: GABA pool turns over in about an hour", "tissue GABA relaxation"},
    {"gaba.activity_exponent", "1", ALL(0.3), POS, HAND("hgaba_2h"), "set by hand against target hgaba_2h: GABA synthesis partly activity-dependent (direction only)", "dependence of GABA synthesis on interneuron activity"},
    {"gad.k_per_h", "1/h", ALL(0.01), POS, ASSUMED, "assumed: GAD67 expression over days", "GAD relaxation"},
    {"gad.synthesis_exponent", "1", ALL(2), POS, HAND("gaba_glu_72h"), "set by hand against target gaba_glu_72h: BDNF-TrkB up-regulates GAD67 through new protein (direction only)", "GAD rise per unit (relative) synthesis"},
    {"gln.k_per_h", "1/h", ALL(0.5), POS, ASSUMED, "assumed: glutamate-glutamine cycle, hours", "tissue glutamine relaxation"},
    {"tissue_glu.k_per_h", "1/h", ALL(0.5), POS, ASSUMED, "assumed", "tissue glutamate relaxation"},
    {"tissue_glu.protein_exponent", "1", ALL(0.3), POS, HAND("glu_gln_14h"), "set by hand against target glu_gln_14h: neuronal glutamate scales with synaptic terminals (direction only)", "exponent of synaptic protein"},
    {"tissue_glu.release_exponent", "1", ALL(0.3), POS, ASSUMED, "assumed", "exponent of glutamate release"},

    /* ---- read-outs ---- */
    {"patient.madrs_baseline", "points", ALL(32), 0, 60, LIT, "Haile 2014 Int J Neuropsychopharmacol: 32.3", "untreated MADRS"},
    {"mood.sensitivity", "1", ALL(1), POS, LIT, "individual parameter: scales potentiation's effect on mood", "mood sensitivity"},
    {"hamd.per_madrs", "1", ALL(0.77), POS, LIT, "Leucht 2018 J Affect Disord: HAM-D17 ~ 0.77 x MADRS", "MADRS to HAM-D17 conversion"},
    {"sedation.hill", "1", ALL(2), POS, ASSUMED, "assumed: a steep quantal concentration-sedation curve (Barr 2001 reports C50 rising 1.5-fold from Ramsay >= 2 to >= 3)", "Hill exponent of the sedation probability"},
    {"cadss.keo_per_h", "1/h", ALL(4), POS, ASSUMED, "assumed: peak near end of infusion", "effect-site rate"},
    {"cadss.max", "points", ALL(50), POS, ASSUMED, "assumed: CADSS range 0-92", "maximal CADSS"},
    {"cadss.x50", "1", ALL(1.179966057), POS_NZ, CAL("cadss_peak"), "calibrated to target cadss_peak (mean 7.7, van Schalkwyk 2018)", "NMDA drive (sum C/Ki) at half-maximal CADSS"},
    {"cadss.hill", "1", ALL(2.43734), POS, HAND("cadss_gone_2h"), "set by hand against target cadss_gone_2h: dissociation resolves within about 2 h", "Hill exponent"},
    {"sbp.keo_per_h", "1/h", ALL(4.98413), POS, HAND("sbp_back"), "set by hand against target sbp_back: back near baseline about 1.5 h after the infusion", "effect-site rate"},
    {"sbp.max_mmhg", "mmHg", ALL(40), POS, ASSUMED, "assumed", "maximal SBP rise"},
    {"sbp.x50", "1", ALL(0.7257689189), POS_NZ, CAL("sbp_peak"), "calibrated to target sbp_peak (+16 mmHg, 2024 chart review)", "NMDA drive at half-maximal rise"},
    {"sbp.hill", "1", ALL(2.5), POS, ASSUMED, "assumed", "Hill exponent"},
    /* diastolic pressure and heart rate read the SBP effect site: one
     * sympathetic drive (they peak together at 30-40 min and are back by
     * 1.5 h: Fang 2019, Szarmach 2020), each with its own size and potency */
    {"dbp.max_mmhg", "mmHg", ALL(25), POS, ASSUMED, "assumed: mean arterial pressure rose at most 27% with S-ketamine up to anaesthetic levels (Langsjo 2005 Anesthesiology), about 25 mmHg on a mean pressure of 93 mmHg", "maximal DBP rise"},
    {"dbp.x50", "1", ALL(0.6796450432), POS, CAL("dbp_peak"), "calibrated to target dbp_peak (+11.0 mmHg, 2024 chart review, the cohort of sbp_peak)", "NMDA drive (lagged, SBP effect site) at half-maximal DBP rise"},
    {"dbp.hill", "1", ALL(2.5), POS, ASSUMED, "assumed: as sbp.hill (the same sympathetic effect site)", "Hill exponent of the DBP rise"},
    {"hr.max_bpm", "beats/min", ALL(30), POS, ASSUMED, "assumed: heart rate rose at most 43.5% with S-ketamine up to anaesthetic levels (Langsjo 2005 Anesthesiology), about 30 beats/min on a resting 70", "maximal heart-rate rise"},
    {"hr.x50", "1", ALL(1.290608898), POS, CAL("hr_peak"), "calibrated to target hr_peak (+4.09 beats/min, Vankawala 2021 pooled)", "NMDA drive (lagged, SBP effect site) at half-maximal heart-rate rise"},
    {"hr.hill", "1", ALL(2.5), POS, ASSUMED, "assumed: as sbp.hill (the same sympathetic effect site)", "Hill exponent of the heart-rate rise"},
};

const ketsim_param_table *ketsim_model_param_table(void)
{
    static const ketsim_param_table t = {rows, sizeof rows / sizeof rows[0]};
    return &t;
}
