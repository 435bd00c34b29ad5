/* Trial results as a NONMEM-style dataset: per subject, time-ordered dose
 * records (EVID 1) and MADRS observations (EVID 0), with covariates, in the
 * columns `ketsim simulate --dataset` reads (docs/dataset.md). */
#include "ketsim/formats.h"
#include "stream.h"

/* One observation row; a missing rating is MDV 1 with DV '.'. */
static void obs(FILE *fp, int id, double t, int rated, const char *arm, int period,
                const ketsim_trial_subject_result *r)
{
    fprintf(fp, "%d,%.6g,0,0,1,0,%d,", id, t, rated < 0);
    if (rated >= 0)
        fprintf(fp, "%d", rated);
    else
        fputc('.', fp);
    fputs(",madrs,", fp);
    ketsim_csv_field(fp, arm);
    fprintf(fp, ",%d,%.6g,%d,%.4g,%d\n", period, r->weight_kg, r->female, r->age_y, r->bdnf_met);
}

static void period_records(FILE *fp, const ketsim_trial_scenario *sc, int id, const ketsim_trial_subject_result *r,
                           int p)
{
    const ketsim_trial_arm *arm = &sc->arms[ketsim_trial_arm_in_period(sc, r->assign, p)];
    double st = ketsim_trial_period_start_h(sc, p);
    size_t k = 0;
    /* the baseline rating comes before the first dose at the same time */
    obs(fp, id, st, r->base_rated[p], arm->name, p + 1, r);
    for (size_t d = 0; d < ketsim_trial_arm_n_sessions(sc, arm); d++) {
        double td = st + ketsim_trial_arm_session_h(sc, arm, d);
        for (; k < sc->n_visits && st + sc->visit_h[k] < td; k++)
            obs(fp, id, st + sc->visit_h[k], r->madrs_rated[p][k], arm->name, p + 1, r);
        const ketsim_dose *dose = ketsim_trial_arm_dose(arm, d);
        if (dose) {
            double amt = dose->per_kg ? dose->amount * r->weight_kg : dose->amount;
            double rate = dose->duration_h > 0 ? amt / dose->duration_h : 0.0;
            fprintf(fp, "%d,%.6g,%.6g,%.6g,%d,1,1,.,,", id, td, amt, rate, ketsim_route_cmt(dose->route));
            ketsim_csv_field(fp, arm->name);
            fprintf(fp, ",%d,%.6g,%d,%.4g,%d\n", p + 1, r->weight_kg, r->female, r->age_y, r->bdnf_met);
        }
    }
    for (; k < sc->n_visits; k++)
        obs(fp, id, st + sc->visit_h[k], r->madrs_rated[p][k], arm->name, p + 1, r);
}

int ketsim_trial_write_subjects_nonmem(FILE *fp, const ketsim_trial_scenario *sc, const ketsim_trial_subject_result *s,
                                       ketsim_error *err)
{
    fputs("ID,TIME,AMT,RATE,CMT,EVID,MDV,DV,OUTPUT,ARM,PERIOD,WT,SEX,AGE,GENO\n", fp);
    for (int i = 0; i < sc->n_subjects; i++) {
        const ketsim_trial_subject_result *r = &s[i];
        if (r->failed)
            continue;
        for (int p = 0; p < ketsim_trial_n_periods(sc); p++)
            period_records(fp, sc, i + 1, r, p);
        int last = ketsim_trial_n_periods(sc) - 1;
        const ketsim_trial_arm *arm = &sc->arms[ketsim_trial_arm_in_period(sc, r->assign, last)];
        double ld = ketsim_trial_period_start_h(sc, last) + ketsim_trial_last_session_h(sc);
        for (size_t k = 0; k < ketsim_trial_n_followup(sc); k++)
            obs(fp, i + 1, ld + ketsim_trial_followup_h(sc, k), r->fu_rated[k], arm->name, last + 1, r);
    }
    return formats_stream_status(fp, "the NONMEM-style dataset", err);
}
