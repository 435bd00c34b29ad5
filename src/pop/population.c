/* Virtual patients: see include/ketsim/population.h. */
#include "ketsim/population.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define P(name) ketsim_params_value(params, name)

static int find_rows(ketsim_pop *pop, const ketsim_params *params, ketsim_error *err);

int ketsim_pop_init(ketsim_pop *pop, const ketsim_params *params, ketsim_error *err)
{
    memset(pop, 0, sizeof *pop);
    pop->weight_median = P("pop.weight_median_kg");
    pop->weight_omega = P("pop.weight_omega");
    pop->weight_min = P("pop.weight_min_kg");
    pop->weight_max = P("pop.weight_max_kg");
    pop->female_fraction = P("pop.female_fraction");
    pop->age_mean = P("pop.age_mean_y");
    pop->age_sd = P("pop.age_sd_y");
    pop->age_min = P("pop.age_min_y");
    pop->age_max = P("pop.age_max_y");
    pop->met_fraction = P("pop.bdnf_met_fraction");
    pop->met_release_scale = P("pop.bdnf_met_release_scale");
    pop->pm_fraction = P("pop.cyp2b6_pm_fraction");
    pop->pm_cl_factor = P("pop.cyp2b6_pm_cl_factor");
    pop->madrs_mean = P("pop.madrs_baseline_mean");
    pop->madrs_sd = P("pop.madrs_baseline_sd");
    pop->madrs_min = P("pop.madrs_inclusion_min");
    pop->madrs_max = P("pop.madrs_baseline_max");
    pop->spine_median = P("pop.spine_setpoint_median");
    pop->spine_omega = P("pop.spine_setpoint_omega");
    pop->spine_max = P("pop.spine_setpoint_max");
    pop->nonresp_fraction = P("pop.nonresponder_fraction");
    pop->nonresp_consol_scale = P("pop.nonresponder_consolidation_scale");
    pop->nonresp_spine_headroom = P("pop.nonresponder_spine_headroom");
    pop->nonresp_early_scale = P("pop.nonresponder_early_scale");
    pop->base_spine_max = P("spine.max_rel");
    pop->placebo_mean = P("pop.placebo.mean_points");
    pop->placebo_sd = P("pop.placebo.sd_points");
    pop->placebo_kon = P("pop.placebo.onset_k_per_h");
    pop->placebo_koff = P("pop.placebo.decay_k_per_h");
    pop->placebo_boost = P("pop.placebo.session_boost");
    pop->perceived_gain = P("pop.expectancy.perceived_gain");
    pop->cadss_half = P("pop.expectancy.cadss_half_points");
    pop->sedation_half = P("pop.expectancy.sedation_half");
    pop->rater_sd = P("pop.rater_noise_sd");
    pop->base_s_cl = P("s_ket.cl_l_per_h");
    pop->base_r_cl = P("r_ket.cl_l_per_h");
    pop->base_s_v1 = P("s_ket.v1_l");
    pop->base_r_v1 = P("r_ket.v1_l");
    pop->base_mood = P("mood.sensitivity");
    pop->base_ltp_e = P("ltp.early_max");
    pop->base_ltp_l = P("ltp.late_max");
    pop->base_ltp_c = P("ltp.consolidation_k_per_h");
    pop->base_release = P("bdnf.release_scale");

    if (pop->weight_min > pop->weight_max || pop->age_min > pop->age_max ||
        pop->madrs_min > pop->madrs_max)
        return KETSIM_FAIL(err, KETSIM_EINPUT,
                           "population: a lower truncation bound exceeds its upper bound "
                           "(pop.weight_*, pop.age_*, pop.madrs_inclusion_min/pop.madrs_baseline_max)");

    /* Omega: two correlated blocks, PK (S CL, R CL, V1) and pharmacodynamics
     * (mood sensitivity, early and late LTP gain), plus consolidation alone. */
    double sd[KETSIM_N_ETA] = {P("pop.omega.s_ket_cl"),          P("pop.omega.r_ket_cl"),
                               P("pop.omega.v1"),                P("pop.omega.mood_sensitivity"),
                               P("pop.omega.ltp_early_max"),     P("pop.omega.ltp_late_max"),
                               P("pop.omega.ltp_consolidation")};
    double corr[KETSIM_N_ETA * KETSIM_N_ETA] = {0};
    for (size_t i = 0; i < KETSIM_N_ETA; i++)
        corr[i * KETSIM_N_ETA + i] = 1;
#define SETC(a, b, v) (corr[(a) * KETSIM_N_ETA + (b)] = corr[(b) * KETSIM_N_ETA + (a)] = (v))
    SETC(KETSIM_ETA_S_KET_CL, KETSIM_ETA_R_KET_CL, P("pop.corr.s_r_cl"));
    SETC(KETSIM_ETA_S_KET_CL, KETSIM_ETA_V1, P("pop.corr.cl_v1"));
    SETC(KETSIM_ETA_R_KET_CL, KETSIM_ETA_V1, P("pop.corr.cl_v1"));
    SETC(KETSIM_ETA_LTP_EARLY, KETSIM_ETA_LTP_LATE, P("pop.corr.ltp_early_late"));
    SETC(KETSIM_ETA_MOOD_SENS, KETSIM_ETA_LTP_EARLY, P("pop.corr.mood_ltp"));
    SETC(KETSIM_ETA_MOOD_SENS, KETSIM_ETA_LTP_LATE, P("pop.corr.mood_ltp"));
#undef SETC
    /* A zero SD is allowed (no variability): factor the correlation matrix and
     * scale rows by the SDs, L_cov = diag(sd) L_corr. */
    double lc[KETSIM_N_ETA * KETSIM_N_ETA];
    int rc = ketsim_cholesky(KETSIM_N_ETA, corr, lc, err);
    if (rc) {
        ketsim_error_prefix(err, "population: pop.corr.* do not form a valid correlation matrix: ");
        return rc;
    }
    for (size_t i = 0; i < KETSIM_N_ETA; i++)
        for (size_t j = 0; j < KETSIM_N_ETA; j++)
            pop->chol[i * KETSIM_N_ETA + j] = sd[i] * lc[i * KETSIM_N_ETA + j];
    return find_rows(pop, params, err);
}

