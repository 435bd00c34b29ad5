/* Forward sensitivities with CVODES: see fsens.h. */
#include "fsens.h"
#include "model/dosing.h"

#include <cvodes/cvodes.h>
#include <math.h>
#include <nvector/nvector_serial.h>
#include <stdlib.h>
#include <string.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#define RTOL 1e-7
#define MAX_STEPS 500000L

/* ---- parameter names to model fields ---- */

/* Same layout as the model's cascade_fields table. */
typedef cascade_field field_key;


/* Compound fields that the model holds as the parameter times a constant.
 * The molar mass is left out: it also sets the metabolite links' mass ratios. */
#define CMK(k, f) {k, offsetof(model_compound, f)}
static const field_key compound_fields[] = {
    CMK("v1_l", v1), CMK("v2_l", v2), CMK("v3_l", v3), CMK("cl_l_per_h", cl),
    CMK("q2_l_per_h", q2), CMK("q3_l_per_h", q3), CMK("fu_plasma", fu), CMK("kp_brain", kp),
    CMK("kpuu_brain", kpuu), CMK("keo_brain_per_h", keo), CMK("nmda_ki_um", ki),
    CMK("ampa_emax", emax), CMK("ampa_ec50_um", ec50), CMK("ampa_block_ki_um", ampa_block_ki),
    CMK("mtor_inhibition_ic50_um", mtor_ic50), CMK("trkb_block_ki_um", trkb_block_ki),
    CMK("nos_inhibition_ic50_um", nos_ic50),
};

static double *find_in(const field_key *t, size_t n, void *base, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].key, key) == 0)
            return (double *)((char *)base + t[i].off);
    return NULL;
}

/* The model field behind a parameter name, or NULL. */
static double *resolve(ketsim_model *m, const char *name)
{
    double *f = find_in(cascade_fields, cascade_n_fields, &m->cp, name);
    if (f)
        return f;
    const char *dot = strchr(name, '.');
    for (size_t i = 0; dot && i < m->n_compounds; i++) {
        model_compound *c = &m->cmp[i];
        size_t len = strlen(c->name);
        if ((size_t)(dot - name) == len && strncmp(name, c->name, len) == 0)
            return find_in(compound_fields, sizeof compound_fields / sizeof *compound_fields, c, dot + 1);
    }
    return NULL;
}

int fsens_supports(const ketsim_model *m, const char *name)
{
    /* resolve only locates the field; nothing is written through it here */
    return resolve((ketsim_model *)m, name) != NULL;
}

/* ---- the solver ---- */

struct fsens {
    ketsim_model *m;
    size_t n, np;
    double **field;      /* np model fields */
    double *p, *pbar;    /* values CVODES perturbs; their scales */
    double *base;        /* the fields' values at creation */
    double *u;           /* current input rates, per state */
    double *breaks, *work;
    size_t breaks_cap;
    dose_inputs inputs;
    SUNContext ctx;
    void *cv;
    N_Vector y, atol, tmp;
    N_Vector *yS, *tmpS;
    SUNMatrix A;
    SUNLinearSolver LS;
    long steps, rhs_evals;
};

static void silent_errors(int code, const char *module, const char *function, char *msg, void *data)
{
    (void)code, (void)module, (void)function, (void)msg, (void)data;
}

static void set_fields(fsens *f, const double *v)
{
    for (size_t i = 0; i < f->np; i++)
        *f->field[i] = v[i];
}

/* The model with the parameters CVODES asks for (its difference quotients
 * perturb f->p one entry at a time), plus the dosing inputs. */
static int rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *data)
{
    fsens *f = data;
    double *yd = N_VGetArrayPointer(ydot);
    set_fields(f, f->p);
    ketsim_model_rhs(f->m, t, N_VGetArrayPointer(y), yd);
    for (size_t i = 0; i < f->n; i++) {
        yd[i] += f->u[i];
        if (!isfinite(yd[i]))
            return 1; /* recoverable: CVODES retries with a smaller step */
    }
    return 0;
}

void fsens_free(fsens *f)
{
    if (!f)
        return;
    if (f->cv)
        CVodeFree(&f->cv);
    if (f->LS)
        SUNLinSolFree(f->LS);
    if (f->A)
        SUNMatDestroy(f->A);
    if (f->yS)
        N_VDestroyVectorArray(f->yS, (int)f->np);
    if (f->tmpS)
        N_VDestroyVectorArray(f->tmpS, (int)f->np);
    if (f->y)
        N_VDestroy(f->y);
    if (f->atol)
        N_VDestroy(f->atol);
    if (f->tmp)
        N_VDestroy(f->tmp);
    if (f->ctx)
        SUNContext_Free(&f->ctx);
    dose_inputs_free(&f->inputs);
    free(f->field);
    free(f->p);
    free(f->pbar);
    free(f->base);
    free(f->u);
    free(f->breaks);
    free(f->work);
    free(f);
}

