/* A progress bar on standard error for long loops: percentage, rate and the
 * time left.  It stays silent when standard error is not a terminal, when
 * asked to be quiet, and for runs that finish within about a second (it
 * draws nothing until one second has passed). */
#ifndef KETSIM_PROGRESS_H
#define KETSIM_PROGRESS_H

#include <stddef.h>

typedef struct ketsim_progress ketsim_progress;

/* NULL on allocation failure; every function accepts NULL and does nothing. */
ketsim_progress *ketsim_progress_create(size_t total, const char *label, int quiet);
/* `done` items of `total` are finished.  Redraws at most ten times a second. */
void ketsim_progress_update(ketsim_progress *p, size_t done);
/* Clear the bar (if one was drawn) and free it. */
void ketsim_progress_finish(ketsim_progress *p);

#endif
