#!/usr/bin/env bash
# ketsim fit --method foce-i|saem from the command line: recovery on a
# simulated population (pop_make_data, next to the program), the files it
# writes (--json, --table, --out accepted by simulate), a covariate, the
# honest convergence exit code (3, as the pooled fit's), and bad options (exit 2 with the flag named).
# KETSIM_QUICK_VALIDATE=1 (the sanitizer stage of CI) fits the first 10
# subjects only, without the covariance step, checks the files but not the
# recovery, and leaves out the covariate fit and SAEM (minutes under
# instrumentation; the uninstrumented stage runs them).
set -u
quick=${KETSIM_QUICK_VALIDATE:-0}
COV=(); [ "$quick" = 1 ] && COV=(--cov none)
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

"$gen" small "$tmp/small.csv" || { echo "FAIL: pop_make_data"; exit 1; }
"$gen" cov "$tmp/cov.csv" || { echo "FAIL: pop_make_data"; exit 1; }
NSUBJ=40
if [ "$quick" = 1 ]; then
    head -n 61 "$tmp/small.csv" >"$tmp/s12.csv" && mv "$tmp/s12.csv" "$tmp/small.csv"
    NSUBJ=10
fi

if "$ketsim" fit --method foce-i --drug "$drug" --data "$tmp/small.csv" --estimate "$T" --eta "$E" \
    --error proportional --threads 2 "${COV[@]}" --json "$tmp/fit.json" --table "$tmp/rec.csv" --out "$tmp/p.txt" \
    >"$tmp/out" 2>"$tmp/err"; then ok; else bad "foce-i fit: $(cat "$tmp/err")"; fi
python3 - "$tmp/fit.json" "$quick" "$NSUBJ" <<'PY' && ok || bad "fit.json contents"
import json, sys
f = json.load(open(sys.argv[1]))
full = sys.argv[2] != "1"
for k in ("method", "ofv", "theta", "omega", "sigma", "shrinkage", "converged"):
    assert k in f, k
assert f["method"] == "foce-i"
assert len(f["ebe"]) == int(sys.argv[3])
if not full:
    sys.exit(0)
assert f["converged"] is True
t = f["theta"]
for name, truth in (("theo.cl_l_per_h", 2.8), ("theo.v1_l", 32), ("theo.route.po.ka_per_h", 1.5)):
    e = t[name]["estimate"]
    assert abs(e - truth) <= 0.1 * truth, (name, e)
    assert not full or t[name]["se"] > 0
for name, truth in (("theo.cl_l_per_h", 0.09), ("theo.v1_l", 0.04)):
    v = f["omega"][name]["variance"]
    assert abs(v - truth) <= 0.3 * truth, (name, v)
    assert not full or f["omega"][name]["se"] > 0
s = f["sigma"]["plasma_theo_ng_per_ml:prop"]["estimate"]
assert abs(s - 0.15) < 0.03, s
assert "eta_pct" in f["shrinkage"] and "eps_pct" in f["shrinkage"]
PY
head -1 "$tmp/rec.csv" | grep -q '^ID,TIME,OUTPUT,DV,MDV,BLQ,PRED,IPRED,RES,IWRES,CWRES$' && ok || bad "table header"
[ "$(wc -l <"$tmp/rec.csv")" -eq $((NSUBJ * 5 + 1)) ] && ok || bad "table rows: $(wc -l <"$tmp/rec.csv")"
grep -q '^theo.cl_l_per_h=' "$tmp/p.txt" && ok || bad "params file"
grep -q 'OMEGA' "$tmp/out" && grep -q 'shrink' "$tmp/out" && grep -q 'OFV (-2LL, FOCE-I)' "$tmp/out" && ok || bad "printed table"
"$ketsim" simulate --drug "$drug" --params "$tmp/p.txt" --dose po:320mg --until 2h --every 1h \
    --outputs time_h,plasma_theo_ng_per_ml >/dev/null 2>"$tmp/err" && ok || bad "simulate --params: $(cat "$tmp/err")"

