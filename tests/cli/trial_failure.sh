#!/usr/bin/env bash
# Solver failures inside a trial: --on-failure stop (default) ends the run
# with exit 1 and one line naming replicate, subject, time and reason;
# --on-failure skip reports each failed subject, counts it in the summary and
# leaves it out of every endpoint.  Every run is wrapped in a timeout (124
# means a hang).  synprot.hill=1e3 makes every subject fail; a value found by bisection
# makes only some of them fail (which ones follows from their parameters).
set -u
KETSIM=${1:?usage: trial_failure.sh path/to/ketsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

run() { # run args...: ketsim trial zarate2006 --replicates 1 args..., stdout/stderr/rc in $tmp
    rm -rf "$tmp/o"
    timeout 300 "$KETSIM" trial zarate2006 --replicates 1 --threads 2 "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    rc=$?
}
stderr_lines() { wc -l <"$tmp/stderr"; }
# json FILE PYTHON-EXPR: print the expression over the parsed file (d); fails
# unless the file is valid JSON
json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null; }

# 1-2. stop (default and explicit): exit 1, one line, no output directory left
for mode in "" "--on-failure stop"; do
    # shellcheck disable=SC2086
    run --set synprot.hill=1e3 --out-dir "$tmp/o" $mode
    if [ $rc -eq 1 ] && [ "$(stderr_lines)" -eq 1 ] && [ ! -e "$tmp/o" ] &&
        grep -qE '^ketsim: replicate 0, subject [0-9]+: solver failed at t = [0-9.e+-]+ h: CV_[A-Z_]+$' "$tmp/stderr"; then
        ok
    else
        bad "stop '$mode': rc=$rc, stderr: $(cat "$tmp/stderr")"
    fi
done

# 3. skip, every subject fails: exit 0, 18 lines reported (10 + summary line),
#    summary says 18 of 18, JSON counts them, no subject rows in the CSV
run --set synprot.hill=1e3 --on-failure skip --out-dir "$tmp/o"
python3 -m json.tool "$tmp/o/zarate2006_summary.json" >/dev/null && ok || bad "skip all: summary JSON does not parse"
if [ $rc -eq 0 ] && grep -q 'failed subjects (solver, skipped and excluded from endpoints): 18 of 18' "$tmp/stdout" &&
    [ "$(grep -c '^ketsim: skipped replicate 0, subject [0-9]*: solver failed at t = ' "$tmp/stderr")" -eq 10 ] &&
    grep -q '^ketsim: \.\.\. and 8 more skipped subjects$' "$tmp/stderr" &&
    [ "$(json "$tmp/o/zarate2006_summary.json" 'd["on_failure"], d["failed_subjects"]')" = "('skip', 18)" ] &&
    [ "$(wc -l <"$tmp/o/zarate2006_subjects.csv")" -eq 1 ]; then
    ok
else
    bad "skip all: rc=$rc, stdout: $(grep failed "$tmp/stdout"), stderr: $(head -3 "$tmp/stderr")"
fi

# 4. skip, some subjects fail: the endpoints use exactly the others.  Where
#    the failures begin depends on the model's calibration, so bisect
#    synprot.hill between 40 (none fail) and 1e3 (all fail) for a value at
#    which 1 to 10 of the 18 subjects fail (all of them named on stderr).
n_failed() {
    timeout 300 "$KETSIM" trial zarate2006 --replicates 1 --threads 2 --set synprot.hill="$1" --on-failure skip \
        --no-subjects 2>/dev/null | sed -n 's/.*endpoints): \([0-9]*\) of 18.*/\1/p'
}
lo=40 hi=1000 hill=""
for _ in $(seq 1 24); do
    mid=$(awk -v a="$lo" -v b="$hi" 'BEGIN { printf "%.6g", (a + b) / 2 }')
    n=$(n_failed "$mid")
    if [ -z "$n" ]; then break; fi
    if [ "$n" -gt 0 ] && [ "$n" -le 10 ]; then hill=$mid; break; fi
    if [ "$n" -eq 0 ]; then lo=$mid; else hi=$mid; fi
