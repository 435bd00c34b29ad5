#!/usr/bin/env bash
# ketsim simulate --plot DIR: three figures, each as PNG and SVG.
set -u
KETSIM=${1:?usage: plot.sh path/to/ketsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0
check() { if eval "$2"; then passes=$((passes + 1)); else echo "FAIL: $1"; fails=$((fails + 1)); fi; }

"$KETSIM" simulate --until 3d --every 15min --plot "$tmp/figs" --plot-log >"$tmp/stdout.txt"
check "plot run exits 0" "[ $? -eq 0 ]"
check "--plot without --out writes no CSV to stdout" "[ ! -s '$tmp/stdout.txt' ]"
"$KETSIM" simulate --until 3d --every 15min --plot "$tmp/figs2" --out "$tmp/run.csv" >"$tmp/stdout.txt"
check "--plot with --out writes the CSV there" "[ \$(wc -l <'$tmp/run.csv') -eq 290 ] && [ ! -s '$tmp/stdout.txt' ]"
for f in concentrations cascade clinical; do
    check "$f.png is a PNG" "[ \"\$(head -c 8 '$tmp/figs/$f.png' | od -An -c | tr -d ' ')\" = '211PNG\r\n032\n' ]"
    check "$f.png has content" "[ \$(stat -c %s '$tmp/figs/$f.png') -gt 20000 ]"
    check "$f.svg is an SVG" "grep -q '<svg' '$tmp/figs/$f.svg'"
done
check "no temporary files left (six figures and their manifest)" "[ \$(ls -A '$tmp/figs' | wc -l) -eq 7 ] && [ -f '$tmp/figs/simulate_manifest.json' ]"
# a run drawn in days gets a first plasma panel on the first hours: three
# panels and their own time axes make the page 320 px taller than the 660 of
# two (the 3-day run is drawn in hours, without it)
png_height() { od -An -tu1 -j20 -N4 "$1" | awk '{print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4}'; }
check "a 3-day run: two concentration panels" "[ \$(png_height '$tmp/figs/concentrations.png') -eq 660 ]"
"$KETSIM" simulate --until 14d --plot "$tmp/days" >/dev/null
check "a 14-day run: a zoom panel on top" "[ \$(png_height '$tmp/days/concentrations.png') -eq 980 ]"
# the acute panels (NMDA block, glutamate, plasticity; CADSS, haemodynamics)
# are drawn on the first hours instead, so those pages have their own time
# axes too: 60 px taller than four (three) panels sharing one; in a run
# drawn in hours they share it
check "a 14-day cascade: acute panels on their own axes" "[ \$(png_height '$tmp/days/cascade.png') -eq 1240 ]"
check "a 14-day clinical figure: acute panels on their own axes" "[ \$(png_height '$tmp/days/clinical.png') -eq 980 ]"
check "a 3-day cascade shares one time axis" "[ \$(png_height '$tmp/figs/cascade.png') -eq 1180 ]"
check "a 3-day clinical figure shares one time axis" "[ \$(png_height '$tmp/figs/clinical.png') -eq 920 ]"
"$KETSIM" simulate --until 1d --plot-log >/dev/null 2>"$tmp/err"
check "--plot-log alone is refused" "[ $? -eq 2 ] && grep -q -- '--plot-log need --plot' '$tmp/err'"
# concentrations are semi-log by default (--plot-log names the default);
# --plot-scale linear draws another figure, the other figures unchanged
"$KETSIM" simulate --until 3d --every 15min --plot "$tmp/lin" --plot-scale linear >/dev/null
check "--plot-scale linear runs" "[ $? -eq 0 ]"
# (PNGs compared: an SVG's glyph ids depend on the figures drawn before it)
check "the default is the log scale" "cmp -s '$tmp/figs/concentrations.png' '$tmp/figs2/concentrations.png'"
check "--plot-scale linear changes the concentrations" "! cmp -s '$tmp/figs/concentrations.png' '$tmp/lin/concentrations.png'"
check "--plot-scale linear leaves the cascade" "cmp -s '$tmp/figs/cascade.png' '$tmp/lin/cascade.png'"
"$KETSIM" simulate --until 1d --plot "$tmp/bad" --plot-scale semilog >/dev/null 2>"$tmp/err"
check "--plot-scale semilog is refused" "[ $? -eq 2 ] && grep -q -- \"--plot-scale 'semilog'\" '$tmp/err' && [ ! -e '$tmp/bad' ]"
touch "$tmp/afile"
"$KETSIM" simulate --until 1d --plot "$tmp/afile" >/dev/null 2>"$tmp/err"
check "--plot onto a file fails" "[ $? -eq 1 ] && grep -q 'exists and is not a directory' '$tmp/err'"

echo "$passes passed, $fails failed"
[ $fails -eq 0 ]
