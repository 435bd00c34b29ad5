/* Where ketsim finds its data (targets, scenarios, lab protocols, drugs). */
#ifndef KETSIM_DATADIR_H
#define KETSIM_DATADIR_H

#include <stddef.h>

/* $KETSIM_DATA_DIR when set and non-empty; else the source tree's data/
 * the library was built from.  Never ./data: files in the working directory
 * do not replace the built-in ones.  (The ketsim program also sets the
 * variable from --data-dir, or to its installed data directory.) */
const char *ketsim_data_dir(void);

/* DIR/REL into buf (truncated to size); returns buf. */
char *ketsim_data_path(const char *rel, char *buf, size_t size);

#endif
