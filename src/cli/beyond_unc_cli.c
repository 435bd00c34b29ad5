/* Parameter uncertainty for predict, design and optimize (beyond_unc_cli.h):
 * the trial's reading and drawing of a fit's covariance step, reused. */
#include "beyond_unc_cli.h"
#include "beyond_cli.h"
#include "cli.h"
#include "interrupt.h"
#include "ketsim/formats.h"
#include "ketsim/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void beyond_unc_init(beyond_unc *bu)
{
    memset(bu, 0, sizeof *bu);
    bu->draws = BEYOND_UNC_DEFAULT_DRAWS;
}

int beyond_unc_option(beyond_unc *bu, int c, const char *arg, const char *cmd)
{
    if (c == BEYOND_UNC_OPT_FILE) {
        bu->file = arg;
        return 1;
    }
    if (c != BEYOND_UNC_OPT_DRAWS)
        return 0;
    if (beyond_cli_count(arg, 2, 1000, &bu->draws)) {
        cli_usage(cmd, "--uncertainty-draws '%s': expected an integer between 2 and 1000", arg);
        return 2;
    }
    return 1;
}

int beyond_unc_prepare(beyond_unc *bu, uint64_t seed, ketsim_error *err)
{
    if (!bu->file)
        return KETSIM_OK;
    bu->u = malloc(sizeof *bu->u);
    bu->q_val = calloc((size_t)bu->draws * BEYOND_UNC_MAX_Q, sizeof *bu->q_val);
    if (!bu->u || !bu->q_val)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    ketsim_params *p = NULL;
    int rc = ketsim_trial_uncertainty_load(bu->file, bu->u, err);
    if (!rc)
        rc = ketsim_trial_uncertainty_draw(bu->u, seed, (int)bu->draws, &bu->rp, err);
    if (!rc)
        snprintf(bu->rp.file, sizeof bu->rp.file, "%s", bu->file);
    /* names and ranges now, so a bad file leaves no output behind */
    if (!rc)
        rc = ketsim_params_create(KETSIM_HUMAN, &p, err);
    if (!rc)
        rc = ketsim_trial_rep_params_check(&bu->rp, p, (int)bu->draws, err);
    ketsim_params_free(p);
    if (rc)
        ketsim_error_prefix(err, "--uncertainty: ");
    return rc;
}

int beyond_unc_apply(const beyond_unc *bu, ketsim_params *p, long draw, ketsim_error *err)
{
    if (!bu->file)
        return KETSIM_OK;
    int rc = KETSIM_OK;
    for (size_t j = 0; j < bu->u->n && !rc; j++) {
        double v = draw < 0 ? bu->u->estimate[j] : bu->rp.value[(size_t)draw * bu->rp.n_params + j];
        rc = ketsim_params_set(p, bu->u->name[j], v, err);
    }
    if (rc)
        ketsim_error_prefix(err, "--uncertainty: ");
    return rc;
}

int beyond_unc_params(const beyond_unc *bu, const ketsim_params *base, long draw, ketsim_params **out,
                      ketsim_error *err)
{
    int rc = ketsim_params_clone(base, out, err);
    if (!rc)
        rc = beyond_unc_apply(bu, *out, draw, err);
    if (rc) {
        ketsim_params_free(*out);
        *out = NULL;
    }
    return rc;
}

long beyond_unc_add(beyond_unc *bu, const char *name, double at_estimates)
{
    if (bu->n_q == BEYOND_UNC_MAX_Q) {
        bu->n_dropped++;
        return -1;
    }
    snprintf(bu->q_name[bu->n_q], sizeof bu->q_name[0], "%s", name);
    bu->q_est[bu->n_q] = at_estimates;
    for (long k = 0; k < bu->draws; k++)
        bu->q_val[(size_t)k * BEYOND_UNC_MAX_Q + bu->n_q] = NAN;
    return (long)bu->n_q++;
}

void beyond_unc_set(beyond_unc *bu, long draw, long q, double value)
{
    if (q >= 0)
        bu->q_val[(size_t)draw * BEYOND_UNC_MAX_Q + (size_t)q] = value;
}

/* Quantity q as its BASE_uncertainty.csv row: the value at the estimates,
 * every draw's, and the median, 2.5% and 97.5% quantiles and SD over the
 * draws where it is defined.  The one place the spread is computed, so the
 * printed table, the CSV and the database cannot disagree. */
static int quantity_of(const beyond_unc *bu, size_t q, ketsim_uncertainty_quantity *s, ketsim_error *err)
{
    double x[1000]; /* --uncertainty-draws is at most 1000 */
    size_t n = 0;
    *s = (ketsim_uncertainty_quantity){bu->q_name[q], bu->q_est[q], NAN, NAN, NAN, NAN, 0, (size_t)bu->draws,
                                       bu->q_val + q, BEYOND_UNC_MAX_Q};
    for (size_t k = 0; k < s->n_draws; k++)
        if (isfinite(s->value[k * s->stride]))
            x[n++] = s->value[k * s->stride];
    s->n_defined = n;
    if (n < 2)
        return KETSIM_OK;
    static const double probs[3] = {0.5, 0.025, 0.975};
    double qs[3], mean = 0, ss = 0;
    int rc = ketsim_stats_quantiles(x, n, probs, 3, qs, err);
    for (size_t i = 0; i < n; i++)
        mean += x[i] / (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - mean) * (x[i] - mean);
    s->median = qs[0];
    s->p2_5 = qs[1];
    s->p97_5 = qs[2];
    s->sd = sqrt(ss / (double)(n - 1));
    return rc;
}

