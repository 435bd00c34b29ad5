/* The main job: `ketsim` with no arguments.  Runs the built-in zarate2006
 * (single infusion, crossover against saline) and murrough2013 (six
 * infusions, relapse follow-up) virtual trials with enough replicate trials
 * for stable percentiles, and prints the seed's Table 1 next to the
 * simulated values, then Table 2 (biomarkers) as far as the model covers it.
 * Files go under ./ketsim-out/. */
#include "cli.h"
#include "trial_cli.h"
#include "util/dist.h"
#include "util/atomic.h"
#include "main_table2.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZARATE_REPS 100
#define MURROUGH_REPS 40

void help_main_job(void)
{
    printf("usage: ketsim [run [--threads N] [--out-dir DIR]]\n"
           "\n"
           "The main job: run the built-in virtual trials zarate2006 (%d replicate trials)\n"
           "and murrough2013 (%d replicate trials) and print the seed's Table 1 (clinical\n"
           "efficacy of IV ketamine in treatment-resistant depression) side by side with the\n"
           "simulated values: median [5th, 95th percentile] across replicate trials.  Writes\n"
           "NAME_subjects.csv, NAME_summary.json and table1.txt under DIR (default\n"
           "ketsim-out).  Definitions: docs/trial.md.\n",
           ZARATE_REPS, MURROUGH_REPS);
}

typedef struct q3 {
    double med, p5, p95;
    size_t n;
} q3;

static q3 quant(const trial_cli_result *r, const char *name, double scale)
{
    q3 q;
    q.n = ketsim_trial_metric_quantiles(r->reps, (size_t)r->opts.replicates, name, &q.med, &q.p5, &q.p95);
    q.med *= scale;
    q.p5 *= scale;
    q.p95 *= scale;
    return q;
}

static void fmt_q(char *buf, size_t size, q3 q, const char *unit, size_t n_reps)
{
    if (q.n == 0)
        snprintf(buf, size, "not reached in any replicate");
    else if (q.n < n_reps)
        snprintf(buf, size, "%.3g%s [%.3g, %.3g] (in %zu/%zu)", q.med, unit, q.p5, q.p95, q.n, n_reps);
    else
        snprintf(buf, size, "%.3g%s [%.3g, %.3g]", q.med, unit, q.p5, q.p95);
}

/* Times in the table are hours from the start of the infusion. */
static void row(FILE *fp, const char *what, const char *seed, const char *sim, const char *status)
{
    fprintf(fp, "%-34s %-30s %-40s %s\n", what, seed, sim, status);
}

