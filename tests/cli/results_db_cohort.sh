#!/usr/bin/env bash
# predict, design and optimize --out FILE.sqlite (src/formats/sqlite_out.c,
# docs/formats.md "results in a database"):
#  1. the cohort tables: columns, keys and indexes; the other commands'
#     tables are empty;
#  2. predict: every marker row equals predict.csv of the same run field by
#     field, the ROC curves and the literature equal predict.json, and the
#     patients' values give back the markers' 2x2 tables and AUCs;
#  3. design: the candidates equal design.csv, the knobs design.json, and
#     the patients' rows average to the candidates' and placebo's results;
#  4. optimize: the regimens (ranks 1..3, standard) equal optimize.csv, the
#     dose days the regimens, the fresh patients the fresh-cohort columns;
#  5. the run, data_file and param tables hold what ran;
#  6. the same seed gives the same `.dump` at 1 and 2 threads apart from
#     the two rows that record them (threads, command_line);
#  7. bad --out names: exit 2, one message naming --out, nothing on stdout,
#     no file and no --out-dir; a --marker given twice;
#  8. a failing and an interrupted run leave the previous database as it
#     was and no temporary file;
#  9. the cohort examples of docs/formats.md run;
# 10. --uncertainty: the uncertainty_* tables hold the draws and their
#     spread as the set's CSVs of the same run (without it they are empty).
source "$(dirname "$0")/lib/common.bash"
command -v sqlite3 >/dev/null || { bad "the sqlite3 shell is missing (scripts/packages.d/sqlite.txt)"; finish; exit; }

q() { sqlite3 -batch "$1" "$2"; }
predict() { timeout 600 "$ketsim" predict --subjects 30 --bootstrap 20 --marker synaptic_function_rel@1d "$@"; }
design() { timeout 600 "$ketsim" design --grid ampa_emax=0:0.6:2 --subjects 10 --days 3 "$@"; }
optimize() {
    timeout 600 "$ketsim" optimize --routes in --bounds doses=1:2 --horizon-days 5 --subjects 4 --eval-subjects 6 \
        --iterations 2 "$@"
}
# run NAME CMD...: a run that must succeed with --out and say so
run() {
    local name=$1
    shift
    "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    local rc=$?
    if [ $rc -eq 0 ] && grep -q "wrote $tmp/$name.sqlite" "$tmp/$name.out" && [ -s "$tmp/$name.sqlite" ] &&
        ! compgen -G "$tmp/$name.sqlite.tmp.*" >/dev/null; then
        ok
    else
        bad "$name: rc=$rc, $(cat "$tmp/$name.err")"
    fi
}

run p predict --threads 2 --set pop.placebo.mean_points=4 --out-dir "$tmp/po" --out "$tmp/p.sqlite"
run d design --threads 2 --out-dir "$tmp/do" --out "$tmp/d.sqlite"
run o optimize --threads 2 --out-dir "$tmp/oo" --out "$tmp/o.sqlite"

