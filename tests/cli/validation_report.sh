#!/usr/bin/env bash
# docs/validation.md is what `ketsim validate --markdown` makes of
# data/targets.csv today: regenerated and compared byte for byte, so a
# change in any pass, miss or margin shows in review.  No calibration target
# may miss (validate exits 1 then); misses of checks stay in the report.
# Left out of the sanitizer stage (KETSIM_QUICK_VALIDATE=1): replicate trials.
set -u
source "$(dirname "$0")/lib/common.bash"
skip_if_quick

"$ketsim" validate --markdown "$tmp/validation.md" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && ok || bad "validate --markdown exit $rc (a calibration target missed?): $(cat "$tmp/out" "$tmp/err")"
if cmp -s "$tmp/validation.md" "$root/docs/validation.md"; then
    ok
else
    bad "docs/validation.md is stale; regenerate with: ketsim validate --markdown docs/validation.md"
    diff "$root/docs/validation.md" "$tmp/validation.md" | head -20 >&2
fi
# the README quotes the report's totals
totals=$(sed -n 's/^\*\*Calibration targets: \([0-9]*\) passed, \([0-9]*\) missed.  Checks: \([0-9]*\) passed, \([0-9]*\) missed.\*\*$/\1 \2 \3 \4/p' "$tmp/validation.md")
read -r cp cm kp km <<<"$totals"
grep -q "$cp calibration targets pass, $kp checks pass and $km checks miss" "$root/README.md" && ok ||
    bad "README's validation sentence does not quote the totals ($cp/$cm/$kp/$km)"
# stdout names the file and the totals
grep -q "calibration targets $cp passed, $cm missed; checks $kp passed, $km missed" "$tmp/out" && ok ||
    bad "stdout: $(cat "$tmp/out")"

finish
