/* The main job: `ketsim` with no arguments. */
#include "cli.h"

#include <stdio.h>

void help_main_job(void)
{
    puts("usage: ketsim [run]\n\nRun the main job on its built-in default scenario.");
}

int cmd_main_job(int argc, char **argv)
{
    (void)argc, (void)argv;
    const char *args[] = {"simulate", "--until", "14d", "--every", "1h", NULL};
    return cmd_simulate(5, (char **)args);
}