# 1. schema of the cohort tables (the full table list is in results_db.sh)
python3 - "$tmp/p.sqlite" "$tmp/d.sqlite" "$tmp/o.sqlite" <<'EOF' && ok || bad "cohort schema"
import sqlite3, sys
want = {
    "predict_marker": ["rank", "marker", "n", "auc", "auc_lo", "auc_hi", "direction", "youden_threshold",
                       "sensitivity", "specificity", "youden_j", "r_outcome", "rho_outcome", "r_change",
                       "p_change", "rho_change", "binary", "tp", "fp", "fn", "tn", "test_sensitivity",
                       "test_sensitivity_lo", "test_sensitivity_hi", "test_specificity", "test_specificity_lo",
                       "test_specificity_hi", "ppv", "ppv_lo", "ppv_hi", "npv", "npv_lo", "npv_hi", "description"],
    "predict_roc": ["marker", "point", "fpr", "sensitivity", "threshold"],
    "predict_literature": ["marker", "model_r_change", "published_lo", "published_hi", "verdict", "source"],
    "predict_subject": ["subject", "outcome", "madrs_change_pct"],
    "predict_value": ["subject", "marker", "value"],
    "design_candidate": ["candidate_index", "name", "drug", "route", "amount", "amount_unit", "infusion_h", "knobs",
                         "dose", "response_24h", "response_24h_lo", "response_24h_hi", "days_in_response", "days_lo",
                         "days_hi", "response_24h_excess", "days_excess", "madrs_effect_24h", "cadss_peak",
                         "sbp_peak_mmhg", "effective", "pareto"],
    "design_knob": ["candidate_index", "knob_index", "knob", "value"],
    "design_subject": ["candidate_index", "subject", "response_24h", "days_in_response", "madrs_true_24h",
                       "cadss_peak", "sbp_peak_mmhg"],
    "optimize_regimen": ["rank", "regimen", "route", "dose", "infusion_h", "interval_d", "n_doses",
                         "train_objective_d", "train_cadss_peak", "train_sbp_peak_mmhg", "feasible",
                         "fresh_objective_d", "fresh_days_in_response", "fresh_days_lo", "fresh_days_hi",
                         "fresh_response_end", "fresh_response_end_lo", "fresh_response_end_hi",
                         "diff_vs_standard_d", "diff_lo", "diff_hi", "diff_p", "fresh_cadss_peak",
                         "fresh_sbp_peak_mmhg"],
    "optimize_dose": ["rank", "dose_index", "day"],
    "optimize_subject": ["rank", "subject", "objective_d", "days_in_response", "response_end", "cadss_peak",
                         "sbp_peak_mmhg"],
    "uncertainty_draw": ["draw", "parameter", "value"],
    "uncertainty_value": ["draw", "quantity_index", "quantity", "value"],
    "uncertainty_summary": ["quantity_index", "quantity", "at_estimates", "median", "p2_5", "p97_5", "sd", "draws"],
}
keys = {"predict_marker": ["rank"], "predict_roc": ["marker", "point"], "predict_literature": ["marker"],
        "predict_subject": ["subject"], "predict_value": ["subject", "marker"],
        "design_candidate": ["candidate_index"], "design_knob": ["candidate_index", "knob_index"],
        "design_subject": ["candidate_index", "subject"], "optimize_regimen": ["rank"],
        "optimize_dose": ["rank", "dose_index"], "optimize_subject": ["rank", "subject"],
        "uncertainty_draw": ["draw", "parameter"], "uncertainty_value": ["draw", "quantity_index"],
        "uncertainty_summary": ["quantity_index"]}
fills = {sys.argv[1]: "predict", sys.argv[2]: "design", sys.argv[3]: "optimize"}
tables0 = None
for path, cmd in fills.items():
    db = sqlite3.connect(path)
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables0 is None or tables == tables0, "every database has every table"
    tables0 = tables
    assert set(want) <= tables, set(want) - tables
    for t, cols in want.items():
        info = db.execute(f"PRAGMA table_info({t})").fetchall()
        assert [c[1] for c in info] == cols, (t, [c[1] for c in info])
        pk = [c[1] for c in sorted(info, key=lambda c: c[5]) if c[5] > 0]
        assert pk == keys[t], (t, pk)
    # without --uncertainty its tables are there and empty
    for t in ("uncertainty_draw", "uncertainty_value", "uncertainty_summary"):
        assert db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] == 0, (path, t)
    # each command fills its own tables and leaves the others' empty
    for t in tables - {"run", "data_file", "param"}:
        n = db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        assert (n > 0) == t.startswith(cmd + "_"), (path, t, n)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT value FROM run WHERE key = 'schema'").fetchone()[0] == "ketsim-results/2"
    assert db.execute("SELECT value FROM run WHERE key = 'command'").fetchone()[0] == cmd
