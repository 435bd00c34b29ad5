#!/usr/bin/env bash
# The outputs of ketsim fit --method foce-i|saem as one checked set
# (docs/fit.md, "Outputs and exit status"): --out-dir DIR publishes
# fit_params.txt, fit.json and fit_records.csv with a manifest; --out,
# --json and --table are opened before the fit and committed only after
# every output is written.  A fit that is not usable (exit 3), a full disk
# (exit 1), Ctrl-C (130) and SIGKILL leave the previous outputs byte for
# byte and no temporary file; --accept-unusable (and its old name
# --allow-unconverged, in both the pooled and the population fit) keeps a
# marked result with exit 0.
source "$(dirname "$0")/lib/common.bash"
gen="$(dirname "$ketsim")/pop_make_data"
drug="$root/examples/theoph.yaml"
T=theo.cl_l_per_h,theo.v1_l,theo.route.po.ka_per_h
E=theo.cl_l_per_h,theo.v1_l

"$gen" small "$tmp/all.csv" || { echo "FAIL: pop_make_data"; exit 1; }
head -n 61 "$tmp/all.csv" >"$tmp/small.csv"   # 10 subjects: a fit of seconds
F0=(fit --method foce-i --drug "$drug" --estimate "$T" --eta "$E" --error proportional --threads 1)
F=("${F0[@]}" --cov none)
OUTS=(--out-dir "$tmp/set" --out "$tmp/p.txt" --json "$tmp/f.json" --table "$tmp/r.csv")

