#!/usr/bin/env bash
# ketsim fit --method foce-i against R's nlme() on R's Theoph data (12
# subjects, 132 samples): a one-compartment oral compound (examples/theoph.yaml),
# ETAs on CL, V and ka, additive error.  Prints the side-by-side table of
# docs/fit.md and exits 1 if a fixed effect differs by more than 5%.
# Usage: scripts/compare_theoph.sh [KETSIM] (default build/ketsim).
# Needs Debian's r-base-core and r-cran-nlme (scripts/packages.d/popest.txt).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
ketsim="${1:-$here/build/ketsim}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
Rscript "$here/scripts/theoph_nlme.R" "$tmp" >/dev/null
T=theo.cl_l_per_h,theo.v1_l,theo.route.po.ka_per_h
start=$(date +%s.%N)
"$ketsim" fit --method foce-i --drug "$here/examples/theoph.yaml" --data "$tmp/theoph.csv" \
    --estimate "$T" --eta "$T" --error additive --threads 2 --json "$tmp/fit.json" >"$tmp/fit.out"
end=$(date +%s.%N)
python3 - "$tmp/fit.json" "$tmp/nlme.txt" "$(echo "$end - $start" | bc)" <<'PY'
import json, math, sys
fit = json.load(open(sys.argv[1]))
r = dict(l.split() for l in open(sys.argv[2]))
r = {k: float(v) for k, v in r.items()}
th, om = fit["theta"], fit["omega"]
sig = list(fit["sigma"].values())[0]
rows = [
    ("CL (L/h)", th["theo.cl_l_per_h"]["estimate"], th["theo.cl_l_per_h"]["se"], r["CL"], r["SE_CL"], True),
    ("V (L)", th["theo.v1_l"]["estimate"], th["theo.v1_l"]["se"], r["V"], r["SE_V"], True),
    ("ka (1/h)", th["theo.route.po.ka_per_h"]["estimate"], th["theo.route.po.ka_per_h"]["se"], r["KA"], r["SE_KA"], True),
    ("SD of ETA(CL)", math.sqrt(om["theo.cl_l_per_h"]["variance"]), None, r["SD_CL"], None, False),
    ("SD of ETA(V)", math.sqrt(om["theo.v1_l"]["variance"]), None, r["SD_V"], None, False),
    ("SD of ETA(ka)", math.sqrt(om["theo.route.po.ka_per_h"]["variance"]), None, r["SD_KA"], None, False),
    ("residual SD (ng/mL)", sig["estimate"], sig["se"], r["SIGMA"], None, False),
    ("-2LL", fit["ofv"], None, r["M2LL"], None, False),
]
print("| quantity | ketsim FOCE-I (SE) | R nlme ML (SE) | difference |")
print("|---|---|---|---|")
worst = 0
for name, k, kse, n, nse, fixed in rows:
    d = 100 * (k - n) / abs(n)
    if fixed:
        worst = max(worst, abs(d))
    fmt = ".2f" if name == "-2LL" else ".4g"
    ks = f"{k:{fmt}}" + (f" ({kse:.3g})" if kse is not None else "")
    ns = f"{n:{fmt}}" + (f" ({nse:.3g})" if nse is not None else "")
    diff = f"{d:+.2f}%" if name != "-2LL" else f"{k - n:+.3f}"
    print(f"| {name} | {ks} | {ns} | {diff} |")
print(f"\nketsim: {fit['method']}, {'converged' if fit['converged'] else 'NOT converged'}, "
      f"{fit['iterations']} iterations, {fit['simulations']} simulations, {float(sys.argv[3]):.1f} s wall (2 threads)")
print(f"largest fixed-effect difference {worst:.2f}% (limit 5%)")
sys.exit(0 if worst <= 5 else 1)
PY
