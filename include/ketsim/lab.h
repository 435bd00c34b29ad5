/* Virtual laboratory: animal experiments written as YAML protocols (groups,
 * stress, pretreatments, test drug, assays at read-out times), simulated
 * animal by animal and analysed as a paper would be.  See docs/lab.md. */
#ifndef KETSIM_LAB_H
#define KETSIM_LAB_H

#include <stddef.h>
#include <stdio.h>

#include "ketsim/error.h"
#include "ketsim/params.h"

#define LAB_MAX_GROUPS 8
#define LAB_MAX_PRE 4
#define LAB_MAX_SETS 8
#define LAB_MAX_READOUTS 16
#define LAB_MAX_MEASURES 10
#define LAB_MAX_TIMES 12
#define LAB_MAX_CONTRASTS 8

typedef enum lab_stress { LAB_STRESS_NONE = 0, LAB_STRESS_CUS, LAB_STRESS_DEFEAT } lab_stress;
typedef enum lab_genotype { LAB_WT = 0, LAB_BDNF_KO, LAB_VAL66MET } lab_genotype;

/* Assay kinds and their measures (see lab_measure_name). */
typedef enum lab_measure {
    LAB_P_MTOR = 0, LAB_P_P70S6K, LAB_P_4EBP1, LAB_P_EEF2, LAB_BDNF, LAB_PSD95, LAB_GLUA1,
    LAB_SYNAPSIN1,                     /* western: fold of control group */
    LAB_SPINES,                        /* spines per 10 um */
    LAB_DIALYSIS_GLU,                  /* % of own baseline, fraction ending at the time */
    LAB_MRS_GLU, LAB_MRS_PFC_GLU, LAB_MRS_GLN, LAB_MRS_GABA, LAB_MRS_GLU_GLN, LAB_MRS_GABA_GLU, /* fold of control */
    LAB_PLASMA_BDNF,                   /* fold of control */
    LAB_FST,                           /* immobility, s of the last 4 of 6 min */
    LAB_SPT,                           /* sucrose preference, % */
    LAB_N_MEASURES
} lab_measure;

const char *lab_measure_name(lab_measure m);
const char *lab_measure_unit(lab_measure m);
const char *lab_measure_assay(lab_measure m);

typedef struct lab_dose_item {
    char drug[48];
    char spec[64];  /* ROUTE:AMOUNT[:DURATION], no time */
    double time_h;  /* relative to the test drug (negative = before) */
} lab_dose_item;

typedef struct lab_group {
    char name[32];
    int n;
    int has_drug;
    lab_dose_item test;          /* the test drug, time 0 */
    lab_dose_item pre[LAB_MAX_PRE];
    int n_pre;
    lab_genotype genotype;
    int unstressed;              /* 1: spared the protocol's stress (a home-cage control) */
    char set_name[LAB_MAX_SETS][64];
    double set_value[LAB_MAX_SETS];
    int n_sets;
} lab_group;

typedef struct lab_readout {
    lab_measure measure;
    double time_h;  /* after the test drug */
    char label[16];
} lab_readout;

typedef struct lab_protocol {
    char name[64];
    char description[240];
    char source[160];
    char path[512];
    ketsim_species species;
    char strain[48];
    lab_stress stress;
    double stress_days;
    long seed;
    int variability;            /* 0: every animal identical, no noise */
    lab_group group[LAB_MAX_GROUPS];
    int n_groups;
    int control;                /* index of the control (vehicle) group */
    int contrast[LAB_MAX_CONTRASTS][2]; /* extra pairwise comparisons: group a vs group b */
    int n_contrasts;
    lab_readout readout[LAB_MAX_READOUTS * LAB_MAX_MEASURES];
    int n_readouts;
    double start_h;             /* simulation time of the test drug */
} lab_protocol;

/* Parse and check a protocol file; nothing is simulated.  Errors name
 * FILE:LINE and the field (KETSIM_EINPUT). */
int lab_protocol_load(const char *path, lab_protocol *out, ketsim_error *err);
/* Built-in protocols: data/lab/NAME.yaml; find the file for NAME. */
int lab_protocol_find(const char *name_or_path, char *path, size_t size, ketsim_error *err);
/* List built-in protocol names, one per line, with their descriptions. */
int lab_protocol_list(FILE *out, ketsim_error *err);

/* ---- assay arithmetic (pure functions, tested on their own) ---- */

/* First-order lag y' = (x - y)/tau of a signal given at n ascending times,
 * piecewise linear between them; y starts at x[0].  tau = 0 copies x. */
void lab_lag_filter(const double *t, const double *x, size_t n, double tau_h, double *y);
/* Average of a piecewise-linear signal over [a, b] (trapezoid on the points
 * inside, with the end values interpolated); a < b within t[0]..t[n-1]. */
double lab_window_mean(const double *t, const double *x, size_t n, double a, double b);
/* Immobility (s of the last 4 min) from synaptic function phi. */
double lab_fst_immobility(double phi, double base_s, double gain);
/* Sucrose preference (%) from synaptic function phi. */
double lab_spt_preference(double phi, double base_pct, double exponent);

/* ---- running ---- */

typedef struct lab_result lab_result;

/* Simulate every animal; results are the same for any thread count. */
int lab_run(const lab_protocol *p, const ketsim_params *base, long seed, lab_result **out,
            ketsim_error *err);
void lab_result_free(lab_result *r);
/* Paper-style table on `out`. */
int lab_print_table(const lab_result *r, FILE *out, ketsim_error *err);
void lab_write_animals_csv(const lab_result *r, FILE *out);
void lab_write_summary_json(const lab_result *r, FILE *out);

/* Group statistics of one read-out, for tests and the JSON summary. */
typedef struct lab_cell {
    int n;
    double mean, sem;
    double p;       /* vs control: Welch t (two groups) or pooled t, Holm; NAN for control */
} lab_cell;
int lab_result_cell(const lab_result *r, int readout, int group, lab_cell *out);
double lab_result_anova_p(const lab_result *r, int readout); /* NAN with two groups */
/* The animals' values of a read-out in a group (valid while r lives). */
int lab_result_values(const lab_result *r, int readout, int group, const double **values, int *n);
/* Contrast c at a read-out: difference of means (a - b) and the Welch t p,
 * Holm-adjusted over the protocol's contrasts. */
int lab_result_contrast(const lab_result *r, int readout, int c, double *diff, double *p_holm);
int lab_result_n_readouts(const lab_result *r);

/* The laboratory's parameter rows (lab.*). */
const ketsim_param_table *ketsim_lab_param_table(void);

#endif
