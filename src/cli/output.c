#include "output.h"
#include "interrupt.h"
#include "ketsim/formats.h"
#include "ketsim/ketsim.h"
#include "util/files.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- one file ------------------------------------------------------------ */

/* Run by the interrupt watcher: the temporary file goes (an in-place
 * special file is left as it is). */
static void file_cleanup(void *obj)
{
    cli_file *f = obj;
    if (f->open && !f->af.direct && f->af.tmp_path[0])
        unlink(f->af.tmp_path);
}

int cli_file_open(cli_file *f, const char *path, ketsim_error *err)
{
    memset(f, 0, sizeof *f);
    cli_output_lock();
    int rc = atomic_open(&f->af, path, err);
    if (!rc) {
        f->open = 1;
        if (cli_cleanup_register(file_cleanup, f)) {
            atomic_abort(&f->af);
            f->open = 0;
            rc = KETSIM_FAIL(err, KETSIM_EINTERNAL, "too many outputs open");
        }
    }
    cli_output_unlock();
    return rc;
}

FILE *cli_file_stream(cli_file *f) { return f->af.fp; }

int cli_file_commit(cli_file *f, ketsim_error *err)
{
    cli_output_lock();
    if (cli_interrupted()) {
        cli_output_unlock();
        cli_interrupt_wait();
    }
    int rc = atomic_commit(&f->af, err);
    f->open = 0;
    cli_cleanup_unregister(f);
    cli_output_unlock();
    return rc;
}

void cli_file_abort(cli_file *f)
{
    if (!f->open)
        return;
    cli_output_lock();
    atomic_abort(&f->af);
    f->open = 0;
    cli_cleanup_unregister(f);
    cli_output_unlock();
}

/* ---- the command line ------------------------------------------------------ */

/* Set once by main before any command runs, read-only afterwards. */
#define MAX_ARGS 1024
static char *command_argv[MAX_ARGS];
static int command_argc;

void cli_record_command(int argc, char **argv)
{
    command_argc = argc < MAX_ARGS ? argc : MAX_ARGS;
    for (int i = 0; i < command_argc; i++)
        command_argv[i] = argv[i];
}

/* ---- output sets --------------------------------------------------------- */

static void sets_cleanup(void *obj)
{
    cli_outdirs *o = obj;
    outset_discard(o->plots);
    outset_discard(o->data);
}

int cli_outdirs_begin(cli_outdirs *o, const char *out_dir, const char *plot_dir, const char *set,
                      ketsim_error *err)
{
    memset(o, 0, sizeof *o);
    if (!out_dir && !plot_dir)
        return KETSIM_OK;
    int rc = files_random_hex(o->run_id, 32, err);
    if (rc)
        return rc;
    char fig_set[FILES_NAME_MAX + 16];
    snprintf(fig_set, sizeof fig_set, "%s_figures", set);
    cli_output_lock();
    if (cli_cleanup_register(sets_cleanup, o))
        rc = KETSIM_FAIL(err, KETSIM_EINTERNAL, "too many outputs open");
    if (!rc && out_dir)
        rc = outset_begin(out_dir, "--out-dir", set, &o->data, err);
    if (!rc && plot_dir) {
        if (o->data && outset_is_dir(o->data, plot_dir))
            o->plots = o->data; /* one directory, one set, one lock */
        else
            rc = outset_begin(plot_dir, "--plot", o->data ? fig_set : set, &o->plots, err);
    }
    cli_output_unlock();
    if (rc)
        cli_outdirs_end(o);
    return rc;
}

const char *cli_outdirs_data_stage(const cli_outdirs *o) { return o->data ? outset_stage(o->data) : NULL; }
const char *cli_outdirs_plot_stage(const cli_outdirs *o) { return o->plots ? outset_stage(o->plots) : NULL; }

int cli_outdirs_write(cli_outdirs *o, const char *name, cli_writer fn, const void *ctx, ketsim_error *err)
{
    if (!o->data)
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "no output directory for %s", name);
    FILE *fp = NULL;
    cli_output_lock();
    int rc = outset_open_file(o->data, name, &fp, err);
    if (!rc) {
        rc = fn(fp, ctx, err);
        int rc2 = outset_close_file(o->data, fp, name, rc ? NULL : err);
        if (rc == KETSIM_EIO) { /* the writer knows what failed, not where */
            char where[4400];
            snprintf(where, sizeof where, "%s/%s: ", outset_dir(o->data), name);
            ketsim_error_prefix(err, where);
        }
        rc = rc ? rc : rc2;
    }
    cli_output_unlock();
    return rc;
}

typedef struct manifest_ctx {
    const cli_outdirs *o;
    const cli_run_info *info;
    const char *set;
} manifest_ctx;

/* The command as typed, with the program called "ketsim". */
static int write_manifest(FILE *fp, const outset_entry *files, size_t n, void *user, ketsim_error *err)
{
    const manifest_ctx *c = user;
    ketsim_manifest_file *mf = calloc(n ? n : 1, sizeof *mf);
    char **argv = calloc((size_t)command_argc + 1, sizeof *argv);
    if (!mf || !argv) {
        free(mf);
        free(argv);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        mf[i] = (ketsim_manifest_file){files[i].name, files[i].bytes, files[i].sha256};
    argv[0] = "ketsim";
    for (int i = 1; i < command_argc; i++)
        argv[i] = command_argv[i];
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm))
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    else
        snprintf(when, sizeof when, "unknown");
    ketsim_manifest m = {.set = c->set, .run_id = c->o->run_id, .created_utc = when, .version = KETSIM_VERSION,
                         .argc = command_argc > 0 ? command_argc : 1, .argv = argv, .n_seeds = c->info->n_seeds,
                         .seed_names = c->info->seed_names, .seeds = c->info->seeds,
                         .n_inputs = c->info->n_inputs, .inputs = c->info->inputs, .n_files = n, .files = mf};
    int rc = ketsim_manifest_write_json(fp, &m, err);
    free(mf);
    free(argv);
    return rc;
}

int cli_outdirs_publish(cli_outdirs *o, const cli_run_info *info, ketsim_error *err)
{
    int rc = KETSIM_OK;
    cli_output_lock();
    if (cli_interrupted()) {
        cli_output_unlock();
        cli_interrupt_wait();
    }
    outset *sets[2] = {o->data, o->plots != o->data ? o->plots : NULL};
    for (int i = 0; i < 2 && !rc; i++) {
        if (!sets[i])
            continue;
        manifest_ctx c = {o, info, outset_name(sets[i])};
        rc = outset_publish(sets[i], write_manifest, &c, err);
    }
    cli_output_unlock();
    cli_outdirs_end(o);
    return rc;
}

void cli_outdirs_end(cli_outdirs *o)
{
    cli_output_lock();
    outset_discard(o->plots);
    outset_discard(o->data);
    if (o->plots != o->data)
        outset_free(o->plots);
    outset_free(o->data);
    o->plots = o->data = NULL;
    cli_cleanup_unregister(o);
    cli_output_unlock();
}