int beyond_unc_print(FILE *fp, const beyond_unc *bu, ketsim_error *err)
{
    if (!bu->file)
        return KETSIM_OK;
    fprintf(fp, "\nparameter uncertainty: %ld draws of the THETAs of ", bu->draws);
    cli_put_clean(fp, bu->file);
    fprintf(fp, " (the run above is at its estimates)\n%-64s %11s %11s %11s %11s %9s\n", "quantity",
            "estimates", "median", "2.5%", "97.5%", "SD");
    for (size_t q = 0; q < bu->n_q; q++) {
        ketsim_uncertainty_quantity s;
        int rc = quantity_of(bu, q, &s, err);
        if (rc)
            return rc;
        fprintf(fp, "%-64s %11.4g %11.4g %11.4g %11.4g %9.3g\n", s.name, s.at_estimates, s.median, s.p2_5,
                s.p97_5, s.sd);
    }
    if (bu->n_dropped)
        fprintf(fp, "(%zu more not followed: at most %d quantities)\n", bu->n_dropped, BEYOND_UNC_MAX_Q);
    return ferror(fp) ? KETSIM_FAIL(err, KETSIM_EIO, "standard output: write failed") : KETSIM_OK;
}

static int write_summary(FILE *fp, const void *ctx, ketsim_error *err)
{
    const beyond_unc *bu = ctx;
    fputs("quantity,at_estimates,median,p2_5,p97_5,sd,draws", fp);
    for (long k = 0; k < bu->draws; k++)
        fprintf(fp, ",draw_%ld", k);
    fputc('\n', fp);
    for (size_t q = 0; q < bu->n_q; q++) {
        ketsim_uncertainty_quantity s;
        int rc = quantity_of(bu, q, &s, err);
        if (rc)
            return rc;
        /* names are marker, candidate or regimen texts: quoted for CSV */
        fputc('"', fp);
        for (const char *c = s.name; *c; c++)
            fputs(*c == '"' ? "\"\"" : (char[2]){*c, 0}, fp);
        fprintf(fp, "\",%.10g,%.10g,%.10g,%.10g,%.10g,%zu", s.at_estimates, s.median, s.p2_5, s.p97_5, s.sd,
                s.n_defined);
        for (size_t k = 0; k < s.n_draws; k++)
            fprintf(fp, ",%.10g", s.value[k * s.stride]);
        fputc('\n', fp);
    }
    return ferror(fp) ? KETSIM_FAIL(err, KETSIM_EIO, "write failed") : KETSIM_OK;
}

static int write_draws(FILE *fp, const void *ctx, ketsim_error *err)
{
    const beyond_unc *bu = ctx;
    return ketsim_trial_write_rep_params_csv(fp, &bu->rp, (int)bu->draws, err);
}

static int write_csvs(cli_outdirs *out, const char *base, const beyond_unc *bu, ketsim_error *err)
{
    char name[96];
    snprintf(name, sizeof name, "%s_uncertainty.csv", base);
    int rc = cli_outdirs_write(out, name, write_summary, bu, err);
    snprintf(name, sizeof name, "%s_uncertainty_parameters.csv", base);
    if (!rc)
        rc = cli_outdirs_write(out, name, write_draws, bu, err);
    return rc;
}

/* The same rows as the two CSVs, under the output lock as every database
 * write of the cohort commands (an interrupt's cleanup may not run meanwhile). */
static int store(ketsim_results_db *db, const beyond_unc *bu, ketsim_error *err)
{
    cli_output_lock();
    int rc = ketsim_results_db_uncertainty_draws(db, &bu->rp, bu->draws, err);
    for (size_t q = 0; !rc && q < bu->n_q; q++) {
        ketsim_uncertainty_quantity s;
        rc = quantity_of(bu, q, &s, err);
        if (!rc)
            rc = ketsim_results_db_uncertainty_quantity(db, q, &s, err);
    }
    cli_output_unlock();
    return rc;
}

int beyond_unc_write(cli_outdirs *out, ketsim_results_db *db, const char *base, const beyond_unc *bu,
                     ketsim_error *err)
{
    if (!bu->file)
        return KETSIM_OK;
    int rc = cli_outdirs_data_stage(out) ? write_csvs(out, base, bu, err) : KETSIM_OK;
    if (!rc && db)
        rc = store(db, bu, err);
    return rc;
}

void beyond_unc_free(beyond_unc *bu)
{
    free(bu->u);
    free(bu->q_val);
    ketsim_trial_rep_params_free(&bu->rp);
    bu->u = NULL;
    bu->q_val = NULL;
}
