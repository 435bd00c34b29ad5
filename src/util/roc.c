/* ROC analysis: AUC by ranks, the empirical curve, the Youden cut and a
 * stratified percentile bootstrap of the AUC. */
#include "ketsim/roc.h"
#include "ketsim/rng.h"
#include "ketsim/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct keyed {
    double v;
    size_t i;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *p = a, *q = b;
    if (p->v != q->v)
        return (p->v > q->v) - (p->v < q->v);
    return (p->i > q->i) - (p->i < q->i);
}

static int check_finite(const double *x, size_t n, ketsim_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return KETSIM_FAIL(err, KETSIM_EINPUT, "value %zu is not finite", i);
    return KETSIM_OK;
}

int ketsim_ranks(const double *x, size_t n, double *rank, ketsim_error *err)
{
    if (n == 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "no values to rank");
    int rc = check_finite(x, n, err);
    if (rc)
        return rc;
    keyed *k = malloc(n * sizeof *k);
    if (!k)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        k[i] = (keyed){x[i], i};
    qsort(k, n, sizeof *k, cmp_keyed);
    for (size_t a = 0; a < n;) {
        size_t b = a;
        while (b + 1 < n && k[b + 1].v == k[a].v)
            b++;
        /* tied block a..b shares the mean of ranks a+1..b+1 */
        double r = 0.5 * (double)(a + b) + 1.0;
        for (size_t j = a; j <= b; j++)
            rank[k[j].i] = r;
        a = b + 1;
    }
    free(k);
    return KETSIM_OK;
}

static size_t count_pos(const int *y, size_t n)
{
    size_t p = 0;
    for (size_t i = 0; i < n; i++)
        p += y[i] != 0;
    return p;
}

int ketsim_roc_auc(const double *x, const int *y, size_t n, double *auc, ketsim_error *err)
{
    size_t np = count_pos(y, n), nn = n - np;
    if (np == 0 || nn == 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "AUC needs both outcomes present (%zu positive of %zu)", np, n);
    double *r = malloc(n * sizeof *r);
    if (!r)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    int rc = ketsim_ranks(x, n, r, err);
    if (!rc) {
        /* Mann-Whitney: U = rank sum of positives - np (np + 1) / 2 */
        double s = 0;
        for (size_t i = 0; i < n; i++)
            if (y[i])
                s += r[i];
        *auc = (s - 0.5 * (double)np * ((double)np + 1)) / ((double)np * (double)nn);
    }
    free(r);
    return rc;
}

/* Empirical curve for "positive when d * x >= d * t": thresholds at every
 * distinct value (sorted so that the rule gets more permissive), plus the
 * all-negative start.  Also finds the Youden cut. */
