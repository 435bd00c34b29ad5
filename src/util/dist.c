#include "util/dist.h"
#include "ketsim/dist.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef KETSIM_HAVE_MPI
#include <mpi.h>

/* The library takes part in MPI only while the application has it running
 * (ketsim_dist_init or its own MPI_Init): it never starts or stops MPI
 * behind the application's back. */
static int mpi_active(void)
{
    int init = 0, fin = 0;
    MPI_Initialized(&init);
    if (!init)
        return 0;
    MPI_Finalized(&fin);
    return !fin;
}

/* mpirun and the other launchers export these; a plain run never pays for
 * MPI_Init (and does not need an MPI runtime that works). */
static int launched_by_mpi(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") || getenv("PMIX_RANK");
}

int ketsim_dist_init(int *argc, char ***argv, ketsim_error *err)
{
    int init = 0;
    MPI_Initialized(&init);
    if (init || !launched_by_mpi())
        return KETSIM_OK;
    /* Worker threads simulate; whichever of them runs out of work asks
     * rank 0's counter for more, one thread at a time (under the trial's
     * lock): serialised calls from any thread.  With less, trials fall
     * back to a fixed share per rank (trial_dist_queue_open). */
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS)
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "MPI_Init_thread failed");
    return KETSIM_OK;
}

void ketsim_dist_finalize(void)
{
    if (mpi_active())
        MPI_Finalize();
}

