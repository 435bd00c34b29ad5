#include "solver.h"
#include "blocklu.h"
#include "fastops.h"

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

struct solver {
    size_t n;
    solver_rhs_fn f;
    void *user;
    double rtol;
    SUNContext ctx;
    void *cvode;
    N_Vector y, atol, tmp, ewt;
    long jac_rhs;       /* right-hand sides spent in dq_jacobian */
    SUNMatrix A;
    SUNLinearSolver LS, LS_dense; /* block solver (default), plain dense LU */
    int use_dense;
    double *u;          /* current input rates, per state */
    double *breaks;     /* scratch: sorted breakpoints */
    size_t breaks_cap;
    long max_steps;
    volatile sig_atomic_t *cancel; /* owned by the caller; NULL: none */
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

/* The difference-quotient Jacobian CVODE would compute (cvLsDenseDQJac: same
 * increments, same quotient), without the vector CVODE allocates for it at
 * every call, so that a subject's solve allocates nothing.  The only input
 * that can differ is the step size in the minimum increment: CVODE uses the
 * step being attempted, the public API gives the step planned. */
static int dq_jacobian(sunrealtype t, N_Vector y, N_Vector fy, SUNMatrix J, void *data, N_Vector tmp1,
                       N_Vector tmp2, N_Vector tmp3)
{
    (void)tmp2, (void)tmp3;
    solver *s = data;
    double *yd = N_VGetArrayPointer(y), *f1 = N_VGetArrayPointer(tmp1), *f0 = N_VGetArrayPointer(fy);
    double h = 0.0;
    CVodeGetErrWeights(s->cvode, s->ewt);
    CVodeGetCurrentStep(s->cvode, &h);
    const double *ewt = N_VGetArrayPointer(s->ewt);
    double fnorm = N_VWrmsNorm(fy, s->ewt);
    double min_inc = fnorm != 0.0 ? 1000.0 * fabs(h) * DBL_EPSILON * (double)s->n * fnorm : 1.0;
    double srur = sqrt(DBL_EPSILON);
    for (size_t j = 0; j < s->n; j++) {
        double saved = yd[j], inc = fmax(srur * fabs(saved), min_inc / ewt[j]);
        yd[j] += inc;
        int rc = cvode_rhs(t, y, tmp1, s);
        s->jac_rhs++;
        yd[j] = saved;
        if (rc)
            return rc;
        double inv = 1.0 / inc, *col = SUNDenseMatrix_Column(J, (sunindextype)j);
        for (size_t i = 0; i < s->n; i++)
            col[i] = inv * (f1[i] - f0[i]);
    }
    return 0;
}

void solver_free(solver *s)
{
    if (!s)
        return;
    if (s->cvode)
        CVodeFree(&s->cvode);
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
             CVodeSetLinearSolver(s->cvode, s->LS, s->A) == CV_SUCCESS &&
             CVodeSetJacFn(s->cvode, dq_jacobian) == CV_SUCCESS &&
             CVodeSetMaxNumSteps(s->cvode, 50000) == CV_SUCCESS &&
             CVodeSetMaxErrTestFails(s->cvode, 20) == CV_SUCCESS &&
             CVodeSetMaxConvFails(s->cvode, 50) == CV_SUCCESS &&
             CVodeSetErrHandlerFn(s->cvode, silent_errors, NULL) == CV_SUCCESS;
    }
    if (!ok) {
        solver_free(s);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "could not set up the CVODE solver");
    }
    *out = s;
    return KETSIM_OK;
}

void solver_set_user(solver *s, void *user, const double *atol)
{
    s->user = user;
    if (atol) {
        /* CVODE keeps its own copy of the tolerance vector: hand it over again */
        memcpy(N_VGetArrayPointer(s->atol), atol, s->n * sizeof *atol);
        CVodeSVtolerances(s->cvode, s->rtol, s->atol);
    }
}

int solver_set_tolerances(solver *s, double rtol, const double *atol, ketsim_error *err)
{
    memcpy(N_VGetArrayPointer(s->atol), atol, s->n * sizeof *atol);
    if (CVodeSVtolerances(s->cvode, rtol, s->atol) != CV_SUCCESS)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "invalid solver tolerances (rtol %g)", rtol);
    s->rtol = rtol;
    return KETSIM_OK;
}

