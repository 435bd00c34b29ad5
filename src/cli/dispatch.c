/* ketsim: the command table and the dispatch from argv[1] to a command
 * (apart from main, so that the command line can be driven in-process,
 * fuzz/fuzz_argv.c). */
#include "cli.h"

#include "util/dist.h"

#include <stdio.h>
#include <string.h>

static const cli_command commands[] = {
#define CMD(name, summary) {#name, summary, cmd_##name, help_##name},
#include "commands.def"
#undef CMD
    {"run", "the main job (default when no command is given)", cmd_main_job, help_main_job},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *fp)
{
    fprintf(fp, "ketsim %s: a mechanistic simulator of ketamine's rapid antidepressant action\n\n"
                "usage: ketsim [COMMAND [OPTIONS]]\n\ncommands:\n", KETSIM_VERSION);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(fp, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(fp, "  %-12s %s\n\nWith no command, ketsim runs the main job ('ketsim help run').\n"
                "--data-dir DIR (with any command) reads the built-in scenarios, protocols, targets and\n"
                "drug files from DIR instead of $KETSIM_DATA_DIR or the installed data.\n",
            "help CMD", "help on a command");
}

static const cli_command *find(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* Commands that share their work between MPI processes; every other one
 * would repeat all of it on every rank and print everything K times. */
static int splits_work(const char *name)
{
    return strcmp(name, "trial") == 0 || strcmp(name, "run") == 0;
}

static int refuse_mpi(const char *name)
{
    if (trial_dist_rank() == 0)
        fprintf(stderr, "ketsim %s: does not split its work between MPI processes: run it without mpirun "
                        "(only trial and run do)\n", name);
    return 2;
}

int cli_dispatch(int argc, char **argv)
{
    if (argc < 2)
        return cmd_main_job(argc, argv);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("ketsim %s\n", KETSIM_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "help") == 0) {
        const cli_command *c = argc > 2 ? find(argv[2]) : NULL;
        if (argc > 2 && !c) {
            fprintf(stderr, "ketsim: no such command '%s'\n", argv[2]);
            return 2;
        }
        if (c)
            c->help();
        else
            usage(stdout);
        return 0;
    }
    const cli_command *c = find(argv[1]);
    if (!c) {
        fprintf(stderr, "ketsim: unknown command '%s'\n", argv[1]);
        usage(stderr);
        return 2;
    }
    /* -h anywhere among a command's arguments is its help, as --help is
     * (which every command's own option table knows) */
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "-h") == 0) {
            c->help();
            return 0;
        }
    if (!splits_work(c->name) && trial_dist_size() > 1)
        return refuse_mpi(c->name);
    return c->run(argc - 1, argv + 1);
}
