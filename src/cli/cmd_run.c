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
#include "main_tables.h"
#include "ketsim/datadir.h"
#include "ketsim/formats.h"

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

/* The tables, from the target rows, into a memory buffer (printed, then
 * published as table1.txt).  Takes over the replicate endpoints of z and m. */
static int make_tables(trial_cli_result *z, trial_cli_result *m, char **text, size_t *len, ketsim_error *err)
{
    char path[4096];
    ketsim_validation *v = NULL;
    ketsim_params *base = NULL;
    int rc = ketsim_params_create(KETSIM_HUMAN, &base, err);
    if (!rc)
        rc = ketsim_targets_read(ketsim_data_path("targets.csv", path, sizeof path), base, &v, err);
    ketsim_params_free(base);
    if (!rc && !(rc = ketsim_validation_adopt_trial(v, z->sc.name, z->opts.replicates, z->reps, err)))
        z->reps = NULL;
    if (!rc && !(rc = ketsim_validation_adopt_trial(v, m->sc.name, m->opts.replicates, m->reps, err)))
        m->reps = NULL;
    FILE *fp = rc ? NULL : open_memstream(text, len);
    if (!rc && !fp)
        rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    size_t pass = 0, miss = 0;
    if (!rc) {
        fprintf(fp, "Seed tables next to the model.  Every row is a target of data/targets.csv, judged as\n"
                    "`ketsim validate` judges it (docs/validation.md).  Trial rows: a statistic over\n"
                    "replicate virtual trials: %s (%d subjects, %d trials, seed %llu), %s (%d subjects,\n"
                    "%d trials, seed %llu).\n",
                z->sc.name, z->sc.n_subjects, z->opts.replicates, (unsigned long long)z->opts.seed, m->sc.name,
                m->sc.n_subjects, m->opts.replicates, (unsigned long long)m->opts.seed);
        rc = main_tables_print(fp, v, "1", "Table 1: clinical efficacy of IV ketamine in treatment-resistant depression",
                               &pass, &miss, err);
    }
    if (!rc)
        rc = main_tables_print(fp, v, "1s", "Supporting values (LITERATURE.md section 4)", &pass, &miss, err);
    if (!rc)
        rc = main_tables_print(fp, v, "2", "Table 2: biomarkers, relative to untreated = 1", &pass, &miss, err);
    if (!rc)
        fprintf(fp, "\n%zu rows ok, %zu MISS\n", pass, miss);
    if (fp && fclose(fp) && !rc)
        rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    ketsim_validation_free(v);
    return rc;
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
    int st = trial_cli_run(&zs, &zo, NULL, 0, out_dir, TRIAL_SUBJECTS_FIRST, 0, out_dir, NULL, &z);
    if (st)
        return st;
    st = trial_cli_run(&ms, &mo, NULL, 0, out_dir, TRIAL_SUBJECTS_FIRST, 0, out_dir, NULL, &m);
    if (st) {
        trial_cli_result_free(&z);
        return st;
    }
    if (trial_dist_rank() != 0) { /* under MPI, rank 0 reports */
        trial_cli_result_free(&z);
        trial_cli_result_free(&m);
        return 0;
    }
    char *text = NULL;
    size_t len = 0;
    int rc = make_tables(&z, &m, &text, &len, &err);
    char path[4096];
    snprintf(path, sizeof path, "%s/table1.txt", out_dir);
    atomic_file af;
    if (!rc) {
        fwrite(text, 1, len, stdout);
        rc = atomic_open(&af, path, &err);
    }
    if (!rc) {
        if (fwrite(text, 1, len, af.fp) != len) {
            atomic_abort(&af);
            rc = KETSIM_FAIL(&err, KETSIM_EIO, "%s: write failed", path);
        } else
            rc = atomic_commit(&af, &err);
    }
    free(text);
    if (!rc)
        printf("\nfiles: %s/{zarate2006,murrough2013}_{subjects.csv,summary.json}, %s,\n"
               "figures: %s/{zarate2006,murrough2013}_madrs.{png,svg}, %s/murrough2013_relapse.{png,svg}\n",
               out_dir, path, out_dir, out_dir);
    trial_cli_result_free(&z);
    trial_cli_result_free(&m);
    return rc ? cli_fail(&err) : 0;
}
