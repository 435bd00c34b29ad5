#include "solver.h"
#include "blocklu.h"
#include "fastops.h"
#include "sparselu.h"

#include <cvode/cvode.h>
#include <float.h>
#include <math.h>
#include <nvector/nvector_serial.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <sunmatrix/sunmatrix_sparse.h>
#ifdef KETSIM_HAVE_KLU
#include <sunlinsol/sunlinsol_klu.h>
#endif

#define NONE ((size_t)-1)

/* What solver_set_pattern builds: everything the SPARSE and KLU paths use. */
typedef struct sparse_part {
    SUNMatrix A;                 /* CSC with the pattern; values: I - gamma J */
    SUNLinearSolver LS, LS_klu;  /* sparselu.h; KLU (NULL without it) */
    size_t nnz, n_blocks, largest_block;
    double *jac;                 /* saved Jacobian, in A's entry order */
    sunindextype *diag;          /* entry index of (j, j) in column j */
    /* column groups sharing no row: columns group_col[group_start[g] .. group_start[g+1]) */
    size_t n_groups, *group_start, *group_col;
    double *inc, *saved;         /* per column: increment, unperturbed value */
} sparse_part;

struct solver {
    size_t n;
    solver_rhs_fn f;
    void *user;
    double rtol;
    SUNContext ctx;
    void *cvode;
    N_Vector y, atol, tmp, ewt;
    long jac_rhs;                 /* right-hand sides spent on our difference quotients */
    SUNMatrix A;                  /* dense: the BLOCK and DENSE paths */
    SUNLinearSolver LS, LS_dense; /* block solver, plain dense LU */
    solver_newton want, active;   /* asked for (may be AUTO), in use */
    sparse_part sp;               /* sp.A == NULL: no pattern yet */
    double *u;          /* current input rates, per state */
    double *breaks;     /* scratch: sorted breakpoints */
    size_t breaks_cap;
    long max_steps;
    volatile sig_atomic_t *cancel; /* owned by the caller; NULL: none */
    solver_sink_fn sink;           /* NULL: outputs go into yout */
    void *sink_user;
    double wall_limit_s;           /* per solver_run; <= 0: none */
    double wall_start_s;           /* monotonic clock at the start of solver_run */
    solver_stats stats;
};

/* CVODE prints errors to stderr by default; ketsim returns them instead. */
static void silent_errors(int code, const char *module, const char *function, char *msg,
                          void *data)
{
    (void)code, (void)module, (void)function, (void)msg, (void)data;
}

static int cvode_rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *data)
{
    solver *s = data;
    double *yd = N_VGetArrayPointer(ydot);
    s->f(t, N_VGetArrayPointer(y), yd, s->user);
    for (size_t i = 0; i < s->n; i++)
        yd[i] += s->u[i];
    for (size_t i = 0; i < s->n; i++)
        if (!isfinite(yd[i]))
            return 1; /* recoverable: CVODE retries with a smaller step */
    return 0;
}

/* ---- difference-quotient Jacobians ----
 * Both forms compute what CVODE's own cvLsDenseDQJac would (same
 * increments, same quotient) without the vector CVODE allocates at every
 * call, so that a subject's solve allocates nothing.  The only input that
 * can differ from CVODE's is the step size in the minimum increment: CVODE
 * uses the step being attempted, the public API gives the step planned.
 * The error weights are read from s->ewt. */

static double dq_min_inc(const solver *s, N_Vector fy, double h)
{
    double fnorm = N_VWrmsNorm(fy, s->ewt);
    return fnorm != 0.0 ? 1000.0 * fabs(h) * DBL_EPSILON * (double)s->n * fnorm : 1.0;
}

/* Every column by its own right-hand side (the BLOCK path). */
static int dq_by_columns(solver *s, double t, N_Vector y, N_Vector fy, N_Vector f1v, double h, realtype **cols)
{
    double *yd = N_VGetArrayPointer(y), *f1 = N_VGetArrayPointer(f1v), *f0 = N_VGetArrayPointer(fy);
    const double *ewt = N_VGetArrayPointer(s->ewt);
    double min_inc = dq_min_inc(s, fy, h), srur = sqrt(DBL_EPSILON);
    for (size_t j = 0; j < s->n; j++) {
        double saved = yd[j], inc = fmax(srur * fabs(saved), min_inc / ewt[j]);
        yd[j] += inc;
        int rc = cvode_rhs(t, y, f1v, s);
        s->jac_rhs++;
        yd[j] = saved;
        if (rc)
            return rc;
        double inv = 1.0 / inc, *col = cols[j];
        for (size_t i = 0; i < s->n; i++)
            col[i] = inv * (f1[i] - f0[i]);
    }
    return 0;
}

