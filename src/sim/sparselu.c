#include "sparselu.h"
#include "blockops.h"

#include <stdlib.h>
#include <string.h>
#include <nvector/nvector_serial.h>
#include <sunmatrix/sunmatrix_sparse.h>

typedef struct sparselu {
    size_t n, nnz;
    /* blocks in solve order: block b holds the rows order[start[b] .. start[b+1]) */
    size_t n_blocks, *start, *order;
    size_t *lu_off;     /* block b's factor (k x k, row-major) at vals + lu_off[b] */
    size_t lu_len;      /* sum of k^2: the block part of vals */
    /* vals: the block factors, then the couplings to earlier blocks; the
     * coupling values of the row at solve position q are
     * vals[lu_len + cpl_start[q] .. lu_len + cpl_start[q+1]), their
     * columns cpl_col[cpl_start[q] .. cpl_start[q+1]) */
    double *vals;
    size_t *cpl_start, *cpl_col;
    size_t *dest;       /* matrix entry e (CSC order) goes to vals[dest[e]] */
    size_t *piv;        /* row pivots, packed like order */
    double *rhs, *loc;  /* scratch, n each */
    long last_flag;
} sparselu;

#define CONTENT(S) ((sparselu *)(S)->content)

static SUNLinearSolver_Type slu_type(SUNLinearSolver S)
{
    (void)S;
    return SUNLINEARSOLVER_DIRECT;
}

static SUNLinearSolver_ID slu_id(SUNLinearSolver S)
{
    (void)S;
    return SUNLINEARSOLVER_CUSTOM;
}

static sunindextype slu_last_flag(SUNLinearSolver S) { return (sunindextype)CONTENT(S)->last_flag; }

static int slu_initialize(SUNLinearSolver S)
{
    CONTENT(S)->last_flag = SUNLS_SUCCESS;
    return SUNLS_SUCCESS;
}

/* One pass over the non-zeros puts every value where the factorisation
 * wants it; the blocks are then factored in place.  The blocks are zeroed
 * first because the previous factorisation filled them in. */
static int slu_setup(SUNLinearSolver S, SUNMatrix A)
{
    sparselu *b = CONTENT(S);
    if (SUNMatGetID(A) != SUNMATRIX_SPARSE || (size_t)SM_COLUMNS_S(A) != b->n ||
        (size_t)SM_INDEXPTRS_S(A)[b->n] != b->nnz) {
        b->last_flag = SUNLS_ILL_INPUT;
        return SUNLS_ILL_INPUT;
    }
    const double *data = SM_DATA_S(A);
    double *v = b->vals;
    memset(v, 0, b->lu_len * sizeof *v);
    for (size_t e = 0; e < b->nnz; e++)
        v[b->dest[e]] = data[e];
    for (size_t blk = 0; blk < b->n_blocks; blk++) {
        size_t s = b->start[blk], k = b->start[blk + 1] - s;
        double *a = v + b->lu_off[blk];
        int bad;
        if (k == 1) { /* what block_factor does for one state, without the call */
            b->piv[s] = 0;
            bad = a[0] == 0.0;
        } else {
            bad = block_factor(a, b->piv + s, k);
        }
        if (bad) {
            b->last_flag = (long)(s + (size_t)bad);
            return SUNLS_LUFACT_FAIL;
        }
    }
    b->last_flag = SUNLS_SUCCESS;
    return SUNLS_SUCCESS;
}

static int slu_solve(SUNLinearSolver S, SUNMatrix A, N_Vector x, N_Vector rhs, realtype tol)
{
    (void)A, (void)tol;
    sparselu *b = CONTENT(S);
    double *out = N_VGetArrayPointer(x);
    double *r = b->rhs;
    const double *cpl_val = b->vals + b->lu_len;
    /* x and rhs may be the same vector: read the right-hand side from a copy */
    memcpy(r, N_VGetArrayPointer(rhs), b->n * sizeof *r);
    for (size_t blk = 0; blk < b->n_blocks; blk++) {
        size_t s = b->start[blk], k = b->start[blk + 1] - s;
        if (k == 1) { /* most blocks: one state, solved in place (block_solve's arithmetic) */
            size_t i = b->order[s];
            double val = r[i];
            for (size_t e = b->cpl_start[s]; e < b->cpl_start[s + 1]; e++)
                val -= cpl_val[e] * out[b->cpl_col[e]];
            out[i] = val / b->vals[b->lu_off[blk]];
            continue;
        }
        double *z = b->loc;
        /* move what earlier blocks contribute to the right-hand side */
        for (size_t q = 0; q < k; q++) {
            size_t row = s + q;
            double val = r[b->order[row]];
            for (size_t e = b->cpl_start[row]; e < b->cpl_start[row + 1]; e++)
                val -= cpl_val[e] * out[b->cpl_col[e]];
            z[q] = val;
        }
        block_solve(b->vals + b->lu_off[blk], b->piv + s, k, z);
        for (size_t q = 0; q < k; q++)
            out[b->order[s + q]] = z[q];
    }
    b->last_flag = SUNLS_SUCCESS;
    return SUNLS_SUCCESS;
}