db = sqlite3.connect(sys.argv[1])
plan = lambda sql: " ".join(str(r) for r in db.execute("EXPLAIN QUERY PLAN " + sql))
assert "predict_value_by_marker" in plan("SELECT * FROM predict_value WHERE marker = 'cadss_40min'")
assert "autoindex" in plan("SELECT * FROM predict_marker WHERE marker = 'cadss_40min'")
db = sqlite3.connect(sys.argv[2])
plan = lambda sql: " ".join(str(r) for r in db.execute("EXPLAIN QUERY PLAN " + sql))
assert "design_candidate_by_name" in plan("SELECT * FROM design_candidate WHERE name = 'hnk_like'")
assert "design_knob_by_knob" in plan("SELECT * FROM design_knob WHERE knob = 'x' AND value > 0.1")
assert "uncertainty_value_by_quantity" in plan("SELECT * FROM uncertainty_value WHERE quantity = 'x'")
assert "uncertainty_summary_by_quantity" in plan("SELECT * FROM uncertainty_summary WHERE quantity = 'x'")
assert "uncertainty_draw_by_parameter" in plan("SELECT * FROM uncertainty_draw WHERE parameter = 'x'")
EOF

# CSV text against a database value: the CSV writers print %.6g (and
# "nan" for an undefined value, NULL in the database).
cat >"$tmp/same.py" <<'EOF'
def csv_same(text, v):
    if v is None:
        return text in ("", "nan", "-nan")
    if isinstance(v, int):
        return text == str(v)
    if isinstance(v, str):
        return text == v
    return text == "%.6g" % v
def json_same(j, v):
    return (j is None and v is None) or (j is not None and v is not None and float("%.10g" % v) == float(j))
EOF

# 2. predict against predict.csv and predict.json
PYTHONPATH="$tmp" python3 - "$tmp/p.sqlite" "$tmp/po/predict.csv" "$tmp/po/predict.json" <<'EOF' && ok || bad "predict rows against the CSV and JSON"
import csv, json, sqlite3, sys
from same import csv_same, json_same
db = sqlite3.connect(sys.argv[1])
rows = list(csv.DictReader(open(sys.argv[2], newline="")))
js = json.load(open(sys.argv[3]))
cur = db.execute("SELECT * FROM predict_marker ORDER BY rank")
cols = [d[0] for d in cur.description]
got = cur.fetchall()
assert len(got) == len(rows) == len(js["markers"]) == 11, (len(got), len(rows))
for g, r in zip(got, rows):
    rec = dict(zip(cols, g))
    for k, text in r.items():
        assert csv_same(text, rec[k]), (r["marker"], k, text, rec[k])
for g, m in zip(got, js["markers"]):
    rec = dict(zip(cols, g))
    assert rec["description"] == m["description"] and rec["marker"] == m["marker"]
    if "auc" in m:
        assert json_same(m["auc"], rec["auc"])
    pts = db.execute("SELECT point, fpr, sensitivity, threshold FROM predict_roc WHERE marker = ? ORDER BY point",
                     (m["marker"],)).fetchall()
    assert len(pts) == len(m.get("roc", [])), (m["marker"], len(pts))
    for (k, fpr, se, thr), (jf, js_) in zip(pts, m.get("roc", [])):
        assert json_same(jf, fpr) and json_same(js_, se), (m["marker"], k)
    assert not pts or (pts[0][3] is None and pts[0][1:3] == (0.0, 0.0) and pts[-1][1:3] == (1.0, 1.0))
# the top marker's AUC, as the CSV prints it
assert "%.6g" % got[0][cols.index("auc")] == rows[0]["auc"]
lit = db.execute("SELECT * FROM predict_literature ORDER BY marker").fetchall()
jl = sorted(js["literature"], key=lambda l: l["marker"])
assert len(lit) == len(jl) == 2
for (mk, r, lo, hi, verdict, src), l in zip(lit, jl):
    assert (mk, verdict, src) == (l["marker"], l["verdict"], l["source"])
    assert json_same(l["model_r_change"], r) and json_same(l["published_lo"], lo) and json_same(l["published_hi"], hi)

# the patients: as many as the cohort, the outcome counts of the JSON, every marker in each
n = lambda sql: db.execute(sql).fetchone()[0]
assert n("SELECT count(*) FROM predict_subject") == js["subjects"] == 30
assert n("SELECT count(outcome) FROM predict_subject") == js["n_defined"]
assert n("SELECT sum(outcome) FROM predict_subject") == js["n_positive"]
assert n("SELECT count(*) FROM predict_value") == 30 * 11
# a yes/no marker's 2x2 table from the patients' values
for r in rows:
    if r["binary"] != "1":
        continue
    cell = lambda t, o: n(f"""SELECT count(*) FROM predict_value v JOIN predict_subject s USING (subject)
                              WHERE v.marker = '{r["marker"]}' AND v.value = {t} AND s.outcome = {o}""")
    assert (cell(1, 1), cell(1, 0), cell(0, 1), cell(0, 0)) == tuple(int(r[k]) for k in ("tp", "fp", "fn", "tn")), r
