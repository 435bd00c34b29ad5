#!/usr/bin/env bash
# Covariates that change within a subject (docs/dataset.md, docs/fit.md
# "Time-varying covariates"), carried forward from the record that gives
# them.
# - FOCE-I recovers an effect that acts only from a TIME on: data made
#   analytically outside ketsim (lib/tv_covariate_data.py: CL doubles when
#   an inducer starts at 6 h, 10 h or never), fitted with the effect as a
#   categorical covariate; THETAs within 10% of the truth, the effect within
#   10% and inside its 95% interval.
# - SAEM refuses it (exit 2, naming file, line, ID and column): its M-step
#   does not see an effect that acts through the data.
# - A column constant within each subject, missing on some records, is fitted.
# KETSIM_QUICK_VALIDATE=1 (the sanitizer stage) fits 9 subjects for one
# iteration and checks only that the fit runs.
source "$(dirname "$0")/lib/common.bash"
quick=${KETSIM_QUICK_VALIDATE:-0}
drug="$root/examples/theoph.yaml"
n=60; [ "$quick" = 1 ] && n=9
python3 "$root/tests/cli/lib/tv_covariate_data.py" "$tmp/tv.csv" "$n" || { echo "FAIL: data"; exit 1; }

F=(fit --drug "$drug" --data "$tmp/tv.csv" --estimate theo.cl_l_per_h,theo.v1_l --eta theo.cl_l_per_h,theo.v1_l
   --covariate theo.cl_l_per_h:IND:categorical --error proportional --threads 2)
if [ "$quick" = 1 ]; then
    "$ketsim" "${F[@]}" --method foce-i --cov none --max-iter 1 --accept-unusable >"$tmp/out" 2>"$tmp/err" && ok \
        || bad "foce-i: $(cat "$tmp/err")"
else
    "$ketsim" "${F[@]}" --method foce-i --json "$tmp/fit.json" >"$tmp/out" 2>"$tmp/err" && ok \
        || bad "foce-i: $(cat "$tmp/err")"
    python3 - "$tmp/fit.json" <<'PY' && ok || bad "recovery: $(cat "$tmp/out")"
import json, math, sys
f = json.load(open(sys.argv[1]))
th = f["theta"]
truth = {"theo.cl_l_per_h": 2.8, "theo.v1_l": 35.0, "theo.cl_l_per_h~IND(categorical)": math.log(2.0)}
fails = []
for k, t in truth.items():
    e, se = th[k]["estimate"], th[k]["se"]
    if abs(e / t - 1) > 0.10:
        fails.append(f"{k}: {e} vs {t}")
    if not (e - 1.96 * se <= t <= e + 1.96 * se):
        fails.append(f"{k}: truth {t} outside {e} +- 1.96 x {se}")
print("\n".join(fails), file=sys.stderr)
sys.exit(1 if fails else 0)
PY
fi

# SAEM: refused at the first record where IND changes (subject 1 starts at 10 h)
line=$(awk -F, 'NR > 1 && $1 == 1 && $8 == 1 { print NR; exit }' "$tmp/tv.csv")
"$ketsim" "${F[@]}" --method saem --cov none >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && ok || bad "saem: exit $rc, want 2"
grep -q "tv.csv:$line: ID 1: column IND changes within the subject" "$tmp/err" && ok || bad "saem: $(cat "$tmp/err")"
grep -q "use --method foce-i" "$tmp/err" && ok || bad "saem: no way out named: $(cat "$tmp/err")"
[ ! -s "$tmp/out" ] && ok || bad "saem printed a result"

# constant within each subject, missing ('.') on records after the first: fitted
python3 - "$tmp/tv.csv" "$tmp/const.csv" <<'PY'
import sys
rows = open(sys.argv[1]).read().splitlines()
out, seen = [rows[0]], set()
for r in rows[1:]:
    f = r.split(",")
    f[7] = ("1" if int(f[0]) % 2 else "0") if f[0] not in seen else "."
    seen.add(f[0])
    out.append(",".join(f))
open(sys.argv[2], "w").write("\n".join(out) + "\n")
PY
"$ketsim" fit --drug "$drug" --data "$tmp/const.csv" --method saem --estimate theo.cl_l_per_h --eta theo.cl_l_per_h \
    --covariate theo.cl_l_per_h:IND:categorical --cov none --saem-iter 5,5 --accept-unusable >"$tmp/out" 2>"$tmp/err" \
    && ok || bad "constant with missing values: $(cat "$tmp/err")"
grep -q "theo.cl_l_per_h~IND" "$tmp/out" && ok || bad "no covariate estimate: $(cat "$tmp/out")"
finish
