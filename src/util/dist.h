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

/* Dynamic shares: the items are cut into blocks that the processes take
 * from a counter on rank 0 as they run out of work, so a rank that is
 * slowed (another job on its core, harder subjects) does less instead of
 * holding the others up.  NULL (*q) when there is one process or MPI was
 * started without serialised threads: then trial_dist_share's fixed share
 * applies.  Open and close are collective; next is called by one thread at
 * a time (the caller serialises); gather gives every rank every block's
 * records in buf (size bytes each) and in buf2 (size2 each, may be NULL). */
typedef struct trial_dist_queue trial_dist_queue;
int trial_dist_queue_open(size_t n, trial_dist_queue **q, ketsim_error *err);
int trial_dist_queue_next(trial_dist_queue *q, size_t *lo, size_t *hi);
int trial_dist_queue_gather(trial_dist_queue *q, void *buf, size_t size, void *buf2, size_t size2,
                            ketsim_error *err);
void trial_dist_queue_close(trial_dist_queue *q);
/* A barrier that waits asleep instead of spinning (collective). */
void trial_dist_quiet_barrier(void);

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
