#!/usr/bin/env bash
# The main job (`ketsim` with no arguments, here `ketsim run --out-dir`):
# Table 1 with every row judged, Table 2 with its six biomarker rows, the
# files it promises, and a bad option refused with exit 2.  Left out of the
# sanitizer stage of CI (KETSIM_QUICK_VALIDATE=1): 140 replicate trials.
set -u
source "$(dirname "$0")/lib/common.bash"
skip_if_quick

"$ketsim" run --out-dir "$tmp/o" --threads 2 >"$tmp/out" 2>"$tmp/err" && ok || bad "run: $(cat "$tmp/err")"
grep -q '^Table 1: clinical efficacy' "$tmp/out" && ok || bad "no Table 1"
for r in '^onset ' '^peak ' '^response, single infusion' '^response, six infusions' '^duration, single' '^median time to relapse'; do
    grep -Eq "$r.* (ok|MISS)" "$tmp/out" && ok || bad "Table 1 row $r missing or unjudged"
done
grep -q '^Table 2: biomarkers' "$tmp/out" && ok || bad "no Table 2"
n2=$(sed -n '/^Table 2/,/^files:/p' "$tmp/out" | grep -Ec ' (ok|MISS)$')
[ "$n2" -eq 6 ] && ok || bad "Table 2 has $n2 judged rows, expected 6"
for f in zarate2006_summary.json murrough2013_summary.json zarate2006_subjects.csv table1.txt; do
    [ -s "$tmp/o/$f" ] && ok || bad "missing $f"
done
for f in zarate2006_summary.json murrough2013_summary.json; do
    json_ok "$tmp/o/$f" && ok || bad "$f does not parse"
done
# the file holds the same two tables as stdout
sed -n '/^Table 1/,/^files:/p' "$tmp/out" | grep -v '^files:' | sed '${/^$/d}' >"$tmp/tables"
cmp -s "$tmp/tables" "$tmp/o/table1.txt" && ok || bad "table1.txt differs from stdout"

"$ketsim" run --bogus >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q -- '--bogus' "$tmp/err" && ok || bad "bad option: $(cat "$tmp/err")"

finish