# a continuous marker's oriented AUC from the patients' values (Mann-Whitney)
for r in rows:
    if r["binary"] == "1" or r["auc"] == "":
        continue
    pairs = db.execute("""SELECT v.value, s.outcome FROM predict_value v JOIN predict_subject s USING (subject)
                          WHERE v.marker = ? AND s.outcome IS NOT NULL""", (r["marker"],)).fetchall()
    pos = [x for x, y in pairs if y == 1]
    neg = [x for x, y in pairs if y == 0]
    a = sum((p > q) + 0.5 * (p == q) for p in pos for q in neg) / (len(pos) * len(neg))
    a = a if int(r["direction"]) > 0 else 1 - a
    assert abs(a - float(r["auc"])) < 1e-5, (r["marker"], a, r["auc"])
EOF

# 3. design against design.csv and design.json
PYTHONPATH="$tmp" python3 - "$tmp/d.sqlite" "$tmp/do/design.csv" "$tmp/do/design.json" <<'EOF' && ok || bad "design rows against the CSV and JSON"
import csv, json, sqlite3, sys
from same import csv_same, json_same
db = sqlite3.connect(sys.argv[1])
rows = list(csv.DictReader(open(sys.argv[2], newline="")))
js = json.load(open(sys.argv[3]))
cur = db.execute("SELECT * FROM design_candidate ORDER BY candidate_index")
cols = [d[0] for d in cur.description]
got = [dict(zip(cols, g)) for g in cur.fetchall()]
assert len(got) == len(rows) == len(js["candidates"]) == 4, (len(got), len(rows))
assert db.execute("SELECT value FROM run WHERE key = 'candidates'").fetchone()[0] == "4"
for g, r, j in zip(got, rows, js["candidates"]):
    for k, text in r.items():
        assert csv_same(text, g["name" if k == "candidate" else k]), (r["candidate"], k, text, g)
    assert g["dose"] == j["dose"]
    knobs = dict(db.execute("SELECT knob, value FROM design_knob WHERE candidate_index = ? ORDER BY knob_index",
                            (g["candidate_index"],)).fetchall())
    assert knobs.keys() == j["knobs"].keys() and all(json_same(j["knobs"][k], v) for k, v in knobs.items()), knobs
assert db.execute("SELECT count(*) FROM design_knob").fetchone()[0] == 2
# the patients: every candidate and the placebo reference (-1); their means are the candidates' results
nsub = js["subjects"]
assert db.execute("SELECT count(*) FROM design_subject").fetchone()[0] == (len(got) + 1) * nsub
pl = db.execute("""SELECT avg(response_24h), avg(days_in_response), avg(madrs_true_24h) FROM design_subject
                   WHERE candidate_index = -1""").fetchone()
for g in got:
    m = db.execute("""SELECT avg(response_24h), avg(days_in_response), avg(madrs_true_24h), avg(cadss_peak),
                             avg(sbp_peak_mmhg), count(*) FROM design_subject WHERE candidate_index = ?""",
                   (g["candidate_index"],)).fetchone()
    close = lambda a, b: abs(a - b) <= 1e-9 * max(1, abs(b))
    assert m[5] == nsub and close(m[0], g["response_24h"]) and close(m[1], g["days_in_response"]), (g["name"], m)
    assert close(m[0] - pl[0], g["response_24h_excess"]) and close(m[1] - pl[1], g["days_excess"]), (g["name"], m)
    assert close(m[2] - pl[2], g["madrs_effect_24h"]) and close(m[3], g["cadss_peak"]) and close(m[4], g["sbp_peak_mmhg"])
EOF

