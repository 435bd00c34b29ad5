/* ketsim: the program: process-wide set-up, then the command (dispatch.c). */
#include "cli.h"
#include "interrupt.h"
#include "output.h"
#include "datadir_cli.h"

#include "ketsim/dist.h"
#include "util/dist.h"

#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    /* Process-wide settings are the program's to make, not the library's:
     * GSL aborts on errors by default, and ketsim checks every return code;
     * MPI runs only when mpirun started us (the library never starts it). */
    gsl_set_error_handler_off();
    /* before any thread exists: Ctrl-C must find its watcher in place */
    if (cli_interrupt_start() != 0) {
        fprintf(stderr, "ketsim: cannot set up the interrupt handling\n");
        return 1;
    }
    ketsim_error err = {0};
    if (ketsim_dist_init(&argc, &argv, &err))
        return cli_fail(&err);
    cli_record_command(argc, argv);
    int rc = cli_data_dir_setup(&argc, argv);
    if (!rc)
        rc = cli_dispatch(argc, argv);
    /* under mpirun: a rank that failed alone stops the job within seconds */
    trial_dist_end(rc, 3.0);
    ketsim_dist_finalize();
    cli_interrupt_stop();
    return rc;
}