static int roc_curve(const double *x, const int *y, size_t n, int d, ketsim_roc_result *out, ketsim_error *err)
{
    keyed *k = malloc(n * sizeof *k);
    out->curve = malloc((n + 1) * sizeof *out->curve);
    if (!k || !out->curve) {
        free(k);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        k[i] = (keyed){-d * x[i], i}; /* ascending in -d x = most positive first */
    qsort(k, n, sizeof *k, cmp_keyed);
    double np = (double)out->n_pos, nn = (double)(n - out->n_pos);
    size_t tp = 0, fp = 0, m = 0;
    out->curve[m++] = (ketsim_roc_point){d > 0 ? INFINITY : -INFINITY, 0, 1};
    out->youden_j = -1;
    for (size_t a = 0; a < n;) {
        size_t b = a;
        while (b + 1 < n && k[b + 1].v == k[a].v)
            b++;
        for (size_t j = a; j <= b; j++)
            if (y[k[j].i])
                tp++;
            else
                fp++;
        double t = -d * k[a].v, se = (double)tp / np, sp = 1 - (double)fp / nn;
        out->curve[m++] = (ketsim_roc_point){t, se, sp};
        if (se + sp - 1 > out->youden_j + 1e-12 && b + 1 < n) {
            /* cut halfway to the next distinct value: the rule is the same
             * anywhere in between, the midpoint is the symmetric choice */
            out->youden_j = se + sp - 1;
            out->threshold = 0.5 * (t + -d * k[b + 1].v);
            out->sensitivity = se;
            out->specificity = sp;
        }
        a = b + 1;
    }
    out->n_curve = m;
    free(k);
    if (out->youden_j < 0) { /* a single distinct value: no useful cut */
        out->youden_j = 0;
        out->threshold = x[0];
        out->sensitivity = 1;
        out->specificity = 0;
    }
    return KETSIM_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int bootstrap(const double *x, const int *y, size_t n, int n_boot, double level, uint64_t seed,
                     uint64_t stream, ketsim_roc_result *out, ketsim_error *err)
{
    size_t np = out->n_pos, nn = n - np;
    size_t *pos = malloc(np * sizeof *pos), *neg = malloc(nn * sizeof *neg);
    double *bx = malloc(n * sizeof *bx), *aucs = malloc((size_t)n_boot * sizeof *aucs);
    int *by = malloc(n * sizeof *by);
    int rc = KETSIM_OK;
    if (!pos || !neg || !bx || !aucs || !by)
        rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    size_t ip = 0, in = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        if (y[i])
            pos[ip++] = i;
        else
            neg[in++] = i;
    }
    ketsim_rng r;
    ketsim_rng_init(&r, seed, stream, KETSIM_RNG_BOOTSTRAP);
    for (int b = 0; !rc && b < n_boot; b++) {
        /* stratified: keep the case/control counts of the sample */
        for (size_t i = 0; i < np; i++) {
            bx[i] = x[pos[(size_t)(ketsim_rng_uniform(&r) * (double)np)]];
            by[i] = 1;
        }
        for (size_t i = 0; i < nn; i++) {
            bx[np + i] = x[neg[(size_t)(ketsim_rng_uniform(&r) * (double)nn)]];
            by[np + i] = 0;
        }
        double a;
        rc = ketsim_roc_auc(bx, by, n, &a, err);
        aucs[b] = out->direction > 0 ? a : 1 - a;
    }
    if (!rc) {
        qsort(aucs, (size_t)n_boot, sizeof *aucs, cmp_double);
        double probs[2] = {0.5 * (1 - level), 1 - 0.5 * (1 - level)}, q[2];
        rc = ketsim_stats_quantiles(aucs, (size_t)n_boot, probs, 2, q, err);
        out->auc_lo = q[0];
        out->auc_hi = q[1];
    }
    free(pos);
    free(neg);
    free(bx);
    free(aucs);
    free(by);
    return rc;
}

int ketsim_roc_fit(const double *x, const int *y, size_t n, int n_boot, double level, uint64_t seed,
                   uint64_t stream_id, ketsim_roc_result *out, ketsim_error *err)
{
    memset(out, 0, sizeof *out);
    out->auc_lo = out->auc_hi = NAN;
    if (n_boot < 0 || (n_boot > 0 && !(level > 0 && level < 1)))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "bootstrap: need n_boot >= 0 and level in (0,1)");
    int rc = ketsim_roc_auc(x, y, n, &out->auc_raw, err);
    if (rc)
        return rc;
    out->n = n;
    out->n_pos = count_pos(y, n);
    out->direction = out->auc_raw >= 0.5 ? 1 : -1;
    out->auc = out->direction > 0 ? out->auc_raw : 1 - out->auc_raw;
    rc = roc_curve(x, y, n, out->direction, out, err);
    if (!rc && n_boot > 0)
        rc = bootstrap(x, y, n, n_boot, level, seed, stream_id, out, err);
    if (rc)
        ketsim_roc_result_free(out);
    return rc;
}

void ketsim_roc_result_free(ketsim_roc_result *r)
{
    free(r->curve);
    r->curve = NULL;
    r->n_curve = 0;
}

int ketsim_spearman(const double *x, const double *y, size_t n, double *rho, double *p, ketsim_error *err)
{
    if (n < 3)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "Spearman correlation needs n >= 3 (got %zu)", n);
    double *rx = malloc(n * sizeof *rx), *ry = malloc(n * sizeof *ry);
    int rc = (!rx || !ry) ? KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory") : KETSIM_OK;
    if (!rc)
        rc = ketsim_ranks(x, n, rx, err);
    if (!rc)
        rc = ketsim_ranks(y, n, ry, err);
    if (!rc)
        rc = ketsim_stats_pearson(rx, ry, n, rho, p, err);
    free(rx);
    free(ry);
    return rc;
}
