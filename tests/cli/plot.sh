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
"$KETSIM" simulate --until 1d --plot-log >/dev/null 2>"$tmp/err"
check "--plot-log alone is refused" "[ $? -eq 2 ] && grep -q -- '--plot-log needs --plot' '$tmp/err'"
touch "$tmp/afile"
"$KETSIM" simulate --until 1d --plot "$tmp/afile" >/dev/null 2>"$tmp/err"
check "--plot onto a file fails" "[ $? -eq 1 ] && grep -q 'exists and is not a directory' '$tmp/err'"

echo "$passes passed, $fails failed"
[ $fails -eq 0 ]
