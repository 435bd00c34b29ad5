#include "ketsim/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A message longer than the record keeps its beginning and its end: the
 * end is where the reason is ("...: No such file or directory"), and the
 * beginning says what failed, so the middle (usually a long path) gives
 * way, marked by ELISION. */
#define ELISION " [...] "

static void fit_message(char *dst, size_t cap, const char *src, size_t len)
{
    if (len < cap) {
        memcpy(dst, src, len + 1);
        return;
    }
    size_t mark = strlen(ELISION), keep = cap - 1 - mark, head = keep / 3, tail = keep - head;
    memcpy(dst, src, head);
    memcpy(dst + head, ELISION, mark);
    memcpy(dst + head + mark, src + len - tail, tail);
    dst[cap - 1] = '\0';
}

int ketsim_error_set(ketsim_error *err, int code, const char *func,
                     const char *file, int line, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    /* the whole message first (on the heap when it is long), so that an
     * over-long one is cut in the middle rather than at its end */
    char small[KETSIM_ERRMSG_LEN], *full = small;
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        small[0] = '\0';
        n = 0;
    } else if ((size_t)n >= sizeof small) {
        char *big = malloc((size_t)n + 1);
        if (big) {
            vsnprintf(big, (size_t)n + 1, fmt, again);
            full = big;
        } else {
            n = (int)sizeof small - 1; /* out of memory: the end is lost */
        }
    }
    va_end(again);
    fit_message(err->msg, sizeof err->msg, full, (size_t)n);
    if (full != small)
        free(full);
    snprintf(err->where, sizeof err->where, "%s (%s:%d)", func, file, line);
    return code;
}

void ketsim_error_clear(ketsim_error *err)
{
    if (!err)
        return;
    memset(err, 0, sizeof *err);
}

int ketsim_error_exit_status(int code)
{
    return code == KETSIM_EINPUT ? 2 : 1;
}

void ketsim_error_prefix(ketsim_error *err, const char *prefix)
{
    if (!err)
        return;
    char full[2 * KETSIM_ERRMSG_LEN];
    size_t np = strlen(prefix), nm = strlen(err->msg);
    if (np > KETSIM_ERRMSG_LEN)
        np = KETSIM_ERRMSG_LEN; /* a prefix is a flag or a place, never this long */
    memcpy(full, prefix, np);
    memcpy(full + np, err->msg, nm + 1);
    fit_message(err->msg, sizeof err->msg, full, np + nm);
}
