#!/usr/bin/env bash
# Fault walk: make each file-system call a command makes fail in turn (the
# Nth open, write, fclose, rename, fsync or mkdir; tests/tools/faultinj.c)
# and check what the command leaves behind; then the same with allocations
# (every so many of the program's malloc, calloc and realloc calls).  For every N until the command
# runs through without the fault firing:
#   - exit status 0, or non-zero with exactly one line on stderr;
#   - no temporary or staging file (*.tmp*, .ketsim-stage.*, .ketsim-ready.*)
#     in the working directory, which holds the output location;
#   - after a failure, the previous complete result (made before the walk)
#     byte-identical; after a success, the new result complete.
# Prints, per command, the number of injection points.
#   KETSIM_FAULTINJ=LIB.so KETSIM_DATA_DIR=DIR fault_walk.sh KETSIM
# (ctest sets both; without the library, as in sanitizer builds, it skips.)
set -u
ketsim=$(cd "$(dirname "${1:?ketsim binary}")" && pwd)/$(basename "$1")
shim=${KETSIM_FAULTINJ:-}
: "${KETSIM_DATA_DIR:?data directory}"
if [ -z "$shim" ]; then
    echo "fault_walk: no fault-injection library (sanitizer build?): skipped"
    exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fail() {
    echo "FAIL $label N=$n: $*" >&2
    failures=$((failures + 1))
}

# Checksums of every file under the output location, by relative path.
snapshot() {
    (cd "$work/run" && find "$out" -type f -print0 | sort -z | xargs -0r sha256sum)
}

leftovers() {
    (cd "$work/run" && find . \( -name '*.tmp*' -o -name '.ketsim-stage.*' -o -name '.ketsim-ready.*' \) -print)
}

# walk LABEL OUT COMMAND...: OUT is the file or directory the command writes.
walk() {
    label=$1 out=$2
    shift 2
    rm -rf "$work/run" && mkdir -p "$work/run"
    cp "$work/t.csv" "$work/run/"
    n=0
    if ! (cd "$work/run" && "$ketsim" "$@" >/dev/null 2>"$work/err"); then
        fail "the command fails without a fault: $(cat "$work/err")"
        return
    fi
    local before
    before=$(snapshot)
    for ((n = 1; n < 2000; n++)); do
        rm -f "$work/log"
        (cd "$work/run" && KETSIM_FAULT_N=$n KETSIM_FAULT_LOG="$work/log" LD_PRELOAD="$shim" \
            "$ketsim" "$@" >/dev/null 2>"$work/err")
        local rc=$?
        local fired
        fired=$(grep '^fired' "$work/log" 2>/dev/null | cut -d' ' -f2)
        if [ -z "$fired" ]; then
            [ "$rc" -eq 0 ] || fail "exit $rc without a fault: $(cat "$work/err")"
            echo "fault_walk: $label: $((n - 1)) injection points"
            return
        fi
        local left
        left=$(leftovers)
        [ -z "$left" ] || fail "($fired) leftovers: $left"
        if [ "$rc" -eq 0 ]; then
            [ -n "$(snapshot)" ] || fail "($fired) exit 0 but no output"
            before=$(snapshot) # the new result is the one to keep from now on
            continue
        fi
        local lines
        lines=$(wc -l <"$work/err")
        [ "$lines" -eq 1 ] && [ -s "$work/err" ] ||
            fail "($fired) exit $rc with $lines lines on stderr: $(head -c 600 "$work/err")"
        [ "$(snapshot)" = "$before" ] || fail "($fired) exit $rc and the previous result changed: $(cat "$work/err")"
    done
    fail "no end after $n injection points"
}

