#include "ketsim/datadir.h"

#include <stdio.h>
#include <stdlib.h>

#ifndef KETSIM_DATA_DIR
#define KETSIM_DATA_DIR "data"
#endif

/* Never the working directory: a ./data/scenarios/zarate2006.yaml that
 * happened to be there silently replaced the built-in scenario. */
const char *ketsim_data_dir(void)
{
    const char *env = getenv("KETSIM_DATA_DIR");
    if (env && *env)
        return env;
    return KETSIM_DATA_DIR;
}

char *ketsim_data_path(const char *rel, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", ketsim_data_dir(), rel);
    return buf;
}
