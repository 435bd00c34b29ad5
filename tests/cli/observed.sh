#!/bin/bash
# simulate --observed FILE: a dataset's observations are drawn over the
# figures of --plot and --report, only where they carry a value, and a bad
# file stops the run with its line before any output exists.
source "$(dirname "$0")/lib/common.bash"

# ketamine and norketamine levels and a MADRS rating are drawn; the NMDA
# record has MDV 1 and the sedation one is an output no figure shows
cat >"$tmp/obs.csv" <<'CSV'
ID,TIME,AMT,DV,MDV,OUTPUT
1,0.67,0,185,0,plasma_ketamine_ng_per_ml
1,2,0,70,0,plasma_ketamine_ng_per_ml
2,2,0,60,0,plasma_norketamine_ng_per_ml
3,24,0,12,0,madrs
3,30,0,0.4,1,nmda_block_pyramidal
4,1,0,0.2,0,sedation
CSV
"$ketsim" simulate --until 2d --plot "$tmp/plain" >"$tmp/p.txt" 2>&1 || bad "simulate --plot: $(cat "$tmp/p.txt")"
"$ketsim" simulate --until 2d --plot "$tmp/obs" --observed "$tmp/obs.csv" >"$tmp/o.txt" 2>"$tmp/o.err" \
    || bad "simulate --observed: $(cat "$tmp/o.err")"
for f in concentrations clinical; do
    ! cmp -s "$tmp/plain/$f.png" "$tmp/obs/$f.png" && ok || bad "$f.png is the same with observations"
    [ -s "$tmp/obs/$f.svg" ] && ok || bad "no $f.svg"
done
cmp -s "$tmp/plain/cascade.png" "$tmp/obs/cascade.png" && ok || bad "cascade.png changed by an MDV 1 record"
grep -q "sedation is in no figure; its 1 values are not drawn" "$tmp/o.err" && ok \
    || bad "no note on the output that no figure draws: $(cat "$tmp/o.err")"

# the report (its figures drawn alone, without --plot) lists the file among
# its inputs; SVG text is drawn as glyphs, so the figure is checked above
"$ketsim" simulate --until 2d --report "$tmp/r.html" --observed "$tmp/obs.csv" >/dev/null 2>&1 \
    || bad "simulate --report --observed failed"
grep -q "obs.csv" "$tmp/r.html" && ok || bad "the report does not name the observed file"

# a record out of time order: exit 2, file and line named, nothing written
printf 'ID,TIME,AMT,DV\n1,2,0,70\n1,1,0,90\n' >"$tmp/bad.csv"
"$ketsim" simulate --until 1d --plot "$tmp/none" --observed "$tmp/bad.csv" >/dev/null 2>"$tmp/e.txt"
rc=$?
[ "$rc" -eq 2 ] && ok || bad "a bad observed file exits $rc, not 2"
grep -q "bad.csv:3: column TIME" "$tmp/e.txt" && ok || bad "the error does not name file, line and column: $(cat "$tmp/e.txt")"
[ ! -e "$tmp/none" ] && ok || bad "a bad observed file left the --plot directory"
"$ketsim" simulate --until 1d --observed "$tmp/obs.csv" >"$tmp/out.txt" 2>"$tmp/e.txt"
rc=$?
[ "$rc" -eq 2 ] && [ ! -s "$tmp/out.txt" ] && grep -q -- "--plot DIR or --report" "$tmp/e.txt" && ok \
    || bad "--observed without a figure: exit $rc, $(cat "$tmp/e.txt")"

finish
