#!/bin/bash
# --subjects replaces the scenario's size; --no-subjects writes the summary
# only; bad values are refused with exit 2 and no files.
set -u
KETSIM="$1"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
pass=0
failn=0
ok() { pass=$((pass + 1)); }
bad() { failn=$((failn + 1)); echo "FAIL: $*"; }
cat >"$dir/tiny.yaml" <<'Y'
name: tiny
design: parallel
subjects: 3
arms:
  - name: ketamine
    dose_mg_per_kg: 0.5
visits: [2h, 1d]
primary_visit: 1d
Y
"$KETSIM" trial "$dir/tiny.yaml" --replicates 2 --threads 2 --subjects 5 --out-dir "$dir/a" >/dev/null 2>&1 || bad "run with --subjects"
# 5 subjects x (baseline + 2 visits) + header
[ "$(wc -l <"$dir/a/tiny_subjects.csv" 2>/dev/null)" = 16 ] && ok || bad "--subjects 5 did not give 5 subjects"
python3 -m json.tool "$dir/a/tiny_summary.json" >/dev/null && ok || bad "summary JSON does not parse"
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["subjects"] == 5' "$dir/a/tiny_summary.json" \
    && ok || bad "summary does not record 5 subjects"
"$KETSIM" trial "$dir/tiny.yaml" --replicates 2 --threads 2 --subjects 5 --no-subjects --out-dir "$dir/b" >/dev/null 2>&1 || bad "run with --no-subjects"
[ ! -e "$dir/b/tiny_subjects.csv" ] && ok || bad "--no-subjects wrote the per-subject file"
cmp -s "$dir/a/tiny_summary.json" "$dir/b/tiny_summary.json" && ok || bad "--no-subjects changed the summary"
"$KETSIM" trial "$dir/tiny.yaml" --subjects 0 --out-dir "$dir/c" >/dev/null 2>"$dir/err"
[ $? -eq 2 ] && ok || bad "--subjects 0 not refused with exit 2"
grep -q -- "--subjects '0'" "$dir/err" && ok || bad "message does not name --subjects: $(cat "$dir/err")"
[ ! -e "$dir/c" ] && ok || bad "refused run left output behind"
echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
