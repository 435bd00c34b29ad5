/* The program's data directory: --data-dir, $KETSIM_DATA_DIR, the installed
 * copy, the source tree (datadir_cli.c). */
#ifndef KETSIM_CLI_DATADIR_H
#define KETSIM_CLI_DATADIR_H

/* Remove --data-dir from argv and settle the directory; 0, or the exit
 * status of a usage error (printed). */
int cli_data_dir_setup(int *argc, char **argv);

#endif
