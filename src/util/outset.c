/* Output sets (see outset.h).  flock is BSD, not POSIX: hence the feature
 * macro. */
#define _DEFAULT_SOURCE
#include "outset.h"
#include "files.h"
#include "sha256.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define STAGE_PREFIX ".ketsim-stage."
#define READY_PREFIX ".ketsim-ready."
#define MANIFEST_SUFFIX "_manifest.json"
#define MAX_FILES 256

struct outset {
    char dir[4096];
    char flag[32];
    char set[FILES_NAME_MAX + 1];
    char stage_name[64];
    char stage_path[4096 + 64];
    int dirfd;        /* the output directory, locked */
    int created;      /* this run made it */
    int stage_made;
    int ended;        /* published or discarded */
};

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Move the files of a ready stage into the directory, the manifest last
 * (after removing the old one, so no reader takes the old manifest for the
 * new files), then remove the empty stage. */
static int roll_forward(int dirfd, const char *ready, const char *dir, ketsim_error *err)
{
    int fd = openat(dirfd, ready, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return KETSIM_FAIL(err, KETSIM_EIO, "%s/%s: cannot open: %s", dir, ready, strerror(errno));
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return KETSIM_FAIL(err, KETSIM_EIO, "%s/%s: cannot read: %s", dir, ready, strerror(errno));
    }
    char manifest[256] = "";
    int rc = KETSIM_OK;
    struct dirent *e;
    while ((e = readdir(d)))
        if (ends_with(e->d_name, MANIFEST_SUFFIX) && strlen(e->d_name) < sizeof manifest)
            strcpy(manifest, e->d_name);
    if (manifest[0] && unlinkat(dirfd, manifest, 0) != 0 && errno != ENOENT)
        rc = KETSIM_FAIL(err, KETSIM_EIO, "%s/%s: cannot replace: %s", dir, manifest, strerror(errno));
    rewinddir(d);
    while (!rc && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, manifest))
            continue;
        if (renameat(fd, e->d_name, dirfd, e->d_name) != 0)
            rc = KETSIM_FAIL(err, KETSIM_EIO, "%s/%s: cannot publish: %s", dir, e->d_name, strerror(errno));
    }
    if (!rc && manifest[0] && renameat(fd, manifest, dirfd, manifest) != 0)
        rc = KETSIM_FAIL(err, KETSIM_EIO, "%s/%s: cannot publish: %s", dir, manifest, strerror(errno));
    closedir(d);
    (void)fsync(dirfd);
    if (!rc)
        (void)unlinkat(dirfd, ready, AT_REMOVEDIR);
    return rc;
}

/* What killed runs left: a ready stage is published, a partial one removed.
 * Only the holder of the lock does this, so no live run is disturbed. */
static int recover(int dirfd, const char *dir, ketsim_error *err)
{
    int fd = dup(dirfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return KETSIM_FAIL(err, KETSIM_EIO, "%s: cannot read the directory: %s", dir, strerror(errno));
    }
    char names[16][64];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 16)
        if ((starts_with(e->d_name, READY_PREFIX) || starts_with(e->d_name, STAGE_PREFIX)) &&
            strlen(e->d_name) < sizeof names[0])
            strcpy(names[n++], e->d_name);
    closedir(d);
    int rc = KETSIM_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        if (starts_with(names[i], READY_PREFIX))
            rc = roll_forward(dirfd, names[i], dir, err);
        else
            files_remove_flat_dir(dirfd, names[i]);
    }
    return rc;
}

