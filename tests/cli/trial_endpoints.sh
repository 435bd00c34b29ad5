#!/bin/bash
# The endpoints clinicians quote reach the summary JSON and the printed
# table: relapse by both rules with Kaplan-Meier quartiles and the fraction
# relapsed by set days, sessions to the first response, the early visit as a
# test, and mean and SD beside the quantiles of every metric; the rules the
# scenario sets are the ones used and reported.
source "$(dirname "$0")/lib/common.bash"
cat >"$tmp/course.yaml" <<'Y'
name: course
design: parallel
subjects: 12
arms:
  - name: ketamine
    dose_mg_per_kg: 0.5
    infusion: 40min
doses: [0d, 2d, 4d]
visits: [4h, 1d, 2d, 5d]
primary_visit: 5d
early_visit: 4h
followup: {until: 35d, every: 3.5d}
relapse:
  madrs_min: 20
  consecutive: 1
  by: [7d, 21d]
Y
"$ketsim" trial "$tmp/course.yaml" --replicates 4 --threads 2 --out-dir "$tmp/o" >"$tmp/table.txt" 2>"$tmp/err.txt" \
    && ok || bad "trial run failed: $(tail -1 "$tmp/err.txt")"
json="$tmp/o/course_summary.json"
json_ok "$json" && ok || bad "summary is not JSON"
python3 - "$json" <<'PY' && ok || bad "summary JSON lacks the new endpoints"
import json, math, sys
d = json.load(open(sys.argv[1]))
m = {x["name"]: x for x in d["metrics"]}
need = ["ketamine.relapse_q25_d", "ketamine.relapse_q25_lo_d", "ketamine.relapse_q75_hi_d",
        "ketamine.relapse_median_d", "ketamine.relapse_by_7d", "ketamine.relapse_by_21d_hi",
        "ketamine.relapse_abs_fraction", "ketamine.relapse_abs_median_lo_d", "ketamine.relapse_abs_by_7d",
        "ketamine.infusions_to_response_median", "ketamine.infusions_to_response_1",
        "ketamine.infusions_to_response_3", "ketamine.infusions_to_response_none",
        "ketamine@4h.predicts_primary_sensitivity", "ketamine@4h.predicts_primary_npv_hi"]
missing = [n for n in need if n not in m]
assert not missing, missing
assert "ketamine.infusions_to_response_4" not in m
for x in d["metrics"]:
    assert set(x) == {"name", "median", "p5", "p95", "mean", "sd", "defined"}, x
# shares of the sessions-to-response distribution: their means add up to 1
shares = [m[f"ketamine.infusions_to_response_{k}"]["mean"] for k in ("1", "2", "3", "none")]
assert abs(sum(shares) - 1) < 1e-8, shares
# a mean and SD that can be checked: the 4 replicates' responder counts
r = m["ketamine.relapse_responders"]
assert r["defined"] == 4 and r["p5"] <= r["mean"] <= r["p95"], r
defs = d["definitions"]
assert defs["relapse_madrs_min"] == 20 and defs["relapse_consecutive"] == 1, defs
assert defs["relapse_by_d"] == [7, 21] and defs["early_visit"] == "4h", defs
assert "Brookmeyer-Crowley" in defs["km_quantile_interval"], defs
PY
for line in "sessions to the first response (ketamine, 3 sessions)" "response at 4h as a test of response at 5d" \
            "MADRS >= 20" "1 rating in a row" "relapsed by 21d %" "75th percentile (d)" "sensitivity"; do
    grep -qF "$line" "$tmp/table.txt" && ok || bad "table lacks '$line'"
done
# one trial: its own intervals in the table, the ones of the summary JSON
"$ketsim" trial "$tmp/course.yaml" --replicates 1 --threads 2 --out-dir "$tmp/one" >"$tmp/one.txt" 2>&1 \
    && ok || bad "one-replicate run failed"
python3 - "$tmp/one/course_summary.json" "$tmp/one.txt" <<'PY' && ok || bad "one trial's relapse intervals not in the table"
import json, math, sys
m = {x["name"]: x["median"] for x in json.load(open(sys.argv[1]))["metrics"]}
f = lambda v: "-" if v is None else f"{v:.1f}"
want = f"{f(m['ketamine.relapse_abs_median_d'])} ({f(m['ketamine.relapse_abs_median_lo_d'])}, " \
       f"{f(m['ketamine.relapse_abs_median_hi_d'])})"
line = [l for l in open(sys.argv[2]) if l.strip().startswith("median (d)")][0]
assert want in line, (want, line)
PY
# the subjects CSV carries each subject's sessions to response
head -1 "$tmp/o/course_subjects.csv" | grep -q ',infusions_to_response$' && ok || bad "no infusions_to_response column"
python3 - "$tmp/o/course_subjects.csv" <<'PY' && ok || bad "infusions_to_response is not 1..3 or empty"
import csv, sys
vals = {r["infusions_to_response"] for r in csv.DictReader(open(sys.argv[1])) if r["period"] == "1"}
assert vals <= {"", "1", "2", "3"} and vals - {""}, vals
PY
# options that exclude each other are refused before anything runs
"$ketsim" trial "$tmp/course.yaml" --all-subjects --no-subjects --out-dir "$tmp/x" >/dev/null 2>&1
[ $? -eq 2 ] && [ ! -e "$tmp/x" ] && ok || bad "--all-subjects --no-subjects not refused with exit 2"
"$ketsim" trial "$tmp/course.yaml" --all-subjects --format nonmem --out-dir "$tmp/x" >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "--all-subjects --format nonmem not refused with exit 2"
"$ketsim" trial "$tmp/course.yaml" --chunk-subjects 0 >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "--chunk-subjects 0 not refused with exit 2"
sed 's/early_visit: 4h/early_visit: 6h/' "$tmp/course.yaml" >"$tmp/bad.yaml"
"$ketsim" trial "$tmp/bad.yaml" >/dev/null 2>"$tmp/bad.txt"
[ $? -eq 2 ] && grep -q "bad.yaml:11: field 'early_visit'" "$tmp/bad.txt" && ok || bad "a bad early_visit: $(cat "$tmp/bad.txt")"
finish