# A fault that persists while a published set is moved into place (every
# rename after the stage became ready fails): one line that says the next
# run finishes it, and the next run does, leaving a complete set.
persistent() {
    label="trial --out-dir, renames refused after publishing" n=2
    rm -rf "$work/run" && mkdir -p "$work/run"
    local args=(trial zarate2006 --replicates 1 --subjects 4 --threads 1 --out-dir tout)
    (cd "$work/run" && KETSIM_FAULT_FAMILY=rename KETSIM_FAULT_N=2 KETSIM_FAULT_TIMES=1000 \
        LD_PRELOAD="$shim" "$ketsim" "${args[@]}" >/dev/null 2>"$work/err")
    local rc=$?
    [ "$rc" -ne 0 ] && [ "$(wc -l <"$work/err")" -eq 1 ] && grep -q 'the next ketsim run' "$work/err" ||
        fail "exit $rc, message: $(cat "$work/err")"
    (cd "$work/run" && "$ketsim" "${args[@]}" >/dev/null 2>"$work/err") || fail "the next run fails: $(cat "$work/err")"
    [ -z "$(leftovers)" ] || fail "leftovers after the next run: $(leftovers)"
    local f
    for f in zarate2006_manifest.json zarate2006_subjects.csv zarate2006_summary.json; do
        [ -s "$work/run/tout/$f" ] || fail "the next run leaves no $f"
    done
}

# Checksums of the data files under the output location (not the
# manifests, whose run id changes from run to run).
data_snapshot() {
    (cd "$work/run" && find "$out" -type f ! -name '*_manifest.json' -print0 | sort -z | xargs -0r sha256sum)
}

# alloc_walk LABEL OUT COMMAND...: the Nth allocation the program makes
# (malloc, calloc, realloc; the shim's alloc family) fails, for N from 1 to
# the command's count in steps chosen to make about $KETSIM_ALLOC_POINTS
# runs (default 200).  Every run: no crash (a signal), no temporary file;
# a failure has one line on stderr, leaves the previous result as it was
# and is not called bad input (exit 2); a success despite the fault must be
# the complete, unchanged result (same data files, same printed table), not
# one with a value missing.
#   ALLOC_LAST=K ALLOC_STRIDE=S ALLOC_EXPECT=FUNCTION alloc_walk ...: only the
#   last K allocations, every Sth; and at least one run whose failed
#   allocation was made in FUNCTION (addr2line) must end in an error.
alloc_walk() {
    label=$1 out=$2
    shift 2
    rm -rf "$work/run" && mkdir -p "$work/run"
    n=0
    rm -f "$work/log"
    if ! (cd "$work/run" && KETSIM_FAULT_FAMILY=alloc KETSIM_FAULT_LOG="$work/log" LD_PRELOAD="$shim" \
        "$ketsim" "$@" >"$work/ref.out" 2>"$work/err"); then
        fail "the command fails without a fault: $(cat "$work/err")"
        return
    fi
    local total before ref_out
    total=$(awk '$1 == "count" {print $3}' "$work/log")
    before=$(data_snapshot)
    ref_out=$(grep -v '^wrote ' "$work/ref.out")
    local points=${KETSIM_ALLOC_POINTS:-200} stride walked=0 failed_runs=0 first=1 expected=0
    stride=$(( total / points > 1 ? total / points : 1 ))
    [ -n "${ALLOC_STRIDE:-}" ] && stride=$ALLOC_STRIDE
    [ -n "${ALLOC_LAST:-}" ] && first=$(( total > ALLOC_LAST ? total - ALLOC_LAST + 1 : 1 ))
    for ((n = first; n <= total; n += stride)); do
        rm -f "$work/log"
        (cd "$work/run" && KETSIM_FAULT_FAMILY=alloc KETSIM_FAULT_N=$n KETSIM_FAULT_LOG="$work/log" \
            LD_PRELOAD="$shim" "$ketsim" "$@" >"$work/out" 2>"$work/err")
        local rc=$? where
        grep -q '^fired' "$work/log" 2>/dev/null || continue
        walked=$((walked + 1))
        where=$(awk '$1 == "caller" {printf "%s+0x%x", $2, $3}' "$work/log")
        [ "$rc" -lt 128 ] || fail "(allocation at $where) killed by signal $((rc - 128)): $(head -c 300 "$work/err")"
        local left
        left=$(leftovers)
        [ -z "$left" ] || fail "(allocation at $where) leftovers: $left"
        if [ "$rc" -eq 0 ]; then
            [ "$(data_snapshot)" = "$before" ] && [ "$(grep -v '^wrote ' "$work/out")" = "$ref_out" ] ||
                fail "(allocation at $where) exit 0 with a different result"
            continue
        fi
        failed_runs=$((failed_runs + 1))
        if [ -n "${ALLOC_EXPECT:-}" ] && [ "$(caller_function)" = "$ALLOC_EXPECT" ]; then
            expected=$((expected + 1))
        fi
        [ "$rc" -ne 2 ] || fail "(allocation at $where) exit 2, bad input, for no memory: $(head -c 300 "$work/err")"
        local lines
        lines=$(wc -l <"$work/err")
        [ "$lines" -eq 1 ] && [ -s "$work/err" ] ||
            fail "(allocation at $where) exit $rc with $lines lines on stderr: $(head -c 600 "$work/err")"
        [ "$(data_snapshot)" = "$before" ] ||
            fail "(allocation at $where) exit $rc and the previous result changed: $(cat "$work/err")"
    done
    echo "fault_walk: $label: $total allocations, $walked failed in turn (every ${stride}th from allocation ${first}), $failed_runs ended in an error"
    [ "$walked" -gt 0 ] || fail "no allocation failed"
    if [ -n "${ALLOC_EXPECT:-}" ]; then
        echo "fault_walk: $label: $expected of them in $ALLOC_EXPECT"
        [ "$expected" -gt 0 ] || fail "no failed allocation in $ALLOC_EXPECT ended in an error"
    fi
}

