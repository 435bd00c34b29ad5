/* Which entries of the Jacobian d(ydot)/dy can be non-zero, from the
 * model's structure: the compartments, links and depots laid out in
 * model.c for PK, and what each cascade equation reads for the cascade.
 *
 * The pattern depends on the layout only, never on parameter values, so a
 * subject's parameters (ketsim_model_update) cannot invalidate it: a
 * coupling that a value can switch off (a metabolite fraction of 0, a tool
 * compound without an AMPA action, no first pass for a route) is kept.
 * Solvers colour their difference quotients and fix their block structure
 * by it, so a missing entry would be a wrong Jacobian:
 * tests/test_sparsity.c checks that the pattern covers every non-zero of a
 * finite-difference Jacobian along trajectories of many regimens. */
#include "model_impl.h"

#include <string.h>

#define BIT(k) (1ul << (k))
_Static_assert(C_N <= 32, "cascade states must fit the bits of an unsigned long");

/* The brain drive (pk_brain_drive) as cascade.c uses it. */
enum {
    D_NMDA = 1,  /* the sum of C / Ki */
    D_AMPA = 2,  /* through AMPA activation: potentiation and antagonist occupancy */
    D_TRKB = 4,  /* TrkB antagonist occupancy */
    D_MTOR = 8,  /* mTORC1 inhibition */
    D_NOS = 16,  /* NOS inhibition */
};

/* Quantities several equations share (cascade.c). */
#define AMPA (BIT(C_GLU) | BIT(C_SYNP))         /* cascade_ampa_activation */
#define SYNTH (BIT(C_MTOR) | BIT(C_MTOR_REF))   /* cascade_synthesis */

/* For each cascade equation: the cascade states it reads, and the parts of
 * the brain drive.  Written from cascade_rhs, equation by equation. */
static const struct {
    unsigned long reads;
    unsigned drive;
} cascade_reads[C_N] = {
    [C_BLOCK_INT] = {BIT(C_BLOCK_INT), D_NMDA},
    [C_BLOCK_PYR] = {BIT(C_BLOCK_PYR), D_NMDA},
    [C_INTN] = {BIT(C_BLOCK_INT) | BIT(C_INTN), 0},
    /* glutamate: disinhibition (interneurons), pyramidal block, feedback,
     * the anaesthetic state */
    [C_GLU] = {BIT(C_INTN) | BIT(C_BLOCK_PYR) | BIT(C_GLU_FB) | BIT(C_GLU) | BIT(C_ANAES), 0},
    [C_GLU_FB] = {BIT(C_GLU) | BIT(C_GLU_FB), 0},
    [C_PEEF2] = {BIT(C_BLOCK_PYR) | BIT(C_PEEF2), 0},
    /* BDNF: translation (eEF2) and AMPA-driven release */
    [C_BDNF] = {BIT(C_PEEF2) | AMPA | BIT(C_BDNF), D_AMPA},
    [C_PBDNF] = {BIT(C_BDNF) | BIT(C_PBDNF), 0},
    [C_TRKB] = {BIT(C_BDNF) | BIT(C_TRKB), D_TRKB},
    /* NO from pyramidal NMDA activity and glutamate */
    [C_SNO] = {BIT(C_BLOCK_PYR) | BIT(C_GLU) | BIT(C_SNO), D_NOS},
    [C_RHEB] = {BIT(C_SNO) | BIT(C_RHEB), 0},
    [C_MTOR] = {BIT(C_TRKB) | AMPA | BIT(C_RHEB) | BIT(C_MTOR), D_AMPA | D_MTOR},
    [C_SYNP] = {SYNTH | BIT(C_SYNP), 0},
    /* stable spines: maturation of nascent ones, pruning (synthesis deficit) */
    [C_SPINE] = {SYNTH | BIT(C_SPINE) | BIT(C_SPINE_NASCENT), 0},
    /* nascent spines: formation (synthesis, room left below the maximum) */
    [C_SPINE_NASCENT] = {SYNTH | BIT(C_SPINE) | BIT(C_SPINE_NASCENT), 0},
    /* early potentiation: induction (TrkB, AMPA), decay (synthesis) */
    [C_LTP_E] = {BIT(C_TRKB) | AMPA | SYNTH | BIT(C_LTP_E), D_AMPA},
    [C_LTP_L] = {BIT(C_LTP_E) | SYNTH | BIT(C_LTP_L), 0},
    [C_GAD] = {SYNTH | BIT(C_GAD), 0},
    [C_GABA] = {BIT(C_INTN) | BIT(C_GAD) | BIT(C_GABA), 0},
    [C_GLN] = {BIT(C_GLU) | BIT(C_GLN), 0},
    [C_TGLU] = {BIT(C_SYNP) | BIT(C_GLU) | BIT(C_TGLU), 0},
    [C_X_CADSS] = {BIT(C_X_CADSS), D_NMDA},
    [C_X_SBP] = {BIT(C_X_SBP), D_NMDA},
    [C_MTOR_REF] = {BIT(C_MTOR) | BIT(C_MTOR_REF), 0},
    /* the anaesthetic state follows the NMDA drive */
    [C_ANAES] = {BIT(C_ANAES), D_NMDA},
};

