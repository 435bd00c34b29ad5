/* The pieces the two block-triangular Newton solvers share (blocklu.c, on a
 * dense matrix whose blocks are found at every setup, and sparselu.c, on a
 * CSC matrix whose blocks are found once from the sparsity pattern): the
 * strongly connected components of a dependency graph in solve order, and
 * LU with partial pivoting of one small dense block.  Sharing them is what
 * makes the two solvers give bitwise the same answers when they see the
 * same blocks. */
#ifndef KETSIM_BLOCKOPS_H
#define KETSIM_BLOCKOPS_H

#include <stddef.h>

/* Scratch for block_find, n entries each (next: n, on_stack: n bytes). */
typedef struct block_scratch {
    size_t *index, *low, *stack, *call, *next;
    unsigned char *on_stack;
} block_scratch;

/* Row v depends on rows adj[adj_start[v] .. adj_start[v + 1]).  Writes the
 * strongly connected components so that each comes after every component it
 * depends on: block b holds rows order[start[b] .. start[b + 1]), in
 * ascending order inside the block; start has room for n + 1 entries.
 * Returns the number of blocks. */
size_t block_find(size_t n, const size_t *adj_start, const size_t *adj, block_scratch *w, size_t *start,
                  size_t *order);

/* In-place LU with partial pivoting of the k x k row-major block a; piv[c]
 * is the row swapped with row c.  Returns 0, or 1 + the column whose pivot
 * is exactly zero. */
int block_factor(double *a, size_t *piv, size_t k);

/* Solves (the factored block) z = z in place. */
void block_solve(const double *a, const size_t *piv, size_t k, double *z);

#endif
