#!/bin/bash
# Regenerate tests/golden/ from a ketsim binary:  scripts/update_golden.sh BUILD/ketsim
# Only when the model changes on purpose: the commit that runs this says why,
# and the golden files then pin the new numbers (tests/cli/golden.sh).
set -eu
ketsim=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/tests/golden"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
grep -v '^#' "$out/cases.txt" | while IFS='|' read -r name file args ignore; do
    name=$(echo $name); file=$(echo $file)
    [ -n "$name" ] || continue
    mkdir -p "$work/$name"
    # shellcheck disable=SC2086
    (cd "$work/$name" && KETSIM_DATA_DIR="$root/data" "$ketsim" $args >stdout.txt 2>/dev/null)
    if [ "$file" = "-" ]; then src="$work/$name/stdout.txt"; ext=txt
        case $name in simulate_*) ext=csv ;; esac
    else src="$work/$name/$file"; ext=${file##*.}; fi
    # the data directory as DATA: summaries name the files they used
    sed "s|$root/data|DATA|g" "$src" >"$out/$name.$ext"
done
echo "golden files written to $out"
