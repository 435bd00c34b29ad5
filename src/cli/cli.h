/* Shared pieces of the command-line front end. */
#ifndef KETSIM_CLI_H
#define KETSIM_CLI_H

#include "ketsim/ketsim.h"
#include <stdio.h>

typedef struct cli_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
    void (*help)(void);
} cli_command;

#define CMD(name, summary) int cmd_##name(int argc, char **argv); void help_##name(void);
#include "commands.def"
#undef CMD
int cmd_main_job(int argc, char **argv);
void help_main_job(void);
/* Run the command argv[1] (the main job without one); its exit status. */
int cli_dispatch(int argc, char **argv);

/* Exit status of a fit (pooled or population) that ran but whose result
 * cannot be used: neither success (0) nor a runtime failure (1) nor bad
 * input (2). */
#define CLI_FIT_EXIT_UNUSABLE 3

/* Print "ketsim: MESSAGE" and return the exit status for the error's code. */
int cli_fail(const ketsim_error *err);
/* Write msg with control characters and non-UTF-8 bytes as \xNN. */
void cli_put_clean(FILE *fp, const char *msg);
/* Print "ketsim CMD: MESSAGE" for a usage error and return 2. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The subject a simulation is about: species, parameters, drugs, model
 * (the library's front door, include/ketsim/api.h). */
typedef ketsim_setup cli_subject;

/* Parse NUMBER with no trailing junk; -1 on failure. */
int cli_parse_double(const char *s, double *out);
/* Load the catalog and params; `drug_arg` is a built-in name or a file path. */
int cli_subject_init(cli_subject *s, const char *species, const char *drug_arg,
                     const char *params_file, char **sets, size_t n_sets, ketsim_error *err);
void cli_subject_free(cli_subject *s);

/* The regimen of --dose SPEC options; with none, the default dose
 * (0.5 mg/kg IV over 40 min).  Errors are prefixed with "--dose: ". */
int cli_build_regimen(const char *const *doses, size_t n, ketsim_regimen **reg, ketsim_error *err);

#endif