/* Normal(mean, sd) truncated to [lo, hi] by rejection, then clamped after 64
 * tries (only reachable with absurd bounds). */
static double trunc_normal(ketsim_rng *r, double mean, double sd, double lo, double hi)
{
    double x = mean;
    for (int i = 0; i < 64; i++) {
        x = mean + sd * ketsim_rng_normal(r);
        if (x >= lo && x <= hi)
            return x;
    }
    return fmin(fmax(x, lo), hi);
}

void ketsim_pop_draw(const ketsim_pop *pop, uint64_t seed, uint64_t id, double inclusion_min,
                     ketsim_patient *s)
{
    memset(s, 0, sizeof *s);
    s->id = id;
    ketsim_rng r;
    ketsim_rng_init(&r, seed, id, KETSIM_RNG_COVARIATES);
    s->weight_kg = exp(trunc_normal(&r, log(pop->weight_median), pop->weight_omega,
                                    log(pop->weight_min), log(pop->weight_max)));
    s->female = ketsim_rng_bernoulli(&r, pop->female_fraction);
    s->age_y = trunc_normal(&r, pop->age_mean, pop->age_sd, pop->age_min, pop->age_max);
    s->bdnf_met = ketsim_rng_bernoulli(&r, pop->met_fraction);
    s->cyp2b6_pm = ketsim_rng_bernoulli(&r, pop->pm_fraction);
    double lo = inclusion_min >= 0 ? inclusion_min : pop->madrs_min;
    s->madrs_baseline = trunc_normal(&r, pop->madrs_mean, pop->madrs_sd, lo,
                                     fmax(lo, pop->madrs_max));
    s->spine_setpoint = exp(trunc_normal(&r, log(pop->spine_median), pop->spine_omega, log(0.05),
                                         log(pop->spine_max)));
    /* Drawn last so that adding it left every earlier covariate unchanged. */
    s->nonresponder = ketsim_rng_bernoulli(&r, pop->nonresp_fraction);

    ketsim_rng_init(&r, seed, id, KETSIM_RNG_IIV);
    ketsim_error e;
    if (ketsim_rng_mvnormal(&r, KETSIM_N_ETA, pop->chol, s->eta, &e) != KETSIM_OK)
        memset(s->eta, 0, sizeof s->eta);

    ketsim_rng_init(&r, seed, id, KETSIM_RNG_PLACEBO);
    s->placebo_points = pop->placebo_mean + pop->placebo_sd * ketsim_rng_normal(&r);
}

static const char *const varied[12] = {
    "s_ket.cl_l_per_h", "r_ket.cl_l_per_h", "s_ket.v1_l", "r_ket.v1_l", "mood.sensitivity",
    "ltp.early_max", "ltp.late_max", "ltp.consolidation_k_per_h", "bdnf.release_scale",
    "patient.madrs_baseline", "spine.setpoint_rel", "spine.max_rel",
};

static int find_rows(ketsim_pop *pop, const ketsim_params *params, ketsim_error *err)
{
    for (size_t i = 0; i < sizeof varied / sizeof varied[0]; i++) {
        int rc = ketsim_params_find(params, varied[i], &pop->row[i], err);
        if (rc)
            return rc;
    }
    return KETSIM_OK;
}

