#!/usr/bin/env bash
# Population estimation is reproducible: fit --method foce-i and
# --method saem (both without the covariance step, to keep the test short)
# on a small simulated population (pop_make_data small, first 10
# subjects) give byte-identical --table and
# --out files, the same --json apart from its two wall-time fields, and the
# same printed table apart from its timing line, with 1, 2 and 3 threads;
# another --seed changes SAEM's result.  Under mpirun, fit does not split
# its subjects between processes: it refuses to run on 2 ranks (once,
# exit 2, nothing on stdout, no file).
# KETSIM_QUICK_VALIDATE=1 (sanitizer stage): 4 subjects, 1 and 2 threads.
source "$(dirname "$0")/lib/common.bash"
gen="$(dirname "$ketsim")/pop_make_data"
cd "$tmp" || exit 1
"$gen" small all.csv || { echo "FAIL: pop_make_data"; exit 1; }
nsubj=10 threads="1 2 3"
[ "${KETSIM_QUICK_VALIDATE:-0}" = 1 ] && nsubj=4 threads="1 2"
head -n $((nsubj * 6 + 1)) all.csv >data.csv # the header and 6 records a subject
args=(--drug "$root/examples/theoph.yaml" --data data.csv --error proportional
      --estimate theo.cl_l_per_h,theo.v1_l,theo.route.po.ka_per_h --eta theo.cl_l_per_h,theo.v1_l)

# the JSON without its wall-time fields; the printed table without the
# summary line that ends in the times
json_core() { grep -v '^  "seconds' "$1"; }
table() { grep -v '^fit .*simulations, [0-9.]* s$' "$1"; }

# run NAME ARGS...: one fit writing NAME.json, NAME.csv, NAME.txt, NAME.out
run() {
    local name=$1
    shift
    "$ketsim" fit "${args[@]}" "$@" --json "$name.json" --table "$name.csv" --out "$name.txt" \
        >"$name.out" 2>"$name.err" || { bad "fit $*: exit $?: $(cat "$name.err")"; return 1; }
}

# same A B: the two fits' files agree
same() {
    local a=$1 b=$2
    cmp -s "$a.csv" "$b.csv" && cmp -s "$a.txt" "$b.txt" &&
        diff <(json_core "$a.json") <(json_core "$b.json") >/dev/null &&
        diff <(table "$a.out") <(table "$b.out") >/dev/null
}

for method in foce-i saem; do
    extra=(--cov none)
    [ "$method" = saem ] && extra=(--saem-iter 20,10 --cov none --seed 7)
    for t in $threads; do
        run "$method.t$t" --method "$method" "${extra[@]}" --threads "$t" || continue
        [ "$t" = 1 ] && continue
        same "$method.t1" "$method.t$t" && ok || bad "$method: output differs between 1 and $t threads"
    done
    # the checks above compare something: the files are there and hold the fit
    [ "$(wc -l <"$method.t1.csv")" -eq $((nsubj * 5 + 1)) ] && grep -q '"theo.cl_l_per_h"' "$method.t1.json" &&
        [ "$(grep -c '"seconds' "$method.t1.json")" -eq 2 ] && ok || bad "$method: unexpected files"
done
run saem.s8 --method saem --saem-iter 20,10 --cov none --seed 8 --threads 2 &&
    { cmp -s saem.t1.txt saem.s8.txt && bad "saem: --seed has no effect on the estimates" || ok; }

if command -v mpirun >/dev/null 2>&1 && [ "${KETSIM_BUILT_WITH_MPI:-}" = ON ]; then
    ASAN_OPTIONS=detect_leaks=0 timeout 60 mpirun --allow-run-as-root --oversubscribe -np 2 \
        "$ketsim" fit "${args[@]}" --method foce-i --out mpi.txt >mpi.out 2>mpi.err
    rc=$?
    [ "$rc" -eq 2 ] && [ "$(grep -c 'does not split its work between MPI processes' mpi.err)" -eq 1 ] &&
        [ ! -s mpi.out ] && [ ! -e mpi.txt ] && ok || bad "mpirun -np 2 fit: rc=$rc $(head -c 300 mpi.err)"
else
    echo "no mpirun or no MPI support: the 2-rank refusal is not checked"
fi
finish
