#!/usr/bin/env bash
# The examples of docs/python.md and docs/r.md run against the packages
# install.sh put in WORK: each writes its PNG, and the Python and R small
# trials print the same lines (the same library run).
# usage: examples.sh SOURCE_DIR WORK_DIR
set -euo pipefail
src=$1 work=$2
out=$work/examples
rm -rf "$out" && mkdir -p "$out/python" "$out/r"
py=$(cat "$work/python_exe")
pass=0 fail=0
check() {
    if eval "$2"; then pass=$((pass + 1)); echo "ok: $1"; else fail=$((fail + 1)); echo "FAIL: $1"; fi
}
is_png() { [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }
for ex in dose_response small_trial; do
    PYTHONPATH=$work/python MPLCONFIGDIR=$out "$py" "$src/python/examples/$ex.py" "$out/python" >"$out/python/$ex.txt"
    check "python $ex writes a PNG" "is_png '$out/python/$ex.png'"
    R_LIBS=$work/r Rscript "$src/r/examples/$ex.R" "$out/r" >"$out/r/$ex.txt" 2>"$out/r/$ex.err"
    check "R $ex writes a PNG" "is_png '$out/r/$ex.png'"
done
check "Python and R small trials print the same results" \
    "diff <(grep -v '^wrote' '$out/python/small_trial.txt') <(grep -v '^wrote' '$out/r/small_trial.txt')"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
