/* The model's Jacobian sparsity pattern (src/model/sparsity.c) and the
 * sparse Newton path built on it (src/sim/sparselu.c, solver.c):
 *  - the pattern covers every entry that a finite difference finds
 *    non-zero, at states along trajectories of many regimens, species and
 *    tool compounds, and at perturbed states (clamps and thresholds on the
 *    other side), also after the parameters change;
 *  - the coloured difference-quotient Jacobian is bitwise the one computed
 *    column by column;
 *  - the sparse LU solves random systems on random patterns as the dense LU
 *    does (to round-off), and bitwise as the block LU of the dense path;
 *  - end to end, the SPARSE path takes exactly the steps of the BLOCK path
 *    (the same Jacobians, the same blocks) and agrees with it to 1e-10
 *    relative; KLU and SUNDIALS' dense LU agree within solver tolerance. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nvector/nvector_serial.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include "ketsim/ketsim.h"
#include "model/model_impl.h"
#include "sim/blocklu.h"
#include "sim/sim_internal.h"
#include "sim/sparselu.h"

static double lcg(unsigned long *s)
{
    *s = *s * 6364136223846793005UL + 1442695040888963407UL;
    return (double)(*s >> 11) / 9007199254740992.0;
}

/* A model, a regimen and a grid: one case the pattern must cover. */
typedef struct scenario {
    ketsim_species species;
    const char *drugs[3];
    size_t n_drugs;
    double weight_kg;
    const char *doses[4];
    const char *set[2]; /* parameter changes applied after the model is built */
    double until_h;
} scenario;

static const scenario scenarios[] = {
    {KETSIM_HUMAN, {"ketamine"}, 1, 70, {"iv:0.5mg/kg:40min"}, {NULL}, 48},
    {KETSIM_HUMAN, {"esketamine"}, 1, 80, {"in:56mg", "in:56mg@72h"}, {NULL}, 120},
    {KETSIM_HUMAN, {"ketamine"}, 1, 60, {"po:1mg/kg", "im:0.5mg/kg@12h", "sc:0.5mg/kg@24h"},
     {"s_ket.ampa_emax=0.3", "route.im.f=0.7"}, 48},
    {KETSIM_RAT, {"ketamine", "nbqx"}, 2, 0.3, {"nbqx/ip:10mg/kg", "ip:10mg/kg@30min"}, {NULL}, 24},
    {KETSIM_MOUSE, {"ketamine", "rapamycin", "ana12"}, 3, 0.025,
     {"ip:10mg/kg", "rapamycin/ip:6mg/kg", "ana12/ip:0.5mg/kg"}, {NULL}, 24},
    {KETSIM_RAT, {"hnk_2r6r", "lname"}, 2, 0.3, {"ip:10mg/kg", "lname/ip:30mg/kg"}, {NULL}, 24},
};

typedef struct built {
    ketsim_params *p;
    ketsim_catalog *cat;
    ketsim_model *m;
    ketsim_sim *sim;
    ketsim_regimen *reg;
    double *t;
    size_t nt;
} built;

static void build(const scenario *sc, built *b)
{
    ketsim_error err = {0};
    memset(b, 0, sizeof *b);
    assert_int_equal(ketsim_params_create(sc->species, &b->p, &err), 0);
    assert_int_equal(ketsim_catalog_create(&b->cat, &err), 0);
    assert_int_equal(ketsim_model_create(b->p, b->cat, sc->drugs, sc->n_drugs, sc->weight_kg, &b->m, &err), 0);
    for (size_t i = 0; i < 2 && sc->set[i]; i++)
        assert_int_equal(ketsim_params_set_assignment(b->p, sc->set[i], &err), 0);
    assert_int_equal(ketsim_model_update(b->m, b->p, sc->weight_kg, &err), 0);
    assert_int_equal(ketsim_sim_create(b->m, &b->sim, &err), 0);
    assert_int_equal(ketsim_regimen_create(&b->reg, &err), 0);
    for (size_t i = 0; i < 4 && sc->doses[i]; i++) {
        ketsim_dose d;
        if (ketsim_dose_parse(sc->doses[i], &d, &err))
            fail_msg("%s: %s", sc->doses[i], err.msg);
        assert_int_equal(ketsim_regimen_add(b->reg, &d, &err), 0);
    }
    assert_int_equal(ketsim_grid_uniform(sc->until_h, sc->until_h / 12, &b->t, &b->nt, &err), 0);
}

