/* Splitting a line of a comma-separated table, for the readers of the
 * project's own tables (targets, published trial means). */
#ifndef KETSIM_UTIL_CSV_H
#define KETSIM_UTIL_CSV_H

/* Split one CSV line in place into at most max fields; a cell in double
 * quotes may hold commas ("" inside stands for one quote).  Returns the
 * number of fields, or -1 for a broken quote or more than max fields. */
int csv_split(char *line, char **fields, int max);

#endif
