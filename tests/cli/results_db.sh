#!/usr/bin/env bash
# ketsim trial --out FILE.sqlite (src/formats/sqlite_out.c, docs/formats.md):
#  1. the schema: every table with its columns, primary keys and indexes;
#  2. row counts equal the CSV and summary JSON of the same run;
#  3. values equal the subjects CSV (at its printed precision) and the
#     summary JSON (at its 10 digits), row for row;
#  4. the run table holds what ran; parameters that differ from the default;
#  5. the same seed gives the same `.dump` at 1 and 2 threads and any chunk
#     size, apart from the two rows that record them (threads, command_line);
#  6. --no-subjects and the default (replicate 0) follow the subjects CSV;
#     skipped solver failures are subjects with failed = 1 and no ratings;
#  7. a failing, a killed and an interrupted run leave the previous database intact (Ctrl-C: no temporary file either);
#  8. bad paths: exit 2, one message, nothing on stdout, no file;
#  9. lab --out: values against the animals CSV and summary JSON, the same
#     bytes from the same run, a bad path;
# 10. the Python and R examples of docs/formats.md run;
# 11. simulate --dataset --out FILE.sqlite: records and predictions against
#     the predictions CSV, covariates, a bad path.
source "$(dirname "$0")/lib/common.bash"
command -v sqlite3 >/dev/null || { bad "the sqlite3 shell is missing (scripts/packages.d/sqlite.txt)"; finish; exit; }

trial() { timeout 600 "$ketsim" trial zarate2006 "$@"; }
q() { sqlite3 -batch "$1" "$2"; }

# A crossover (two periods) with follow-up: zarate2006, three replicates, every subject.
trial --replicates 3 --all-subjects --threads 2 --set pop.placebo.mean_points=4 --out-dir "$tmp/o" \
    --out "$tmp/a.sqlite" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
if [ $rc -ne 0 ] || [ ! -s "$tmp/a.sqlite" ] || ! grep -q "wrote $tmp/a.sqlite" "$tmp/stdout"; then
    bad "trial --out: rc=$rc, $(cat "$tmp/stderr")"
    finish; exit
fi
ok
compgen -G "$tmp/a.sqlite.tmp.*" >/dev/null && bad "a temporary file is left after a complete run" || ok

# 1. schema
python3 - "$tmp/a.sqlite" <<'EOF' && ok || bad "schema"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
want = {
    "run": ["key", "value"],
    "data_file": ["path", "role"],
    "param": ["name", "value", "default_value", "unit", "kind", "origin", "source"],
    "arm": ["arm_index", "name", "control", "dose", "sessions", "ratio"],
    "visit": ["visit_index", "label", "time_h", "is_primary", "is_early"],
    "subject": ["replicate", "subject", "assignment", "weight_kg", "age_y", "female", "bdnf_met", "cyp2b6_pm",
                "placebo_points", "dropout_index", "failed", "fail_reason"],
    "subject_period": ["replicate", "subject", "period", "arm", "cadss_peak", "sbp_peak_mmhg", "dbp_peak_mmhg",
                       "hr_peak_bpm", "infusions_to_response"],
    "rating": ["replicate", "subject", "period", "visit", "seq", "phase", "time_h", "time_in_period_h",
               "madrs_true", "madrs_rated"],
    "endpoint": ["replicate", "name", "arm", "visit", "value"],
    "summary": ["name", "median", "p5", "p95", "mean", "sd", "defined"],
    "power": ["test", "alpha", "power", "lo", "hi"],
    "lab_group": ["group_index", "name", "n", "drug", "dose", "pretreatments", "genotype", "unstressed",
                  "is_control"],
    "lab_readout": ["readout_index", "assay", "measure", "unit", "label", "time_h", "anova_p"],
    "lab_animal": ["readout_index", "group_index", "animal", "value"],
    "lab_cell": ["readout_index", "group_index", "n", "mean", "sem", "p_vs_control"],
    "lab_contrast": ["readout_index", "contrast_index", "a", "b", "diff", "p_holm"],
    "dataset_record": ["record", "line", "id", "time_h", "evid", "mdv", "cmt", "amt_mg", "rate_mg_per_h", "ss",
                       "output", "dv", "blq", "wt_kg", "pred"],
    "dataset_covariate": ["record", "name", "value"],
    # the cohort commands' tables: their columns are checked in results_db_cohort.sh
    "predict_marker": None, "predict_roc": None, "predict_literature": None, "predict_subject": None,
    "predict_value": None, "design_candidate": None, "design_knob": None, "design_subject": None,
    "optimize_regimen": None, "optimize_dose": None, "optimize_subject": None,
    "uncertainty_draw": None, "uncertainty_value": None, "uncertainty_summary": None,
}
keys = {"run": ["key"], "subject": ["replicate", "subject"], "subject_period": ["replicate", "subject", "period"],
        "rating": ["replicate", "subject", "seq"], "endpoint": ["replicate", "name"], "summary": ["name"],
        "power": ["test"], "param": ["name"], "arm": ["arm_index"], "visit": ["visit_index"], "data_file": ["path"],
        "lab_group": ["group_index"], "lab_readout": ["readout_index"],
        "lab_animal": ["readout_index", "group_index", "animal"], "lab_cell": ["readout_index", "group_index"],
        "lab_contrast": ["readout_index", "contrast_index"], "dataset_record": ["record"],
        "dataset_covariate": ["record", "name"]}
tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
assert tables == set(want), tables
for t, cols in want.items():
    if cols is None:
        continue
    info = db.execute(f"PRAGMA table_info({t})").fetchall()
    assert [c[1] for c in info] == cols, (t, [c[1] for c in info])
    pk = [c[1] for c in sorted(info, key=lambda c: c[5]) if c[5] > 0]
    assert pk == keys[t], (t, pk)
idx = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
assert idx == {"rating_by_visit", "subject_period_by_arm", "endpoint_by_name", "endpoint_by_arm",
               "lab_animal_by_group", "dataset_record_by_id", "predict_value_by_marker",
               "design_candidate_by_name", "design_knob_by_knob", "uncertainty_draw_by_parameter",
               "uncertainty_value_by_quantity", "uncertainty_summary_by_quantity"}, idx
# a trial leaves the lab, dataset and cohort tables empty
assert sum(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in want
           if t.split("_")[0] in ("lab", "dataset", "predict", "design", "optimize", "uncertainty")) == 0
# the query planner uses them
plan = " ".join(str(r) for r in db.execute(
    "EXPLAIN QUERY PLAN SELECT * FROM rating WHERE visit = '1d' AND period = 1"))
assert "rating_by_visit" in plan, plan
assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
assert db.execute("SELECT value FROM run WHERE key = 'schema'").fetchone()[0] == "ketsim-results/2"
EOF

# 2-3. row counts and values against the CSV and JSON of the same run
python3 - "$tmp/a.sqlite" "$tmp/o/zarate2006_subjects.csv" "$tmp/o/zarate2006_summary.json" <<'EOF' && ok || bad "rows and values against the CSV and JSON"
import csv, json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = list(csv.DictReader(open(sys.argv[2], newline="")))
summ = json.load(open(sys.argv[3]))
n = lambda sql: db.execute(sql).fetchone()[0]
assert n("SELECT count(*) FROM rating") == len(rows), (n("SELECT count(*) FROM rating"), len(rows))
subjects = {(r["replicate"], r["subject"]) for r in rows}
assert n("SELECT count(*) FROM subject WHERE failed = 0") == len(subjects)
assert n("SELECT count(*) FROM subject") == summ["replicates"] * summ["subjects"]
assert n("SELECT count(*) FROM summary") == len(summ["metrics"])
assert n("SELECT count(*) FROM endpoint") == summ["replicates"] * len(summ["metrics"])
assert n("SELECT count(*) FROM power") == len(summ["power"])
assert n("SELECT count(*) FROM arm") == len(summ["arms"])
assert n("SELECT count(*) FROM visit") == len(summ["visits"])
assert n("SELECT count(DISTINCT replicate) FROM rating") == summ["replicates"] == 3

