#!/usr/bin/env bash
# The diagnostics of a joint PK + MADRS population fit (docs/fit.md,
# "Diagnostics"): plasma S-ketamine and MADRS simulated by the model for 12
# subjects with known between-subject variability (S-ketamine clearance,
# mood sensitivity) and residual noise, fitted by FOCE-I with one error
# model per output, --plot with both outputs.  Checks: each output has its
# own goodness-of-fit, individual and VPC figures and VPC table, the
# record table has PRED, IPRED, CWRES and NPDE for both outputs, the VPC's
# observed medians of both outputs lie inside (or at) their simulated
# intervals at most times, and the whole set is published with a manifest.
source "$(dirname "$0")/lib/common.bash"
skip_if_quick

# ---- data: 12 subjects, esketamine 35 mg IV over 40 min -----------------
# truth: CL 80 L/h x exp(ETA), OMEGA 0.09; mood.sensitivity 1 x exp(ETA),
# OMEGA 0.04; 15% proportional error on PK, 2 points additive on MADRS
python3 - "$ketsim" "$tmp/joint.csv" <<'PY' || { echo "FAIL: data"; exit 1; }
import math, random, subprocess, sys
ketsim, out = sys.argv[1], sys.argv[2]
rng = random.Random(20261202)
pk_t, madrs_t = [0.5, 1, 2, 4, 8], [4, 24, 72]
rows = ["ID,TIME,AMT,RATE,CMT,EVID,DV,OUTPUT"]
for s in range(1, 13):
    cl = 80 * math.exp(rng.gauss(0, 0.3))
    ms = 1.0 * math.exp(rng.gauss(0, 0.2))
    r = subprocess.run([ketsim, "simulate", "--drug", "esketamine", "--dose", "iv:35mg:40min",
                        "--set", f"s_ket.cl_l_per_h={cl:.10g}", "--set", f"mood.sensitivity={ms:.10g}",
                        "--until", "72h", "--every", "30min",
                        "--outputs", "time_h,plasma_s_ketamine_ng_per_ml,madrs"],
                       check=True, capture_output=True, text=True).stdout.splitlines()
    sim = {float(l.split(",")[0]): [float(x) for x in l.split(",")[1:]] for l in r[1:]}
    rows.append(f"{s},0,35,52.5,1,1,.,.")
    obs = [(t, sim[t][0] * (1 + 0.15 * rng.gauss(0, 1)), "plasma_s_ketamine_ng_per_ml") for t in pk_t]
    obs += [(t, sim[t][1] + 2 * rng.gauss(0, 1), "madrs") for t in madrs_t]
    for t, dv, o in sorted(obs):
        rows.append(f"{s},{t},.,.,.,0,{dv:.6g},{o}")
open(out, "w").write("\n".join(rows) + "\n")
PY

# ---- the fit, with both outputs' diagnostics into one set ---------------
"$ketsim" fit --method foce-i --drug esketamine --data "$tmp/joint.csv" \
    --estimate s_ket.cl_l_per_h,mood.sensitivity --eta s_ket.cl_l_per_h,mood.sensitivity \
    --error plasma_s_ketamine_ng_per_ml=proportional --error madrs=additive --cov none --threads 2 \
    --plot "$tmp/set" --out-dir "$tmp/set" --vpc 100 --seed 5 >"$tmp/out" 2>"$tmp/err" \
    && ok || bad "joint fit: $(cat "$tmp/err")"
grep -E "^(s_ket.cl_l_per_h|mood.sensitivity) " "$tmp/out" | head -4
python3 - "$tmp/set" <<'PY' && ok || bad "joint diagnostics"
import csv, hashlib, json, math, os, struct, sys
d = sys.argv[1]
outs = ["plasma_s_ketamine_ng_per_ml", "madrs"]
files = set(os.listdir(d))
for o in outs:
    for base in (f"gof_{o}", f"vpc_{o}", f"individual_{o}_1", f"individual_{o}_2", f"individual_{o}_3"):
        for ext in ("png", "svg"):
            assert f"{base}.{ext}" in files, (base, ext, sorted(files))
        png = open(os.path.join(d, base + ".png"), "rb").read()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20000, base
    assert f"individual_{o}_4.png" not in files, o        # 12 subjects, 4 per page
# the VPC tables: nominal times; observed medians inside their bands at most times
for o, times in (("plasma_s_ketamine_ng_per_ml", [0.5, 1, 2, 4, 8]), ("madrs", [4, 24, 72])):
    rows = list(csv.DictReader(l for l in open(os.path.join(d, f"vpc_{o}.csv")) if not l.startswith("#")))
    assert [float(r["time_mid_h"]) for r in rows] == times, (o, rows)
    assert all(int(r["n_obs"]) == 12 for r in rows), o
    inside = sum(float(r["sim_p50_lo"]) <= float(r["obs_p50"]) <= float(r["sim_p50_hi"]) for r in rows)
    print(f"{o}: observed median inside the simulated 95% interval at {inside} of {len(rows)} times")
    assert inside >= len(rows) - 1, (o, rows)
# the record table: both outputs, every residual defined, NPDE about N(0, 1)
rec = list(csv.DictReader(open(os.path.join(d, "fit_records.csv"))))
for o, n in (("plasma_s_ketamine_ng_per_ml", 60), ("madrs", 36)):
    r = [x for x in rec if x["OUTPUT"] == o]
    assert len(r) == n, (o, len(r))
    for col in ("PRED", "IPRED", "CWRES", "NPDE"):
        assert all(x[col] not in (".", "") and math.isfinite(float(x[col])) for x in r), (o, col)
    npde = [float(x["NPDE"]) for x in r]
    m = sum(npde) / n
    v = sum((a - m) ** 2 for a in npde) / (n - 1)
    print(f"{o}: NPDE mean {m:.2f}, variance {v:.2f} ({n} records)")
    assert abs(m) < 4 / math.sqrt(n) and 0.4 < v < 2.0, (o, m, v)
# one set: the fit's files and the figures under one manifest
man = json.load(open(os.path.join(d, "fit_manifest.json")))
listed = {f["name"] for f in man["files"]}
assert {"fit.json", "fit_params.txt", "fit_records.csv", "vpc_madrs.csv", "gof_madrs.png"} <= listed, listed
for f in man["files"]:
    b = open(os.path.join(d, f["name"]), "rb").read()
    assert hashlib.sha256(b).hexdigest() == f["sha256"], f["name"]
assert not [f for f in files if ".tmp" in f or f.startswith(".ketsim")], files
PY

finish
