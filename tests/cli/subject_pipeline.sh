#!/bin/bash
# What the one subject pipeline unlocks: trials with any regimen per arm,
# fits of NONMEM-style doses (ADDL) recovering the value they were
# simulated with, and fits of ketsim's own trial datasets.
source "$(dirname "$0")/lib/common.bash"

# 1. Three arms, three regimens (placebo spray, esketamine nasal, IV ketamine).
if "$ketsim" trial "$root/examples/trial_any_regimen.yaml" --replicates 2 --out-dir "$tmp/any" \
        --plot "$tmp/any" >"$tmp/any.txt" 2>&1; then ok; else bad "three-arm trial failed: $(tail -3 "$tmp/any.txt")"; fi
json_ok "$tmp/any/any_regimen_summary.json" && ok || bad "three-arm summary does not parse"
python3 - "$tmp/any/any_regimen_summary.json" <<'PY' && ok || bad "three-arm summary: arms or doses wrong"
import json, sys
s = json.load(open(sys.argv[1]))
arms = {a["name"]: a for a in s["arms"]}
assert set(arms) == {"placebo_spray", "esk56", "ket_iv"}, arms
assert arms["esk56"]["dose"] == "esketamine/in:56mg" and arms["esk56"]["doses_h"] == [0, 72, 168, 240]
assert arms["ket_iv"]["dose"] == "ketamine/iv:0.5mg/kg:40min" and arms["ket_iv"]["doses_h"] == [0, 48, 96]
assert arms["placebo_spray"]["control"] == "saline" and arms["placebo_spray"]["dose"] == ""
PY
[ -s "$tmp/any/any_regimen_madrs.png" ] && ok || bad "no MADRS figure for the three-arm trial"
# every arm gets rated, and the two active arms differ from placebo on day 1
grep -q 'esk56' "$tmp/any.txt" && grep -q 'ket_iv' "$tmp/any.txt" && grep -q 'placebo_spray' "$tmp/any.txt" \
    && ok || bad "an arm is missing from the table"

# 2. The approved product as a built-in scenario.
if "$ketsim" trial esketamine_transform2 --replicates 1 --subjects 20 >"$tmp/esk.txt" 2>&1 \
        && grep -q 'esketamine_vs_placebo_spray' "$tmp/esk.txt"; then ok
else bad "esketamine_transform2: $(tail -3 "$tmp/esk.txt")"; fi

# 3. An ADDL dataset: simulate it with a known clearance, fit it back.
cat >"$tmp/addl.csv" <<'CSV'
ID,TIME,AMT,RATE,CMT,EVID,II,ADDL,MDV,OUTPUT
1,0,20,60,1,1,12,3,1,.
1,1,0,0,1,0,0,0,0,plasma_s_ketamine_ng_per_ml
1,3,0,0,1,0,0,0,0,plasma_s_ketamine_ng_per_ml
1,11.9,0,0,1,0,0,0,0,plasma_s_ketamine_ng_per_ml
1,12,0,0,1,0,0,0,0,plasma_s_ketamine_ng_per_ml
1,25,0,0,1,0,0,0,0,plasma_s_ketamine_ng_per_ml
1,36,0,0,1,0,0,0,0,plasma_s_ketamine_ng_per_ml
1,37,0,0,1,0,0,0,0,plasma_s_ketamine_ng_per_ml
1,40,0,0,1,0,0,0,0,plasma_s_ketamine_ng_per_ml
1,44,0,0,1,0,0,0,0,plasma_s_ketamine_ng_per_ml
2,0,40,120,1,1,12,3,1,.
2,2,0,0,1,0,0,0,0,plasma_s_ketamine_ng_per_ml
2,6,0,0,1,0,0,0,0,plasma_s_ketamine_ng_per_ml
2,24,0,0,1,0,0,0,0,plasma_s_ketamine_ng_per_ml
2,26,0,0,1,0,0,0,0,plasma_s_ketamine_ng_per_ml
2,38,0,0,1,0,0,0,0,plasma_s_ketamine_ng_per_ml
2,42,0,0,1,0,0,0,0,plasma_s_ketamine_ng_per_ml
CSV
"$ketsim" simulate --dataset "$tmp/addl.csv" --drug esketamine --set s_ket.cl_l_per_h=60 \
    --out "$tmp/pred.csv" 2>"$tmp/err" && ok || bad "simulate --dataset: $(cat "$tmp/err")"
# DV = PRED with a deterministic +-4% error; the dose records come from the input
python3 - "$tmp/addl.csv" "$tmp/pred.csv" "$tmp/fitdata.csv" <<'PY' && ok || bad "could not build the fit data"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
pred = [float(r["PRED"]) for r in csv.DictReader(open(sys.argv[2]))]
out = open(sys.argv[3], "w")
cols = list(rows[0].keys()) + ["DV"]
out.write(",".join(cols) + "\n")
k = 0
for r in rows:
    dv = "."
    if r["EVID"] == "0":
        dv = "%.6g" % (pred[k] * (1.04 if k % 2 else 0.96)); k += 1
    out.write(",".join(list(r.values()) + [dv]) + "\n")
PY
if "$ketsim" fit --data "$tmp/fitdata.csv" --drug esketamine --estimate s_ket.cl_l_per_h --out "$tmp/fit.txt" \
        >"$tmp/fit.log" 2>&1; then ok; else bad "fit of the ADDL data: $(tail -3 "$tmp/fit.log")"; fi
cl=$(sed -n 's/^s_ket.cl_l_per_h=//p' "$tmp/fit.txt")
awk -v v="$cl" 'BEGIN { exit !(v > 57 && v < 63) }' && ok || bad "ADDL fit gave CL $cl L/h, the data were made with 60"
grep -q '15 observations' "$tmp/fit.log" && ok || bad "ADDL fit did not use the 15 observations: $(head -1 "$tmp/fit.log")"

# 4. fit reads ketsim's own trial dataset.
"$ketsim" trial zarate2006 --replicates 1 --format nonmem --out-dir "$tmp/nm" >/dev/null 2>&1 && ok \
    || bad "trial --format nonmem failed"
if "$ketsim" fit --data "$tmp/nm/zarate2006_subjects_nonmem.csv" --estimate mood.sensitivity --error additive \
        >"$tmp/nmfit.log" 2>&1 && grep -q '18 subject' "$tmp/nmfit.log"; then ok
else bad "fit of trial --format nonmem output: $(tail -3 "$tmp/nmfit.log")"; fi

finish