# The CSV rebuilt from the tables, formatted as the CSV writer formats it.
g = lambda fmt, v: "" if v is None else fmt % v
sql = """SELECT r.replicate, r.subject, s.assignment, r.phase, r.period, p.arm, r.visit, r.time_h,
                r.time_in_period_h, s.weight_kg, s.age_y, s.female, s.bdnf_met, s.cyp2b6_pm, s.dropout_index,
                r.madrs_true, r.madrs_rated, p.cadss_peak, p.sbp_peak_mmhg, p.dbp_peak_mmhg, p.hr_peak_bpm,
                p.infusions_to_response
         FROM rating r JOIN subject s USING (replicate, subject)
              JOIN subject_period p USING (replicate, subject, period)
         ORDER BY r.replicate, r.subject, r.seq"""
rebuilt = []
for (rep, sub, asg, phase, per, arm, vis, t, tp, wt, age, fem, met, pm, drop, mt, mr, cad, sbp, dbp, hr,
     itr) in db.execute(sql):
    fu, base = phase == "followup", phase == "baseline"
    burden = ["", "", "", ""] if fu else [g("%.6g", 0.0 if base else v) for v in (cad, sbp, dbp, hr)]
    rebuilt.append([str(rep), str(sub), str(asg), "followup" if fu else str(per), arm, vis, g("%.6g", t),
                    g("%.6g", tp), g("%.4g", wt), g("%.4g", age), str(fem), str(met), str(pm), str(drop),
                    g("%.6g", mt), g("%d", mr)] + burden + ["" if fu or itr <= 0 else str(itr)])
header = list(rows[0].keys())
orig = [[r[h] for h in header] for r in rows]
assert len(rebuilt) == len(orig)
for i, (a, b) in enumerate(zip(rebuilt, orig)):
    assert a == b, (i, dict(zip(header, a)), dict(zip(header, b)))

# The summary and power, to the JSON's 10 significant digits.
same = lambda db_v, js: (db_v is None and js is None) or (
    db_v is not None and js is not None and float("%.10g" % db_v) == float(js))
for m in summ["metrics"]:
    row = db.execute("SELECT median, p5, p95, mean, sd, defined FROM summary WHERE name = ?", (m["name"],)).fetchone()
    assert row is not None, m["name"]
    for k, v in zip(("median", "p5", "p95", "mean", "sd"), row):
        assert same(v, m[k]), (m["name"], k, v, m[k])
    assert row[5] == m["defined"], m["name"]
for p in summ["power"]:
    row = db.execute("SELECT alpha, power, lo, hi FROM power WHERE test = ?", (p["test"],)).fetchone()
    for k, v in zip(("alpha", "power", "lo", "hi"), row):
        assert same(v, p[k]), (p["test"], k, v, p[k])
# endpoints: each replicate's median over replicates is the summary's
med = db.execute("""SELECT name, value FROM endpoint WHERE name = 'ketamine@1d.change_mean'
                    ORDER BY value""").fetchall()
assert len(med) == 3 and float("%.10g" % med[1][1]) == float(
    [m for m in summ["metrics"] if m["name"] == "ketamine@1d.change_mean"][0]["median"])
# arms and visits are the scenario's
assert [r[0] for r in db.execute("SELECT name FROM arm ORDER BY arm_index")] == [a["name"] for a in summ["arms"]]
assert [r[0] for r in db.execute("SELECT label FROM visit ORDER BY visit_index")] == [
    v["label"] for v in summ["visits"]]