static void print_table(FILE *fp, const trial_cli_result *z, const trial_cli_result *m)
{
    size_t zr = (size_t)z->opts.replicates, mr = (size_t)m->opts.replicates;
    char buf[160];
    fprintf(fp, "Table 1: clinical efficacy of IV ketamine in treatment-resistant depression\n");
    fprintf(fp, "simulated = median [5th, 95th percentile] across replicate virtual trials\n");
    fprintf(fp, "zarate2006: %d subjects, crossover vs saline, %zu trials (seed %llu); "
                "murrough2013: %d subjects, six infusions, %zu trials (seed %llu)\n\n",
            z->sc.n_subjects, zr, (unsigned long long)z->opts.seed, m->sc.n_subjects, mr,
            (unsigned long long)m->opts.seed);
    row(fp, "quantity", "seed", "simulated", "status");
    row(fp, "--------", "----", "---------", "------");
    const ketsim_trial_arm *ka = NULL;
    for (size_t a = 0; a < z->sc.n_arms; a++)
        if (z->sc.arms[a].control == KETSIM_TRIAL_ACTIVE)
            ka = &z->sc.arms[a];
    if (!ka) {
        fprintf(fp, "zarate2006 has no active arm\n");
        return;
    }
    snprintf(buf, sizeof buf, "%g mg/kg over %g min IV", ka->dose[0].amount, ka->session_h * 60);
    row(fp, "dose", "0.5 mg/kg over 40 min IV", buf,
        fabs(ka->dose[0].amount - 0.5) < 1e-9 && fabs(ka->session_h * 60 - 40) < 1e-6 ? "same" : "DIFFERS");

    char cmp[160];
    snprintf(cmp, sizeof cmp, "%s_vs_%s", ka->name, z->sc.arms[0].control != KETSIM_TRIAL_ACTIVE ? z->sc.arms[0].name
                                                                                          : z->sc.arms[1].name);
    char name[256];
    /* onset: first visit where ketamine beats saline (h from infusion start) */
    snprintf(name, sizeof name, "%s.onset_h", cmp);
    q3 q = quant(z, name, 1);
    fmt_q(buf, sizeof buf, q, " h", zr);
    row(fp, "onset (first visit p<0.05, h)", "within 2-4 h after infusion", buf,
        !(q.n > zr / 2 && q.med <= 4.0 + ka->session_h + 1e-9) ? "MISS"
        : q.med < 2.0 + ka->session_h - 1e-9                   ? "ok (before 2 h)"
                                                                 : "ok");
    snprintf(name, sizeof name, "%s.peak_h", cmp);
    q = quant(z, name, 1);
    fmt_q(buf, sizeof buf, q, " h", zr);
    row(fp, "peak (largest difference, h)", "24 h", buf, q.n && q.med >= 20 && q.med <= 30 ? "ok" : "MISS");
    snprintf(name, sizeof name, "%s@1d.response", ka->name);
    q = quant(z, name, 100);
    fmt_q(buf, sizeof buf, q, "%", zr);
    row(fp, "response, single infusion, 24 h", "25% to 85% (across studies)", buf,
        q.n && q.p5 >= 25 - 1e-9 && q.p95 <= 85 + 1e-9 ? "ok" : (q.n && q.med >= 25 && q.med <= 85 ? "ok (median)" : "MISS"));
    snprintf(name, sizeof name, "%s@%s.response", m->sc.arms[0].name, m->sc.visit_label[m->sc.primary_visit]);
    q = quant(m, name, 100);
    fmt_q(buf, sizeof buf, q, "%", mr);
    row(fp, "response, six infusions", "about 71% (70.8%, n=24)", buf,
        q.n && 70.8 >= q.p5 && 70.8 <= q.p95 ? "ok" : "MISS");
    snprintf(name, sizeof name, "%s.duration_h", cmp);
    q = quant(z, name, 1.0 / 24);
    double last_visit_d = z->sc.visit_h[z->sc.n_visits - 1] / 24;
    fmt_q(buf, sizeof buf, q, " d", zr);
    char dstat[64];
    if (q.n && q.med >= last_visit_d - 1e-9)
        snprintf(dstat, sizeof dstat, "ok (censored: last visit %g d)", last_visit_d);
    else
        snprintf(dstat, sizeof dstat, "%s", q.n && q.med >= 7 && q.med <= 14 ? "ok" : "MISS");
    row(fp, "duration, single infusion (d)", "7-14 days", buf, dstat);
    snprintf(name, sizeof name, "%s.relapse_median_d", m->sc.arms[0].name);
    q = quant(m, name, 1);
    fmt_q(buf, sizeof buf, q, " d", mr);
    row(fp, "median time to relapse (d)", "18 days after last infusion", buf,
        q.n > mr / 2 && q.p5 <= 18 && q.p95 >= 18 ? "ok" : "MISS");

    fprintf(fp, "\nsupporting values (LITERATURE.md section 4)\n");
    snprintf(name, sizeof name, "%s@1d.remission", ka->name);
    q = quant(z, name, 100);
    fmt_q(buf, sizeof buf, q, "%", zr);
    row(fp, "Zarate remission, day 1", "29%", buf, q.n && 29 >= q.p5 && 29 <= q.p95 ? "ok" : "MISS");
    snprintf(name, sizeof name, "%s@1d.response", ka->name);
    q = quant(z, name, 100);
    fmt_q(buf, sizeof buf, q, "%", zr);
    row(fp, "Zarate response, day 1", "71%", buf, q.n && 71 >= q.p5 && 71 <= q.p95 ? "ok" : "MISS");
    snprintf(name, sizeof name, "%s@7d.response", ka->name);
    q = quant(z, name, 100);
    fmt_q(buf, sizeof buf, q, "%", zr);
    row(fp, "Zarate response, day 7", "35%", buf, q.n && 35 >= q.p5 && 35 <= q.p95 ? "ok" : "MISS");
    snprintf(name, sizeof name, "%s@1d.response", z->sc.arms[0].name);
    q = quant(z, name, 100);
    fmt_q(buf, sizeof buf, q, "%", zr);
    row(fp, "saline response, day 1", "8.8% (pooled)", buf, q.n && 8.8 >= q.p5 && 8.8 <= q.p95 ? "ok" : "MISS");
    snprintf(name, sizeof name, "%s@1d.d", cmp);
    q = quant(z, name, 1);
    fmt_q(buf, sizeof buf, q, "", zr);
    row(fp, "effect size vs saline, day 1", "d about 1.8", buf, q.n && q.med >= 1.3 && q.med <= 2.3 ? "ok" : "MISS");
    snprintf(name, sizeof name, "%s@2h.change_mean", m->sc.arms[0].name);
    q = quant(m, name, 1);
    fmt_q(buf, sizeof buf, q, " pts", mr);
    row(fp, "MADRS fall 2 h after 1st infusion", "18.9 +/- 6.6 points", buf,
        q.n && 18.9 >= q.p5 && 18.9 <= q.p95 ? "ok" : "MISS");
    snprintf(name, sizeof name, "%s.cadss_peak_mean", ka->name);
    q = quant(z, name, 1);
    fmt_q(buf, sizeof buf, q, "", zr);
    row(fp, "CADSS peak (mean)", "7.7 (van Schalkwyk 2018)", buf, q.n && 7.7 >= q.p5 && 7.7 <= q.p95 ? "ok" : "MISS");
    snprintf(name, sizeof name, "%s.sbp_peak_mean", ka->name);
    q = quant(z, name, 1);
    fmt_q(buf, sizeof buf, q, " mmHg", zr);
    row(fp, "SBP peak rise (mean)", "+16 mmHg", buf, q.n && 16 >= q.p5 && 16 <= q.p95 ? "ok" : "MISS");
}

