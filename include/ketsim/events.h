/* NONMEM-style event records and their simulation.
 *
 * An event table holds the dose and observation records of one or more
 * subjects, as a NONMEM dataset has them (docs/dataset.md): EVID 0-4, MDV,
 * AMT/RATE/DUR, CMT (the route), II/ADDL, SS 1/2, DV, the output an
 * observation measures, LLOQ/BLQ, weight and other covariates.  Readers
 * (src/formats/dataset.c) fill it; `simulate --dataset`, `fit` and the
 * population estimators all read it through this one interface, so every
 * command agrees on what a record means.
 *
 * Records are checked as they are added (ketsim_events_add): a bad record is
 * refused with "NAME:LINE: column COLUMN: what", before anything is run. */
#ifndef KETSIM_EVENTS_H
#define KETSIM_EVENTS_H

#include <stddef.h>
#include "ketsim/error.h"
#include "ketsim/params.h"
#include "ketsim/regimen.h"
#include "ketsim/subject.h"

typedef enum ketsim_evid {
    KETSIM_EVID_OBS = 0,        /* observation */
    KETSIM_EVID_DOSE = 1,
    KETSIM_EVID_OTHER = 2,      /* a prediction time, never fitted */
    KETSIM_EVID_RESET = 3,
    KETSIM_EVID_RESET_DOSE = 4
} ketsim_evid;

#define KETSIM_EVENTS_MAX_COV 32

typedef struct ketsim_event {
    long line;              /* source line, for messages (0: built in memory) */
    double id, time_h;
    int evid;
    int mdv;                /* 1: no DV to fit (the record is still predicted) */
    long cmt;               /* dose compartment = route (ketsim_route_from_cmt); 0: none */
    double amt_mg, rate_mg_per_h, dur_h, ii_h;
    long addl;
    int ss;                 /* 0, 1 (reset to steady state), 2 (added steady state) */
    double dv;
    size_t output;          /* what an observation measures: a fixed output index, or
                             * ketsim_n_outputs() + k for the k-th name of
                             * ketsim_events_output_name (a per-compound output) */
    double lloq;            /* lower limit of quantification; NAN: none */
    int blq;                /* 1: below LLOQ (DV holds the LLOQ or is ignored) */
    double wt_kg;           /* NAN: not given on this record */
    double cov[KETSIM_EVENTS_MAX_COV]; /* other covariates, NAN where missing */
} ketsim_event;

typedef struct ketsim_events ketsim_events;

/* `name` (a file name) starts every message. */
int ketsim_events_create(const char *name, ketsim_events **out, ketsim_error *err);
void ketsim_events_free(ketsim_events *ev);
/* Name the covariate columns (besides WT) before adding records; at most
 * KETSIM_EVENTS_MAX_COV. */
int ketsim_events_set_covariates(ketsim_events *ev, const char *const *names, size_t n, ketsim_error *err);
size_t ketsim_events_n_covariates(const ketsim_events *ev);
const char *ketsim_events_covariate_name(const ketsim_events *ev, size_t k);
/* Check a record and append it.  A subject's records must be together and
 * in time order; an ID seen before another subject is an error. */
int ketsim_events_add(ketsim_events *ev, const ketsim_event *r, ketsim_error *err);

/* A per-compound output name (plasma_COMPOUND_ng_per_ml, ...) an
 * observation refers to: its code for ketsim_event.output.  Whether the
 * model has that compound is checked when the table is simulated. */
int ketsim_events_output_code(ketsim_events *ev, const char *name, size_t *code, ketsim_error *err);
/* The name of an output code (fixed or per-compound). */
const char *ketsim_events_output_name(const ketsim_events *ev, size_t code);

const char *ketsim_events_name(const ketsim_events *ev);
size_t ketsim_events_n_records(const ketsim_events *ev);
const ketsim_event *ketsim_events_record(const ketsim_events *ev, size_t i);
size_t ketsim_events_n_subjects(const ketsim_events *ev);
/* Records [*first, *first + *n) of subject s. */
void ketsim_events_subject(const ketsim_events *ev, size_t s, size_t *first, size_t *n);
/* Time-varying covariates, carried forward (LOCF): the value of column col
 * (-1: WT, else a covariate column) in force at record rec of subject s:
 * the latest non-missing value at or before rec, or the subject's first
 * value for records before it; NAN if the subject has none. */
