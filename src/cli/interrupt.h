/* Ctrl-C (SIGINT) for long CLI runs.
 *
 * The handler only sets a flag; the solver polls it between steps (see
 * ketsim_sim_set_cancel) and the command polls it before committing an output
 * file, so an interrupted run removes its temporary file, prints
 * "ketsim: interrupted" and exits with 130 (128 + SIGINT), the shell's usual
 * status for a run stopped by Ctrl-C.
 *
 * The flag is the one piece of global mutable state in ketsim: a signal
 * handler has no other place to put what it saw, and C allows a handler to
 * write only a volatile sig_atomic_t.  It lives in the CLI, never in the
 * library, which takes a pointer to it. */
#ifndef KETSIM_CLI_INTERRUPT_H
#define KETSIM_CLI_INTERRUPT_H

#include <signal.h>

#define CLI_EXIT_INTERRUPTED 130

/* Install the SIGINT handler and return the flag it sets. */
volatile sig_atomic_t *cli_interrupt_install(void);
int cli_interrupted(void);
/* Print "ketsim: interrupted" and return CLI_EXIT_INTERRUPTED. */
int cli_interrupt_exit(void);

#endif
