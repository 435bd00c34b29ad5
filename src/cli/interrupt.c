#include "interrupt.h"

#include <stdio.h>
#include <string.h>

/* The documented exception to "no global mutable state" (see interrupt.h). */
static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

volatile sig_atomic_t *cli_interrupt_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    return &interrupted;
}

int cli_interrupted(void) { return interrupted != 0; }

int cli_interrupt_exit(void)
{
    fprintf(stderr, "ketsim: interrupted\n");
    return CLI_EXIT_INTERRUPTED;
}