# 4. optimize against optimize.csv and optimize.json
PYTHONPATH="$tmp" python3 - "$tmp/o.sqlite" "$tmp/oo/optimize.csv" "$tmp/oo/optimize.json" <<'EOF' && ok || bad "optimize rows against the CSV and JSON"
import csv, json, sqlite3, sys
from same import csv_same, json_same
db = sqlite3.connect(sys.argv[1])
rows = list(csv.DictReader(open(sys.argv[2], newline="")))
js = json.load(open(sys.argv[3]))
cur = db.execute("SELECT * FROM optimize_regimen ORDER BY rank = 'standard', rank")
cols = [d[0] for d in cur.description]
got = [dict(zip(cols, g)) for g in cur.fetchall()]
assert [g["rank"] for g in got] == [r["rank"] for r in rows] == [j["rank"] for j in js["regimens"]], got
assert [g["rank"] for g in got][-1] == "standard" and len(got) >= 2
for g, r, j in zip(got, rows, js["regimens"]):
    for k, text in r.items():
        if k in ("infusion_h", "interval_d"):
            assert json_same(j[k], g[k]), (r["rank"], k, j[k], g[k])  # NULL where it does not apply, as the JSON
        else:
            assert csv_same(text, g[k]), (r["rank"], k, text, g[k])
    days = [d for (d,) in db.execute("SELECT day FROM optimize_dose WHERE rank = ? ORDER BY dose_index", (g["rank"],))]
    assert len(days) == g["n_doses"] and days[0] == 0 and days == sorted(days), (g["rank"], days)
std = [d for (d,) in db.execute("SELECT day FROM optimize_dose WHERE rank = 'standard' ORDER BY dose_index")]
assert std == [0, 2, 4, 7, 9, 11], std
nsub = js["fresh_cohort"]["subjects"]
for g in got:
    m = db.execute("""SELECT count(*), avg(days_in_response), avg(response_end), avg(objective_d), avg(cadss_peak)
                      FROM optimize_subject WHERE rank = ?""", (g["rank"],)).fetchone()
    close = lambda a, b: abs(a - b) <= 1e-9 * max(1, abs(b))
    assert m[0] == nsub and close(m[1], g["fresh_days_in_response"]) and close(m[2], g["fresh_response_end"]), m
    assert close(m[3], g["fresh_objective_d"]) and close(m[4], g["fresh_cadss_peak"]), (g["rank"], m)
# the paired difference from the standard course, from the patients
best = db.execute("""SELECT avg(b.days_in_response - s.days_in_response) FROM optimize_subject b
                     JOIN optimize_subject s ON s.rank = 'standard' AND s.subject = b.subject
                     WHERE b.rank = '1'""").fetchone()[0]
assert abs(best - got[0]["diff_vs_standard_d"]) < 1e-9, (best, got[0]["diff_vs_standard_d"])
EOF

# 5. run, data_file and param
meta() { q "$1" "SELECT value FROM run WHERE key = '$2'"; }
[ "$(meta "$tmp/p.sqlite" seed)" = 2006 ] && [ "$(meta "$tmp/p.sqlite" subjects)" = 30 ] &&
    [ "$(meta "$tmp/p.sqlite" threads)" = 2 ] && [ "$(meta "$tmp/p.sqlite" scenario)" = zarate2006 ] &&
    [ "$(meta "$tmp/p.sqlite" bootstrap)" = 20 ] && [ "$(meta "$tmp/p.sqlite" outcome)" = "response at 24 h" ] &&
    [ "$(meta "$tmp/p.sqlite" command_line)" = "ketsim predict --subjects 30 --bootstrap 20 --marker synaptic_function_rel@1d --threads 2 --set pop.placebo.mean_points=4 --out-dir $tmp/po --out $tmp/p.sqlite" ] &&
    [ "$(meta "$tmp/p.sqlite" version)" = "$("$ketsim" --version | awk '{print $2}')" ] &&
    [ "$(meta "$tmp/p.sqlite" data_dir)" = "$KETSIM_DATA_DIR" ] && ok ||
    bad "predict run table: $(q "$tmp/p.sqlite" "SELECT * FROM run")"
