#include "ketsim/datadir.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#ifndef KETSIM_DATA_DIR
#define KETSIM_DATA_DIR "data"
#endif

const char *ketsim_data_dir(void)
{
    const char *env = getenv("KETSIM_DATA_DIR");
    if (env && *env)
        return env;
    if (access("data/targets.csv", R_OK) == 0)
        return "data";
    return KETSIM_DATA_DIR;
}

char *ketsim_data_path(const char *rel, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", ketsim_data_dir(), rel);
    return buf;
}
