#!/bin/bash
# ketsim predict, design and optimize: small runs, determinism across thread
# counts, valid CSV/JSON, and bad input (exit 2, a message, no files).
set -u
KETSIM="$1"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
pass=0
failed=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }

expect2() { expect_code 2 "$@"; }
expect_code() { # exit status, description, grep pattern, command...
    local code="$1" what="$2" pat="$3"
    shift 3
    "$@" >"$dir/out" 2>"$dir/err"
    local st=$?
    if [ "$st" -ne "$code" ]; then bad "$what: exit $st, want $code ($(cat "$dir/err"))"; return; fi
    if ! grep -q -- "$pat" "$dir/err"; then bad "$what: message lacks '$pat': $(cat "$dir/err")"; return; fi
    if [ -e "$dir/bad" ]; then bad "$what: output directory was created"; return; fi
    ok
}

json_ok() { python3 -m json.tool "$1" >/dev/null; }

expect2 "predict outcome" "--outcome 'cure'" "$KETSIM" predict --outcome cure --out-dir "$dir/bad"
expect2 "predict relapse days" "relapse_by" "$KETSIM" predict --outcome relapse_by:0 --out-dir "$dir/bad"
expect2 "predict marker output" "no_such_output" "$KETSIM" predict --marker no_such_output@2h --subjects 10 \
    --out-dir "$dir/bad"
expect2 "predict marker time" "--marker" "$KETSIM" predict --marker madrs@soon --out-dir "$dir/bad"
expect2 "predict scenario" "nosuch" "$KETSIM" predict nosuch --out-dir "$dir/bad"
expect2 "design knob" "nmda_kd" "$KETSIM" design --grid nmda_kd=1:2:2 --out-dir "$dir/bad"
expect2 "design grid syntax" "--grid" "$KETSIM" design --grid ampa_emax=0:1 --out-dir "$dir/bad"
expect2 "design grid and lhs" "either" "$KETSIM" design --grid ampa_emax=0:1:2 --lhs 4 --range ampa_ec50_um=1:3 \
    --out-dir "$dir/bad"
expect_code 1 "design base file" "nosuch.yaml" "$KETSIM" design --base "$dir/nosuch.yaml" --grid ampa_emax=0:1:2 \
    --out-dir "$dir/bad"
expect2 "optimize bounds" "--bounds" "$KETSIM" optimize --bounds dose_mg_per_kg=1:0.5 --out-dir "$dir/bad"
expect2 "optimize seeds" "--eval-seed" "$KETSIM" optimize --seed 3 --eval-seed 3 --out-dir "$dir/bad"
expect2 "optimize cap" "--cap-cadss" "$KETSIM" optimize --cap-cadss -1 --out-dir "$dir/bad"

# predict: the same numbers for 1 and 2 threads
for t in 1 2; do
    "$KETSIM" predict --subjects 40 --bootstrap 50 --threads $t --marker synaptic_function_rel@1d \
        --out-dir "$dir/p$t" >"$dir/p$t.txt" 2>&1 || bad "predict run ($t threads): $(cat "$dir/p$t.txt")"
done
if cmp -s "$dir/p1/predict.csv" "$dir/p2/predict.csv" && cmp -s "$dir/p1/predict.json" "$dir/p2/predict.json"; then
    ok
else
    bad "predict differs between 1 and 2 threads"
fi
[ "$(wc -l <"$dir/p1/predict.csv")" -eq 12 ] && ok || bad "predict.csv: want header + 11 markers"
json_ok "$dir/p1/predict.json" && ok || bad "predict.json is not valid JSON"
# yes/no markers carry their 2x2 table; its counts and proportions agree,
# and continuous markers have none
python3 - "$dir/p1/predict.csv" "$dir/p1/predict.json" <<'PY' && ok || bad "predict: binary markers' tables"
import csv, json, sys
rows = {r["marker"]: r for r in csv.DictReader(open(sys.argv[1]))}
for name in ("response_4h", "response_2h", "bdnf_val66met_carrier"):
    r = rows[name]
    tp, fp, fn, tn = (int(r[k]) for k in ("tp", "fp", "fn", "tn"))
    assert r["binary"] == "1" and tp + fp + fn + tn == int(r["n"]), r
    if tp + fn:
        assert abs(float(r["test_sensitivity"]) - tp / (tp + fn)) < 1e-5, r
        assert float(r["test_sensitivity_lo"]) <= float(r["test_sensitivity"]) <= float(r["test_sensitivity_hi"])
    if tn + fn:
        assert abs(float(r["npv"]) - tn / (tn + fn)) < 1e-5, r
