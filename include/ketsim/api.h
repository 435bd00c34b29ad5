/* Front doors: one call per job, shared by the `ketsim` program and the
 * Python and R packages (src/api/).
 *
 * Each turns what a user names (a species, a drug or drug file, dose specs,
 * NAME=VALUE overrides, a scenario or protocol name) into the library's
 * objects and runs the job, so that the program and the bindings cannot
 * assemble a run differently.  Nothing here writes a file or prints: the
 * results go to the formats layer's writers (formats.h), whoever calls.
 * Messages name the option as the program spells it ("--dose: ..."). */
#ifndef KETSIM_API_H
#define KETSIM_API_H

#include <signal.h>
#include <stddef.h>

#include "ketsim/catalog.h"
#include "ketsim/dataset.h"
#include "ketsim/error.h"
#include "ketsim/events.h"
#include "ketsim/lab.h"
#include "ketsim/params.h"
#include "ketsim/popest.h"
#include "ketsim/regimen.h"
#include "ketsim/simulate.h"
#include "ketsim/trial.h"
#include "ketsim/validate.h"

/* ---- the subject a run is about (src/api/setup.c) ------------------------ */

typedef struct ketsim_setup {
    ketsim_species species;
    ketsim_params *params;   /* the built-in tables, drug-file rows, overrides */
    ketsim_catalog *catalog;
    const char *drug;        /* catalog name of the main drug (owned by catalog) */
    double weight_kg;        /* the species' reference weight */
} ketsim_setup;

/* species "human", "rat" or "mouse"; drug a built-in name or a drug file
 * (a path, or a name ending in .yaml/.yml); params_file NULL or a file of
 * NAME=VALUE lines; sets NAME=VALUE overrides applied last.  On failure the
 * setup holds what was made so far: call ketsim_setup_free either way. */
int ketsim_setup_init(ketsim_setup *s, const char *species, const char *drug, const char *params_file,
                      const char *const *sets, size_t n_sets, ketsim_error *err);
void ketsim_setup_free(ketsim_setup *s);

/* The regimen of dose specs ([DRUG/]ROUTE:AMOUNT[:DURATION][@TIME]); with
 * none, the default dose: ketamine 0.5 mg/kg IV over 40 min at t = 0.
 * *out is NULL on failure. */
int ketsim_regimen_from_specs(const char *const *doses, size_t n, ketsim_regimen **out, ketsim_error *err);

/* Threads a run uses when the caller gives none: the online CPUs, at most 16. */
int ketsim_default_threads(void);

/* ---- simulate (src/api/simulate_run.c) ----------------------------------- */

typedef struct ketsim_simulate_request {
    const char *species;          /* NULL: human */
    const char *drug;             /* NULL: ketamine */
    const char *params_file;      /* NULL: none */
    const char *const *sets;      /* NAME=VALUE */
    size_t n_sets;
    double weight_kg;             /* <= 0: the species' reference weight */
    const char *const *doses;     /* none: the default dose */
    size_t n_doses;
    double until_h, every_h;      /* output grid 0, every, ..., until */
    const char *outputs;          /* comma-separated output names; NULL: all */
    volatile sig_atomic_t *cancel;/* NULL, or a flag that stops the solve */
} ketsim_simulate_request;

typedef struct ketsim_simulation ketsim_simulation;

/* One subject from dose to mood on the request's grid.  The grid is
 * checked as the program checks its options: until in [0, 10 years],
 * every > 0, weight (when given) in [0.005, 500] kg. */
int ketsim_simulation_run(const ketsim_simulate_request *rq, ketsim_simulation **out, ketsim_error *err);
/* The same in two steps, for a caller that opens its outputs in between:
 * open checks the request and builds the subject (no solve); then either
 * solve (the whole trajectory, ketsim_simulation_trajectory) or stream (each
 * row of the selected grid to fn as it is solved, nothing kept). */
int ketsim_simulation_open(const ketsim_simulate_request *rq, ketsim_simulation **out, ketsim_error *err);
int ketsim_simulation_solve(ketsim_simulation *s, ketsim_error *err);
int ketsim_simulation_stream(ketsim_simulation *s, ketsim_row_fn fn, void *user, ketsim_error *err);
const ketsim_model *ketsim_simulation_model(const ketsim_simulation *s);
const ketsim_setup *ketsim_simulation_setup(const ketsim_simulation *s);
/* weight_kg of the run (the request's, or the reference weight). */
double ketsim_simulation_weight_kg(const ketsim_simulation *s);
const ketsim_trajectory *ketsim_simulation_trajectory(const ketsim_simulation *s);
/* The selected outputs: indices into the trajectory's outputs, in order. */
size_t ketsim_simulation_n_columns(const ketsim_simulation *s);
const size_t *ketsim_simulation_columns(const ketsim_simulation *s);
void ketsim_simulation_free(ketsim_simulation *s);

/* `simulate --dataset`: a prediction for every record of ds (NAN where the
 * record asks for none), subjects without WT at the setup's weight.  *pred
 * has ketsim_dataset_n_records entries; free() it. */
int ketsim_dataset_predict(const ketsim_setup *s, const ketsim_dataset *ds, ketsim_events_progress_fn progress,
                           void *progress_user, double **pred, ketsim_error *err);

/* ---- trial (src/api/trial_run.c) ------------------------------------------ */

/* A built-in scenario NAME or a file; n_subjects > 0 replaces its size
 * (checked, "--subjects: ..." on failure). */