/* One right-hand side per colour group: the columns of a group share no
 * row of the pattern, so perturbing them together leaves each row seeing
 * exactly one perturbed column.  When the pattern covers every dependency
 * of the right-hand side, a row's value with the group perturbed is
 * computed from the same inputs as with its own column alone, so every
 * entry is bitwise the one dq_by_columns gives (and the entries outside
 * the pattern, which dq_by_columns finds to be exactly 0, are not stored). */
static int dq_by_groups(solver *s, double t, N_Vector y, N_Vector fy, N_Vector f1v, double h, double *jac)
{
    const sparse_part *sp = &s->sp;
    double *yd = N_VGetArrayPointer(y), *f1 = N_VGetArrayPointer(f1v), *f0 = N_VGetArrayPointer(fy);
    const double *ewt = N_VGetArrayPointer(s->ewt);
    const sunindextype *cp = SM_INDEXPTRS_S(sp->A), *rv = SM_INDEXVALS_S(sp->A);
    double min_inc = dq_min_inc(s, fy, h), srur = sqrt(DBL_EPSILON);
    for (size_t g = 0; g < sp->n_groups; g++) {
        size_t c0 = sp->group_start[g], c1 = sp->group_start[g + 1];
        for (size_t c = c0; c < c1; c++) {
            size_t j = sp->group_col[c];
            sp->saved[j] = yd[j];
            sp->inc[j] = fmax(srur * fabs(yd[j]), min_inc / ewt[j]);
            yd[j] += sp->inc[j];
        }
        int rc = cvode_rhs(t, y, f1v, s);
        s->jac_rhs++;
        for (size_t c = c0; c < c1; c++)
            yd[sp->group_col[c]] = sp->saved[sp->group_col[c]];
        if (rc)
            return rc;
        for (size_t c = c0; c < c1; c++) {
            size_t j = sp->group_col[c];
            double inv = 1.0 / sp->inc[j];
            for (sunindextype e = cp[j]; e < cp[j + 1]; e++)
                jac[e] = inv * (f1[rv[e]] - f0[rv[e]]);
        }
    }
    return 0;
}

/* CVODE's Jacobian callback for the BLOCK path. */
static int dq_jacobian(sunrealtype t, N_Vector y, N_Vector fy, SUNMatrix J, void *data, N_Vector tmp1,
                       N_Vector tmp2, N_Vector tmp3)
{
    (void)tmp2, (void)tmp3;
    solver *s = data;
    double h = 0.0;
    CVodeGetErrWeights(s->cvode, s->ewt);
    CVodeGetCurrentStep(s->cvode, &h);
    return dq_by_columns(s, t, y, fy, tmp1, h, SUNDenseMatrix_Cols(J));
}

/* CVODE's linear-system callback for the SPARSE and KLU paths: it stands in
 * for CVODE's own (which would zero, copy and scale a whole matrix) and
 * touches only the pattern's entries.  jok: CVODE judges the saved Jacobian
 * still good.  M = I - gamma J is formed as the dense path's SUNMatScaleAddI
 * does it (scale, then add 1 on the diagonal), so the numbers are the same. */
static int sparse_linsys(sunrealtype t, N_Vector y, N_Vector fy, SUNMatrix M, sunbooleantype jok,
                         sunbooleantype *jcur, sunrealtype gamma, void *data, N_Vector tmp1, N_Vector tmp2,
                         N_Vector tmp3)
{
    (void)tmp2, (void)tmp3;
    solver *s = data;
    sparse_part *sp = &s->sp;
    if (!jok) {
        double h = 0.0;
        CVodeGetErrWeights(s->cvode, s->ewt);
        CVodeGetCurrentStep(s->cvode, &h);
        *jcur = SUNTRUE; /* as CVODE's own: set before the attempt, failed or not */
        int rc = dq_by_groups(s, t, y, fy, tmp1, h, sp->jac);
        if (rc)
            return rc;
    } else {
        *jcur = SUNFALSE;
    }
    double c = -gamma, *m = SM_DATA_S(M);
    for (size_t e = 0; e < sp->nnz; e++)
        m[e] = c * sp->jac[e];
    for (size_t j = 0; j < s->n; j++)
        m[sp->diag[j]] += 1.0;
    return 0;
}

