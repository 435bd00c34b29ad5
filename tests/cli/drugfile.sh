#!/usr/bin/env bash
# Drug files from the command line: an example file simulates; a bad file
# exits 2 naming FILE:LINE and prints nothing to stdout.
set -u
ketsim="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$ketsim" simulate --drug "$root/examples/hnk_like.yaml" --until 1d --every 1h \
    >"$tmp/out.csv" 2>"$tmp/err" || fail "hnk_like.yaml: exit $? ($(cat "$tmp/err"))"
lines=$(wc -l <"$tmp/out.csv")
[ "$lines" -eq 26 ] || fail "hnk_like.yaml: expected 26 lines (header + 25 rows), got $lines"
head -1 "$tmp/out.csv" | grep -q '^time_h,' || fail "hnk_like.yaml: no CSV header"

"$ketsim" simulate --drug "$root/examples/esketamine_custom_mix.yaml" --until 12h --every 1h \
    >"$tmp/mix.csv" 2>"$tmp/err" || fail "esketamine_custom_mix.yaml: exit $? ($(cat "$tmp/err"))"

cat >"$tmp/bad.yaml" <<'YAML'
name: bad_drug
components:
  - {compound: s_ket, fraction: 0.5}
  - {compound: nothing_here, fraction: 0.5}
YAML
"$ketsim" simulate --drug "$tmp/bad.yaml" --until 1d >"$tmp/out2" 2>"$tmp/err2"
rc=$?
[ "$rc" -eq 2 ] || fail "bad drug file: expected exit 2, got $rc"
[ ! -s "$tmp/out2" ] || fail "bad drug file: something was printed to stdout"
grep -q "$tmp/bad.yaml:4:" "$tmp/err2" || fail "bad drug file: message lacks FILE:LINE: $(cat "$tmp/err2")"
grep -q "nothing_here" "$tmp/err2" || fail "bad drug file: message lacks the compound: $(cat "$tmp/err2")"
echo "ok"
