/* --report FILE.html (report_cli.h).  open_memstream and mkdtemp are
 * POSIX 2008; scandir's alphasort needs the default feature set. */
#define _DEFAULT_SOURCE
#include "report_cli.h"
#include "cli.h"
#include "interrupt.h"
#include "ketsim/ketsim.h"
#include "util/files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Set at configure time (cmake/run_meta.cmake). */
#ifndef KETSIM_GIT_COMMIT
#define KETSIM_GIT_COMMIT "unknown"
#endif

#define SCRATCH_PREFIX ".ketsim-report."
/* A scratch directory nobody holds locked is a killed run's once it is this
 * old; a younger one may belong to a run between its mkdtemp and its lock. */
#define SCRATCH_STALE_S 60

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

int cli_report_check_path(const char *cmd, const char *path)
{
    if (path && !ends_with(path, ".html") && !ends_with(path, ".htm"))
        return cli_usage(cmd, "--report '%s': the file name must end in .html", path);
    return 0;
}

int cli_report_active(const cli_report *r) { return r->path != NULL; }

const char *cli_report_fig_dir(const cli_report *r) { return r->fig_dir[0] ? r->fig_dir : NULL; }

void cli_report_use_figures(cli_report *r, const char *dir)
{
    /* only a report without a scratch directory of its own: the figures
     * are then read from `dir`, which the report never removes */
    if (r->path && !r->fig_name[0] && dir)
        snprintf(r->fig_dir, sizeof r->fig_dir, "%s", dir);
}

/* Run by the interrupt watcher (output lock held) and on the way out. */
static void scratch_cleanup(void *obj)
{
    cli_report *r = obj;
    if (r->fig_name[0] && r->parent_fd >= 0)
        files_remove_flat_dir(r->parent_fd, r->fig_name);
}

static void scratch_end(cli_report *r)
{
    cli_output_lock();
    scratch_cleanup(r);
    r->fig_name[0] = '\0';
    r->fig_dir[0] = '\0';
    cli_cleanup_unregister(r);
    if (r->parent_fd >= 0)
        close(r->parent_fd);
    if (r->fig_fd >= 0)
        close(r->fig_fd); /* and with it the lock */
    r->parent_fd = r->fig_fd = -1;
    cli_output_unlock();
}

/* Scratch directories that SIGKILL (or a power loss) left beside reports:
 * a live run holds a lock on its own, which the kernel drops when the run
 * dies however it dies, so an unlocked one that is not brand new is
 * removed. */
static void scratch_sweep(int parent_fd, const char *own)
{
    int fd = dup(parent_fd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return;
    }
    char names[16][64];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 16)
        if (!strncmp(e->d_name, SCRATCH_PREFIX, strlen(SCRATCH_PREFIX)) && strcmp(e->d_name, own) &&
            strlen(e->d_name) < sizeof names[0])
            strcpy(names[n++], e->d_name);
    closedir(d);
    time_t now = time(NULL);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        int dfd = openat(parent_fd, names[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (dfd < 0)
            continue;
        if (fstat(dfd, &st) == 0 && now - st.st_mtime >= SCRATCH_STALE_S && flock(dfd, LOCK_EX | LOCK_NB) == 0)
            files_remove_flat_dir(parent_fd, names[i]);
        close(dfd);
    }
}

/* The scratch directory goes next to the report: the one place the user
 * allowed this run to write. */
static int scratch_make(cli_report *r, ketsim_error *err)
{
    char copy[4096];
    if (snprintf(copy, sizeof copy, "%s", r->path) >= (int)sizeof copy)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--report '%s': path too long", r->path);
    const char *parent = dirname(copy);
    char tmpl[sizeof r->fig_dir];
    snprintf(tmpl, sizeof tmpl, "%s/%sXXXXXX", parent, SCRATCH_PREFIX);
    int rc = KETSIM_OK;
    cli_output_lock();
    r->parent_fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (r->parent_fd < 0)
        rc = KETSIM_FAIL(err, KETSIM_EIO, "--report '%s': cannot open its directory: %s", r->path, strerror(errno));
    else if (!mkdtemp(tmpl))
        rc = KETSIM_FAIL(err, KETSIM_EIO, "--report '%s': cannot make a scratch directory for the figures: %s",
                         r->path, strerror(errno));
    else {
        snprintf(r->fig_dir, sizeof r->fig_dir, "%s", tmpl);
        snprintf(r->fig_name, sizeof r->fig_name, "%s", strrchr(tmpl, '/') + 1);
        r->fig_fd = open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (r->fig_fd < 0 || flock(r->fig_fd, LOCK_EX | LOCK_NB) != 0) {
            rc = KETSIM_FAIL(err, KETSIM_EIO, "--report '%s': cannot lock its scratch directory: %s", r->path,
                             strerror(errno));
            scratch_cleanup(r);
            r->fig_name[0] = '\0';
            r->fig_dir[0] = '\0';
        } else if (cli_cleanup_register(scratch_cleanup, r)) {
            scratch_cleanup(r);
            r->fig_name[0] = '\0';
            r->fig_dir[0] = '\0';
            rc = KETSIM_FAIL(err, KETSIM_EINTERNAL, "too many outputs open");
        }
    }
    if (!rc)
        scratch_sweep(r->parent_fd, r->fig_name);
    cli_output_unlock();
    return rc;
}

int cli_report_open(cli_report *r, const char *path, int figures, ketsim_error *err)
{
    memset(r, 0, sizeof *r);
    r->parent_fd = r->fig_fd = -1;
    if (!path)
        return KETSIM_OK;
    r->path = path;
    int rc = cli_file_open(&r->file, path, err);
    if (rc) {
        ketsim_error_prefix(err, "--report: ");
        r->path = NULL;
        return rc;
    }
    if (figures && (rc = scratch_make(r, err)) != KETSIM_OK)
        cli_report_abort(r);
    return rc;
}

