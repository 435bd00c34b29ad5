# Shared by CLI test scripts: `source "$(dirname "$0")/lib/common.bash"`.
# Sets $ketsim (first argument), $root (the source tree), $tmp (removed on
# exit), and the counters behind ok / bad / finish.
ketsim="${1:?usage: SCRIPT path/to/ketsim}"
case $ketsim in /*) ;; *) ketsim="$PWD/$ketsim" ;; esac
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
pass=0; failed=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*" >&2; failed=$((failed + 1)); }
# Long tests step aside in the sanitizer stage of CI.
skip_if_quick() {
    if [ "${KETSIM_QUICK_VALIDATE:-0}" = 1 ]; then
        echo "skipped (KETSIM_QUICK_VALIDATE=1)"
        echo "0 passed, 0 failed"
        exit 0
    fi
}
# json_ok FILE: the file is well-formed JSON (python's own parser)
json_ok() { python3 -m json.tool "$1" >/dev/null; }
# interrupt_writing DB CMD...: run CMD in the background, wait until its
# temporary database DB.tmp.* appears, let it write for a second, then send
# it Ctrl-C (the program itself, not a wrapper: the signal must reach it).
# Sets int_rc (its exit status) and int_seen (1: the temporary file was seen).
interrupt_writing() {
    local db=$1
    shift
    "$@" >/dev/null 2>&1 &
    local pid=$!
    int_seen=0
    for _ in $(seq 300); do
        compgen -G "$db.tmp.*" >/dev/null && { int_seen=1; break; }
        sleep 0.1
    done
    sleep 1
    kill -INT $pid 2>/dev/null
    wait $pid
    int_rc=$?
}
finish() {
    echo "$pass passed, $failed failed"
    [ "$failed" -eq 0 ]
}
