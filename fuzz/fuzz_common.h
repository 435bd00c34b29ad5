/* Shared helpers for the libFuzzer harnesses.
 *
 * Several parsers take a file path rather than a buffer, so those harnesses
 * write each input to one private temporary file (created once per process
 * and rewritten in place) and hand the parser its path.  The file is removed
 * at exit. */
#ifndef KETSIM_FUZZ_COMMON_H
#define KETSIM_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Path of the per-process scratch file; NULL if it could not be created. */
const char *fuzz_write_temp(const uint8_t *data, size_t size);

/* A NUL-terminated copy of the input (caller frees); NULL on OOM. */
static inline char *fuzz_cstring(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return NULL;
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* Lines of the input: newlines, plus one for an unterminated last line. */
static inline size_t fuzz_count_lines(const uint8_t *data, size_t size)
{
    size_t n = size > 0 && data[size - 1] != '\n';
    for (size_t i = 0; i < size; i++)
        n += data[i] == '\n';
    return n;
}

#endif