assert db.execute("SELECT label FROM visit WHERE is_primary = 1").fetchone()[0] == summ["primary_visit"]
# an endpoint about an arm at a visit says so
assert db.execute("SELECT arm, visit FROM endpoint WHERE name = 'saline@1d.response' AND replicate = 0"
                  ).fetchone() == ("saline", "1d")
EOF

# 4. run metadata and parameters
meta() { q "$tmp/a.sqlite" "SELECT value FROM run WHERE key = '$1'"; }
[ "$(meta command)" = trial ] && [ "$(meta seed)" = 2006 ] && [ "$(meta replicates)" = 3 ] &&
    [ "$(meta threads)" = 2 ] && [ "$(meta version)" = "$("$ketsim" --version | awk '{print $2}')" ] &&
    [ "$(meta scenario)" = zarate2006 ] && [ "$(meta subjects_per_replicate)" = 18 ] &&
    [ "$(meta command_line)" = "ketsim trial zarate2006 --replicates 3 --all-subjects --threads 2 --set pop.placebo.mean_points=4 --out-dir $tmp/o --out $tmp/a.sqlite" ] &&
    [ -n "$(meta git_commit)" ] && [ "$(meta data_dir)" = "$KETSIM_DATA_DIR" ] && ok ||
    bad "run table: $(q "$tmp/a.sqlite" "SELECT * FROM run")"
[ "$(q "$tmp/a.sqlite" "SELECT role FROM data_file WHERE path LIKE '%zarate2006.yaml'")" = scenario ] && ok ||
    bad "data_file: $(q "$tmp/a.sqlite" "SELECT * FROM data_file")"
[ "$(q "$tmp/a.sqlite" "SELECT name || '|' || value || '|' || default_value || '|' || origin FROM param WHERE origin = '--set'")" = \
    "pop.placebo.mean_points|4.0|$("$ketsim" params | awk '$1 == "pop.placebo.mean_points" {print $2}' | sed 's/^\([0-9]*\)$/\1.0/')|--set" ] && ok ||
    bad "param: $(q "$tmp/a.sqlite" "SELECT * FROM param")"

# 5. same rows at 1 and 2 threads and two chunk sizes
trial --replicates 3 --all-subjects --threads 1 --set pop.placebo.mean_points=4 --chunk-subjects 18 \
    --out "$tmp/b.sqlite" >/dev/null 2>"$tmp/stderr" || bad "1-thread run: $(cat "$tmp/stderr")"
sqlite3 "$tmp/a.sqlite" .dump >"$tmp/a.dump"
sqlite3 "$tmp/b.sqlite" .dump >"$tmp/b.dump"
differ=$(diff "$tmp/a.dump" "$tmp/b.dump" | grep '^[<>]' | sed -E "s/^[<>] INSERT INTO run VALUES\('([a-z_]+)'.*/\1/" | sort -u | tr '\n' ' ')
[ "$differ" = "command_line threads " ] && ok || bad "1 vs 2 threads: .dump differs beyond the two rows that record them: $differ"
[ "$(grep -c '^INSERT INTO rating VALUES' "$tmp/a.dump")" = "$(($(wc -l <"$tmp/o/zarate2006_subjects.csv") - 1))" ] && ok ||
    bad ".dump does not hold every rating: $(grep -c '^INSERT INTO rating' "$tmp/a.dump")"
# the same bytes when the two rows are equal too
trial --replicates 3 --all-subjects --threads 2 --set pop.placebo.mean_points=4 --out-dir "$tmp/o" \
    --out "$tmp/a.sqlite" >/dev/null 2>&1
sqlite3 "$tmp/a.sqlite" .dump | cmp -s - "$tmp/a.dump" && ok || bad "the same run twice: .dump differs"

# 6. subjects follow the subjects CSV; skipped failures
trial --replicates 2 --out "$tmp/first.sqlite" >/dev/null 2>&1
[ "$(q "$tmp/first.sqlite" "SELECT count(DISTINCT replicate) || ',' || count(*) FROM subject")" = "1,18" ] &&
    [ "$(q "$tmp/first.sqlite" "SELECT count(DISTINCT replicate) FROM endpoint")" = 2 ] && ok ||
    bad "default: replicate 0's subjects, every replicate's endpoints"
