#!/usr/bin/env bash
# Fail when libketsim.so's exported symbols and the public headers disagree:
#  1. nothing outside the ketsim_ namespace is exported (cmake/libketsim.map),
#     so the library cannot clash with a user's own names or its other
#     dependencies;
#  2. every exported name is declared in include/ketsim/ (an internal helper
#     that happens to be called ketsim_* would otherwise become API by
#     accident);
#  3. every function the public headers declare is exported (else a user's
#     program compiles and then fails to link).
# 2 and 3 read the declarations from GCC's -aux-info; with another compiler
# only 1 is checked.
#
# usage: check_exports.sh LIBKETSIM.so INCLUDE_DIR [CC]
set -euo pipefail
so=${1:?usage: check_exports.sh LIBKETSIM.so INCLUDE_DIR [CC]}
inc=${2:?usage: check_exports.sh LIBKETSIM.so INCLUDE_DIR [CC]}
cc=${3:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

nm -D --defined-only "$so" | awk '{print $NF}' | sort -u >"$tmp/exported"
# what the toolchain puts in any shared object, not ketsim's to choose
grep -vE '^(ketsim_.*|_init|_fini|_edata|_end|__bss_start)$' "$tmp/exported" >"$tmp/foreign" || true
if [ -s "$tmp/foreign" ]; then
    echo "FAIL: exported outside ketsim_*:"
    sed 's/^/  /' "$tmp/foreign"
    fail=1
fi
echo "$(grep -c '^ketsim_' "$tmp/exported") ketsim_* symbols exported, $(wc -l <"$tmp/foreign") others"

if "$cc" --version 2>/dev/null | grep -q 'Free Software Foundation'; then
    echo '#include <ketsim/ketsim.h>' >"$tmp/all.c"
    for h in "$inc"/ketsim/*.h; do echo "#include <ketsim/$(basename "$h")>" >>"$tmp/all.c"; done
    "$cc" -std=c11 -I"$inc" -c "$tmp/all.c" -o "$tmp/all.o" -aux-info "$tmp/aux"
    # extern prototypes from the public headers; static inline ones are not exported
    grep -F "$inc/ketsim/" "$tmp/aux" | grep -E '\*/ extern ' |
        sed -E 's/^.*[^A-Za-z0-9_](ketsim_[A-Za-z0-9_]+) \(.*$/\1/' | sort -u >"$tmp/declared"
    grep '^ketsim_' "$tmp/exported" >"$tmp/exported_api" || true
    comm -13 "$tmp/declared" "$tmp/exported_api" >"$tmp/undeclared"
    comm -23 "$tmp/declared" "$tmp/exported_api" >"$tmp/missing"
    if [ -s "$tmp/undeclared" ]; then
        echo "FAIL: exported but declared in no public header:"
        sed 's/^/  /' "$tmp/undeclared"
        fail=1
    fi
    if [ -s "$tmp/missing" ]; then
        echo "FAIL: declared in a public header but not in the library:"
        sed 's/^/  /' "$tmp/missing"
        fail=1
    fi
    echo "$(wc -l <"$tmp/declared") functions declared in $inc/ketsim, $(wc -l <"$tmp/undeclared") exported undeclared, $(wc -l <"$tmp/missing") declared missing"
else
    echo "note: $cc is not GCC; exports not compared with the headers"
fi
exit $fail
