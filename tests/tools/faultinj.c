/* Fault injection for tests: an LD_PRELOAD library that makes one chosen
 * call of the C library fail the way a full disk, a bad disk or a process
 * out of descriptors would, so that a test can check what a command does
 * at every point where the system may refuse it (tests/cli/fault_walk.sh).
 *
 *   KETSIM_FAULT_FAMILY  which calls are counted: open (open, openat, creat,
 *                        fopen, their 64 forms), write (write and fwrite on
 *                        files other than stdin/stdout/stderr), close
 *                        (fflush and fclose, which write out what stdio
 *                        has buffered), rename (rename, renameat),
 *                        fsync (fsync, fdatasync), mkdir (mkdir, mkdirat),
 *                        or io for all of these together.  Default io.
 *                        alloc (malloc, calloc, realloc) is counted only
 *                        when named alone: a command makes thousands of
 *                        allocations, walked with a stride.
 *   KETSIM_FAULT_N       the Nth counted call fails (1-based); 0 or unset:
 *                        nothing fails, the calls are only counted.
 *   KETSIM_FAULT_TIMES   how many counted calls fail from the Nth on: a
 *                        fault that persists (default 1, a passing one).
 *   KETSIM_FAULT_LOG     a file the library appends to: "fired FAMILY N"
 *                        when the fault fires, "count TOTAL" at exit.
 *
 * The errno of a failed call is the one the system gives for the situation
 * simulated: EMFILE for opens, ENOSPC for writes, flushes and closes, EIO for fsync
 * and rename, ENOSPC for mkdir, ENOMEM for allocations (NULL; a refused
 * realloc leaves its block as it was).  A failed fclose still closes the
 * stream (as the real one does on an error), so no descriptor leaks.  The
 * allocation calls reach glibc's own allocator through its __libc_ names,
 * because dlsym itself allocates.
 *
 * Only for tests; never linked into the program, and not built in sanitizer
 * builds (the sanitizers' own interposition must come first). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

enum { F_OPEN = 1, F_WRITE = 2, F_CLOSE = 4, F_RENAME = 8, F_FSYNC = 16, F_MKDIR = 32, F_ALLOC = 64 };
enum { F_IO = F_OPEN | F_WRITE | F_CLOSE | F_RENAME | F_FSYNC | F_MKDIR };

static const struct {
    const char *name;
    int bit;
    int err;
} families[] = {
    {"open", F_OPEN, EMFILE},   {"write", F_WRITE, ENOSPC}, {"close", F_CLOSE, ENOSPC},
    {"rename", F_RENAME, EIO},  {"fsync", F_FSYNC, EIO},    {"mkdir", F_MKDIR, ENOSPC},
    {"alloc", F_ALLOC, ENOMEM},
};

static int mask = -1;         /* families counted; -1 until read from the environment */
static long target;           /* the first call to fail, 0: none */
static long times = 1;        /* how many calls fail from `target` on */
static long calls;            /* counted calls so far (atomic) */

static void init(void)
{
    if (__atomic_load_n(&mask, __ATOMIC_ACQUIRE) >= 0)
        return;
    /* the loader allocates before the environment is in place: decide later */
    if (!environ)
        return;
    const char *fam = getenv("KETSIM_FAULT_FAMILY");
    int m = 0;
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
        if (!fam || !*fam || !strcmp(fam, "io") ? (families[i].bit & F_IO) : !strcmp(fam, families[i].name))
            m |= families[i].bit;
    const char *n = getenv("KETSIM_FAULT_N");
    target = n ? strtol(n, NULL, 10) : 0;
    const char *t = getenv("KETSIM_FAULT_TIMES");
    if (t && strtol(t, NULL, 10) > 0)
        times = strtol(t, NULL, 10);
    __atomic_store_n(&mask, m, __ATOMIC_RELEASE);
}

/* Append one line to the log with raw system calls, which this library
 * does not count. */
static void log_line(const char *what, const char *fam, long n)
{
    const char *path = getenv("KETSIM_FAULT_LOG");
    if (!path)
        return;
    char line[4200];
    int len = snprintf(line, sizeof line, "%s %s %ld\n", what, fam, n);
    if (len < 0 || (size_t)len >= sizeof line)
        return;
    int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    (void)!syscall(SYS_write, fd, line, (size_t)len);
    syscall(SYS_close, fd);
}