static int slu_space(SUNLinearSolver S, long *lenrw, long *leniw)
{
    sparselu *b = CONTENT(S);
    *lenrw = (long)(b->lu_len + b->nnz + 2 * b->n);
    *leniw = (long)(2 * b->nnz + 5 * b->n);
    return SUNLS_SUCCESS;
}

static void slu_content_free(sparselu *b)
{
    if (!b)
        return;
    free(b->start), free(b->order), free(b->lu_off), free(b->vals), free(b->cpl_start);
    free(b->cpl_col), free(b->dest), free(b->piv), free(b->rhs), free(b->loc);
    free(b);
}

static int slu_free(SUNLinearSolver S)
{
    if (!S)
        return SUNLS_SUCCESS;
    slu_content_free(S->content);
    S->content = NULL;
    SUNLinSolFreeEmpty(S);
    return SUNLS_SUCCESS;
}

/* Index of entry (i, j) in the CSC pattern, or nnz when absent. */
static size_t find_entry(const sunindextype *colptr, const sunindextype *rowval, size_t i, size_t j,
                         size_t nnz)
{
    for (sunindextype e = colptr[j]; e < colptr[j + 1]; e++)
        if ((size_t)rowval[e] == i)
            return (size_t)e;
    return nnz;
}

/* The pattern must be a proper CSC description: ascending column pointers
 * within range, rows ascending and in range, the diagonal present. */
static int pattern_ok(size_t n, const sunindextype *colptr, const sunindextype *rowval)
{
    if (colptr[0] != 0)
        return 0;
    for (size_t j = 0; j < n; j++) {
        int diag = 0;
        if (colptr[j + 1] < colptr[j])
            return 0;
        for (sunindextype e = colptr[j]; e < colptr[j + 1]; e++) {
            if (rowval[e] < 0 || (size_t)rowval[e] >= n || (e > colptr[j] && rowval[e] <= rowval[e - 1]))
                return 0;
            diag |= (size_t)rowval[e] == j;
        }
        if (!diag)
            return 0;
    }
    return 1;
}

typedef struct build_scratch {
    size_t *adj_start, *adj, *block_of, *pos, *fill;
    block_scratch w;
} build_scratch;

static void build_scratch_free(build_scratch *t)
{
    free(t->adj_start), free(t->adj), free(t->block_of), free(t->pos), free(t->fill);
    free(t->w.index), free(t->w.low), free(t->w.stack), free(t->w.call), free(t->w.next), free(t->w.on_stack);
}

/* Everything about the structure, once: blocks, where each entry goes, and
 * the coupling lists by row in ascending column order (the order blocklu.c
 * uses, so that both solvers subtract the same terms in the same order). */
