/* A direct linear solver for CVODE's Newton matrix M = I - gamma J that
 * exploits the structure of a network of compartments: it permutes M to block
 * lower-triangular form (strongly connected components of the dependency
 * graph of the current M's non-zeros) and factors only the diagonal blocks,
 * with partial pivoting inside each block.
 *
 * The block structure is recomputed from the numbers at every setup, so the
 * solve is exact for whatever matrix CVODE hands over; no sparsity pattern
 * has to be declared or kept in step with the model.  All memory is
 * allocated at creation (n x n at most), none per setup or solve.
 *
 * This is the BLOCK Newton path (solver.h), kept as the reference for the
 * SPARSE one (sparselu.h), which finds the same blocks once from the
 * model's pattern and touches only its non-zeros. */
#ifndef KETSIM_BLOCKLU_H
#define KETSIM_BLOCKLU_H

#include <stddef.h>
#include <sundials/sundials_context.h>
#include <sundials/sundials_linearsolver.h>

/* NULL when out of memory.  Use with a dense SUNMatrix of size n. */
SUNLinearSolver blocklu_create(size_t n, SUNContext ctx);

/* Number of diagonal blocks and size of the largest in the last setup. */
void blocklu_shape(SUNLinearSolver S, size_t *n_blocks, size_t *largest);

#endif