static void release(built *b)
{
    free(b->t);
    ketsim_regimen_free(b->reg);
    ketsim_sim_free(b->sim);
    ketsim_model_free(b->m);
    ketsim_catalog_free(b->cat);
    ketsim_params_free(b->p);
}

/* Every (i, j) where moving y[j] changes ydot[i] at all (bitwise) must be
 * in the pattern; seen[] collects which pattern entries were ever hit. */
static void check_covers(const ketsim_model *m, const unsigned char *mask, const double *y, unsigned char *seen,
                         const char *where)
{
    size_t n = ketsim_model_n_states(m);
    double *yp = malloc(n * sizeof *yp), *f0 = malloc(n * sizeof *f0), *f1 = malloc(n * sizeof *f1);
    assert_non_null(yp), assert_non_null(f0), assert_non_null(f1);
    memcpy(yp, y, n * sizeof *y);
    ketsim_model_rhs(m, 0.0, yp, f0);
    static const double rel_steps[] = {1e-7, 1e-3, -1e-3};
    for (size_t j = 0; j < n; j++)
        for (size_t k = 0; k < 3; k++) {
            double h = rel_steps[k] * fmax(fabs(y[j]), 1e-6);
            yp[j] = y[j] + h;
            ketsim_model_rhs(m, 0.0, yp, f1);
            yp[j] = y[j];
            for (size_t i = 0; i < n; i++) {
                if (f1[i] == f0[i] || (isnan(f1[i]) && isnan(f0[i])))
                    continue;
                if (!mask[j * n + i])
                    fail_msg("%s: d %s / d %s is not in the pattern (%.3g -> %.3g)", where,
                             ketsim_model_state_name(m, i), ketsim_model_state_name(m, j), f0[i], f1[i]);
                seen[j * n + i] = 1;
            }
        }
    free(yp), free(f0), free(f1);
}

static void test_pattern_covers_fd_jacobian(void **state)
{
    (void)state;
    unsigned long seed = 5;
    size_t total_nnz = 0, total_seen = 0;
    for (size_t c = 0; c < sizeof scenarios / sizeof *scenarios; c++) {
        built b;
        build(&scenarios[c], &b);
        ketsim_error err = {0};
        size_t n = ketsim_model_n_states(b.m);
        unsigned char *mask = malloc(n * n), *seen = calloc(n * n, 1);
        assert_non_null(mask), assert_non_null(seen);
        assert_int_equal(model_jacobian_pattern(b.m, mask, n, &err), 0);
        assert_int_not_equal(model_jacobian_pattern(b.m, mask, n + 1, &err), 0); /* wrong size: refused */
        assert_int_equal(model_jacobian_pattern(b.m, mask, n, &err), 0);
        for (size_t i = 0; i < n; i++)
            assert_true(mask[i * n + i]);
        ketsim_trajectory *tr = NULL;
        assert_int_equal(ketsim_sim_run(b.sim, b.reg, b.t, b.nt, &tr, &err), 0);
        double *y = malloc(n * sizeof *y);
        assert_non_null(y);
        char where[96];
        for (size_t k = 0; k < b.nt; k++) {
            snprintf(where, sizeof where, "scenario %zu, t = %g h", c, b.t[k]);
            check_covers(b.m, mask, ketsim_traj_state(tr, k), seen, where);
            /* perturbed: up to +-50%, and some states a little negative, so
             * that clamps, thresholds and saturations change side */
            for (size_t i = 0; i < n; i++) {
                double x = ketsim_traj_state(tr, k)[i];
                y[i] = lcg(&seed) < 0.1 ? -1e-9 - 1e-3 * fabs(x) : x * (0.5 + lcg(&seed)) + 1e-3 * lcg(&seed);
            }
            snprintf(where, sizeof where, "scenario %zu, perturbed state near t = %g h", c, b.t[k]);
            check_covers(b.m, mask, y, seen, where);
        }
        for (size_t e = 0; e < n * n; e++) {
            total_nnz += mask[e];
            total_seen += seen[e] || (e % (n + 1) == 0); /* the diagonal is there in any case */
        }
        free(y);
        free(mask);
        free(seen);
        ketsim_traj_free(tr);
        release(&b);
    }
    /* the pattern is not just "everything": most of it is seen non-zero */
    print_message("pattern entries found non-zero at some state: %zu of %zu\n", total_seen, total_nnz);
    assert_true(total_seen * 10 >= total_nnz * 8);
}

