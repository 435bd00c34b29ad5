/* Private layout of the model: compounds with their state indices, the
 * cascade's parameters and state enumeration.  Shared by the files of
 * src/model/ (pk.c, cascade.c, readouts.c, model.c) and src/sim/. */
#ifndef KETSIM_MODEL_IMPL_H
#define KETSIM_MODEL_IMPL_H

#include "ketsim/model.h"
#include "ketsim/regimen.h"

/* Absorption depots.  Intranasal doses feed NASAL and (swallowed part) GUT. */
typedef enum { DEPOT_NASAL, DEPOT_GUT, DEPOT_IM, DEPOT_SC, DEPOT_IP, N_DEPOTS } pk_depot;

typedef struct model_link {
    size_t child;      /* model compound index */
    double fraction;   /* of the parent's clearance */
    double mtt_h;      /* 0: formed directly in the child's central compartment */
    long s_transit;    /* state index of the transit compartment, or -1 */
    double mw_ratio;   /* child / parent molar mass */
} model_link;

/* A compound's absorption, from its own route rows or the route's. */
typedef struct route_par {
    double ka[N_DEPOTS], f[N_DEPOTS], first_pass_met[N_DEPOTS];
    double lag[KETSIM_N_ROUTES];
    double f_nasal, swallow_lag;
    double brain_volume_l; /* for intracerebroventricular doses */
} route_par;

/* Allometric exponents of the weight scaling (pk.c): volumes scale with
 * weight, clearances with weight^0.75, from species.ref_weight_kg.  The SBML
 * export writes the same scaling. */
#define PK_VOLUME_EXPONENT 1.0
#define PK_CLEARANCE_EXPONENT 0.75

typedef struct model_compound {
    char name[KETSIM_NAME_MAX];
    /* scaled to the subject's weight */
    double mw, v1, v2, v3, cl, q2, q3, fu, kp, kpuu, keo, ki, emax, ec50;
    double ampa_block_ki, mtor_ic50, trkb_block_ki, nos_ic50; /* 0: none */
    double sedation_ec50;           /* free brain uM at half sedation; 0: none (optional row) */
    long s_c, s_p2, s_p3, s_brain; /* -1 when absent */
    long s_depot[N_DEPOTS];         /* -1 when the compound is never dosed */
    size_t n_links;
    model_link link[KETSIM_MAX_LINKS];
    unsigned out_groups;            /* read-out sums it belongs to (readouts.c) */
    route_par route;                /* its absorption: its own rows, else the route's */
} model_compound;

/* Cascade states, in order after the PK states. */
enum {
    C_BLOCK_INT, C_BLOCK_PYR, C_INTN, C_GLU, C_GLU_FB, C_PEEF2, C_BDNF, C_PBDNF,
    C_TRKB, C_SNO, C_RHEB, C_MTOR, C_SYNP, C_SPINE, C_LTP_E, C_LTP_L, C_GAD,
    C_GABA, C_GLN, C_TGLU, C_X_CADSS, C_X_SBP, C_MTOR_REF,
    C_SPINE_NASCENT, /* spines formed but not yet stable (docs/model.md 3.14) */
    C_ANAES,         /* anaesthetic state (docs/model.md 3.24) */
    C_N
};

typedef struct cascade_par {
    double nmda_koff, sel;
    double k_int, dep_int;
    double k_glu, w_inh, dep_pyr, k_fb, g_fb;
    double anaes_x50, anaes_h, anaes_floor, anaes_koff;
    double ampa_exp, ampa_occ;
    double k_eef2, dep_eef2;
    double k_bdnf, w_ampa_bdnf, g_trans, bdnf_scale, k_pbdnf;
    double k_trkb, km_trkb, trkb_block;
    double nos_inh, k_sno, k_rheb, rheb_d0;
    double k_mtor, w_trkb_mtor, mtor_basal, rheb_exp, rapa, mtor_up_exp, k_mtor_ref;
    double k_synp, km_synp, h_synp;
    double k_spine_form, k_spine_elim, spine_exp, spine_max, spine_set, k_spine_mat;
    double e_kon, e_koff, e_max, w_trkb_ltp, ltp_theta, e_mood_w, e_syn_dep, l_kcons, l_koff, l_max;
    double k_gaba, gaba_act_exp, k_gad, g_gad, k_gln, k_tglu, tglu_pexp, tglu_rexp;
    double madrs0, mood_sens, hamd_per_madrs;
    double cadss_keo, cadss_max, cadss_x50, cadss_h;
    double sbp_keo, sbp_max, sbp_x50, sbp_h;
    double dbp_max, dbp_x50, dbp_h, hr_max, hr_x50, hr_h; /* read the SBP effect site */
    double sedation_h;
} cascade_par;

