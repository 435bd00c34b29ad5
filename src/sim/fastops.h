/* Compiled replacements for the serial N_Vector and dense SUNMatrix
 * operations that CVODE's step loop spends its time in.  Some builds of
 * SUNDIALS ship these unoptimised; ketsim's copies do the same arithmetic in
 * the same order (each special case of the originals kept), so the numbers
 * are bitwise the same, only faster.  SUNDIALS supports this: operations are
 * a per-object table, and clones inherit it. */
#ifndef KETSIM_FASTOPS_H
#define KETSIM_FASTOPS_H

#include <sundials/sundials_matrix.h>
#include <sundials/sundials_nvector.h>

void fastops_vector(N_Vector v);  /* a serial vector, before CVODE clones it */
void fastops_matrix(SUNMatrix A); /* a dense matrix, before CVODE clones it */

#endif
