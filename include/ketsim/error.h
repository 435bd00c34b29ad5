/* ketsim error codes and the error record every fallible call fills.
 *
 * Convention (as in SUNDIALS): a function returns KETSIM_OK (0) on success or
 * a negative code, and writes a human-readable message into a caller-owned
 * ketsim_error.  The message names the input place (file, line, field, flag,
 * subject, time) so the CLI can print it as is; `where` records the C function,
 * file and line that raised it, for developers. */
#ifndef KETSIM_ERROR_H
#define KETSIM_ERROR_H

#include <stddef.h>

#define KETSIM_OK 0
#define KETSIM_EINPUT (-1)   /* bad user input: flag, file, value */
#define KETSIM_EIO (-2)      /* a file could not be read or written */
#define KETSIM_ESOLVER (-3)  /* the ODE solver failed */
#define KETSIM_ENOMEM (-4)   /* out of memory */
#define KETSIM_EINTERNAL (-5)/* a broken invariant: a bug */

/* Room for a message naming a long path and the reason; a longer message
 * loses its middle, marked " [...] ", never its end (the reason). */
#define KETSIM_ERRMSG_LEN 2048

typedef struct ketsim_error {
    int code;
    char msg[KETSIM_ERRMSG_LEN];
    char where[160];
} ketsim_error;

/* Fill err (if non-NULL) and return code.  Use through KETSIM_FAIL. */
int ketsim_error_set(ketsim_error *err, int code, const char *func,
                     const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

void ketsim_error_clear(ketsim_error *err);

/* Put `prefix` (e.g. "--dose: ") in front of the message (cut in the middle
 * when the two do not fit). */
void ketsim_error_prefix(ketsim_error *err, const char *prefix);

/* Exit status the CLI uses for an error code: 2 for input, 1 otherwise. */
int ketsim_error_exit_status(int code);

#define KETSIM_FAIL(err, code, ...) \
    ketsim_error_set((err), (code), __func__, __FILE__, __LINE__, __VA_ARGS__)

#endif
