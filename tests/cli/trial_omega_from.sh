#!/usr/bin/env bash
# trial --omega-from FIT.json (docs/trial.md, "A fit's population"): a
# population fit's OMEGA becomes the trial's own between-subject
# variability.  Checks: the subjects' ETAs have the fit's variances and
# covariance within sampling error; the ETA acts on the subject's PK (the
# dissociation peak of the same subject falls as its clearance ETA rises);
# the summary records the fit's OMEGA; a real fit's fit.json goes through
# in one step with --uncertainty; bad fits are refused with exit 2 and no
# output.
source "$(dirname "$0")/lib/common.bash"

# A fit.json in the form `ketsim fit --method foce-i --omega-block` writes.
# The numbers are an illustrative fixture, not estimates from data: OMEGA
# 0.09 on S-ketamine clearance, 0.04 on mood sensitivity, covariance 0.018
# (correlation 0.3).
cat >"$tmp/fit.json" <<'JSON'
{
  "method": "foce-i",
  "theta": {"s_ket.cl_l_per_h": {"estimate": 95.2, "se": 9.52, "rse_pct": 10}},
  "omega": {
    "s_ket.cl_l_per_h": {"variance": 0.09, "se": 0.02, "sd": 0.3,
                         "covariances": {"mood.sensitivity": {"covariance": 0.018, "se": 0.01, "correlation": 0.3}}},
    "mood.sensitivity": {"variance": 0.04, "se": 0.01, "sd": 0.2,
                         "covariances": {"s_ket.cl_l_per_h": {"covariance": 0.018, "se": 0.01, "correlation": 0.3}}}
  },
  "converged": true,
  "covariance_step": {"method": "sandwich", "ok": true, "names": ["s_ket.cl_l_per_h"], "correlation": [[1]]}
}
JSON
sed 's/"converged": true/"converged": false/' "$tmp/fit.json" >"$tmp/unconverged.json"
sed 's/mood.sensitivity/mood.no_such_row/g' "$tmp/fit.json" >"$tmp/unknown.json"
echo '{"method": "pooled", "converged": true, "theta": {}}' >"$tmp/noomega.json"

cat >"$tmp/t.yaml" <<'EOF2'
name: omfit
design: parallel
subjects: 600
arms:
  - name: ketamine
    dose_mg_per_kg: 0.5
    infusion: 40min
visits: [1d]
seed: 9
replicates: 1
EOF2

"$ketsim" trial "$tmp/t.yaml" --threads 2 --out-dir "$tmp/plain" >/dev/null 2>"$tmp/err" \
    && ok || bad "plain run: $(cat "$tmp/err")"
"$ketsim" trial "$tmp/t.yaml" --threads 2 --out-dir "$tmp/fit" --omega-from "$tmp/fit.json" >/dev/null 2>"$tmp/err" \
    && ok || bad "--omega-from run: $(cat "$tmp/err")"
python3 - "$tmp/plain/omfit_subjects.csv" "$tmp/fit/omfit_subjects.csv" "$tmp/fit/omfit_summary.json" <<'PY' \
    && ok || bad "the trial's variability is not the fit's"
import csv, json, math, sys
def subjects(path):
    out = {}
    for r in csv.DictReader(open(path)):
        if r["visit"] != "baseline":
            out[int(r["subject"])] = r
    return out
