/* Shared pieces of ketsim predict, design and optimize. */
#include "beyond_cli.h"
#include "cli.h"
#include "trial_cli.h"
#include "util/atomic.h"

#include <math.h>
#include <string.h>

int beyond_cli_write(const char *dir, const char *base, beyond_writer csv, beyond_writer json, const void *ctx,
                     ketsim_error *err)
{
    int rc = trial_cli_mkdir(dir, err);
    if (rc)
        return rc;
    char p1[4096], p2[4096];
    snprintf(p1, sizeof p1, "%s/%s.csv", dir, base);
    snprintf(p2, sizeof p2, "%s/%s.json", dir, base);
    atomic_file a, b;
    if ((rc = atomic_open(&a, p1, err)))
        return rc;
    if ((rc = atomic_open(&b, p2, err))) {
        atomic_abort(&a);
        return rc;
    }
    if ((rc = csv(a.fp, ctx, err)) || (rc = json(b.fp, ctx, err))) {
        atomic_abort(&a);
        atomic_abort(&b);
        return rc;
    }
    if ((rc = atomic_commit(&a, err))) {
        atomic_abort(&b);
        return rc;
    }
    return atomic_commit(&b, err);
}

int beyond_cli_count(const char *s, long lo, long hi, long *out)
{
    double v;
    if (cli_parse_double(s, &v) || v != floor(v) || v < (double)lo || v > (double)hi)
        return -1;
    *out = (long)v;
    return 0;
}

int beyond_cli_params(char **sets, size_t n_sets, ketsim_params **out, ketsim_error *err)
{
    int rc = ketsim_params_create(KETSIM_HUMAN, out, err);
    for (size_t i = 0; !rc && i < n_sets; i++) {
        rc = ketsim_params_set_assignment(*out, sets[i], err);
        if (rc)
            ketsim_error_prefix(err, "--set: ");
    }
    if (rc) {
        ketsim_params_free(*out);
        *out = NULL;
    }
    return rc;
}
