#include "fuzz_common.h"

#include <stdio.h>
#include <sys/types.h>

static char scratch_path[64];
static int scratch_fd = -1;

static void remove_scratch(void)
{
    if (scratch_fd >= 0) {
        close(scratch_fd);
        unlink(scratch_path);
    }
}

static int open_scratch(void)
{
    /* A memory file system keeps the per-input write cheap (about 100x more
     * inputs per second than a disk-backed /tmp). */
    const char *dir = getenv("TMPDIR");
    if (!dir || strlen(dir) >= 32)
        dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(scratch_path, sizeof scratch_path, "%s/ketsim-fuzz-XXXXXX", dir);
    scratch_fd = mkstemp(scratch_path);
    if (scratch_fd < 0)
        return -1;
    atexit(remove_scratch);
    return 0;
}

const char *fuzz_write_temp(const uint8_t *data, size_t size)
{
    if (scratch_fd < 0 && open_scratch() != 0)
        return NULL;
    if (ftruncate(scratch_fd, 0) != 0)
        return NULL;
    size_t done = 0;
    while (done < size) {
        ssize_t w = pwrite(scratch_fd, data + done, size - done, (off_t)done);
        if (w <= 0)
            return NULL;
        done += (size_t)w;
    }
    return scratch_path;
}