/* ---- the sparsity pattern ---- */

static void sparse_part_free(sparse_part *sp)
{
    if (sp->LS)
        SUNLinSolFree(sp->LS);
    if (sp->LS_klu)
        SUNLinSolFree(sp->LS_klu);
    if (sp->A)
        SUNMatDestroy(sp->A);
    free(sp->jac), free(sp->diag), free(sp->group_start), free(sp->group_col), free(sp->inc), free(sp->saved);
    memset(sp, 0, sizeof *sp);
}

/* Greedy colouring: each column, in the given order, takes the lowest
 * colour that no column sharing a row with it has yet.  rp/rc: the columns
 * of each row (CSR).  Returns the number of colours. */
static size_t greedy_colour(size_t n, const sunindextype *cp, const sunindextype *rv, const size_t *rp,
                            const size_t *rc, const size_t *order, size_t *colour, size_t *stamp)
{
    size_t n_colours = 0;
    for (size_t j = 0; j < n; j++)
        colour[j] = stamp[j] = NONE;
    for (size_t t = 0; t < n; t++) {
        size_t j = order[t];
        for (sunindextype e = cp[j]; e < cp[j + 1]; e++)
            for (size_t k = rp[rv[e]]; k < rp[rv[e] + 1]; k++)
                if (colour[rc[k]] != NONE)
                    stamp[colour[rc[k]]] = j; /* colour taken, for column j */
        size_t c = 0;
        while (stamp[c] == j)
            c++;
        colour[j] = c;
        if (c + 1 > n_colours)
            n_colours = c + 1;
    }
    return n_colours;
}

/* Column groups for dq_by_groups: greedy colourings in the natural order
 * and largest-column-first; the one with fewer groups wins. */
static int colour_columns(size_t n, const sunindextype *cp, const sunindextype *rv, sparse_part *sp)
{
    size_t nnz = (size_t)cp[n], m = n ? n : 1;
    /* calloc: GCC cannot see that the loops below fill them before use */
    size_t *rp = calloc(m + 1, sizeof *rp), *rc = calloc(nnz ? nnz : 1, sizeof *rc);
    size_t *order = calloc(m, sizeof *order), *col_a = calloc(m, sizeof *col_a);
    size_t *col_b = calloc(m, sizeof *col_b), *stamp = calloc(m, sizeof *stamp);
    int ok = rp && rc && order && col_a && col_b && stamp;
    if (ok) {
        for (size_t e = 0; e < nnz; e++)
            rp[rv[e] + 1]++;
        for (size_t i = 0; i < n; i++)
            rp[i + 1] += rp[i];
        memcpy(stamp, rp, n * sizeof *stamp); /* fill cursor */
        for (size_t j = 0; j < n; j++)
            for (sunindextype e = cp[j]; e < cp[j + 1]; e++)
                rc[stamp[rv[e]]++] = j;
        for (size_t j = 0; j < n; j++)
            order[j] = j;
        size_t na = greedy_colour(n, cp, rv, rp, rc, order, col_a, stamp);
        /* largest first: insertion sort by column length, stable */
        for (size_t t = 1; t < n; t++)
            for (size_t q = t; q > 0 && cp[order[q] + 1] - cp[order[q]] > cp[order[q - 1] + 1] - cp[order[q - 1]]; q--) {
                size_t x = order[q];
                order[q] = order[q - 1];
                order[q - 1] = x;
            }
        size_t nb = greedy_colour(n, cp, rv, rp, rc, order, col_b, stamp);
        const size_t *colour = nb < na ? col_b : col_a;
        sp->n_groups = nb < na ? nb : na;
        /* groups in colour order, columns ascending inside each */
        for (size_t g = 0; g <= sp->n_groups; g++)
            sp->group_start[g] = 0;
        for (size_t j = 0; j < n; j++)
            sp->group_start[colour[j] + 1]++;
        for (size_t g = 0; g < sp->n_groups; g++)
            sp->group_start[g + 1] += sp->group_start[g];
        memcpy(stamp, sp->group_start, sp->n_groups * sizeof *stamp);
        for (size_t j = 0; j < n; j++)
            sp->group_col[stamp[colour[j]]++] = j;
    }
    free(rp), free(rc), free(order), free(col_a), free(col_b), free(stamp);
    return ok;
}

