/* Virtual laboratory: animal experiments written as YAML protocols (groups,
 * stress, pretreatments, test drug, assays at read-out times), simulated
 * animal by animal and analysed as a paper would be.  See docs/lab.md. */
#ifndef KETSIM_LAB_H
#define KETSIM_LAB_H

#include <stddef.h>

#include "ketsim/error.h"
#include "ketsim/params.h"

#define KETSIM_LAB_MAX_GROUPS 8
#define KETSIM_LAB_MAX_PRE 4
#define KETSIM_LAB_MAX_SETS 8
#define KETSIM_LAB_MAX_READOUTS 16
#define KETSIM_LAB_MAX_MEASURES 10
#define KETSIM_LAB_MAX_TIMES 12
#define KETSIM_LAB_MAX_CONTRASTS 8

typedef enum ketsim_lab_stress { KETSIM_LAB_STRESS_NONE = 0, KETSIM_LAB_STRESS_CUS, KETSIM_LAB_STRESS_DEFEAT } ketsim_lab_stress;
typedef enum ketsim_lab_genotype { KETSIM_LAB_WT = 0, KETSIM_LAB_BDNF_KO, KETSIM_LAB_VAL66MET } ketsim_lab_genotype;

/* Assay kinds and their measures (see ketsim_lab_measure_name). */
typedef enum ketsim_lab_measure {
    KETSIM_LAB_P_MTOR = 0, KETSIM_LAB_P_P70S6K, KETSIM_LAB_P_4EBP1, KETSIM_LAB_P_EEF2, KETSIM_LAB_BDNF, KETSIM_LAB_PSD95, KETSIM_LAB_GLUA1,
    KETSIM_LAB_SYNAPSIN1,                     /* western: fold of control group */
    KETSIM_LAB_SPINES,                        /* spines per 10 um */
    KETSIM_LAB_DIALYSIS_GLU,                  /* % of own baseline, fraction ending at the time */
    KETSIM_LAB_MRS_GLU, KETSIM_LAB_MRS_PFC_GLU, KETSIM_LAB_MRS_GLN, KETSIM_LAB_MRS_GABA, KETSIM_LAB_MRS_GLU_GLN, KETSIM_LAB_MRS_GABA_GLU, /* fold of control */
    KETSIM_LAB_PLASMA_BDNF,                   /* fold of control */
    KETSIM_LAB_FST,                           /* immobility, s of the last 4 of 6 min */
    KETSIM_LAB_SPT,                           /* sucrose preference, % */
    KETSIM_LAB_N_MEASURES
} ketsim_lab_measure;

const char *ketsim_lab_measure_name(ketsim_lab_measure m);
const char *ketsim_lab_measure_unit(ketsim_lab_measure m);
const char *ketsim_lab_measure_assay(ketsim_lab_measure m);
/* What a figure calls the measure, e.g. "p-mTOR (Western blot)". */
const char *ketsim_lab_measure_title(ketsim_lab_measure m);
/* Significance of a p value as tables and figures mark it: "***" < 0.001,
 * "**" < 0.01, "*" < 0.05, else "ns"; "" for NAN (the control group). */
const char *ketsim_lab_stars(double p);

typedef struct ketsim_lab_dose_item {
    char drug[48];
    char spec[64];  /* ROUTE:AMOUNT[:DURATION], no time */
    double time_h;  /* relative to the test drug (negative = before) */
} ketsim_lab_dose_item;

typedef struct ketsim_lab_group {
    char name[32];
    int n;
    int has_drug;
    ketsim_lab_dose_item test;          /* the test drug, time 0 */
    ketsim_lab_dose_item pre[KETSIM_LAB_MAX_PRE];
    int n_pre;
    ketsim_lab_genotype genotype;
    int unstressed;              /* 1: spared the protocol's stress (a home-cage control) */
    char set_name[KETSIM_LAB_MAX_SETS][64];
    double set_value[KETSIM_LAB_MAX_SETS];
    int n_sets;
} ketsim_lab_group;

