#include "files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

int files_name_is_plain(const char *name)
{
    size_t n = 0;
    if (!name || !*name || name[0] == '.')
        return 0;
    for (const char *p = name; *p; p++, n++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '-' || c == '.'))
            return 0;
    }
    return n <= FILES_NAME_MAX;
}

int files_check_name(const char *what, const char *name, ketsim_error *err)
{
    if (files_name_is_plain(name))
        return KETSIM_OK;
    return KETSIM_FAIL(err, KETSIM_EINPUT,
                       "%s '%s' cannot be used in a file name: use 1 to %d letters, digits, '_', '-' or '.', "
                       "not starting with '.'",
                       what, name ? name : "", FILES_NAME_MAX);
}

int files_random_hex(char *buf, size_t n, ketsim_error *err)
{
    unsigned char raw[64];
    if (n > 2 * sizeof raw)
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "random name too long");
    size_t need = (n + 1) / 2, got = 0;
    while (got < need) {
        ssize_t r = getrandom(raw + got, need - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return KETSIM_FAIL(err, KETSIM_EIO, "no random numbers from the kernel: %s", strerror(errno));
        got += (size_t)r;
    }
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++)
        buf[i] = digits[(raw[i / 2] >> (i % 2 ? 0 : 4)) & 0xf];
    buf[n] = '\0';
    return KETSIM_OK;
}

int files_create_tmp(const char *path, char *tmp, size_t size, ketsim_error *err)
{
    /* mkstemp would make the file 0600 whatever the umask says; an output
     * file gets the permissions of any file the user creates */
    for (int attempt = 0; attempt < 100; attempt++) {
        char suffix[7];
        if (files_random_hex(suffix, 6, err))
            return -1;
        if (snprintf(tmp, size, "%s.tmp.%s", path, suffix) >= (int)size) {
            KETSIM_FAIL(err, KETSIM_EINPUT, "%s: output path too long", path);
            return -1;
        }
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0)
            return fd;
        if (errno != EEXIST) {
            KETSIM_FAIL(err, KETSIM_EIO, "%s: cannot create output file: %s", path, strerror(errno));
            return -1;
        }
    }
    KETSIM_FAIL(err, KETSIM_EIO, "%s: cannot create a temporary file beside it", path);
    return -1;
}

void files_sync_parent(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else if ((size_t)(slash - path) < sizeof dir)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    else
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

void files_remove_flat_dir(int dirfd, const char *name)
{
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd >= 0) {
        DIR *d = fdopendir(fd);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)))
                if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                    (void)unlinkat(fd, e->d_name, 0);
            closedir(d); /* closes fd */
        } else {
            close(fd);
        }
    }
    (void)unlinkat(dirfd, name, AT_REMOVEDIR);
}
