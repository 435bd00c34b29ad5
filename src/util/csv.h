/* Splitting a line of a comma-separated table, for the readers of the
 * project's own tables (targets, published trial means). */
#ifndef KETSIM_UTIL_CSV_H
#define KETSIM_UTIL_CSV_H

#include <stdio.h>
#include "ketsim/error.h"

/* The next line of fp into *line (grown as needed, any length), its end of
 * line (LF or CRLF) removed, *lineno counted up; *got is 1 for a line and 0
 * at the end of the file.  KETSIM_EINPUT for a NUL byte, the error naming
 * path and line. */
int csv_next_line(FILE *fp, const char *path, char **line, size_t *cap, long *lineno, int *got, ketsim_error *err);

/* Split one CSV line in place into at most max fields; a cell in double
 * quotes may hold commas ("" inside stands for one quote).  Returns the
 * number of fields, or -1 for a broken quote or more than max fields. */
int csv_split(char *line, char **fields, int max);

#endif
