/* ketsim: a mechanistic simulator of ketamine's rapid antidepressant action.
 * Include this header for the whole public API. */
#ifndef KETSIM_H
#define KETSIM_H

#define KETSIM_VERSION "0.1.0"

#include "ketsim/catalog.h"
#include "ketsim/error.h"
#include "ketsim/model.h"
#include "ketsim/params.h"
#include "ketsim/regimen.h"
#include "ketsim/simulate.h"

#endif
