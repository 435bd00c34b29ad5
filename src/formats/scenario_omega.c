/* A scenario's own between-subject variability (docs/trial.md, "Your own
 * variability"):
 *
 *   omega:                        # PARAMETER: VARIANCE of log P (independent)
 *     nmda.ic50_um: 0.09
 *   omega_block:                  # one block, or a list of blocks
 *     params: [s_ket.cl_l_per_h, mood.sensitivity]
 *     matrix: [[0.04, 0.01], [0.01, 0.09]]
 *
 * Only the shape is checked here (numbers, symmetry, positive variances,
 * a parameter given once); names are checked against the table and the
 * whole matrix for positive definiteness when the trial runs
 * (ketsim_trial_scenario_omega_check), with this file and line. */
#include "scenario_omega.h"
#include "ketsim/rng.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAX_VARIANCE 10.0 /* log-scale variance: a CV of about 15000 %, far past any use */

static int add_name(const ytree *t, const ytree_node *key, const char *path, const char *name,
                    ketsim_trial_scenario *sc, size_t *index, ketsim_error *err)
{
    if (strlen(name) >= sizeof sc->omega_name[0])
        return ytree_fail(t, key, path, err, "parameter name too long");
    for (size_t j = 0; j < sc->n_omega; j++)
        if (strcmp(sc->omega_name[j], name) == 0)
            return ytree_fail(t, key, path, err, "parameter given a variability twice (in omega and omega_block, or in two blocks)");
    if (sc->n_omega == KETSIM_TRIAL_MAX_OMEGA)
        return ytree_fail(t, key, path, err, "at most 16 parameters with their own variability");
    *index = sc->n_omega++;
    strcpy(sc->omega_name[*index], name);
    sc->omega_line[*index] = ytree_line(key);
    return KETSIM_OK;
}

static int get_variance(const ytree *t, const ytree_node *n, const char *path, double *v, ketsim_error *err)
{
    int rc = ytree_get_double(t, n, path, v, err);
    if (!rc && !(*v > 0 && *v <= MAX_VARIANCE))
        rc = ytree_fail(t, n, path, err, "a variance of log P must be in (0, 10]");
    return rc;
}

static int parse_map(const ytree *t, const ytree_node *n, ketsim_trial_scenario *sc, ketsim_error *err)
{
    int rc = ytree_expect_kind(t, n, "omega", YTREE_MAPPING, err);
    for (size_t i = 0; !rc && i < ytree_len(n); i++) {
        char path[YTREE_PATH_MAX];
        const char *name = ytree_map_key(n, i);
        size_t j = 0;
        ytree_path_key(path, sizeof path, "omega", name);
        rc = add_name(t, ytree_map_key_node(n, i), path, name, sc, &j, err);
        if (!rc)
            rc = get_variance(t, ytree_map_value(n, i), path, &sc->omega_cov[j][j], err);
    }
    return rc;
}

