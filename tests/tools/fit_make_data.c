/* fit_make_data DESIGN OUT.csv: write a synthetic data set (tests only). */
#include "fitgen.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    const fitgen_design *d = argc == 3 ? fitgen_named(argv[1]) : NULL;
    if (!d) {
        fprintf(stderr, "usage: fit_make_data pk|cascade OUT.csv\n");
        return 2;
    }
    ketsim_error err = {0};
    if (fitgen_write(argv[2], d, &err)) {
        fprintf(stderr, "fit_make_data: %s\n", err.msg);
        return 1;
    }
    return 0;
}