# The function that made the failed allocation of the last run, from the
# shim's "caller FILE OFFSET" line.
caller_function() {
    local file off
    read -r file off < <(awk '$1 == "caller" {printf "%s 0x%x\n", $2, $3}' "$work/log")
    [ -n "$file" ] && addr2line -f -e "$file" "$off" 2>/dev/null | head -n 1
}

head -4 "$KETSIM_DATA_DIR/targets.csv" >"$work/t.csv"
walk "simulate --out" a.csv simulate --out a.csv
walk "simulate --out (csv of a dataset)" p.csv simulate --dataset "$KETSIM_DATA_DIR/../examples/dataset.csv" --out p.csv
walk "trial --out-dir" tout trial zarate2006 --replicates 1 --subjects 4 --threads 1 --out-dir tout
walk "lab --out-dir" lout lab table2_mouse --out-dir lout
walk "validate --markdown" v.md validate --targets t.csv --markdown v.md
persistent
alloc_walk "simulate --out, allocations" a.csv simulate --until 2h --every 30min --out a.csv
alloc_walk "trial --out-dir, allocations" tout trial zarate2006 --replicates 1 --subjects 2 --threads 1 --out-dir tout
alloc_walk "predict --out-dir, allocations" pout predict --subjects 12 --bootstrap 20 --threads 1 --out-dir pout
# The results database stores each metric's quantiles over the replicates
# among the last few hundred allocations of the run (the printed table
# follows): a failure there is an error, not a metric without values.
ALLOC_LAST=400 ALLOC_STRIDE=5 ALLOC_EXPECT=ketsim_trial_metric_quantiles \
    alloc_walk "trial --out FILE.sqlite, the last allocations" r.sqlite \
    trial zarate2006 --replicates 2 --subjects 2 --threads 1 --out r.sqlite
if [ "$failures" -ne 0 ]; then
    echo "fault_walk: $failures failures" >&2
    exit 1
fi
echo "fault_walk: every injection point ends cleanly"
