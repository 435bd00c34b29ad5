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
