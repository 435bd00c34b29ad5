#!/usr/bin/env bash
# The shipped defaults come out of `ketsim calibrate`: from the priors in
# data/calibration_prior.txt the full calibration returns every calibrated
# parameter to its value in the table, and from a start pushed 20-30% off
# (cadss.x50, ltp.early_max, glu.inhibition_weight, spine.formation_k_per_h)
# it comes back to the same values.  About three CPU-minutes; left out of
# the sanitizer stage of CI (KETSIM_QUICK_VALIDATE=1).
set -u
source "$(dirname "$0")/lib/common.bash"
skip_if_quick
targets="$root/data/targets.csv"
prior="$root/data/calibration_prior.txt"

"$ketsim" params | awk 'NF >= 2 { print $1, $2 }' >"$tmp/table"

# compare FILE TOL: every NAME=VALUE of FILE within relative TOL of the table
compare() {
    awk -v tol="$2" -F= 'NR == FNR { split($0, a, " "); t[a[1]] = a[2]; next }
        /^#/ || NF < 2 { next }
        { n++; d = $2 - t[$1]; if (d < 0) d = -d; r = d / (t[$1] < 0 ? -t[$1] : t[$1]);
          if (!($1 in t) || r > tol) { print $1 " = " $2 ", table " t[$1]; bad++ } }
        END { if (n == 0) { print "no values"; exit 1 } exit bad > 0 }' "$tmp/table" "$1"
}

"$ketsim" calibrate --targets "$targets" --prior "$prior" --out "$tmp/full.txt" >"$tmp/out" 2>"$tmp/err" &&
    ok || bad "calibrate --prior: $(cat "$tmp/err")"
grep -q '^calibration targets: \([0-9]*\)/\1 pass before, \1/\1 after' "$tmp/out" && ok ||
    bad "calibration targets: $(grep '^calibration targets' "$tmp/out")"
diffs=$(compare "$tmp/full.txt" 1e-4) && ok || bad "defaults not reproduced from the priors: $diffs"

pushed="cadss.x50,ltp.early_max,glu.inhibition_weight,spine.formation_k_per_h,ltp.early_mood_weight,ltp.early_k_on_per_h,cadss.hill,sbp.x50"
"$ketsim" calibrate --targets "$targets" --prior "$prior" --params "$pushed" \
    --set cadss.x50=1.5 --set ltp.early_max=0.55 --set glu.inhibition_weight=0.8 \
    --set spine.formation_k_per_h=0.045 --out "$tmp/pushed.txt" >"$tmp/out" 2>"$tmp/err" &&
    ok || bad "calibrate from a pushed start: $(cat "$tmp/err")"
diffs=$(compare "$tmp/pushed.txt" 2e-3) && ok || bad "pushed start did not come back: $diffs"

finish
