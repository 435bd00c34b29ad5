/* The model: one ODE system = PK of every compound + brain + signalling
 * cascade + read-outs, assembled from the parameter table and the drugs that
 * will be given.  The model knows nothing of files or the command line.
 *
 * States and outputs are named; `ketsim outputs` lists outputs with units.
 * Plasma concentrations are total, in ng/mL; brain concentrations are free
 * (unbound), in uM; relative quantities are 1 at the untreated healthy
 * baseline. Time is in hours. */
#ifndef KETSIM_MODEL_H
#define KETSIM_MODEL_H

#include <stddef.h>
#include "ketsim/catalog.h"
#include "ketsim/error.h"
#include "ketsim/params.h"

typedef struct ketsim_model ketsim_model;

typedef struct ketsim_output_info {
    const char *name;
    const char *unit;
    const char *description;
} ketsim_output_info;

/* Build a model for a subject of the params' species and the given weight,
 * able to receive the listed drugs (catalog names or aliases).  The params
 * and catalog are read now and not kept. */
int ketsim_model_create(const ketsim_params *params, const ketsim_catalog *cat,
                        const char *const *drugs, size_t n_drugs, double weight_kg,
                        ketsim_model **out, ketsim_error *err);
void ketsim_model_free(ketsim_model *m);

/* Re-read parameter values (same species, same drugs) without reallocating:
 * for populations, where each subject has its own values. */
int ketsim_model_update(ketsim_model *m, const ketsim_params *params, double weight_kg,
                        ketsim_error *err);

double ketsim_model_weight_kg(const ketsim_model *m);
ketsim_species ketsim_model_species(const ketsim_model *m);

size_t ketsim_model_n_states(const ketsim_model *m);
const char *ketsim_model_state_name(const ketsim_model *m, size_t i);
const char *ketsim_model_state_unit(const ketsim_model *m, size_t i);
long ketsim_model_state_index(const ketsim_model *m, const char *name);

/* Untreated steady state (no drug on board), for this subject's parameters. */
int ketsim_model_steady_state(const ketsim_model *m, double *y, ketsim_error *err);

/* Right-hand side dy/dt of the drug-driven system without dosing inputs. */
void ketsim_model_rhs(const ketsim_model *m, double t, const double *y, double *ydot);

/* Per-state absolute tolerances at each state's noise level. */
void ketsim_model_atol(const ketsim_model *m, double *atol);

/* Outputs: a fixed list, the same for every model (concentrations summed
 * over enantiomers, the cascade, the read-outs)... */
size_t ketsim_n_outputs(void);
const ketsim_output_info *ketsim_output(size_t i);
long ketsim_output_index(const char *name);
/* ...followed, in a model, by each of its compounds' own concentrations:
 * plasma_COMPOUND_ng_per_ml and, with a brain compartment,
 * brain_COMPOUND_free_um (COMPOUND as in the catalog: s_ket, s_nk, a drug
 * file's compound).  Indices below ketsim_n_outputs() are the fixed list. */
size_t ketsim_model_n_outputs(const ketsim_model *m);
const ketsim_output_info *ketsim_model_output(const ketsim_model *m, size_t i);
long ketsim_model_output_index(const ketsim_model *m, const char *name);
/* Whether a name has the form of a per-compound output (it may still name a
 * compound a given model lacks). */
int ketsim_output_is_compound_form(const char *name);
/* Compute every output of the model from a state vector (out has
 * ketsim_model_n_outputs values). */
void ketsim_model_outputs(const ketsim_model *m, const double *y, double *out);

/* Amount of drug in the body, in umol (all compounds, all compartments,
 * depots included) and amount eliminated so far: for mass-balance checks. */
double ketsim_model_body_umol(const ketsim_model *m, const double *y);
double ketsim_model_eliminated_umol(const ketsim_model *m, const double *y);

/* The model's parameter rows (compounds, routes, species, cascade, read-outs). */
const ketsim_param_table *ketsim_model_param_table(void);

#endif