static void test_coloured_jacobian_bitwise(void **state)
{
    (void)state;
    unsigned long seed = 9;
    for (size_t c = 0; c < sizeof scenarios / sizeof *scenarios; c++) {
        built b;
        build(&scenarios[c], &b);
        ketsim_error err = {0};
        size_t n = ketsim_model_n_states(b.m);
        solver *s = sim_solver(b.sim);
        solver_pattern_info info;
        solver_get_pattern_info(s, &info);
        assert_true(info.nnz > n && info.nnz < n * n / 4);
        assert_true(info.n_groups > 1 && info.n_groups < n / 2);
        ketsim_trajectory *tr = NULL;
        assert_int_equal(ketsim_sim_run(b.sim, b.reg, b.t, b.nt, &tr, &err), 0);
        double *J1 = malloc(n * n * sizeof *J1), *J2 = malloc(n * n * sizeof *J2), *ewt = malloc(n * sizeof *ewt);
        double *atol = malloc(n * sizeof *atol);
        assert_non_null(J1), assert_non_null(J2), assert_non_null(ewt), assert_non_null(atol);
        ketsim_model_atol(b.m, atol);
        for (size_t k = 0; k < b.nt; k++) {
            const double *y = ketsim_traj_state(tr, k);
            for (size_t i = 0; i < n; i++)
                ewt[i] = 1.0 / (1e-6 * fabs(y[i]) + atol[i]);
            double h = pow(10.0, -4 + 5 * lcg(&seed));
            assert_int_equal(solver_dq_jacobian(s, 0.0, y, ewt, h, 0, J1, &err), 0);
            assert_int_equal(solver_dq_jacobian(s, 0.0, y, ewt, h, 1, J2, &err), 0);
            if (memcmp(J1, J2, n * n * sizeof *J1) != 0)
                for (size_t e = 0; e < n * n; e++)
                    if (J1[e] != J2[e])
                        fail_msg("scenario %zu, t = %g: J[%s][%s] by columns %.17g, by groups %.17g", c, b.t[k],
                                 ketsim_model_state_name(b.m, e % n), ketsim_model_state_name(b.m, e / n), J1[e],
                                 J2[e]);
        }
        free(J1), free(J2), free(ewt), free(atol);
        ketsim_traj_free(tr);
        release(&b);
    }
}

/* Random systems on random patterns: the sparse LU against SUNDIALS' dense
 * LU (round-off) and against the block LU of the dense path (bitwise: with
 * every pattern entry non-zero, both find the same blocks). */
