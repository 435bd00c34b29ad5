#!/usr/bin/env bash
# Built-in data come from the configured or installed place only: a ./data
# in the working directory does not replace a built-in scenario, protocol or
# targets file; --data-dir and $KETSIM_DATA_DIR choose another; an installed
# program finds its own copy; and the summaries say which file was used.
source "$(dirname "$0")/lib/common.bash"
builtin="$root/data"
trial() { "$ketsim" trial zarate2006 --replicates 1 --subjects 4 "$@"; }

# a working directory with a planted data/ directory
mkdir -p "$tmp/work" && cd "$tmp/work" || exit 1
cp -r "$builtin" data
sed -i 's|^description: .*|description: "PLANTED"|' data/scenarios/zarate2006.yaml data/lab/ampa_block.yaml

env -u KETSIM_DATA_DIR "$ketsim" trial zarate2006 --replicates 1 --subjects 4 >out.txt 2>err.txt
if ! grep -q PLANTED out.txt && grep -qx "scenario file: $builtin/scenarios/zarate2006.yaml" out.txt; then ok; else
    bad "./data/scenarios/zarate2006.yaml replaced the built-in scenario: $(head -1 out.txt); $(grep 'scenario file' out.txt)"
fi
env -u KETSIM_DATA_DIR "$ketsim" lab ampa_block >out.txt 2>err.txt
if ! grep -q PLANTED out.txt && grep -qx "protocol file: $builtin/lab/ampa_block.yaml" out.txt; then ok; else
    bad "./data/lab/ampa_block.yaml replaced the built-in protocol"
fi

# --data-dir, anywhere on the command line, and the environment choose
alt="$tmp/alt"
cp -r data "$alt"
env -u KETSIM_DATA_DIR "$ketsim" --data-dir "$alt" trial zarate2006 --replicates 1 --subjects 4 >out.txt 2>&1
grep -q PLANTED out.txt && grep -qx "scenario file: $alt/scenarios/zarate2006.yaml" out.txt && ok ||
    bad "--data-dir before the command: $(grep 'scenario file' out.txt)"
env -u KETSIM_DATA_DIR "$ketsim" trial zarate2006 --replicates 1 --subjects 4 --data-dir="$alt" >out.txt 2>&1
grep -q PLANTED out.txt && ok || bad "--data-dir=DIR after the command"
KETSIM_DATA_DIR="$alt" trial >out.txt 2>&1
grep -q PLANTED out.txt && ok || bad "KETSIM_DATA_DIR"
"$ketsim" --data-dir "$tmp/missing" trial zarate2006 >out.txt 2>err.txt
[ $? -eq 2 ] && grep -q "data-dir '$tmp/missing': not a directory" err.txt && ok || bad "--data-dir missing: $(cat err.txt)"

# an installed program uses its installed data, not the source tree
build=$(dirname "$ketsim")
if cmake --install "$build" --prefix "$tmp/prefix" >/dev/null 2>&1; then
    sed -i 's|^description: .*|description: "INSTALLED COPY"|' "$tmp/prefix/share/ketsim/scenarios/zarate2006.yaml"
    env -u KETSIM_DATA_DIR "$tmp/prefix/bin/ketsim" trial zarate2006 --replicates 1 --subjects 4 >out.txt 2>&1
    grep -q "INSTALLED COPY" out.txt && grep -qx "scenario file: $tmp/prefix/share/ketsim/scenarios/zarate2006.yaml" out.txt &&
        ok || bad "installed program: $(grep 'scenario file' out.txt)"
else
    bad "cmake --install into a scratch prefix failed"
fi

# validate and the main job's table name their targets file
# (a few single-subject targets: quick)
grep -v ',trial:' "$builtin/targets.csv" | head -6 >"$tmp/few.csv"
env -u KETSIM_DATA_DIR "$ketsim" validate --targets "$tmp/few.csv" >out.txt 2>&1
grep -qx "targets file: $tmp/few.csv" out.txt && ok || bad "validate: $(tail -2 out.txt)"

finish
