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
# the documented limits (docs/trial.md): 32 visits per period, 64 follow-up ratings
visits=$(seq -s, 1 33 | sed 's/,/h,/g; s/$/h/')
printf 'name: t\ndesign: parallel\nsubjects: 4\narms:\n  - name: a\n    dose_mg_per_kg: 0.5\nvisits: [%s]\n' "$visits" >"$dir/visits.yaml"
expect2 "33 visits" "visits.yaml:7:.*'visits': at most 32" "$KETSIM" trial "$dir/visits.yaml" --out-dir "$dir/o"
printf 'name: t\ndesign: parallel\nsubjects: 4\narms:\n  - name: a\n    dose_mg_per_kg: 0.5\nvisits: [%s]\n' "$(seq -s, 1 32 | sed 's/,/h,/g; s/$/h/')" >"$dir/visits32.yaml"
"$KETSIM" trial "$dir/visits32.yaml" --replicates 1 >/dev/null 2>"$dir/err" || fail "32 visits refused: $(cat "$dir/err")"
printf 'name: t\ndesign: parallel\nsubjects: 4\narms:\n  - name: a\n    dose_mg_per_kg: 0.5\nvisits: [1d]\nfollowup: {until: 65d, every: 1d}\n' >"$dir/fu.yaml"
expect2 "65 follow-up ratings" "fu.yaml:8:.*at most 64" "$KETSIM" trial "$dir/fu.yaml" --out-dir "$dir/o"
"$KETSIM" trial --list | grep -q zarate2006 || fail "--list lacks zarate2006"
echo ok