[ "$(q "$tmp/p.sqlite" "SELECT role FROM data_file WHERE path LIKE '%zarate2006.yaml'")" = scenario ] &&
    [ "$(q "$tmp/p.sqlite" "SELECT name || '|' || value || '|' || origin FROM param")" = "pop.placebo.mean_points|4.0|--set" ] &&
    ok || bad "predict data_file and param: $(q "$tmp/p.sqlite" "SELECT * FROM data_file; SELECT * FROM param")"
[ "$(meta "$tmp/d.sqlite" seed)" = 2024 ] && [ "$(meta "$tmp/d.sqlite" subjects)" = 10 ] &&
    [ "$(meta "$tmp/d.sqlite" horizon_days)" = 3 ] &&
    [ "$(q "$tmp/d.sqlite" "SELECT role FROM data_file WHERE path LIKE '%/drugs/hnk_like.yaml'")" = drug ] && ok ||
    bad "design run table: $(q "$tmp/d.sqlite" "SELECT * FROM run; SELECT * FROM data_file")"
[ "$(meta "$tmp/o.sqlite" seed)" = 2013 ] && [ "$(meta "$tmp/o.sqlite" eval_seed)" = 777 ] &&
    [ "$(meta "$tmp/o.sqlite" eval_subjects)" = 6 ] && [ "$(meta "$tmp/o.sqlite" method)" = nelder-mead ] &&
    [ -n "$(meta "$tmp/o.sqlite" evaluations)" ] && [ -z "$(meta "$tmp/o.sqlite" cap_cadss)" ] && ok ||
    bad "optimize run table: $(q "$tmp/o.sqlite" "SELECT * FROM run")"

# 6. the same rows at 1 and 2 threads
same_dump() { # NAME: NAME.sqlite (2 threads) against NAME1.sqlite (1 thread)
    sqlite3 "$tmp/$1.sqlite" .dump >"$tmp/$1.dump"
    sqlite3 "$tmp/${1}1.sqlite" .dump >"$tmp/${1}1.dump"
    local differ
    differ=$(diff "$tmp/$1.dump" "$tmp/${1}1.dump" | grep '^[<>]' |
        sed -E "s/^[<>] INSERT INTO run VALUES\('([a-z_]+)'.*/\1/" | sort -u | tr '\n' ' ')
    [ "$differ" = "command_line threads " ] && ok || bad "$1: 1 vs 2 threads: .dump differs beyond threads and command_line: $differ"
}
predict --threads 1 --set pop.placebo.mean_points=4 --out "$tmp/p1.sqlite" >/dev/null 2>&1 || bad "predict, 1 thread"
design --threads 1 --out "$tmp/d1.sqlite" >/dev/null 2>&1 || bad "design, 1 thread"
optimize --threads 1 --out "$tmp/o1.sqlite" >/dev/null 2>&1 || bad "optimize, 1 thread"
same_dump p
same_dump d
same_dump o
[ "$(grep -c '^INSERT INTO predict_value VALUES' "$tmp/p.dump")" = 330 ] && ok || bad ".dump lacks the patients' values"

# 7. bad names: refused before any work, one message, exit 2, no file, no --out-dir
check_bad() { # CMD PATH PATTERN
    local cmd=$1 path=$2 pat=$3
    "$cmd" --out-dir "$tmp/never" --out "$path" >"$tmp/stdout" 2>"$tmp/stderr"
    local rc=$?
    if [ $rc -eq 2 ] && [ ! -s "$tmp/stdout" ] && [ "$(wc -l <"$tmp/stderr")" -eq 1 ] &&
        grep -q -- "--out" "$tmp/stderr" && grep -q -- "$pat" "$tmp/stderr" && ! compgen -G "$path.tmp*" >/dev/null &&
        { [ -d "$path" ] || [ ! -e "$path" ]; } && [ ! -e "$tmp/never" ]; then
        ok
    else
        bad "$cmd --out $path: rc=$rc, stdout $(wc -c <"$tmp/stdout") bytes, stderr: $(cat "$tmp/stderr")"
    fi
}
mkdir "$tmp/dir.sqlite"
for cmd in predict design optimize; do
    check_bad $cmd "$tmp/r.csv" "expected a database file ending in .sqlite"
    check_bad $cmd "$tmp/no/such/dir/r.sqlite" "does not exist"
    check_bad $cmd "$tmp/dir.sqlite" "is a directory"
done

