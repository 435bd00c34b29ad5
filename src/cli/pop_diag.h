/* The diagnostics of ketsim fit --method foce-i|saem (pop_diag.c): design
 * simulations, NPDE into the per-record table, VPC tables and figures. */
#ifndef KETSIM_CLI_POP_DIAG_H
#define KETSIM_CLI_POP_DIAG_H

#include "ketsim/popest.h"

#include <stddef.h>
#include <stdint.h>

typedef struct pop_diag_opts {
    const char *plot_dir;   /* --plot DIR (NULL: no figures) */
    size_t n_rep;           /* --vpc N (0: none asked; 200 with --plot) */
    size_t max_bins;        /* --vpc-bins */
    int log_scale;          /* --plot-scale: -1 auto, 0 linear, 1 log */
    uint64_t seed;
} pop_diag_opts;

/* Parse one of the diagnostics options (`c`: the getopt code); 1 if it was
 * one, 0 if not, 2 on a usage error. */
int pop_diag_option(pop_diag_opts *d, int c, const char *arg);
/* Simulate, fill r->npde, write DIR/vpc_OUTPUT.csv and the figures. */
int pop_diag_run(const pop_diag_opts *d, const char *write_dir, ketsim_popest *pe, ketsim_popest_result *r, const ketsim_events *ev,
                 ketsim_error *err);

/* getopt codes of the options (long options only) */
#define POP_DIAG_OPT_PLOT 1001
#define POP_DIAG_OPT_VPC 1002
#define POP_DIAG_OPT_BINS 1003
#define POP_DIAG_OPT_SCALE 1004
#define POP_DIAG_LONGOPTS                                                                                     \
    {"plot", required_argument, 0, POP_DIAG_OPT_PLOT}, {"vpc", required_argument, 0, POP_DIAG_OPT_VPC},       \
        {"vpc-bins", required_argument, 0, POP_DIAG_OPT_BINS}, {"plot-scale", required_argument, 0, POP_DIAG_OPT_SCALE}

#endif
