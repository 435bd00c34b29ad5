/* Fuzz the dose and duration parsers (--dose, --until, --every). */
#include "fuzz_common.h"
#include "ketsim/regimen.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstring(data, size);
    if (!s)
        return 0;
    ketsim_error err;
    ketsim_dose d;
    if (ketsim_dose_parse(s, &d, &err) == KETSIM_OK) {
        /* An accepted dose must be usable as is: finite, non-negative. */
        if (!(isfinite(d.amount) && d.amount > 0 && isfinite(d.duration_h) &&
              d.duration_h >= 0 && isfinite(d.time_h) && d.time_h >= 0))
            abort();
        if (memchr(d.drug, '\0', sizeof d.drug) == NULL)
            abort();
    }
    double h;
    if (ketsim_duration_parse(s, &h, &err) == KETSIM_OK && !isfinite(h))
        abort();
    free(s);
    return 0;
}
