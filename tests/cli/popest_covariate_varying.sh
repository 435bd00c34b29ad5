#!/usr/bin/env bash
# A covariate that changes within a subject (docs/dataset.md, docs/fit.md
# "The model"): the population fit refuses it, exit 2, naming the file, the
# record's line, the ID and the column, instead of fitting the subject's
# first value; a column that is constant within each subject, with missing
# values on some records, is accepted (the fit runs).
source "$(dirname "$0")/lib/common.bash"
gen="$(dirname "$ketsim")/pop_make_data"
"$gen" cov "$tmp/cov.csv" || { echo "FAIL: pop_make_data"; exit 1; }
# subject 3's fourth record flips SEX; subject 4's records after the first
# have SEX missing ('.')
python3 - "$tmp/cov.csv" "$tmp/varying.csv" "$tmp/missing.csv" <<'PY'
import sys
rows = open(sys.argv[1]).read().splitlines()
i = rows[0].split(",").index("SEX")
def edit(pick, value):
    out, seen = [rows[0]], {}
    for line, r in enumerate(rows[1:], start=2):
        f = r.split(",")
        seen[f[0]] = seen.get(f[0], 0) + 1
        if pick(f[0], seen[f[0]]):
            f[i] = value(f[i])
        out.append(",".join(f))
    return out
v = edit(lambda s, k: s == "3" and k == 4, lambda x: "1" if x == "0" else "0")
open(sys.argv[2], "w").write("\n".join(v) + "\n")
m = edit(lambda s, k: s == "4" and k > 1, lambda x: ".")
open(sys.argv[3], "w").write("\n".join(m) + "\n")
PY
line=$(python3 - "$tmp/cov.csv" "$tmp/varying.csv" <<'PY'
import sys
a, b = (open(p).read().splitlines() for p in sys.argv[1:3])
print([n for n, (x, y) in enumerate(zip(a, b), start=1) if x != y][0])
PY
)
F=(fit --method foce-i --drug "$root/examples/theoph.yaml" --estimate theo.cl_l_per_h --eta theo.cl_l_per_h
   --covariate theo.cl_l_per_h:SEX:categorical --cov none --max-iter 1 --accept-unusable)
for m in foce-i saem; do
    "$ketsim" "${F[@]}" --method "$m" --data "$tmp/varying.csv" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ "$rc" -eq 2 ] && ok || bad "$m: varying covariate: exit $rc, want 2"
    grep -q "varying.csv:$line: ID 3: column SEX changes within the subject" "$tmp/err" && ok \
        || bad "$m: message: $(cat "$tmp/err")"
    [ ! -s "$tmp/out" ] && ok || bad "$m: printed a result"
done
"$ketsim" "${F[@]}" --data "$tmp/missing.csv" --saem-iter 5,5 >"$tmp/out" 2>"$tmp/err" && ok \
    || bad "missing values refused: $(cat "$tmp/err")"
grep -q "theo.cl_l_per_h~SEX" "$tmp/out" && ok || bad "no covariate estimate: $(cat "$tmp/out")"
finish
