/* Fuzz the command line: the input is split into argv words (at newlines,
 * so that a word may hold blanks, "=" and any other byte but NUL and
 * newline) and run through the real CLI in-process, as main does after its
 * set-up: every command's option loop, its checks of the values, the
 * opening of its input files and output locations and its error paths.
 * The work stops at the first solver: this program is linked with
 * --wrap=solver_create and --wrap=fsens_create (cmake/fuzz.cmake), whose
 * wrappers below refuse, so a valid command line ends in that error
 * instead of a simulation.
 *
 * Files: each input runs in a private temporary directory (emptied after
 * it, removed at exit) and the harness skips any input with a word holding '/', so every path a
 * command can be given is inside it; stdin is /dev/null (an input "-"
 * must not wait), stdout goes to /dev/null.  The exit status must be one
 * the CLI documents (0, 1, 2, 3). */
#define _XOPEN_SOURCE 700 /* nftw */
#include "fuzz_common.h"
#include "cli/cli.h"
#include "cli/datadir_cli.h"
#include "cli/interrupt.h"
#include "cli/output.h"
#include "sim/fsens.h"
#include "sim/solver.h"

#include <fcntl.h>
#include <ftw.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>

#define MAX_WORDS 32

int __wrap_solver_create(size_t n, solver_rhs_fn f, void *user, const double *atol, double rtol, solver **out,
                         ketsim_error *err);
int __wrap_fsens_create(ketsim_model *m, const char *const *names, size_t np, fsens **out, ketsim_error *err);

int __wrap_solver_create(size_t n, solver_rhs_fn f, void *user, const double *atol, double rtol, solver **out,
                         ketsim_error *err)
{
    (void)n, (void)f, (void)user, (void)atol, (void)rtol;
    *out = NULL;
    return KETSIM_FAIL(err, KETSIM_EINTERNAL, "fuzz: no solving");
}

int __wrap_fsens_create(ketsim_model *m, const char *const *names, size_t np, fsens **out, ketsim_error *err)
{
    (void)m, (void)names, (void)np;
    *out = NULL;
    return KETSIM_FAIL(err, KETSIM_EINTERNAL, "fuzz: no solving");
}

static char work_dir[] = "/tmp/ketsim-fuzz-argv.XXXXXX";
static char data_dir[4096];
static int home_fd = -1; /* the directory the driver was started in, back after each input */

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st, (void)type;
    if (ftw->level > 0) /* the directory itself stays until exit */
        remove(path);
    return 0;
}

/* Empty the working directory: no input sees what an earlier one wrote. */
static void clear_work_dir(void)
{
    nftw(work_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void remove_work_dir(void)
{
    clear_work_dir();
    rmdir(work_dir);
}

/* Once per process (the replay driver has no initialisation hook). */
static void set_up(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    gsl_set_error_handler_off();
    const char *d = getenv("KETSIM_DATA_DIR");
    if (!d) /* .ci/fuzz sets nothing: the source tree's data */
        d = KETSIM_FUZZ_DATA_DIR;
    home_fd = open(".", O_RDONLY | O_DIRECTORY);
    if (!d || strlen(d) >= sizeof data_dir || home_fd < 0 || !mkdtemp(work_dir)) {
        fprintf(stderr, "fuzz_argv: needs a data directory and a temporary directory\n");
        abort();
    }
    strcpy(data_dir, d);
    atexit(remove_work_dir);
    int null_in = open("/dev/null", O_RDONLY), null_out = open("/dev/null", O_WRONLY);
    if (null_in < 0 || null_out < 0 || dup2(null_in, 0) < 0 || dup2(null_out, 1) < 0)
        abort();
    close(null_in);
    close(null_out);
    if (cli_interrupt_start() != 0)
        abort();
}

/* Split at newlines into at most MAX_WORDS - 1 words after "ketsim"; 0 when
 * the input is to be skipped (a '/' or NUL, too many words). */
static int split(char *s, char **words, int *n)
{
    words[0] = "ketsim";
    *n = 1;
    if (strchr(s, '/'))
        return 0;
    for (char *w = s; *w || w == s;) {
        if (*n == MAX_WORDS - 1)
            return 0;
        words[(*n)++] = w;
        char *nl = strchr(w, '\n');
        if (!nl)
            break;
        *nl = '\0';
        w = nl + 1;
    }
    words[*n] = NULL;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    set_up();
    if (memchr(data, '\0', size))
        return 0;
    char *s = fuzz_cstring(data, size);
    if (!s)
        return 0;
    char *words[MAX_WORDS];
    int n;
    if (split(s, words, &n)) {
        /* each input sees the same data directory, whatever the last --data-dir was */
        if (setenv("KETSIM_DATA_DIR", data_dir, 1) != 0)
            abort();
        if (chdir(work_dir) != 0)
            abort();
        cli_record_command(n, words);
        int rc = cli_data_dir_setup(&n, words);
        if (!rc)
            rc = cli_dispatch(n, words);
        fflush(stdout);
        if (rc < 0 || rc > 3) /* docs/robustness.md, "Exit status" */
            abort();
        clear_work_dir();
        if (fchdir(home_fd) != 0)
            abort();
    }
    free(s);
    return 0;
}
