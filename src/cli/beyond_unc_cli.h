/* --uncertainty FIT.json for predict, design and optimize (beyond_unc_cli.c,
 * docs/beyond.md "Parameter uncertainty"): the command's cohort runs at the
 * fit's estimates, then again once per draw of the THETAs from the fit's
 * covariance step (the trial's draws: draw k is replicate k of a trial
 * with the same seed), and the spread of its headline numbers over the
 * draws is printed and written as BASE_uncertainty.csv and into the
 * results database. */
#ifndef KETSIM_BEYOND_UNC_CLI_H
#define KETSIM_BEYOND_UNC_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "ketsim/error.h"
#include "ketsim/formats.h"
#include "ketsim/params.h"
#include "ketsim/trial.h"
#include "output.h"

#define BEYOND_UNC_MAX_Q 64
#define BEYOND_UNC_DEFAULT_DRAWS 20

typedef struct beyond_unc {
    const char *file;                  /* --uncertainty FIT.json; NULL: none */
    long draws;                        /* --uncertainty-draws K */
    ketsim_trial_uncertainty *u;       /* the estimates */
    ketsim_trial_rep_params rp;        /* draw k in row k */
    size_t n_q;                        /* headline numbers */
    size_t n_dropped;                  /* not followed: the table was full */
    char q_name[BEYOND_UNC_MAX_Q][128];
    double q_est[BEYOND_UNC_MAX_Q];    /* at the estimates */
    double *q_val;                     /* draws x BEYOND_UNC_MAX_Q */
} beyond_unc;

/* getopt codes and long options of --uncertainty and --uncertainty-draws */
#define BEYOND_UNC_OPT_FILE 1101
#define BEYOND_UNC_OPT_DRAWS 1102
#define BEYOND_UNC_LONGOPTS                                                                                        \
    {"uncertainty", required_argument, 0, BEYOND_UNC_OPT_FILE},                                                    \
        {"uncertainty-draws", required_argument, 0, BEYOND_UNC_OPT_DRAWS}

void beyond_unc_init(beyond_unc *bu);
/* One of the two options (`c`: its getopt code): 1 taken, 0 not one, 2 bad. */
int beyond_unc_option(beyond_unc *bu, int c, const char *arg, const char *cmd);
/* Read the fit, draw the THETAs (streams of `seed`) and check every value
 * against the human table; nothing to do without --uncertainty. */
int beyond_unc_prepare(beyond_unc *bu, uint64_t seed, ketsim_error *err);
/* The fit's values into p: its estimates (draw < 0) or draw k. */
int beyond_unc_apply(const beyond_unc *bu, ketsim_params *p, long draw, ketsim_error *err);
/* A copy of base with the fit's values of draw k (free it). */
int beyond_unc_params(const beyond_unc *bu, const ketsim_params *base, long draw, ketsim_params **out,
                      ketsim_error *err);
/* Add a headline number with its value at the estimates: its index, or -1
 * when the table is full (the number is then not followed). */
long beyond_unc_add(beyond_unc *bu, const char *name, double at_estimates);
void beyond_unc_set(beyond_unc *bu, long draw, long q, double value);
/* The spread over the draws (median, 2.5% and 97.5% quantiles, SD). */
int beyond_unc_print(FILE *fp, const beyond_unc *bu, ketsim_error *err);
/* The draws and their spread: BASE_uncertainty.csv and
 * BASE_uncertainty_parameters.csv into the set (with --out-dir) and the
 * same numbers into the database's uncertainty_* tables (db not NULL). */
int beyond_unc_write(cli_outdirs *out, ketsim_results_db *db, const char *base, const beyond_unc *bu,
                     ketsim_error *err);
void beyond_unc_free(beyond_unc *bu);

#endif