plain, fit = subjects(sys.argv[1]), subjects(sys.argv[2])
ids = sorted(fit)
n = len(ids)
x = [float(fit[i]["eta_s_ket.cl_l_per_h"]) for i in ids]
y = [float(fit[i]["eta_mood.sensitivity"]) for i in ids]
mx, my = sum(x) / n, sum(y) / n
vx = sum((a - mx) ** 2 for a in x) / (n - 1)
vy = sum((b - my) ** 2 for b in y) / (n - 1)
cxy = sum((a - mx) * (b - my) for a, b in zip(x, y)) / (n - 1)
r = cxy / math.sqrt(vx * vy)
print(f"n={n}: var(eta CL) {vx:.4f} (fit 0.09), var(eta mood) {vy:.4f} (fit 0.04), corr {r:.3f} (fit 0.3)")
# 4 standard errors: SE(var) = var sqrt(2/(n-1)), SE(r) = (1 - r^2)/sqrt(n)
assert abs(vx - 0.09) < 4 * 0.09 * math.sqrt(2 / (n - 1)), vx
assert abs(vy - 0.04) < 4 * 0.04 * math.sqrt(2 / (n - 1)), vy
assert abs(r - 0.3) < 4 * (1 - 0.09) / math.sqrt(n), r
# the same subjects (covariates and built-in ETAs do not move): a higher
# clearance ETA, a lower S-ketamine exposure, a lower dissociation peak
lr = [math.log(float(fit[i]["cadss_peak"]) / float(plain[i]["cadss_peak"])) for i in ids]
ml = sum(lr) / n
c = sum((a - mx) * (b - ml) for a, b in zip(x, lr)) / math.sqrt(vx * (n - 1) * sum((b - ml) ** 2 for b in lr))
print(f"correlation of eta CL with log(CADSS peak / CADSS peak without): {c:.3f}")
assert c < -0.8, c
om = json.load(open(sys.argv[3]))["omega"]
assert om["s_ket.cl_l_per_h"]["s_ket.cl_l_per_h"] == 0.09 and om["mood.sensitivity"]["mood.sensitivity"] == 0.04, om
assert om["s_ket.cl_l_per_h"]["mood.sensitivity"] == 0.018, om
PY
# --omega after --omega-from replaces one variance, the covariance stays
"$ketsim" trial "$tmp/t.yaml" --subjects 4 --out-dir "$tmp/over" --omega-from "$tmp/fit.json" \
    --omega mood.sensitivity=0.05 >/dev/null 2>"$tmp/err" && ok || bad "--omega over --omega-from: $(cat "$tmp/err")"
python3 -c '
import json, sys
om = json.load(open(sys.argv[1]))["omega"]
assert om["mood.sensitivity"]["mood.sensitivity"] == 0.05 and om["mood.sensitivity"]["s_ket.cl_l_per_h"] == 0.018, om
' "$tmp/over/omfit_summary.json" && ok || bad "--omega did not replace the fit's variance"

# a real fit in one step: its THETAs between replicates, its OMEGA between subjects
"$ketsim" fit --method foce-i --data "$root/examples/pk_data.csv" --drug esketamine \
    --estimate s_ket.cl_l_per_h,s_ket.v1_l --eta s_ket.cl_l_per_h --error proportional --threads 2 \
    --json "$tmp/real.json" >/dev/null 2>"$tmp/err" && ok || bad "real fit: $(cat "$tmp/err")"
"$ketsim" trial "$tmp/t.yaml" --subjects 4 --replicates 2 --out-dir "$tmp/real" --uncertainty "$tmp/real.json" \
    --omega-from "$tmp/real.json" >/dev/null 2>"$tmp/err" && ok || bad "trial from a real fit: $(cat "$tmp/err")"
python3 - "$tmp/real.json" "$tmp/real/omfit_summary.json" <<'PY' && ok || bad "the real fit's OMEGA was not carried"
import json, sys
f, s = (json.load(open(p)) for p in sys.argv[1:])
v = f["omega"]["s_ket.cl_l_per_h"]["variance"]
assert s["omega"] == {"s_ket.cl_l_per_h": {"s_ket.cl_l_per_h": v}}, (s["omega"], v)
assert s["replicate_parameters"]["drawn"] == ["s_ket.cl_l_per_h", "s_ket.v1_l"]
PY

# refused before any output: exit 2, the file and the reason named
expect2() { # want file
    "$ketsim" trial "$tmp/t.yaml" --subjects 4 --out-dir "$tmp/no" --omega-from "$2" >/dev/null 2>"$tmp/err"
    local rc=$?
    if [ "$rc" -eq 2 ] && grep -q -- "$1" "$tmp/err" && [ ! -e "$tmp/no" ]; then ok
    else bad "--omega-from $2: exit $rc, '$(cat "$tmp/err")' (want $1)"; fi
}
expect2 "not usable (converged is not true)" "$tmp/unconverged.json"
expect2 "mood.no_such_row" "$tmp/unknown.json"
expect2 "no 'omega' object" "$tmp/noomega.json"
expect2 "not a fit.json" "$tmp/t.yaml"

finish
