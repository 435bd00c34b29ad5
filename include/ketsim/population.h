/* Virtual patients: covariates, inter-individual variability, placebo
 * response and rater noise.
 *
 * A subject is drawn from the pop.* rows of a ketsim_params table (see
 * `ketsim params`), with every draw from the counter-based streams of
 * ketsim_rng keyed by (seed, subject id, purpose), so subject k is the same
 * whatever the thread count or the order of simulation.  A subject's model
 * parameters are written onto a caller-owned copy of the base table
 * (ketsim_params_clone once per thread, then ketsim_pop_apply per subject:
 * no allocation per subject). */
#ifndef KETSIM_POPULATION_H
#define KETSIM_POPULATION_H

#include <stdint.h>

#include "ketsim/error.h"
#include "ketsim/params.h"
#include "ketsim/rng.h"
#include "ketsim/simulate.h"
#include "ketsim/subject.h"

/* Parameters with log-normal variability (index into ketsim_patient.eta). */
enum {
    KETSIM_ETA_S_KET_CL = 0,
    KETSIM_ETA_R_KET_CL,
    KETSIM_ETA_V1,
    KETSIM_ETA_MOOD_SENS,
    KETSIM_ETA_LTP_EARLY,
    KETSIM_ETA_LTP_LATE,
    KETSIM_ETA_LTP_CONSOL,
    KETSIM_N_ETA
};

typedef struct ketsim_patient {
    uint64_t id;
    double weight_kg;
    double age_y;
    int female;
    int bdnf_met;          /* carries the Met allele */
    int cyp2b6_pm;         /* CYP2B6 poor metaboliser */
    double madrs_baseline; /* untreated MADRS (continuous, model parameter) */
    double spine_setpoint; /* spine.setpoint_rel */
    double eta[KETSIM_N_ETA]; /* log-scale deviations */
    double placebo_points; /* peak placebo MADRS improvement after a session */
    int nonresponder;      /* little synaptic plasticity: see pop.nonresponder_* */
} ketsim_patient;

/* Population constants read once from the pop.* rows. */
typedef struct ketsim_pop {
    double weight_median, weight_omega, weight_min, weight_max;
    double female_fraction;
    double age_mean, age_sd, age_min, age_max;
    double met_fraction, met_release_scale;
    double pm_fraction, pm_cl_factor;
    double madrs_mean, madrs_sd, madrs_min, madrs_max;
    double spine_median, spine_omega, spine_max;
    double nonresp_fraction, nonresp_consol_scale, nonresp_spine_headroom, nonresp_early_scale;
    double base_spine_max;
    double chol[KETSIM_N_ETA * KETSIM_N_ETA]; /* lower Cholesky of omega */
    double placebo_mean, placebo_sd, placebo_kon, placebo_koff, placebo_boost;
    double perceived_gain, cadss_half, sedation_half;
    double rater_sd;
    /* typical values of the varied model parameters (base table) */
    double base_s_cl, base_r_cl, base_s_v1, base_r_v1, base_mood, base_ltp_e, base_ltp_l,
        base_ltp_c, base_release;
    /* rows of the varied parameters, in the order ketsim_pop_values fills them */
    size_t row[12];
} ketsim_pop;

/* Read the pop.* rows of params (and the typical model values). */
int ketsim_pop_init(ketsim_pop *pop, const ketsim_params *params, ketsim_error *err);

/* Draw subject `id` of the population for `seed`.  inclusion_min overrides
 * pop.madrs_inclusion_min when >= 0. */
void ketsim_pop_draw(const ketsim_pop *pop, uint64_t seed, uint64_t id, double inclusion_min,
                     ketsim_patient *s);

/* The patient's individual values over the table pop was read from
 * (clearances, volumes, cascade gains, BDNF release, MADRS baseline, spine
 * set point), for ketsim_subject_input.values.  Returns the count (at most
 * KETSIM_POP_MAX_VALUES). */
#define KETSIM_POP_MAX_VALUES 16
size_t ketsim_pop_values(const ketsim_pop *pop, const ketsim_patient *s, ketsim_param_value *out);

/* Write the patient's values onto `work` (a clone of the table pop was read
 * from). */
int ketsim_pop_apply(const ketsim_pop *pop, const ketsim_patient *s, ketsim_params *work,
                     ketsim_error *err);

/* A study session (infusion or spray, active or control): what placebo and
 * expectancy respond to.  `perceived` (0..1) is how much of a drug effect
 * the patient feels during it, sedation or dissociation alike
 * (ketsim_pop_perceived): an active placebo such as midazolam, or an active
 * drug that dissociates, unblinds patients and raises expectancy more than
 * an inert infusion does. */
typedef struct ketsim_session {
    double time_h;
    double perceived;
} ketsim_session;

/* Perceived drug effect at one time: the chance of feeling sedated or
 * dissociated, from the model's `sedation` (a probability of Ramsay >= 2,
 * half-perceived at pop.expectancy.sedation_half) and `cadss` (points,
 * half-perceived at pop.expectancy.cadss_half_points). */
double ketsim_pop_perceived(const ketsim_pop *pop, double sedation, double cadss);
/* Length of the window after a session's start in which its perceived
 * effect is read (h). */
#define KETSIM_SESSION_WINDOW_H 3.0

/* Placebo MADRS improvement at time t from every session at or before t
 * (sessions in time order; 0 before the first): expectancy that each session
 * raises and that decays between them, followed by the response with the
 * onset rate, so the improvement carries over from session to session and
 * a rating at a session's time keeps it (docs/trial.md). */
double ketsim_pop_placebo_at(const ketsim_pop *pop, const ketsim_patient *s,
                             const ketsim_session *sessions, size_t n, double t_h);


/* The MADRS a patient shows: the model's MADRS less the placebo part, which
 * acts on the symptoms present (placebo points are those of an untreated
 * patient, scaled by model / untreated baseline), clamped to 0..60.  A
 * patient the drug has already helped gains fewer placebo points, so drug
 * and expectancy do not add up past the floor of the scale. */
double ketsim_pop_observed_madrs(const ketsim_patient *s, double model_madrs, double placebo_points);

/* A rating: round(true + noise), clamped to 0..60.  One normal per call. */
int ketsim_pop_rate_madrs(const ketsim_pop *pop, ketsim_rng *r, double true_madrs);

/* The population's parameter rows (pop.*). */
const ketsim_param_table *ketsim_pop_param_table(void);

#endif
