#!/usr/bin/env bash
# Line coverage of the input parsers by their fuzz corpora and unit tests.
#
#   scripts/parser_coverage.sh [BUILD_DIR] [EXTRA_CORPUS_ROOT]
#
# Builds the replay programs (fuzz/replay_main.c around each harness) and
# the parsers' unit tests with clang's source-based coverage
# (-fprofile-instr-generate -fcoverage-mapping) in BUILD_DIR (default
# build-cov), runs each replay program over fuzz/corpus/NAME (and over
# EXTRA_CORPUS_ROOT/NAME when given, e.g. build-fuzz/fuzz-corpus, the inputs
# a fuzzing run grew), runs the unit tests, merges the profiles and prints
# the line coverage of each parser's file as a Markdown table.  Not part of
# CI (a separate clang build of the whole library).
#   PARSER_COVERAGE_HARNESSES="dataset ..."  replay only these harnesses
#   PARSER_COVERAGE_CORPUS=DIR               seed corpora from DIR/NAME
#                                            instead of fuzz/corpus/NAME
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-cov}
extra=${2:-}
case $build in /*) ;; *) build=$PWD/$build ;; esac
case $extra in /*|'') ;; *) extra=$PWD/$extra ;; esac
flags="-fprofile-instr-generate -fcoverage-mapping"
if [ ! -f "$build/CMakeCache.txt" ]; then
    CC=clang cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug \
        -DCMAKE_C_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" -DCMAKE_SHARED_LINKER_FLAGS="$flags" >/dev/null
else
    cmake "$build" >/dev/null # a test file added since the last run gets its target
fi
read -r -a replays <<<"${PARSER_COVERAGE_HARNESSES:-dataset dose_spec drugfile number params_file protocol scenario set targets ytree argv}"
corpus=${PARSER_COVERAGE_CORPUS:-$root/fuzz/corpus}
tests=(test_dataset test_drugfile test_ytree test_parser_regressions test_trial_scenario test_formats test_regimen test_params)
targets=()
for r in "${replays[@]}"; do targets+=("replay_$r"); done
cmake --build "$build" --target "${targets[@]}" "${tests[@]}" -j"$(nproc)" >/dev/null

prof=$build/coverage
rm -rf "$prof" && mkdir -p "$prof"
export KETSIM_DATA_DIR=$root/data
objects=()
for r in "${replays[@]}"; do
    dirs=("$corpus/$r")
    [ -n "$extra" ] && [ -d "$extra/$r" ] && dirs+=("$extra/$r")
    LLVM_PROFILE_FILE="$prof/replay_$r-%p.profraw" "$build/replay_$r" "${dirs[@]}" >/dev/null 2>&1 ||
        echo "parser_coverage: replay_$r failed" >&2
    objects+=(-object "$build/replay_$r")
done
for t in "${tests[@]}"; do
    (cd "$build" && LLVM_PROFILE_FILE="$prof/$t-%p.profraw" "./$t" >/dev/null 2>&1) ||
        echo "parser_coverage: $t failed" >&2
    objects+=(-object "$build/$t")
done
llvm-profdata merge -sparse "$prof"/*.profraw -o "$prof/all.profdata"

files=(src/formats/dataset.c src/formats/scenario.c src/formats/protocol.c src/formats/drugfile.c
       src/formats/targets.c src/util/units.c src/model/regimen.c src/core/params.c src/util/ytree.c)
paths=()
for f in "${files[@]}"; do paths+=("$root/$f"); done
# llvm-cov report: Filename Regions Missed Cover Functions Missed Cover Lines Missed Cover ...
echo "| file | lines | missed | line coverage |"
echo "|---|---|---|---|"
llvm-cov report "${objects[@]:1}" -instr-profile="$prof/all.profdata" "${paths[@]}" |
    awk -v root="$root/" '$1 ~ /\.c$/ {f = $1; sub(root, "", f); printf "| `%s` | %s | %s | %s |\n", f, $8, $9, $10}'