static int build_sparse(solver *s, const unsigned char *mask, sparse_part *sp, ketsim_error *err)
{
    size_t n = s->n, nnz = 0, m = n ? n : 1;
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < n; i++)
            nnz += mask[j * n + i] || i == j;
    sp->nnz = nnz;
    sp->A = SUNSparseMatrix((sunindextype)n, (sunindextype)n, (sunindextype)nnz, CSC_MAT, s->ctx);
    sp->jac = calloc(nnz ? nnz : 1, sizeof *sp->jac);
    sp->diag = malloc(m * sizeof *sp->diag);
    sp->group_start = malloc((m + 1) * sizeof *sp->group_start);
    sp->group_col = malloc(m * sizeof *sp->group_col);
    sp->inc = malloc(m * sizeof *sp->inc);
    sp->saved = malloc(m * sizeof *sp->saved);
    if (!sp->A || !sp->jac || !sp->diag || !sp->group_start || !sp->group_col || !sp->inc || !sp->saved)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    sunindextype *cp = SM_INDEXPTRS_S(sp->A), *rv = SM_INDEXVALS_S(sp->A);
    size_t e = 0;
    for (size_t j = 0; j < n; j++) {
        cp[j] = (sunindextype)e;
        for (size_t i = 0; i < n; i++)
            if (mask[j * n + i] || i == j) {
                if (i == j)
                    sp->diag[j] = (sunindextype)e;
                rv[e++] = (sunindextype)i;
            }
    }
    cp[n] = (sunindextype)e;
    memset(SM_DATA_S(sp->A), 0, (nnz ? nnz : 1) * sizeof(double));
    if (!colour_columns(n, cp, rv, sp))
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    int rc = sparselu_create(n, cp, rv, s->ctx, &sp->LS, err);
    if (rc)
        return rc;
    sparselu_shape(sp->LS, &sp->n_blocks, &sp->largest_block);
#ifdef KETSIM_HAVE_KLU
    sp->LS_klu = SUNLinSol_KLU(s->y, sp->A, s->ctx);
    if (!sp->LS_klu)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "could not set up KLU");
#endif
    return KETSIM_OK;
}

/* Hand CVODE the linear solver, matrix and Jacobian (or linear-system)
 * callback of one path.  CVODE allocates a little here, never per step. */
static int attach(solver *s, solver_newton kind, ketsim_error *err)
{
    solver_newton use = kind == SOLVER_NEWTON_AUTO ? (s->sp.A ? SOLVER_NEWTON_SPARSE : SOLVER_NEWTON_BLOCK) : kind;
    if ((use == SOLVER_NEWTON_SPARSE || use == SOLVER_NEWTON_KLU) && !s->sp.A)
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "the sparse Newton path needs a sparsity pattern");
    if (use == SOLVER_NEWTON_KLU && !s->sp.LS_klu)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "ketsim was built without KLU (libsuitesparse-dev)");
    int ok;
    switch (use) {
    case SOLVER_NEWTON_SPARSE:
    case SOLVER_NEWTON_KLU:
        ok = CVodeSetLinearSolver(s->cvode, use == SOLVER_NEWTON_KLU ? s->sp.LS_klu : s->sp.LS, s->sp.A) ==
                 CVLS_SUCCESS &&
             CVodeSetLinSysFn(s->cvode, sparse_linsys) == CVLS_SUCCESS;
        break;
    case SOLVER_NEWTON_DENSE:
        ok = CVodeSetLinearSolver(s->cvode, s->LS_dense, s->A) == CVLS_SUCCESS &&
             CVodeSetJacFn(s->cvode, NULL) == CVLS_SUCCESS;
        break;
    default:
        ok = CVodeSetLinearSolver(s->cvode, s->LS, s->A) == CVLS_SUCCESS &&
             CVodeSetJacFn(s->cvode, dq_jacobian) == CVLS_SUCCESS;
        break;
    }
    if (!ok)
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "could not switch the linear solver");
    s->want = kind;
    s->active = use;
    return KETSIM_OK;
}

