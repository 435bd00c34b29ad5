#!/usr/bin/env bash
# ketsim fit --method foce-i --plot DIR --vpc N: the diagnostics of a
# population fit on data simulated from known parameters (pop_make_data):
# the figures exist as PNG (of the size drawn) and SVG, the VPC table's
# observed medians fall inside the simulated intervals of the median, the
# NPDE in the per-record table have mean near 0 and variance near 1, the
# simulations do not depend on the number of threads, and bad options exit 2.
# KETSIM_QUICK_VALIDATE=1 (sanitizer stage): 10 subjects, fewer simulations,
# files only (no statistical checks).
set -u
quick=${KETSIM_QUICK_VALIDATE:-0}
ketsim="$1"
gen="$(dirname "$ketsim")/pop_make_data"
src="$(cd "$(dirname "$0")/../.." && pwd)"
drug="$src/examples/theoph.yaml"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
pass=0; failed=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*" >&2; failed=$((failed + 1)); }
T=theo.cl_l_per_h,theo.v1_l,theo.route.po.ka_per_h
E=theo.cl_l_per_h,theo.v1_l
O=plasma_theo_ng_per_ml
NREP=200; NSUBJ=40
"$gen" small "$tmp/small.csv" || { echo "FAIL: pop_make_data"; exit 1; }
if [ "$quick" = 1 ]; then
    head -n 61 "$tmp/small.csv" >"$tmp/s.csv" && mv "$tmp/s.csv" "$tmp/small.csv"
    NREP=40; NSUBJ=10
fi
F=(fit --method foce-i --drug "$drug" --data "$tmp/small.csv" --estimate "$T" --eta "$E" --error proportional --cov none)

"$ketsim" "${F[@]}" --threads 2 --plot "$tmp/fig" --vpc "$NREP" --table "$tmp/rec.csv" >"$tmp/out" 2>"$tmp/err" \
    && ok || bad "fit --plot: $(cat "$tmp/err")"
grep -q "diagnostics: $NREP simulations" "$tmp/out" && ok || bad "diagnostics line"
# every figure: a PNG of the size drawn (IHDR) with content, and an SVG
python3 - "$tmp/fig" "$O" "$NSUBJ" <<'PY' && ok || bad "figures"
import os, struct, sys, math
d, o, ns = sys.argv[1], sys.argv[2], int(sys.argv[3])
pages = math.ceil(ns / 4)
want = {f"gof_{o}": (900, 1400), f"vpc_{o}": (900, 700)}
for k in range(1, pages + 1):
    n = min(4, ns - 4 * (k - 1))
    want[f"individual_{o}_{k}"] = (900, 330 * n + 150)
for base, (w, h) in want.items():
    png = open(os.path.join(d, base + ".png"), "rb").read()
    assert png[:8] == b"\x89PNG\r\n\x1a\n", base
    assert png[12:16] == b"IHDR", base
    assert struct.unpack(">II", png[16:24]) == (w, h), (base, struct.unpack(">II", png[16:24]))
    assert len(png) > 20000, (base, len(png))
    svg = open(os.path.join(d, base + ".svg")).read()
    assert "<svg" in svg and len(svg) > 20000, base
assert not [f for f in os.listdir(d) if ".tmp" in f], "temporary files left"
PY
# the VPC table: one row per nominal time (five), medians inside the intervals
python3 - "$tmp/fig/vpc_$O.csv" "$quick" "$NSUBJ" <<'PY' && ok || bad "VPC table"
import csv, sys
rows = list(csv.DictReader(l for l in open(sys.argv[1]) if not l.startswith("#")))
assert [float(r["time_mid_h"]) for r in rows] == [0.5, 1.5, 4, 9, 24], rows
assert all(int(r["n_obs"]) == int(sys.argv[3]) for r in rows)
for r in rows:
    for p in ("p05", "p50", "p95"):
        assert float(r[f"sim_{p}_lo"]) <= float(r[f"sim_{p}_med"]) <= float(r[f"sim_{p}_hi"]), r
if sys.argv[2] != "1":
    inside = sum(float(r["sim_p50_lo"]) <= float(r["obs_p50"]) <= float(r["sim_p50_hi"]) for r in rows)
    print("VPC: observed median inside the simulated 95% interval in", inside, "of", len(rows), "bins")
    assert inside >= 4, inside
PY
# NPDE: a column of the table, mean ~ 0 and variance ~ 1 on data from the model
python3 - "$tmp/rec.csv" "$quick" "$NSUBJ" <<'PY' && ok || bad "NPDE"
import csv, sys, statistics as st
rows = list(csv.DictReader(open(sys.argv[1])))
assert "NPDE" in rows[0]
v = [float(r["NPDE"]) for r in rows if r["NPDE"] != "."]
assert len(v) == 5 * int(sys.argv[3]), len(v)
m, var = st.mean(v), st.variance(v)
print(f"NPDE: n {len(v)}, mean {m:.4f}, variance {var:.4f}")
if sys.argv[2] != "1":
    # SE of the mean of 200 is 0.07, of the variance about 0.1
    assert abs(m) < 0.2 and 0.75 < var < 1.3, (m, var)
PY
# the same simulations with 1 and 2 threads (a short, unconverged fit)
for th in 1 2; do
    "$ketsim" "${F[@]}" --max-iter 2 --allow-unconverged --threads $th --plot "$tmp/t$th" --vpc 30 \
        --table "$tmp/t$th.csv" >/dev/null 2>"$tmp/err" || bad "threads $th: $(cat "$tmp/err")"
done
cmp -s "$tmp/t1/vpc_$O.csv" "$tmp/t2/vpc_$O.csv" && cmp -s "$tmp/t1.csv" "$tmp/t2.csv" && ok \
    || bad "VPC/NPDE differ between 1 and 2 threads"
# without --plot or --vpc the table has no NPDE column (and nothing is simulated)
"$ketsim" "${F[@]}" --max-iter 2 --allow-unconverged --table "$tmp/plain.csv" >"$tmp/out" 2>&1
head -1 "$tmp/plain.csv" | grep -q ',CWRES$' && ! grep -q diagnostics "$tmp/out" && ok || bad "plain table"

expect2() { # want args...
    local want="$1"; shift
    "$ketsim" "${F[@]}" "$@" >/dev/null 2>"$tmp/err"
    local rc=$?
    if [ "$rc" -eq 2 ] && grep -q -- "$want" "$tmp/err"; then ok; else bad "$*: exit $rc, '$(cat "$tmp/err")'"; fi
}
expect2 "--vpc '5'" --vpc 5
expect2 "--vpc-bins" --vpc-bins 0
expect2 "--plot-scale 'cubic'" --plot-scale cubic
echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
