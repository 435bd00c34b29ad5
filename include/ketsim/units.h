/* Numbers and durations as users type them: decimal numbers only (no
 * hexadecimal, no "inf" or "nan"), durations with a unit. */
#ifndef KETSIM_UNITS_H
#define KETSIM_UNITS_H

#include "ketsim/error.h"

/* A decimal number at the start of s; *rest points after it.  -1 if s does
 * not start with one or it is out of range. */
int ketsim_number_prefix(const char *s, double *value, const char **rest);
/* The whole of s is a decimal number; -1 otherwise. */
int ketsim_number_parse(const char *s, double *value);

/* Parse a duration like "40min", "2.5h", "14d", "30s" into hours.  A bare
 * number is rejected: units are required. */
int ketsim_duration_parse(const char *s, double *hours, ketsim_error *err);

#endif
