#include "interrupt.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#define MAX_CLEANUP 16

/* The documented exception to "no global mutable state" (see interrupt.h). */
static volatile sig_atomic_t interrupted;
static int pipe_fd[2] = {-1, -1};
static pthread_t watcher;
static int watcher_running;
static pthread_mutex_t output_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    void (*fn)(void *);
    void *obj;
} cleanup[MAX_CLEANUP];
static int n_cleanup;

static const int handled[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};

static void on_signal(int sig)
{
    int saved = errno;
    interrupted = sig;
    unsigned char c = (unsigned char)sig;
    if (write(pipe_fd[1], &c, 1) < 0) {
        /* the watcher has stopped (normal end of the program): nothing to do */
    }
    errno = saved;
}

static void say(const char *text)
{
    size_t n = strlen(text);
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, text, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        text += w, n -= (size_t)w;
    }
}

static void *watch(void *arg)
{
    (void)arg;
    unsigned char sig = 0;
    for (;;) {
        ssize_t r = read(pipe_fd[0], &sig, 1);
        if (r == 1)
            break;
        if (r < 0 && errno == EINTR)
            continue;
        return NULL; /* the pipe was closed: the program ends normally */
    }
    /* wait for a file step in progress to end; the lock is never given
     * back, so no step starts after the cleanup */
    pthread_mutex_lock(&output_lock);
    for (int i = n_cleanup; i-- > 0;)
        cleanup[i].fn(cleanup[i].obj);
    if (sig == SIGINT)
        say("ketsim: interrupted\n");
    else if (sig == SIGTERM)
        say("ketsim: terminated (SIGTERM)\n");
    else if (sig == SIGHUP)
        say("ketsim: hung up (SIGHUP)\n");
    _exit(128 + sig);
}

int cli_interrupt_start(void)
{
    if (watcher_running)
        return 0;
    if (pipe(pipe_fd) != 0)
        return -1;
    fcntl(pipe_fd[0], F_SETFD, FD_CLOEXEC);
    fcntl(pipe_fd[1], F_SETFD, FD_CLOEXEC);
    /* a full pipe must never block the handler */
    fcntl(pipe_fd[1], F_SETFL, O_NONBLOCK);
    if (pthread_create(&watcher, NULL, watch, NULL) != 0)
        return -1;
    watcher_running = 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART; /* other threads' reads and writes carry on */
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof handled / sizeof handled[0]; i++)
        sigaction(handled[i], &sa, NULL);
    return 0;
}

void cli_interrupt_stop(void)
{
    if (!watcher_running)
        return;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    /* a signal from here on ends the program the ordinary way: there is no
     * output left to clean up */
    for (size_t i = 0; i < sizeof handled / sizeof handled[0]; i++)
        sigaction(handled[i], &sa, NULL);
    int w = pipe_fd[1];
    pipe_fd[1] = -1; /* a late handler must not write into a reused descriptor */
    close(w);
    pthread_join(watcher, NULL);
    close(pipe_fd[0]);
    watcher_running = 0;
}

volatile sig_atomic_t *cli_interrupt_flag(void) { return &interrupted; }

int cli_interrupted(void) { return interrupted != 0; }

void cli_interrupt_wait(void)
{
    for (;;)
        pause();
}

void cli_output_lock(void) { pthread_mutex_lock(&output_lock); }
void cli_output_unlock(void) { pthread_mutex_unlock(&output_lock); }

int cli_cleanup_register(void (*fn)(void *), void *obj)
{
    if (n_cleanup == MAX_CLEANUP)
        return -1;
    cleanup[n_cleanup].fn = fn;
    cleanup[n_cleanup].obj = obj;
    n_cleanup++;
    return 0;
}

void cli_cleanup_unregister(void *obj)
{
    for (int i = 0; i < n_cleanup; i++)
        if (cleanup[i].obj == obj) {
            memmove(&cleanup[i], &cleanup[i + 1], (size_t)(n_cleanup - i - 1) * sizeof cleanup[0]);
            n_cleanup--;
            return;
        }
}
