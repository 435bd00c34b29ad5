/* The main job: `ketsim` with no arguments.  Runs the built-in zarate2006
 * (single infusion, crossover against saline) and murrough2013 (six
 * infusions, relapse follow-up) virtual trials with enough replicate trials
 * for stable percentiles, and prints the seed's Table 1 next to the
 * simulated values, then Table 2 (biomarkers) as far as the model covers it.
 * Files go under ./ketsim-out/. */
#include "cli.h"
#include "trial_cli.h"
#include "util/dist.h"
#include "output.h"
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

static void free_copies(ketsim_trial_metrics *m, int n)
{
    for (int i = 0; i < n; i++)
        ketsim_trial_metrics_free(&m[i]);
    free(m);
}

/* The tables, from the target rows, into a memory buffer (printed, then
 * published as table1.txt), judged on the replicate endpoints of z and m. */
static int make_tables(trial_cli_result *z, trial_cli_result *m, const char *targets, char **text, size_t *len,
                       ketsim_error *err)
{
    ketsim_validation *v = NULL;
    ketsim_params *base = NULL;
    int rc = ketsim_params_create(KETSIM_HUMAN, &base, err);
    if (!rc)
        rc = ketsim_targets_read(targets, base, &v, err);
    ketsim_params_free(base);
    /* the validation takes tables it owns and frees one by one */
    ketsim_trial_metrics *zr = NULL, *mr = NULL;
    if (!rc && !(rc = trial_cli_result_copy_reps(z, &zr, err)) &&
        (rc = ketsim_validation_adopt_trial(v, z->sc.name, z->opts.replicates, zr, err)))
        free_copies(zr, z->opts.replicates);
    if (!rc && !(rc = trial_cli_result_copy_reps(m, &mr, err)) &&
        (rc = ketsim_validation_adopt_trial(v, m->sc.name, m->opts.replicates, mr, err)))
        free_copies(mr, m->opts.replicates);
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
        rc = main_tables_print(fp, v, "1s", "Supporting values (docs/literature.md section 4)", &pass, &miss, err);
    if (!rc)
        rc = main_tables_print(fp, v, "2", "Table 2: biomarkers, relative to untreated = 1", &pass, &miss, err);
    if (!rc)
        fprintf(fp, "\n%zu rows ok, %zu MISS\n\ndata files: %s, %s, %s\n", pass, miss, targets, z->sc.file,
                m->sc.file);
    if (fp && fclose(fp) && !rc)
        rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    ketsim_validation_free(v);
    return rc;
}

typedef struct table_text {
    const char *text;
    size_t len;
} table_text;

static int write_table(FILE *fp, const void *p, ketsim_error *err)
{
    const table_text *t = p;
    if (fwrite(t->text, 1, t->len, fp) != t->len)
        return KETSIM_FAIL(err, KETSIM_EIO, "table1.txt: write failed");
    return KETSIM_OK;
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
    /* one output set for the whole job: both trials' files, their figures
     * and table1.txt are published together, or none of them */
    cli_outdirs out;
    memset(&out, 0, sizeof out);
    int rc = trial_cli_check_name(&zs, &err);
    if (!rc)
        rc = trial_cli_check_name(&ms, &err);
    if (!rc && trial_dist_rank() == 0)
        rc = cli_outdirs_begin(&out, out_dir, out_dir, "run", &err);
    if ((rc = trial_dist_any_failed(rc, &err))) {
        cli_outdirs_end(&out);
        return cli_fail(&err);
    }
    trial_cli_result z, m;
    int st = trial_cli_run(&zs, &zo, NULL, 0, &out, TRIAL_SUBJECTS_FIRST, 0, NULL, &z);
    if (st) {
        cli_outdirs_end(&out);
        return st;
    }
    st = trial_cli_run(&ms, &mo, NULL, 0, &out, TRIAL_SUBJECTS_FIRST, 0, NULL, &m);
    if (st) {
        trial_cli_result_free(&z);
        cli_outdirs_end(&out);
        return st;
    }
    if (trial_dist_rank() != 0) { /* under MPI, rank 0 reports */
        trial_cli_result_free(&z);
        trial_cli_result_free(&m);
        return 0;
    }
    char *text = NULL, targets[4096];
    size_t len = 0;
    ketsim_data_path("targets.csv", targets, sizeof targets);
    rc = make_tables(&z, &m, targets, &text, &len, &err);
    table_text t = {text, len};
    if (!rc)
        rc = cli_outdirs_write(&out, "table1.txt", write_table, &t, &err);
    cli_run_info info = {.n_seeds = 2,
                         .seed_names = {zs.name, ms.name}, .seeds = {zo.seed, mo.seed},
                         .n_inputs = 3, .inputs = {targets, zs.file, ms.file}};
    if (!rc)
        rc = cli_outdirs_publish(&out, &info, &err);
    else
        cli_outdirs_end(&out);
    if (!rc) {
        fwrite(text, 1, len, stdout);
        printf("\nfiles: %s/{zarate2006,murrough2013}_{subjects.csv,summary.json}, %s/table1.txt,\n"
               "figures: %s/{zarate2006,murrough2013}_madrs.{png,svg}, %s/murrough2013_relapse.{png,svg};\n"
               "manifest: %s/run_manifest.json\n",
               out_dir, out_dir, out_dir, out_dir, out_dir);
    }
    free(text);
    trial_cli_result_free(&z);
    trial_cli_result_free(&m);
    return rc ? cli_fail(&err) : 0;
}
