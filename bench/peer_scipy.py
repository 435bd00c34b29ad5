"""scipy solve_ivp (LSODA, BDF) on ketsim's own right-hand side
(libketsim_rhs.so through ctypes): the default single infusion, 14 days,
10-min grid, ketsim's tolerances.  Writes key=value timings and the
trajectories (CSV: t, states) for the agreement check.

usage: peer_scipy.py LIBKETSIM_RHS.so OUTDIR REPEATS"""
import ctypes
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp

lib = ctypes.CDLL(sys.argv[1])
outdir, repeats = sys.argv[2], int(sys.argv[3])
n = lib.ketsim_bench_init()
if n <= 0:
    sys.exit("could not build the model")
lib.ketsim_bench_infusion_end_h.restype = ctypes.c_double
t_inf = lib.ketsim_bench_infusion_end_h()
dptr = ctypes.POINTER(ctypes.c_double)
lib.ketsim_bench_rhs.argtypes = [ctypes.c_double, dptr, dptr]
y0 = np.zeros(n)
atol = np.zeros(n)
u = np.zeros(n)
lib.ketsim_bench_y0(y0.ctypes.data_as(dptr))
lib.ketsim_bench_atol(atol.ctypes.data_as(dptr))
lib.ketsim_bench_infusion(u.ctypes.data_as(dptr))
RTOL = 1e-6
grid = np.arange(0, 14 * 24 * 6 + 1) / 6.0
calls = [0]


def make_rhs(rate):
    dy = np.zeros(n)
    dp = dy.ctypes.data_as(dptr)

    def f(t, y):
        calls[0] += 1
        y = np.ascontiguousarray(y, dtype=float)
        lib.ketsim_bench_rhs(t, y.ctypes.data_as(dptr), dp)
        return dy + rate

    return f


def solve(method):
    """Two segments, split at the end of the infusion as ketsim does."""
    first = np.append(grid[grid < t_inf], t_inf)
    s1 = solve_ivp(make_rhs(u), (0, t_inf), y0, method=method, rtol=RTOL, atol=atol, t_eval=first)
    second = grid[grid >= t_inf]
    s2 = solve_ivp(make_rhs(np.zeros(n)), (t_inf, grid[-1]), s1.y[:, -1], method=method,
                   rtol=RTOL, atol=atol, t_eval=second)
    if not (s1.success and s2.success):
        sys.exit(f"{method} failed")
    return np.concatenate([s1.t[:-1], s2.t]), np.hstack([s1.y[:, :-1], s2.y]).T


for method in ("LSODA", "BDF"):
    best = 1e30
    for _ in range(repeats):
        calls[0] = 0
        t0 = time.process_time()
        t, y = solve(method)
        best = min(best, time.process_time() - t0)
    print(f"scipy_{method.lower()}_ms={best * 1e3:.2f}")
    print(f"scipy_{method.lower()}_rhs_calls={calls[0]}")
    np.savetxt(f"{outdir}/scipy_{method.lower()}.csv", np.column_stack([t, y]), delimiter=",",
               fmt="%.17g")
