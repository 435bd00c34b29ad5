#!/usr/bin/env bash
# Variability a trial adds on top of the population (docs/trial.md):
# per-replicate THETAs drawn from a fit's covariance step (--uncertainty),
# a table of parameter sets (--parameter-sets), and a scenario's own
# omega / omega_block.  Checks: the replicate spread of an endpoint widens
# with --uncertainty; the drawn log THETAs and the subjects' ETAs have the
# requested variances and correlations within sampling error; a table of
# the default values reproduces the plain run's endpoints; bytes do not
# depend on --threads; bad inputs exit 2 and leave no output.
set -u
ketsim="$1"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
pass=0; failed=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*" >&2; failed=$((failed + 1)); }

# A fit.json in the form `ketsim fit --method foce-i` writes.  The numbers
# are an illustrative fixture, not estimates from data: log-scale SDs 0.2
# (S-ketamine CL) and 0.4 (mood sensitivity) with correlation -0.5; a THETA
# at a bound (no SE) and a covariate effect, both of which are not drawn.
cat >"$tmp/fit.json" <<'JSON'
{
  "method": "foce-i",
  "theta": {
    "s_ket.cl_l_per_h": {"estimate": 95.2, "se": 19.04, "rse_pct": 20},
    "mood.sensitivity": {"estimate": 1.0, "se": 0.4, "rse_pct": 40},
    "ltp.early_max": {"estimate": 0.786131, "se": null, "rse_pct": null, "at_bound": true},
    "s_ket.cl_l_per_h~WT(power)": {"estimate": 0.75, "se": 0.1, "rse_pct": 13}
  },
  "converged": true,
  "covariance_step": {
    "method": "sandwich: R^-1 S R^-1 (finite differences)",
    "ok": true,
    "names": ["s_ket.cl_l_per_h", "mood.sensitivity", "s_ket.cl_l_per_h~WT(power)", "OMEGA(s_ket.cl_l_per_h)"],
    "correlation": [[1, -0.5, 0.1, 0], [-0.5, 1, 0, 0], [0.1, 0, 1, 0], [0, 0, 0, 1]]
  }
}
JSON
sed 's/"ok": true/"ok": false/' "$tmp/fit.json" >"$tmp/nocov.json"

cat >"$tmp/unc.yaml" <<'EOF2'
name: unctest
design: parallel
subjects: 200
arms:
  - name: ketamine
    dose_mg_per_kg: 0.5
    infusion: 40min
  - name: saline
    control: saline
visits: [1d]
seed: 5
replicates: 30
EOF2
# one subject per replicate: many cheap replicates for the draws' statistics
cat >"$tmp/one.yaml" <<'EOF2'
name: unctest
design: parallel
subjects: 1
arms:
  - name: ketamine
    dose_mg_per_kg: 0.5
    infusion: 40min
visits: [1d]
seed: 5
replicates: 800
EOF2

cat >"$tmp/om.yaml" <<'EOF2'
name: omtest
design: parallel
subjects: 400
arms:
  - name: ketamine
    dose_mg_per_kg: 0.5
    infusion: 40min
  - name: saline
    control: saline
visits: [1d]
seed: 11
omega:
  nmda.koff_per_h: 0.09
omega_block:
  params: [s_ket.cl_l_per_h, mood.sensitivity]
  matrix: [[0.04, 0.012], [0.012, 0.0225]]
EOF2
sed -e '/^omega/,$d' "$tmp/om.yaml" >"$tmp/om_none.yaml"

# ---- parameter uncertainty: the replicate spread widens -------------------
"$ketsim" trial "$tmp/unc.yaml" --threads 2 --out-dir "$tmp/q0" >/dev/null 2>"$tmp/err" && ok || bad "plain run: $(cat "$tmp/err")"
"$ketsim" trial "$tmp/unc.yaml" --threads 2 --out-dir "$tmp/q1" --uncertainty "$tmp/fit.json" >/dev/null 2>"$tmp/err" \
    && ok || bad "--uncertainty run: $(cat "$tmp/err")"
