#!/bin/bash
# ketsim trial: bad input exits 2 with a message and writes no file.
set -u
KETSIM="$1"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

expect2() { # description, grep pattern, command...
    local what="$1" pat="$2"
    shift 2
    "$@" >"$dir/out" 2>"$dir/err"
    local st=$?
    [ "$st" -eq 2 ] || fail "$what: exit $st, want 2 ($(cat "$dir/err"))"
    grep -q -- "$pat" "$dir/err" || fail "$what: message lacks '$pat': $(cat "$dir/err")"
    [ ! -e "$dir/o" ] || fail "$what: output directory was created"
}

cat >"$dir/unknown.yaml" <<'Y'
name: t
design: parallel
subjects: 4
arms:
  - name: a
    dose_mg_per_kg: 0.5
visits: [1d]
colour: blue
Y
cat >"$dir/washout.yaml" <<'Y'
name: t
design: crossover
subjects: 4
arms:
  - name: s
    control: saline
  - name: k
    dose_mg_per_kg: 0.5
washout: -1d
visits: [1d]
Y
expect2 "unknown field" "unknown.yaml:8:.*colour" "$KETSIM" trial "$dir/unknown.yaml" --out-dir "$dir/o"
expect2 "negative washout" "washout.yaml:9:.*washout" "$KETSIM" trial "$dir/washout.yaml" --out-dir "$dir/o"
expect2 "unknown scenario" "no built-in scenario" "$KETSIM" trial nosuch --out-dir "$dir/o"
expect2 "bad replicates" "replicates" "$KETSIM" trial zarate2006 --replicates 0 --out-dir "$dir/o"
expect2 "bad threads" "threads" "$KETSIM" trial zarate2006 --threads x --out-dir "$dir/o"
expect2 "bad seed" "seed" "$KETSIM" trial zarate2006 --seed -3 --out-dir "$dir/o"
expect2 "unknown option" "unknown" "$KETSIM" trial zarate2006 --frobnicate --out-dir "$dir/o"
expect2 "missing scenario" "missing scenario" "$KETSIM" trial --out-dir "$dir/o"
expect2 "bad --set" "no.such" "$KETSIM" trial zarate2006 --replicates 1 --set no.such=1 --out-dir "$dir/o"
"$KETSIM" trial --list | grep -q zarate2006 || fail "--list lacks zarate2006"
echo ok
