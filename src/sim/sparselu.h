/* A direct linear solver for CVODE's Newton matrix M = I - gamma J held in
 * a SUNDIALS sparse (CSC) matrix whose pattern is fixed when the solver is
 * made: the pattern's dependency graph is split once into its strongly
 * connected components (block lower-triangular form, blockops.h), and each
 * setup only scatters the non-zeros into the diagonal blocks and the
 * couplings between blocks and factors the blocks (partial pivoting inside
 * each).  Nothing is searched, rescanned or allocated per setup or solve.
 *
 * The matrices handed to setup must have exactly the pattern given here
 * (same column pointers and row indices); solver.c makes them that way. */
#ifndef KETSIM_SPARSELU_H
#define KETSIM_SPARSELU_H

#include <stddef.h>
#include <sundials/sundials_context.h>
#include <sundials/sundials_linearsolver.h>
#include <sundials/sundials_types.h>
#include "ketsim/error.h"

/* colptr (n + 1) and rowval (colptr[n]) describe the CSC pattern, rows
 * ascending in each column, every diagonal entry present.  Fails with
 * KETSIM_EINTERNAL for a malformed pattern, KETSIM_ENOMEM without memory. */
int sparselu_create(size_t n, const sunindextype *colptr, const sunindextype *rowval, SUNContext ctx,
                    SUNLinearSolver *out, ketsim_error *err);

/* Number of diagonal blocks and size of the largest (fixed at creation). */
void sparselu_shape(SUNLinearSolver S, size_t *n_blocks, size_t *largest);

#endif