# the same marker twice would be two rows of one name: refused before any work
predict --marker synaptic_function_rel@24h --out "$tmp/twice.sqlite" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
[ $rc -eq 2 ] && grep -q "given twice" "$tmp/stderr" && [ ! -e "$tmp/twice.sqlite" ] && ok ||
    bad "--marker twice: rc=$rc, $(cat "$tmp/stderr")"

# 8. a failing run over an existing database leaves it, and no temporary file
fail_keeps() { # NAME DESCRIPTION CMD...: the command must fail over NAME.sqlite
    local name=$1 what=$2
    shift 2
    sqlite3 "$tmp/$name.sqlite" .dump >"$tmp/prev.dump"
    "$@" --out "$tmp/$name.sqlite" >/dev/null 2>"$tmp/stderr"
    local rc=$?
    [ $rc -ne 0 ] && sqlite3 "$tmp/$name.sqlite" .dump | cmp -s - "$tmp/prev.dump" &&
        ! compgen -G "$tmp/$name.sqlite.tmp*" >/dev/null && ok ||
        bad "$what (rc=$rc) changed the previous database or left a temporary file: $(cat "$tmp/stderr")"
}
fail_keeps p "predict, solver failure" predict --set synprot.hill=1e3
fail_keeps d "design, missing base file" design --base "$tmp/nosuch.yaml"
fail_keeps o "optimize, caps nothing meets" optimize --cap-cadss 0.001
# interrupted (Ctrl-C) while the cohort is simulated: exit 130, the previous
# database intact, no temporary file or journal (the program itself in the
# background, not the timeout wrapper: the signal must reach it)
sqlite3 "$tmp/p.sqlite" .dump >"$tmp/prev.dump"
interrupt_writing "$tmp/p.sqlite" "$ketsim" predict --subjects 10000 --bootstrap 100 --threads 2 --out "$tmp/p.sqlite"
rc=$int_rc seen=$int_seen
[ $seen = 1 ] && [ $rc -eq 130 ] && sqlite3 "$tmp/p.sqlite" .dump | cmp -s - "$tmp/prev.dump" &&
    ! compgen -G "$tmp/p.sqlite.tmp*" >/dev/null && ok ||
    bad "an interrupted predict (rc=$rc, temporary file seen: $seen) changed the database or left $(ls "$tmp" | grep tmp)"

