#!/usr/bin/env bash
# predict, design and optimize --uncertainty FIT.json (docs/beyond.md,
# "Parameter uncertainty"): the run is at the fit's THETAs (the same bytes
# as --set of the estimates), each draw k is the THETA vector of replicate
# k of a trial with the same seed, the headline numbers at the estimates
# equal the main report's, their spread over the draws is written with the
# set, and bad fits or counts are refused with exit 2 and no output.
source "$(dirname "$0")/lib/common.bash"

# Illustrative fixture (lib/unc_fit.json), not estimates from data: estimates away from the
# table's values (so that "at the estimates" is visible), log-scale SDs 0.2
# (S-ketamine CL) and 0.4 (mood sensitivity), correlation -0.5.
cp "$root/tests/cli/lib/unc_fit.json" "$tmp/fit.json"
sed 's/"ok": true/"ok": false/' "$tmp/fit.json" >"$tmp/nocov.json"
sed 's/mood.sensitivity/mood.no_such_row/g' "$tmp/fit.json" >"$tmp/unknown.json"
EST=(--set s_ket.cl_l_per_h=80 --set mood.sensitivity=1.2)
K=6

# ---- predict --------------------------------------------------------------
P=(predict --subjects 60 --bootstrap 50 --threads 2 --seed 3)
"$ketsim" "${P[@]}" --uncertainty "$tmp/fit.json" --uncertainty-draws $K --out-dir "$tmp/pu" >"$tmp/pu.txt" 2>"$tmp/err" \
    && ok || bad "predict --uncertainty: $(cat "$tmp/err")"
"$ketsim" "${P[@]}" "${EST[@]}" --out-dir "$tmp/pe" >/dev/null 2>"$tmp/err" && ok || bad "predict --set: $(cat "$tmp/err")"
cmp -s "$tmp/pu/predict.csv" "$tmp/pe/predict.csv" && ok || bad "predict --uncertainty is not run at the fit's estimates"
grep -q "^parameter uncertainty: $K draws" "$tmp/pu.txt" && ok || bad "predict: no uncertainty table printed"
# draw k = replicate k of a trial with the same seed
cat >"$tmp/one.yaml" <<'EOF2'
name: one
design: parallel
subjects: 1
arms:
  - name: ketamine
    dose_mg_per_kg: 0.5
    infusion: 40min
visits: [1d]
EOF2
"$ketsim" trial "$tmp/one.yaml" --seed 3 --replicates $K --uncertainty "$tmp/fit.json" --out-dir "$tmp/tr" \
    >/dev/null 2>"$tmp/err" && ok || bad "trial: $(cat "$tmp/err")"
cmp -s "$tmp/pu/predict_uncertainty_parameters.csv" "$tmp/tr/one_replicate_parameters.csv" \
    && ok || bad "predict's draws are not the trial's replicates"
python3 - "$tmp/pu" $K <<'PY' && ok || bad "predict uncertainty table"
import csv, json, os, sys
d, k = sys.argv[1], int(sys.argv[2])
m = json.load(open(os.path.join(d, "predict_manifest.json")))
names = {f["name"] for f in m["files"]}
assert {"predict_uncertainty.csv", "predict_uncertainty_parameters.csv"} <= names, names
auc = {r["marker"]: r["auc"] for r in json.load(open(os.path.join(d, "predict.json")))["markers"]}
rows = {r["quantity"]: r for r in csv.DictReader(open(os.path.join(d, "predict_uncertainty.csv")))}
assert set(rows) == {"AUC " + n for n in auc}, (set(rows), set(auc))
for n, a in auc.items():
    r = rows["AUC " + n]
    assert a is None or abs(float(r["at_estimates"]) - a) < 1e-9, (n, r["at_estimates"], a)
    assert int(r["draws"]) <= k
# mood sensitivity moves the early ratings: their AUC varies between draws
r = rows["AUC madrs_change_2h"]
draws = [float(r[f"draw_{i}"]) for i in range(k)]
print("AUC madrs_change_2h: at the estimates %s, over %d draws %s" % (r["at_estimates"], k, draws))
assert int(r["draws"]) == k and len(set(draws)) > 1 and float(r["sd"]) > 0, r
assert float(r["p2_5"]) <= float(r["median"]) <= float(r["p97_5"])
PY
"$ketsim" "${P[@]}" --out-dir "$tmp/p0" >/dev/null 2>&1
[ ! -e "$tmp/p0/predict_uncertainty.csv" ] && ok || bad "predict without --uncertainty wrote an uncertainty table"
! cmp -s "$tmp/p0/predict.csv" "$tmp/pu/predict.csv" && ok || bad "the fit's estimates changed nothing"