static int open_dir(outset *s, ketsim_error *err)
{
    struct stat st;
    if (stat(s->dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return KETSIM_FAIL(err, KETSIM_EIO, "%s '%s': exists and is not a directory", s->flag, s->dir);
    } else if (mkdir(s->dir, 0777) == 0) {
        s->created = 1;
    } else {
        return KETSIM_FAIL(err, KETSIM_EIO, "%s '%s': cannot create: %s", s->flag, s->dir, strerror(errno));
    }
    s->dirfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (s->dirfd < 0)
        return KETSIM_FAIL(err, KETSIM_EIO, "%s '%s': cannot open: %s", s->flag, s->dir, strerror(errno));
    if (flock(s->dirfd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK)
            return KETSIM_FAIL(err, KETSIM_EIO,
                               "%s '%s': another ketsim run is writing into this directory (locked until it ends)",
                               s->flag, s->dir);
        return KETSIM_FAIL(err, KETSIM_EIO, "%s '%s': cannot lock: %s", s->flag, s->dir, strerror(errno));
    }
    return KETSIM_OK;
}

static int make_stage(outset *s, ketsim_error *err)
{
    for (int attempt = 0; attempt < 100; attempt++) {
        char hex[17];
        int rc = files_random_hex(hex, 16, err);
        if (rc)
            return rc;
        snprintf(s->stage_name, sizeof s->stage_name, "%s%s", STAGE_PREFIX, hex);
        if (mkdirat(s->dirfd, s->stage_name, 0700) == 0) {
            s->stage_made = 1;
            snprintf(s->stage_path, sizeof s->stage_path, "%s/%s", s->dir, s->stage_name);
            return KETSIM_OK;
        }
        if (errno != EEXIST)
            return KETSIM_FAIL(err, KETSIM_EIO, "%s '%s': cannot write into it: %s", s->flag, s->dir,
                               strerror(errno));
    }
    return KETSIM_FAIL(err, KETSIM_EIO, "%s '%s': cannot make a staging directory", s->flag, s->dir);
}

int outset_begin(const char *dir, const char *flag, const char *set, outset **out, ketsim_error *err)
{
    *out = NULL;
    if (strlen(dir) >= 4000)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s '%s': path too long", flag, dir);
    int rc = files_check_name("output set", set, err);
    if (rc)
        return rc;
    outset *s = calloc(1, sizeof *s);
    if (!s)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    s->dirfd = -1;
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    snprintf(s->flag, sizeof s->flag, "%s", flag);
    snprintf(s->set, sizeof s->set, "%s", set);
    rc = open_dir(s, err);
    if (!rc)
        rc = recover(s->dirfd, s->dir, err);
    if (!rc)
        rc = make_stage(s, err);
    if (rc) {
        outset_discard(s);
        outset_free(s);
        return rc;
    }
    *out = s;
    return KETSIM_OK;
}

const char *outset_stage(const outset *s) { return s->stage_path; }
const char *outset_dir(const outset *s) { return s->dir; }
const char *outset_name(const outset *s) { return s->set; }

int outset_is_dir(const outset *s, const char *path)
{
    struct stat a, b;
    return stat(path, &a) == 0 && fstat(s->dirfd, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int outset_open_file(outset *s, const char *name, FILE **fp, ketsim_error *err)
{
    *fp = NULL;
    int rc = files_check_name("output file", name, err);
    if (rc)
        return rc;
    char path[sizeof s->stage_path + 256];
    snprintf(path, sizeof path, "%s/%s", s->stage_path, name);
    *fp = fopen(path, "wx");
    if (!*fp)
        return KETSIM_FAIL(err, KETSIM_EIO, "%s/%s: cannot create: %s", s->dir, name, strerror(errno));
    return KETSIM_OK;
}

int outset_close_file(outset *s, FILE *fp, const char *name, ketsim_error *err)
{
    int bad = ferror(fp) || fflush(fp) != 0 || fsync(fileno(fp)) != 0;
    int saved = errno;
    if (fclose(fp) != 0 && !bad) {
        bad = 1;
        saved = errno;
    }
    if (bad)
        return KETSIM_FAIL(err, KETSIM_EIO, "%s/%s: write failed: %s", s->dir, name,
                           saved ? strerror(saved) : "I/O error");
    return KETSIM_OK;
}

/* Size and SHA-256 of one staged file. */
static int checksum(int stagefd, const char *name, outset_entry *e, const char *dir, ketsim_error *err)
{
    int fd = openat(stagefd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return KETSIM_FAIL(err, KETSIM_EIO, "%s/%s: cannot read back: %s", dir, name, strerror(errno));
    sha256_ctx c;
    sha256_init(&c);
    unsigned char buf[65536];
    ssize_t r;
    e->bytes = 0;
    while ((r = read(fd, buf, sizeof buf)) > 0) {
        sha256_update(&c, buf, (size_t)r);
        e->bytes += (unsigned long long)r;
    }
    int saved = errno;
    close(fd);
    if (r < 0)
        return KETSIM_FAIL(err, KETSIM_EIO, "%s/%s: cannot read back: %s", dir, name, strerror(saved));
    snprintf(e->name, sizeof e->name, "%s", name);
    sha256_final_hex(&c, e->sha256);
    return KETSIM_OK;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const outset_entry *)a)->name, ((const outset_entry *)b)->name);
}

/* Every regular file of the stage, with its checksum, sorted by name. */
static int list_stage(outset *s, outset_entry *files, size_t *n, ketsim_error *err)
{
    int fd = openat(s->dirfd, s->stage_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return KETSIM_FAIL(err, KETSIM_EIO, "%s: cannot read the staging directory: %s", s->dir, strerror(errno));
    }
    int rc = KETSIM_OK;
    struct dirent *e;
    *n = 0;
    while (!rc && (e = readdir(d))) {
        struct stat st;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
            rc = KETSIM_FAIL(err, KETSIM_EINTERNAL, "%s: '%s' in the staging directory is not a file", s->dir,
                             e->d_name);
        else if (*n == MAX_FILES)
            rc = KETSIM_FAIL(err, KETSIM_EINTERNAL, "%s: more than %d files in one output set", s->dir, MAX_FILES);
        else
            rc = checksum(fd, e->d_name, &files[(*n)++], s->dir, err);
    }
    if (!rc)
        (void)fsync(fd);
    closedir(d);
    if (!rc)
        qsort(files, *n, sizeof *files, by_name);
    return rc;
}

int outset_publish(outset *s, outset_manifest_fn manifest, void *user, ketsim_error *err)
{
    outset_entry *files = malloc(MAX_FILES * sizeof *files);
    char mname[FILES_NAME_MAX + sizeof MANIFEST_SUFFIX];
    snprintf(mname, sizeof mname, "%s%s", s->set, MANIFEST_SUFFIX);
    size_t n = 0;
    FILE *fp = NULL;
    int rc = files ? list_stage(s, files, &n, err) : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < n; i++)
        if (strcmp(files[i].name, mname) == 0)
            rc = KETSIM_FAIL(err, KETSIM_EINTERNAL, "%s: a file of the set is called %s", s->dir, mname);
    if (!rc)
        rc = outset_open_file(s, mname, &fp, err);
    if (!rc) {
        rc = manifest(fp, files, n, user, err);
        int rc2 = outset_close_file(s, fp, mname, rc ? NULL : err);
        rc = rc ? rc : rc2;
    }
    free(files);
    char ready[64];
    snprintf(ready, sizeof ready, "%s%s", READY_PREFIX, s->stage_name + strlen(STAGE_PREFIX));
    if (!rc && renameat(s->dirfd, s->stage_name, s->dirfd, ready) != 0)
        rc = KETSIM_FAIL(err, KETSIM_EIO, "%s: cannot publish the output set: %s", s->dir, strerror(errno));
    if (rc) {
        outset_discard(s);
        return rc;
    }
    /* complete on disk: a kill from here on is finished by the next run */
    s->stage_made = 0;
    s->created = 0;
    s->ended = 1;
    (void)fsync(s->dirfd);
    return roll_forward(s->dirfd, ready, s->dir, err);
}

void outset_discard(outset *s)
{
    if (!s || s->ended)
        return;
    s->ended = 1;
    if (s->stage_made && s->dirfd >= 0)
        files_remove_flat_dir(s->dirfd, s->stage_name);
    s->stage_made = 0;
    if (s->created)
        (void)rmdir(s->dir); /* fails harmlessly when something else is in it */
}

void outset_free(outset *s)
{
    if (!s)
        return;
    if (s->dirfd >= 0)
        close(s->dirfd);
    free(s);
}