static int resolve_all(fsens *f, const char *const *names, ketsim_error *err)
{
    for (size_t i = 0; i < f->np; i++) {
        f->field[i] = resolve(f->m, names[i]);
        if (!f->field[i])
            return KETSIM_FAIL(err, KETSIM_EINPUT,
                               "parameter '%s': forward sensitivities cover cascade and compound PK parameters only",
                               names[i]);
        f->base[i] = f->p[i] = *f->field[i];
        if (f->p[i] == 0)
            return KETSIM_FAIL(err, KETSIM_EINPUT, "parameter '%s' is 0: no sensitivity on the log scale",
                               names[i]);
        f->pbar[i] = fabs(f->p[i]);
    }
    return KETSIM_OK;
}

static int setup_cvodes(fsens *f)
{
    sunindextype n = (sunindextype)f->n;
    if (SUNContext_Create(NULL, &f->ctx))
        return 0;
    f->y = N_VNew_Serial(n, f->ctx);
    f->atol = N_VNew_Serial(n, f->ctx);
    f->tmp = N_VNew_Serial(n, f->ctx);
    f->A = SUNDenseMatrix(n, n, f->ctx);
    if (!f->y || !f->atol || !f->tmp || !f->A)
        return 0;
    f->yS = N_VCloneVectorArray((int)f->np, f->y);
    f->tmpS = N_VCloneVectorArray((int)f->np, f->y);
    f->LS = SUNLinSol_Dense(f->y, f->A, f->ctx);
    f->cv = CVodeCreate(CV_BDF, f->ctx);
    if (!f->yS || !f->tmpS || !f->LS || !f->cv)
        return 0;
    N_VConst(0.0, f->y);
    for (size_t i = 0; i < f->np; i++)
        N_VConst(0.0, f->yS[i]);
    /* Tighter than the plain simulator (1e-6), so that finite differences
     * of the plain simulator are the noisier side of a comparison. */
    ketsim_model_atol(f->m, N_VGetArrayPointer(f->atol));
    N_VScale(0.1, f->atol, f->atol);
    return CVodeInit(f->cv, rhs, 0.0, f->y) == CV_SUCCESS &&
           CVodeSVtolerances(f->cv, RTOL, f->atol) == CV_SUCCESS &&
           CVodeSetUserData(f->cv, f) == CV_SUCCESS &&
           CVodeSetLinearSolver(f->cv, f->LS, f->A) == CV_SUCCESS &&
           CVodeSetMaxNumSteps(f->cv, 50000) == CV_SUCCESS &&
           CVodeSetMaxErrTestFails(f->cv, 20) == CV_SUCCESS &&
           CVodeSetMaxConvFails(f->cv, 50) == CV_SUCCESS &&
           CVodeSetErrHandlerFn(f->cv, silent_errors, NULL) == CV_SUCCESS &&
           CVodeSensInit(f->cv, (int)f->np, CV_STAGGERED, NULL, f->yS) == CV_SUCCESS &&
           CVodeSetSensParams(f->cv, f->p, f->pbar, NULL) == CV_SUCCESS &&
           CVodeSensEEtolerances(f->cv) == CV_SUCCESS &&
           CVodeSetSensErrCon(f->cv, SUNTRUE) == CV_SUCCESS;
}

int fsens_create(ketsim_model *m, const char *const *names, size_t np, fsens **out, ketsim_error *err)
{
    *out = NULL;
    if (np == 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "forward sensitivities need at least one parameter");
    fsens *f = calloc(1, sizeof *f);
    if (!f)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    f->m = m;
    f->n = ketsim_model_n_states(m);
    f->np = np;
    f->field = calloc(np, sizeof *f->field);
    f->p = calloc(np, sizeof *f->p);
    f->pbar = calloc(np, sizeof *f->pbar);
    f->base = calloc(np, sizeof *f->base);
    f->u = calloc(f->n, sizeof *f->u);
    f->work = calloc(4 * f->n + 2 * ketsim_model_n_outputs(m), sizeof *f->work);
    int rc = (f->field && f->p && f->pbar && f->base && f->u && f->work)
                 ? KETSIM_OK
                 : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    if (!rc)
        rc = resolve_all(f, names, err);
    if (!rc && !setup_cvodes(f))
        rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "could not set up the CVODES solver");
    if (rc) {
        fsens_free(f);
        return rc;
    }
    *out = f;
    return KETSIM_OK;
}

