/* The one CSV field writer: text from users (arm and group names, visit
 * labels, sources, file names) may hold the separator, a quote or a line
 * break, and a row must still split into the right columns. */
#include "ketsim/formats.h"
#include "stream.h"

#include <errno.h>
#include <string.h>

void ketsim_csv_field(FILE *fp, const char *text)
{
    if (!text)
        return;
    /* Plain fields stay as they were, so files without such characters are
     * byte for byte what earlier versions wrote. */
    if (!strpbrk(text, ",\"\r\n")) {
        fputs(text, fp);
        return;
    }
    ketsim_csv_quoted(fp, text);
}

void ketsim_csv_quoted(FILE *fp, const char *text)
{
    if (!text)
        text = "";
    fputc('"', fp);
    for (const char *s = text; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

int formats_stream_status(FILE *fp, const char *what, ketsim_error *err)
{
    /* the error flag is sticky and every later write retried and failed
     * the same way, so errno still says why */
    if (ferror(fp))
        return KETSIM_FAIL(err, KETSIM_EIO, "error writing %s: %s", what, errno ? strerror(errno) : "I/O error");
    return KETSIM_OK;
}
