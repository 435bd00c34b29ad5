/* The visual predictive check of one output as CSV: one row per time bin
 * with the observed percentiles and the simulated intervals of each
 * (docs/fit.md, "Diagnostics"). */
#include "ketsim/popest.h"
#include "util/atomic.h"

#include <math.h>
#include <stdio.h>

static void put(FILE *fp, double v)
{
    if (isfinite(v))
        fprintf(fp, ",%.8g", v);
    else
        fputs(",.", fp);
}

int ketsim_popest_write_vpc(const char *path, const char *output_name, const ketsim_popest_vpc_bin *b, size_t n,
                            size_t n_rep, ketsim_error *err)
{
    static const char *const pct[3] = {"p05", "p50", "p95"};
    atomic_file af;
    int rc = atomic_open(&af, path, err);
    if (rc)
        return rc;
    fprintf(af.fp, "# visual predictive check of %s: %zu simulated replicates of the design; sim_pXX_lo/med/hi: "
                   "2.5%%, 50%%, 97.5%% over the replicates of the XXth percentile\n",
            output_name, n_rep);
    fputs("output,bin,time_lo_h,time_hi_h,time_mid_h,n_obs,obs_p05,obs_p50,obs_p95", af.fp);
    for (int p = 0; p < 3; p++)
        fprintf(af.fp, ",sim_%s_lo,sim_%s_med,sim_%s_hi", pct[p], pct[p], pct[p]);
    fputc('\n', af.fp);
    for (size_t k = 0; k < n; k++) {
        fprintf(af.fp, "%s,%zu", output_name, k + 1);
        put(af.fp, b[k].t_lo_h);
        put(af.fp, b[k].t_hi_h);
        put(af.fp, b[k].t_mid_h);
        fprintf(af.fp, ",%zu", b[k].n_obs);
        for (int p = 0; p < 3; p++)
            put(af.fp, b[k].obs[p]);
        for (int p = 0; p < 3; p++)
            for (int j = 0; j < 3; j++)
                put(af.fp, b[k].sim[p][j]);
        fputc('\n', af.fp);
    }
    return atomic_commit(&af, err);
}