assert rows["madrs_change_4h"]["binary"] == "0" and rows["madrs_change_4h"]["tp"] == ""
markers = {m["marker"]: m for m in json.load(open(sys.argv[2]))["markers"]}
b = markers["response_4h"]["binary"]
assert b["tp"] == int(rows["response_4h"]["tp"]) and "ppv_lo" in b, b
assert markers["baseline_madrs"]["binary"] is None
PY
grep -q "yes/no markers as tests" "$dir/p1.txt" && ok || bad "predict table lacks the yes/no markers"
grep -q "Haile 2014" "$dir/p1.txt" && ok || bad "predict table lacks the literature comparison"

# design: a small grid
"$KETSIM" design --grid ampa_emax=0:0.6:2 --subjects 10 --days 3 --threads 2 --out-dir "$dir/d" >"$dir/d.txt" 2>&1 \
    || bad "design run: $(cat "$dir/d.txt")"
"$KETSIM" design --grid ampa_emax=0:0.6:2 --subjects 10 --days 3 --threads 1 --out-dir "$dir/d1" >/dev/null 2>&1 \
    || bad "design run (1 thread)"
cmp -s "$dir/d/design.csv" "$dir/d1/design.csv" && ok || bad "design differs between 1 and 2 threads"
[ "$(wc -l <"$dir/d/design.csv")" -eq 5 ] && ok || bad "design.csv: want header + 4 candidates"
json_ok "$dir/d/design.json" && ok || bad "design.json is not valid JSON"

# optimize: a tiny search
"$KETSIM" optimize --routes in --bounds doses=1:2 --horizon-days 7 --subjects 4 --eval-subjects 4 --iterations 2 \
    --threads 2 --out-dir "$dir/o" >"$dir/o.txt" 2>&1 || bad "optimize run: $(cat "$dir/o.txt")"
json_ok "$dir/o/optimize.json" && ok || bad "optimize.json is not valid JSON"
grep -q '^standard,' "$dir/o/optimize.csv" && ok || bad "optimize.csv lacks the standard course"
grep -q "fresh cohort" "$dir/o.txt" && ok || bad "optimize table lacks the fresh-cohort comparison"

# figures: each command's --plot writes a PNG and an SVG
fig_ok() {
    [ -s "$1.png" ] && [ "$(head -c 8 "$1.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] \
        && [ -s "$1.svg" ] && grep -q '<svg' "$1.svg"
}
"$KETSIM" predict --subjects 40 --bootstrap 20 --plot "$dir/fig" >/dev/null 2>&1 || bad "predict --plot run"
fig_ok "$dir/fig/predict_roc" && ok || bad "predict_roc.png/.svg missing or not PNG/SVG"
"$KETSIM" design --grid ampa_emax=0:0.6:2 --subjects 10 --days 3 --plot "$dir/fig" >/dev/null 2>&1 \
    || bad "design --plot run"
fig_ok "$dir/fig/design_tradeoff" && ok || bad "design_tradeoff.png/.svg missing or not PNG/SVG"
"$KETSIM" optimize --routes in --bounds doses=1:2 --horizon-days 7 --subjects 4 --eval-subjects 4 --iterations 2 \
    --plot "$dir/fig" >/dev/null 2>&1 || bad "optimize --plot run"
fig_ok "$dir/fig/optimize_days" && ok || bad "optimize_days.png/.svg missing or not PNG/SVG"
fig_ok "$dir/fig/optimize_gain" && ok || bad "optimize_gain.png/.svg missing or not PNG/SVG"
"$KETSIM" predict --subjects 40 --bootstrap 20 --plot /dev/null/x >/dev/null 2>&1
[ $? -ne 0 ] && ok || bad "predict --plot into an impossible directory succeeded"

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
