#!/usr/bin/env bash
# The shipped table comes out of `ketsim calibrate`: from the priors in
# data/calibration_prior.txt (round numbers written before fitting) the fit
# returns every calibrated parameter to its value in the table, every
# calibration target it fits passes, the targets determine every parameter
# (full rank), and from a start pushed 30-50% off it comes back.
set -u
source "$(dirname "$0")/lib/common.bash"
targets="$root/data/targets.csv"
prior="$root/data/calibration_prior.txt"

"$ketsim" params --csv | python3 -c 'import csv,sys; [print(r["name"], r["value"]) for r in csv.DictReader(sys.stdin)]' >"$tmp/table"

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
grep -q '^calibration targets (one subject): [0-9]*/\([0-9]*\) pass before, \1/\1 after' "$tmp/out" && ok ||
    bad "calibration targets: $(grep '^calibration targets' "$tmp/out")"
diffs=$(compare "$tmp/full.txt" 1e-6) && ok || bad "table not reproduced from the priors: $diffs"

# every row of kind calibrated is freed, and has a prior; nothing else is
n_cal=$("$ketsim" params --csv | python3 -c 'import csv,sys; print(sum(r["kind"] == "calibrated" for r in csv.DictReader(sys.stdin)))')
n_fit=$(grep -c '^[a-z_0-9.]*=' "$tmp/full.txt")
n_prior=$(grep -c '^[a-z_0-9.]* = ' "$prior")
[ "$n_cal" -eq "$n_fit" ] && [ "$n_cal" -eq "$n_prior" ] && ok ||
    bad "calibrated rows $n_cal, fitted $n_fit, priors $n_prior"
grep -q "^  rank $n_cal of $n_cal;" "$tmp/out" && ok || bad "not full rank: $(grep rank "$tmp/out")"
grep -q '^  every calibration target is fitted here or named by a hand-set parameter' "$tmp/out" && ok ||
    bad "orphan calibration targets: $(grep 'nothing is fitted' "$tmp/out")"
grep -q ' assumption$\| literature$' "$tmp/out" && ok || bad "no prior basis column"

"$ketsim" calibrate --targets "$targets" --prior "$prior" \
    --set cadss.x50=1.6 --set ltp.early_max=0.45 --set sbp.x50=1.1 --set dbp.x50=1 --set hr.x50=0.8 --out "$tmp/pushed.txt" >"$tmp/out" 2>"$tmp/err" &&
    ok || bad "calibrate from a pushed start: $(cat "$tmp/err")"
diffs=$(compare "$tmp/pushed.txt" 1e-3) && ok || bad "pushed start did not come back: $diffs"

finish
