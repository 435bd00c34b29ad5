#include "blocklu.h"
#include "blockops.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sunmatrix/sunmatrix_dense.h>

typedef struct blocklu {
    size_t n;
    /* blocks in solve order: block b holds the rows order[start[b] .. start[b+1]) */
    size_t n_blocks, *start, *order;
    size_t *block_of;      /* block of each row */
    double *lu;            /* block factors, packed: block b at lu + lu_off[b] */
    size_t *lu_off;
    size_t *piv;           /* row pivots, packed like order */
    /* entries coupling a row to rows of earlier blocks: row order[k] has
     * entries cpl_col/cpl_val[cpl_start[k] .. cpl_start[k+1]) */
    size_t *cpl_start, *cpl_col;
    double *cpl_val;
    double *rhs, *loc;     /* scratch, n each */
    /* off-diagonal non-zeros by row: columns adj[adj_start[i] .. adj_start[i+1]) */
    size_t *adj_start, *adj;
    /* Tarjan scratch */
    size_t *index, *low, *stack, *call, *next_col;
    unsigned char *on_stack;
    long last_flag;
} blocklu;

#define CONTENT(S) ((blocklu *)(S)->content)

static SUNLinearSolver_Type blu_type(SUNLinearSolver S)
{
    (void)S;
    return SUNLINEARSOLVER_DIRECT;
}

static SUNLinearSolver_ID blu_id(SUNLinearSolver S)
{
    (void)S;
    return SUNLINEARSOLVER_CUSTOM;
}

static sunindextype blu_last_flag(SUNLinearSolver S) { return (sunindextype)CONTENT(S)->last_flag; }

static int blu_initialize(SUNLinearSolver S)
{
    CONTENT(S)->last_flag = SUNLS_SUCCESS;
    return SUNLS_SUCCESS;
}

/* Row i depends on row j when M[i][j] != 0 (column-major storage: col[j][i]).
 * One pass over the matrix lists each row's off-diagonal non-zeros. */
static void find_nonzeros(blocklu *b, realtype **col)
{
    size_t n = b->n, nnz = 0;
    size_t *row_of = b->cpl_col; /* scratch until the coupling lists are built */
    size_t *col_end = b->low;    /* scratch until the block search */
    for (size_t i = 0; i <= n; i++)
        b->adj_start[i] = 0;
    for (size_t j = 0; j < n; j++) {
        const realtype *c = col[j];
        for (size_t i = 0; i < n; i++)
            if (c[i] != 0.0 && i != j) {
                row_of[nnz++] = i;
                b->adj_start[i + 1]++;
            }
        col_end[j] = nnz;
    }
    for (size_t i = 0; i < n; i++)
        b->adj_start[i + 1] += b->adj_start[i];
    for (size_t i = 0; i < n; i++)
        b->next_col[i] = b->adj_start[i]; /* fill cursor */
    for (size_t j = 0, e = 0; j < n; j++)
        for (; e < col_end[j]; e++)
            b->adj[b->next_col[row_of[e]]++] = j;
}

static int blu_setup(SUNLinearSolver S, SUNMatrix A)
{
    blocklu *b = CONTENT(S);
    realtype **col = SUNDenseMatrix_Cols(A);
    find_nonzeros(b, col);
    block_scratch w = {b->index, b->low, b->stack, b->call, b->next_col, b->on_stack};
    b->n_blocks = block_find(b->n, b->adj_start, b->adj, &w, b->start, b->order);
    size_t n = b->n, off = 0, ncpl = 0;
    for (size_t blk = 0; blk < b->n_blocks; blk++)
        for (size_t k = b->start[blk]; k < b->start[blk + 1]; k++)
            b->block_of[b->order[k]] = blk;
    for (size_t blk = 0; blk < b->n_blocks; blk++) {
        size_t s = b->start[blk], k = b->start[blk + 1] - s;
        double *a = b->lu + off;
        b->lu_off[blk] = off;
        for (size_t r = 0; r < k; r++) {
            size_t i = b->order[s + r];
            b->cpl_start[s + r] = ncpl;
            for (size_t c = 0; c < k; c++)
                a[r * k + c] = col[b->order[s + c]][i];
            for (size_t e = b->adj_start[i]; e < b->adj_start[i + 1]; e++) {
                size_t j = b->adj[e];
                if (b->block_of[j] < blk) {
                    b->cpl_col[ncpl] = j;
                    b->cpl_val[ncpl++] = col[j][i];
                }
            }
        }
        int bad = block_factor(a, b->piv + s, k);
        if (bad) {
            b->last_flag = (long)(s + (size_t)bad);
            return SUNLS_LUFACT_FAIL;
        }
        off += k * k;
    }
    b->cpl_start[n] = ncpl;
    b->last_flag = SUNLS_SUCCESS;
    return SUNLS_SUCCESS;
}

