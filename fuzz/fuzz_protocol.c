/* Fuzz virtual-lab protocols (YAML, docs/lab.md): parse and check only;
 * running a protocol is simulation work, not parsing. */
#include "fuzz_common.h"
#include "ketsim/formats.h"
#include "ketsim/lab.h"
#include "ketsim/params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ketsim_params *tables; /* built once: the harness is single-threaded */
    static ketsim_lab_protocol *p; /* large: allocated once, reused */
    ketsim_error err;
    if (!tables && ketsim_params_create(KETSIM_HUMAN, &tables, &err) != KETSIM_OK)
        abort();
    if (!p && !(p = malloc(sizeof *p)))
        abort();
    const char *path = fuzz_write_temp(data, size);
    if (!path)
        return 0;
    ketsim_error_clear(&err);
    if (ketsim_lab_protocol_load(path, tables, p, &err) != KETSIM_OK && err.msg[0] == '\0')
        abort(); /* a refusal always says why */
    return 0;
}
