/* The seed's Table 2 (biomarkers) for the main job. */
#ifndef KETSIM_CLI_MAIN_TABLE2_H
#define KETSIM_CLI_MAIN_TABLE2_H

#include <stdio.h>
#include "ketsim/error.h"

/* Run the Table 2 targets of data/targets.csv and print one row each. */
int main_table2_print(FILE *fp, ketsim_error *err);

#endif
