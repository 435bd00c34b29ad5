/* Private layout of a validation target, shared by validate.c (the table,
 * judging, trial and derived statistics) and target_eval.c (statistics of
 * one simulated subject). */
#ifndef KETSIM_TARGET_IMPL_H
#define KETSIM_TARGET_IMPL_H

#include "ketsim/params.h"
#include "ketsim/validate.h"

/* ST_FOLD: value at a time divided by the value in the same regimen without
 * the main drug's doses (a vehicle group that gets the same pretreatments).
 * ST_AUC_RATIO: ratio of two outputs' areas under the curve over a window.
 * ST_HALFLIFE: half-life of the log-linear fit of one output over a window.
 * ST_TRIAL: a statistic of an endpoint over replicate virtual trials.
 * ST_TARGETS: a contrast of other targets. */
typedef enum {
    ST_AT, ST_MAX, ST_MIN, ST_TMAX, ST_TMIN, ST_DIFF, ST_RATIO, ST_FOLD, ST_AUC_RATIO, ST_HALFLIFE, ST_TRIAL,
    ST_TARGETS
} val_stat_kind;

typedef enum { TG_DIFF, TG_RATIO, TG_ORDER } val_derived_kind;

#define VAL_MAX_REFS 8

typedef struct val_target {
    ketsim_target_spec spec;
    ketsim_target_result r;
    val_stat_kind kind;
    long out_a, out_b;
    double t0, t1;
    /* trial:SCENARIO:METRIC:QUANTILE:REPLICATES[:MIN_FRACTION] */
    char scenario[64], metric[96], quantile[8];
    int replicates;
    double min_fraction;
    /* targets:diff|ratio|order:ID:ID... */
    val_derived_kind tg;
    size_t n_ref;
    char ref_id[VAL_MAX_REFS][64];
    long ref[VAL_MAX_REFS];
} val_target;

/* Parameter overrides of one evaluation (calibration), on top of `set`. */
typedef struct val_overrides {
    const char *const *names;
    const double *values;
    size_t n;
} val_overrides;

/* Parse the statistic column (and check its times against `until`). */
int val_target_parse(val_target *t, ketsim_error *err);
/* The statistic of one simulated subject (kinds ST_AT..ST_HALFLIFE) with the
 * species' table `base`. */
int val_target_simulate(const val_target *t, const ketsim_params *base, const val_overrides *ov, double *out,
                        ketsim_error *err);

#endif