# ---- design ---------------------------------------------------------------
D=(design --subjects 20 --threads 2)
"$ketsim" "${D[@]}" --uncertainty "$tmp/fit.json" --uncertainty-draws $K --out-dir "$tmp/du" >/dev/null 2>"$tmp/err" \
    && ok || bad "design --uncertainty: $(cat "$tmp/err")"
python3 - "$tmp/du" $K <<'PY' && ok || bad "design uncertainty table"
import csv, json, os, sys
d, k = sys.argv[1], int(sys.argv[2])
cand = json.load(open(os.path.join(d, "design.json")))["candidates"]
rows = {r["quantity"]: r for r in csv.DictReader(open(os.path.join(d, "design_uncertainty.csv")))}
for c in cand:
    for q in ("days_excess", "response_24h_excess"):
        r = rows[f"{q} {c['name']}"]
        assert abs(float(r["at_estimates"]) - c[q]) < 1e-9, (q, c["name"], r["at_estimates"], c[q])
ket = rows["days_excess ketamine"]
assert float(ket["sd"]) > 0, ket
inert = rows["days_excess inert (no NMDA, no AMPA)"]
assert all(float(inert[f"draw_{i}"]) == 0 for i in range(k)), inert
print("days_excess ketamine: at the estimates %s, median %s [%s, %s]" % (ket["at_estimates"], ket["median"],
      ket["p2_5"], ket["p97_5"]))
PY

# ---- optimize: the regimens found, evaluated under each draw ---------------
O=(optimize --routes iv --bounds doses=1:2 --method grid --grid-n 2 --subjects 10 --eval-subjects 20
   --horizon-days 7 --threads 2)
"$ketsim" "${O[@]}" --uncertainty "$tmp/fit.json" --uncertainty-draws 4 --out-dir "$tmp/ou" >/dev/null 2>"$tmp/err" \
    && ok || bad "optimize --uncertainty: $(cat "$tmp/err")"
python3 - "$tmp/ou" <<'PY' && ok || bad "optimize uncertainty table"
import csv, json, os, sys
d = sys.argv[1]
regs = json.load(open(os.path.join(d, "optimize.json")))["regimens"]
rows = list(csv.DictReader(open(os.path.join(d, "optimize_uncertainty.csv"))))
best = [r for r in rows if r["quantity"].startswith("objective_d best 1: ")]
assert len(best) == 1 and best[0]["quantity"].endswith(regs[0]["regimen"]), (best, regs[0]["regimen"])
assert abs(float(best[0]["at_estimates"]) - regs[0]["fresh"]["objective_d"]) < 1e-6, (best, regs[0]["fresh"])
assert float(best[0]["sd"]) > 0 and int(best[0]["draws"]) == 4
diff = next(r for r in rows if r["quantity"] == "objective_d best 1 minus standard")
std = next(r for r in rows if r["quantity"].startswith("objective_d standard: "))
for i in range(4):
    assert abs(float(diff[f"draw_{i}"]) - (float(best[0][f"draw_{i}"]) - float(std[f"draw_{i}"]))) < 1e-6
PY

# ---- refused before any output ---------------------------------------------
expect2() { # want args...
    local want="$1"; shift
    "$ketsim" "$@" --out-dir "$tmp/no" >/dev/null 2>"$tmp/err"
    local rc=$?
    if [ "$rc" -eq 2 ] && grep -q -- "$want" "$tmp/err" && [ ! -e "$tmp/no" ]; then ok
    else bad "$*: exit $rc, '$(cat "$tmp/err")' (want $want)"; fi
}
expect2 "covariance_step.ok" predict --subjects 20 --uncertainty "$tmp/nocov.json"
expect2 "mood.no_such_row" design --subjects 20 --uncertainty "$tmp/unknown.json"
expect2 "--uncertainty-draws '1'" optimize --uncertainty "$tmp/fit.json" --uncertainty-draws 1
expect2 "not a fit.json" predict --subjects 20 --uncertainty "$tmp/one.yaml"

finish