trial --replicates 2 --no-subjects --out "$tmp/none.sqlite" >/dev/null 2>&1
[ "$(q "$tmp/none.sqlite" "SELECT (SELECT count(*) FROM subject) + (SELECT count(*) FROM rating)")" = 0 ] &&
    [ "$(q "$tmp/none.sqlite" "SELECT count(*) > 0 FROM summary")" = 1 ] && ok || bad "--no-subjects"
trial --replicates 1 --set synprot.hill=1e3 --on-failure skip --out "$tmp/fail.sqlite" >/dev/null 2>&1
[ "$(q "$tmp/fail.sqlite" "SELECT sum(failed) || ',' || count(*) || ',' || sum(fail_reason LIKE 'replicate 0, subject %solver failed%') FROM subject")" = "18,18,18" ] &&
    [ "$(q "$tmp/fail.sqlite" "SELECT count(*) FROM rating")" = 0 ] &&
    [ "$(q "$tmp/fail.sqlite" "SELECT value FROM endpoint WHERE name = 'failed_subjects'")" = 18.0 ] && ok ||
    bad "skipped failures: $(q "$tmp/fail.sqlite" "SELECT replicate, subject, failed, fail_reason FROM subject LIMIT 2")"

# 7. a failing run, then a killed one, over an existing database
cp "$tmp/a.dump" "$tmp/prev.dump"
trial --replicates 1 --set synprot.hill=1e3 --out "$tmp/a.sqlite" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
[ $rc -eq 1 ] && sqlite3 "$tmp/a.sqlite" .dump | cmp -s - "$tmp/prev.dump" &&
    ! compgen -G "$tmp/a.sqlite.tmp.*" >/dev/null && ok ||
    bad "a failing run (rc=$rc) changed the previous database or left a temporary file"
# (the program itself in the background, not the timeout wrapper: a kill
# must reach the process that writes)
"$ketsim" trial zarate2006 --subjects 2000 --replicates 50 --all-subjects --threads 2 --out "$tmp/a.sqlite" \
    >/dev/null 2>&1 &
pid=$!
seen=0
for _ in $(seq 300); do
    compgen -G "$tmp/a.sqlite.tmp.*" >/dev/null && { seen=1; break; }
    sleep 0.1
done
sleep 2 # well into the subjects
kill -KILL $pid 2>/dev/null
wait $pid 2>/dev/null
[ $seen = 1 ] && sqlite3 "$tmp/a.sqlite" .dump | cmp -s - "$tmp/prev.dump" && ok ||
    bad "a killed run (temporary file seen: $seen) changed the previous database"
rm -f "$tmp"/a.sqlite.tmp.*
# killed with no previous database: nothing under the name
"$ketsim" trial zarate2006 --subjects 2000 --replicates 50 --all-subjects --threads 2 --out "$tmp/new.sqlite" \
    >/dev/null 2>&1 &
pid=$!
sleep 2
kill -KILL $pid 2>/dev/null
wait $pid 2>/dev/null
[ ! -e "$tmp/new.sqlite" ] && ok || bad "a killed run left $tmp/new.sqlite"
rm -f "$tmp"/new.sqlite.tmp.*
# interrupted (Ctrl-C): exit 130, the previous database intact and no
# temporary file or journal left (the interrupt watcher removes them)
interrupt_writing "$tmp/a.sqlite" \
    "$ketsim" trial zarate2006 --subjects 2000 --replicates 50 --all-subjects --threads 2 --out "$tmp/a.sqlite"
rc=$int_rc seen=$int_seen
[ $seen = 1 ] && [ $rc -eq 130 ] && sqlite3 "$tmp/a.sqlite" .dump | cmp -s - "$tmp/prev.dump" &&
    ! compgen -G "$tmp/a.sqlite.tmp*" >/dev/null && ok ||
    bad "an interrupted run (rc=$rc, temporary file seen: $seen) left $(ls "$tmp" | grep tmp) or changed the database"

