/* Running one trial in several MPI processes.  MPI is process-wide, so the
 * library never starts it: an application that wants `mpirun -np K` to split
 * the subjects calls ketsim_dist_init at the top of main() and
 * ketsim_dist_finalize before it returns (or starts MPI itself).  Until MPI
 * is initialised, and in a build without MPI support, the library behaves as
 * one process of one. */
#ifndef KETSIM_DIST_H
#define KETSIM_DIST_H

#include "ketsim/error.h"

/* Initialise MPI (MPI_THREAD_FUNNELED: worker threads simulate, only the
 * calling thread talks to MPI) when the program was started by an MPI
 * launcher and MPI is not initialised yet; otherwise do nothing.  argc and
 * argv are main()'s, passed on to MPI_Init_thread (either may be NULL).
 * Returns KETSIM_OK, or an error when MPI_Init_thread fails. */
int ketsim_dist_init(int *argc, char ***argv, ketsim_error *err);

/* Finalise MPI if it is initialised and not yet finalised; safe to call
 * when ketsim_dist_init did nothing.  An application that initialised MPI
 * itself finalises it itself instead. */
void ketsim_dist_finalize(void);

/* This process's rank and the number of processes (0 and 1 while MPI is not
 * initialised): under MPI every rank ends a trial with every result, so
 * typically rank 0 alone writes them. */
int ketsim_dist_rank(void);
int ketsim_dist_size(void);

#endif
