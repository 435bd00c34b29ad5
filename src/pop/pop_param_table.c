/* Population parameters: covariates, inter-individual variability, placebo
 * and expectancy, rater noise.  Read by src/pop/population.c (never by the
 * model), so `--set pop.NAME=VALUE` changes a virtual population without
 * touching the single-subject model.  Rodent values are kept equal to the
 * human ones: virtual patients are human. */
#include "ketsim/population.h"
#include "core/param_rows.h"

#include <math.h>

#define ALL(v) {(v), (v), (v)}
#define POS 0.0, INFINITY
#define FRAC 0.0, 1.0
#define CORR -0.99, 0.99

static const ketsim_param_def rows[] = {
    /* covariates */
    {"pop.weight_median_kg", "kg", ALL(80), 20, 250, ASSUMED, "assumed: adult TRD trial populations (Zarate 2006, Murrough 2013 report BMI ~28-30)", "median body weight"},
    {"pop.weight_omega", "1", ALL(0.18), 0, 1, ASSUMED, "assumed: CV ~18% of adult body weight", "log-scale SD of body weight"},
    {"pop.weight_min_kg", "kg", ALL(45), 20, 250, ASSUMED, "assumed: adult inclusion", "lower truncation of body weight"},
    {"pop.weight_max_kg", "kg", ALL(150), 20, 250, ASSUMED, "assumed: adult inclusion", "upper truncation of body weight"},
    {"pop.female_fraction", "1", ALL(0.55), FRAC, LIT, "Zarate 2006 Arch Gen Psychiatry: 12 of 18 women; Murrough 2013 Biol Psychiatry: ~40%", "probability a subject is female"},
    {"pop.age_mean_y", "years", ALL(46), 18, 90, LIT, "Zarate 2006: mean age 46.7", "mean age"},
    {"pop.age_sd_y", "years", ALL(11), 0, 40, LIT, "Zarate 2006: SD 11.2", "SD of age"},
    {"pop.age_min_y", "years", ALL(18), 0, 120, LIT, "trial inclusion: adults", "lower truncation of age"},
    {"pop.age_max_y", "years", ALL(65), 0, 120, LIT, "trial inclusion: most TRD trials exclude over 65", "upper truncation of age"},
    {"pop.nonresponder_fraction", "1", ALL(0.55), FRAC, HAND("trial_murrough_response trial_pooled_response_1d"), "set by hand (scans of replicate trials) against targets trial_murrough_response (70.8% after six infusions, Murrough 2013) and trial_pooled_response_1d (46-52% the day after one infusion, Wilkinson 2019, Han 2016): 0.5-0.6 pass both (at 0.45 the relapse after six infusions, trial_murrough_relapse, comes at 22.75 d, past 22); TRD includes patients who do not respond to repeated ketamine", "probability that a patient has little synaptic plasticity"},
    {"pop.nonresponder_consolidation_scale", "1", ALL(0.05), FRAC, HAND("trial_zarate_response_7d trial_pooled_response_7d"), "set by hand (scans of replicate trials) against targets trial_zarate_response_7d (35%, Zarate 2006) and trial_pooled_response_7d (39.8%, Han 2016), with pop.nonresponder_fraction: non-responders keep little of what they get", "ltp.consolidation_k_per_h multiplier of a non-responder"},
    {"pop.nonresponder_spine_headroom", "1", ALL(0.01), 0.001, 1, HAND("trial_murrough_response"), "set by hand (scans of replicate trials) against target trial_murrough_response: little room for new spines above the set point", "spine.max_rel - spine.setpoint_rel of a non-responder"},
    {"pop.nonresponder_early_scale", "1", ALL(0.25), FRAC, HAND("trial_pooled_response_1d"), "set by hand (scans of replicate trials) against target trial_pooled_response_1d: with the full acute effect, non-responders responded the day after as often as responders (73% in a 30-patient arm); Murrough 2013 Biol Psychiatry: 71% of course non-responders had no response 4 h after the first infusion (specificity of the 4-h response)", "ltp.early_max multiplier of a non-responder"},
    {"pop.bdnf_met_fraction", "1", ALL(0.30), FRAC, LIT, "Laje 2012 Biol Psychiatry: Met carriers ~30% of ketamine trial patients (Caucasian)", "probability of carrying BDNF Val66Met (Met allele)"},
    {"pop.bdnf_met_release_scale", "1", ALL(0.7), FRAC, LIT, "Egan 2003 Cell: Met allele cuts activity-dependent BDNF secretion ~30%", "bdnf.release_scale of Met carriers"},
    {"pop.cyp2b6_pm_fraction", "1", ALL(0.06), FRAC, ASSUMED, "assumed: CYP2B6 poor metabolisers (*6/*6 and similar) ~6% in European populations", "probability of CYP2B6 poor metaboliser status"},
    {"pop.cyp2b6_pm_cl_factor", "1", ALL(0.7), 0.05, 1, ASSUMED, "assumed: Li 2015 Pharmacogenomics J (CYP2B6*6 lowers ketamine clearance ~20-30%)", "ketamine clearance multiplier of poor metabolisers"},
    /* disease severity */
    {"pop.madrs_baseline_mean", "points", ALL(32), 0, 60, LIT, "Haile 2014 Int J Neuropsychopharmacol: 32.3; Zarate 2006 ~32", "mean untreated MADRS before truncation"},
    {"pop.madrs_baseline_sd", "points", ALL(5), 0, 20, ASSUMED, "assumed: typical SD 4-6 in ketamine TRD trials", "SD of untreated MADRS"},
    {"pop.madrs_inclusion_min", "points", ALL(22), 0, 60, LIT, "Zarate 2006 and Murrough 2013: MADRS >= 22 at screening", "inclusion: lowest untreated MADRS (truncation)"},
    {"pop.madrs_baseline_max", "points", ALL(50), 0, 60, ASSUMED, "assumed: very severe cases rarely enrolled", "upper truncation of untreated MADRS"},
    {"pop.spine_setpoint_median", "1", ALL(0.6), 0.05, 0.99, LIT, "as spine.setpoint_rel (human TRD patient)", "median spine set point (lower = more depressed)"},
    {"pop.spine_setpoint_omega", "1", ALL(0.10), 0, 1, ASSUMED, "assumed: modest spread of synaptic deficit", "log-scale SD of the spine set point"},
    {"pop.spine_setpoint_max", "1", ALL(0.9), 0.05, 0.99, ASSUMED, "assumed: keeps a deficit to treat", "upper truncation of the spine set point"},
    /* inter-individual variability, PK */
    {"pop.omega.s_ket_cl", "1", ALL(0.30), 0, 2, ASSUMED, "assumed: ketamine clearance CV ~30% (Fanta 2015, Kamp 2020)", "log-scale SD of S-ketamine clearance"},
    {"pop.omega.r_ket_cl", "1", ALL(0.30), 0, 2, ASSUMED, "assumed as S-ketamine", "log-scale SD of R-ketamine clearance"},
    {"pop.omega.v1", "1", ALL(0.25), 0, 2, ASSUMED, "assumed: central volume CV ~25%", "log-scale SD of both enantiomers' central volume"},
    {"pop.corr.s_r_cl", "1", ALL(0.8), CORR, ASSUMED, "assumed: the enantiomers share the same enzymes (CYP2B6, CYP3A4)", "correlation of S- and R-ketamine clearance"},
    {"pop.corr.cl_v1", "1", ALL(0.3), CORR, ASSUMED, "assumed: both scale with body size", "correlation of clearances with central volume"},
    /* inter-individual variability, cascade and mood */
    {"pop.omega.mood_sensitivity", "1", ALL(0.35), 0, 2, ASSUMED, "assumed: wide spread of individual response (response 25-85% across trials)", "log-scale SD of mood.sensitivity"},
    {"pop.omega.ltp_early_max", "1", ALL(0.25), 0, 2, ASSUMED, "assumed", "log-scale SD of ltp.early_max"},
    {"pop.omega.ltp_late_max", "1", ALL(0.30), 0, 2, ASSUMED, "assumed", "log-scale SD of ltp.late_max"},
    {"pop.omega.ltp_consolidation", "1", ALL(0.25), 0, 2, ASSUMED, "assumed", "log-scale SD of ltp.consolidation_k_per_h"},
    {"pop.corr.ltp_early_late", "1", ALL(0.5), CORR, ASSUMED, "assumed: shared plasticity capacity", "correlation of early and consolidated potentiation gains"},
    {"pop.corr.mood_ltp", "1", ALL(0.0), CORR, ASSUMED, "assumed: independent", "correlation of mood sensitivity with the potentiation gains"},
    /* placebo and expectancy */
    {"pop.placebo.mean_points", "points", ALL(11.0), -20, 60, HAND("trial_saline_change_1d trial_saline_response_1d"), "set by hand (scans of replicate trials) against targets trial_saline_change_1d (0.2-5.7 points at 24 h) and trial_saline_response_1d (1-8.8%), with pop.placebo.session_boost: a saline session gives 0.3 x 11 = 3.3 points", "mean placebo MADRS improvement at full expectancy (an untreated patient)"},
    {"pop.placebo.sd_points", "points", ALL(9.0), 0, 40, HAND("trial_midazolam_response_1d trial_saline_response_1d"), "set by hand (scans of replicate trials) against targets trial_midazolam_response_1d (18%, CI 6-30%, Wilkinson 2019) and trial_saline_response_1d: the spread that gives a midazolam arm its responders while a saline arm has almost none", "SD of the individual placebo improvement at full expectancy"},
    {"pop.placebo.onset_k_per_h", "1/h", ALL(1.0), POS, HAND("trial_saline_early_share"), "set by hand against target trial_saline_early_share (Daly 2018: a placebo arm's fall is already at its largest 2 h after the session, 9.7 points, against 5.7 at 24 h): time constant 1 h, 86% of the rise by 2 h; no rate is published", "rise rate of the placebo improvement after a session"},
    {"pop.placebo.decay_k_per_h", "1/h", ALL(0.001), POS, HAND("trial_saline_kept_14d"), "set by hand against target trial_saline_kept_14d (Lii 2023: one blinded session's placebo change kept whole from day 1 to day 14, ratio 1.01, SE 0.21): t1/2 29 d keeps 73% over those 13 days; Khan 2008 J Psychiatr Res: 79% of placebo responders stay well over 12 weeks of continued placebo; faster than t1/2 18 d misses the target, slower lengthens relapse after six infusions (trial_murrough_relapse, 21 d of at most 22)", "decay rate of expectancy (and so of the placebo improvement)"},
    {"pop.placebo.session_boost", "1", ALL(0.3), FRAC, HAND("trial_saline_change_1d trial_midazolam_response_1d"), "set by hand (scans of replicate trials) against targets trial_saline_change_1d and trial_midazolam_response_1d: an inert session raises expectancy 0.3 of the way to full, a session felt as a drug effect (midazolam, ketamine) about 0.8 of the way, so a midazolam arm improves about 2.5-fold as much as a saline arm (Wilkinson 2019: 18% vs 1% response, t(111) = 5.40); repeated sessions build it up", "share of the expectancy left to gain that an inert session adds"},
    {"pop.expectancy.perceived_gain", "1", ALL(1.0), FRAC, HAND("trial_midazolam_response_1d"), "set by hand (scans of replicate trials) against target trial_midazolam_response_1d: at 0.5 a midazolam arm had 4% responders and a 6.0-point fall (targets 6-30%, 8.8 points); at 1 a session felt fully as a drug effect takes expectancy to full", "how much a perceived drug effect (sedation, dissociation) adds to a session's expectancy boost"},
    {"pop.expectancy.cadss_half_points", "points", ALL(4), POS, ASSUMED, "assumed: about half of patients notice dissociation at a CADSS of 4 (a common threshold for meaningful dissociation); at the mean peak of 0.5 mg/kg (CADSS about 8) two thirds notice it, as 69% of ketamine patients reported derealisation in a midazolam-controlled trial (Taiwanese RCT, Int J Neuropsychopharmacol)", "CADSS at which half of patients perceive a drug effect"},
    {"pop.expectancy.sedation_half", "1", ALL(0.1), 0.001, 1, HAND("trial_midazolam_response_1d"), "set by hand (scans of replicate trials) against target trial_midazolam_response_1d: midazolam 0.045 mg/kg peaks at a 23% probability of Ramsay >= 2 (Barr 2001 C50), yet drowsiness is noticed below that level, so 70% of midazolam patients perceive a drug effect, about as many as notice ketamine's dissociation; at 1 (18% perceive) the arm improved too little (4.7 points, no responders)", "peak sedation probability (Ramsay >= 2) at which half of patients perceive a drug effect"},
    /* measurement */
    {"pop.rater_noise_sd", "points", ALL(2.5), 0, 20, ASSUMED, "assumed: MADRS inter-rater SD ~2-3 points", "SD of rater noise per rating"},
};

const ketsim_param_table *ketsim_pop_param_table(void)
{
    static const ketsim_param_table t = {rows, sizeof rows / sizeof rows[0]};
    return &t;
}
