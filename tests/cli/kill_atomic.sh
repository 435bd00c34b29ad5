#!/usr/bin/env bash
# Killed and interrupted runs leave no output file.
#
# Outputs are written to PATH.tmp.XXXXXX and renamed over PATH only when
# complete (src/util/atomic.c).  SIGKILL cannot be caught, so a killed run may
# leave a PATH.tmp.XXXXXX behind, but never PATH itself.  SIGINT (Ctrl-C) is
# caught: ketsim stops, removes its temporary file, prints
# "ketsim: interrupted" and exits with 130.
set -u
KETSIM=${1:?usage: kill_atomic.sh path/to/ketsim}
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
fails=0 passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

# Half a year at one-minute resolution: a few seconds of solving, then several
# of writing a 75 MB file, so either phase can be caught mid-run.
long_run() { "$KETSIM" simulate --until 180d --every 1min --out "$tmp/big.csv" 2>"$tmp/stderr" & }

# Wait until the temporary output file exists (the run is writing), up to 60 s.
wait_for_tmp() {
    for _ in $(seq 600); do
        compgen -G "$tmp/big.csv.tmp.*" >/dev/null && return 0
        kill -0 "$1" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# 1. SIGKILL while solving, then SIGKILL while writing.
for phase in solving writing; do
    rm -f "$tmp"/big.csv*
    long_run; pid=$!; pids+=("$pid")
    if [ "$phase" = solving ]; then sleep 1; else wait_for_tmp "$pid" || bad "SIGKILL/$phase: no temporary file seen"; fi
    kill -KILL "$pid"; wait "$pid" 2>/dev/null
    if [ -e "$tmp/big.csv" ]; then bad "SIGKILL while $phase left $tmp/big.csv"; else ok; fi
done

# 2. SIGINT while solving, then SIGINT while writing: exit 130, message,
#    neither the output nor a temporary file left.
for phase in solving writing; do
    rm -f "$tmp"/big.csv*
    long_run; pid=$!; pids+=("$pid")
    if [ "$phase" = solving ]; then sleep 1; else wait_for_tmp "$pid" || bad "SIGINT/$phase: no temporary file seen"; fi
    kill -INT "$pid"; wait "$pid"; rc=$?
    left=$(ls "$tmp" | grep '^big\.csv' || true)
    if [ "$rc" -ne 130 ] || ! grep -qx "ketsim: interrupted" "$tmp/stderr" || [ -n "$left" ]; then
        bad "SIGINT while $phase: rc=$rc, stderr: $(cat "$tmp/stderr"), left: $left"
    else
        ok
    fi
done

# 3. Without a signal the same machinery commits the file (short run).
rm -f "$tmp"/big.csv*
"$KETSIM" simulate --until 1d --every 1h --out "$tmp/big.csv" 2>"$tmp/stderr"
if [ $? -ne 0 ] || [ ! -s "$tmp/big.csv" ] || compgen -G "$tmp/big.csv.tmp.*" >/dev/null; then
    bad "uninterrupted run: no file or a leftover temporary file"
else
    ok
fi

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
