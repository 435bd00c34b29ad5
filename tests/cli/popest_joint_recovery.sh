#!/usr/bin/env bash
# The small version of the joint PK + MADRS recovery (docs/fit.md,
# "Recovery: PK and MADRS together"; the full one is
# scripts/popest_recovery_joint.sh): 12 subjects simulated by the
# mechanistic model (pop_make_data joint-small: esketamine 35 mg IV over
# 40 min, 3 plasma samples each, MADRS at 0, 4 h, 1, 3 and 7 d; ETAs on
# S-ketamine clearance, mood sensitivity and the untreated MADRS),
# estimated by FOCE-I and by a short SAEM from the table's start values,
# each output with its own error model.  Checks, for both methods: every
# THETA within 10% of the truth, both SIGMAs within 20%, every OMEGA within
# 50% of the variance of the 12 values actually drawn (pop_make_data writes
# them; 12 subjects say little about the population's OMEGA, so the sample's
# is the one an estimator can be asked to find), the fit converged, and both
# outputs' records are in the record table.  No covariance step (it would
# take minutes); the full study reports the coverage of the intervals.
source "$(dirname "$0")/lib/common.bash"
skip_if_quick
gen="$(dirname "$ketsim")/pop_make_data"
"$gen" joint-small "$tmp/joint.csv" "$tmp/values.csv" || { echo "FAIL: pop_make_data"; exit 1; }
T=s_ket.cl_l_per_h,mood.sensitivity,patient.madrs_baseline
for m in foce-i saem; do
    "$ketsim" fit --method "$m" --drug esketamine --data "$tmp/joint.csv" --estimate "$T" --eta "$T" \
        --error plasma_s_ketamine_ng_per_ml=proportional --error madrs=additive --cov none --threads 2 \
        --saem-iter 40,20 --is-samples 50 --json "$tmp/$m.json" --table "$tmp/$m.csv" \
        >"$tmp/$m.out" 2>"$tmp/$m.err" && ok || bad "$m fit: $(cat "$tmp/$m.err")"
    tail -1 "$tmp/$m.out"
done
python3 - "$tmp" "$root/scripts" <<'PY' && ok || bad "recovery"
import csv, json, math, os, statistics as st, sys
d = sys.argv[1]
sys.path.insert(0, sys.argv[2])
from popest_recovery_table import TRUTH
vals = list(csv.DictReader(open(os.path.join(d, "values.csv"))))
assert len(vals) == 12, len(vals)
sample_var = {k: st.pvariance([math.log(float(r[k])) for r in vals]) for k in vals[0] if k != "ID"}
for m in ("foce-i", "saem"):
    fit = json.load(open(os.path.join(d, f"{m}.json")))
    assert fit["converged"] is True, (m, fit["message"])
    for kind, name, t in TRUTH["joint"]:
        est = fit[kind][name]["variance" if kind == "omega" else "estimate"]
        ref, tol = (sample_var[name], 0.5) if kind == "omega" else (t, 0.1 if kind == "theta" else 0.2)
        err = (est - ref) / ref
        print(f"{m} {kind} {name}: {est:.4g} against {ref:.4g} ({100 * err:+.1f}%)")
        assert abs(err) <= tol, (m, kind, name, est, ref)
    rec = list(csv.DictReader(open(os.path.join(d, f"{m}.csv"))))
    n = {o: sum(r["OUTPUT"] == o for r in rec) for o in ("plasma_s_ketamine_ng_per_ml", "madrs")}
    assert n == {"plasma_s_ketamine_ng_per_ml": 36, "madrs": 60}, n
PY
finish