done
[ -n "$hill" ] || hill=$hi
run --set synprot.hill="$hill" --on-failure skip --out-dir "$tmp/o"
cp "$tmp/o/zarate2006_summary.json" "$tmp/partial_t2.json" 2>/dev/null
k=$(grep -c '^ketsim: skipped replicate 0, subject ' "$tmp/stderr")
failed_ids=$(sed -n 's/^ketsim: skipped replicate 0, subject \([0-9]*\):.*/\1/p' "$tmp/stderr" | sort -n | tr '\n' ' ')
kept_ids=$(tail -n +2 "$tmp/o/zarate2006_subjects.csv" 2>/dev/null | cut -d, -f2 | sort -un | tr '\n' ' ')
all_ids=$(printf '%s%s' "$failed_ids" "$kept_ids" | tr ' ' '\n' | grep . | sort -n | tr '\n' ' ')
n_1d=$(json "$tmp/o/zarate2006_summary.json" '[int(m["median"]) for m in d["metrics"] if m["name"] == "ketamine@1d.n"][0]')
if [ $rc -eq 0 ] && [ "$k" -gt 0 ] && [ "$k" -lt 18 ] &&
    grep -q "failed subjects (solver, skipped and excluded from endpoints): $k of 18" "$tmp/stdout" &&
    [ "$(json "$tmp/o/zarate2006_summary.json" 'd["failed_subjects"]')" = "$k" ] &&
    [ "$all_ids" = "$(seq 0 17 | tr '\n' ' ')" ] && [ "$n_1d" = "$((18 - k))" ]; then
    ok
else
    bad "skip some (synprot.hill=$hill): rc=$rc k=$k failed=[$failed_ids] kept=[$kept_ids] ketamine@1d.n=$n_1d"
fi

# 5. the same partial failure is independent of the thread count
rm -rf "$tmp/o"
timeout 300 "$KETSIM" trial zarate2006 --replicates 1 --threads 1 --set synprot.hill="$hill" --on-failure skip \
    --out-dir "$tmp/o" >/dev/null 2>&1
cmp -s "$tmp/o/zarate2006_summary.json" "$tmp/partial_t2.json" && ok || bad "skip some: threads 1 and 2 differ"

# 6-7. the wall-time guard: a limit no solve can meet fails every subject
run --subject-timeout 1e-9 --out-dir "$tmp/o"
if [ $rc -eq 1 ] && [ "$(stderr_lines)" -eq 1 ] && [ ! -e "$tmp/o" ] &&
    grep -qE '^ketsim: replicate 0, subject [0-9]+: solver exceeded the wall-time limit of 1e-09 s by t = [0-9.e+-]+ h$' "$tmp/stderr"; then
    ok
else
    bad "subject timeout stop: rc=$rc, stderr: $(cat "$tmp/stderr")"
fi
run --subject-timeout 1e-9 --on-failure skip
[ $rc -eq 0 ] && grep -q 'excluded from endpoints): 18 of 18' "$tmp/stdout" && ok ||
    bad "subject timeout skip: rc=$rc, stderr: $(head -2 "$tmp/stderr")"

# 8-10. bad option values are usage errors
for opt in "--on-failure ignore" "--subject-timeout 0" "--subject-timeout nan"; do
    # shellcheck disable=SC2086
    run $opt --out-dir "$tmp/o"
    [ $rc -eq 2 ] && [ "$(stderr_lines)" -eq 1 ] && grep -qF -- "${opt%% *} '${opt#* }'" "$tmp/stderr" &&
        [ ! -e "$tmp/o" ] && ok || bad "$opt: rc=$rc, stderr: $(cat "$tmp/stderr")"
done

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
