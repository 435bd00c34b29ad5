#!/usr/bin/env bash
# ketsim sensitivity --method cvodes: the one-compartment closed form, the
# default parameter list, and bad input exiting 2 with no file left behind.
set -u
ketsim="$1"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
pass=0; failed=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*" >&2; failed=$((failed + 1)); }
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'; }
col() { awk -F, -v p="$2" -v c="$3" '$2 == p { print $c }' "$1"; }

# One-compartment esketamine, 20 mg IV bolus, C(t) = D/V1 exp(-CL t / V1):
# at 2 h, d ln C / d ln CL = -CL t / V1 = -1.43158 and d ln C / d ln V1 = 0.43158.
one="--drug esketamine --set s_ket.v2_l=0 --set s_ket.v3_l=0 --dose iv:20mg --output plasma_s_ketamine_ng_per_ml --time 2h"
# shellcheck disable=SC2086
"$ketsim" sensitivity $one --method cvodes --params s_ket.cl_l_per_h,s_ket.v1_l,glu.k_per_h --out "$tmp/f.csv" \
    >"$tmp/out" 2>"$tmp/err" && ok || bad "cvodes: $(cat "$tmp/err")"
near "$(col "$tmp/f.csv" s_ket.cl_l_per_h 4)" -1.43158 0.0005 && ok || bad "S(CL): $(cat "$tmp/f.csv")"
near "$(col "$tmp/f.csv" s_ket.v1_l 4)" 0.43158 0.0005 && ok || bad "S(V1): $(cat "$tmp/f.csv")"
near "$(col "$tmp/f.csv" glu.k_per_h 4)" 0 0.0001 && ok || bad "S(glu.k_per_h): $(cat "$tmp/f.csv")"
grep -q 'CVODES forward sensitivities' "$tmp/out" && ok || bad "header: $(head -1 "$tmp/out")"

# Without --params: every supported parameter, the others named as skipped.
"$ketsim" sensitivity --output madrs --time 24h --method cvodes --out "$tmp/all.csv" >"$tmp/out" 2>"$tmp/err" \
    && ok || bad "cvodes, all: $(cat "$tmp/err")"
grep -q 'not covered; use --method local' "$tmp/out" && ok || bad "no note on skipped parameters"
[ "$(grep -c '^[0-9]' "$tmp/all.csv")" -gt 50 ] && ok || bad "too few rows: $(wc -l <"$tmp/all.csv")"

# A parameter outside the cascade and PK: exit 2, one line, no file.
# shellcheck disable=SC2086
"$ketsim" sensitivity $one --method cvodes --params route.po.f --out "$tmp/no.csv" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && ok || bad "unsupported parameter: exit code"
grep -q "route.po.f" "$tmp/err" && [ "$(wc -l <"$tmp/err")" -eq 1 ] && ok || bad "message: $(cat "$tmp/err")"
[ ! -e "$tmp/no.csv" ] && ok || bad "output file left behind"

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
