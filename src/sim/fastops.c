#include "fastops.h"

#include <math.h>
#include <nvector/nvector_serial.h>
#include <sunmatrix/sunmatrix_dense.h>

#define LEN(v) ((size_t)NV_LENGTH_S(v))
#define DATA(v) NV_DATA_S(v)

/* z = a x + b y, with the special cases of N_VLinearSum_Serial (they round
 * differently from the general formula, e.g. a (x + y) when a == b). */
static void lin_sum(realtype a, N_Vector X, realtype b, N_Vector Y, N_Vector Z)
{
    size_t n = LEN(X);
    realtype *x = DATA(X), *y = DATA(Y), *z = DATA(Z);
    if (b == 1.0 && Z == Y) {
        if (a == 1.0)
            for (size_t i = 0; i < n; i++) y[i] += x[i];
        else if (a == -1.0)
            for (size_t i = 0; i < n; i++) y[i] -= x[i];
        else
            for (size_t i = 0; i < n; i++) y[i] += a * x[i];
        return;
    }
    if (a == 1.0 && Z == X) {
        lin_sum(b, Y, 1.0, X, X);
        return;
    }
    if (a == 1.0 && b == 1.0) {
        for (size_t i = 0; i < n; i++) z[i] = x[i] + y[i];
        return;
    }
    if ((a == 1.0 && b == -1.0) || (a == -1.0 && b == 1.0)) {
        const realtype *p = a == 1.0 ? x : y, *m = a == 1.0 ? y : x;
        for (size_t i = 0; i < n; i++) z[i] = p[i] - m[i];
        return;
    }
    if (a == 1.0 || b == 1.0) {
        realtype c = a == 1.0 ? b : a;
        const realtype *v1 = a == 1.0 ? y : x, *v2 = a == 1.0 ? x : y;
        for (size_t i = 0; i < n; i++) z[i] = c * v1[i] + v2[i];
        return;
    }
    if (a == -1.0 || b == -1.0) {
        realtype c = a == -1.0 ? b : a;
        const realtype *v1 = a == -1.0 ? y : x, *v2 = a == -1.0 ? x : y;
        for (size_t i = 0; i < n; i++) z[i] = c * v1[i] - v2[i];
        return;
    }
    if (a == b) {
        for (size_t i = 0; i < n; i++) z[i] = a * (x[i] + y[i]);
        return;
    }
    if (a == -b) {
        for (size_t i = 0; i < n; i++) z[i] = a * (x[i] - y[i]);
        return;
    }
    for (size_t i = 0; i < n; i++) z[i] = a * x[i] + b * y[i];
}

static void v_scale(realtype c, N_Vector X, N_Vector Z)
{
    size_t n = LEN(X);
    realtype *x = DATA(X), *z = DATA(Z);
    if (Z == X)
        for (size_t i = 0; i < n; i++) x[i] *= c;
    else if (c == 1.0)
        for (size_t i = 0; i < n; i++) z[i] = x[i];
    else if (c == -1.0)
        for (size_t i = 0; i < n; i++) z[i] = -x[i];
    else
        for (size_t i = 0; i < n; i++) z[i] = c * x[i];
}

static void v_const(realtype c, N_Vector Z)
{
    realtype *z = DATA(Z);
    for (size_t i = 0, n = LEN(Z); i < n; i++) z[i] = c;
}

static void v_prod(N_Vector X, N_Vector Y, N_Vector Z)
{
    realtype *x = DATA(X), *y = DATA(Y), *z = DATA(Z);
    for (size_t i = 0, n = LEN(X); i < n; i++) z[i] = x[i] * y[i];
}

static void v_abs(N_Vector X, N_Vector Z)
{
    realtype *x = DATA(X), *z = DATA(Z);
    for (size_t i = 0, n = LEN(X); i < n; i++) z[i] = fabs(x[i]);
}

static void v_inv(N_Vector X, N_Vector Z)
{
    realtype *x = DATA(X), *z = DATA(Z);
    for (size_t i = 0, n = LEN(X); i < n; i++) z[i] = 1.0 / x[i];
}

