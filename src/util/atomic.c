/* realpath is XSI in glibc's headers */
#define _XOPEN_SOURCE 700
#include "atomic.h"
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Open a device, FIFO or socket for writing where it is (no O_CREAT, no
 * truncation: a terminal or /dev/null has nothing to truncate). */
static int open_in_place(atomic_file *af, const char *path, ketsim_error *err)
{
    int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return KETSIM_FAIL(err, KETSIM_EIO, "%s: cannot open output: %s", path, strerror(errno));
    af->fp = fdopen(fd, "w");
    if (!af->fp) {
        close(fd);
        return KETSIM_FAIL(err, KETSIM_EIO, "%s: cannot open output: %s", path, strerror(errno));
    }
    af->direct = 1;
    snprintf(af->final_path, sizeof af->final_path, "%s", path);
    return KETSIM_OK;
}

/* Where the output goes: PATH itself, or the target of a symbolic link to
 * a regular file, so that the rename replaces the file and keeps the link. */
static int final_target(const char *path, char *out, size_t size, ketsim_error *err)
{
    struct stat lst;
    if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
        char *real = realpath(path, NULL);
        if (real && strlen(real) < size) {
            strcpy(out, real);
            free(real);
            return KETSIM_OK;
        }
        free(real); /* a dangling link: the file is created in its place */
    }
    if (strlen(path) >= size)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: output path too long", path);
    strcpy(out, path);
    return KETSIM_OK;
}

int atomic_open(atomic_file *af, const char *path, ketsim_error *err)
{
    memset(af, 0, sizeof *af);
    if (!path || strcmp(path, "-") == 0) {
        af->fp = stdout;
        af->is_stdout = 1;
        return KETSIM_OK;
    }
    struct stat st;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return KETSIM_FAIL(err, KETSIM_EIO, "%s: is a directory, not an output file", path);
        if (!S_ISREG(st.st_mode))
            return open_in_place(af, path, err);
    }
    int rc = final_target(path, af->final_path, sizeof af->final_path, err);
    if (rc)
        return rc;
    int fd = files_create_tmp(af->final_path, af->tmp_path, sizeof af->tmp_path, err);
    if (fd < 0)
        return KETSIM_EIO;
    af->fp = fdopen(fd, "w");
    if (!af->fp) {
        close(fd);
        unlink(af->tmp_path);
        return KETSIM_FAIL(err, KETSIM_EIO, "%s: cannot open output file: %s", path, strerror(errno));
    }
    return KETSIM_OK;
}

static int commit_in_place(atomic_file *af, ketsim_error *err)
{
    int bad = ferror(af->fp) || fflush(af->fp) != 0;
    int saved = errno;
    if (fclose(af->fp) != 0 && !bad) {
        bad = 1;
        saved = errno;
    }
    af->fp = NULL;
    if (bad)
        return KETSIM_FAIL(err, KETSIM_EIO, "%s: write failed: %s", af->final_path, strerror(saved));
    return KETSIM_OK;
}

int atomic_commit(atomic_file *af, ketsim_error *err)
{
    if (af->is_stdout) {
        if (fflush(stdout) != 0 || ferror(stdout))
            return KETSIM_FAIL(err, KETSIM_EIO, "error writing to standard output: %s", strerror(errno));
        return KETSIM_OK;
    }
    if (af->direct)
        return commit_in_place(af, err);
    int bad = ferror(af->fp) || fflush(af->fp) != 0 || fsync(fileno(af->fp)) != 0;
    int saved = errno;
    if (fclose(af->fp) != 0 && !bad) {
        bad = 1;
        saved = errno;
    }
    af->fp = NULL;
    if (bad || rename(af->tmp_path, af->final_path) != 0) {
        if (!bad)
            saved = errno;
        unlink(af->tmp_path);
        return KETSIM_FAIL(err, KETSIM_EIO, "%s: write failed: %s", af->final_path, strerror(saved));
    }
    af->tmp_path[0] = '\0';
    files_sync_parent(af->final_path);
    return KETSIM_OK;
}

void atomic_abort(atomic_file *af)
{
    if (af->is_stdout || !af->fp)
        return;
    fclose(af->fp);
    af->fp = NULL;
    if (!af->direct && af->tmp_path[0])
        unlink(af->tmp_path);
    af->tmp_path[0] = '\0';
}