int solver_set_pattern(solver *s, const unsigned char *mask, ketsim_error *err)
{
    sparse_part fresh = {0}, old = s->sp;
    int rc = build_sparse(s, mask, &fresh, err);
    if (rc) {
        sparse_part_free(&fresh);
        return rc;
    }
    s->sp = fresh;
    /* CVODE may hold the old pattern's objects: hand it the new ones
     * before freeing those */
    rc = attach(s, s->want, err);
    if (rc) {
        s->sp = old;
        sparse_part_free(&fresh);
        return rc;
    }
    sparse_part_free(&old);
    return KETSIM_OK;
}

void solver_get_pattern_info(const solver *s, solver_pattern_info *info)
{
    info->nnz = s->sp.nnz;
    info->n_groups = s->sp.n_groups;
    info->n_blocks = s->sp.n_blocks;
    info->largest_block = s->sp.largest_block;
}

int solver_dq_jacobian(solver *s, double t, const double *y, const double *ewt, double h, int coloured,
                       double *J, ketsim_error *err)
{
    size_t n = s->n;
    if (coloured && !s->sp.A)
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "a coloured Jacobian needs a sparsity pattern");
    N_Vector yv = N_VClone(s->y), f0 = N_VClone(s->y), f1 = N_VClone(s->y);
    realtype **cols = malloc((n ? n : 1) * sizeof *cols);
    int rc = KETSIM_OK;
    if (!yv || !f0 || !f1 || !cols)
        rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    if (!rc) {
        memcpy(N_VGetArrayPointer(yv), y, n * sizeof *y);
        memcpy(N_VGetArrayPointer(s->ewt), ewt, n * sizeof *ewt);
        memset(J, 0, n * n * sizeof *J);
        for (size_t j = 0; j < n; j++)
            cols[j] = J + j * n;
        if (cvode_rhs(t, yv, f0, s))
            rc = KETSIM_FAIL(err, KETSIM_ESOLVER, "right-hand side not finite at the given state");
    }
    if (!rc && !coloured && dq_by_columns(s, t, yv, f0, f1, h, cols))
        rc = KETSIM_FAIL(err, KETSIM_ESOLVER, "right-hand side not finite near the given state");
    /* into a buffer of its own: the saved Jacobian of a run stays as it was */
    double *jac = coloured && !rc ? malloc((s->sp.nnz ? s->sp.nnz : 1) * sizeof *jac) : NULL;
    if (coloured && !rc && !jac)
        rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    if (!rc && coloured) {
        if (dq_by_groups(s, t, yv, f0, f1, h, jac))
            rc = KETSIM_FAIL(err, KETSIM_ESOLVER, "right-hand side not finite near the given state");
        const sunindextype *cp = SM_INDEXPTRS_S(s->sp.A), *rv = SM_INDEXVALS_S(s->sp.A);
        for (size_t j = 0; !rc && j < n; j++)
            for (sunindextype e = cp[j]; e < cp[j + 1]; e++)
                J[j * n + (size_t)rv[e]] = jac[e];
    }
    free(jac);
    free(cols);
    if (yv)
        N_VDestroy(yv);
    if (f0)
        N_VDestroy(f0);
    if (f1)
        N_VDestroy(f1);
    return rc;
}

void solver_free(solver *s)
{
    if (!s)
        return;
    if (s->cvode)
        CVodeFree(&s->cvode);
    sparse_part_free(&s->sp);
    if (s->LS)
        SUNLinSolFree(s->LS);
    if (s->LS_dense)
        SUNLinSolFree(s->LS_dense);
    if (s->A)
        SUNMatDestroy(s->A);
    if (s->y)
        N_VDestroy(s->y);
    if (s->atol)
        N_VDestroy(s->atol);
    if (s->tmp)
        N_VDestroy(s->tmp);
    if (s->ewt)
        N_VDestroy(s->ewt);
    if (s->ctx)
        SUNContext_Free(&s->ctx);
    free(s->u);
    free(s->breaks);
    free(s);
}