/* Count a call of `bit`; non-zero (errno set) when this is the one to fail. */
static int fail_now(int bit)
{
    init();
    int m = __atomic_load_n(&mask, __ATOMIC_ACQUIRE);
    if (m < 0 || !(m & bit))
        return 0;
    long n = __atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
    if (target <= 0 || n < target || n - target >= times)
        return 0;
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
        if (families[i].bit == bit) {
            log_line("fired", families[i].name, n);
            errno = families[i].err;
        }
    return 1;
}

__attribute__((destructor)) static void report(void)
{
    init();
    log_line("count", "io", __atomic_load_n(&calls, __ATOMIC_RELAXED));
}

#define REAL(ret, name, ...)                                                                       \
    static ret (*real_fn)(__VA_ARGS__);                                                            \
    if (!real_fn)                                                                                  \
        *(void **)&real_fn = dlsym(RTLD_NEXT, name)

static mode_t mode_arg(int flags, va_list ap)
{
    /* O_TMPFILE contains O_DIRECTORY's bit: test all of it */
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(ap, unsigned) : 0;
}

#define OPEN_LIKE(fn)                                                                              \
    int fn(const char *path, int flags, ...)                                                       \
    {                                                                                              \
        va_list ap;                                                                                \
        va_start(ap, flags);                                                                       \
        mode_t mode = mode_arg(flags, ap);                                                         \
        va_end(ap);                                                                                \
        REAL(int, #fn, const char *, int, ...);                                                    \
        return fail_now(F_OPEN) ? -1 : real_fn(path, flags, mode);                                 \
    }
OPEN_LIKE(open)
OPEN_LIKE(open64)

#define OPENAT_LIKE(fn)                                                                            \
    int fn(int dirfd, const char *path, int flags, ...)                                            \
    {                                                                                              \
        va_list ap;                                                                                \
        va_start(ap, flags);                                                                       \
        mode_t mode = mode_arg(flags, ap);                                                         \
        va_end(ap);                                                                                \
        REAL(int, #fn, int, const char *, int, ...);                                               \
        return fail_now(F_OPEN) ? -1 : real_fn(dirfd, path, flags, mode);                          \
    }
OPENAT_LIKE(openat)
OPENAT_LIKE(openat64)

int creat(const char *path, mode_t mode)
{
    REAL(int, "creat", const char *, mode_t);
    return fail_now(F_OPEN) ? -1 : real_fn(path, mode);
}

#define FOPEN_LIKE(fn)                                                                             \
    FILE *fn(const char *path, const char *how)                                                    \
    {                                                                                              \
        REAL(FILE *, #fn, const char *, const char *);                                             \
        return fail_now(F_OPEN) ? NULL : real_fn(path, how);                                       \
    }
FOPEN_LIKE(fopen)
FOPEN_LIKE(fopen64)

FILE *fdopen(int fd, const char *how)
{
    REAL(FILE *, "fdopen", int, const char *);
    return fail_now(F_OPEN) ? NULL : real_fn(fd, how);
}

ssize_t write(int fd, const void *buf, size_t n)
{
    REAL(ssize_t, "write", int, const void *, size_t);
    return fd > 2 && fail_now(F_WRITE) ? -1 : real_fn(fd, buf, n);
}

/* Mark a stream as in error, as a failed write inside the C library does,
 * so that a later ferror() sees it too (glibc's _IO_ERR_SEEN flag). */
static void mark_error(FILE *fp)
{
#ifdef __GLIBC__
    fp->_flags |= 0x20;
#else
    (void)fp;
#endif
}

/* A refused fwrite writes nothing and marks the stream. */
size_t fwrite(const void *buf, size_t size, size_t n, FILE *fp)
{
    REAL(size_t, "fwrite", const void *, size_t, size_t, FILE *);
    int fd = fileno(fp);
    if (fd > 2 && size && n && fail_now(F_WRITE)) {
        mark_error(fp);
        return 0;
    }
    return real_fn(buf, size, n, fp);
}

/* A refused flush marks the stream as in error and keeps its buffer, as
 * the C library does when the disk is full. */
int fflush(FILE *fp)
{
    REAL(int, "fflush", FILE *);
    if (fp && fileno(fp) > 2 && fail_now(F_CLOSE)) {
        mark_error(fp);
        return EOF;
    }
    return real_fn(fp);
}

int fclose(FILE *fp)
{
    REAL(int, "fclose", FILE *);
    int fd = fp ? fileno(fp) : -1;
    if (fd > 2 && fail_now(F_CLOSE)) {
        int e = errno;
        (void)real_fn(fp);
        errno = e;
        return EOF;
    }
    return real_fn(fp);
}

int rename(const char *from, const char *to)
{
    REAL(int, "rename", const char *, const char *);
    return fail_now(F_RENAME) ? -1 : real_fn(from, to);
}

int renameat(int fromfd, const char *from, int tofd, const char *to)
{
    REAL(int, "renameat", int, const char *, int, const char *);
    return fail_now(F_RENAME) ? -1 : real_fn(fromfd, from, tofd, to);
}

int fsync(int fd)
{
    REAL(int, "fsync", int);
    return fail_now(F_FSYNC) ? -1 : real_fn(fd);
}

int fdatasync(int fd)
{
    REAL(int, "fdatasync", int);
    return fail_now(F_FSYNC) ? -1 : real_fn(fd);
}

int mkdir(const char *path, mode_t mode)
{
    REAL(int, "mkdir", const char *, mode_t);
    return fail_now(F_MKDIR) ? -1 : real_fn(path, mode);
}

int mkdirat(int dirfd, const char *path, mode_t mode)
{
    REAL(int, "mkdirat", int, const char *, mode_t);
    return fail_now(F_MKDIR) ? -1 : real_fn(dirfd, path, mode);
}

/* Allocations are counted from the program's main() on: what the shared
 * libraries' constructors allocate before it (C++ runtimes among them,
 * which abort on a failed allocation) is no part of the program.  The
 * start routine is wrapped to hand the real one a main that arms the
 * counter first. */
static int alloc_armed;
static int (*real_main)(int, char **, char **);
static void *prog_base, *libc_base; /* where the program and the C library are loaded */

static void *base_of(void *addr)
{
    Dl_info info;
    return dladdr(addr, &info) ? info.dli_fbase : NULL;
}

static int armed_main(int argc, char **argv, char **envp)
{
    prog_base = base_of((void *)real_main);
    libc_base = base_of((void *)__builtin_return_address(0)); /* main is called from the C library */
    __atomic_store_n(&alloc_armed, 1, __ATOMIC_RELEASE);
    return real_main(argc, argv, envp);
}

int __libc_start_main(int (*main_fn)(int, char **, char **), int argc, char **argv, void (*init_fn)(void),
                      void (*fini_fn)(void), void (*rtld_fini)(void), void *stack_end)
{
    REAL(int, "__libc_start_main", int (*)(int, char **, char **), int, char **, void (*)(void),
         void (*)(void), void (*)(void), void *);
    real_main = main_fn;
    return real_fn(armed_main, argc, argv, init_fn, fini_fn, rtld_fini, stack_end);
}

/* Only the program's own allocations are counted: those called from the
 * program (or libketsim), and from the C library on its behalf (strdup,
 * getline, fopen, ...).  Allocations inside other libraries are not: what
 * they do on a failure is theirs (SUNDIALS 6's N_VClone, for one,
 * dereferences the NULL its serial clone returns, and C++ libraries throw). */
static __thread int in_check __attribute__((tls_model("initial-exec")));

static int ours(void *caller)
{
    Dl_info info;
    if (!dladdr(caller, &info))
        return 0;
    return info.dli_fbase == prog_base || info.dli_fbase == libc_base ||
           (info.dli_fname && strstr(info.dli_fname, "/libketsim.so"));
}

static int alloc_fails(void *caller)
{
    if (!__atomic_load_n(&alloc_armed, __ATOMIC_ACQUIRE) || in_check)
        return 0;
    in_check = 1; /* dladdr may allocate */
    int fail = ours(caller) && fail_now(F_ALLOC);
    Dl_info info;
    if (fail && dladdr(caller, &info)) /* for addr2line: which call failed */
        log_line("caller", info.dli_fname ? info.dli_fname : "?",
                 (long)((char *)caller - (char *)info.dli_fbase));
    in_check = 0;
    return fail;
}

/* glibc's allocator under its own names (no dlsym: dlsym allocates) */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

void *malloc(size_t n)
{
    return alloc_fails(__builtin_return_address(0)) ? NULL : __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    return alloc_fails(__builtin_return_address(0)) ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
    return alloc_fails(__builtin_return_address(0)) ? NULL : __libc_realloc(p, n);
}
