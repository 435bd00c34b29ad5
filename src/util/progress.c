/* Progress bar on stderr (include/ketsim/progress.h). */
#include "ketsim/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BAR_WIDTH 30
#define SHOW_AFTER_S 1.0
#define REDRAW_EVERY_S 0.1

struct ketsim_progress {
    size_t total;
    char label[40];
    int active;          /* 0 when quiet or not a terminal */
    int drawn;
    double start_s, last_draw_s;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

ketsim_progress *ketsim_progress_create(size_t total, const char *label, int quiet)
{
    ketsim_progress *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->total = total;
    snprintf(p->label, sizeof p->label, "%s", label ? label : "");
    p->active = !quiet && total > 0 && isatty(STDERR_FILENO);
    p->start_s = p->last_draw_s = now_s();
    return p;
}

/* "12m05s", "3.2s": short enough for one terminal line. */
static void format_duration(char *buf, size_t n, double s)
{
    if (s < 60)
        snprintf(buf, n, "%.1fs", s);
    else if (s < 3600)
        snprintf(buf, n, "%dm%02ds", (int)(s / 60), (int)s % 60);
    else
        snprintf(buf, n, "%dh%02dm", (int)(s / 3600), (int)(s / 60) % 60);
}

static void draw(ketsim_progress *p, size_t done, double t)
{
    double elapsed = t - p->start_s, frac = (double)done / (double)p->total;
    double rate = elapsed > 0 ? (double)done / elapsed : 0;
    char bar[BAR_WIDTH + 1], left[32] = "?";
    int filled = (int)(frac * BAR_WIDTH);
    memset(bar, '#', (size_t)filled);
    memset(bar + filled, '-', (size_t)(BAR_WIDTH - filled));
    bar[BAR_WIDTH] = '\0';
    if (rate > 0)
        format_duration(left, sizeof left, (double)(p->total - done) / rate);
    fprintf(stderr, "\r%s [%s] %3.0f%% %zu/%zu  %.1f/s  %s left ", p->label, bar, 100 * frac, done,
            p->total, rate, left);
    fflush(stderr);
    p->drawn = 1;
    p->last_draw_s = t;
}

void ketsim_progress_update(ketsim_progress *p, size_t done)
{
    if (!p || !p->active)
        return;
    if (done > p->total)
        done = p->total;
    double t = now_s();
    if (t - p->start_s < SHOW_AFTER_S || (p->drawn && t - p->last_draw_s < REDRAW_EVERY_S && done < p->total))
        return;
    draw(p, done, t);
}

void ketsim_progress_finish(ketsim_progress *p)
{
    if (!p)
        return;
    if (p->drawn)
        fprintf(stderr, "\r%*s\r", BAR_WIDTH + 70, "");
    free(p);
}
