/* UTF-8 well-formedness, shared by everything that writes text from files
 * or arguments into another format (JSON, HTML, one-line error messages). */
#ifndef KETSIM_UTIL_UTF8_H
#define KETSIM_UTIL_UTF8_H

#include <stddef.h>

/* Length of the well-formed UTF-8 sequence at s: 1 for an ASCII byte, 2-4
 * for a multi-byte character (RFC 3629: no overlong forms, no surrogates,
 * nothing past U+10FFFF), 0 if s does not start one. */
size_t utf8_seq_len(const unsigned char *s);

#endif