# 8. bad paths: exit 2, one message naming the path, nothing on stdout, no file
check_bad() { # PATH PATTERN
    trial --replicates 1 --out "$1" >"$tmp/stdout" 2>"$tmp/stderr"
    local rc=$?
    if [ $rc -eq 2 ] && [ ! -s "$tmp/stdout" ] && [ "$(wc -l <"$tmp/stderr")" -eq 1 ] &&
        grep -q -- "$2" "$tmp/stderr" && ! compgen -G "$1*" >/dev/null; then
        ok
    else
        bad "--out $1: rc=$rc, stdout $(wc -c <"$tmp/stdout") bytes, stderr: $(cat "$tmp/stderr")"
    fi
}
check_bad "$tmp/no/such/dir/r.sqlite" "does not exist"
check_bad "$tmp/r.csv" "expected a database file ending in .sqlite"
mkdir "$tmp/d.sqlite"
trial --replicates 1 --out "$tmp/d.sqlite" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
[ $rc -eq 2 ] && [ ! -s "$tmp/stdout" ] && grep -q "is a directory" "$tmp/stderr" && ok ||
    bad "--out DIR: rc=$rc, $(cat "$tmp/stderr")"
if [ "$(id -u)" != 0 ]; then
    mkdir "$tmp/ro" && chmod 555 "$tmp/ro"
    check_bad "$tmp/ro/r.sqlite" "not writable"
fi

# 9. lab: rows and values against the animals CSV and summary JSON, the same
#     bytes twice, bad paths
"$ketsim" lab mtor_time_course --set lab.fst.sd_s=30 --out-dir "$tmp/lo" --out "$tmp/l.sqlite" >"$tmp/stdout" 2>"$tmp/stderr" &&
    grep -q "wrote $tmp/l.sqlite" "$tmp/stdout" && ok || bad "lab --out: $(cat "$tmp/stderr")"
python3 - "$tmp/l.sqlite" "$tmp/lo/mtor_time_course_animals.csv" "$tmp/lo/mtor_time_course_summary.json" <<'EOF' && ok || bad "lab rows and values against the CSV and JSON"
import csv, json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = list(csv.DictReader(open(sys.argv[2], newline="")))
summ = json.load(open(sys.argv[3]))
sql = """SELECT r.label, g.name, a.animal, r.assay, r.measure, r.unit, r.time_h, a.value
         FROM lab_animal a JOIN lab_readout r USING (readout_index) JOIN lab_group g USING (group_index)
         ORDER BY a.readout_index, a.group_index, a.animal"""
got = [[lab, grp, str(an), assay, meas, unit, "%.10g" % t, "%.10g" % v]
       for lab, grp, an, assay, meas, unit, t, v in db.execute(sql)]
want = [[r["label"], r["group"], r["animal"], r["assay"], r["measure"], r["unit"], r["time_h"], r["value"]]
        for r in rows]
assert got == want, (len(got), len(want), next((a, b) for a, b in zip(got, want) if a != b))
assert set(r["experiment"] for r in rows) == {db.execute("SELECT value FROM run WHERE key = 'experiment'").fetchone()[0]}
same = lambda d, j: (d is None and j is None) or (d is not None and j is not None and float("%.10g" % d) == float(j))
assert db.execute("SELECT value FROM run WHERE key = 'seed'").fetchone()[0] == str(summ["seed"])
assert [tuple(r) for r in db.execute("SELECT name, n FROM lab_group ORDER BY group_index")] == [
    (g["name"], g["n"]) for g in summ["groups"]]
