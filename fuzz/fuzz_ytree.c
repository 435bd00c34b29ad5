/* Fuzz the YAML loader and walk every node of what it accepts. */
#include "fuzz_common.h"
#include "util/ytree.h"

static void walk(const ytree *t, const ytree_node *n, int depth)
{
    if (depth > YTREE_MAX_DEPTH + 1)
        abort();
    if (ytree_line(n) < 1 || ytree_col(n) < 1)
        abort();
    ketsim_error err;
    double d;
    long l;
    bool b;
    const char *s;
    switch (ytree_kind_of(n)) {
    case YTREE_SCALAR:
        if (!ytree_scalar(n))
            abort();
        (void)ytree_get_double(t, n, "x", &d, &err);
        (void)ytree_get_long(t, n, "x", &l, &err);
        (void)ytree_get_bool(t, n, "x", &b, &err);
        (void)ytree_get_string(t, n, "x", &s, &err);
        break;
    case YTREE_SEQUENCE:
        for (size_t i = 0; i < ytree_len(n); i++)
            walk(t, ytree_seq_item(n, i), depth + 1);
        break;
    case YTREE_MAPPING:
        for (size_t i = 0; i < ytree_len(n); i++) {
            const char *k = ytree_map_key(n, i);
            if (!k || ytree_map_get(n, k) != ytree_map_value(n, i))
                abort(); /* keys are unique, so lookup finds this pair */
            walk(t, ytree_map_value(n, i), depth + 1);
        }
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ytree *t = NULL;
    ketsim_error err;
    if (ytree_load_string("fuzz.yaml", (const char *)data, size, &t, &err) == KETSIM_OK)
        walk(t, ytree_root(t), 0);
    ytree_free(t);
    return 0;
}