size_t ketsim_pop_values(const ketsim_pop *pop, const ketsim_patient *s, ketsim_param_value *out)
{
    double cl = s->cyp2b6_pm ? pop->pm_cl_factor : 1.0;
    /* Non-responders: a weaker acute (early) potentiation, little
     * consolidation and little room for new spines. */
    double early_scale = s->nonresponder ? pop->nonresp_early_scale : 1.0;
    double consol_scale = s->nonresponder ? pop->nonresp_consol_scale : 1.0;
    double spine_max = s->nonresponder ? s->spine_setpoint + pop->nonresp_spine_headroom
                                       : pop->base_spine_max;
    const double v[12] = {
        pop->base_s_cl * cl * exp(s->eta[KETSIM_ETA_S_KET_CL]),
        pop->base_r_cl * cl * exp(s->eta[KETSIM_ETA_R_KET_CL]),
        pop->base_s_v1 * exp(s->eta[KETSIM_ETA_V1]),
        pop->base_r_v1 * exp(s->eta[KETSIM_ETA_V1]),
        pop->base_mood * exp(s->eta[KETSIM_ETA_MOOD_SENS]),
        pop->base_ltp_e * early_scale * exp(s->eta[KETSIM_ETA_LTP_EARLY]),
        pop->base_ltp_l * exp(s->eta[KETSIM_ETA_LTP_LATE]),
        pop->base_ltp_c * consol_scale * exp(s->eta[KETSIM_ETA_LTP_CONSOL]),
        pop->base_release * (s->bdnf_met ? pop->met_release_scale : 1.0),
        s->madrs_baseline,
        s->spine_setpoint,
        spine_max,
    };
    for (size_t i = 0; i < 12; i++)
        out[i] = (ketsim_param_value){pop->row[i], v[i]};
    return 12;
}

int ketsim_pop_apply(const ketsim_pop *pop, const ketsim_patient *s, ketsim_params *w,
                     ketsim_error *err)
{
    ketsim_param_value v[KETSIM_POP_MAX_VALUES];
    size_t n = ketsim_pop_values(pop, s, v);
    for (size_t i = 0; i < n; i++) {
        int rc = ketsim_params_set_at(w, v[i].row, v[i].value, err);
        if (rc) {
            char pre[64];
            snprintf(pre, sizeof pre, "subject %llu: ", (unsigned long long)s->id);
            ketsim_error_prefix(err, pre);
            return rc;
        }
    }
    return KETSIM_OK;
}

/* Expectancy E and the placebo response R it drives, both 0..1: a session
 * raises E by a share `boost` of what is left to 1, E decays at koff and R
 * follows E at kon.  Between sessions both are exponentials, propagated in
 * closed form; R is continuous, so a rating taken at a session's time keeps
 * what the earlier sessions built. */
typedef struct expectancy {
    double e, r;
} expectancy;

static void expect_advance(expectancy *x, double kon, double koff, double dt)
{
    if (!(dt > 0))
        return;
    double ef = exp(-koff * dt), rf = exp(-kon * dt);
    double drive = fabs(kon - koff) > 1e-12 * kon ? kon / (kon - koff) * (ef - rf) : kon * dt * rf;
    x->r = x->r * rf + x->e * drive;
    x->e *= ef;
}

static void expect_session(expectancy *x, double boost)
{
    x->e += boost * (1.0 - x->e);
}

/* A session's boost: the plain share of an inert session, raised toward 1
 * by what the patient feels. */
static double boost_of(const ketsim_pop *pop, double perceived)
{
    double p = fmin(fmax(perceived, 0.0), 1.0);
    return pop->placebo_boost + (1.0 - pop->placebo_boost) * pop->perceived_gain * p;
}

double ketsim_pop_placebo_at(const ketsim_pop *pop, const ketsim_patient *s,
                             const ketsim_session *sessions, size_t n, double t_h)
{
    expectancy x = {0, 0};
    double t = 0;
    int started = 0;
    for (size_t i = 0; i < n && sessions[i].time_h <= t_h + 1e-9; i++) {
        if (started)
            expect_advance(&x, pop->placebo_kon, pop->placebo_koff, sessions[i].time_h - t);
        expect_session(&x, boost_of(pop, sessions[i].perceived));
        t = sessions[i].time_h;
        started = 1;
    }
    if (!started)
        return 0;
    expect_advance(&x, pop->placebo_kon, pop->placebo_koff, t_h - t);
    return s->placebo_points * x.r;
}

/* x / (x + half): the share of patients who notice an effect of size x. */
static double noticed(double x, double half)
{
    x = fmax(x, 0.0);
    return x > 0 ? x / (x + half) : 0.0;
}

double ketsim_pop_perceived(const ketsim_pop *pop, double sedation, double cadss)
{
    /* Sedation is read as a probability of Ramsay >= 2; a patient notices
     * drowsiness before that, so it too passes through a half-point. */
    double sedated = noticed(fmin(sedation, 1.0), pop->sedation_half);
    double dissociated = noticed(cadss, pop->cadss_half);
    return 1.0 - (1.0 - sedated) * (1.0 - dissociated);
}

double ketsim_pop_observed_madrs(const ketsim_patient *s, double model_madrs, double placebo_points)
{
    double scale = s->madrs_baseline > 0 ? model_madrs / s->madrs_baseline : 0.0;
    double m = model_madrs - placebo_points * scale;
    return fmin(fmax(m, 0.0), 60.0);
}

int ketsim_pop_rate_madrs(const ketsim_pop *pop, ketsim_rng *r, double true_madrs)
{
    double x = true_madrs + pop->rater_sd * ketsim_rng_normal(r);
    x = nearbyint(x);
    if (!(x >= 0))
        x = 0;
    if (x > 60)
        x = 60;
    return (int)x;
}
