#!/bin/bash
# User text through the writers: a drug file's `source` with a quote, a
# comma, a backslash, a newline and a control character comes back intact
# from `ketsim params --csv` (RFC 4180 quoting); a scenario's description
# with the same comes back intact from the trial summary JSON, and every
# file parses with Python's own CSV and JSON readers.
source "$(dirname "$0")/lib/common.bash"

# YAML double-quoted escapes: \" \\ \n \t \x01
cat >"$tmp/odd_drug.yaml" <<'Y'
name: odd_drug
description: "a drug whose source needs quoting"
components:
  - {compound: oddx, fraction: 1.0}
compounds:
  oddx:
    mw_g_per_mol: 239.7
    v1_l: 10
    v2_l: 90
    v3_l: 0
    cl_l_per_h: 50
    q2_l_per_h: 100
    q3_l_per_h: 0
    fu_plasma: 0.5
    kp_brain: 0.9
    kpuu_brain: 1.0
    keo_brain_per_h: 6
    nmda_ki_um: 500
    ampa_emax: 0.6
    ampa_ec50_um: 3.3
    source: "Doe, J. \"A \\ study\"\nsecond line\t\x01 end"
Y
"$ketsim" params --drug "$tmp/odd_drug.yaml" --csv >"$tmp/params.csv" 2>"$tmp/err" && ok || bad "params --csv: $(cat "$tmp/err")"
python3 - "$tmp/params.csv" <<'PY' && ok || bad "params --csv: the drug file's source did not survive"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
assert rows[0] == ["name", "value", "unit", "kind", "targets", "source", "description"], rows[0]
assert all(len(r) == 7 for r in rows), [r for r in rows if len(r) != 7][:3]
kinds = {r[3] for r in rows[1:]}
assert kinds <= {"literature", "assumed", "calibrated", "hand-set", "derived"}, kinds
odd = [r for r in rows if r[0].startswith("oddx.")]
assert odd, "no oddx rows"
want = 'Doe, J. "A \\ study"\nsecond line\t\x01 end'
assert all(r[5] == want for r in odd), (odd[0][5], want)
PY

cat >"$tmp/odd_trial.yaml" <<'Y'
name: odd_trial
description: "say \"hi\", back\\slash\nnew line\ttab \x01 end"
source: "Doe, J. (2024) \"Trial\""
design: parallel
subjects: 6
arms:
  - name: saline
    control: saline
  - name: ketamine
    dose_mg_per_kg: 0.5
visits: [40min, 1d]
primary_visit: 1d
Y
for fmt in csv nonmem; do
    "$ketsim" trial "$tmp/odd_trial.yaml" --replicates 2 --format $fmt --out-dir "$tmp/t_$fmt" >"$tmp/t.txt" 2>&1 \
        && ok || bad "trial --format $fmt: $(tail -3 "$tmp/t.txt")"
done
json_ok "$tmp/t_csv/odd_trial_summary.json" && ok || bad "trial summary does not parse"
python3 - "$tmp/t_csv/odd_trial_summary.json" <<'PY' && ok || bad "trial summary: the description did not survive"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["description"] == 'say "hi", back\\slash\nnew line\ttab \x01 end', repr(d["description"])
assert d["source"] == 'Doe, J. (2024) "Trial"', d["source"]
assert [a["name"] for a in d["arms"]] == ["saline", "ketamine"]
PY
python3 - "$tmp/t_csv/odd_trial_subjects.csv" "$tmp/t_nonmem/odd_trial_subjects_nonmem.csv" <<'PY' \
    && ok || bad "trial CSVs do not split into their columns"
import csv, sys
for path in sys.argv[1:]:
    rows = list(csv.reader(open(path, newline="")))
    assert len(rows) > 1 and all(len(r) == len(rows[0]) for r in rows), path
PY

# Every JSON file a lab run writes parses, and its CSV splits evenly.
"$ketsim" lab ampa_block --out-dir "$tmp/lab" >/dev/null 2>"$tmp/err" && ok || bad "lab: $(cat "$tmp/err")"
json_ok "$tmp/lab/ampa_block_summary.json" && ok || bad "lab summary does not parse"
python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1]))); assert all(len(x)==9 for x in r)' \
    "$tmp/lab/ampa_block_animals.csv" && ok || bad "lab CSV rows do not have 9 fields"

finish
