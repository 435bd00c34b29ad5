/* Fuzz the number parser behind every numeric command-line option
 * (ketsim_number_parse via cli_parse_double: --weight, --seed,
 * --replicates, ... of every command).  The option loops themselves sit
 * inside each command with its work (src/cli/cmd_*.c) and cannot be called
 * alone; what they do with an argument is this parser, the dose and
 * duration parsers (fuzz_dose_spec) and --set (fuzz_set).
 *
 * An accepted number must be finite, written in decimal digits, sign,
 * point and exponent only (no blank, no hexadecimal, no inf or nan), and
 * equal to what strtod reads from the same text. */
#include "fuzz_common.h"
#include "ketsim/units.h"

#include <math.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstring(data, size);
    if (!s)
        return 0;
    double v;
    if (ketsim_number_parse(s, &v) == 0) {
        if (!isfinite(v) || s[0] == '\0' || strspn(s, "0123456789.eE+-") != strlen(s))
            abort();
        char *end;
        double ref = strtod(s, &end);
        if (*end != '\0' || ref != v)
            abort();
    }
    free(s);
    return 0;
}
