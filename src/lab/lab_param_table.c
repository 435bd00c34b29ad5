/* Virtual laboratory parameters: animal variability, assay noise and gains,
 * behavioural tests and stress paradigms.  Read by src/lab/ only. */
#include "ketsim/lab.h"
#include "core/param_rows.h"

#include <math.h>

#define ALL(v) {(v), (v), (v)}

static const ketsim_param_def rows[] = {
    /* virtual laboratory (src/lab/): assays, behaviour, stress, animal variability */
    {"lab.iiv.pk_omega", "1", ALL(0.2), 0, 2, ASSUMED, "assumed: rodent PK CV ~20% between animals", "log-scale SD of every clearance between animals (one factor per animal)"},
    {"lab.iiv.response_omega", "1", ALL(0.15), 0, 2, ASSUMED, "assumed: behavioural responsiveness varies ~15% between animals", "log-scale SD of mood.sensitivity between animals"},
    {"lab.western.cv", "1", ALL(0.15), 0, 2, ASSUMED, "assumed: Western blot densitometry CV 10-20%", "log-scale measurement SD of a Western blot band"},
    {"lab.western.p70s6k_gain", "1", ALL(1.3), 0, 10, ASSUMED, "assumed: p70S6K phosphorylation amplifies mTORC1 activity (Li 2010 shows larger fold changes than p-mTOR)", "exponent of lagged mTORC1 for p-p70S6K"},
    {"lab.western.p70s6k_lag_h", "h", ALL(0.25), 0, 24, ASSUMED, "assumed: kinase step minutes downstream of mTORC1", "first-order lag of p-p70S6K behind mTORC1"},
    {"lab.western.4ebp1_gain", "1", ALL(0.8), 0, 10, ASSUMED, "assumed: 4E-BP1 is partly rapamycin-resistant (Thoreen 2009), so it follows mTORC1 less steeply", "exponent of lagged mTORC1 for p-4E-BP1"},
    {"lab.western.4ebp1_lag_h", "h", ALL(0.25), 0, 24, ASSUMED, "assumed: kinase step minutes downstream of mTORC1", "first-order lag of p-4E-BP1 behind mTORC1"},
    {"lab.western.psd95_gain", "1", ALL(1.0), 0, 10, ASSUMED, "assumed: PSD95 tracks the synaptic protein pool", "exponent of synaptic_protein_rel for PSD95"},
    {"lab.western.glua1_gain", "1", ALL(1.0), 0, 10, ASSUMED, "assumed: GluA1 tracks the synaptic protein pool", "exponent of synaptic_protein_rel for GluA1"},
    {"lab.western.synapsin_gain", "1", ALL(0.8), 0, 10, ASSUMED, "assumed: presynaptic synapsin I rises less than postsynaptic proteins (Li 2010)", "exponent of synaptic_protein_rel for synapsin I"},
    {"lab.spine.per_10um", "spines/10um", ALL(10), 0, 100, ASSUMED, "assumed: ~1 spine per um on mPFC layer V apical tufts (order of Li 2010 Science controls)", "untreated, unstressed spine density"},
    {"lab.spine.cv", "1", ALL(0.08), 0, 2, ASSUMED, "assumed: per-animal spine count CV ~8%", "log-scale measurement SD of spine density"},
    {"lab.dialysis.cv", "1", ALL(0.10), 0, 2, ASSUMED, "assumed: microdialysis fraction CV ~10%", "log-scale measurement SD of a dialysate fraction"},
    {"lab.dialysis.fraction_h", "h", ALL(1.0 / 3), 0.01, 2, LIT, "Moghaddam 1997 J Neurosci: 20-min fractions", "length of one dialysate fraction"},
    {"lab.mrs.cv", "1", ALL(0.05), 0, 2, ASSUMED, "assumed: MRS metabolite CV ~5%", "log-scale measurement SD of an MRS (or metabolomics) measure"},
    {"lab.plasma_bdnf.cv", "1", ALL(0.10), 0, 2, ASSUMED, "assumed: ELISA CV ~10%", "log-scale measurement SD of plasma BDNF"},
    {"lab.fst.immobility_s", "s", ALL(150), 0, 240, ASSUMED, "assumed: rodents are immobile ~60% of the last 4 min of a 6-min test (Porsolt)", "immobility of an untreated, unstressed animal (last 4 of 6 min)"},
    {"lab.fst.gain", "1", ALL(0.5), 0, 10, HAND(""), "set by hand so that immobility falls about 30% at 24 h after 10 mg/kg (Li 2010, Autry 2011); no target row", "fractional fall of immobility per unit rise of synaptic_function_rel"},
    {"lab.fst.sd_s", "s", ALL(20), 0, 120, ASSUMED, "assumed: typical per-animal SD in Porsolt tests", "per-animal SD of immobility"},
    {"lab.spt.baseline_pct", "%", ALL(82), 50, 100, ASSUMED, "assumed: unstressed rodents prefer 1% sucrose ~80-85%", "sucrose preference of an untreated, unstressed animal"},
    {"lab.spt.exponent", "1", ALL(2), 0, 10, ASSUMED, "assumed: chosen so CUS (spines ~0.75) gives ~65% (Li 2011 Biol Psychiatry)", "preference above 50% scales as synaptic_function_rel^exponent"},
    {"lab.spt.sd_pct", "%", ALL(4), 0, 50, ASSUMED, "assumed: typical per-animal SD", "per-animal SD of sucrose preference"},
    {"lab.stress.cus_setpoint_rel", "1", ALL(0.7), 0.05, 1, ASSUMED, "assumed: 21 d CUS cuts mPFC spine density 25-40% (Li 2011 Biol Psychiatry)", "spine.setpoint_rel after chronic unpredictable stress"},
    {"lab.stress.cus_bdnf_release_scale", "1", ALL(0.97), 0.5, 1, ASSUMED, "assumed: stress lowers activity-dependent BDNF (Duman 2012); kept small because the protein loop amplifies it steeply", "bdnf.release_scale after chronic unpredictable stress"},
    {"lab.stress.defeat_setpoint_rel", "1", ALL(0.8), 0.05, 1, ASSUMED, "assumed: chronic social defeat lowers spines somewhat less than CUS", "spine.setpoint_rel after social defeat"},
    {"lab.stress.defeat_bdnf_release_scale", "1", ALL(0.97), 0.5, 1, ASSUMED, "assumed: as CUS", "bdnf.release_scale after social defeat"},
};

const ketsim_param_table *ketsim_lab_param_table(void)
{
    static const ketsim_param_table t = {rows, sizeof rows / sizeof rows[0]};
    return &t;
}
