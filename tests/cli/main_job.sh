#!/usr/bin/env bash
# The main job (`ketsim` with no arguments, here `ketsim run --out-dir`):
# Table 1, its supporting values and Table 2 are exactly the target rows of
# data/targets.csv whose `table` column names them, each judged as `ketsim
# validate` judges it; the files it promises; a bad option refused with
# exit 2.  Left out of the sanitizer stage of CI (KETSIM_QUICK_VALIDATE=1).
set -u
source "$(dirname "$0")/lib/common.bash"
skip_if_quick

"$ketsim" run --out-dir "$tmp/o" --threads 2 >"$tmp/out" 2>"$tmp/err" && ok || bad "run: $(cat "$tmp/err")"
for t in '^Table 1: clinical efficacy' '^Supporting values' '^Table 2: biomarkers'; do
    grep -q "$t" "$tmp/out" && ok || bad "no '$t'"
done
"$ketsim" validate --json >"$tmp/val.json"
[ $? -le 1 ] && ok || bad "validate failed"
python3 - "$tmp/out" "$tmp/val.json" <<'PY' && ok || bad "main job tables disagree with ketsim validate"
import json, sys
out = open(sys.argv[1]).read().splitlines()
targets = [t for t in json.load(open(sys.argv[2]))["targets"] if t["table"]]
assert {t["table"] for t in targets} == {"1", "1s", "2"}, "a table without rows"
rows = [l for l in out if " [" in l and (l.rstrip().endswith(" ok") or " MISS" in l)]
assert len(rows) == len(targets), (len(rows), len(targets))
for t in targets:
    hit = [l for l in rows if l.startswith(t["quantity"][:60])]
    assert len(hit) == 1, ("row", t["id"], hit)
    assert (" MISS" not in hit[0]) == t["pass"], ("judged differently", t["id"], hit[0])
PY
for f in zarate2006_summary.json murrough2013_summary.json zarate2006_subjects.csv table1.txt; do
    [ -s "$tmp/o/$f" ] && ok || bad "missing $f"
done
for f in zarate2006_summary.json murrough2013_summary.json; do
    json_ok "$tmp/o/$f" && ok || bad "$f does not parse"
done
# the file holds the same tables as stdout
sed '/^files:/,$d' "$tmp/out" | sed '${/^$/d}' >"$tmp/tables"
cmp -s "$tmp/tables" "$tmp/o/table1.txt" && ok || bad "table1.txt differs from stdout"
# no literature number typed a second time in the main job's C
grep -nE '"[^"]*(18\.9|70\.8|71%|8\.8%|7\.7|2-4 h|7-14)' "$root/src/cli/cmd_run.c" "$root/src/cli/main_tables.c" &&
    bad "literature numbers in the main job's code" || ok

"$ketsim" run --bogus >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q -- '--bogus' "$tmp/err" && ok || bad "bad option: $(cat "$tmp/err")"

finish