/* ydot[row] depends on y[col]; -1 is an absent state. */
static void dep(unsigned char *mask, size_t n, long row, long col)
{
    if (row >= 0 && col >= 0)
        mask[(size_t)col * n + (size_t)row] = 1;
}

/* Where a flux forming link l's child goes (form_child in pk.c). */
static long child_target(const ketsim_model *m, const model_link *l)
{
    return l->s_transit >= 0 ? l->s_transit : m->cmp[l->child].s_c;
}

static void pk_pattern(const ketsim_model *m, unsigned char *mask, size_t n)
{
    for (size_t k = 0; k < m->n_compounds; k++) {
        const model_compound *c = &m->cmp[k];
        /* disposition: elimination and exchange with the peripheries */
        dep(mask, n, c->s_c, c->s_c);
        dep(mask, n, m->s_elim, c->s_c);
        long per[2] = {c->s_p2, c->s_p3};
        for (int p = 0; p < 2; p++) {
            dep(mask, n, c->s_c, per[p]);
            dep(mask, n, per[p], c->s_c);
            dep(mask, n, per[p], per[p]);
        }
        /* metabolites formed from the cleared amount, through transit */
        for (size_t q = 0; q < c->n_links; q++) {
            const model_link *l = &c->link[q];
            dep(mask, n, child_target(m, l), c->s_c);
            dep(mask, n, l->s_transit, l->s_transit);
            if (l->s_transit >= 0)
                dep(mask, n, m->cmp[l->child].s_c, l->s_transit);
        }
        /* the effect compartment follows free plasma concentration */
        dep(mask, n, c->s_brain, c->s_c);
        dep(mask, n, c->s_brain, c->s_brain);
        /* absorption: to central, the part lost to first pass partly to
         * the first metabolite, the rest eliminated */
        for (int d = 0; d < N_DEPOTS; d++) {
            long s = c->s_depot[d];
            dep(mask, n, s, s);
            dep(mask, n, c->s_c, s);
            dep(mask, n, m->s_elim, s);
            if (c->n_links > 0)
                dep(mask, n, child_target(m, &c->link[0]), s);
        }
    }
}

static void cascade_pattern(const ketsim_model *m, unsigned char *mask, size_t n)
{
    long c0 = (long)m->c0;
    for (long i = 0; i < C_N; i++) {
        for (long j = 0; j < C_N; j++)
            if (cascade_reads[i].reads & BIT(j))
                dep(mask, n, c0 + i, c0 + j);
        /* every brain compartment enters every part of the drive: whether
         * a compound has an action is a parameter value (0: none) */
        if (cascade_reads[i].drive)
            for (size_t k = 0; k < m->n_compounds; k++)
                dep(mask, n, c0 + i, m->cmp[k].s_brain);
    }
}

int model_jacobian_pattern(const ketsim_model *m, unsigned char *mask, size_t n, ketsim_error *err)
{
    if (n != m->n_states)
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "sparsity pattern for %zu states asked of a model with %zu",
                           n, m->n_states);
    memset(mask, 0, n * n);
    pk_pattern(m, mask, n);
    cascade_pattern(m, mask, n);
    for (size_t i = 0; i < n; i++)
        mask[i * n + i] = 1; /* the Newton matrix needs its diagonal anyway */
    return KETSIM_OK;
}