# bytes at 1 and 2 threads (fewer replicates: same draws per replicate index)
for t in 1 2; do
    "$ketsim" trial "$tmp/unc.yaml" --threads $t --replicates 4 --all-subjects --out-dir "$tmp/t$t" \
        --uncertainty "$tmp/fit.json" >/dev/null 2>&1 && ok || bad "--uncertainty run at $t threads"
done
for f in unctest_summary.json unctest_subjects.csv unctest_replicate_parameters.csv; do
    cmp -s "$tmp/t1/$f" "$tmp/t2/$f" && ok || bad "$f differs between 1 and 2 threads"
done
head -5 "$tmp/t1/unctest_replicate_parameters.csv" | cmp -s - <(head -5 "$tmp/q1/unctest_replicate_parameters.csv") \
    && ok || bad "a replicate's draw depends on the number of replicates"
[ ! -e "$tmp/q0/unctest_replicate_parameters.csv" ] && ok || bad "a plain run wrote replicate parameters"
python3 - "$tmp/q0/unctest_summary.json" "$tmp/q1/unctest_summary.json" "$tmp/q1/unctest_replicate_parameters.csv" <<'PY' \
    && ok || bad "uncertainty spread or record"
import csv, json, sys
q0, q1 = (json.load(open(p)) for p in sys.argv[1:3])
sd = lambda s, n: next(m["sd"] for m in s["metrics"] if m["name"] == n)
for name in ("ketamine@1d.change_mean", "ketamine_vs_saline@1d.diff"):
    a, b = sd(q0, name), sd(q1, name)
    print(f"{name}: SD over replicates {a:.3f} without, {b:.3f} with --uncertainty")
    assert b > 1.3 * a, (name, a, b)
rp = q1["replicate_parameters"]
assert rp["source"] == "uncertainty" and rp["drawn"] == ["s_ket.cl_l_per_h", "mood.sensitivity"], rp
assert rp["fixed"] == ["ltp.early_max"], rp
assert "replicate_parameters" not in q0
rows = list(csv.DictReader(open(sys.argv[3])))
assert len(rows) == 30 and [int(r["replicate"]) for r in rows] == list(range(30))
assert all(float(r["ltp.early_max"]) == 0.786131 for r in rows)
assert len({r["mood.sensitivity"] for r in rows}) == 30
PY

# the draws: log-scale SDs 0.2 and 0.4, correlation -0.5 (800 replicates)
"$ketsim" trial "$tmp/one.yaml" --threads 2 --out-dir "$tmp/d" --no-subjects --uncertainty "$tmp/fit.json" \
    >/dev/null 2>"$tmp/err" && ok || bad "800 replicates: $(cat "$tmp/err")"
python3 - "$tmp/d/unctest_replicate_parameters.csv" <<'PY' && ok || bad "drawn THETAs' distribution"
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
n = len(rows)
x = [math.log(float(r["s_ket.cl_l_per_h"]) / 95.2) for r in rows]
y = [math.log(float(r["mood.sensitivity"]) / 1.0) for r in rows]
mx, my = sum(x) / n, sum(y) / n
vx = sum((a - mx) ** 2 for a in x) / (n - 1)
vy = sum((b - my) ** 2 for b in y) / (n - 1)
r = sum((a - mx) * (b - my) for a, b in zip(x, y)) / (n - 1) / math.sqrt(vx * vy)
print(f"n={n}: mean log ratios {mx:.3f} {my:.3f}, SDs {math.sqrt(vx):.3f} {math.sqrt(vy):.3f}, corr {r:.3f}")
# 4 standard errors: SE(var) = var sqrt(2/(n-1)), SE(r) = (1 - r^2)/sqrt(n), SE(mean) = sd/sqrt(n)
assert abs(vx - 0.04) < 4 * 0.04 * math.sqrt(2 / (n - 1)), vx
assert abs(vy - 0.16) < 4 * 0.16 * math.sqrt(2 / (n - 1)), vy
assert abs(r + 0.5) < 4 * 0.75 / math.sqrt(n), r
assert abs(mx) < 4 * 0.2 / math.sqrt(n) and abs(my) < 4 * 0.4 / math.sqrt(n), (mx, my)
PY

