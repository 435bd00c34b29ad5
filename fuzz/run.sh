#!/usr/bin/env bash
# Build (if needed) and run one libFuzzer harness.
#
#   fuzz/run.sh NAME 60s        run fuzz_NAME for 60 seconds
#   fuzz/run.sh NAME 1000000    run fuzz_NAME for 1,000,000 inputs
#
# NAME is a harness without the fuzz_ prefix: dose_spec, set, number, params_file,
# drugfile, ytree, targets, trial_observed, dataset, scenario, protocol, argv (the command
# line; its commands' messages on stderr are silenced: -close_fd_mask=2).  The seed corpus fuzz/corpus/NAME is read but
# never written; new inputs go to BUILD/fuzz-corpus/NAME and crash inputs to
# BUILD/fuzz-artifacts/ (BUILD is $KETSIM_FUZZ_BUILD, default build-fuzz).
# Extra arguments after the budget go to libFuzzer.  Exit status is non-zero
# when the harness finds a crash, a leak or undefined behaviour.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
name=${1:?usage: fuzz/run.sh NAME SECONDSs|RUNS [libFuzzer args...]}
budget=${2:?usage: fuzz/run.sh NAME SECONDSs|RUNS [libFuzzer args...]}
shift 2
build=${KETSIM_FUZZ_BUILD:-$root/build-fuzz}
seeds=$root/fuzz/corpus/$name
if [ ! -f "$root/fuzz/fuzz_$name.c" ] || [ ! -d "$seeds" ]; then
    echo "fuzz/run.sh: no harness '$name' (expected fuzz/fuzz_$name.c and fuzz/corpus/$name/)" >&2
    exit 2
fi
case $budget in
    *[0-9]s) limit=(-max_total_time="${budget%s}") ;;
    *[!0-9]*|'') echo "fuzz/run.sh: budget '$budget': expected SECONDS followed by s, or a number of runs" >&2; exit 2 ;;
    *) limit=(-runs="$budget") ;;
esac
if [ ! -f "$build/CMakeCache.txt" ]; then
    CC=${CC:-clang} cmake -S "$root" -B "$build" -DKETSIM_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" --target "fuzz_$name" -j"$(nproc)" >/dev/null
mkdir -p "$build/fuzz-corpus/$name" "$build/fuzz-artifacts"
# Two frames of allocation context keep leak reports useful while making the
# allocation-heavy parsers several times faster under AddressSanitizer.
export ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=2}
# Short inputs keep the runs fast; the parsers' size limits are tested by the
# unit tests.  Leaks count as failures (libFuzzer checks after each input).
quiet=()
[ "$name" = argv ] && quiet=(-close_fd_mask=2)
exec "$build/fuzz/fuzz_$name" "${limit[@]}" "${quiet[@]}" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/$name-" \
    "$@" "$build/fuzz-corpus/$name" "$seeds"