static void test_sparselu_random_systems(void **state)
{
    (void)state;
    SUNContext ctx;
    assert_int_equal(SUNContext_Create(NULL, &ctx), 0);
    const size_t n = 40;
    unsigned long seed = 3;
    size_t multi_block = 0;
    for (int trial = 0; trial < 200; trial++) {
        double density = 0.01 + 0.1 * lcg(&seed);
        unsigned char *mask = calloc(n * n, 1);
        assert_non_null(mask);
        size_t nnz = 0;
        for (size_t j = 0; j < n; j++)
            for (size_t i = 0; i < n; i++)
                nnz += mask[j * n + i] = i == j || lcg(&seed) < density;
        SUNMatrix S = SUNSparseMatrix((sunindextype)n, (sunindextype)n, (sunindextype)nnz, CSC_MAT, ctx);
        SUNMatrix D = SUNDenseMatrix((sunindextype)n, (sunindextype)n, ctx);
        SUNMatrix D2 = SUNDenseMatrix((sunindextype)n, (sunindextype)n, ctx);
        sunindextype *cp = SM_INDEXPTRS_S(S), *rv = SM_INDEXVALS_S(S);
        double *v = SM_DATA_S(S);
        size_t e = 0;
        for (size_t j = 0; j < n; j++) {
            cp[j] = (sunindextype)e;
            for (size_t i = 0; i < n; i++) {
                double x = 0;
                if (mask[j * n + i]) {
                    x = i == j ? 1.0 + 3 * lcg(&seed) : 4 * (lcg(&seed) - 0.5) + 1e-3;
                    rv[e] = (sunindextype)i;
                    v[e++] = x;
                }
                SM_ELEMENT_D(D, i, j) = x;
                SM_ELEMENT_D(D2, i, j) = x;
            }
        }
        cp[n] = (sunindextype)e;
        SUNLinearSolver Ls = NULL;
        ketsim_error err = {0};
        assert_int_equal(sparselu_create(n, cp, rv, ctx, &Ls, &err), 0);
        N_Vector b = N_VNew_Serial((sunindextype)n, ctx), x1 = N_VClone(b), x2 = N_VClone(b), x3 = N_VClone(b);
        for (size_t i = 0; i < n; i++)
            NV_Ith_S(b, i) = lcg(&seed) - 0.5;
        SUNLinearSolver Ld = SUNLinSol_Dense(b, D, ctx), Lb = blocklu_create(n, ctx);
        int ok1 = SUNLinSolSetup(Ls, S), ok2 = SUNLinSolSetup(Ld, D), ok3 = SUNLinSolSetup(Lb, D2);
        assert_int_equal(ok1 == 0, ok2 == 0);
        assert_int_equal(ok1 == 0, ok3 == 0);
        if (ok1 == 0) {
            assert_int_equal(SUNLinSolSolve(Ls, S, x1, b, 0), 0);
            assert_int_equal(SUNLinSolSolve(Ld, D, x2, b, 0), 0);
            assert_int_equal(SUNLinSolSolve(Lb, D2, x3, b, 0), 0);
            for (size_t i = 0; i < n; i++) {
                assert_true(fabs(NV_Ith_S(x1, i) - NV_Ith_S(x2, i)) <= 1e-10 * (1 + fabs(NV_Ith_S(x2, i))));
                assert_true(NV_Ith_S(x1, i) == NV_Ith_S(x3, i));
            }
            /* in place (x aliasing b) gives the same answer */
            assert_int_equal(SUNLinSolSolve(Ls, S, b, b, 0), 0);
            for (size_t i = 0; i < n; i++)
                assert_true(NV_Ith_S(b, i) == NV_Ith_S(x1, i));
        }
        size_t nb, largest, nb2, largest2;
        sparselu_shape(Ls, &nb, &largest);
        blocklu_shape(Lb, &nb2, &largest2);
        assert_int_equal(nb, nb2);
        assert_int_equal(largest, largest2);
        multi_block += nb > 1 && largest > 1;
        SUNLinSolFree(Ls), SUNLinSolFree(Ld), SUNLinSolFree(Lb);
        N_VDestroy(b), N_VDestroy(x1), N_VDestroy(x2), N_VDestroy(x3);
        SUNMatDestroy(S), SUNMatDestroy(D), SUNMatDestroy(D2);
        free(mask);
    }
    assert_true(multi_block > 20);
    /* a pattern without its diagonal is refused */
    sunindextype cp[3] = {0, 1, 2}, rv[2] = {1, 0};
    SUNLinearSolver L = NULL;
    ketsim_error err = {0};
    assert_int_equal(sparselu_create(2, cp, rv, ctx, &L, &err), KETSIM_EINTERNAL);
    assert_null(L);
    SUNContext_Free(&ctx);
}

typedef struct run_result {
    ketsim_trajectory *tr;
    solver_stats st;
} run_result;

static void run_path(const scenario *sc, solver_newton kind, const double *times, size_t nt, run_result *out)
{
    built b;
    build(sc, &b);
    ketsim_error err = {0};
    assert_int_equal(solver_set_newton(sim_solver(b.sim), kind, &err), 0);
    assert_int_equal(solver_get_newton(sim_solver(b.sim)), kind);
    out->tr = NULL;
    assert_int_equal(ketsim_sim_run(b.sim, b.reg, times ? times : b.t, times ? nt : b.nt, &out->tr, &err), 0);
    solver_get_stats(sim_solver(b.sim), &out->st);
    release(&b);
}

/* max over states and times of |a - b| / max(|a|, |b|) (0 where both are 0),
 * and of |a - b| / (the state's range) */
static void compare(const ketsim_trajectory *a, const ketsim_trajectory *b, double *rel, double *of_range)
{
    size_t nt = ketsim_traj_n_times(a), ns = ketsim_traj_n_states(a);
    assert_int_equal(nt, ketsim_traj_n_times(b));
    *rel = *of_range = 0;
    for (size_t k = 0; k < ns; k++) {
        double range = 0;
        for (size_t i = 0; i < nt; i++)
            range = fmax(range, fabs(ketsim_traj_state(a, i)[k]));
        for (size_t i = 0; i < nt; i++) {
            double x = ketsim_traj_state(a, i)[k], y = ketsim_traj_state(b, i)[k], d = fabs(x - y);
            if (d > 0)
                *rel = fmax(*rel, d / fmax(fabs(x), fabs(y)));
            if (range > 0)
                *of_range = fmax(*of_range, d / range);
        }
    }
}