# leftovers of a run anywhere under $tmp: temporary files and stages
leftovers() { find "$tmp" -name '*.tmp.*' -o -name '.ketsim-stage.*' -o -name '.ketsim-ready.*' | sort; }
snapshot() { (cd "$tmp" && sha256sum set/* p.txt f.json r.csv) >"$tmp/$1.sum"; }
same_as() { (cd "$tmp" && sha256sum set/* p.txt f.json r.csv) | cmp -s - "$tmp/$1.sum"; }

# ---- a usable fit: one set with a manifest, and the single files ----------
"$ketsim" "${F[@]}" --data "$tmp/small.csv" "${OUTS[@]}" >"$tmp/out" 2>"$tmp/err" \
    && ok || bad "usable fit: $(cat "$tmp/err")"
[ "$(cd "$tmp/set" && ls | tr '\n' ' ')" = "fit.json fit_manifest.json fit_params.txt fit_records.csv " ] \
    && ok || bad "set contents: $(ls "$tmp/set")"
python3 - "$tmp/set" <<'PY' && ok || bad "manifest does not match the files"
import hashlib, json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "fit_manifest.json")))
assert m["set"] == "fit", m["set"]
names = sorted(f["name"] for f in m["files"])
assert names == ["fit.json", "fit_params.txt", "fit_records.csv"], names
for f in m["files"]:
    b = open(os.path.join(d, f["name"]), "rb").read()
    assert len(b) == f["bytes"] and hashlib.sha256(b).hexdigest() == f["sha256"], f["name"]
PY
cmp -s "$tmp/set/fit.json" "$tmp/f.json" && cmp -s "$tmp/set/fit_records.csv" "$tmp/r.csv" \
    && cmp -s "$tmp/set/fit_params.txt" "$tmp/p.txt" && ok || bad "the set and the single files differ"
[ -z "$(leftovers)" ] && ok || bad "leftovers after success: $(leftovers)"
snapshot good

# ---- not usable: exit 3, nothing written, the previous outputs stay -------
"$ketsim" "${F[@]}" --data "$tmp/small.csv" "${OUTS[@]}" --max-iter 1 >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 3 ] && grep -q "not a usable result.*no output written; exit status 3" "$tmp/err" \
    && ok || bad "unusable: exit $rc, $(cat "$tmp/err")"
same_as good && ok || bad "an unusable fit changed the previous outputs"
[ -z "$(leftovers)" ] && ok || bad "leftovers after an unusable fit: $(leftovers)"
"$ketsim" "${F[@]}" --data "$tmp/small.csv" --max-iter 1 --out-dir "$tmp/new" >/dev/null 2>&1
[ $? -eq 3 ] && [ ! -e "$tmp/new" ] && ok || bad "an unusable fit left the directory it created"

# ---- --accept-unusable and its old name keep a marked result --------------
for flag in --accept-unusable --allow-unconverged; do
    "$ketsim" "${F[@]}" --data "$tmp/small.csv" --max-iter 1 $flag --out-dir "$tmp/acc$flag" \
        >/dev/null 2>"$tmp/err" && grep -q "kept because of --accept-unusable" "$tmp/err" \
        && ok || bad "$flag: $(cat "$tmp/err")"
    head -1 "$tmp/acc$flag/fit_params.txt" | grep -q '^# NOT A USABLE FIT (' && ok || bad "$flag: params not marked"
    python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["converged"] is False' \
        "$tmp/acc$flag/fit.json" && ok || bad "$flag: fit.json says converged"
done
# the pooled fit takes the population fit's name too
pk="$root/examples/pk_data.csv"
"$ketsim" fit --data "$pk" --drug esketamine --estimate s_ket.cl_l_per_h --max-iter 1 --allow-unconverged \
    --out "$tmp/pooled.txt" >/dev/null 2>"$tmp/err" && head -1 "$tmp/pooled.txt" | grep -q '^# NOT A USABLE FIT' \
    && ok || bad "pooled --allow-unconverged: $(cat "$tmp/err")"
"$ketsim" fit --data "$pk" --drug esketamine --estimate s_ket.cl_l_per_h --max-iter 1 >/dev/null 2>&1
[ $? -eq 3 ] && ok || bad "pooled unusable fit: not exit 3"

# ---- a full disk while writing (ulimit -f 4: the 4.7 kB record table) -----
# single files: the table is the third, the first two stay temporary
( trap '' XFSZ; ulimit -f 4; exec "$ketsim" "${F[@]}" --data "$tmp/small.csv" "${OUTS[@]}" ) >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] && grep -q "r.csv" "$tmp/err" && ok || bad "full disk (single files): exit $rc, $(cat "$tmp/err")"
same_as good && ok || bad "full disk changed the previous outputs"
[ -z "$(leftovers)" ] && ok || bad "leftovers after a full disk: $(leftovers)"
# the set alone: its third file fails inside the stage
( trap '' XFSZ; ulimit -f 4; exec "$ketsim" "${F[@]}" --data "$tmp/small.csv" --out-dir "$tmp/set" ) \
    >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] && grep -q "fit_records.csv" "$tmp/err" && ok || bad "full disk (set): exit $rc, $(cat "$tmp/err")"
same_as good && ok || bad "full disk changed the previous set"
[ -z "$(leftovers)" ] && ok || bad "leftovers after a full disk in the set: $(leftovers)"

# ---- interrupted during the fit: Ctrl-C (130) and SIGKILL -----------------
# (not in the sanitizer stage: the full fit is minutes under instrumentation)
if [ "${KETSIM_QUICK_VALIDATE:-0}" = 1 ]; then finish; exit; fi
# all 40 subjects with the covariance step: tens of seconds of fitting
long_fit() { "$ketsim" "${F0[@]}" --data "$tmp/all.csv" "${OUTS[@]}" >/dev/null 2>"$tmp/err" & }
long_fit; pid=$!
sleep 2
kill -INT "$pid"; wait "$pid"; rc=$?
[ "$rc" -eq 130 ] && grep -qx "ketsim: interrupted" "$tmp/err" && ok || bad "SIGINT: exit $rc, $(cat "$tmp/err")"
same_as good && ok || bad "SIGINT changed the previous outputs"
[ -z "$(leftovers)" ] && ok || bad "leftovers after SIGINT: $(leftovers)"
long_fit; pid=$!
sleep 2
kill -KILL "$pid"; wait "$pid" 2>/dev/null
same_as good && ok || bad "SIGKILL changed the previous outputs"
# a killed run's stage and temporary files are its only trace; the next
# run into the directory removes the stage
"$ketsim" "${F[@]}" --data "$tmp/small.csv" --out-dir "$tmp/set" >/dev/null 2>"$tmp/err" \
    && ok || bad "the run after SIGKILL: $(cat "$tmp/err")"
[ -z "$(find "$tmp/set" -name '.ketsim-*')" ] && ok || bad "the stage of the killed run was not removed"

finish