typedef struct ketsim_lab_readout {
    ketsim_lab_measure measure;
    double time_h;  /* after the test drug */
    char label[16];
} ketsim_lab_readout;

typedef struct ketsim_lab_protocol {
    char name[64];
    char description[240];
    char source[160];
    char path[512];
    ketsim_species species;
    char strain[48];
    ketsim_lab_stress stress;
    double stress_days;
    long seed;
    int variability;            /* 0: every animal identical, no noise */
    ketsim_lab_group group[KETSIM_LAB_MAX_GROUPS];
    int n_groups;
    int control;                /* index of the control (vehicle) group */
    int contrast[KETSIM_LAB_MAX_CONTRASTS][2]; /* extra pairwise comparisons: group a vs group b */
    int n_contrasts;
    ketsim_lab_readout readout[KETSIM_LAB_MAX_READOUTS * KETSIM_LAB_MAX_MEASURES];
    int n_readouts;
    double start_h;             /* simulation time of the test drug */
} ketsim_lab_protocol;

/* Protocol files are read, and results written, by the formats layer
 * (include/ketsim/formats.h: ketsim_lab_protocol_load, ketsim_lab_print_table,
 * ketsim_lab_write_animals_csv, ketsim_lab_write_summary_json). */

/* ---- assay arithmetic (pure functions, tested on their own) ---- */

/* First-order lag y' = (x - y)/tau of a signal given at n ascending times,
 * piecewise linear between them; y starts at x[0].  tau = 0 copies x. */
void ketsim_lab_lag_filter(const double *t, const double *x, size_t n, double tau_h, double *y);
/* Average of a piecewise-linear signal over [a, b] (trapezoid on the points
 * inside, with the end values interpolated); a < b within t[0]..t[n-1]. */
double ketsim_lab_window_mean(const double *t, const double *x, size_t n, double a, double b);
/* Immobility (s of the last 4 min) from synaptic function phi. */
double ketsim_lab_fst_immobility(double phi, double base_s, double gain);
/* Sucrose preference (%) from synaptic function phi. */
double ketsim_lab_spt_preference(double phi, double base_pct, double exponent);

/* ---- running ---- */

typedef struct ketsim_lab_result ketsim_lab_result;

/* Simulate every animal; results are the same for any thread count. */
int ketsim_lab_run(const ketsim_lab_protocol *p, const ketsim_params *base, long seed, ketsim_lab_result **out,
            ketsim_error *err);
void ketsim_lab_result_free(ketsim_lab_result *r);
/* The protocol a result was run from (valid while the result lives) and the
 * seed it was run with. */
const ketsim_lab_protocol *ketsim_lab_result_protocol(const ketsim_lab_result *r);
long ketsim_lab_result_seed(const ketsim_lab_result *r);

/* Group statistics of one read-out, for tests and the JSON summary. */
typedef struct ketsim_lab_cell {
    int n;
    double mean, sem;
    double p;       /* vs control: Welch t (two groups) or pooled t, Holm; NAN for control */
} ketsim_lab_cell;
int ketsim_lab_result_cell(const ketsim_lab_result *r, int readout, int group, ketsim_lab_cell *out);
double ketsim_lab_result_anova_p(const ketsim_lab_result *r, int readout); /* NAN with two groups */
/* The animals' values of a read-out in a group (valid while r lives). */
int ketsim_lab_result_values(const ketsim_lab_result *r, int readout, int group, const double **values, int *n);
/* Contrast c at a read-out: difference of means (a - b) and the Welch t p,
 * Holm-adjusted over the protocol's contrasts. */
int ketsim_lab_result_contrast(const ketsim_lab_result *r, int readout, int c, double *diff, double *p_holm);
int ketsim_lab_result_n_readouts(const ketsim_lab_result *r);

/* The laboratory's parameter rows (lab.*). */
const ketsim_param_table *ketsim_lab_param_table(void);

#endif