/* Name -> field map of cascade_par (every field is a double). */
typedef struct cascade_field {
    const char *key;
    size_t off;
} cascade_field;
extern const cascade_field cascade_fields[];
extern const size_t cascade_n_fields;

/* Brain drive the PK hands to the cascade. */
typedef struct brain_drive {
    double nmda;     /* sum over compounds of free brain C / Ki (pyramidal) */
    double ampa_pot; /* direct AMPA potentiation, sum of Emax C / (EC50 + C) */
    /* occupancy or inhibition by tool compounds, fractions 0-1 */
    double ampa_block, mtor_inh, trkb_block, nos_inh;
    double sedation_x;  /* sum of free brain C / sedation EC50 (GABA-A sedatives) */
} brain_drive;

struct ketsim_model {
    ketsim_species species;
    double weight_kg;
    size_t n_compounds;
    model_compound *cmp;
    cascade_par cp;
    size_t n_states;
    long s_elim;     /* eliminated amount, umol */
    size_t c0;       /* index of the first cascade state */
    char (*state_name)[128];
    const char **state_unit;
    /* the drugs this model can receive */
    size_t n_drugs;
    struct model_drug {
        char name[KETSIM_NAME_MAX];
        size_t n;
        size_t compound[KETSIM_MAX_COMPONENTS];
        double fraction[KETSIM_MAX_COMPONENTS];
    } *drugs;
    /* outputs after the fixed list: plasma and brain of each compound */
    size_t n_compound_outputs;
    ketsim_output_info *compound_output;
    struct compound_output { size_t compound; int brain; } *compound_src;
    char (*compound_output_text)[3][128]; /* name, unit, description storage */
};

/* routes.c: the route table.  deliver turns one compound's share of a dose
 * (mg) into inputs on the model's states. */
struct dose_inputs;
typedef struct route_def {
    const char *name;
    int cmt;              /* NONMEM-style compartment number */
    int depot;            /* the depot it fills (-1: none) */
    const char *lag;      /* its lag parameter, or NULL */
    int (*deliver)(const model_compound *c, const ketsim_dose *d, double mg, struct dose_inputs *in,
                   ketsim_error *err);
} route_def;
const route_def *route_get(ketsim_route r);
const char *route_depot_name(int depot);
void routes_read_params(route_par *r, const ketsim_params *p, const char *compound);

/* pk.c */
void pk_rhs(const ketsim_model *m, const double *y, double *ydot);
void pk_brain_drive(const ketsim_model *m, const double *y, brain_drive *d);
double pk_plasma_ng_per_ml(const model_compound *c, const double *y);
int pk_read_params(ketsim_model *m, const ketsim_params *p, ketsim_error *err);

/* cascade.c */
void cascade_read_params(cascade_par *cp, const ketsim_params *p);
void cascade_rhs(const cascade_par *cp, const brain_drive *d, const double *c, double *dc);
int cascade_steady_state(const cascade_par *cp, double *c, ketsim_error *err);
double cascade_ampa_activation(const cascade_par *cp, const brain_drive *d, const double *c);
double cascade_synthesis(const cascade_par *cp, double mtor, double mtor_ref);
double cascade_synaptic_function(const cascade_par *cp, const double *c);

typedef struct compound_output compound_output;

/* readouts.c */
unsigned readouts_compound_groups(const char *name);
/* The i-th fixed concentration output: its name, the group of compounds it
 * sums (match model_compound.out_groups) and whether it is the brain level;
 * 0 past the last. */
int readouts_concentration_output(size_t i, const char **name, unsigned *group, int *brain);
/* Name the per-compound outputs (after the layout is known). */
int readouts_build_compound_outputs(ketsim_model *m, const ketsim_catalog *cat, ketsim_error *err);

/* model.c */
long model_drug_index(const ketsim_model *m, const char *name);

/* sparsity.c: mask[j * n + i] = 1 where d(ydot[i])/d(y[j]) can be non-zero
 * for any parameter values (column-major, n = n_states, diagonal set). */
int model_jacobian_pattern(const ketsim_model *m, unsigned char *mask, size_t n, ketsim_error *err);

#endif
