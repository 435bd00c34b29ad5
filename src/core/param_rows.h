/* Shorthand for the layers' parameter tables (rows of ketsim_param_def):
 * what kind of number a row holds, in its own field.
 *   LIT          from the literature (the source column says where)
 *   ASSUMED      no source gives it: chosen, and the source column says why
 *   CAL("a b")   calibrated: fitted by `ketsim calibrate` to targets a, b
 *   HAND("a b")  set by hand against targets a, b (or none), not fitted */
#ifndef KETSIM_CORE_PARAM_ROWS_H
#define KETSIM_CORE_PARAM_ROWS_H

#include "ketsim/params.h"

#define LIT KETSIM_PARAM_LITERATURE, ""
#define ASSUMED KETSIM_PARAM_ASSUMED, ""
#define CAL(targets) KETSIM_PARAM_CALIBRATED, targets
#define HAND(targets) KETSIM_PARAM_HAND_SET, targets

#endif
