#!/usr/bin/env bash
# Bad input through the real CLI: exit code 2, one clear line naming the
# flag and the bad value, and no output file left behind.
set -u
KETSIM=${1:?usage: bad_input.sh path/to/ketsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0

expect_bad() { # expect_bad "needle in message" args...
    local needle=$1; shift
    local out="$tmp/out.csv"
    rm -f "$out"
    "$KETSIM" "$@" --out "$out" >"$tmp/stdout" 2>"$tmp/stderr"
    local rc=$?
    local msg; msg=$(cat "$tmp/stderr")
    if [ $rc -ne 2 ] || ! grep -qF -- "$needle" "$tmp/stderr" || [ -e "$out" ] || \
       [ "$(wc -l <"$tmp/stderr")" -ne 1 ] || ls "$tmp" | grep -q '\.tmp\.'; then
        echo "FAIL: ketsim $* -> rc=$rc, stderr: $msg"
        fails=$((fails + 1))
    else
        passes=$((passes + 1))
    fi
}

expect_bad "--dose" simulate --dose iv:-1mg
expect_bad "--dose" simulate --dose iv:0mg
expect_bad "--dose" simulate --dose iv:nanmg
expect_bad "implausibly large" simulate --dose iv:1e9mg
expect_bad "unknown route 'xx'" simulate --dose xx:10mg
expect_bad "unit must be" simulate --dose iv:10
expect_bad "duration must be positive" simulate --dose iv:10mg:0min
expect_bad "no time unit" simulate --dose iv:10mg:40
expect_bad "expected ROUTE" simulate --dose iv
expect_bad "time must not be negative" simulate --dose iv:10mg@-1h
expect_bad "unknown species 'dog'" simulate --species dog
expect_bad "unknown drug 'aspirin'" simulate --drug aspirin
expect_bad "unknown parameter 'nope'" simulate --set nope=1
expect_bad "not a finite number" simulate --set nmda.koff_per_h=abc
expect_bad "outside the allowed range" simulate --set s_ket.fu_plasma=2
expect_bad "expected NAME=VALUE" simulate --set nmda.koff_per_h
expect_bad "--weight '0'" simulate --weight 0
expect_bad "--weight '10000'" simulate --weight 10000
expect_bad "--every '0min'" simulate --every 0min
expect_bad "--until '-1h'" simulate --until -1h
expect_bad "unknown output 'foo'" simulate --outputs time_h,foo
expect_bad "unknown or incomplete option" simulate --bogus
expect_bad "cannot open parameter file" simulate --params "$tmp/missing.txt"

# Output names: must end in .csv or .json; an unwritable directory is an I/O error (1).
"$KETSIM" simulate --until 1h --out "$tmp/x.txt" 2>/dev/null; rc=$?
[ $rc -eq 2 ] && [ ! -e "$tmp/x.txt" ] && passes=$((passes + 1)) || { echo "FAIL: --out x.txt rc=$rc"; fails=$((fails + 1)); }
"$KETSIM" simulate --until 1h --out "$tmp/nodir/x.csv" 2>"$tmp/stderr"; rc=$?
[ $rc -eq 1 ] && grep -q "cannot create output file" "$tmp/stderr" && passes=$((passes + 1)) || { echo "FAIL: unwritable dir rc=$rc"; fails=$((fails + 1)); }
# A full disk: the write fails, exit 1, nothing left behind on a real path.
"$KETSIM" simulate --until 1h >/dev/full 2>"$tmp/stderr"; rc=$?
[ $rc -eq 1 ] && grep -q "error writing" "$tmp/stderr" && passes=$((passes + 1)) || { echo "FAIL: /dev/full rc=$rc"; fails=$((fails + 1)); }
# A good run writes the file atomically and completely.
"$KETSIM" simulate --until 1d --every 1h --out "$tmp/ok.csv" && [ "$(wc -l <"$tmp/ok.csv")" -eq 26 ] \
    && passes=$((passes + 1)) || { echo "FAIL: good run"; fails=$((fails + 1)); }

echo "$passes passed, $fails failed"
[ $fails -eq 0 ]