static void test_sparse_and_dense_paths_agree(void **state)
{
    (void)state;
    double dense_grid[2017];
    for (size_t i = 0; i < 2017; i++)
        dense_grid[i] = i / 6.0;
    for (size_t c = 0; c < sizeof scenarios / sizeof *scenarios; c++) {
        const double *grid = c == 0 ? dense_grid : NULL; /* the default run on its 14-day, 10-min grid */
        run_result sparse, block, dense, klu = {0};
        run_path(&scenarios[c], SOLVER_NEWTON_SPARSE, grid, 2017, &sparse);
        run_path(&scenarios[c], SOLVER_NEWTON_BLOCK, grid, 2017, &block);
        run_path(&scenarios[c], SOLVER_NEWTON_DENSE, grid, 2017, &dense);
        /* the same Jacobian approximation: the same steps, Jacobians, factorisations */
        assert_int_equal(sparse.st.steps, block.st.steps);
        assert_int_equal(sparse.st.rhs_evals, block.st.rhs_evals);
        assert_int_equal(sparse.st.jac_evals, block.st.jac_evals);
        assert_int_equal(sparse.st.lin_setups, block.st.lin_setups);
        assert_true(sparse.st.jac_rhs_evals * 2 < block.st.jac_rhs_evals); /* colouring pays */
        double rel, of_range;
        compare(sparse.tr, block.tr, &rel, &of_range);
        print_message("scenario %zu: sparse vs block: %ld steps each, max relative difference %.3g\n", c,
                      sparse.st.steps, rel);
        assert_true(rel <= 1e-10);
        compare(sparse.tr, dense.tr, &rel, &of_range);
        print_message("scenario %zu: sparse vs SUNDIALS dense: %ld vs %ld steps, max difference %.3g of range\n", c,
                      sparse.st.steps, dense.st.steps, of_range);
        /* other Jacobians, other steps: the global error of either (about
         * 5e-5 of range at these tolerances, docs/performance.md) bounds it */
        assert_true(of_range <= 1e-4);
        if (solver_have_klu()) {
            run_path(&scenarios[c], SOLVER_NEWTON_KLU, grid, 2017, &klu);
            compare(sparse.tr, klu.tr, &rel, &of_range);
            print_message("scenario %zu: sparse vs KLU: %ld vs %ld steps, max difference %.3g of range\n", c,
                          sparse.st.steps, klu.st.steps, of_range);
            assert_true(of_range <= 1e-4);
            ketsim_traj_free(klu.tr);
        }
        ketsim_traj_free(sparse.tr);
        ketsim_traj_free(block.tr);
        ketsim_traj_free(dense.tr);
    }
}

static void test_newton_switching(void **state)
{
    (void)state;
    built b;
    build(&scenarios[0], &b);
    ketsim_error err = {0};
    solver *s = sim_solver(b.sim);
    assert_int_equal(solver_get_newton(s), SOLVER_NEWTON_SPARSE); /* the default with a pattern */
    assert_int_equal(solver_use_dense_lu(s, 1, &err), 0);
    assert_int_equal(solver_get_newton(s), SOLVER_NEWTON_DENSE);
    assert_int_equal(solver_use_dense_lu(s, 0, &err), 0);
    assert_int_equal(solver_get_newton(s), SOLVER_NEWTON_SPARSE);
    if (!solver_have_klu())
        assert_int_equal(solver_set_newton(s, SOLVER_NEWTON_KLU, &err), KETSIM_EINPUT);
    /* a solver without a pattern runs the block path and refuses SPARSE */
    double atol = 1e-8;
    solver *plain = NULL;
    assert_int_equal(solver_create(1, NULL, NULL, &atol, 1e-6, &plain, &err), 0);
    assert_int_equal(solver_get_newton(plain), SOLVER_NEWTON_BLOCK);
    assert_int_equal(solver_set_newton(plain, SOLVER_NEWTON_SPARSE, &err), KETSIM_EINTERNAL);
    solver_free(plain);
    release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pattern_covers_fd_jacobian),
        cmocka_unit_test(test_coloured_jacobian_bitwise),
        cmocka_unit_test(test_sparselu_random_systems),
        cmocka_unit_test(test_sparse_and_dense_paths_agree),
        cmocka_unit_test(test_newton_switching),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
