/* Reading the calibration priors (data/calibration_prior.txt).  One prior
 * per line:
 *
 *     NAME = VALUE | literature | SOURCE
 *     NAME = VALUE | assumption | REASON
 *
 * '#' lines and blank lines are skipped.  The basis is a word of its own so
 * that a reader (and `ketsim calibrate`) can tell a measured value from a
 * round number chosen before fitting. */
#include "ketsim/formats.h"
#include "ketsim/units.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BAD(...) KETSIM_FAIL(err, KETSIM_EINPUT, __VA_ARGS__)

/* Trim leading and trailing blanks in place. */
static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

static int parse_line(char *text, const char *path, long line, ketsim_calib_prior *p, ketsim_error *err)
{
    char *bar1 = strchr(text, '|'), *bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
    if (!bar1 || !bar2)
        return BAD("%s:%ld: expected 'NAME = VALUE | literature|assumption | SOURCE'", path, line);
    *bar1 = *bar2 = '\0';
    char *eq = strchr(text, '=');
    if (!eq)
        return BAD("%s:%ld: field 'NAME = VALUE': no '='", path, line);
    *eq = '\0';
    char *name = trim(text), *value = trim(eq + 1), *basis = trim(bar1 + 1), *source = trim(bar2 + 1);
    if (!*name || strlen(name) >= sizeof p->name)
        return BAD("%s:%ld: field 'NAME': empty or longer than %zu characters", path, line, sizeof p->name - 1);
    if (ketsim_number_parse(value, &p->value) || !(p->value > 0))
        return BAD("%s:%ld: field 'VALUE' of '%s': '%s' is not a positive number", path, line, name, value);
    if (strcmp(basis, "literature") != 0 && strcmp(basis, "assumption") != 0)
        return BAD("%s:%ld: field 'basis' of '%s': '%s' must be literature or assumption", path, line, name, basis);
    if (!*source || strlen(source) >= sizeof p->source)
        return BAD("%s:%ld: field 'SOURCE' of '%s': empty or longer than %zu characters (a prior needs its "
                   "source or reason)", path, line, name, sizeof p->source - 1);
    snprintf(p->name, sizeof p->name, "%s", name);
    snprintf(p->basis, sizeof p->basis, "%s", basis);
    snprintf(p->source, sizeof p->source, "%s", source);
    snprintf(p->where, sizeof p->where, "%.255s:%ld", path, line);
    return KETSIM_OK;
}

static int duplicate(const ketsim_calib_prior *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].name, name) == 0)
            return 1;
    return 0;
}

int ketsim_calib_priors_read(const char *path, ketsim_calib_prior **out, size_t *n_out, ketsim_error *err)
{
    *out = NULL;
    *n_out = 0;
    FILE *fp = fopen(path, "r");
    if (!fp)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: cannot open the priors file: %s", path, strerror(errno));
    ketsim_calib_prior *v = NULL;
    size_t n = 0, cap = 0, len = 0;
    char *buf = NULL;
    long line = 0;
    int rc = KETSIM_OK;
    while (!rc && getline(&buf, &len, fp) >= 0) {
        line++;
        char *s = trim(buf);
        if (!*s || *s == '#')
            continue;
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 32;
            ketsim_calib_prior *nv = realloc(v, nc * sizeof *v);
            if (!nv) {
                rc = KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
                break;
            }
            v = nv;
            cap = nc;
        }
        rc = parse_line(s, path, line, &v[n], err);
        if (!rc && duplicate(v, n, v[n].name))
            rc = BAD("%s:%ld: field 'NAME': '%s' has a prior already", path, line, v[n].name);
        if (!rc)
            n++;
    }
    if (!rc && ferror(fp))
        rc = KETSIM_FAIL(err, KETSIM_EIO, "%s: read error", path);
    free(buf);
    fclose(fp);
    if (rc) {
        free(v);
        return rc;
    }
    *out = v;
    *n_out = n;
    return KETSIM_OK;
}
