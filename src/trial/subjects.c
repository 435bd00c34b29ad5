/* Storage for a trial's subject records: the fixed part of each record in
 * an array, and its ratings in a block of their own, sized to the scenario,
 * right behind the array in the same allocation.  One free() releases both,
 * and blocks are contiguous with one stride, so a process can send all of
 * them at once (src/trial/run.c gathers them under MPI) and point the
 * received records at them again (trial_subjects_rebind). */
#include "ketsim/trial.h"
#include "trial/subjects_impl.h"

#include <stdlib.h>
#include <string.h>

/* Ratings per record: doubles first (alignment), then ints, then the
 * failure text; the stride is a multiple of a double. */
static size_t n_ratings(const ketsim_trial_scenario *sc)
{
    return (size_t)ketsim_trial_n_periods(sc) * sc->n_visits + ketsim_trial_n_followup(sc);
}

size_t trial_subjects_stride(const ketsim_trial_scenario *sc, int with_reasons)
{
    size_t nr = n_ratings(sc);
    size_t bytes = (nr + sc->n_omega) * sizeof(double) + nr * sizeof(int) +
                   (with_reasons ? KETSIM_TRIAL_FAIL_REASON : 0);
    return (bytes + sizeof(double) - 1) / sizeof(double) * sizeof(double);
}

static void bind_one(const ketsim_trial_scenario *sc, ketsim_trial_subject_result *s, unsigned char *block,
                     int with_reasons)
{
    size_t nv = sc->n_visits, nfu = ketsim_trial_n_followup(sc), nr = n_ratings(sc);
    int np = ketsim_trial_n_periods(sc);
    double *d = (double *)(void *)block;
    int *r = (int *)(void *)(d + nr + sc->n_omega);
    s->block = block;
    for (int p = 0; p < 2; p++) {
        s->madrs_true[p] = p < np && nv ? d + (size_t)p * nv : NULL;
        s->madrs_rated[p] = p < np && nv ? r + (size_t)p * nv : NULL;
    }
    s->fu_true = nfu ? d + (size_t)np * nv : NULL;
    s->fu_rated = nfu ? r + (size_t)np * nv : NULL;
    s->eta = sc->n_omega ? d + nr : NULL;
    s->fail_reason = with_reasons ? (char *)(r + nr) : NULL;
}

void trial_subjects_rebind(const ketsim_trial_scenario *sc, ketsim_trial_subject_result *s, size_t n,
                           unsigned char *base, int with_reasons)
{
    size_t stride = trial_subjects_stride(sc, with_reasons);
    for (size_t i = 0; i < n; i++)
        bind_one(sc, &s[i], base + i * stride, with_reasons);
}

ketsim_trial_subject_result *ketsim_trial_subjects_alloc(const ketsim_trial_scenario *sc, size_t n, int with_reasons)
{
    size_t stride = trial_subjects_stride(sc, with_reasons);
    if (n == 0)
        n = 1; /* a valid block for an empty run, as calloc(0) need not be */
    if (n > ((size_t)-1 / 2) / (sizeof(ketsim_trial_subject_result) + stride))
        return NULL;
    ketsim_trial_subject_result *s = calloc(n, sizeof *s + stride);
    if (s)
        trial_subjects_rebind(sc, s, n, (unsigned char *)(s + n), with_reasons);
    return s;
}

void ketsim_trial_subjects_free(ketsim_trial_subject_result *s)
{
    free(s);
}

/* The fixed part by assignment, keeping the record's own pointers. */
static void copy_fixed(ketsim_trial_subject_result *dst, const ketsim_trial_subject_result *src)
{
    ketsim_trial_subject_result keep = *dst;
    *dst = *src;
    memcpy(dst->madrs_true, keep.madrs_true, sizeof dst->madrs_true);
    memcpy(dst->madrs_rated, keep.madrs_rated, sizeof dst->madrs_rated);
    dst->fu_true = keep.fu_true;
    dst->fu_rated = keep.fu_rated;
    dst->eta = keep.eta;
    dst->fail_reason = keep.fail_reason;
    dst->block = keep.block;
}

static void copy_array(void *dst, const void *src, size_t bytes)
{
    if (dst && src && bytes)
        memcpy(dst, src, bytes);
}

void ketsim_trial_subjects_copy(const ketsim_trial_scenario *sc, ketsim_trial_subject_result *dst,
                                const ketsim_trial_subject_result *src, size_t n)
{
    size_t nv = sc->n_visits, nfu = ketsim_trial_n_followup(sc);
    for (size_t i = 0; i < n; i++) {
        copy_fixed(&dst[i], &src[i]);
        for (int p = 0; p < 2; p++) {
            copy_array(dst[i].madrs_true[p], src[i].madrs_true[p], nv * sizeof(double));
            copy_array(dst[i].madrs_rated[p], src[i].madrs_rated[p], nv * sizeof(int));
        }
        copy_array(dst[i].fu_true, src[i].fu_true, nfu * sizeof(double));
        copy_array(dst[i].fu_rated, src[i].fu_rated, nfu * sizeof(int));
        copy_array(dst[i].eta, src[i].eta, sc->n_omega * sizeof(double));
        if (dst[i].fail_reason)
            strcpy(dst[i].fail_reason, src[i].fail_reason ? src[i].fail_reason : "");
    }
}

void ketsim_trial_subject_clear(const ketsim_trial_scenario *sc, ketsim_trial_subject_result *s)
{
    unsigned char *block = s->block;
    int with_reasons = s->fail_reason != NULL;
    memset(s, 0, sizeof *s);
    memset(block, 0, trial_subjects_stride(sc, with_reasons));
    bind_one(sc, s, block, with_reasons);
}
