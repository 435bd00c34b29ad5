/* pop_make_data DESIGN OUT.csv: write a synthetic population data set
 * (tests/tools/popgen.c; tests and scripts only). */
#include "popgen.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    const popgen_design *d = argc == 3 ? popgen_named(argv[1]) : NULL;
    if (!d) {
        fprintf(stderr, "usage: pop_make_data small|blq|cov|full OUT.csv\n");
        return 2;
    }
    ketsim_error err = {0};
    if (popgen_write(argv[2], d, &err)) {
        fprintf(stderr, "pop_make_data: %s\n", err.msg);
        return 1;
    }
    return 0;
}
