#include "util/dist.h"
#include "ketsim/dist.h"

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
    /* worker threads simulate; only the main thread talks to MPI */
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
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

void trial_dist_end(int status, double wait_s)
{
    if (trial_dist_size() == 1)
        return;
    MPI_Request req;
    if (MPI_Ibarrier(MPI_COMM_WORLD, &req) != MPI_SUCCESS)
        MPI_Abort(MPI_COMM_WORLD, status ? status : 1);
    if (status == 0) { /* a rank that succeeded waits for the slower ones */
        MPI_Wait(&req, MPI_STATUS_IGNORE);
        return;
    }
    /* A rank that failed: if the others are not here soon, they are still
     * working and will wait for it in a collective that never comes, so the
     * job is stopped instead of hanging. */
    double until = now_s() + wait_s;
    int done = 0;
    while (!done && now_s() < until) {
        MPI_Test(&req, &done, MPI_STATUS_IGNORE);
        if (!done) {
            struct timespec pause = {0, 20 * 1000 * 1000};
            nanosleep(&pause, NULL);
        }
    }
    if (!done)
        MPI_Abort(MPI_COMM_WORLD, status);
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
