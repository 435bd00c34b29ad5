/* ketsim: a mechanistic simulator of ketamine's rapid antidepressant action.
 * Include this header for the whole public API. */
#ifndef KETSIM_H
#define KETSIM_H

#define KETSIM_VERSION "0.1.0"

#include "ketsim/api.h"
#include "ketsim/beyond.h"
#include "ketsim/calibrate.h"
#include "ketsim/catalog.h"
#include "ketsim/cohort.h"
#include "ketsim/datadir.h"
#include "ketsim/dataset.h"
#include "ketsim/dist.h"
#include "ketsim/error.h"
#include "ketsim/fit.h"
#include "ketsim/formats.h"
#include "ketsim/gsa.h"
#include "ketsim/lab.h"
#include "ketsim/model.h"
#include "ketsim/params.h"
#include "ketsim/plot.h"
#include "ketsim/plot_results.h"
#include "ketsim/population.h"
#include "ketsim/progress.h"
#include "ketsim/regimen.h"
#include "ketsim/rng.h"
#include "ketsim/roc.h"
#include "ketsim/sbml.h"
#include "ketsim/sensitivity.h"
#include "ketsim/simulate.h"
#include "ketsim/stats.h"
#include "ketsim/subject.h"
#include "ketsim/trial.h"
#include "ketsim/units.h"
#include "ketsim/validate.h"

#endif
