#!/usr/bin/env bash
# ketsim calibrate: a parameter pushed out of its calibration target's range
# is brought back; check targets never enter the fit; bad input exits 2.
set -u
ketsim="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
targets="$root/data/targets.csv"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
pass=0; failed=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*" >&2; failed=$((failed + 1)); }

# cadss.x50 = 3 (table 1.16) puts peak CADSS below the accepted 4-12 points.
"$ketsim" calibrate --targets "$targets" --params cadss.x50 --set cadss.x50=3 --out "$tmp/cal.txt" \
    >"$tmp/out" 2>"$tmp/err" && ok || bad "calibrate: $(cat "$tmp/err")"
grep -Eq '^cadss_peak +calibration +yes .*MISS -> pass' "$tmp/out" && ok || bad "cadss_peak not recovered: $(grep cadss_peak "$tmp/out")"
x50=$(sed -n 's/^cadss.x50=//p' "$tmp/cal.txt")
awk -v x="$x50" 'BEGIN { exit !(x > 1.0 && x < 2.0) }' && ok || bad "cadss.x50 = $x50, expected between 1 and 2"
# only cadss_peak is named by cadss.x50's row: one target in the fit, and no check target
[ "$(grep -Ec ' yes ' "$tmp/out")" -eq 1 ] && ok || bad "expected exactly one target in the objective"
grep -Eq '^[a-z0-9_]+ +check +yes' "$tmp/out" && bad "a check target entered the fit" || ok
grep -q '^checks (one subject, held out): ' "$tmp/out" && ok || bad "no check-target summary"
"$ketsim" simulate --params "$tmp/cal.txt" --until 1h --every 1h >/dev/null 2>"$tmp/err" && ok || bad "params file: $(cat "$tmp/err")"

"$ketsim" calibrate --targets "$targets" --params s_ket.v1_l >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q s_ket.v1_l "$tmp/err" && ok || bad "non-calibrated parameter accepted: $(cat "$tmp/err")"
"$ketsim" calibrate --targets "$tmp/none.csv" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && ok || bad "missing targets file: $(cat "$tmp/err")"
"$ketsim" calibrate --targets "$targets" --set cadss.x50 >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && ok || bad "bad --set accepted"

# bad --prior files: one line naming the file (and line), exit 2, no --out file
printf 'cadss.x50 = 1.2 | assumption | r\nbogus.name = 3 | assumption | r\n' >"$tmp/prior_unknown.txt"
printf 'cadss.x50 = abc | assumption | r\n' >"$tmp/prior_nan.txt"
printf 'cadss.x50 = 1 | guess | r\n' >"$tmp/prior_basis.txt"
printf 'cadss.x50 = 1 | literature |  \n' >"$tmp/prior_nosource.txt"
printf 's_ket.v1_l = 1 | literature | x\n' >"$tmp/prior_kind.txt"
for case in "$tmp/none_prior.txt: cannot open" "$tmp/prior_unknown.txt:2: unknown parameter 'bogus.name'" \
    "$tmp/prior_nan.txt:1: field 'VALUE' of 'cadss.x50'" "$tmp/prior_basis.txt:1: field 'basis'" \
    "$tmp/prior_nosource.txt:1: field 'SOURCE'" "$tmp/prior_kind.txt:1: parameter 's_ket.v1_l' is of kind literature"; do
    file=${case%%:*}
    "$ketsim" calibrate --targets "$targets" --params cadss.x50 --prior "$file" --out "$tmp/prior_out.txt" \
        >/dev/null 2>"$tmp/err"
    rc=$?
    if [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -qF "$case" "$tmp/err" && [ ! -e "$tmp/prior_out.txt" ]; then
        ok
    else
        bad "--prior $file: rc=$rc, stderr: $(cat "$tmp/err")"
    fi
done

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