static realtype v_wsqrsum(N_Vector X, N_Vector W)
{
    realtype *x = DATA(X), *w = DATA(W), sum = 0.0;
    for (size_t i = 0, n = LEN(X); i < n; i++) {
        realtype p = x[i] * w[i];
        sum += p * p;
    }
    return sum;
}

static realtype v_wrmsnorm(N_Vector X, N_Vector W)
{
    realtype s = v_wsqrsum(X, W) / (realtype)NV_LENGTH_S(X);
    return s <= 0.0 ? 0.0 : sqrt(s);
}

static realtype v_min(N_Vector X)
{
    realtype *x = DATA(X), m = x[0];
    for (size_t i = 1, n = LEN(X); i < n; i++)
        if (x[i] < m)
            m = x[i];
    return m;
}

/* z = sum c[k] X[k], as SUNDIALS' fallback does it: z = c[0] X[0], then
 * z += c[k] X[k] one vector at a time (the same roundings, also when z is
 * one of the X), without the per-call dispatch. */
static int v_linear_combination(int nvec, realtype *c, N_Vector *X, N_Vector Z)
{
    v_scale(c[0], X[0], Z);
    realtype *z = DATA(Z);
    size_t n = LEN(Z);
    for (int k = 1; k < nvec; k++) {
        const realtype *x = DATA(X[k]);
        realtype a = c[k];
        if (a == 1.0)
            for (size_t i = 0; i < n; i++) z[i] += x[i];
        else if (a == -1.0)
            for (size_t i = 0; i < n; i++) z[i] -= x[i];
        else
            for (size_t i = 0; i < n; i++) z[i] += a * x[i];
    }
    return 0;
}

void fastops_vector(N_Vector v)
{
    v->ops->nvlinearsum = lin_sum;
    v->ops->nvscale = v_scale;
    v->ops->nvconst = v_const;
    v->ops->nvprod = v_prod;
    v->ops->nvabs = v_abs;
    v->ops->nvinv = v_inv;
    v->ops->nvwsqrsumlocal = v_wsqrsum;
    v->ops->nvwrmsnorm = v_wrmsnorm;
    v->ops->nvmin = v_min;
    v->ops->nvlinearcombination = v_linear_combination;
}

static int m_copy(SUNMatrix A, SUNMatrix B)
{
    size_t rows = (size_t)SM_ROWS_D(A), cols = (size_t)SM_COLUMNS_D(A);
    if ((size_t)SM_ROWS_D(B) != rows || (size_t)SM_COLUMNS_D(B) != cols)
        return SUNMAT_ILL_INPUT;
    const realtype *a = SM_DATA_D(A);
    realtype *b = SM_DATA_D(B);
    for (size_t k = 0; k < rows * cols; k++)
        b[k] = a[k];
    return SUNMAT_SUCCESS;
}

/* A = c A + I */
static int m_scale_add_i(realtype c, SUNMatrix A)
{
    size_t rows = (size_t)SM_ROWS_D(A), cols = (size_t)SM_COLUMNS_D(A);
    for (size_t j = 0; j < cols; j++) {
        realtype *col = SM_COLUMN_D(A, j);
        for (size_t i = 0; i < rows; i++)
            col[i] *= c;
        if (j < rows)
            col[j] += 1.0;
    }
    return SUNMAT_SUCCESS;
}

static int m_zero(SUNMatrix A)
{
    realtype *a = SM_DATA_D(A);
    for (size_t k = 0, n = (size_t)SM_LDATA_D(A); k < n; k++)
        a[k] = 0.0;
    return SUNMAT_SUCCESS;
}

static SUNMatrix m_clone(SUNMatrix A)
{
    SUNMatrix B = SUNMatClone_Dense(A);
    if (B)
        fastops_matrix(B);
    return B;
}

void fastops_matrix(SUNMatrix A)
{
    A->ops->copy = m_copy;
    A->ops->scaleaddi = m_scale_add_i;
    A->ops->zero = m_zero;
    A->ops->clone = m_clone;
}
