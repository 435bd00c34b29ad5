/* --observed FILE: observations of a NONMEM-style dataset (docs/dataset.md)
 * grouped by output, to draw over a run's figures. */
#ifndef KETSIM_CLI_OBSERVED_H
#define KETSIM_CLI_OBSERVED_H

#include "ketsim/error.h"
#include "ketsim/plot.h"

typedef struct cli_observed cli_observed;

/* Read FILE with the dataset reader (errors name its line and column): the
 * observation records that carry a DV (EVID 0, MDV 0, not below LLOQ) of
 * every subject, grouped by their OUTPUT.  Outputs the figures do not draw
 * are reported on stderr (the command names `cmd`) and left out. */
int cli_observed_read(const char *path, const char *cmd, cli_observed **out, ketsim_error *err);
const ketsim_plot_observed *cli_observed_series(const cli_observed *o);
size_t cli_observed_n_series(const cli_observed *o);
/* NULL is ignored. */
void cli_observed_free(cli_observed *o);

#endif