/* ---- initial state and its sensitivities ---- */

/* The untreated steady state moves with cascade parameters, so s(0) is not
 * 0: it is the central difference of the closed-form steady state (exact to
 * O(h^2), and cheap).  PK states start at 0 whatever the parameters. */
#define SS_STEP 1e-5

static int initial_state(fsens *f, ketsim_error *err)
{
    double *y = N_VGetArrayPointer(f->y), *up = f->work, *down = f->work + f->n;
    int rc = ketsim_model_steady_state(f->m, y, err);
    for (size_t i = 0; !rc && i < f->np; i++) {
        double v = f->base[i];
        *f->field[i] = v * (1 + SS_STEP);
        rc = ketsim_model_steady_state(f->m, up, err);
        *f->field[i] = v * (1 - SS_STEP);
        if (!rc)
            rc = ketsim_model_steady_state(f->m, down, err);
        *f->field[i] = v;
        double *s = N_VGetArrayPointer(f->yS[i]);
        for (size_t k = 0; !rc && k < f->n; k++)
            s[k] = (up[k] - down[k]) / (2 * SS_STEP * v);
    }
    return rc;
}

/* ---- integration over the dosing breakpoints (as src/sim/solver.c) ---- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorted, unique breakpoints in [0, t_end]: every input start and end. */
static int make_breaks(fsens *f, double t_end, size_t *nb, ketsim_error *err)
{
    const ketsim_input *in = f->inputs.v;
    size_t need = 2 * f->inputs.n + 2, k = 0, u = 0;
    if (need > f->breaks_cap) {
        double *b = realloc(f->breaks, need * sizeof *b);
        if (!b)
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
        f->breaks = b;
        f->breaks_cap = need;
    }
    f->breaks[k++] = 0.0;
    f->breaks[k++] = t_end;
    for (size_t i = 0; i < f->inputs.n; i++) {
        if (in[i].t0 < t_end)
            f->breaks[k++] = in[i].t0;
        if (in[i].t1 < t_end)
            f->breaks[k++] = in[i].t1;
    }
    qsort(f->breaks, k, sizeof *f->breaks, cmp_double);
    for (size_t i = 0; i < k; i++)
        if (u == 0 || f->breaks[i] != f->breaks[u - 1])
            f->breaks[u++] = f->breaks[i];
    *nb = u;
    return KETSIM_OK;
}

/* Boluses due at t are added to the state (their amounts do not depend on
 * the parameters, so the sensitivities jump by nothing); zero-order rates
 * hold until the next breakpoint. */
static void apply_inputs(fsens *f, double t)
{
    const ketsim_input *in = f->inputs.v;
    double *y = N_VGetArrayPointer(f->y);
    memset(f->u, 0, f->n * sizeof *f->u);
    for (size_t i = 0; i < f->inputs.n; i++) {
        if (in[i].t1 == in[i].t0) {
            if (in[i].t0 == t)
                y[in[i].state] += in[i].amount;
        } else if (in[i].t0 <= t && t < in[i].t1) {
            f->u[in[i].state] += in[i].amount / (in[i].t1 - in[i].t0);
        }
    }
}

static int fail_cvodes(int flag, double t, ketsim_error *err)
{
    const char *why = CVodeGetReturnFlagName(flag);
    int rc = KETSIM_FAIL(err, KETSIM_ESOLVER, "sensitivity solver failed at t = %.6g h: %s", t,
                         why ? why : "unknown");
    free((void *)why);
    return rc;
}

/* Copy a state and its sensitivities to output row `row`. */
static void emit(fsens *f, N_Vector y, N_Vector *yS, size_t row, double *yout, double *sout)
{
    memcpy(yout + row * f->n, N_VGetArrayPointer(y), f->n * sizeof *yout);
    for (size_t i = 0; i < f->np; i++)
        memcpy(sout + (row * f->np + i) * f->n, N_VGetArrayPointer(yS[i]), f->n * sizeof *sout);
}

typedef struct out_grid {
    const double *t;
    size_t n, next;
    double *yout, *sout;
} out_grid;

static int step_interval(fsens *f, double a, double b, out_grid *g, ketsim_error *err)
{
    double t = a;
    while (t < b) {
        if (++f->steps > MAX_STEPS)
            return KETSIM_FAIL(err, KETSIM_ESOLVER, "solver exceeded %ld steps by t = %.6g h", MAX_STEPS, t);
        int flag = CVode(f->cv, b, f->y, &t, CV_ONE_STEP);
        if (flag < 0)
            return fail_cvodes(flag, t, err);
        while (g->next < g->n && g->t[g->next] < b && g->t[g->next] <= t) {
            CVodeGetDky(f->cv, g->t[g->next], 0, f->tmp);
            CVodeGetSensDky(f->cv, g->t[g->next], 0, f->tmpS);
            emit(f, f->tmp, f->tmpS, g->next++, g->yout, g->sout);
        }
    }
    /* carry the sensitivities at b into the next interval */
    int flag = CVodeGetSens(f->cv, &t, f->yS);
    return flag == CV_SUCCESS ? KETSIM_OK : fail_cvodes(flag, t, err);
}