static int build(sparselu *b, const sunindextype *colptr, const sunindextype *rowval, build_scratch *t)
{
    size_t n = b->n, m = n ? n : 1, nnz = b->nnz;
    t->adj_start = calloc(m + 1, sizeof *t->adj_start);
    t->adj = calloc(nnz ? nnz : 1, sizeof *t->adj); /* calloc: GCC cannot see the fill below */
    t->block_of = malloc(m * sizeof *t->block_of);
    t->pos = malloc(m * sizeof *t->pos);
    t->fill = malloc(m * sizeof *t->fill);
    t->w.index = malloc(m * sizeof *t->w.index);
    t->w.low = malloc(m * sizeof *t->w.low);
    t->w.stack = malloc(m * sizeof *t->w.stack);
    t->w.call = malloc(m * sizeof *t->w.call);
    t->w.next = malloc(m * sizeof *t->w.next);
    t->w.on_stack = malloc(m);
    if (!t->adj_start || !t->adj || !t->block_of || !t->pos || !t->fill || !t->w.index || !t->w.low ||
        !t->w.stack || !t->w.call || !t->w.next || !t->w.on_stack)
        return 0;
    /* row i depends on row j when M[i][j] may be non-zero */
    for (size_t j = 0; j < n; j++)
        for (sunindextype e = colptr[j]; e < colptr[j + 1]; e++)
            if ((size_t)rowval[e] != j)
                t->adj_start[rowval[e] + 1]++;
    for (size_t i = 0; i < n; i++)
        t->adj_start[i + 1] += t->adj_start[i];
    memcpy(t->fill, t->adj_start, n * sizeof *t->fill);
    for (size_t j = 0; j < n; j++)
        for (sunindextype e = colptr[j]; e < colptr[j + 1]; e++)
            if ((size_t)rowval[e] != j)
                t->adj[t->fill[rowval[e]]++] = j;
    b->n_blocks = block_find(n, t->adj_start, t->adj, &t->w, b->start, b->order);
    b->lu_len = 0;
    for (size_t blk = 0; blk < b->n_blocks; blk++) {
        size_t s = b->start[blk], k = b->start[blk + 1] - s;
        b->lu_off[blk] = b->lu_len;
        b->lu_len += k * k;
        for (size_t q = 0; q < k; q++) {
            t->block_of[b->order[s + q]] = blk;
            t->pos[b->order[s + q]] = q;
        }
    }
    size_t ncpl = 0;
    for (size_t q = 0; q < n; q++) {
        size_t i = b->order[q];
        b->cpl_start[q] = ncpl;
        for (size_t a = t->adj_start[i]; a < t->adj_start[i + 1]; a++)
            if (t->block_of[t->adj[a]] < t->block_of[i])
                b->cpl_col[ncpl++] = t->adj[a];
    }
    b->cpl_start[n] = ncpl;
    b->vals = malloc((b->lu_len + ncpl + 1) * sizeof *b->vals);
    if (!b->vals)
        return 0;
    /* where each entry goes: its block's factor, or its row's coupling list */
    for (size_t j = 0; j < n; j++)
        for (sunindextype e = colptr[j]; e < colptr[j + 1]; e++) {
            size_t i = (size_t)rowval[e], bi = t->block_of[i], bj = t->block_of[j];
            if (bi == bj) {
                size_t k = b->start[bi + 1] - b->start[bi];
                b->dest[e] = b->lu_off[bi] + t->pos[i] * k + t->pos[j];
            }
        }
    for (size_t q = 0; q < n; q++)
        for (size_t c = b->cpl_start[q]; c < b->cpl_start[q + 1]; c++)
            b->dest[find_entry(colptr, rowval, b->order[q], b->cpl_col[c], nnz)] = b->lu_len + c;
    return 1;
}

int sparselu_create(size_t n, const sunindextype *colptr, const sunindextype *rowval, SUNContext ctx,
                    SUNLinearSolver *out, ketsim_error *err)
{
    *out = NULL;
    if (!pattern_ok(n, colptr, rowval))
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "sparse LU: malformed sparsity pattern");
    sparselu *b = calloc(1, sizeof *b);
    if (!b)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    b->n = n;
    b->nnz = (size_t)colptr[n];
    size_t m = n ? n : 1, mz = b->nnz ? b->nnz : 1;
    b->start = malloc((m + 1) * sizeof *b->start);
    b->order = malloc(m * sizeof *b->order);
    b->lu_off = malloc(m * sizeof *b->lu_off);
    b->cpl_start = malloc((m + 1) * sizeof *b->cpl_start);
    b->cpl_col = malloc(mz * sizeof *b->cpl_col);
    b->dest = malloc(mz * sizeof *b->dest);
    b->piv = malloc(m * sizeof *b->piv);
    b->rhs = malloc(m * sizeof *b->rhs);
    b->loc = malloc(m * sizeof *b->loc);
    build_scratch t = {0};
    int ok = b->start && b->order && b->lu_off && b->cpl_start && b->cpl_col && b->dest && b->piv &&
             b->rhs && b->loc && build(b, colptr, rowval, &t);
    build_scratch_free(&t);
    SUNLinearSolver S = ok ? SUNLinSolNewEmpty(ctx) : NULL;
    if (!S) {
        slu_content_free(b);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    S->content = b;
    S->ops->gettype = slu_type;
    S->ops->getid = slu_id;
    S->ops->initialize = slu_initialize;
    S->ops->setup = slu_setup;
    S->ops->solve = slu_solve;
    S->ops->lastflag = slu_last_flag;
    S->ops->space = slu_space;
    S->ops->free = slu_free;
    *out = S;
    return KETSIM_OK;
}

void sparselu_shape(SUNLinearSolver S, size_t *n_blocks, size_t *largest)
{
    sparselu *b = CONTENT(S);
    *n_blocks = b->n_blocks;
    *largest = 0;
    for (size_t k = 0; k < b->n_blocks; k++)
        if (b->start[k + 1] - b->start[k] > *largest)
            *largest = b->start[k + 1] - b->start[k];
}
