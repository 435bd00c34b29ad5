/* ketsim validate: literature vs simulated for every target. */
#include "cli.h"
#include "ketsim/datadir.h"
#include "formats/trajio.h"
#include "ketsim/validate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void help_validate(void)
{
    puts("usage: ketsim validate [--targets FILE] [--json]\n"
         "\n"
         "Run the scenario of every target in the targets file (default: data/targets.csv\n"
         "from $KETSIM_DATA_DIR, ./data or the source tree) and print literature value,\n"
         "accepted range, simulated value and pass/miss.  Exits 1 if any target misses.\n"
         "Role 'calibration' targets fixed a parameter; 'check' targets were held out.");
}


static void print_table(const ketsim_validation *v, size_t *misses)
{
    printf("%-28s %-11s %-44s %-12s %-22s %12s  %s\n", "target", "role", "quantity", "literature",
           "accepted", "simulated", "result");
    for (size_t i = 0; i < ketsim_validation_count(v); i++) {
        const ketsim_target_result *r = ketsim_validation_result(v, i);
        char range[64];
        snprintf(range, sizeof range, "[%g, %g]", r->lower, r->upper);
        printf("%-28s %-11s %-44.44s %-12s %-22s %12.4g  %s\n", r->id, r->role, r->quantity,
               r->literature, range, r->simulated, r->pass ? "pass" : "MISS");
        *misses += !r->pass;
    }
    printf("\n%zu passed, %zu failed\n", ketsim_validation_count(v) - *misses, *misses);
}

static void json_bound(double x)
{
    if (isfinite(x))
        printf("%.10g", x);
    else
        printf("null");
}

static void print_json(const ketsim_validation *v, size_t *misses)
{
    printf("{\n  \"targets\": [");
    for (size_t i = 0; i < ketsim_validation_count(v); i++) {
        const ketsim_target_result *r = ketsim_validation_result(v, i);
        printf("%s\n    {\"id\": ", i ? "," : "");
        trajio_json_string(stdout, r->id);
        printf(", \"role\": ");
        trajio_json_string(stdout, r->role);
        printf(", \"quantity\": ");
        trajio_json_string(stdout, r->quantity);
        printf(", \"literature\": ");
        trajio_json_string(stdout, r->literature);
        printf(", \"lower\": ");
        json_bound(r->lower);
        printf(", \"upper\": ");
        json_bound(r->upper);
        printf(", \"simulated\": ");
        json_bound(r->simulated);
        printf(", \"pass\": %s, \"source\": ", r->pass ? "true" : "false");
        trajio_json_string(stdout, r->source);
        printf("}");
        *misses += !r->pass;
    }
    printf("\n  ],\n  \"passed\": %zu,\n  \"failed\": %zu\n}\n", ketsim_validation_count(v) - *misses, *misses);
}

int cmd_validate(int argc, char **argv)
{
    char buf[1024];
    const char *path = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (strcmp(argv[i], "--targets") == 0 && i + 1 < argc)
            path = argv[++i];
        else if (strcmp(argv[i], "--help") == 0) {
            help_validate();
            return 0;
        } else
            return cli_usage("validate", "unknown or incomplete option '%s'", argv[i]);
    }
    if (!path)
        path = ketsim_data_path("targets.csv", buf, sizeof buf);
    ketsim_error err = {0};
    ketsim_validation *v = NULL;
    ketsim_params *base = NULL;
    int rc = ketsim_params_create(KETSIM_HUMAN, &base, &err);
    if (!rc)
        rc = ketsim_validation_load(path, base, &v, &err);
    ketsim_params_free(base);
    if (!rc)
        rc = ketsim_validation_run(v, &err);
    if (rc) {
        ketsim_validation_free(v);
        return cli_fail(&err);
    }
    size_t misses = 0;
    if (json)
        print_json(v, &misses);
    else
        print_table(v, &misses);
    ketsim_validation_free(v);
    return misses ? 1 : 0;
}