int ketsim_dist_rank(void)
{
    int r = 0;
    if (mpi_active())
        MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int ketsim_dist_size(void)
{
    int k = 1;
    if (mpi_active())
        MPI_Comm_size(MPI_COMM_WORLD, &k);
    return k;
}

/* Item range of rank r: contiguous, sizes differ by at most one. */
static void share_of(size_t n, int r, int k, size_t *lo, size_t *hi)
{
    *lo = n * (size_t)r / (size_t)k;
    *hi = n * (size_t)(r + 1) / (size_t)k;
}

int trial_dist_allgather(void *buf, size_t size, size_t n, ketsim_error *err)
{
    int k = trial_dist_size();
    if (k == 1)
        return KETSIM_OK;
    int *counts = malloc((size_t)k * sizeof *counts), *displs = malloc((size_t)k * sizeof *displs);
    if (!counts || !displs) {
        free(counts), free(displs);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    int rc = KETSIM_OK;
    for (int r = 0; r < k; r++) {
        size_t lo, hi;
        share_of(n, r, k, &lo, &hi);
        if ((hi - lo) * size > 0x7fffffffUL || lo * size > 0x7fffffffUL)
            rc = KETSIM_FAIL(err, KETSIM_EINPUT, "too many subjects for one MPI exchange");
        counts[r] = (int)((hi - lo) * size);
        displs[r] = (int)(lo * size);
    }
    if (!rc && MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, buf, counts, displs, MPI_BYTE,
                              MPI_COMM_WORLD) != MPI_SUCCESS)
        rc = KETSIM_FAIL(err, KETSIM_EINTERNAL, "MPI_Allgatherv failed");
    free(counts);
    free(displs);
    return rc;
}

int trial_dist_any_failed(int rc, ketsim_error *err)
{
    int k = trial_dist_size();
    if (k == 1)
        return rc;
    int me = trial_dist_rank(), mine = rc ? me : k, first = k;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (first == k)
        return KETSIM_OK;
    /* the failing rank's message goes to everyone, so every rank reports the same */
    MPI_Bcast(err, (int)sizeof *err, MPI_BYTE, first, MPI_COMM_WORLD);
    return err->code ? err->code : KETSIM_EINTERNAL;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Wait for a request until it completes or the monotonic clock reaches
 * `until`, napping between tests: Open MPI's blocking waits spin at full
 * speed, taking a core from whatever else runs there for as long as the
 * slowest rank needs.  Returns whether it completed. */
static int wait_asleep(MPI_Request *req, double until)
{
    int done = 0;
    for (;;) {
        MPI_Test(req, &done, MPI_STATUS_IGNORE);
        if (done || now_s() >= until)
            return done;
        struct timespec pause = {0, 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

void trial_dist_end(int status, double wait_s)
{
    if (trial_dist_size() == 1)
        return;
    MPI_Request req;
    if (MPI_Ibarrier(MPI_COMM_WORLD, &req) != MPI_SUCCESS)
        MPI_Abort(MPI_COMM_WORLD, status ? status : 1);
    /* A rank that succeeded waits for the slower ones.  A rank that failed:
     * if the others are not here soon, they are still working and will wait
     * for it in a collective that never comes, so the job is stopped
     * instead of hanging. */
    if (!wait_asleep(&req, status == 0 ? INFINITY : now_s() + wait_s))
        MPI_Abort(MPI_COMM_WORLD, status);
}

/* ---- Dynamic shares: blocks of items from a counter on rank 0 ---------- */

struct trial_dist_queue {
    MPI_Win win;
    uint64_t *counter;     /* rank 0's: the next block to hand out */
    size_t n, block, n_blocks;
    size_t *taken;         /* blocks this rank took, in order */
    size_t n_taken;
};

int trial_dist_queue_open(size_t n, trial_dist_queue **out, ketsim_error *err)
{
    *out = NULL;
    int k = trial_dist_size(), level = MPI_THREAD_SINGLE;
    if (k == 1)
        return KETSIM_OK;
    MPI_Query_thread(&level);
    if (level < MPI_THREAD_SERIALIZED)
        return KETSIM_OK; /* collective decision: every rank has the same level */
    /* about 32 blocks per rank: small enough that the ranks finish within
     * a block of each other, large enough that asking costs nothing */
    size_t block = n / ((size_t)k * 32);
    block = block < 1 ? 1 : block > 256 ? 256 : block;
    trial_dist_queue *q = calloc(1, sizeof *q);
    if (q) {
        q->n = n;
        q->block = block;
        q->n_blocks = (n + block - 1) / block;
        q->taken = malloc((q->n_blocks + 1) * sizeof *q->taken);
    }
    int me = trial_dist_rank();
    int ok = q && q->taken;
    int all_ok = 0;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!all_ok) {
        if (q)
            free(q->taken);
        free(q);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    if (MPI_Win_allocate(me == 0 ? (MPI_Aint)sizeof(uint64_t) : 0, (int)sizeof(uint64_t), MPI_INFO_NULL,
                         MPI_COMM_WORLD, &q->counter, &q->win) != MPI_SUCCESS) {
        free(q->taken);
        free(q);
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "MPI_Win_allocate failed");
    }
    if (me == 0)
        *q->counter = 0;
    MPI_Barrier(MPI_COMM_WORLD); /* the counter is zero before anyone asks */
    MPI_Win_lock_all(MPI_MODE_NOCHECK, q->win);
    *out = q;
    return KETSIM_OK;
}

int trial_dist_queue_next(trial_dist_queue *q, size_t *lo, size_t *hi)
{
    uint64_t one = 1, got = 0;
    MPI_Fetch_and_op(&one, &got, MPI_UINT64_T, 0, 0, MPI_SUM, q->win);
    MPI_Win_flush(0, q->win);
    if (got >= q->n_blocks)
        return 0;
    q->taken[q->n_taken++] = (size_t)got;
    *lo = (size_t)got * q->block;
    *hi = *lo + q->block < q->n ? *lo + q->block : q->n;
    return 1;
}

/* Rank r's blocks to every rank, a run of consecutive blocks at a time,
 * into place in both arrays (no second copy of the records is needed). */
static int bcast_blocks(trial_dist_queue *q, int r, void *buf, size_t size, void *buf2, size_t size2)
{
    unsigned long long nt = q->n_taken;
    MPI_Bcast(&nt, 1, MPI_UNSIGNED_LONG_LONG, r, MPI_COMM_WORLD);
    size_t *ids = trial_dist_rank() == r ? q->taken : malloc((nt + 1) * sizeof *ids);
    int ok = ids != NULL, all_ok = 0;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!all_ok) {
        if (ids != q->taken)
            free(ids);
        return 0;
    }
    MPI_Bcast(ids, (int)nt, sizeof(size_t) == 8 ? MPI_UINT64_T : MPI_UINT32_T, r, MPI_COMM_WORLD);
    for (size_t i = 0; i < nt;) {
        size_t j = i + 1;
        while (j < nt && ids[j] == ids[j - 1] + 1 && j - i < 4096)
            j++;
        size_t lo = ids[i] * q->block, hi = ids[j - 1] * q->block + q->block;
        if (hi > q->n)
            hi = q->n;
        MPI_Bcast((char *)buf + lo * size, (int)((hi - lo) * size), MPI_BYTE, r, MPI_COMM_WORLD);
        if (buf2)
            MPI_Bcast((char *)buf2 + lo * size2, (int)((hi - lo) * size2), MPI_BYTE, r, MPI_COMM_WORLD);
        i = j;
    }
    if (ids != q->taken)
        free(ids);
    return 1;
}

int trial_dist_queue_gather(trial_dist_queue *q, void *buf, size_t size, void *buf2, size_t size2,
                            ketsim_error *err)
{
    if ((size_t)4096 * q->block * (size > size2 ? size : size2) > 0x7fffffffUL)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "records too large for one MPI exchange");
    for (int r = 0; r < trial_dist_size(); r++)
        if (!bcast_blocks(q, r, buf, size, buf2, size2))
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    return KETSIM_OK;
}

void trial_dist_queue_close(trial_dist_queue *q)
{
    if (!q)
        return;
    MPI_Win_unlock_all(q->win);
    MPI_Win_free(&q->win);
    free(q->taken);
    free(q);
}

/* A barrier that waits asleep (wait_asleep). */
void trial_dist_quiet_barrier(void)
{
    if (trial_dist_size() == 1)
        return;
    MPI_Request req;
    if (MPI_Ibarrier(MPI_COMM_WORLD, &req) == MPI_SUCCESS)
        wait_asleep(&req, INFINITY);
}

#else

void trial_dist_end(int status, double wait_s)
{
    (void)status, (void)wait_s;
}

int ketsim_dist_init(int *argc, char ***argv, ketsim_error *err)
{
    (void)argc, (void)argv, (void)err;
    return KETSIM_OK;
}

void ketsim_dist_finalize(void) {}
int ketsim_dist_rank(void) { return 0; }
int ketsim_dist_size(void) { return 1; }

int trial_dist_allgather(void *buf, size_t size, size_t n, ketsim_error *err)
{
    (void)buf, (void)size, (void)n, (void)err;
    return KETSIM_OK;
}

int trial_dist_any_failed(int rc, ketsim_error *err)
{
    (void)err;
    return rc;
}

int trial_dist_queue_open(size_t n, trial_dist_queue **out, ketsim_error *err)
{
    (void)n, (void)err;
    *out = NULL;
    return KETSIM_OK;
}

int trial_dist_queue_next(trial_dist_queue *q, size_t *lo, size_t *hi)
{
    (void)q, (void)lo, (void)hi;
    return 0;
}

int trial_dist_queue_gather(trial_dist_queue *q, void *buf, size_t size, void *buf2, size_t size2,
                            ketsim_error *err)
{
    (void)q, (void)buf, (void)size, (void)buf2, (void)size2, (void)err;
    return KETSIM_OK;
}

void trial_dist_queue_close(trial_dist_queue *q) { (void)q; }
void trial_dist_quiet_barrier(void) {}

#endif

int trial_dist_rank(void) { return ketsim_dist_rank(); }
int trial_dist_size(void) { return ketsim_dist_size(); }

void trial_dist_share(size_t n, size_t *lo, size_t *hi)
{
#ifdef KETSIM_HAVE_MPI
    share_of(n, trial_dist_rank(), trial_dist_size(), lo, hi);
#else
    *lo = 0;
    *hi = n;
#endif
}