int solver_create(size_t n, solver_rhs_fn f, void *user, const double *atol, double rtol,
                  solver **out, ketsim_error *err)
{
    *out = NULL;
    solver *s = calloc(1, sizeof *s);
    if (!s)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    s->n = n;
    s->f = f;
    s->user = user;
    s->rtol = rtol;
    s->max_steps = 500000;
    s->u = calloc(n, sizeof *s->u);
    int ok = s->u && SUNContext_Create(NULL, &s->ctx) == 0;
    if (ok) {
        s->y = N_VNew_Serial((sunindextype)n, s->ctx);
        s->atol = N_VNew_Serial((sunindextype)n, s->ctx);
        s->tmp = N_VNew_Serial((sunindextype)n, s->ctx);
        s->ewt = N_VNew_Serial((sunindextype)n, s->ctx);
        s->A = SUNDenseMatrix((sunindextype)n, (sunindextype)n, s->ctx);
        ok = s->y && s->atol && s->tmp && s->ewt && s->A;
    }
    if (ok) {
        fastops_vector(s->y);
        fastops_vector(s->atol);
        fastops_vector(s->tmp);
        fastops_vector(s->ewt);
        fastops_matrix(s->A);
    }
    if (ok) {
        s->LS = blocklu_create(n, s->ctx);
        s->LS_dense = SUNLinSol_Dense(s->y, s->A, s->ctx);
        s->cvode = CVodeCreate(CV_BDF, s->ctx);
        ok = s->LS && s->LS_dense && s->cvode;
    }
    if (ok) {
        N_VConst(0.0, s->y);
        memcpy(N_VGetArrayPointer(s->atol), atol, n * sizeof *atol);
        ok = CVodeInit(s->cvode, cvode_rhs, 0.0, s->y) == CV_SUCCESS &&
             CVodeSVtolerances(s->cvode, rtol, s->atol) == CV_SUCCESS &&
             CVodeSetUserData(s->cvode, s) == CV_SUCCESS &&
             CVodeSetMaxNumSteps(s->cvode, 50000) == CV_SUCCESS &&
             CVodeSetMaxErrTestFails(s->cvode, 20) == CV_SUCCESS &&
             CVodeSetMaxConvFails(s->cvode, 50) == CV_SUCCESS &&
             CVodeSetErrHandlerFn(s->cvode, silent_errors, NULL) == CV_SUCCESS;
    }
    if (!ok || attach(s, SOLVER_NEWTON_AUTO, err)) {
        solver_free(s);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "could not set up the CVODE solver");
    }
    *out = s;
    return KETSIM_OK;
}

/* CVODE keeps its own copy of the absolute tolerances (CVodeSVtolerances
 * copies them), so new ones must be handed over, not just stored. */
void solver_set_user(solver *s, void *user, const double *atol)
{
    s->user = user;
    if (atol) {
        memcpy(N_VGetArrayPointer(s->atol), atol, s->n * sizeof *atol);
        CVodeSVtolerances(s->cvode, s->rtol, s->atol);
    }
}

int solver_set_tolerances(solver *s, double rtol, const double *atol, ketsim_error *err)
{
    if (!(rtol > 0))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "relative tolerance must be positive");
    for (size_t i = 0; i < s->n; i++)
        if (!(atol[i] >= 0))
            return KETSIM_FAIL(err, KETSIM_EINPUT, "absolute tolerances must be >= 0");
    memcpy(N_VGetArrayPointer(s->atol), atol, s->n * sizeof *atol);
    s->rtol = rtol;
    if (CVodeSVtolerances(s->cvode, rtol, s->atol) != CV_SUCCESS)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "CVODE refused the tolerances");
    return KETSIM_OK;
}

int solver_set_newton(solver *s, solver_newton kind, ketsim_error *err) { return attach(s, kind, err); }

solver_newton solver_get_newton(const solver *s) { return s->active; }

int solver_have_klu(void)
{
#ifdef KETSIM_HAVE_KLU
    return 1;
#else
    return 0;
#endif
}

int solver_use_dense_lu(solver *s, int dense, ketsim_error *err)
{
    return attach(s, dense ? SOLVER_NEWTON_DENSE : SOLVER_NEWTON_AUTO, err);
}

