/* SHA-256 (FIPS 180-4), for the checksums of an output set's manifest, so
 * that a reader can verify the files with `sha256sum` or any library. */
#ifndef KETSIM_UTIL_SHA256_H
#define KETSIM_UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct sha256_ctx {
    uint32_t h[8];
    uint64_t bytes;        /* message length so far */
    unsigned char block[64];
    size_t fill;           /* bytes waiting in block */
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t n);
/* The digest as 64 lower-case hexadecimal digits and a NUL. */
void sha256_final_hex(sha256_ctx *c, char hex[65]);

#endif
