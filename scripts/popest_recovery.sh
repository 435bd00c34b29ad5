#!/usr/bin/env bash
# The full recovery study of docs/fit.md: 100 simulated subjects
# (pop_make_data full: one oral dose, 6 samples each, WT 50-100 kg through
# the model's allometry, SEX with an effect exp(0.3 SEX) on CL, ETAs on CL,
# V and ka, combined residual error), estimated by FOCE-I and by SAEM on 2
# threads.  Prints estimates against the truth, whether the 95% interval
# (estimate +- 1.96 SE, sandwich) covers it, and the times.
# Usage: scripts/popest_recovery.sh [BUILD_DIR] (default build).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$here/build}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$build/pop_make_data" full "$tmp/full.csv"
T=theo.cl_l_per_h,theo.v1_l,theo.route.po.ka_per_h
for m in foce-i saem; do
    "$build/ketsim" fit --method "$m" --drug "$here/examples/theoph.yaml" --data "$tmp/full.csv" \
        --estimate "$T" --eta "$T" --covariate theo.cl_l_per_h:SEX:categorical --error combined \
        --threads 2 --json "$tmp/$m.json" --allow-unconverged >"$tmp/$m.out"
done
python3 - "$tmp/foce-i.json" "$tmp/saem.json" <<'PY'
import json, math, sys
f, s = (json.load(open(p)) for p in sys.argv[1:3])
truth = [("theta", "theo.cl_l_per_h", 2.8), ("theta", "theo.v1_l", 32), ("theta", "theo.route.po.ka_per_h", 1.5),
         ("theta", "theo.cl_l_per_h~SEX(categorical)", 0.3),
         ("omega", "theo.cl_l_per_h", 0.09), ("omega", "theo.v1_l", 0.04), ("omega", "theo.route.po.ka_per_h", 0.16),
         ("sigma", "plasma_theo_ng_per_ml:add", 200), ("sigma", "plasma_theo_ng_per_ml:prop", 0.12)]
def cell(fit, kind, name, t):
    v = fit[kind][name]
    e = v["variance"] if kind == "omega" else v["estimate"]
    se = v["se"]
    cover = "yes" if se is not None and abs(e - t) <= 1.96 * se else "no"
    return f"{e:.4g} ({se:.3g}) {100 * (e - t) / t:+.1f}% {cover}", cover == "yes"
print("| parameter | truth | FOCE-I estimate (SE) error, in 95% CI | SAEM estimate (SE) error, in 95% CI |")
print("|---|---|---|---|")
cov = {"f": 0, "s": 0}
for kind, name, t in truth:
    a, ca = cell(f, kind, name, t)
    b, cb = cell(s, kind, name, t)
    cov["f"] += ca
    cov["s"] += cb
    label = name if kind == "theta" else f"{kind.upper()} {name}"
    print(f"| {label} | {t:g} | {a} | {b} |")
n = len(truth)
print(f"\ncoverage of the truth by the 95% intervals: FOCE-I {cov['f']}/{n}, SAEM {cov['s']}/{n}")
for name, r in (("FOCE-I", f), ("SAEM", s)):
    print(f"{name}: OFV {r['ofv']:.2f} ({r['ofv_method']}), FOCE-I OFV {r['ofv_foce']:.2f}, {r['iterations']} iterations, "
          f"estimation {r['simulations_estimation']} simulations in {r['seconds_estimation']:.1f} s "
          f"({r['seconds_estimation'] / max(r['iterations'], 1):.2f} s per iteration), "
          f"in all {r['simulations']} simulations in {r['seconds']:.1f} s; converged: {r['converged']} {r['message']}")
PY
