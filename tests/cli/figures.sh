#!/bin/bash
# Figures of ketsim trial and ketsim lab (--plot): PNG and SVG files exist,
# are what their names say, and a failing --plot directory is an error.
KETSIM=${1:?usage: figures.sh /path/to/ketsim}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
pass=0
failed=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $1"; failed=$((failed + 1)); }
# PNG height in pixels (IHDR: bytes 21-24, big-endian)
png_height() { od -An -tu1 -j20 -N4 "$1" | awk '{print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4}'; }
fig_ok() {
    [ -s "$1.png" ] && [ "$(head -c 8 "$1.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] \
        && [ -s "$1.svg" ] && grep -q '<svg' "$1.svg"
}

"$KETSIM" trial zarate2006 --replicates 3 --plot "$dir/t" >"$dir/t.txt" 2>&1 || bad "trial --plot: $(cat "$dir/t.txt")"
fig_ok "$dir/t/zarate2006_madrs" && ok || bad "zarate2006_madrs.png/.svg"
[ ! -e "$dir/t/zarate2006_relapse.png" ] && ok || bad "zarate2006 has no follow-up but a relapse figure"
"$KETSIM" trial murrough2013 --replicates 1 --plot "$dir/t" >"$dir/m.txt" 2>&1 || bad "trial --plot: $(cat "$dir/m.txt")"
fig_ok "$dir/t/murrough2013_madrs" && ok || bad "murrough2013_madrs.png/.svg"
fig_ok "$dir/t/murrough2013_relapse" && ok || bad "murrough2013_relapse.png/.svg"
# rated over days with ratings in the first hours: a second panel on those
# hours makes the page taller; one row of numbers at risk under the curves
h=$(png_height "$dir/t/murrough2013_madrs.png")
[ "$h" = 1100 ] && ok || bad "murrough2013_madrs.png is $h px high, not 1100 (two panels)"
h=$(png_height "$dir/t/murrough2013_relapse.png")
[ "$h" = 726 ] && ok || bad "murrough2013_relapse.png is $h px high, not 726 (one row at risk)"
"$KETSIM" trial dose_ranging --replicates 1 --subjects 20 --plot "$dir/d" >"$dir/d.txt" 2>&1 || bad "trial --plot: $(cat "$dir/d.txt")"
h=$(png_height "$dir/d/dose_ranging_madrs.png")
[ "$h" = 700 ] && ok || bad "dose_ranging_madrs.png (first rating at 1 d) is $h px high, not 700 (one panel)"

"$KETSIM" lab ampa_block --plot "$dir/l" >"$dir/l.txt" 2>&1 || bad "lab --plot: $(cat "$dir/l.txt")"
fig_ok "$dir/l/ampa_block_readouts" && ok || bad "ampa_block_readouts.png/.svg"
# five read-outs: four panels on the first page, the fifth on a second
fig_ok "$dir/l/ampa_block_readouts_2" && ok || bad "ampa_block_readouts_2.png/.svg"
[ ! -e "$dir/l/ampa_block_readouts_3.png" ] && ok || bad "a third lab page for five read-outs"

touch "$dir/file"
"$KETSIM" lab ampa_block --plot "$dir/file" >/dev/null 2>"$dir/e.txt"
[ $? -ne 0 ] && grep -q -- "--plot" "$dir/e.txt" && ok || bad "lab --plot onto a file: no error naming --plot"
"$KETSIM" trial zarate2006 --replicates 1 --plot "$dir/file" >/dev/null 2>"$dir/e.txt"
[ $? -ne 0 ] && grep -q -- "--plot" "$dir/e.txt" && ok || bad "trial --plot onto a file: no error naming --plot"

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
