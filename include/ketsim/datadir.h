/* Where ketsim finds its data (targets, scenarios, lab protocols, drugs). */
#ifndef KETSIM_DATADIR_H
#define KETSIM_DATADIR_H

#include <stddef.h>

/* $KETSIM_DATA_DIR when set and non-empty; else ./data when it holds
 * targets.csv; else the source tree's data/ the library was built from. */
const char *ketsim_data_dir(void);

/* DIR/REL into buf (truncated to size); returns buf. */
char *ketsim_data_path(const char *rel, char *buf, size_t size);

#endif
