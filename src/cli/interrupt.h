/* Interrupts (SIGINT, SIGTERM, SIGHUP, SIGPIPE) for every command.
 *
 * A run can be stopped at any moment, also deep inside a library call that
 * never looks at a flag (a trial's worker threads, a fit).  So the handler
 * only records the signal and wakes a watcher thread through a pipe; the
 * watcher takes the output lock, runs the cleanup actions the command
 * registered (remove a temporary file, a staging directory, an output
 * directory the run created), says so ("ketsim: interrupted") and ends the
 * process with 128 + the signal (130 for Ctrl-C).  SIGPIPE (a reader such
 * as `head` went away) ends the run the same way, silently.
 *
 * The output lock is held by the command while it creates, writes, renames
 * or removes anything in an output location, so the watcher never cleans
 * up under a file operation in progress: a Ctrl-C during such a step takes
 * effect when the step ends (and the step, seeing the flag, does not
 * publish).  Long computations run without it.
 *
 * The flag, the pipe and the cleanup list are the CLI's global state: a
 * signal handler has no other place to put what it saw.  They live in the
 * CLI, never in the library, which is only handed the flag (for the
 * solver's cancel check). */
#ifndef KETSIM_CLI_INTERRUPT_H
#define KETSIM_CLI_INTERRUPT_H

#include <signal.h>

#define CLI_EXIT_INTERRUPTED 130

/* Install the handlers and start the watcher (once, at the start of main);
 * -1 when the pipe or the thread cannot be made. */
int cli_interrupt_start(void);
/* Stop the watcher at the normal end of the program. */
void cli_interrupt_stop(void);

/* The flag the handler sets (the signal number), for solver cancel checks. */
volatile sig_atomic_t *cli_interrupt_flag(void);
int cli_interrupted(void);
/* A command that noticed the interrupt itself: wait for the watcher, which
 * cleans up and ends the process.  Never returns. */
void cli_interrupt_wait(void) __attribute__((noreturn));

/* The output lock (see above). */
void cli_output_lock(void);
void cli_output_unlock(void);

/* Cleanup actions run by the watcher, newest first; `fn` gets `obj`.
 * Register and unregister with the output lock held.  -1 when full. */
int cli_cleanup_register(void (*fn)(void *), void *obj);
void cli_cleanup_unregister(void *obj);

#endif