double ketsim_events_value_at(const ketsim_events *ev, size_t s, size_t rec, int col);
/* The records where any of the columns changes value in subject s, into
 * recs (room for the subject's number of records): recs[0] is the first
 * record; each further one starts a piece with new values from its TIME on.
 * Changes at one TIME are one piece (the last record there gives the
 * values).  Returns the number of pieces (1: constant). */
size_t ketsim_events_subject_changes(const ketsim_events *ev, size_t s, const int *cols, size_t n_cols,
                                     size_t *recs);
/* Whether record i is predicted (EVID 0 or 2). */
int ketsim_event_is_prediction(const ketsim_event *r);
/* Whether record i enters a likelihood: EVID 0 with MDV 0. */
int ketsim_event_is_fitted(const ketsim_event *r);
/* Whether record r holds a value to set against the model: fitted and not
 * below LLOQ (what figures and agreement tables show). */
int ketsim_event_has_value(const ketsim_event *r);
/* The outputs of the records with a value, each once, in the order they
 * first come, into codes (room for ketsim_events_n_records); returns how
 * many. */
size_t ketsim_events_valued_outputs(const ketsim_events *ev, size_t *codes);
/* Length of a dose's infusion in hours (0 for a bolus). */
double ketsim_event_duration_h(const ketsim_event *r);

/* A reusable runner over one event table and one worker (a thread's): it
 * keeps its buffers from subject to subject. */
typedef struct ketsim_events_runner ketsim_events_runner;
int ketsim_events_runner_create(const ketsim_events *ev, ketsim_subject_worker *w, double ss_tol,
                                ketsim_events_runner **out, ketsim_error *err);
void ketsim_events_runner_free(ketsim_events_runner *r);
/* As ketsim_events_simulate_subject, on the runner's worker. */
int ketsim_events_runner_run(ketsim_events_runner *r, size_t s, double weight_kg,
                             const ketsim_param_value *values, size_t n_values, double *pred,
                             ketsim_error *err);

/* A subject whose parameters change over time: piece k holds from its
 * time_h on (piece 0 from the start), until the next piece's.  At a change
 * the state goes on (amounts are kept; what the new parameters make of them,
 * a concentration with a new volume, may jump), an infusion runs on at its
 * rate, and a dose given before it whose input starts after it (a lag) is
 * absorbed with the new parameters.  A reset (EVID 3/4, SS=1) returns to the
 * steady state of the parameters in force at its time. */
typedef struct ketsim_events_piece {
    double time_h;                    /* record time the piece starts at; ascending */
    double weight_kg;
    const ketsim_param_value *values;
    size_t n_values;
} ketsim_events_piece;
int ketsim_events_runner_run_pieces(ketsim_events_runner *r, size_t s, const ketsim_events_piece *pieces,
                                    size_t n_pieces, double *pred, ketsim_error *err);
/* As ketsim_events_runner_run with the weight taken from the subject's WT
 * records, carried forward (default_kg without any): a subject whose WT
 * changes is run in pieces. */
int ketsim_events_runner_run_wt(ketsim_events_runner *r, size_t s, double default_kg,
                                const ketsim_param_value *values, size_t n_values, double *pred,
                                ketsim_error *err);

/* Simulate subject s on a worker (built for the drug every dose gives):
 * values are the subject's individual parameters; pred receives one value
 * per record of the subject (its records in order), NAN where none is made.
 * ss_tol: relative change between dosing intervals that counts as steady
 * state (<= 0: 1e-6). */
int ketsim_events_simulate_subject(ketsim_subject_worker *w, const ketsim_events *ev, size_t s,
                                   double weight_kg, const ketsim_param_value *values, size_t n_values,
                                   double ss_tol, double *pred, ketsim_error *err);

/* Called after each subject with the number done. */
typedef void (*ketsim_events_progress_fn)(size_t done, void *user);

typedef struct ketsim_events_sim_opts {
    const ketsim_params *params;
    const ketsim_catalog *catalog;
    const char *drug;             /* catalog name of the drug every dose gives */
    double default_weight_kg;     /* for subjects without WT */
    double ss_tol;                /* 0: 1e-6 */
    ketsim_events_progress_fn progress;
    void *progress_user;
} ketsim_events_sim_opts;

/* Every subject; pred has one slot per record (NAN where none is made). */
int ketsim_events_simulate(const ketsim_events *ev, const ketsim_events_sim_opts *opts, double *pred,
                           ketsim_error *err);

#endif
