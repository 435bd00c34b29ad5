/* Which data directory the program uses (built-in scenarios, protocols,
 * targets, drug files), in this order:
 *   --data-dir DIR, anywhere on the command line;
 *   $KETSIM_DATA_DIR;
 *   the installed copy beside the program (BINDIR/../share/ketsim) when the
 *   program runs from an installation;
 *   the source tree the library was built from (an uninstalled build).
 * Never the working directory.  The choice reaches the library through
 * KETSIM_DATA_DIR (include/ketsim/datadir.h), set once here before any
 * command runs. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "cli.h"
#include "datadir_cli.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef KETSIM_BIN_TO_DATA
#define KETSIM_BIN_TO_DATA "../share/ketsim"
#endif

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The installed data directory beside this program, or "" if there is none
 * (a build tree has no ../share/ketsim/targets.csv beside its binary). */
static void installed_dir(char *out, size_t size)
{
    char exe[PATH_MAX], guess[PATH_MAX + 64], probe[PATH_MAX + 80];
    out[0] = '\0';
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return;
    *slash = '\0';
    snprintf(guess, sizeof guess, "%s/%s", exe, KETSIM_BIN_TO_DATA);
    snprintf(probe, sizeof probe, "%s/targets.csv", guess);
    if (access(probe, R_OK) != 0)
        return;
    char *real = realpath(guess, NULL);
    if (real && strlen(real) < size)
        strcpy(out, real);
    free(real);
}

/* Take --data-dir DIR / --data-dir=DIR out of argv (the commands' option
 * parsers never see it); NULL when absent. */
static const char *take_option(int *argc, char **argv, int *missing)
{
    const char *dir = NULL;
    int k = 1;
    *missing = 0;
    for (int i = 1; i < *argc; i++) {
        if (strcmp(argv[i], "--data-dir") == 0) {
            if (i + 1 >= *argc) {
                *missing = 1;
                continue;
            }
            dir = argv[++i];
        } else if (strncmp(argv[i], "--data-dir=", 11) == 0) {
            dir = argv[i] + 11;
        } else {
            argv[k++] = argv[i];
        }
    }
    argv[k] = NULL;
    *argc = k;
    return dir;
}

static int refuse(const char *what, const char *dir)
{
    ketsim_error err = {0};
    KETSIM_FAIL(&err, KETSIM_EINPUT, "--data-dir%s%s%s: %s", dir ? " '" : "", dir ? dir : "", dir ? "'" : "", what);
    return cli_fail(&err);
}

int cli_data_dir_setup(int *argc, char **argv)
{
    int missing;
    const char *dir = take_option(argc, argv, &missing);
    if (missing)
        return refuse("needs a directory", NULL);
    /* the built-in files' paths are made in 4096-byte buffers: a longer
     * directory would cut them */
    if (dir && strlen(dir) > 3500)
        return refuse("path too long (at most 3500 characters)", NULL);
    if (!dir && getenv("KETSIM_DATA_DIR") && strlen(getenv("KETSIM_DATA_DIR")) > 3500) {
        fprintf(stderr, "ketsim: KETSIM_DATA_DIR: path too long (at most 3500 characters)\n");
        return 2;
    }
    if (dir) {
        if (!*dir || !is_dir(dir))
            return refuse("not a directory", dir);
        return setenv("KETSIM_DATA_DIR", dir, 1) == 0 ? 0 : refuse("cannot be set", dir);
    }
    const char *env = getenv("KETSIM_DATA_DIR");
    if (env && *env)
        return 0;
    char inst[PATH_MAX];
    installed_dir(inst, sizeof inst);
    if (inst[0] && setenv("KETSIM_DATA_DIR", inst, 1) != 0)
        return refuse("cannot be set", inst);
    return 0;
}
