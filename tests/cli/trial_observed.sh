#!/bin/bash
# trial --observed MEANS.csv: published arm means drawn over the MADRS
# figure; a bad file stops the run with its line and column before any
# output exists.
source "$(dirname "$0")/lib/common.bash"

# hand-made means (not published values): a comment before the header,
# columns in another order, an empty SE
cat >"$tmp/means.csv" <<'CSV'
# hand-made arm means for the test
time_h,arm,madrs_mean,madrs_se,source
0,saline,31,1.5,test
0,ketamine,31,1.5,test
1.83,ketamine,20,2,test
24,saline,28,,test
CSV
"$ketsim" trial zarate2006 --replicates 1 --subjects 8 --plot "$tmp/plain" >/dev/null 2>&1 || bad "trial --plot failed"
"$ketsim" trial zarate2006 --replicates 1 --subjects 8 --plot "$tmp/obs" --observed "$tmp/means.csv" >/dev/null \
    2>"$tmp/err" || bad "trial --observed: $(cat "$tmp/err")"
! cmp -s "$tmp/plain/zarate2006_madrs.png" "$tmp/obs/zarate2006_madrs.png" && ok \
    || bad "the MADRS figure is the same with published means"
grep -q "means.csv" "$tmp/obs/zarate2006_manifest.json" && ok || bad "the manifest does not list the means file"

# each bad file: exit 2, its line and column named, no --plot directory
expect_bad() { # NAME CONTENT PATTERN
    printf '%b' "$2" >"$tmp/$1.csv"
    "$ketsim" trial zarate2006 --replicates 1 --subjects 8 --plot "$tmp/none" --observed "$tmp/$1.csv" \
        >/dev/null 2>"$tmp/e.txt"
    local rc=$?
    [ "$rc" -eq 2 ] && grep -q -- "$3" "$tmp/e.txt" && [ ! -e "$tmp/none" ] && ok \
        || bad "$1: exit $rc, $(cat "$tmp/e.txt")"
}
expect_bad arm 'arm,time_h,madrs_mean\nplacebo,24,20\n' "arm.csv:2: column 'arm': 'placebo' is not an arm of zarate2006"
expect_bad column 'arm,time_h,madrs\nsaline,24,20\n' "column.csv:1: column 'madrs': not one of"
expect_bad missing 'arm,time_h\nsaline,24\n' "missing.csv:1: the column 'madrs_mean' is missing"
expect_bad range 'arm,time_h,madrs_mean\nsaline,24,75\n' "range.csv:2: column 'madrs_mean': 75 is outside \[0, 60\]"
expect_bad number 'arm,time_h,madrs_mean\nsaline,1d,20\n' "number.csv:2: column 'time_h': '1d' is not a number"
expect_bad cells 'arm,time_h,madrs_mean\nsaline,24\n' "cells.csv:2: expected 3 columns, got 2"
expect_bad empty '# nothing\n' "empty.csv: empty file"
"$ketsim" trial zarate2006 --replicates 1 --observed "$tmp/means.csv" >"$tmp/out.txt" 2>"$tmp/e.txt"
rc=$?
[ "$rc" -eq 2 ] && [ ! -s "$tmp/out.txt" ] && grep -q -- "--plot DIR or --report" "$tmp/e.txt" && ok \
    || bad "--observed without a figure: exit $rc, $(cat "$tmp/e.txt")"

finish