int cmd_main_job(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"threads", required_argument, 0, 't'},
        {"out-dir", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    int threads = trial_cli_default_threads();
    const char *out_dir = "ketsim-out";
    int c;
    optind = 1;
    opterr = 0;
    while (argc > 1 && (c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        double v;
        switch (c) {
        case 't':
            if (cli_parse_double(optarg, &v) || v != floor(v) || v < 1 || v > 64)
                return cli_usage("run", "--threads '%s': expected an integer between 1 and 64", optarg);
            threads = (int)v;
            break;
        case 'o': out_dir = optarg; break;
        case 'h': help_main_job(); return 0;
        default: return cli_usage("run", "unknown or incomplete option '%s' (see ketsim help run)", argv[optind - 1]);
        }
    }
    if (argc > 1 && optind < argc)
        return cli_usage("run", "unexpected argument '%s'", argv[optind]);

    ketsim_trial_scenario zs, ms;
    ketsim_error err = {0};
    if (ketsim_trial_scenario_resolve("zarate2006", &zs, &err) || ketsim_trial_scenario_resolve("murrough2013", &ms, &err))
        return cli_fail(&err);
    ketsim_trial_run_opts zo = {.seed = zs.seed, .replicates = ZARATE_REPS, .threads = threads};
    ketsim_trial_run_opts mo = {.seed = ms.seed, .replicates = MURROUGH_REPS, .threads = threads};
    trial_cli_result z, m;
    int st = trial_cli_run(&zs, &zo, NULL, 0, out_dir, 1, out_dir, &z);
    if (st)
        return st;
    st = trial_cli_run(&ms, &mo, NULL, 0, out_dir, 1, out_dir, &m);
    if (st) {
        trial_cli_result_free(&z);
        return st;
    }
    if (trial_dist_rank() != 0) { /* under MPI, rank 0 reports */
        trial_cli_result_free(&z);
        trial_cli_result_free(&m);
        return 0;
    }
    print_table(stdout, &z, &m);
    int rc = main_table2_print(stdout, &err);
    char path[4096];
    snprintf(path, sizeof path, "%s/table1.txt", out_dir);
    atomic_file af;
    if (!rc)
        rc = atomic_open(&af, path, &err);
    if (!rc) {
        print_table(af.fp, &z, &m);
        rc = main_table2_print(af.fp, &err);
        if (rc)
            atomic_abort(&af);
        else
            rc = atomic_commit(&af, &err);
    }
    if (!rc)
        printf("\nfiles: %s/{zarate2006,murrough2013}_{subjects.csv,summary.json}, %s,\n"
               "figures: %s/{zarate2006,murrough2013}_madrs.{png,svg}, %s/murrough2013_relapse.{png,svg}\n",
               out_dir, path, out_dir, out_dir);
    trial_cli_result_free(&z);
    trial_cli_result_free(&m);
    return rc ? cli_fail(&err) : 0;
}
