#!/usr/bin/env bash
# ketsim fit from the command line: recover known parameters from synthetic
# data (made by the fit_make_data test tool next to the program), write a
# parameter file that simulate accepts, and reject bad data with exit 2.
set -u
ketsim="$1"
gen="$(dirname "$ketsim")/fit_make_data"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
pass=0; failed=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*" >&2; failed=$((failed + 1)); }

# within REL of TRUTH?
near() { awk -v a="$1" -v b="$2" -v r="$3" 'BEGIN { d = (a - b) / b; if (d < 0) d = -d; exit !(d <= r) }'; }

"$gen" pk "$tmp/pk.csv" || { echo "FAIL: fit_make_data"; exit 1; }
if "$ketsim" fit --data "$tmp/pk.csv" --drug esketamine --estimate s_ket.cl_l_per_h,s_ket.v1_l \
    --error proportional --out "$tmp/fit.txt" >"$tmp/out" 2>"$tmp/err"; then ok; else bad "pk fit: $(cat "$tmp/err")"; fi
cl=$(sed -n 's/^s_ket.cl_l_per_h=//p' "$tmp/fit.txt")
v1=$(sed -n 's/^s_ket.v1_l=//p' "$tmp/fit.txt")
near "$cl" 80 0.05 && ok || bad "CL $cl not within 5% of 80"
near "$v1" 160 0.05 && ok || bad "V1 $v1 not within 5% of 160"
grep -q '^-2LL .* AIC .* BIC' "$tmp/out" && ok || bad "no -2LL/AIC/BIC line"
grep -q 'correlation of estimates' "$tmp/out" && ok || bad "no correlation matrix"
grep -q 'converged after' "$tmp/out" && ok || bad "not converged: $(head -1 "$tmp/out")"

# the parameter file feeds simulate
"$ketsim" simulate --drug esketamine --params "$tmp/fit.txt" --until 2h --every 1h \
    --outputs time_h,plasma_s_ketamine_ng_per_ml >"$tmp/sim.csv" 2>"$tmp/err" && ok || bad "simulate --params: $(cat "$tmp/err")"

"$gen" cascade "$tmp/glu.csv" || { echo "FAIL: fit_make_data"; exit 1; }
"$ketsim" fit --data "$tmp/glu.csv" --estimate glu.feedback_k_per_h --error additive --out "$tmp/glu.txt" \
    >"$tmp/out" 2>"$tmp/err" && ok || bad "cascade fit: $(cat "$tmp/err")"
k=$(sed -n 's/^glu.feedback_k_per_h=//p' "$tmp/glu.txt")
near "$k" 2.6 0.15 && ok || bad "glu.feedback_k_per_h $k not within 15% of 2.6"

# bad input: exit 2, FILE:LINE and column in the message, no output file
expect_bad() { # name content want
    printf '%b' "$2" >"$tmp/bad.csv"
    rm -f "$tmp/badout.txt"
    "$ketsim" fit --data "$tmp/bad.csv" --drug esketamine --estimate s_ket.cl_l_per_h --out "$tmp/badout.txt" \
        >/dev/null 2>"$tmp/err"
    rc=$?
    if [ "$rc" -eq 2 ] && grep -q "$3" "$tmp/err" && [ ! -e "$tmp/badout.txt" ]; then ok
    else bad "$1: exit $rc, message '$(cat "$tmp/err")' (want $3)"; fi
}
H='ID,TIME,AMT,RATE,CMT,EVID,DV,OUTPUT\n1,0,10,0,1,1,.,.\n'
expect_bad no-observation 'ID,TIME,AMT,RATE,CMT,EVID,DV\n1,0,10,0,1,1,.\n' 'bad.csv: no observation to fit'
expect_bad unknown-output "${H}1,1,.,.,.,0,5,plasma_nothing\n" "bad.csv:3: column OUTPUT: unknown output 'plasma_nothing'"
expect_bad non-numeric "${H}1,1,.,.,.,0,five,madrs\n" "bad.csv:3: column DV: 'five' is not a number"
expect_bad time-order "${H}1,2,.,.,.,0,5,madrs\n1,1,.,.,.,0,5,madrs\n" 'bad.csv:4: column TIME: 1 is before'
"$ketsim" fit --data "$tmp/pk.csv" --estimate nothing.here >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q nothing.here "$tmp/err" && ok || bad "unknown --estimate name: $(cat "$tmp/err")"
"$ketsim" fit --data "$tmp/pk.csv" --estimate s_ket.v1_l --error weird >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q -- "--error 'weird'" "$tmp/err" && ok || bad "bad --error: $(cat "$tmp/err")"

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