int ketsim_trial_open(const char *name_or_path, int n_subjects, ketsim_trial_scenario *sc, ketsim_error *err);
/* Run options from the scenario's defaults: seed < 0 and replicates <= 0
 * take the scenario's, threads <= 0 ketsim_default_threads(). */
void ketsim_trial_opts_init(const ketsim_trial_scenario *sc, long seed, int replicates, int threads,
                            ketsim_trial_run_opts *o);

/* Called once for every subject whose failed solve was skipped. */
typedef void (*ketsim_trial_failure_fn)(const ketsim_trial_subject_result *subject, void *user);
/* Called after each chunk of replicates, first_replicate .. first_replicate
 * + n - 1, is simulated and reduced; subj holds their subjects, replicate
 * after replicate.  A non-zero return (an error in *err) stops the run. */
typedef int (*ketsim_trial_chunk_fn)(const ketsim_trial_subject_result *subj, int first_replicate, int n,
                                     void *user, ketsim_error *err);

typedef struct ketsim_trial_exec_opts {
    int keep_first;                  /* keep replicate 0's subjects (per-subject table, figures) */
    int chunk_subjects;              /* subjects simulated at a time (at least one replicate); <= 0: 4096 */
    ketsim_trial_failure_fn on_failure; /* NULL, or told of each skipped subject */
    void *failure_user;
    ketsim_trial_chunk_fn on_chunk;  /* NULL, or given each chunk's subjects */
    void *chunk_user;
} ketsim_trial_exec_opts;

/* A finished run: the endpoints of every replicate trial, stored compactly
 * (the names once, one double per endpoint and replicate) and seen through
 * one ketsim_trial_metrics per replicate that points into them. */
typedef struct ketsim_trial_outcome {
    ketsim_trial_scenario sc;
    ketsim_trial_run_opts opts;   /* as run; alpha from the endpoint table */
    ketsim_trial_defs defs;
    ketsim_trial_metrics *reps;   /* opts.replicates views (not to be freed one by one) */
    ketsim_trial_subject_result *first; /* replicate 0's subjects when kept, else NULL */
    char (*names)[80];            /* n_metrics endpoint names, replicate 0's first */
    size_t n_metrics, n_first;    /* all columns; replicate 0's */
    size_t stride;                /* columns allocated per replicate */
    double *values;               /* opts.replicates x stride; NaN: not in that replicate */
} ketsim_trial_outcome;

/* Simulate the scenario on the human table plus `sets` (NAME=VALUE; the
 * scenario's own trial.* settings and relapse rules also reach the
 * endpoint definitions), reducing replicates to their endpoints chunk by
 * chunk so that memory does not grow with their number.  A scenario whose
 * endpoint names would be cut or shared is refused before any subject is
 * simulated.  On failure *out is emptied. */
int ketsim_trial_execute(const ketsim_trial_scenario *sc, const ketsim_trial_run_opts *o, const char *const *sets,
                         size_t n_sets, const ketsim_trial_exec_opts *x, ketsim_trial_outcome *out,
                         ketsim_error *err);
void ketsim_trial_outcome_free(ketsim_trial_outcome *r);

/* ---- lab (src/api/lab_run.c) ---------------------------------------------- */

/* A built-in protocol NAME or a file, and the parameters of its species
 * with `sets` applied.  *p is freed with free(), *params with
 * ketsim_params_free; both are NULL on failure.  Run it with ketsim_lab_run
 * (seed: the protocol's p->seed unless the caller has another). */
int ketsim_lab_open(const char *name_or_path, const char *const *sets, size_t n_sets, ketsim_lab_protocol **p,
                    ketsim_params **params, ketsim_error *err);

/* ---- population estimation (src/api/popest_run.c) ------------------------ */

/* The seed of `fit --method foce-i|saem` when none is given. */
#define KETSIM_POPEST_DEFAULT_SEED 20261201

/* A population model as the program's options spell it.  Lists are
 * comma-separated parameter names; the arrays hold one option each. */
typedef struct ketsim_popest_spec {
    const char *estimate;            /* --estimate: the THETAs (NULL: none) */
    const char *eta;                 /* --eta: the rows with an ETA (required) */
    const char *const *omegas;       /* --omega NAME=VARIANCE: start variances */
    size_t n_omegas;
    const char *const *blocks;       /* --omega-block NAME,NAME,...: full OMEGA blocks */
    size_t n_blocks;
    const char *const *errors;       /* --error [OUTPUT=]additive|proportional|combined */
    size_t n_errors;
    const char *const *covariates;   /* --covariate NAME:COVARIATE:KIND[:START] */
    size_t n_covariates;
    const char *const *bounds;       /* --bound NAME=LO:HI (either side may be empty) */
    size_t n_bounds;
} ketsim_popest_spec;

/* Apply a spec to an estimator; errors name the option and the item. */
int ketsim_popest_configure(ketsim_popest *pe, const ketsim_popest_spec *spec, ketsim_error *err);

/* An estimator for the setup's parameters, drug and weight over the event
 * table, with method, options and spec applied; *out is NULL on failure. */
int ketsim_popest_open(const ketsim_setup *s, const ketsim_events *ev, ketsim_popest_method method,
                       const ketsim_popest_options *opts, const ketsim_popest_spec *spec, ketsim_popest **out,
                       ketsim_error *err);

/* ---- validate (src/api/validate_run.c) ------------------------------------ */

/* The targets file (NULL: data/targets.csv of the data directory) read
 * against the human table, with scenarios loaded by the formats layer;
 * run it with ketsim_validation_run. */
int ketsim_validation_open(const char *targets_path, ketsim_validation **out, ketsim_error *err);

#endif