# 9. the cohort examples of docs/formats.md
doc_block() { # N: the N-th python block of the results-database section
    awk -v want="$1" '/^## .*\(`--out FILE.sqlite`\)/ {on = 1} on && /^## lab/ {on = 0}
        on && $0 == "```python" {n++; if (n == want) {code = 1; next}} code && /^```/ {exit} code {print}' \
        "$root/docs/formats.md"
}
mkdir "$tmp/doc" && cp "$tmp/p.sqlite" "$tmp/doc/predict.sqlite" && cp "$tmp/d.sqlite" "$tmp/doc/design.sqlite"
doc_block 2 >"$tmp/doc/ex.py"
if grep -q predict_value "$tmp/doc/ex.py" && (cd "$tmp/doc" && python3 ex.py) >"$tmp/doc/py.out" 2>&1 &&
    grep -q "madrs_change" "$tmp/doc/py.out"; then ok; else bad "the predict example: $(cat "$tmp/doc/py.out")"; fi
shell_sql=$(awk '/^    sqlite3 -header -column design.sqlite/ {on = 1; next} on && /^ *$/ {exit} on {print}' \
    "$root/docs/formats.md" | sed -e 's/^ *//' -e 's/^"//' -e 's/"$//')
if [ -n "$shell_sql" ] && (cd "$tmp/doc" && sqlite3 design.sqlite "$shell_sql") >"$tmp/doc/sh.out" 2>&1 &&
    [ "$(wc -l <"$tmp/doc/sh.out")" = 4 ]; then ok; else bad "the design example: $shell_sql: $(cat "$tmp/doc/sh.out")"; fi

# 10. --uncertainty FIT.json: the draws and their spread in the database, as
# the set's CSVs of the same run say.  Illustrative fixture
# (lib/unc_fit.json, as beyond_uncertainty.sh), not estimates from data.
cp "$root/tests/cli/lib/unc_fit.json" "$tmp/fit.json"
K=3
UNC=(--threads 2 --uncertainty "$tmp/fit.json" --uncertainty-draws $K)
run pu predict "${UNC[@]}" --out-dir "$tmp/puo" --out "$tmp/pu.sqlite"
run du design "${UNC[@]}" --out-dir "$tmp/duo" --out "$tmp/du.sqlite"
run ou optimize "${UNC[@]}" --out-dir "$tmp/ouo" --out "$tmp/ou.sqlite"
unc_same() { # NAME CMD: NAME.sqlite against CMD_uncertainty*.csv in NAMEo
    PYTHONPATH="$tmp" python3 - "$tmp/$1.sqlite" "$tmp/${1}o/$2_uncertainty.csv" \
        "$tmp/${1}o/$2_uncertainty_parameters.csv" "$tmp/fit.json" $K <<'EOF' && ok || bad "$2 --uncertainty tables"
import csv, json, sqlite3, sys
from same import csv_same
db = sqlite3.connect(sys.argv[1])
summ = list(csv.DictReader(open(sys.argv[2], newline="")))
pars = list(csv.DictReader(open(sys.argv[3], newline="")))
theta = json.load(open(sys.argv[4]))["theta"]
k = int(sys.argv[5])
n = lambda sql, *a: db.execute(sql, a).fetchone()[0]
# the draws: K x the fit's parameters, each the CSV's value (17 digits: exact)
assert n("SELECT count(*) FROM uncertainty_draw") == k * len(theta) == len(pars) * (len(pars[0]) - 1), len(pars)
for r in pars:
    for name, text in r.items():
        if name == "replicate":
            continue
        v = db.execute("SELECT value FROM uncertainty_draw WHERE draw = ? AND parameter = ?",
                       (int(r["replicate"]), name)).fetchone()
        assert name in theta and v is not None and v[0] == float(text), (r["replicate"], name, text, v)
# the spread: the CSV's rows in its order, at its 10 digits
cur = db.execute("SELECT * FROM uncertainty_summary ORDER BY quantity_index")
cols = [d[0] for d in cur.description]
got = [dict(zip(cols, g)) for g in cur.fetchall()]
assert len(got) == len(summ) > 0, (len(got), len(summ))
ten = lambda text, v: text in ("nan", "-nan") if v is None else text == "%.10g" % v
for i, (g, r) in enumerate(zip(got, summ)):
    assert g["quantity_index"] == i and g["quantity"] == r["quantity"] and csv_same(r["draws"], g["draws"]), (g, r)
    for c in ("at_estimates", "median", "p2_5", "p97_5", "sd"):
        assert ten(r[c], g[c]), (r["quantity"], c, r[c], g[c])
    vals = db.execute("SELECT draw, quantity, value FROM uncertainty_value WHERE quantity_index = ? ORDER BY draw",
                      (i,)).fetchall()
    assert [d for d, _, _ in vals] == list(range(k)) and all(q == r["quantity"] for _, q, _ in vals), vals
    assert all(ten(r[f"draw_{d}"], v) for d, _, v in vals), (r, vals)
# the draws move the numbers somewhere: the run's values, not a constant
assert any(g["sd"] for g in got), got
assert n("SELECT count(*) FROM uncertainty_value") == k * len(summ)
assert n("SELECT value FROM run WHERE key = 'uncertainty_draws'") == str(k)
assert n("SELECT role FROM data_file WHERE path = ?", sys.argv[4]) == "uncertainty"
EOF
}
unc_same pu predict
unc_same du design
unc_same ou optimize
# from the shell: the first quantity's median, as the CSV prints it
med=$(q "$tmp/pu.sqlite" "SELECT printf('%.10g', median) FROM uncertainty_summary WHERE quantity_index = 0")
csv_med=$(python3 -c 'import csv, sys; print(next(csv.DictReader(open(sys.argv[1])))["median"])' \
    "$tmp/puo/predict_uncertainty.csv")
[ -n "$med" ] && [ "$med" = "$csv_med" ] && ok || bad "predict: uncertainty_summary median '$med', the CSV's '$csv_med'"

finish