assert db.execute("SELECT name FROM lab_group WHERE is_control = 1").fetchone()[0] == summ["control"]
assert db.execute("SELECT count(*) FROM lab_readout").fetchone()[0] == len(summ["readouts"])
for k, ro in enumerate(summ["readouts"]):
    r = db.execute("SELECT assay, measure, unit, time_h, anova_p FROM lab_readout WHERE readout_index = ?",
                   (k,)).fetchone()
    assert r[:3] == (ro["assay"], ro["measure"], ro["unit"]) and same(r[3], ro["time_h"]) and same(r[4], ro["anova_p"])
    cells = db.execute("""SELECT g.name, c.n, c.mean, c.sem, c.p_vs_control FROM lab_cell c
                          JOIN lab_group g USING (group_index) WHERE readout_index = ? ORDER BY group_index""",
                       (k,)).fetchall()
    assert len(cells) == len(ro["groups"])
    for c, jc in zip(cells, ro["groups"]):
        assert c[0] == jc["group"] and c[1] == jc["n"], (c, jc)
        assert same(c[2], jc["mean"]) and same(c[3], jc["sem"]) and same(c[4], jc["p_vs_control"]), (c, jc)
    cons = db.execute("SELECT a, b, diff, p_holm FROM lab_contrast WHERE readout_index = ? ORDER BY contrast_index",
                      (k,)).fetchall()
    assert len(cons) == len(ro["contrasts"])
    for c, jc in zip(cons, ro["contrasts"]):
        assert c[:2] == (jc["a"], jc["b"]) and same(c[2], jc["diff"]) and same(c[3], jc["p_holm"]), (c, jc)
assert db.execute("SELECT name, value, origin FROM param").fetchall() == [("lab.fst.sd_s", 30.0, "--set")]
assert db.execute("SELECT count(*) FROM rating").fetchone()[0] == 0
EOF
sqlite3 "$tmp/l.sqlite" .dump >"$tmp/l.dump"
"$ketsim" lab mtor_time_course --set lab.fst.sd_s=30 --out-dir "$tmp/lo" --out "$tmp/l.sqlite" >/dev/null 2>&1
sqlite3 "$tmp/l.sqlite" .dump | cmp -s - "$tmp/l.dump" && ok || bad "lab: the same run twice gives another .dump"
# the database follows the umask, as every output does
(umask 027 && "$ketsim" lab mtor_time_course --out "$tmp/mask.sqlite" >/dev/null 2>&1)
[ "$(stat -c %a "$tmp/mask.sqlite" 2>/dev/null)" = 640 ] && ok ||
    bad "umask 027: the database is mode $(stat -c %a "$tmp/mask.sqlite" 2>/dev/null), not 640"
"$ketsim" lab mtor_time_course --out "$tmp/nodir/l.sqlite" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
[ $rc -eq 2 ] && [ ! -s "$tmp/stdout" ] && grep -q "does not exist" "$tmp/stderr" && [ ! -e "$tmp/nodir" ] && ok ||
    bad "lab --out into a missing directory: rc=$rc, $(cat "$tmp/stderr")"

# 11. simulate --dataset: every record, predictions equal the CSV's, covariates
cat >"$tmp/study.csv" <<'EOF'
ID,TIME,AMT,RATE,CMT,EVID,DV,WT,SEX,AGE,OUTPUT
1,0,35,52.5,1,1,.,70,1,41,.
1,0.5,.,.,.,0,120,70,1,41,plasma_ketamine_ng_per_ml
1,24,.,.,.,0,15,70,1,41,madrs
2,0,20,30,1,1,.,82,0,35,.
2,1,.,.,.,0,60,82,0,35,plasma_ketamine_ng_per_ml
2,2,.,.,.,2,.,82,0,35,plasma_ketamine_ng_per_ml
EOF
"$ketsim" simulate --quiet --dataset "$tmp/study.csv" --out "$tmp/pred.csv" 2>"$tmp/stderr" || bad "dataset CSV: $(cat "$tmp/stderr")"
"$ketsim" simulate --quiet --dataset "$tmp/study.csv" --out "$tmp/pred.sqlite" >"$tmp/stdout" 2>"$tmp/stderr" &&
    [ ! -s "$tmp/stdout" ] && ok || bad "dataset --out FILE.sqlite: $(cat "$tmp/stderr")"
