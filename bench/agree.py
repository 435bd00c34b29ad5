"""Agreement of a peer's trajectory with ketsim's at the shared output times:
for each state, the largest |peer - ketsim| over time relative to the state's
peak |ketsim| (states that stay below 1000 x their absolute tolerance, e.g.
depots never dosed, are compared against that floor instead).

usage: agree.py KETSIM.csv PEER.csv LIBKETSIM_RHS.so NAME -> NAME_max_rel_diff=..."""
import ctypes
import sys

import numpy as np

a = np.loadtxt(sys.argv[1], delimiter=",")
b = np.loadtxt(sys.argv[2], delimiter=",")
lib = ctypes.CDLL(sys.argv[3])
n = lib.ketsim_bench_init()
atol = np.zeros(n)
lib.ketsim_bench_atol(atol.ctypes.data_as(ctypes.POINTER(ctypes.c_double)))
if a.shape != b.shape or np.max(np.abs(a[:, 0] - b[:, 0])) > 1e-9:
    sys.exit(f"{sys.argv[4]}: output grids differ {a.shape} {b.shape}")
scale = np.maximum(np.max(np.abs(a[:, 1:]), axis=0), 1e3 * atol)
rel = np.max(np.abs(a[:, 1:] - b[:, 1:]), axis=0) / scale
print(f"{sys.argv[4]}_max_rel_diff={rel.max():.3g}")
print(f"{sys.argv[4]}_worst_state={int(rel.argmax())}")