# a real fit: FOCE-I on the synthetic esketamine data in examples/, then its
# fit.json into a trial; the same fit without a covariance step is refused
src="$(cd "$(dirname "$0")/../.." && pwd)"
for cov in sandwich none; do
    "$ketsim" fit --method foce-i --data "$src/examples/pk_data.csv" --drug esketamine \
        --estimate s_ket.cl_l_per_h,s_ket.v1_l --eta s_ket.cl_l_per_h --error proportional --threads 2 \
        --cov $cov --allow-unconverged --json "$tmp/real_$cov.json" >/dev/null 2>"$tmp/err" \
        && ok || bad "fit --cov $cov: $(cat "$tmp/err")"
done
"$ketsim" trial "$tmp/unc.yaml" --replicates 3 --threads 2 --out-dir "$tmp/rf" --uncertainty "$tmp/real_sandwich.json" \
    >/dev/null 2>"$tmp/err" && ok || bad "trial with a real fit: $(cat "$tmp/err")"
python3 - "$tmp/rf/unctest_summary.json" "$tmp/rf/unctest_replicate_parameters.csv" <<'PY' && ok || bad "real fit record"
import csv, json, sys
rp = json.load(open(sys.argv[1]))["replicate_parameters"]
assert rp["drawn"] == ["s_ket.cl_l_per_h", "s_ket.v1_l"] and rp["fixed"] == [], rp
rows = list(csv.DictReader(open(sys.argv[2])))
assert len(rows) == 3 and len({r["s_ket.cl_l_per_h"] for r in rows}) == 3
PY

# ---- parameter sets: the default values give the plain run's endpoints ----
python3 - "$tmp/sets.csv" "$tmp/short.csv" "$tmp/badname.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("s_ket.cl_l_per_h,mood.sensitivity,pop.placebo.mean_points\n")
    for _ in range(30):
        f.write("95.2,1,%s\n" % "PLACEBO")
open(sys.argv[2], "w").write("mood.sensitivity\n1\n1\n")
open(sys.argv[3], "w").write("mood.sensitivty\n" + "1\n" * 30)
PY
pl=$("$ketsim" params 2>/dev/null | awk '$1 == "pop.placebo.mean_points" {print $2}')
sed -i "s/PLACEBO/$pl/" "$tmp/sets.csv"
"$ketsim" trial "$tmp/unc.yaml" --threads 2 --out-dir "$tmp/s" --parameter-sets "$tmp/sets.csv" >/dev/null 2>"$tmp/err" \
    && ok || bad "--parameter-sets run: $(cat "$tmp/err")"
cmp -s "$tmp/q0/unctest_subjects.csv" "$tmp/s/unctest_subjects.csv" && ok || bad "default parameter sets changed the subjects"
python3 - "$tmp/q0/unctest_summary.json" "$tmp/s/unctest_summary.json" <<'PY' && ok || bad "default parameter sets changed the endpoints"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
assert b["replicate_parameters"]["source"] == "parameter-sets"
del b["replicate_parameters"]
assert a == b
PY
# the written table reads back and gives the same bytes
"$ketsim" trial "$tmp/unc.yaml" --threads 2 --replicates 2 --out-dir "$tmp/rb" --parameter-sets "$tmp/q1/unctest_replicate_parameters.csv" \
    >/dev/null 2>"$tmp/err" && ok || bad "reading back the written table: $(cat "$tmp/err")"
cmp -s "$tmp/q1/unctest_subjects.csv" "$tmp/rb/unctest_subjects.csv" && ok || bad "read-back table gave other subjects"

