#!/usr/bin/env bash
# Errors say what went wrong, to the end: messages are not cut before their
# reason, numbers on the command line are decimal, values that make the model
# undefined are refused, a NaN in an output is an error, and a fit that did
# not converge does not pass for a result (docs/robustness.md).
source "$(dirname "$0")/lib/common.bash"
cd "$tmp" || exit 1

# expect STATUS PATTERN CMD...: exit status and a stderr line matching PATTERN
expect() {
    local want=$1 pat=$2; shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ "$rc" -ne "$want" ] || ! grep -Eq -- "$pat" "$tmp/err"; then
        bad "${*:1:6} -> exit $rc (want $want), stderr: $(head -c 300 "$tmp/err")"
    else
        ok
    fi
}

# --- a long path does not push the reason out of the message -------------
seg=$(printf 'd%.0s' $(seq 99))
long=$seg/$seg/$seg/$seg/$seg/$seg/$seg                       # 700 characters
expect 1 "cannot create output file: No such file or directory$" "$ketsim" simulate --until 1h --out "$tmp/$long/x.csv"
long2=$long/$long/$long/$long                                  # 2800 characters
expect 1 "\[\.\.\.\].*cannot create output file: No such file or directory$" \
    "$ketsim" simulate --until 1h --out "$tmp/$long2/y.csv"

finish
