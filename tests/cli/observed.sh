#!/bin/bash
# simulate --observed FILE: a dataset's observations are drawn over the
# figures of --plot and --report, only where they carry a value, and a bad
# file stops the run with its line before any output exists.
KETSIM=${1:?usage: observed.sh /path/to/ketsim}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
pass=0
failed=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $1"; failed=$((failed + 1)); }

# ketamine and norketamine levels and a MADRS rating are drawn; the NMDA
# record has MDV 1 and the sedation one is an output no figure shows
cat >"$dir/obs.csv" <<'CSV'
ID,TIME,AMT,DV,MDV,OUTPUT
1,0.67,0,185,0,plasma_ketamine_ng_per_ml
1,2,0,70,0,plasma_ketamine_ng_per_ml
2,2,0,60,0,plasma_norketamine_ng_per_ml
3,24,0,12,0,madrs
3,30,0,0.4,1,nmda_block_pyramidal
4,1,0,0.2,0,sedation
CSV
"$KETSIM" simulate --until 2d --plot "$dir/plain" >"$dir/p.txt" 2>&1 || bad "simulate --plot: $(cat "$dir/p.txt")"
"$KETSIM" simulate --until 2d --plot "$dir/obs" --observed "$dir/obs.csv" >"$dir/o.txt" 2>"$dir/o.err" \
    || bad "simulate --observed: $(cat "$dir/o.err")"
for f in concentrations clinical; do
    ! cmp -s "$dir/plain/$f.png" "$dir/obs/$f.png" && ok || bad "$f.png is the same with observations"
    [ -s "$dir/obs/$f.svg" ] && ok || bad "no $f.svg"
done
cmp -s "$dir/plain/cascade.png" "$dir/obs/cascade.png" && ok || bad "cascade.png changed by an MDV 1 record"
grep -q "sedation is in no figure; its 1 values are not drawn" "$dir/o.err" && ok \
    || bad "no note on the output that no figure draws: $(cat "$dir/o.err")"

# the report (its figures drawn alone, without --plot) lists the file among
# its inputs; SVG text is drawn as glyphs, so the figure is checked above
"$KETSIM" simulate --until 2d --report "$dir/r.html" --observed "$dir/obs.csv" >/dev/null 2>&1 \
    || bad "simulate --report --observed failed"
grep -q "obs.csv" "$dir/r.html" && ok || bad "the report does not name the observed file"

# a record out of time order: exit 2, file and line named, nothing written
printf 'ID,TIME,AMT,DV\n1,2,0,70\n1,1,0,90\n' >"$dir/bad.csv"
"$KETSIM" simulate --until 1d --plot "$dir/none" --observed "$dir/bad.csv" >/dev/null 2>"$dir/e.txt"
rc=$?
[ "$rc" -eq 2 ] && ok || bad "a bad observed file exits $rc, not 2"
grep -q "bad.csv:3: column TIME" "$dir/e.txt" && ok || bad "the error does not name file, line and column: $(cat "$dir/e.txt")"
[ ! -e "$dir/none" ] && ok || bad "a bad observed file left the --plot directory"
"$KETSIM" simulate --until 1d --observed "$dir/obs.csv" >"$dir/out.txt" 2>"$dir/e.txt"
rc=$?
[ "$rc" -eq 2 ] && [ ! -s "$dir/out.txt" ] && grep -q -- "--plot DIR or --report" "$dir/e.txt" && ok \
    || bad "--observed without a figure: exit $rc, $(cat "$dir/e.txt")"

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
