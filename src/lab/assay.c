/* Assay arithmetic: how a read-out is derived from the model's outputs.
 * Pure functions; the parameters come from the lab.* rows. */
#include "ketsim/lab.h"

#include <math.h>

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
