/* Fuzz the validation targets table (data/targets.csv format).  Only loading
 * is fuzzed: running a target's scenario is simulation work, not parsing.
 * The reader copies the parameter table it is given once per species for
 * the later runs and reads nothing from it (a row's 'set' column is applied
 * when the target runs), so the harness hands it an empty table: copying
 * the built-in ones took four fifths of the time of each input (90 inputs a second).
 * An accepted table must hold what its accessors report: no more targets
 * than lines after the header, each found again by its own id, with a rule
 * a wrong model can break (at least one bound, lower not above upper).  A
 * refusal must say why and name the file. */
#include "fuzz_common.h"
#include <math.h>
#include "ketsim/params.h"
#include "ketsim/formats.h"
#include "ketsim/validate.h"

static void check_accepted(const ketsim_validation *v, const uint8_t *data, size_t size)
{
    size_t n = ketsim_validation_count(v), lines = fuzz_count_lines(data, size);
    if (lines == 0 || n > lines - 1)
        abort();
    for (size_t i = 0; i < n; i++) {
        const ketsim_target_result *r = ketsim_validation_result(v, i);
        if (!r || !r->id[0] || ketsim_validation_find(v, r->id) != (long)i)
            abort();
        if (!isfinite(r->lower) && !isfinite(r->upper))
            abort();
        if (isfinite(r->lower) && isfinite(r->upper) && !(r->lower <= r->upper))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_temp(data, size);
    if (!path)
        return 0;
    static ketsim_params *base; /* built once: the harness is single-threaded */
    ketsim_validation *v = NULL;
    ketsim_error err;
    if (!base && ketsim_params_create_empty(KETSIM_HUMAN, &base, &err) != KETSIM_OK)
        abort();
    ketsim_error_clear(&err);
    if (ketsim_targets_read(path, base, &v, &err) == KETSIM_OK) {
        if (!v)
            abort();
        check_accepted(v, data, size);
    } else if (v || !strstr(err.msg, path)) {
        abort(); /* a refusal names the file (and, for a row, its line) */
    }
    ketsim_validation_free(v);
    return 0;
}