static int parse_block(const ytree *t, const ytree_node *b, const char *path, ketsim_trial_scenario *sc,
                       ketsim_error *err)
{
    static const char *const keys[] = {"params", "matrix", NULL};
    const ytree_node *params = NULL, *matrix = NULL;
    char pp[YTREE_PATH_MAX], mp[YTREE_PATH_MAX];
    ytree_path_key(pp, sizeof pp, path, "params");
    ytree_path_key(mp, sizeof mp, path, "matrix");
    int rc = ytree_expect_kind(t, b, path, YTREE_MAPPING, err);
    if (!rc)
        rc = ytree_check_keys(t, b, path, keys, err);
    if (!rc)
        rc = ytree_require(t, b, path, "params", &params, err);
    if (!rc)
        rc = ytree_require(t, b, path, "matrix", &matrix, err);
    if (!rc)
        rc = ytree_expect_kind(t, params, pp, YTREE_SEQUENCE, err);
    if (!rc)
        rc = ytree_expect_kind(t, matrix, mp, YTREE_SEQUENCE, err);
    if (rc)
        return rc;
    size_t m = ytree_len(params);
    if (m < 2)
        return ytree_fail(t, params, pp, err, "a block needs at least two parameters (use 'omega' for one)");
    if (ytree_len(matrix) != m)
        return ytree_fail(t, matrix, mp, err, "one row per parameter");
    size_t idx[KETSIM_TRIAL_MAX_OMEGA];
    for (size_t a = 0; a < m; a++) {
        char ip[YTREE_PATH_MAX];
        const char *name = NULL;
        ytree_path_index(ip, sizeof ip, pp, a);
        if ((rc = ytree_get_string(t, ytree_seq_item(params, a), ip, &name, err)) ||
            (rc = add_name(t, ytree_seq_item(params, a), ip, name, sc, &idx[a], err)))
            return rc;
    }
    for (size_t a = 0; a < m; a++) {
        char rp[YTREE_PATH_MAX];
        const ytree_node *row = ytree_seq_item(matrix, a);
        ytree_path_index(rp, sizeof rp, mp, a);
        if ((rc = ytree_expect_kind(t, row, rp, YTREE_SEQUENCE, err)))
            return rc;
        if (ytree_len(row) != m)
            return ytree_fail(t, row, rp, err, "one column per parameter");
        for (size_t c = 0; c < m; c++) {
            char cp[YTREE_PATH_MAX];
            const ytree_node *cell = ytree_seq_item(row, c);
            ytree_path_index(cp, sizeof cp, rp, c);
            double v;
            rc = a == c ? get_variance(t, cell, cp, &v, err) : ytree_get_double(t, cell, cp, &v, err);
            if (rc)
                return rc;
            /* row c was read before row a: the two triangles must agree */
            if (c < a && fabs(v - sc->omega_cov[idx[c]][idx[a]]) > 1e-12 * fmax(1.0, fabs(v)))
                return ytree_fail(t, cell, cp, err, "the matrix must be symmetric");
            sc->omega_cov[idx[a]][idx[c]] = v;
        }
    }
    return KETSIM_OK;
}

int formats_scenario_parse_omega(const ytree *t, const ytree_node *root, ketsim_trial_scenario *sc,
                                 ketsim_error *err)
{
    const ytree_node *n = ytree_map_get(root, "omega");
    int rc = n ? parse_map(t, n, sc, err) : KETSIM_OK;
    const ytree_node *b = ytree_map_get(root, "omega_block");
    if (n || b) /* later messages name the file */
        snprintf(sc->file, sizeof sc->file, "%s", ytree_filename(t));
    if (rc || !b)
        return rc;
    if (ytree_kind_of(b) != YTREE_SEQUENCE)
        rc = parse_block(t, b, "omega_block", sc, err);
    for (size_t i = 0; !rc && ytree_kind_of(b) == YTREE_SEQUENCE && i < ytree_len(b); i++) {
        char ip[YTREE_PATH_MAX];
        ytree_path_index(ip, sizeof ip, "omega_block", i);
        rc = parse_block(t, ytree_seq_item(b, i), ip, sc, err);
    }
    if (rc)
        return rc;
    /* symmetric with positive variances is not enough: refuse a block that
     * is no covariance matrix before anything runs */
    size_t m = sc->n_omega;
    double cov[KETSIM_TRIAL_MAX_OMEGA * KETSIM_TRIAL_MAX_OMEGA], chol[KETSIM_TRIAL_MAX_OMEGA * KETSIM_TRIAL_MAX_OMEGA];
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < m; j++)
            cov[i * m + j] = sc->omega_cov[i][j];
    ketsim_error e = {0};
    if (ketsim_cholesky(m, cov, chol, &e))
        return ytree_fail(t, b, "omega_block", err,
                          "the matrix is not positive definite (a correlation at or beyond +-1, or an inconsistent set)");
    return KETSIM_OK;
}
