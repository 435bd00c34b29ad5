/* ketsim validate: literature vs simulated for every target. */
#include "cli.h"
#include "ketsim/datadir.h"
#include "ketsim/validate.h"

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
    if (!rc) {
        ketsim_validation_set_scenario_loader(v, ketsim_formats_scenario_loader, NULL);
        rc = ketsim_validation_run(v, &err);
    }
    if (!rc)
        rc = json ? ketsim_validation_write_json(stdout, v, &err) : ketsim_validation_print_table(stdout, v, &err);
    size_t misses = 0;
    for (size_t i = 0; !rc && i < ketsim_validation_count(v); i++)
        misses += !ketsim_validation_result(v, i)->pass;
    ketsim_validation_free(v);
    if (rc)
        return cli_fail(&err);
    return misses ? 1 : 0;
}
