"""Error of trajectories against a reference solution on the same grid:
for each state, the largest |x - ref| over the output times relative to the
state's peak |ref| (states that stay below 1000 x their absolute tolerance,
e.g. depots never dosed, are measured against that floor instead); the
error of a trajectory is the largest over its states.

usage: accuracy.py LIBKETSIM_RHS.so REF.csv NAME=FILE.csv ...
prints NAME_err=... and NAME_worst_state=... for each"""
import ctypes
import sys

import numpy as np

lib = ctypes.CDLL(sys.argv[1])
n = lib.ketsim_bench_init()
atol = np.zeros(n)
lib.ketsim_bench_atol(atol.ctypes.data_as(ctypes.POINTER(ctypes.c_double)))
ref = np.loadtxt(sys.argv[2], delimiter=",")
scale = np.maximum(np.max(np.abs(ref[:, 1:]), axis=0), 1e3 * atol)
for arg in sys.argv[3:]:
    name, path = arg.split("=", 1)
    x = np.loadtxt(path, delimiter=",")
    if x.shape != ref.shape or np.max(np.abs(x[:, 0] - ref[:, 0])) > 1e-9:
        sys.exit(f"{name}: output grid differs from the reference's {x.shape} {ref.shape}")
    rel = np.max(np.abs(x[:, 1:] - ref[:, 1:]), axis=0) / scale
    print(f"{name}_err={rel.max():.3g}")
    print(f"{name}_worst_state={int(rel.argmax())}")
