#include "cli.h"
#include "ketsim/units.h"
#include "util/utf8.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Messages echo file names and values as given; a newline, a control
 * character or a byte that is not UTF-8 among them would break the one
 * printable line per error, so those bytes are written as \xNN. */
void cli_put_clean(FILE *fp, const char *msg)
{
    const unsigned char *s = (const unsigned char *)msg;
    while (*s) {
        size_t n = utf8_seq_len(s);
        if (n == 0 || *s < 0x20 || *s == 0x7f) {
            fprintf(fp, "\\x%02x", *s);
            n = 1;
        } else {
            fwrite(s, 1, n, fp);
        }
        s += n;
    }
}

int cli_fail(const ketsim_error *err)
{
    fputs("ketsim: ", stderr);
    cli_put_clean(stderr, err->msg[0] ? err->msg : "unknown error");
    fputc('\n', stderr);
    if (getenv("KETSIM_DEBUG"))
        fprintf(stderr, "  raised in %s\n", err->where);
    return ketsim_error_exit_status(err->code);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    char msg[2048];
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "ketsim %s: ", cmd);
    cli_put_clean(stderr, msg);
    fputc('\n', stderr);
    return 2;
}

/* Decimal only (ketsim_number_parse): strtod would also take "0x10",
 * " 5" and, past the finiteness check, nothing else, so a hexadecimal
 * weight or seed passed silently. */
int cli_parse_double(const char *s, double *out)
{
    return ketsim_number_parse(s, out);
}

int cli_subject_init(cli_subject *s, const char *species, const char *drug_arg,
                     const char *params_file, char **sets, size_t n_sets, ketsim_error *err)
{
    return ketsim_setup_init(s, species, drug_arg, params_file, (const char *const *)sets, n_sets, err);
}

void cli_subject_free(cli_subject *s)
{
    ketsim_setup_free(s);
}

int cli_build_regimen(const char *const *doses, size_t n, ketsim_regimen **reg, ketsim_error *err)
{
    return ketsim_regimen_from_specs(doses, n, reg, err);
}