python3 - "$tmp/pred.sqlite" "$tmp/pred.csv" <<'EOF' && ok || bad "dataset records against the predictions CSV"
import csv, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = list(csv.DictReader(open(sys.argv[2], newline="")))
assert db.execute("SELECT count(*) FROM dataset_record").fetchone()[0] == 6
got = db.execute("""SELECT id, time_h, output, pred, dv FROM dataset_record WHERE pred IS NOT NULL
                    ORDER BY record""").fetchall()
assert len(got) == len(rows) == 4, (len(got), len(rows))
for (i, t, out, pred, dv), r in zip(got, rows):
    assert float(r["ID"]) == i and float(r["TIME"]) == t and r["OUTPUT"] == out, (i, t, out, r)
    assert "%.10g" % pred == r["PRED"], (pred, r["PRED"])
    assert (dv is None) == (r["DV"] == "."), (dv, r["DV"])
doses = db.execute("SELECT id, amt_mg, rate_mg_per_h FROM dataset_record WHERE evid = 1 ORDER BY record").fetchall()
assert doses == [(1.0, 35.0, 52.5), (2.0, 20.0, 30.0)], doses
cov = dict(((rec, name), v) for rec, name, v in db.execute("SELECT record, name, value FROM dataset_covariate"))
assert cov[(1, "SEX")] == 1.0 and cov[(4, "AGE")] == 35.0, cov
assert db.execute("SELECT value FROM run WHERE key = 'command'").fetchone()[0] == "simulate"
assert db.execute("SELECT role FROM data_file").fetchone()[0] == "dataset"
EOF
"$ketsim" simulate --quiet --dataset "$tmp/study.csv" --out "$tmp/nodir/p.sqlite" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
[ $rc -eq 2 ] && [ ! -s "$tmp/stdout" ] && grep -q "does not exist" "$tmp/stderr" && ok ||
    bad "dataset --out into a missing directory: rc=$rc, $(cat "$tmp/stderr")"
"$ketsim" simulate --out "$tmp/traj.sqlite" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
[ $rc -eq 2 ] && [ ! -e "$tmp/traj.sqlite" ] && ok || bad "simulate --out FILE.sqlite without --dataset: rc=$rc"

# 10. the query examples of docs/formats.md run on a database of this run
doc_block() { # LANG: the first fenced block of that language in the results-database section
    awk -v lang="$1" '/^## .*\(`--out FILE.sqlite`\)/ {on = 1} on && /^## lab/ {on = 0}
        on && $0 == "```" lang {code = 1; next} code && /^```/ {exit} code {print}' "$root/docs/formats.md"
}
mkdir "$tmp/doc" && cp "$tmp/b.sqlite" "$tmp/doc/results.sqlite"
doc_block python >"$tmp/doc/ex.py"
if [ -s "$tmp/doc/ex.py" ] && (cd "$tmp/doc" && python3 ex.py) >"$tmp/doc/py.out" 2>&1 &&
    grep -q "ketamine" "$tmp/doc/py.out"; then ok; else bad "the Python example: $(cat "$tmp/doc/py.out")"; fi
if command -v Rscript >/dev/null && Rscript -e 'library(RSQLite)' >/dev/null 2>&1; then
    doc_block r >"$tmp/doc/ex.R"
    if [ -s "$tmp/doc/ex.R" ] && (cd "$tmp/doc" && Rscript ex.R) >"$tmp/doc/r.out" 2>&1 &&
        grep -q "ketamine@1d.change_mean" "$tmp/doc/r.out"; then ok; else bad "the R example: $(cat "$tmp/doc/r.out")"; fi
else
    echo "note: RSQLite not installed, the R example is not run"
fi

finish
