/* One line of a comma-separated table (csv.h). */
#include "csv.h"

#include <string.h>

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