if [ "$quick" != 1 ]; then
# a 0/1 covariate on CL (truth exp(0.3 SEX)); WT goes to the model's allometry
"$ketsim" fit --method foce-i --drug "$drug" --data "$tmp/cov.csv" --estimate "$T" --eta "$E" \
    --covariate theo.cl_l_per_h:SEX:categorical --error proportional --threads 2 --cov none \
    --json "$tmp/cov.json" >"$tmp/out" 2>"$tmp/err" && ok || bad "covariate fit: $(cat "$tmp/err")"
python3 - "$tmp/cov.json" <<'PY' && ok || bad "covariate estimate"
import json, sys
f = json.load(open(sys.argv[1]))
b = f["theta"]["theo.cl_l_per_h~SEX(categorical)"]["estimate"]
assert abs(b - 0.3) < 0.15, b
assert abs(f["theta"]["theo.cl_l_per_h"]["estimate"] - 2.8) < 0.28
PY

# SAEM, short
"$ketsim" fit --method saem --drug "$drug" --data "$tmp/small.csv" --estimate "$T" --eta "$E" \
    --error proportional --threads 2 --saem-iter 60,30 --cov none --json "$tmp/saem.json" >"$tmp/out" 2>"$tmp/err" \
    && ok || bad "saem: $(cat "$tmp/err")"
grep -q 'importance sampling' "$tmp/out" && ok || bad "saem objective line"
fi

# honest convergence: one iteration is not a converged fit
"$ketsim" fit --method foce-i --drug "$drug" --data "$tmp/small.csv" --estimate "$T" --eta "$E" \
    --error proportional --max-iter 1 --cov none --out "$tmp/p1.txt" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 3 ] && grep -q 'not a usable result' "$tmp/err" && [ ! -e "$tmp/p1.txt" ] && ok || bad "unconverged: exit $rc $(cat "$tmp/err")"
"$ketsim" fit --method foce-i --drug "$drug" --data "$tmp/small.csv" --estimate "$T" --eta "$E" \
    --error proportional --max-iter 1 --cov none --allow-unconverged >/dev/null 2>&1 && ok || bad "--allow-unconverged"

# bad options: exit 2, the flag named
expect2() { # want args...
    local want="$1"; shift
    "$ketsim" fit "$@" >/dev/null 2>"$tmp/err"
    local rc=$?
    if [ "$rc" -eq 2 ] && grep -q -- "$want" "$tmp/err"; then ok; else bad "$*: exit $rc, '$(cat "$tmp/err")' (want $want)"; fi
}
D=(--drug "$drug" --data "$tmp/small.csv")
expect2 "--method 'nope'" --method nope "${D[@]}" --estimate "$T" --eta "$E"
expect2 "needs --eta" --method foce-i "${D[@]}" --estimate "$T"
expect2 "--eta needs --method" "${D[@]}" --estimate "$T" --eta "$E"
expect2 "unknown parameter 'no.such'" --method foce-i "${D[@]}" --estimate "$T" --eta no.such
expect2 "--omega-block" --method foce-i "${D[@]}" --estimate "$T" --eta theo.cl_l_per_h --omega-block theo.cl_l_per_h,theo.v1_l
expect2 "--covariate" --method foce-i "${D[@]}" --estimate "$T" --eta "$E" --covariate theo.cl_l_per_h:WT:quadratic
expect2 "no column 'AGE'" --method foce-i "${D[@]}" --estimate "$T" --eta "$E" --covariate theo.cl_l_per_h:AGE:linear
expect2 "--error 'weird'" --method foce-i "${D[@]}" --estimate "$T" --eta "$E" --error weird
expect2 "--threads" --method saem "${D[@]}" --estimate "$T" --eta "$E" --threads 0
expect2 "--saem-iter" --method saem "${D[@]}" --estimate "$T" --eta "$E" --saem-iter 10
expect2 "--bound" --method foce-i "${D[@]}" --estimate "$T" --eta "$E" --bound theo.cl_l_per_h=5:9
expect2 "--omega" --method foce-i "${D[@]}" --estimate "$T" --eta "$E" --omega theo.cl_l_per_h=-1

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
