/* ketsim calibrate: refit the parameters of kind calibrated. */
#include "cli.h"
#include "ketsim/datadir.h"
#include "output.h"
#include "ketsim/calibrate.h"
#include "ketsim/formats.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LIST 128

void help_calibrate(void)
{
    puts("usage: ketsim calibrate [--targets FILE] [--params a,b,...] [--set NAME=VALUE]...\n"
         "                        [--prior FILE] [--species human|rat|mouse] [--max-iter N]\n"
         "                        [--out params.txt]\n"
         "\n"
         "Refit the parameters of kind calibrated (see ketsim params; or the listed\n"
         "ones) to the calibration targets they name: to the literature value where it is\n"
         "a number, else into the accepted range (Levenberg-Marquardt on one log-factor\n"
         "per parameter, shared by all species), with a weak pull towards the prior.\n"
         "Check targets are never used in the fit; all targets are reported before and\n"
         "after, with the targets' identifiability (rank, condition, undetermined\n"
         "combinations).  --prior FILE gives the priors, where the parameters start and\n"
         "the pull is centred (NAME = VALUE | literature|assumption | SOURCE, human;\n"
         "data/calibration_prior.txt is the one the shipped table comes from); without\n"
         "it the table is the prior.  --set gives start values (for every species).\n"
         "--out writes NAME=VALUE lines for --species (default human).  See docs/fit.md.\n"
         "\n"
         "example:\n"
         "  ketsim calibrate --params glu.feedback_k_per_h --set glu.feedback_k_per_h=0.5");
}

typedef struct cal_opts {
    const char *targets, *params, *out, *species, *prior;
    char *set_names[MAX_LIST];
    double set_values[MAX_LIST];
    char set_buf[MAX_LIST][128];
    size_t n_set, max_iter;
} cal_opts;


static int add_set(cal_opts *o, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (o->n_set == MAX_LIST)
        return cli_usage("calibrate", "too many --set options (max %d)", MAX_LIST);
    if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof o->set_buf[0] ||
        cli_parse_double(eq + 1, &o->set_values[o->n_set]))
        return cli_usage("calibrate", "--set '%s': expected NAME=NUMBER", arg);
    snprintf(o->set_buf[o->n_set], sizeof o->set_buf[0], "%.*s", (int)(eq - arg), arg);
    o->set_names[o->n_set] = o->set_buf[o->n_set];
    o->n_set++;
    return 0;
}

static int parse_opts(int argc, char **argv, cal_opts *o)
{
    static const struct option longopts[] = {
        {"targets", required_argument, 0, 't'}, {"params", required_argument, 0, 'p'},
        {"set", required_argument, 0, 'S'},     {"species", required_argument, 0, 's'},
        {"max-iter", required_argument, 0, 'm'}, {"out", required_argument, 0, 'O'},
        {"prior", required_argument, 0, 'P'},   {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    memset(o, 0, sizeof *o);
    o->species = "human";
    double v;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 't': o->targets = optarg; break;
        case 'p': o->params = optarg; break;
        case 's': o->species = optarg; break;
        case 'O': o->out = optarg; break;
        case 'P': o->prior = optarg; break;
        case 'S':
            if (add_set(o, optarg))
                return 2;
            break;
        case 'm':
            if (cli_parse_double(optarg, &v) || !(v >= 1 && v <= 1000) || v != floor(v))
                return cli_usage("calibrate", "--max-iter '%s': expected an integer from 1 to 1000", optarg);
            o->max_iter = (size_t)v;
            break;
        case 'h': help_calibrate(); return -1;
        default:
            return cli_usage("calibrate", "unknown or incomplete option '%s' (see ketsim help calibrate)",
                             argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage("calibrate", "unexpected argument '%s'", argv[optind]);
    return 0;
}

static int write_params(cli_file *out, const ketsim_calib_result *r, ketsim_error *err)
{
    int rc = ketsim_calib_write_params(cli_file_stream(out), r, err);
    return rc ? rc : cli_file_commit(out, err);
}

int cmd_calibrate(int argc, char **argv)
{
    cal_opts *o = malloc(sizeof *o);
    if (!o)
        return cli_usage("calibrate", "out of memory");
    int st = parse_opts(argc, argv, o);
    if (st) {
        free(o);
        return st < 0 ? 0 : st;
    }
    char path[4096], list[4096];
    ketsim_data_path("targets.csv", path, sizeof path);
    const char *only[MAX_LIST];
    size_t n_only = 0;
    ketsim_error err = {0};
    ketsim_calib_options co = {.set_names = (const char *const *)o->set_names, .set_values = o->set_values,
                               .n_set = o->n_set, .max_iter = o->max_iter};
    int rc = ketsim_species_parse(o->species, &co.report_species, &err);
    if (!rc && o->params && strlen(o->params) >= sizeof list)
        rc = KETSIM_FAIL(&err, KETSIM_EINPUT, "--params: list too long");
    if (!rc && o->params) {
        snprintf(list, sizeof list, "%s", o->params);
        char *save = NULL;
        for (char *tok = strtok_r(list, ",", &save); !rc && tok; tok = strtok_r(NULL, ",", &save)) {
            if (n_only == MAX_LIST) /* dropped silently before */
                rc = KETSIM_FAIL(&err, KETSIM_EINPUT, "--params: at most %d parameters", MAX_LIST);
            else
                only[n_only++] = tok;
        }
        co.only = only;
        co.n_only = n_only;
    }
    ketsim_calib_prior *priors = NULL;
    cli_file out;
    memset(&out, 0, sizeof out);
    if (!rc && o->out)
        rc = cli_file_open(&out, o->out, &err); /* checked before the fit */
    if (!rc && o->prior)
        rc = ketsim_calib_priors_read(o->prior, &priors, &co.n_priors, &err);
    co.priors = priors;
    ketsim_calib_result *r = NULL;
    ketsim_params *base = NULL;
    ketsim_validation *v = NULL;
    if (!rc)
        rc = ketsim_params_create(KETSIM_HUMAN, &base, &err);
    co.base = base;
    if (!rc)
        rc = ketsim_targets_read(o->targets ? o->targets : path, base, &v, &err);
    if (!rc)
        rc = ketsim_calibrate(v, &co, &r, &err);
    if (!rc)
        rc = ketsim_calib_print(stdout, r, o->species, &err);
    if (!rc)
        printf("\ntargets file: %s%s%s\n", o->targets ? o->targets : path, o->prior ? "; priors: " : "",
               o->prior ? o->prior : "");
    if (!rc && o->out)
        rc = write_params(&out, r, &err);
    cli_file_abort(&out);
    ketsim_validation_free(v);
    free(priors);
    ketsim_calib_result_free(r);
    ketsim_params_free(base);
    free(o);
    return rc ? cli_fail(&err) : 0;
}
