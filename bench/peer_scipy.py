"""scipy on ketsim's own right-hand side (libketsim_rhs.so through ctypes):
the default single infusion, 14 days, on the dense grid (every 10 min) and
the trial grid (41 times), at ketsim's tolerances (rtol 1e-6, ketsim's
per-state atol).  Every solver gets the compiled Jacobian of the shim
(ketsim_bench_jac: coloured difference quotients in C) except the one row
kept for comparison with the old benchmark (solve_ivp LSODA, numerical
Jacobian in Python).  Also a tight solution (odeint, rtol 1e-10, atol x
1e-4) to check the reference.

Prints key=value lines: scipy_NAME_GRID_ms (best of REPEATS, process CPU
time), _rhs (Python right-hand-side calls), _jac (Jacobian calls); writes
OUTDIR/scipy_NAME_GRID.csv (t, states).

usage: peer_scipy.py LIBKETSIM_RHS.so OUTDIR REPEATS"""
import ctypes
import sys
import time

import numpy as np
from scipy.integrate import odeint, solve_ivp

lib = ctypes.CDLL(sys.argv[1])
outdir, repeats = sys.argv[2], int(sys.argv[3])
n = lib.ketsim_bench_init()
if n <= 0:
    sys.exit("could not build the model")
lib.ketsim_bench_infusion_end_h.restype = ctypes.c_double
t_inf = lib.ketsim_bench_infusion_end_h()
dptr = ctypes.POINTER(ctypes.c_double)
lib.ketsim_bench_rhs.argtypes = [ctypes.c_double, dptr, dptr]
lib.ketsim_bench_jac.argtypes = [ctypes.c_double, dptr, dptr]
y0 = np.zeros(n)
atol = np.zeros(n)
u = np.zeros(n)
lib.ketsim_bench_y0(y0.ctypes.data_as(dptr))
lib.ketsim_bench_atol(atol.ctypes.data_as(dptr))
lib.ketsim_bench_infusion(u.ctypes.data_as(dptr))
RTOL = 1e-6

# The grids of bench/sim_bench.c, computed the same way.
dense = np.arange(2017) * (1.0 / 6)
dense[-1] = 14 * 24.0
trial = np.concatenate([[0.0], np.arange(1, 37) * (5.0 / 60), [24.0, 72.0, 168.0, 336.0]])
GRIDS = {"dense": dense, "trial": trial}
calls = {"rhs": 0, "jac": 0}


def make_rhs(rate):
    dy = np.zeros(n)
    dp = dy.ctypes.data_as(dptr)

    def f(t, y):
        calls["rhs"] += 1
        y = np.ascontiguousarray(y, dtype=float)
        lib.ketsim_bench_rhs(t, y.ctypes.data_as(dptr), dp)
        return dy + rate

    return f


def jac(t, y):
    calls["jac"] += 1
    J = np.empty((n, n))
    y = np.ascontiguousarray(y, dtype=float)
    lib.ketsim_bench_jac(t, y.ctypes.data_as(dptr), J.ctypes.data_as(dptr))
    return J


def segments(grid):
    """Two segments, split at the end of the infusion as ketsim does."""
    return np.append(grid[grid < t_inf], t_inf), grid[grid >= t_inf]


def by_solve_ivp(method, with_jac, rtol, atol_):
    def solve(grid):
        first, second = segments(grid)
        kw = dict(method=method, rtol=rtol, atol=atol_)
        if with_jac:
            kw["jac"] = jac
        s1 = solve_ivp(make_rhs(u), (0, t_inf), y0, t_eval=first, **kw)
        s2 = solve_ivp(make_rhs(np.zeros(n)), (t_inf, grid[-1]), s1.y[:, -1], t_eval=second, **kw)
        if not (s1.success and s2.success):
            sys.exit(f"solve_ivp {method} failed")
        return np.vstack([s1.y[:, :-1].T, s2.y.T])

    return solve


def by_odeint(with_jac, rtol, atol_):
    def solve(grid):
        first, second = segments(grid)
        kw = dict(rtol=rtol, atol=atol_, tfirst=True, mxstep=1000000)  # hmax: 0 (none), the default
        if with_jac:
            kw["Dfun"] = jac
        y1 = odeint(make_rhs(u), y0, first, **kw)
        y2 = odeint(make_rhs(np.zeros(n)), y1[-1], second, **kw)
        return np.vstack([y1[:-1], y2])

    return solve


SOLVERS = [
    ("ivp_lsoda_numjac", by_solve_ivp("LSODA", False, RTOL, atol)),
    ("ivp_lsoda", by_solve_ivp("LSODA", True, RTOL, atol)),
    ("ivp_bdf", by_solve_ivp("BDF", True, RTOL, atol)),
    ("odeint", by_odeint(True, RTOL, atol)),
]

for gname, grid in GRIDS.items():
    for name, solve in SOLVERS:
        best = 1e30
        for _ in range(repeats):
            calls["rhs"] = calls["jac"] = 0
            t0 = time.process_time()
            y = solve(grid)
            best = min(best, time.process_time() - t0)
        print(f"scipy_{name}_{gname}_ms={best * 1e3:.2f}")
        print(f"scipy_{name}_{gname}_rhs={calls['rhs']}")
        print(f"scipy_{name}_{gname}_jac={calls['jac']}")
        np.savetxt(f"{outdir}/scipy_{name}_{gname}.csv", np.column_stack([grid, y]), delimiter=",", fmt="%.17g")
    # an independent tight solution, to check ketsim's reference against
    y = by_odeint(True, 1e-10, atol * 1e-4)(grid)
    np.savetxt(f"{outdir}/ref_lsoda_{gname}.csv", np.column_stack([grid, y]), delimiter=",", fmt="%.17g")
