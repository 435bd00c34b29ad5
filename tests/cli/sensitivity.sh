#!/usr/bin/env bash
# ketsim sensitivity: local sensitivities against a closed form, global
# methods produce ranked tables and CSV, bad input exits 2.
set -u
ketsim="$1"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
pass=0; failed=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*" >&2; failed=$((failed + 1)); }
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'; }
col() { awk -F, -v p="$2" -v c="$3" '$2 == p { print $c }' "$1"; }

# One-compartment esketamine (no peripheral volumes), 20 mg IV bolus:
# C(t) = D/V1 exp(-CL t / V1), so at t = 2 h
#   d ln C / d ln CL = -CL t / V1 = -1.43158,  d ln C / d ln V1 = CL t / V1 - 1 = 0.43158.
one="--drug esketamine --set s_ket.v2_l=0 --set s_ket.v3_l=0 --dose iv:20mg --output plasma_s_ketamine_ng_per_ml --time 2h"
# shellcheck disable=SC2086
"$ketsim" sensitivity $one --params s_ket.cl_l_per_h,s_ket.v1_l,glu.k_per_h --out "$tmp/local.csv" \
    >"$tmp/out" 2>"$tmp/err" && ok || bad "local: $(cat "$tmp/err")"
s_cl=$(col "$tmp/local.csv" s_ket.cl_l_per_h 4)
s_v1=$(col "$tmp/local.csv" s_ket.v1_l 4)
s_glu=$(col "$tmp/local.csv" glu.k_per_h 4)
near "$s_cl" -1.43158 0.001 && ok || bad "S(CL) = $s_cl, want -1.43158"
near "$s_v1" 0.43158 0.001 && ok || bad "S(V1) = $s_v1, want 0.43158"
near "$s_glu" 0 0.0001 && ok || bad "S(glu.k_per_h) = $s_glu, want 0 (no feedback onto PK)"
[ "$(col "$tmp/local.csv" s_ket.cl_l_per_h 1)" = 1 ] && ok || bad "CL not ranked first"
grep -q '3 of 3 parameters: the two step sizes agree' "$tmp/out" && ok || bad "step check: $(tail -1 "$tmp/out")"

# Morris on the same model: CL dominates and lowers C (mu < 0); exact
# effects are tested on known functions in test_gsa.
# shellcheck disable=SC2086
"$ketsim" sensitivity $one --method morris --params s_ket.cl_l_per_h,glu.k_per_h --samples 6 --out "$tmp/m.csv" \
    >"$tmp/out" 2>"$tmp/err" && ok || bad "morris: $(cat "$tmp/err")"
[ "$(col "$tmp/m.csv" s_ket.cl_l_per_h 1)" = 1 ] && ok || bad "morris: CL not first: $(cat "$tmp/m.csv")"
awk -F, '$2 == "s_ket.cl_l_per_h" { exit !($6 < 0) }' "$tmp/m.csv" && ok || bad "morris: mu of CL not negative"

# shellcheck disable=SC2086
"$ketsim" sensitivity $one --method sobol --params s_ket.cl_l_per_h,s_ket.v1_l --samples 128 \
    --range s_ket.v1_l=120:150 --out "$tmp/s.csv" >"$tmp/out" 2>"$tmp/err" && ok || bad "sobol: $(cat "$tmp/err")"
head -1 "$tmp/s.csv" | grep -q '^rank,parameter,low,high,S1,ST,note$' && ok || bad "sobol CSV header"
[ "$(col "$tmp/s.csv" s_ket.v1_l 3)" = 120 ] && ok || bad "--range not applied"
# S1 <= ST (up to sampling error) and the indices are fractions of variance
awk -F, 'NR > 1 && !($5 <= $6 + 0.05 && $6 >= 0 && $6 <= 1.1) { exit 1 }' "$tmp/s.csv" && ok || bad "sobol indices: $(cat "$tmp/s.csv")"

# bad input
expect2() { # what, then the command's arguments
    local what="$1"; shift
    rm -f "$tmp/bad.csv"
    "$ketsim" sensitivity "$@" --out "$tmp/bad.csv" >/dev/null 2>"$tmp/err"
    rc=$?
    if [ "$rc" -eq 2 ] && [ -s "$tmp/err" ] && [ ! -e "$tmp/bad.csv" ]; then ok; else bad "$what: exit $rc, $(cat "$tmp/err")"; fi
}
expect2 "unknown output" --output nothing --time 1h
expect2 "missing time" --output madrs
expect2 "sobol without params" --output madrs --time 1h --method sobol
expect2 "unknown param" --output madrs --time 1h --params no.such
expect2 "bad range" --output madrs --time 1h --method morris --params spine.elimination_k_per_h --range spine.elimination_k_per_h=2:1
expect2 "range outside allowed values" --output madrs --time 1h --method morris --params glu.inhibition_weight \
    --range glu.inhibition_weight=0.5:3 --samples 4
grep -q 'glu.inhibition_weight' "$tmp/err" && ok || bad "rejected sample not named: $(cat "$tmp/err")"

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