/* Integrate [a, b) with the inputs fixed, emitting outputs on the way. */
static int run_interval(fsens *f, double a, double b, out_grid *g, ketsim_error *err)
{
    while (g->next < g->n && g->t[g->next] <= a) /* outputs at a: after the events at a */
        emit(f, f->y, f->yS, g->next++, g->yout, g->sout);
    int flag = CVodeReInit(f->cv, a, f->y);
    if (flag == CV_SUCCESS)
        flag = CVodeSensReInit(f->cv, CV_STAGGERED, f->yS);
    if (flag == CV_SUCCESS)
        flag = CVodeSetStopTime(f->cv, b);
    if (flag != CV_SUCCESS)
        return fail_cvodes(flag, a, err);
    int rc = step_interval(f, a, b, g, err);
    long nfe = 0, nfse = 0;
    CVodeGetNumRhsEvals(f->cv, &nfe); /* counters restart at each re-init */
    CVodeGetNumRhsEvalsSens(f->cv, &nfse);
    f->rhs_evals += nfe + nfse;
    return rc;
}

static int integrate(fsens *f, out_grid *g, ketsim_error *err)
{
    size_t nb = 0;
    double t_end = g->t[g->n - 1];
    int rc = make_breaks(f, t_end, &nb, err);
    if (!rc)
        rc = initial_state(f, err);
    for (size_t k = 0; !rc && k + 1 < nb; k++) {
        apply_inputs(f, f->breaks[k]);
        rc = run_interval(f, f->breaks[k], f->breaks[k + 1], g, err);
    }
    if (rc)
        return rc;
    apply_inputs(f, t_end);
    while (g->next < g->n) /* outputs at t_end */
        emit(f, f->y, f->yS, g->next++, g->yout, g->sout);
    return KETSIM_OK;
}

int fsens_run(fsens *f, const ketsim_regimen *reg, const double *tout, size_t n_out, double *yout,
              double *sout, ketsim_error *err)
{
    f->steps = f->rhs_evals = 0;
    if (n_out == 0)
        return KETSIM_OK;
    for (size_t i = 0; i < n_out; i++)
        if (!(tout[i] >= 0) || (i && tout[i] < tout[i - 1]))
            return KETSIM_FAIL(err, KETSIM_EINPUT, "output times must be ascending and >= 0");
    int rc = dose_inputs_build(f->m, reg, &f->inputs, err);
    if (rc)
        return rc;
    memcpy(f->p, f->base, f->np * sizeof *f->p);
    out_grid g = {tout, n_out, 0, yout, sout};
    rc = integrate(f, &g, err);
    set_fields(f, f->base);
    return rc;
}

void fsens_stats(const fsens *f, long *steps, long *rhs_evals)
{
    if (steps)
        *steps = f->steps;
    if (rhs_evals)
        *rhs_evals = f->rhs_evals;
}

/* ---- outputs ---- */

/* One central difference along the direction (d ln p_i, d y = p_i s_i d ln p_i)
 * gives the chain-rule term and the direct term at once. */
#define OUT_STEP 1e-5

void fsens_outputs(fsens *f, const double *y, const double *s, double *out, double *dout)
{
    size_t no = ketsim_model_n_outputs(f->m);
    double *yp = f->work + 2 * f->n, *ym = f->work + 3 * f->n, *op = f->work + 4 * f->n, *om = op + no;
    set_fields(f, f->base);
    ketsim_model_outputs(f->m, y, out);
    for (size_t i = 0; i < f->np; i++) {
        double v = f->base[i];
        const double *si = s + i * f->n;
        for (size_t k = 0; k < f->n; k++) {
            yp[k] = y[k] + OUT_STEP * v * si[k];
            ym[k] = y[k] - OUT_STEP * v * si[k];
        }
        *f->field[i] = v * exp(OUT_STEP);
        ketsim_model_outputs(f->m, yp, op);
        *f->field[i] = v * exp(-OUT_STEP);
        ketsim_model_outputs(f->m, ym, om);
        *f->field[i] = v;
        for (size_t k = 0; k < no; k++)
            dout[i * no + k] = (op[k] - om[k]) / (2 * OUT_STEP);
    }
}
