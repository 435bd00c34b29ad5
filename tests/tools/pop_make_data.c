/* pop_make_data DESIGN OUT.csv [VALUES.csv]: write a synthetic population
 * data set (tests/tools/popgen.c, popgen_joint.c; tests and scripts only);
 * for the joint designs VALUES.csv receives the drawn individual values. */
#include "popgen.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    const popgen_design *d = argc == 3 ? popgen_named(argv[1]) : NULL;
    const popgen_joint_design *j = argc == 3 || argc == 4 ? popgen_joint_named(argv[1]) : NULL;
    if (!d && !j) {
        fprintf(stderr, "usage: pop_make_data small|blq|cov|full|joint|joint-small OUT.csv [VALUES.csv]\n");
        return 2;
    }
    ketsim_error err = {0};
    if (d ? popgen_write(argv[2], d, &err) : popgen_joint_write(argv[2], j, &err)) {
        fprintf(stderr, "pop_make_data: %s\n", err.msg);
        return 1;
    }
    if (j && argc == 4 && popgen_joint_write_truth(argv[3], j, &err)) {
        fprintf(stderr, "pop_make_data: %s\n", err.msg);
        return 1;
    }
    return 0;
}
