/* Shared pieces of ketsim predict, design and optimize. */
#include "beyond_cli.h"
#include "cli.h"
#include "trial_cli.h"
#include "interrupt.h"

#include <math.h>
#include <string.h>

int beyond_cli_begin(cli_outdirs *out, const char *out_dir, const char *plot_dir, const char *base,
                     ketsim_error *err)
{
    return cli_outdirs_begin(out, out_dir, plot_dir, base, err);
}

int beyond_cli_finish(cli_outdirs *out, const char *base, beyond_writer csv, beyond_writer json, const void *ctx,
                      beyond_plotter plot, const void *plot_ctx, const cli_run_info *info, ketsim_error *err)
{
    char name[64];
    int rc = KETSIM_OK;
    if (cli_outdirs_data_stage(out)) {
        snprintf(name, sizeof name, "%s.csv", base);
        rc = cli_outdirs_write(out, name, csv, ctx, err);
        snprintf(name, sizeof name, "%s.json", base);
        if (!rc)
            rc = cli_outdirs_write(out, name, json, ctx, err);
    }
    if (!rc && cli_outdirs_plot_stage(out)) {
        cli_output_lock();
        rc = plot(plot_ctx, cli_outdirs_plot_stage(out), err);
        cli_output_unlock();
    }
    if (!rc)
        return cli_outdirs_publish(out, info, err);
    cli_outdirs_end(out);
    return rc;
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