# ---- the scenario's own omega ----------------------------------------------
"$ketsim" trial "$tmp/om.yaml" --threads 2 --out-dir "$tmp/o2" >/dev/null 2>"$tmp/err" && ok || bad "omega run: $(cat "$tmp/err")"
"$ketsim" trial "$tmp/om.yaml" --threads 1 --out-dir "$tmp/o1" >/dev/null 2>&1 && ok || bad "omega run at 1 thread"
"$ketsim" trial "$tmp/om_none.yaml" --threads 2 --out-dir "$tmp/on" >/dev/null 2>&1 && ok || bad "run without omega"
cmp -s "$tmp/o1/omtest_subjects.csv" "$tmp/o2/omtest_subjects.csv" && ok || bad "omega subjects differ between 1 and 2 threads"
cmp -s "$tmp/o1/omtest_summary.json" "$tmp/o2/omtest_summary.json" && ok || bad "omega summary differs between 1 and 2 threads"
python3 - "$tmp/o2/omtest_subjects.csv" "$tmp/on/omtest_subjects.csv" <<'PY' && ok || bad "ETA statistics"
import csv, math, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["visit"] == "baseline"]
none = [r for r in csv.DictReader(open(sys.argv[2])) if r["visit"] == "baseline"]
n = len(rows)
assert n == 400, n
cols = ["eta_nmda.koff_per_h", "eta_s_ket.cl_l_per_h", "eta_mood.sensitivity"]
x = {c: [float(r[c]) for r in rows] for c in cols}
m = {c: sum(v) / n for c, v in x.items()}
cov = lambda a, b: sum((p - m[a]) * (q - m[b]) for p, q in zip(x[a], x[b])) / (n - 1)
want = {cols[0]: 0.09, cols[1]: 0.04, cols[2]: 0.0225}
for c, v in want.items():
    print(f"{c}: variance {cov(c, c):.4f} (asked {v}), mean {m[c]:.4f}")
    assert abs(cov(c, c) - v) < 4 * v * math.sqrt(2 / (n - 1)), (c, cov(c, c))
    assert abs(m[c]) < 4 * math.sqrt(v / n), (c, m[c])
r = cov(cols[1], cols[2]) / math.sqrt(cov(cols[1], cols[1]) * cov(cols[2], cols[2]))
r0 = cov(cols[0], cols[1]) / math.sqrt(cov(cols[0], cols[0]) * cov(cols[1], cols[1]))
print(f"corr(CL, mood) {r:.3f} (asked 0.4); corr(koff, CL) {r0:.3f} (asked 0)")
assert abs(r - 0.4) < 4 * (1 - 0.16) / math.sqrt(n), r
assert abs(r0) < 4 / math.sqrt(n), r0
# the other draws are untouched: same covariates; the outcome moved
assert [r["weight_kg"] for r in rows] == [r["weight_kg"] for r in none]
ours = [float(r["madrs_true"]) for r in csv.DictReader(open(sys.argv[1])) if r["visit"] == "1d"]
theirs = [float(r["madrs_true"]) for r in csv.DictReader(open(sys.argv[2])) if r["visit"] == "1d"]
assert ours != theirs
assert "eta_mood.sensitivity" not in open(sys.argv[2]).readline()
PY

# both at once, simulated one replicate per chunk or all together: same bytes
sed 's/subjects: 400/subjects: 100/' "$tmp/om.yaml" >"$tmp/om100.yaml"
for c in 100 4096; do
    "$ketsim" trial "$tmp/om100.yaml" --replicates 4 --all-subjects --chunk-subjects $c --threads 2 \
        --uncertainty "$tmp/fit.json" --out-dir "$tmp/c$c" >/dev/null 2>&1 && ok || bad "chunked run ($c)"
done
for f in omtest_subjects.csv omtest_summary.json omtest_replicate_parameters.csv; do
    cmp -s "$tmp/c100/$f" "$tmp/c4096/$f" && ok || bad "$f depends on --chunk-subjects"
done

# the same variability from the command line
"$ketsim" trial "$tmp/om_none.yaml" --threads 2 --out-dir "$tmp/ow" --omega nmda.koff_per_h=0.09 >/dev/null 2>"$tmp/err" \
    && ok || bad "--omega run: $(cat "$tmp/err")"
python3 - "$tmp/ow/omtest_subjects.csv" "$tmp/o2/omtest_subjects.csv" <<'PY' && ok || bad "--omega ETAs"
import csv, math, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["visit"] == "baseline"]
assert list(rows[0])[-1] == "eta_nmda.koff_per_h", list(rows[0])[-3:]
x = [float(r["eta_nmda.koff_per_h"]) for r in rows]
n, m = len(x), sum(x) / len(x)
v = sum((a - m) ** 2 for a in x) / (n - 1)
print(f"--omega nmda.koff_per_h=0.09: variance {v:.4f} over {n} subjects")
assert abs(v - 0.09) < 4 * 0.09 * math.sqrt(2 / (n - 1)), v
PY