static int blu_solve(SUNLinearSolver S, SUNMatrix A, N_Vector x, N_Vector rhs, realtype tol)
{
    (void)A, (void)tol;
    blocklu *b = CONTENT(S);
    double *out = N_VGetArrayPointer(x);
    double *r = b->rhs;
    /* x and rhs may be the same vector: read the right-hand side from a copy */
    memcpy(r, N_VGetArrayPointer(rhs), b->n * sizeof *r);
    for (size_t blk = 0; blk < b->n_blocks; blk++) {
        size_t s = b->start[blk], k = b->start[blk + 1] - s;
        const double *a = b->lu + b->lu_off[blk];
        const size_t *piv = b->piv + s;
        double *z = b->loc;
        /* move what earlier blocks contribute to the right-hand side */
        for (size_t q = 0; q < k; q++) {
            size_t row = s + q;
            double v = r[b->order[row]];
            for (size_t e = b->cpl_start[row]; e < b->cpl_start[row + 1]; e++)
                v -= b->cpl_val[e] * out[b->cpl_col[e]];
            z[q] = v;
        }
        block_solve(a, piv, k, z);
        for (size_t q = 0; q < k; q++)
            out[b->order[s + q]] = z[q];
    }
    b->last_flag = SUNLS_SUCCESS;
    return SUNLS_SUCCESS;
}

static int blu_space(SUNLinearSolver S, long *lenrw, long *leniw)
{
    size_t n = CONTENT(S)->n;
    *lenrw = (long)(2 * n * n + 2 * n);
    *leniw = (long)(n * n + 12 * n);
    return SUNLS_SUCCESS;
}

static void blu_content_free(blocklu *b)
{
    if (!b)
        return;
    free(b->start), free(b->order), free(b->block_of), free(b->lu), free(b->lu_off);
    free(b->piv), free(b->cpl_start), free(b->cpl_col), free(b->cpl_val), free(b->rhs), free(b->loc);
    free(b->index), free(b->low), free(b->stack), free(b->call), free(b->next_col), free(b->on_stack);
    free(b->adj_start), free(b->adj);
    free(b);
}

static int blu_free(SUNLinearSolver S)
{
    if (!S)
        return SUNLS_SUCCESS;
    blu_content_free(S->content);
    S->content = NULL;
    SUNLinSolFreeEmpty(S);
    return SUNLS_SUCCESS;
}

SUNLinearSolver blocklu_create(size_t n, SUNContext ctx)
{
    blocklu *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->n = n;
    size_t m = n ? n : 1;
    b->start = malloc((m + 1) * sizeof *b->start);
    b->order = malloc(m * sizeof *b->order);
    b->block_of = malloc(m * sizeof *b->block_of);
    b->lu = malloc(m * m * sizeof *b->lu);
    b->lu_off = malloc(m * sizeof *b->lu_off);
    b->piv = malloc(m * sizeof *b->piv);
    b->cpl_start = malloc((m + 1) * sizeof *b->cpl_start);
    b->cpl_col = malloc(m * m * sizeof *b->cpl_col);
    b->cpl_val = malloc(m * m * sizeof *b->cpl_val);
    b->rhs = malloc(m * sizeof *b->rhs);
    b->loc = malloc(m * sizeof *b->loc);
    b->index = malloc(m * sizeof *b->index);
    b->low = malloc(m * sizeof *b->low);
    b->stack = malloc(m * sizeof *b->stack);
    b->call = malloc(m * sizeof *b->call);
    b->next_col = malloc(m * sizeof *b->next_col);
    b->on_stack = malloc(m);
    b->adj_start = malloc((m + 1) * sizeof *b->adj_start);
    b->adj = malloc(m * m * sizeof *b->adj);
    SUNLinearSolver S = SUNLinSolNewEmpty(ctx);
    if (!S || !b->start || !b->order || !b->block_of || !b->lu || !b->lu_off || !b->piv ||
        !b->cpl_start || !b->cpl_col || !b->cpl_val || !b->rhs || !b->loc || !b->index || !b->low ||
        !b->stack || !b->call || !b->next_col || !b->on_stack || !b->adj_start || !b->adj) {
        if (S)
            SUNLinSolFreeEmpty(S);
        blu_content_free(b);
        return NULL;
    }
    S->content = b;
    S->ops->gettype = blu_type;
    S->ops->getid = blu_id;
    S->ops->initialize = blu_initialize;
    S->ops->setup = blu_setup;
    S->ops->solve = blu_solve;
    S->ops->lastflag = blu_last_flag;
    S->ops->space = blu_space;
    S->ops->free = blu_free;
    return S;
}

void blocklu_shape(SUNLinearSolver S, size_t *n_blocks, size_t *largest)
{
    blocklu *b = CONTENT(S);
    *n_blocks = b->n_blocks;
    *largest = 0;
    for (size_t k = 0; k < b->n_blocks; k++)
        if (b->start[k + 1] - b->start[k] > *largest)
            *largest = b->start[k + 1] - b->start[k];
}
