#include "atomic.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int atomic_open(atomic_file *af, const char *path, ketsim_error *err)
{
    memset(af, 0, sizeof *af);
    if (!path || strcmp(path, "-") == 0) {
        af->fp = stdout;
        af->is_stdout = 1;
        return KETSIM_OK;
    }
    if (strlen(path) >= sizeof af->final_path)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "output path too long");
    strcpy(af->final_path, path);
    snprintf(af->tmp_path, sizeof af->tmp_path, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(af->tmp_path);
    if (fd < 0)
        return KETSIM_FAIL(err, KETSIM_EIO, "%s: cannot create output file: %s", path, strerror(errno));
    af->fp = fdopen(fd, "w");
    if (!af->fp) {
        close(fd);
        unlink(af->tmp_path);
        return KETSIM_FAIL(err, KETSIM_EIO, "%s: cannot open output file: %s", path, strerror(errno));
    }
    return KETSIM_OK;
}

int atomic_commit(atomic_file *af, ketsim_error *err)
{
    if (af->is_stdout) {
        if (fflush(stdout) != 0 || ferror(stdout))
            return KETSIM_FAIL(err, KETSIM_EIO, "error writing to standard output: %s", strerror(errno));
        return KETSIM_OK;
    }
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
    return KETSIM_OK;
}

void atomic_abort(atomic_file *af)
{
    if (af->is_stdout || !af->fp)
        return;
    fclose(af->fp);
    af->fp = NULL;
    unlink(af->tmp_path);
}
