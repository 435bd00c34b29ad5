#!/usr/bin/env bash
# ketsim simulate --dataset FILE --report PAGE.html: the page holds the
# agreement table (computed here again from the predictions written by
# --out), one figure per output with observations, and is written only
# when the whole run succeeds.
set -u
KETSIM=${1:?usage: dataset_report.sh path/to/ketsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0
check() { if eval "$2"; then passes=$((passes + 1)); else echo "FAIL: $1"; fails=$((fails + 1)); fi; }

# two subjects given 35 mg over 40 min: plasma levels and MADRS ratings; an
# MDV 1 record and a BLQ one are predicted but not compared
cat >"$tmp/study.csv" <<'CSV'
ID,TIME,AMT,RATE,CMT,MDV,DV,BLQ,WT,OUTPUT
1,0,35,52.5,1,1,.,0,70,
1,0.67,0,0,1,0,150,0,70,plasma_ketamine_ng_per_ml
1,2,0,0,1,0,60,0,70,plasma_ketamine_ng_per_ml
1,24,0,0,1,0,14,0,70,madrs
1,30,0,0,1,1,.,0,70,plasma_ketamine_ng_per_ml
2,0,35,52.5,1,1,.,0,90,
2,1,0,0,1,0,90,0,90,plasma_ketamine_ng_per_ml
2,24,0,0,1,0,20,0,90,madrs
2,48,0,0,1,0,1,1,90,plasma_ketamine_ng_per_ml
CSV
"$KETSIM" simulate --dataset "$tmp/study.csv" --out "$tmp/pred.csv" --report "$tmp/r.html" 2>"$tmp/err"
check "dataset report run exits 0" "[ $? -eq 0 ] && [ -s '$tmp/r.html' ] && [ -s '$tmp/pred.csv' ]"
check "one figure per output with observations" \
    "[ \$(grep -c 'dataset_plasma_ketamine_ng_per_ml\\|dataset_madrs' '$tmp/r.html') -ge 2 ]"
python3 - "$tmp/pred.csv" "$tmp/r.html" >"$tmp/py.txt" 2>&1 <<'PY'
import csv, html, math, re, sys
rows = list(csv.DictReader(open(sys.argv[1])))
page = html.unescape(open(sys.argv[2]).read())
used = [r for r in rows if r["MDV"] == "0" and r["BLQ"] == "0"]
for out in ("plasma_ketamine_ng_per_ml", "madrs"):
    sel = [r for r in used if r["OUTPUT"] == out]
    dv = [float(r["DV"]) for r in sel]
    pr = [float(r["PRED"]) for r in sel]
    n = len(sel)
    want = [n, sum(dv) / n, sum(pr) / n, sum(p - d for p, d in zip(pr, dv)) / n,
            math.sqrt(sum((p - d) ** 2 for p, d in zip(pr, dv)) / n)]
    m = re.search(r"<tr><td>%s</td>((?:<td[^>]*>[^<]*</td>){5})</tr>" % out, page)
    assert m, "no row for " + out
    got = [float(c) for c in re.findall(r"<td[^>]*>([^<]*)</td>", m.group(1))]
    for g, w in zip(got, want):
        assert abs(g - w) <= 1e-5 * max(1, abs(w)), (out, got, want)
    print(out, got)
PY
check "the agreement table matches the predictions: $(cat "$tmp/py.txt")" "[ $? -eq 0 ]"
check "the report names the dataset" "grep -q 'study.csv' '$tmp/r.html'"

# a bad record: exit 2 with its line, and neither the predictions nor the page
printf 'ID,TIME,AMT,DV\n1,2,0,70\n1,1,0,90\n' >"$tmp/bad.csv"
mkdir "$tmp/fail"
"$KETSIM" simulate --dataset "$tmp/bad.csv" --out "$tmp/fail/p.csv" --report "$tmp/fail/r.html" >/dev/null 2>"$tmp/err"
check "bad dataset: exit 2, line named" "[ $? -eq 2 ] && grep -q 'bad.csv:3' '$tmp/err'"
check "bad dataset: nothing written" "[ -z \"\$(ls -A '$tmp/fail')\" ]"
"$KETSIM" simulate --dataset "$tmp/study.csv" --observed "$tmp/study.csv" --report "$tmp/fail/r.html" >/dev/null 2>"$tmp/err"
check "--observed with --dataset is refused" "[ $? -eq 2 ] && grep -q -- '--observed' '$tmp/err' && [ -z \"\$(ls -A '$tmp/fail')\" ]"

"$KETSIM" simulate --dataset "$tmp/study.csv" --plot-scale linear --report "$tmp/fail/r.html" >/dev/null 2>"$tmp/err"
check "--plot-scale with --dataset is refused" "[ $? -eq 2 ] && grep -q -- '--plot-scale is for one subject' '$tmp/err' && [ -z \"\$(ls -A '$tmp/fail')\" ]"

echo "$passes passed, $fails failed"
[ $fails -eq 0 ]
