/* Numbers and durations as users type them (see include/ketsim/units.h). */
#include "ketsim/units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Length of the decimal number at s: [+-]digits[.digits][(e|E)[+-]digits],
 * at least one digit before the exponent; 0 when there is none.  strtod
 * alone would also take hexadecimal, "inf" and "nan". */
static size_t decimal_length(const char *s)
{
    size_t i = 0, digits = 0;
    if (s[i] == '+' || s[i] == '-')
        i++;
    while (isdigit((unsigned char)s[i]))
        i++, digits++;
    if (s[i] == '.') {
        i++;
        while (isdigit((unsigned char)s[i]))
            i++, digits++;
    }
    if (digits == 0)
        return 0;
    if (s[i] == 'e' || s[i] == 'E') {
        size_t j = i + 1;
        if (s[j] == '+' || s[j] == '-')
            j++;
        if (isdigit((unsigned char)s[j])) {
            while (isdigit((unsigned char)s[j]))
                j++;
            i = j;
        }
    }
    return i;
}

int ketsim_number_prefix(const char *s, double *value, const char **rest)
{
    size_t n = s ? decimal_length(s) : 0;
    if (n == 0)
        return -1;
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end != s + n || !isfinite(v))
        return -1;
    *value = v;
    *rest = end;
    return 0;
}

int ketsim_number_parse(const char *s, double *value)
{
    const char *rest;
    double v;
    if (ketsim_number_prefix(s, &v, &rest) || *rest)
        return -1;
    *value = v;
    return 0;
}

int ketsim_duration_parse(const char *s, double *hours, ketsim_error *err)
{
    static const struct { const char *unit; double h; } units[] = {
        {"s", 1.0 / 3600}, {"sec", 1.0 / 3600}, {"min", 1.0 / 60}, {"m", 1.0 / 60},
        {"h", 1}, {"hr", 1}, {"d", 24}, {"day", 24}, {"days", 24}, {"w", 168}, {"wk", 168},
    };
    double v;
    const char *unit;
    if (!s || ketsim_number_prefix(s, &v, &unit))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "'%s' is not a duration (e.g. 40min, 2h, 14d)", s ? s : "");
    for (size_t i = 0; i < sizeof units / sizeof *units; i++)
        if (strcmp(unit, units[i].unit) == 0) {
            /* A finite number can still overflow once scaled (1e308d). */
            if (!isfinite(v * units[i].h))
                return KETSIM_FAIL(err, KETSIM_EINPUT, "'%s' is too large a duration", s);
            *hours = v * units[i].h;
            return KETSIM_OK;
        }
    if (!*unit)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "'%s' has no time unit (use s, min, h or d)", s);
    return KETSIM_FAIL(err, KETSIM_EINPUT, "'%s': unknown time unit '%s' (use s, min, h or d)", s, unit);
}

