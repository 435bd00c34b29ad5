/* Splitting a trial's subjects between processes.  With MPI support built in
 * (KETSIM_HAVE_MPI) and the program started by an MPI launcher, rank r of K
 * simulates a contiguous share of the items and every rank ends with all
 * results (an all-gather of the fixed-size records), so the analysis that
 * follows is the same computation on the same numbers as in one process.
 * Without MPI support, or while the application has not initialised MPI
 * (ketsim_dist_init in include/ketsim/dist.h), there is one process and none
 * of this calls MPI. */
#ifndef KETSIM_TRIAL_DIST_H
#define KETSIM_TRIAL_DIST_H

#include <stddef.h>
#include "ketsim/error.h"

/* Rank and number of processes (0 and 1 without MPI): ketsim_dist_rank and
 * ketsim_dist_size under the names the trial layer has always used. */
int trial_dist_rank(void);
int trial_dist_size(void);

/* This process's share [lo, hi) of n items. */
void trial_dist_share(size_t n, size_t *lo, size_t *hi);

/* Give every process the records of all n items: buf holds n records of
 * `size` bytes, this process filled its share.  Collective. */
int trial_dist_allgather(void *buf, size_t size, size_t n, ketsim_error *err);

/* Whether any process failed: collective; returns the lowest failing rank's
 * error in *err on every process. */
int trial_dist_any_failed(int rc, ketsim_error *err);

/* The end of a program's run under MPI, called by every rank with its exit
 * status (collective).  A rank that succeeded waits for the others; a rank
 * that failed waits at most wait_s seconds and then aborts the whole job
 * (MPI_Abort), because ranks still working would otherwise wait for it in
 * their next collective for ever.  Nothing without MPI or with one process. */
void trial_dist_end(int status, double wait_s);

#endif
