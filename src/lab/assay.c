/* The measures, and the assay arithmetic: how a read-out is derived from
 * the model's outputs.  Pure functions; the parameters come from the lab.*
 * rows. */
#include "ketsim/lab.h"

#include <math.h>

/* What each measure is called in protocols and outputs, its unit and the
 * assay that yields it: lab data, shared by the protocol reader and the
 * writers above. */
static const struct {
    const char *name, *unit, *assay, *title;
} measures[KETSIM_LAB_N_MEASURES] = {
    {"p_mtor", "fold of control", "western", "p-mTOR (Western blot)"},
    {"p_p70s6k", "fold of control", "western", "p-p70S6K (Western blot)"},
    {"p_4ebp1", "fold of control", "western", "p-4E-BP1 (Western blot)"},
    {"p_eef2", "fold of control", "western", "p-eEF2 (Western blot)"},
    {"bdnf", "fold of control", "western", "BDNF (Western blot)"},
    {"psd95", "fold of control", "western", "PSD-95 (Western blot)"},
    {"glua1", "fold of control", "western", "GluA1 (Western blot)"},
    {"synapsin1", "fold of control", "western", "synapsin I (Western blot)"},
    {"spine_density", "spines/10um", "spines", "spine density"},
    {"glutamate", "% of baseline", "microdialysis", "extracellular glutamate (microdialysis)"},
    {"glutamate", "fold of control", "mrs", "glutamate (MRS)"},
    {"pfc_glutamate", "fold of control", "mrs", "prefrontal glutamate (MRS)"},
    {"glutamine", "fold of control", "mrs", "glutamine (MRS)"},
    {"gaba", "fold of control", "mrs", "GABA (MRS)"},
    {"glu_gln", "fold of control", "mrs", "glutamate/glutamine (MRS)"},
    {"gaba_glu", "fold of control", "mrs", "GABA/glutamate (MRS)"},
    {"bdnf", "fold of control", "plasma", "plasma BDNF"},
    {"immobility", "s", "forced_swim", "forced-swim immobility"},
    {"sucrose_preference", "%", "sucrose_preference", "sucrose preference"},
};

const char *ketsim_lab_measure_name(ketsim_lab_measure m) { return measures[m].name; }
const char *ketsim_lab_measure_unit(ketsim_lab_measure m) { return measures[m].unit; }
const char *ketsim_lab_measure_assay(ketsim_lab_measure m) { return measures[m].assay; }
const char *ketsim_lab_measure_title(ketsim_lab_measure m) { return measures[m].title; }

const char *ketsim_lab_stars(double p)
{
    return isnan(p) ? "" : p < 0.001 ? "***" : p < 0.01 ? "**" : p < 0.05 ? "*" : "ns";
}

void ketsim_lab_lag_filter(const double *t, const double *x, size_t n, double tau_h, double *y)
{
    if (n == 0)
        return;
    y[0] = x[0];
    for (size_t i = 1; i < n; i++) {
        double dt = t[i] - t[i - 1];
        if (tau_h <= 0 || dt <= 0) {
            y[i] = tau_h <= 0 ? x[i] : y[i - 1];
            continue;
        }
        /* exact solution for an input linear in time over the step:
         * x(s) = x0 + b s;  y(dt) = x(dt) - b tau + (y0 - x0 + b tau) e^(-dt/tau) */
        double b = (x[i] - x[i - 1]) / dt, e = exp(-dt / tau_h);
        y[i] = x[i] - b * tau_h + (y[i - 1] - x[i - 1] + b * tau_h) * e;
    }
}

static double interp(const double *t, const double *x, size_t n, double at)
{
    if (at <= t[0])
        return x[0];
    for (size_t i = 1; i < n; i++)
        if (at <= t[i]) {
            double w = (at - t[i - 1]) / (t[i] - t[i - 1]);
            return x[i - 1] + w * (x[i] - x[i - 1]);
        }
    return x[n - 1];
}

double ketsim_lab_window_mean(const double *t, const double *x, size_t n, double a, double b)
{
    if (n == 0 || !(b > a))
        return NAN;
    double area = 0, prev_t = a, prev_x = interp(t, x, n, a);
    for (size_t i = 0; i < n; i++) {
        if (t[i] <= a)
            continue;
        if (t[i] >= b)
            break;
        area += 0.5 * (prev_x + x[i]) * (t[i] - prev_t);
        prev_t = t[i];
        prev_x = x[i];
    }
    area += 0.5 * (prev_x + interp(t, x, n, b)) * (b - prev_t);
    return area / (b - a);
}

double ketsim_lab_fst_immobility(double phi, double base_s, double gain)
{
    double v = base_s * (1.0 - gain * (phi - 1.0));
    return v < 0 ? 0 : v > 240 ? 240 : v;
}

double ketsim_lab_spt_preference(double phi, double base_pct, double exponent)
{
    double v = 50.0 + (base_pct - 50.0) * pow(phi > 0 ? phi : 0, exponent);
    return v < 0 ? 0 : v > 100 ? 100 : v;
}
