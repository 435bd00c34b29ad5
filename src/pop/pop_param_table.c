/* Population and trial parameters: the second part of the one parameter
 * table (rows are merged into every ketsim_params object).  Inter-individual
 * variability, covariate effects, placebo response and rater noise.  They are
 * read by src/pop/population.c and src/trial/ (never by the model), so
 * `--set pop.NAME=VALUE` changes a virtual population without touching the
 * single-subject model.  Rodent values are kept equal to the human ones: the
 * trial layer is only used with human subjects for now. */
#include "core/param_table.h"

#include <math.h>

#define ALL(v) {(v), (v), (v)}
#define POS 0.0, INFINITY
#define FRAC 0.0, 1.0
#define CORR -0.99, 0.99

const param_def pop_param_table[] = {
    /* covariates */
    {"pop.weight_median_kg", "kg", ALL(80), 20, 250, "assumed: adult TRD trial populations (Zarate 2006, Murrough 2013 report BMI ~28-30)", "median body weight"},
    {"pop.weight_omega", "1", ALL(0.18), 0, 1, "assumed: CV ~18% of adult body weight", "log-scale SD of body weight"},
    {"pop.weight_min_kg", "kg", ALL(45), 20, 250, "assumed: adult inclusion", "lower truncation of body weight"},
    {"pop.weight_max_kg", "kg", ALL(150), 20, 250, "assumed: adult inclusion", "upper truncation of body weight"},
    {"pop.female_fraction", "1", ALL(0.55), FRAC, "Zarate 2006 Arch Gen Psychiatry: 12 of 18 women; Murrough 2013 Biol Psychiatry: ~40%", "probability a subject is female"},
    {"pop.age_mean_y", "years", ALL(46), 18, 90, "Zarate 2006: mean age 46.7", "mean age"},
    {"pop.age_sd_y", "years", ALL(11), 0, 40, "Zarate 2006: SD 11.2", "SD of age"},
    {"pop.age_min_y", "years", ALL(18), 0, 120, "trial inclusion: adults", "lower truncation of age"},
    {"pop.age_max_y", "years", ALL(65), 0, 120, "trial inclusion: most TRD trials exclude over 65", "upper truncation of age"},
    {"pop.nonresponder_fraction", "1", ALL(0.45), FRAC, "calibrated to target trial_murrough_response (70.8% after six infusions, Murrough 2013): TRD includes patients who do not respond to repeated ketamine", "probability that a patient has little synaptic plasticity"},
    {"pop.nonresponder_consolidation_scale", "1", ALL(0.05), FRAC, "calibrated to target trial_zarate_response_7d (with pop.nonresponder_fraction): non-responders get the acute effect but keep little of it", "ltp.consolidation_k_per_h multiplier of a non-responder"},
    {"pop.nonresponder_spine_headroom", "1", ALL(0.01), 0.001, 1, "calibrated to target trial_murrough_response: little room for new spines above the set point", "spine.max_rel - spine.setpoint_rel of a non-responder"},
    {"pop.bdnf_met_fraction", "1", ALL(0.30), FRAC, "Laje 2012 Biol Psychiatry: Met carriers ~30% of ketamine trial patients (Caucasian)", "probability of carrying BDNF Val66Met (Met allele)"},
    {"pop.bdnf_met_release_scale", "1", ALL(0.7), FRAC, "Egan 2003 Cell: Met allele cuts activity-dependent BDNF secretion ~30%", "bdnf.release_scale of Met carriers"},
    {"pop.cyp2b6_pm_fraction", "1", ALL(0.06), FRAC, "assumed: CYP2B6 poor metabolisers (*6/*6 and similar) ~6% in European populations", "probability of CYP2B6 poor metaboliser status"},
    {"pop.cyp2b6_pm_cl_factor", "1", ALL(0.7), 0.05, 1, "assumed: Li 2015 Pharmacogenomics J (CYP2B6*6 lowers ketamine clearance ~20-30%)", "ketamine clearance multiplier of poor metabolisers"},
    /* disease severity */
    {"pop.madrs_baseline_mean", "points", ALL(32), 0, 60, "Haile 2014 Int J Neuropsychopharmacol: 32.3; Zarate 2006 ~32", "mean untreated MADRS before truncation"},
    {"pop.madrs_baseline_sd", "points", ALL(5), 0, 20, "assumed: typical SD 4-6 in ketamine TRD trials", "SD of untreated MADRS"},
    {"pop.madrs_inclusion_min", "points", ALL(22), 0, 60, "Zarate 2006 and Murrough 2013: MADRS >= 22 at screening", "inclusion: lowest untreated MADRS (truncation)"},
    {"pop.madrs_baseline_max", "points", ALL(50), 0, 60, "assumed: very severe cases rarely enrolled", "upper truncation of untreated MADRS"},
    {"pop.spine_setpoint_median", "1", ALL(0.6), 0.05, 0.99, "as spine.setpoint_rel (human TRD patient)", "median spine set point (lower = more depressed)"},
    {"pop.spine_setpoint_omega", "1", ALL(0.10), 0, 1, "assumed: modest spread of synaptic deficit", "log-scale SD of the spine set point"},
    {"pop.spine_setpoint_max", "1", ALL(0.9), 0.05, 0.99, "assumed: keeps a deficit to treat", "upper truncation of the spine set point"},
    /* inter-individual variability, PK */
    {"pop.omega.s_ket_cl", "1", ALL(0.30), 0, 2, "assumed: ketamine clearance CV ~30% (Fanta 2015, Kamp 2020)", "log-scale SD of S-ketamine clearance"},
    {"pop.omega.r_ket_cl", "1", ALL(0.30), 0, 2, "assumed as S-ketamine", "log-scale SD of R-ketamine clearance"},
    {"pop.omega.v1", "1", ALL(0.25), 0, 2, "assumed: central volume CV ~25%", "log-scale SD of both enantiomers' central volume"},
    {"pop.corr.s_r_cl", "1", ALL(0.8), CORR, "assumed: the enantiomers share the same enzymes (CYP2B6, CYP3A4)", "correlation of S- and R-ketamine clearance"},
    {"pop.corr.cl_v1", "1", ALL(0.3), CORR, "assumed: both scale with body size", "correlation of clearances with central volume"},
    /* inter-individual variability, cascade and mood */
    {"pop.omega.mood_sensitivity", "1", ALL(0.35), 0, 2, "assumed: wide spread of individual response (response 25-85% across trials)", "log-scale SD of mood.sensitivity"},
    {"pop.omega.ltp_early_max", "1", ALL(0.25), 0, 2, "assumed", "log-scale SD of ltp.early_max"},
    {"pop.omega.ltp_late_max", "1", ALL(0.30), 0, 2, "assumed", "log-scale SD of ltp.late_max"},
    {"pop.omega.ltp_consolidation", "1", ALL(0.25), 0, 2, "assumed", "log-scale SD of ltp.consolidation_k_per_h"},
    {"pop.corr.ltp_early_late", "1", ALL(0.5), CORR, "assumed: shared plasticity capacity", "correlation of early and consolidated potentiation gains"},
    {"pop.corr.mood_ltp", "1", ALL(0.0), CORR, "assumed: independent", "correlation of mood sensitivity with the potentiation gains"},
    /* placebo and expectancy */
    {"pop.placebo.mean_points", "points", ALL(7.0), -20, 30, "calibrated to target trial_saline_response_1d (8.8%, Cochrane 2021 pooled; parallel saline arm, rater noise included)", "mean peak placebo MADRS improvement after a session"},
    {"pop.placebo.sd_points", "points", ALL(6.5), 0, 20, "calibrated to target trial_saline_response_1d (with pop.placebo.mean_points)", "SD of the individual placebo improvement"},
    {"pop.placebo.onset_k_per_h", "1/h", ALL(1.0), POS, "assumed: expectancy acts within hours", "rise rate of the placebo improvement after a session"},
    {"pop.placebo.decay_k_per_h", "1/h", ALL(0.001), POS, "assumed: placebo response in depression trials holds for weeks (t1/2 29 d)", "decay rate of the placebo improvement"},
    {"pop.midazolam.extra_points", "points", ALL(8.0), -20, 30, "set by hand so that midazolam response at 24 h is near 28% (Murrough 2013 Am J Psychiatry); no target row", "extra mean placebo improvement with midazolam 0.045 mg/kg"},
    {"pop.midazolam.decay_k_per_h", "1/h", ALL(0.01), POS, "assumed: sedation-related expectancy fades over days", "decay rate of the midazolam extra improvement"},
    /* measurement */
    {"pop.rater_noise_sd", "points", ALL(2.5), 0, 20, "assumed: MADRS inter-rater SD ~2-3 points", "SD of rater noise per rating"},
    /* virtual laboratory (src/lab/): assays, behaviour, stress, animal variability */
    {"lab.iiv.pk_omega", "1", ALL(0.2), 0, 2, "assumed: rodent PK CV ~20% between animals", "log-scale SD of every clearance between animals (one factor per animal)"},
    {"lab.iiv.response_omega", "1", ALL(0.15), 0, 2, "assumed: behavioural responsiveness varies ~15% between animals", "log-scale SD of mood.sensitivity between animals"},
    {"lab.western.cv", "1", ALL(0.15), 0, 2, "assumed: Western blot densitometry CV 10-20%", "log-scale measurement SD of a Western blot band"},
    {"lab.western.p70s6k_gain", "1", ALL(1.3), 0, 10, "assumed: p70S6K phosphorylation amplifies mTORC1 activity (Li 2010 shows larger fold changes than p-mTOR)", "exponent of lagged mTORC1 for p-p70S6K"},
    {"lab.western.p70s6k_lag_h", "h", ALL(0.25), 0, 24, "assumed: kinase step minutes downstream of mTORC1", "first-order lag of p-p70S6K behind mTORC1"},
    {"lab.western.4ebp1_gain", "1", ALL(0.8), 0, 10, "assumed: 4E-BP1 is partly rapamycin-resistant (Thoreen 2009), so it follows mTORC1 less steeply", "exponent of lagged mTORC1 for p-4E-BP1"},
    {"lab.western.4ebp1_lag_h", "h", ALL(0.25), 0, 24, "assumed: kinase step minutes downstream of mTORC1", "first-order lag of p-4E-BP1 behind mTORC1"},
    {"lab.western.psd95_gain", "1", ALL(1.0), 0, 10, "assumed: PSD95 tracks the synaptic protein pool", "exponent of synaptic_protein_rel for PSD95"},
    {"lab.western.glua1_gain", "1", ALL(1.0), 0, 10, "assumed: GluA1 tracks the synaptic protein pool", "exponent of synaptic_protein_rel for GluA1"},
    {"lab.western.synapsin_gain", "1", ALL(0.8), 0, 10, "assumed: presynaptic synapsin I rises less than postsynaptic proteins (Li 2010)", "exponent of synaptic_protein_rel for synapsin I"},
    {"lab.spine.per_10um", "spines/10um", ALL(10), 0, 100, "assumed: ~1 spine per um on mPFC layer V apical tufts (order of Li 2010 Science controls)", "untreated, unstressed spine density"},
    {"lab.spine.cv", "1", ALL(0.08), 0, 2, "assumed: per-animal spine count CV ~8%", "log-scale measurement SD of spine density"},
    {"lab.dialysis.cv", "1", ALL(0.10), 0, 2, "assumed: microdialysis fraction CV ~10%", "log-scale measurement SD of a dialysate fraction"},
    {"lab.dialysis.fraction_h", "h", ALL(1.0 / 3), 0.01, 2, "Moghaddam 1997 J Neurosci: 20-min fractions", "length of one dialysate fraction"},
    {"lab.mrs.cv", "1", ALL(0.05), 0, 2, "assumed: MRS metabolite CV ~5%", "log-scale measurement SD of an MRS (or metabolomics) measure"},
    {"lab.plasma_bdnf.cv", "1", ALL(0.10), 0, 2, "assumed: ELISA CV ~10%", "log-scale measurement SD of plasma BDNF"},
    {"lab.fst.immobility_s", "s", ALL(150), 0, 240, "assumed: rodents are immobile ~60% of the last 4 min of a 6-min test (Porsolt)", "immobility of an untreated, unstressed animal (last 4 of 6 min)"},
    {"lab.fst.gain", "1", ALL(0.5), 0, 10, "set by hand so that immobility falls about 30% at 24 h after 10 mg/kg (Li 2010, Autry 2011); no target row", "fractional fall of immobility per unit rise of synaptic_function_rel"},
    {"lab.fst.sd_s", "s", ALL(20), 0, 120, "assumed: typical per-animal SD in Porsolt tests", "per-animal SD of immobility"},
    {"lab.spt.baseline_pct", "%", ALL(82), 50, 100, "assumed: unstressed rodents prefer 1% sucrose ~80-85%", "sucrose preference of an untreated, unstressed animal"},
    {"lab.spt.exponent", "1", ALL(2), 0, 10, "assumed: chosen so CUS (spines ~0.75) gives ~65% (Li 2011 Biol Psychiatry)", "preference above 50% scales as synaptic_function_rel^exponent"},
    {"lab.spt.sd_pct", "%", ALL(4), 0, 50, "assumed: typical per-animal SD", "per-animal SD of sucrose preference"},
    {"lab.stress.cus_setpoint_rel", "1", ALL(0.7), 0.05, 1, "assumed: 21 d CUS cuts mPFC spine density 25-40% (Li 2011 Biol Psychiatry)", "spine.setpoint_rel after chronic unpredictable stress"},
    {"lab.stress.cus_bdnf_release_scale", "1", ALL(0.97), 0.5, 1, "assumed: stress lowers activity-dependent BDNF (Duman 2012); kept small because the protein loop amplifies it steeply", "bdnf.release_scale after chronic unpredictable stress"},
    {"lab.stress.defeat_setpoint_rel", "1", ALL(0.8), 0.05, 1, "assumed: chronic social defeat lowers spines somewhat less than CUS", "spine.setpoint_rel after social defeat"},
    {"lab.stress.defeat_bdnf_release_scale", "1", ALL(0.97), 0.5, 1, "assumed: as CUS", "bdnf.release_scale after social defeat"},
    /* endpoint definitions */
    {"trial.response_fraction", "1", ALL(0.5), FRAC, "convention: response = MADRS fall of at least 50% from baseline", "fraction of baseline MADRS that must be lost for response"},
    {"trial.remission_max", "points", ALL(10), 0, 60, "convention: MADRS <= 10 (Zarate 2006, Murrough 2013)", "highest MADRS counted as remission"},
    {"trial.relapse_fraction", "1", ALL(0.5), FRAC, "Murrough 2013 Biol Psychiatry: relapse = MADRS above 50% of baseline", "relapse: MADRS above this fraction of the course baseline"},
    {"trial.relapse_consecutive", "visits", ALL(2), 1, 10, "Murrough 2013 Biol Psychiatry: two consecutive visits", "visits in a row above the relapse threshold"},
    {"trial.alpha", "1", ALL(0.05), 0.0001, 0.5, "convention", "significance level for onset, duration and power"},
};

const size_t pop_param_table_len = sizeof pop_param_table / sizeof pop_param_table[0];
