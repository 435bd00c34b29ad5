#include "ketsim/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int ketsim_error_set(ketsim_error *err, int code, const char *func,
                     const char *file, int line, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
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
    size_t np = strlen(prefix), nm = strlen(err->msg);
    if (np >= sizeof err->msg)
        np = sizeof err->msg - 1;
    if (np + nm >= sizeof err->msg)
        nm = sizeof err->msg - 1 - np;
    memmove(err->msg + np, err->msg, nm);
    memcpy(err->msg, prefix, np);
    err->msg[np + nm] = '\0';
}