int solver_use_dense_lu(solver *s, int dense, ketsim_error *err)
{
    if (CVodeSetLinearSolver(s->cvode, dense ? s->LS_dense : s->LS, s->A) != CVLS_SUCCESS ||
        CVodeSetJacFn(s->cvode, dense ? NULL : dq_jacobian) != CVLS_SUCCESS)
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "could not switch the linear solver");
    s->use_dense = dense;
    return KETSIM_OK;
}

void solver_set_max_steps(solver *s, long max_steps) { s->max_steps = max_steps; }

void solver_set_cancel(solver *s, volatile sig_atomic_t *cancel) { s->cancel = cancel; }

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

/* Sorted, unique breakpoints in [0, t_end]: every input start and end, and t_end. */
static int make_breaks(solver *s, const solver_input *in, size_t n_in, double t_end,
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
    s->breaks[k++] = 0.0;
    s->breaks[k++] = t_end;
    for (size_t i = 0; i < n_in; i++) {
        if (in[i].t0 < t_end)
            s->breaks[k++] = in[i].t0;
        if (in[i].t1 < t_end)
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
    while (*next < n_out && tout[*next] <= a)  /* outputs at a: after the events at a */
        memcpy(yout + s->n * (*next)++, y, s->n * sizeof *y);
    int flag = CVodeReInit(s->cvode, a, s->y);
    if (flag == CV_SUCCESS)
        flag = CVodeSetStopTime(s->cvode, b);
    if (flag != CV_SUCCESS)
        return fail_cvode(flag, a, err);
    s->stats.reinits++;
    N_Vector tmp = s->tmp;
    double t = a;
    int rc = KETSIM_OK;
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
        while (*next < n_out && tout[*next] < b && tout[*next] <= t) {
            CVodeGetDky(s->cvode, tout[*next], 0, tmp);
            memcpy(yout + s->n * (*next)++, N_VGetArrayPointer(tmp), s->n * sizeof *y);
        }
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
static void emit_before(solver *s, double t, const double *tout, const unsigned char *before,
                        size_t n_out, size_t *next, double *yout)
{
    const double *y = N_VGetArrayPointer(s->y);
    while (before && *next < n_out && tout[*next] == t && before[*next])
        memcpy(yout + s->n * (*next)++, y, s->n * sizeof *y);
}

int solver_run(solver *s, const double *y0, const solver_input *in, size_t n_in,
               const double *tout, const unsigned char *before, size_t n_out, double *yout,
               ketsim_error *err)
{
    memset(&s->stats, 0, sizeof s->stats);
    s->wall_start_s = s->wall_limit_s > 0 ? monotonic_s() : 0;
    if (n_out == 0)
        return KETSIM_OK;
    for (size_t i = 0; i < n_out; i++)
        if (!(tout[i] >= 0) || (i && tout[i] < tout[i - 1]))
            return KETSIM_FAIL(err, KETSIM_EINPUT, "output times must be ascending and >= 0");
    double t_end = tout[n_out - 1];
    size_t nb = 0, next = 0;
    int rc = make_breaks(s, in, n_in, t_end, &nb, err);
    if (rc)
        return rc;
    double *y = N_VGetArrayPointer(s->y);
    memcpy(y, y0, s->n * sizeof *y);
    for (size_t k = 0; k + 1 < nb && rc == KETSIM_OK; k++) {
        emit_before(s, s->breaks[k], tout, before, n_out, &next, yout);
        apply_inputs(s, in, n_in, s->breaks[k], y);
        rc = run_interval(s, s->breaks[k], s->breaks[k + 1], tout, n_out, &next, yout, err);
    }
    if (rc)
        return rc;
    emit_before(s, t_end, tout, before, n_out, &next, yout);
    apply_inputs(s, in, n_in, t_end, y);
    while (next < n_out)  /* outputs at t_end */
        memcpy(yout + s->n * next++, y, s->n * sizeof *y);
    return KETSIM_OK;
}