void solver_set_max_steps(solver *s, long max_steps) { s->max_steps = max_steps; }

void solver_set_cancel(solver *s, volatile sig_atomic_t *cancel) { s->cancel = cancel; }

void solver_set_sink(solver *s, solver_sink_fn fn, void *user)
{
    s->sink = fn;
    s->sink_user = user;
}

/* Output i is the state y: stored in yout, or handed to the sink. */
static int emit_row(solver *s, double *yout, size_t i, const double *y, ketsim_error *err)
{
    if (!s->sink) {
        memcpy(yout + s->n * i, y, s->n * sizeof *y);
        return KETSIM_OK;
    }
    (void)err; /* the sink says why it stopped, in its own error record */
    return s->sink(i, y, s->sink_user) ? KETSIM_EIO : KETSIM_OK;
}

void solver_set_wall_limit(solver *s, double seconds) { s->wall_limit_s = seconds; }

static double monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void solver_get_stats(const solver *s, solver_stats *st) { *st = s->stats; }

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorted, unique breakpoints in [t_start, t_end]: t_start, every input
 * start and end between, and t_end. */
static int make_breaks(solver *s, const solver_input *in, size_t n_in, double t_start, double t_end,
                       size_t *nb, ketsim_error *err)
{
    size_t need = 2 * n_in + 2;
    if (need > s->breaks_cap) {
        double *b = realloc(s->breaks, need * sizeof *b);
        if (!b)
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
        s->breaks = b;
        s->breaks_cap = need;
    }
    size_t k = 0;
    s->breaks[k++] = t_start;
    s->breaks[k++] = t_end;
    for (size_t i = 0; i < n_in; i++) {
        if (in[i].t0 > t_start && in[i].t0 < t_end)
            s->breaks[k++] = in[i].t0;
        if (in[i].t1 > t_start && in[i].t1 < t_end)
            s->breaks[k++] = in[i].t1;
    }
    qsort(s->breaks, k, sizeof *s->breaks, cmp_double);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (u == 0 || s->breaks[i] != s->breaks[u - 1])
            s->breaks[u++] = s->breaks[i];
    *nb = u;
    return KETSIM_OK;
}

/* At breakpoint t: add boluses due now and set the input rates that hold until
 * the next breakpoint. */
static void apply_inputs(solver *s, const solver_input *in, size_t n_in, double t, double *y)
{
    memset(s->u, 0, s->n * sizeof *s->u);
    for (size_t i = 0; i < n_in; i++) {
        if (in[i].t1 == in[i].t0) {
            if (in[i].t0 == t)
                y[in[i].state] += in[i].amount;
        } else if (in[i].t0 <= t && t < in[i].t1) {
            s->u[in[i].state] += in[i].amount / (in[i].t1 - in[i].t0);
        }
    }
}

static int fail_cvode(int flag, double t, ketsim_error *err)
{
    const char *why = CVodeGetReturnFlagName(flag);
    int rc = KETSIM_FAIL(err, KETSIM_ESOLVER, "solver failed at t = %.6g h: %s", t, why ? why : "unknown");
    free((void *)why);
    return rc;
}

