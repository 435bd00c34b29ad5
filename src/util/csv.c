/* One line of a comma-separated table (csv.h). */
#include "csv.h"

#include <string.h>
#include <sys/types.h>

int csv_next_line(FILE *fp, const char *path, char **line, size_t *cap, long *lineno, int *got, ketsim_error *err)
{
    ssize_t len = getline(line, cap, fp);
    *got = len >= 0;
    if (!*got)
        return KETSIM_OK;
    ++*lineno;
    if (memchr(*line, '\0', (size_t)len))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%ld: NUL byte in input (not a text file?)", path, *lineno);
    (*line)[strcspn(*line, "\r\n")] = '\0';
    return KETSIM_OK;
}

/* Split one CSV line in place; double quotes protect commas ("" is a quote).
 * Returns the number of fields, or -1 for a broken quote or too many. */
int csv_split(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == max)
            return -1;
        char *out = p;
        fields[n++] = p;
        if (*p == '"') {
            char *r = p + 1;
            for (;;) {
                if (*r == '\0')
                    return -1;
                if (*r == '"' && r[1] == '"') {
                    *out++ = '"';
                    r += 2;
                } else if (*r == '"') {
                    r++;
                    break;
                } else {
                    *out++ = *r++;
                }
            }
            if (*r != ',' && *r != '\0')
                return -1;
            int more = *r == ',';
            *out = '\0';
            if (!more)
                return n;
            p = r + 1;
        } else {
            char *c = strchr(p, ',');
            if (!c)
                return n;
            *c = '\0';
            p = c + 1;
        }
    }
}