# ---- bad inputs: exit 2, a message naming the problem, no output ----------
expect2() { # NAME PATTERN ARGS...
    local name="$1" pat="$2"; shift 2
    rm -rf "$tmp/bad"
    "$ketsim" trial "$@" --out-dir "$tmp/bad" >/dev/null 2>"$tmp/err"; local rc=$?
    if [ $rc -eq 2 ] && grep -q -- "$pat" "$tmp/err" && [ ! -e "$tmp/bad" ]; then ok
    else bad "$name: exit $rc, output $( [ -e "$tmp/bad" ] && echo left || echo none): $(cat "$tmp/err")"; fi
}
sed 's/nmda.koff_per_h: 0.09/nmda.koff_per_hh: 0.09/' "$tmp/om.yaml" >"$tmp/b1.yaml"
expect2 "unknown omega parameter" "nmda.koff_per_hh': unknown parameter" "$tmp/b1.yaml"
sed 's/0.012], \[0.012/0.05], [0.05/g' "$tmp/om.yaml" >"$tmp/b2.yaml"
expect2 "non-positive-definite block" "not positive definite" "$tmp/b2.yaml"
sed 's/\[\[0.04, 0.012\], \[0.012, 0.0225\]\]/[[0.04, 0.012], [0.011, 0.0225]]/' "$tmp/om.yaml" >"$tmp/b3.yaml"
expect2 "asymmetric block" "symmetric" "$tmp/b3.yaml"
sed 's/nmda.koff_per_h: 0.09/nmda.koff_per_h: -0.09/' "$tmp/om.yaml" >"$tmp/b4.yaml"
expect2 "negative variance" "variance of log P" "$tmp/b4.yaml"
sed 's/nmda.koff_per_h: 0.09/s_ket.cl_l_per_h: 0.09/' "$tmp/om.yaml" >"$tmp/b5.yaml"
expect2 "parameter twice" "twice" "$tmp/b5.yaml"
expect2 "fit without covariance" "has no covariance" "$tmp/unc.yaml" --uncertainty "$tmp/nocov.json"
expect2 "real fit with --cov none" "has no covariance" "$tmp/unc.yaml" --uncertainty "$tmp/real_none.json"
echo '{"theta": ' >"$tmp/broken.json"
expect2 "broken fit.json" "not a fit.json" "$tmp/unc.yaml" --uncertainty "$tmp/broken.json"
expect2 "too few parameter sets" "2 parameter sets for 30 replicates" "$tmp/unc.yaml" --parameter-sets "$tmp/short.csv"
expect2 "unknown parameter-sets column" "mood.sensitivty': unknown" "$tmp/unc.yaml" --parameter-sets "$tmp/badname.csv"
expect2 "both sources" "exclude each other" "$tmp/unc.yaml" --parameter-sets "$tmp/sets.csv" --uncertainty "$tmp/fit.json"
expect2 "unknown --omega parameter" "omega.nmda.kof': unknown parameter" "$tmp/unc.yaml" --omega nmda.kof=0.1
expect2 "bad --omega variance" "variance of log P" "$tmp/unc.yaml" --omega nmda.koff_per_h=-1
expect2 "--omega breaking a block" "not positive definite" "$tmp/om.yaml" --omega s_ket.cl_l_per_h=0.004
printf 'patient.madrs_baseline\n30\n30\n' >"$tmp/drawn.csv"
expect2 "a per-subject row as a parameter set" "drawn per subject" "$tmp/unc.yaml" --replicates 2 --parameter-sets "$tmp/drawn.csv"
printf 'trial.alpha\n0.05\n0.05\n' >"$tmp/trial.csv"
expect2 "a trial.* row as a parameter set" "trial.alpha" "$tmp/unc.yaml" --replicates 2 --parameter-sets "$tmp/trial.csv"
printf 'mood.sensitivity\n1\nabc\n' >"$tmp/nan.csv"
expect2 "non-numeric parameter set" "nan.csv:3: column 'mood.sensitivity'" "$tmp/unc.yaml" --replicates 2 --parameter-sets "$tmp/nan.csv"

echo "trial_uncertainty: $pass passed, $failed failed"
[ "$failed" -eq 0 ]
