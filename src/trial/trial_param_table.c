/* Trial endpoint conventions: response, remission and relapse thresholds
 * and the significance level.  Read by src/trial/ only. */
#include "ketsim/trial.h"
#include "core/param_rows.h"

#include <math.h>

#define ALL(v) {(v), (v), (v)}
#define FRAC 0.0, 1.0

static const ketsim_param_def rows[] = {
    /* endpoint definitions */
    {"trial.response_fraction", "1", ALL(0.5), FRAC, LIT, "convention: response = MADRS fall of at least 50% from baseline", "fraction of baseline MADRS that must be lost for response"},
    {"trial.remission_max", "points", ALL(10), 0, 60, LIT, "convention: MADRS <= 10 (Zarate 2006, Murrough 2013)", "highest MADRS counted as remission"},
    {"trial.relapse_fraction", "1", ALL(0.5), FRAC, LIT, "Murrough 2013 Biol Psychiatry: relapse = MADRS above 50% of baseline", "relapse: MADRS above this fraction of the course baseline"},
    {"trial.relapse_madrs_min", "points", ALL(22), 1, 60, LIT, "Salloum 2019 J Affect Disord: relapse = MADRS reaching 22 after response to one infusion (data/literature_clinical.csv, salloum2019_relapse_def)", "absolute relapse rule: lowest MADRS counted as relapsed"},
    {"trial.relapse_consecutive", "visits", ALL(2), 1, 10, LIT, "Murrough 2013 Biol Psychiatry: two consecutive visits", "visits in a row above the relapse threshold (both rules)"},
    {"trial.alpha", "1", ALL(0.05), 0.0001, 0.5, LIT, "convention", "significance level for onset, duration and power"},
};

const ketsim_param_table *ketsim_trial_param_table(void)
{
    static const ketsim_param_table t = {rows, sizeof rows / sizeof rows[0]};
    return &t;
}
