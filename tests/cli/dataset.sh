#!/usr/bin/env bash
# ketsim simulate --dataset: predictions per observation record, steady state
# through the CLI, carried-through columns, and refused records.
set -u
KETSIM=${1:?usage: dataset.sh path/to/ketsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0
check() { if eval "$2"; then passes=$((passes + 1)); else echo "FAIL: $1"; fails=$((fails + 1)); fi; }

cat >"$tmp/study.csv" <<'CSV'
# two subjects: a 40-min infusion with a reset, and a steady-state infusion
ID,TIME,AMT,RATE,CMT,EVID,II,ADDL,SS,MDV,DV,WT,SEX,OUTPUT,SITE
1,0,35,52.5,1,1,0,0,0,1,.,70,F,,A
1,0.5,0,0,1,0,0,0,0,0,120,70,F,,A
1,1,0,0,1,0,0,0,0,0,100,70,F,brain_ketamine_free_um,A
1,2,0,0,1,3,0,0,0,1,.,70,F,,A
1,2,0,0,1,0,0,0,0,0,.,70,F,,A
2,0,0,10,1,1,0,0,1,1,.,80,M,,B
2,0,0,0,1,0,0,0,0,0,.,80,M,,B
2,10,0,0,1,2,0,0,0,1,.,80,M,,B
CSV
"$KETSIM" simulate --dataset "$tmp/study.csv" --out "$tmp/pred.csv" 2>"$tmp/err"
check "dataset run exits 0" "[ $? -eq 0 ]"
check "no progress bar when stderr is a file" "[ ! -s '$tmp/err' ]"
check "header" "[ \"\$(head -1 '$tmp/pred.csv')\" = 'ID,TIME,OUTPUT,PRED,AMT,RATE,CMT,EVID,II,ADDL,SS,MDV,DV,WT,SEX,SITE' ]"
check "one row per EVID 0/2 record" "[ \$(wc -l <'$tmp/pred.csv') -eq 6 ]"
check "unknown columns carried through" "grep -q '^2,10,plasma_ketamine_ng_per_ml,[0-9.e+-]*,0,0,1,2,0,0,0,1,.,80,M,B$' '$tmp/pred.csv'"
check "OUTPUT column selects the output" "grep -q '^1,1,brain_ketamine_free_um,' '$tmp/pred.csv'"
check "after the reset plasma is zero" "grep -q '^1,2,plasma_ketamine_ng_per_ml,0,' '$tmp/pred.csv'"
# SS=1, RATE>0, II=0 equals a long infusion's plateau at the subject's weight.
plateau=$("$KETSIM" simulate --weight 80 --dose iv:10000mg:1000h --until 1000h --every 500h --outputs plasma_ketamine_ng_per_ml | tail -1)
ss=$(grep '^2,0,' "$tmp/pred.csv" | cut -d, -f4)
check "steady-state infusion = plateau ($ss vs $plateau)" "python3 -c 'import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); assert b > 1 and abs(a-b) <= 1e-4*b' $ss $plateau"
# Infusion prediction matches the plain simulate command at 30 min (to solver
# tolerance: the two runs stop the integrator at different end times).
direct=$("$KETSIM" simulate --dose iv:35mg:40min --until 30min --every 30min --outputs plasma_ketamine_ng_per_ml | tail -1)
got=$(grep '^1,0.5,' "$tmp/pred.csv" | cut -d, -f4)
check "infusion matches simulate ($got vs $direct)" "python3 -c 'import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); assert b > 1 and abs(a-b) <= 1e-6*b' $got $direct"

# Bad records: exit 2, line and column named, no output left behind.
printf 'ID,TIME,AMT,CMT,EVID\n1,5,0,1,0\n1,2,0,1,0\n' >"$tmp/back.csv"
"$KETSIM" simulate --dataset "$tmp/back.csv" --out "$tmp/bad.csv" 2>"$tmp/err"
check "time going backwards exits 2" "[ $? -eq 2 ]"
check "message names line and column" "grep -q 'back.csv:3: column TIME' '$tmp/err'"
check "no output file" "[ ! -e '$tmp/bad.csv' ] && [ -z \"\$(ls '$tmp' | grep tmp)\" ]"
printf 'ID,TIME,AMT,CMT,EVID\n1,0,5,8,1\n' >"$tmp/cmt.csv"
"$KETSIM" simulate --dataset "$tmp/cmt.csv" 2>"$tmp/err" >/dev/null
check "unknown CMT exits 2" "[ $? -eq 2 ] && grep -q 'cmt.csv:2: column CMT: unknown compartment 8' '$tmp/err'"
printf 'ID,TIME,CMT\n1,0,1\n' >"$tmp/noamt.csv"
"$KETSIM" simulate --dataset "$tmp/noamt.csv" 2>"$tmp/err" >/dev/null
check "missing AMT column exits 2" "[ $? -eq 2 ] && grep -q 'required column AMT' '$tmp/err'"
"$KETSIM" simulate --dataset "$tmp/study.csv" --dose iv:5mg 2>"$tmp/err" >/dev/null
check "--dataset with --dose is refused" "[ $? -eq 2 ] && grep -q -- '--dataset' '$tmp/err'"
"$KETSIM" simulate --dataset "$tmp/study.csv" --out "$tmp/x.json" 2>/dev/null >/dev/null
check "--dataset needs a .csv output" "[ $? -eq 2 ]"
"$KETSIM" simulate --dataset "$tmp/missing.csv" 2>"$tmp/err" >/dev/null
check "missing dataset exits 1" "[ $? -eq 1 ] && grep -q 'missing.csv: cannot open' '$tmp/err'"

echo "$passes passed, $fails failed"
[ $fails -eq 0 ]