/* Integrate one interval [a, b) without inputs changing, emitting outputs. */
static int run_interval(solver *s, double a, double b, const double *tout, size_t n_out,
                        size_t *next, double *yout, ketsim_error *err)
{
    double *y = N_VGetArrayPointer(s->y);
    int rc = KETSIM_OK;
    while (!rc && *next < n_out && tout[*next] <= a)  /* outputs at a: after the events at a */
        rc = emit_row(s, yout, (*next)++, y, err);
    if (rc)
        return rc;
    int flag = CVodeReInit(s->cvode, a, s->y);
    if (flag == CV_SUCCESS)
        flag = CVodeSetStopTime(s->cvode, b);
    if (flag != CV_SUCCESS)
        return fail_cvode(flag, a, err);
    s->stats.reinits++;
    N_Vector tmp = s->tmp;
    double t = a;
    while (t < b) {
        if (s->cancel && *s->cancel) {
            rc = KETSIM_FAIL(err, KETSIM_ESOLVER, "interrupted at t = %.6g h", t);
            break;
        }
        if (++s->stats.steps > s->max_steps) {
            rc = KETSIM_FAIL(err, KETSIM_ESOLVER, "solver exceeded %ld steps by t = %.6g h", s->max_steps, t);
            break;
        }
        /* the step budget bounds work, not time: slow steps are bounded here */
        if (s->wall_limit_s > 0 && monotonic_s() - s->wall_start_s > s->wall_limit_s) {
            rc = KETSIM_FAIL(err, KETSIM_ESOLVER, "solver exceeded the wall-time limit of %g s by t = %.6g h",
                             s->wall_limit_s, t);
            break;
        }
        flag = CVode(s->cvode, b, s->y, &t, CV_ONE_STEP);
        if (flag < 0) {
            rc = fail_cvode(flag, t, err);
            break;
        }
        while (!rc && *next < n_out && tout[*next] < b && tout[*next] <= t) {
            CVodeGetDky(s->cvode, tout[*next], 0, tmp);
            rc = emit_row(s, yout, (*next)++, N_VGetArrayPointer(tmp), err);
        }
        if (rc)
            break;
    }
    long nfe = 0, nje = 0, nfels = 0, nsetups = 0;
    CVodeGetNumRhsEvals(s->cvode, &nfe); /* counters restart at each re-init */
    CVodeGetNumJacEvals(s->cvode, &nje);
    CVodeGetNumLinRhsEvals(s->cvode, &nfels);
    CVodeGetNumLinSolvSetups(s->cvode, &nsetups);
    s->stats.rhs_evals += nfe;
    s->stats.jac_evals += nje;
    s->stats.jac_rhs_evals += nfels + s->jac_rhs;
    s->jac_rhs = 0;
    s->stats.lin_setups += nsetups;
    return rc;
}

/* Outputs at breakpoint t marked "before": the state before t's inputs. */
static int emit_before(solver *s, double t, const double *tout, const unsigned char *before,
                       size_t n_out, size_t *next, double *yout, ketsim_error *err)
{
    const double *y = N_VGetArrayPointer(s->y);
    int rc = KETSIM_OK;
    while (!rc && before && *next < n_out && tout[*next] == t && before[*next])
        rc = emit_row(s, yout, (*next)++, y, err);
    return rc;
}

int solver_run(solver *s, const double *y0, const solver_input *in, size_t n_in,
               const double *tout, const unsigned char *before, size_t n_out, double *yout,
               ketsim_error *err)
{
    return solver_run_from(s, 0.0, y0, in, n_in, tout, before, n_out, yout, err);
}

int solver_run_from(solver *s, double t_start, const double *y0, const solver_input *in, size_t n_in,
                    const double *tout, const unsigned char *before, size_t n_out, double *yout,
                    ketsim_error *err)
{
    memset(&s->stats, 0, sizeof s->stats);
    s->wall_start_s = s->wall_limit_s > 0 ? monotonic_s() : 0;
    if (n_out == 0)
        return KETSIM_OK;
    for (size_t i = 0; i < n_out; i++)
        if (!(tout[i] >= t_start) || (i && tout[i] < tout[i - 1]))
            return KETSIM_FAIL(err, KETSIM_EINPUT, "output times must be ascending and >= %g", t_start);
    double t_end = tout[n_out - 1];
    size_t nb = 0, next = 0;
    int rc = make_breaks(s, in, n_in, t_start, t_end, &nb, err);
    if (rc)
        return rc;
    double *y = N_VGetArrayPointer(s->y);
    memcpy(y, y0, s->n * sizeof *y);
    for (size_t k = 0; k + 1 < nb && rc == KETSIM_OK; k++) {
        rc = emit_before(s, s->breaks[k], tout, before, n_out, &next, yout, err);
        if (rc)
            break;
        apply_inputs(s, in, n_in, s->breaks[k], y);
        rc = run_interval(s, s->breaks[k], s->breaks[k + 1], tout, n_out, &next, yout, err);
    }
    if (!rc)
        rc = emit_before(s, t_end, tout, before, n_out, &next, yout, err);
    if (rc)
        return rc;
    apply_inputs(s, in, n_in, t_end, y);
    while (!rc && next < n_out)  /* outputs at t_end */
        rc = emit_row(s, yout, next++, y, err);
    return rc;
}
