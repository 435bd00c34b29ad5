/* The end of every text writer in src/formats (private): the stream's error
 * flag is sticky, so one check after the last write covers all of them. */
#ifndef KETSIM_FORMATS_STREAM_H
#define KETSIM_FORMATS_STREAM_H

#include <stdio.h>
#include "ketsim/error.h"

/* KETSIM_OK, or KETSIM_EIO naming `what` when fp reports a write error. */
int formats_stream_status(FILE *fp, const char *what, ketsim_error *err);

#endif
