#!/usr/bin/env bash
# `ketsim trial --format nonmem` writes replicate 0 as a NONMEM-style dataset
# that ketsim's own dataset reader accepts.
set -u
KETSIM=${1:?usage: trial_nonmem.sh path/to/ketsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0
check() { if eval "$2"; then passes=$((passes + 1)); else echo "FAIL: $1"; fails=$((fails + 1)); fi; }

"$KETSIM" trial zarate2006 --replicates 1 --threads 1 --format nonmem --out-dir "$tmp/o" >/dev/null
check "trial --format nonmem exits 0" "[ $? -eq 0 ]"
f="$tmp/o/zarate2006_subjects_nonmem.csv"
check "file written" "[ -s '$f' ]"
check "header" "[ \"\$(head -1 '$f')\" = 'ID,TIME,AMT,RATE,CMT,EVID,MDV,DV,OUTPUT,ARM,PERIOD,WT,SEX,AGE,GENO' ]"
# 18 subjects x (2 periods x (baseline + 8 visits) ratings + 1 ketamine infusion)
check "record count" "[ \$(tail -n +2 '$f' | wc -l) -eq $((18 * 19)) ]"
check "one dose per subject" "[ \$(awk -F, 'NR > 1 && \$6 == 1' '$f' | wc -l) -eq 18 ]"
check "dose is 0.5 mg/kg over 40 min" "awk -F, 'NR > 1 && \$6 == 1 { if (\$3 < 0.5 * \$12 - 0.01 || \$3 > 0.5 * \$12 + 0.01 || \$4 < 1.49 * \$3 || \$4 > 1.51 * \$3) bad = 1 } END { exit bad }' '$f'"
check "times ascend within each ID" "awk -F, 'NR > 1 { if (\$1 == id && \$2 < t) bad = 1; id = \$1; t = \$2 } END { exit bad }' '$f'"
"$KETSIM" simulate --dataset "$f" --out "$tmp/pred.csv" 2>"$tmp/err"
check "the dataset reader accepts it" "[ $? -eq 0 ] && [ \$(tail -n +2 '$tmp/pred.csv' | wc -l) -eq $((18 * 18)) ]"
"$KETSIM" trial zarate2006 --format sas --out-dir "$tmp/bad" 2>"$tmp/err"
check "bad --format is a usage error" "[ $? -eq 2 ] && grep -q -- '--format' '$tmp/err' && [ ! -e '$tmp/bad' ]"

echo "$passes passed, $fails failed"
[ $fails -eq 0 ]