void cli_report_begin(cli_report *r, const char *title, const char *command_line, const cli_run_info *info)
{
    if (!r->path)
        return;
    ketsim_html *h = &r->html;
    ketsim_html_begin(h, cli_file_stream(&r->file), title);
    ketsim_html_section(h, "Run");
    ketsim_html_kv_begin(h);
    ketsim_html_kv(h, "command line", command_line);
    ketsim_html_kv(h, "ketsim version", KETSIM_VERSION);
    ketsim_html_kv(h, "git commit", KETSIM_GIT_COMMIT);
    for (size_t i = 0; info && i < info->n_seeds; i++) {
        char key[256], val[32];
        snprintf(key, sizeof key, "seed (%s)", info->seed_names[i] ? info->seed_names[i] : "run");
        snprintf(val, sizeof val, "%llu", info->seeds[i]);
        ketsim_html_kv(h, key, val);
    }
    if (!info || info->n_seeds == 0)
        ketsim_html_kv(h, "seed", "none (this run draws no random numbers)");
    for (size_t i = 0; info && i < info->n_inputs; i++)
        ketsim_html_kv(h, "file read", info->inputs[i]);
    ketsim_html_kv_end(h);
}

void cli_report_params(cli_report *r, const ketsim_params *p, const char *note)
{
    if (!r->path)
        return;
    static const char *const head[] = {"parameter", "default", "value", "unit", "kind", "source of the default"};
    ketsim_html *h = &r->html;
    ketsim_html_section(h, "Parameters changed from the default");
    if (note)
        ketsim_html_text(h, note);
    size_t n = 0, count = p ? ketsim_params_count(p) : 0;
    for (size_t i = 0; i < count; i++) {
        ketsim_param_info pi;
        if (ketsim_params_info(p, i, &pi) != KETSIM_OK || !pi.overridden)
            continue;
        if (n++ == 0)
            ketsim_html_table_begin(h, NULL, head, 6);
        char def[32], val[32];
        snprintf(def, sizeof def, "%.6g", pi.default_value);
        snprintf(val, sizeof val, "%.6g", pi.value);
        const char *cells[] = {pi.name, def, val, pi.unit, ketsim_param_kind_name(pi.kind), pi.source};
        ketsim_html_table_row(h, cells, KETSIM_HTML_PLAIN);
    }
    if (n)
        ketsim_html_table_end(h);
    else if (p)
        ketsim_html_text(h, "None: every parameter has its default value (ketsim params lists them with "
                            "their sources).");
}

int cli_report_printed(cli_report *r, const char *heading, cli_report_printer print, const void *ctx,
                       ketsim_error *err)
{
    if (!r->path)
        return KETSIM_OK;
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    int rc = print(mem, ctx, err);
    if (fclose(mem) != 0 && !rc)
        rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    if (!rc) {
        ketsim_html_section(&r->html, heading);
        ketsim_html_pre(&r->html, buf);
    }
    free(buf);
    return rc;
}

static int is_svg(const struct dirent *e) { return ends_with(e->d_name, ".svg"); }

/* Position of a figure: its place in `order`, or after all of them. */
static size_t rank_of(const char *file, const char *const *order)
{
    size_t k = 0;
    for (; order && order[k]; k++)
        if (strlen(file) == strlen(order[k]) + 4 && !strncmp(file, order[k], strlen(order[k])))
            return k;
    return k;
}

static int inline_figure(cli_report *r, const char *file, int number, ketsim_error *err)
{
    char path[sizeof r->fig_dir + 300], caption[300];
    snprintf(path, sizeof path, "%s/%s", r->fig_dir, file);
    snprintf(caption, sizeof caption, "Figure %d: %.*s (as --plot DIR writes it)", number,
             (int)(strlen(file) - 4), file);
    return ketsim_html_svg_file(&r->html, path, caption, err);
}

int cli_report_figures(cli_report *r, const char *const *order, ketsim_error *err)
{
    if (!r->path || !r->fig_dir[0])
        return KETSIM_OK;
    struct dirent **list = NULL;
    /* by name in the C locale: the same order on every machine */
    int n = scandir(r->fig_dir, &list, is_svg, alphasort);
    if (n < 0)
        return KETSIM_FAIL(err, KETSIM_EIO, "--report: cannot read the figures: %s", strerror(errno));
    ketsim_html_section(&r->html, "Figures");
    if (n == 0)
        ketsim_html_text(&r->html, "This run drew no figures.");
    int rc = KETSIM_OK, number = 0;
    size_t n_order = rank_of("", order);
    for (size_t k = 0; k <= n_order; k++)
        for (int i = 0; !rc && i < n; i++)
            if (rank_of(list[i]->d_name, order) == k)
                rc = inline_figure(r, list[i]->d_name, ++number, err);
    for (int i = 0; i < n; i++)
        free(list[i]);
    free(list);
    return rc;
}

int cli_report_commit(cli_report *r, ketsim_error *err)
{
    if (!r->path)
        return KETSIM_OK;
    int rc = ketsim_html_end(&r->html, err);
    if (rc) {
        ketsim_error_prefix(err, "--report: ");
        cli_report_abort(r);
        return rc;
    }
    rc = cli_file_commit(&r->file, err);
    scratch_end(r);
    r->path = NULL;
    return rc;
}

void cli_report_abort(cli_report *r)
{
    if (!r->path)
        return;
    cli_file_abort(&r->file);
    scratch_end(r);
    r->path = NULL;
}
