#include "cli.h"
#include "ketsim/units.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (0 if invalid). */
static size_t utf8_len(const unsigned char *s)
{
    size_t n = 0;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        n = 2;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        n = 3;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        n = 4;
    for (size_t k = 1; k < n; k++)
        if ((s[k] & 0xc0) != 0x80)
            return 0;
    return n;
}

/* Messages echo file names and values as given; a newline, a control
 * character or a byte that is not UTF-8 among them would break the one
 * printable line per error, so those bytes are written as \xNN. */
void cli_put_clean(FILE *fp, const char *msg)
{
    const unsigned char *s = (const unsigned char *)msg;
    while (*s) {
        size_t n = *s < 0x80 ? 1 : utf8_len(s);
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

static int looks_like_path(const char *s)
{
    size_t n = strlen(s);
    return strchr(s, '/') || (n > 5 && (strcmp(s + n - 5, ".yaml") == 0)) ||
           (n > 4 && strcmp(s + n - 4, ".yml") == 0);
}

int cli_subject_init(cli_subject *s, const char *species, const char *drug_arg,
                     const char *params_file, char **sets, size_t n_sets, ketsim_error *err)
{
    memset(s, 0, sizeof *s);
    int rc = ketsim_species_parse(species, &s->species, err);
    if (rc)
        ketsim_error_prefix(err, "--species: ");
    if (!rc)
        rc = ketsim_params_create(s->species, &s->params, err);
    if (!rc)
        rc = ketsim_catalog_create(&s->catalog, err);
    if (!rc && looks_like_path(drug_arg))
        rc = ketsim_catalog_load_drug_file(s->catalog, s->params, drug_arg, &s->drug, err);
    else if (!rc) {
        size_t idx;
        rc = ketsim_catalog_find_drug(s->catalog, drug_arg, &idx, err);
        if (!rc)
            s->drug = ketsim_catalog_drug_name(s->catalog, idx);
        else
            ketsim_error_prefix(err, "--drug: ");
    }
    if (!rc && params_file)
        rc = ketsim_params_load_file(s->params, params_file, err);
    for (size_t i = 0; !rc && i < n_sets; i++)
        rc = ketsim_params_set_assignment(s->params, sets[i], err);
    if (!rc)
        s->weight_kg = ketsim_params_value(s->params, "species.ref_weight_kg");
    return rc;
}

void cli_subject_free(cli_subject *s)
{
    ketsim_params_free(s->params);
    ketsim_catalog_free(s->catalog);
    memset(s, 0, sizeof *s);
}

int cli_build_regimen(const char *const *doses, size_t n, ketsim_regimen **reg, ketsim_error *err)
{
    int rc = ketsim_regimen_create(reg, err);
    ketsim_dose d;
    if (!rc && n == 0) {
        d = (ketsim_dose){.route = KETSIM_ROUTE_IV, .amount = 0.5, .per_kg = 1, .duration_h = 40.0 / 60};
        rc = ketsim_regimen_add(*reg, &d, err);
    }
    for (size_t i = 0; !rc && i < n; i++) {
        rc = ketsim_dose_parse(doses[i], &d, err);
        if (rc)
            ketsim_error_prefix(err, "--dose: ");
        else
            rc = ketsim_regimen_add(*reg, &d, err);
    }
    return rc;
}
