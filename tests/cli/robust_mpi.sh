#!/usr/bin/env bash
# Under mpirun: commands that do not split their work refuse to run on more
# than one rank (instead of repeating it and printing everything twice), a
# rank that fails alone stops the whole job within seconds (instead of the
# others waiting for it for ever), and an output check that fails on rank 0
# stops every rank with its message.  Skipped without mpirun or MPI support.
source "$(dirname "$0")/lib/common.bash"
if ! command -v mpirun >/dev/null 2>&1 || [ "${KETSIM_BUILT_WITH_MPI:-}" = OFF ]; then
    echo "SKIP: no mpirun or no MPI support in this build"
    echo "0 passed, 0 failed"
    exit 0
fi
export ASAN_OPTIONS=detect_leaks=0 # MPI's own allocations are not ours
mpi() { timeout 60 mpirun --allow-run-as-root --oversubscribe -np 2 "$@"; }
cd "$tmp" || exit 1

for cmd in "lab ampa_block" "predict --subjects 10 --bootstrap 0" "design --subjects 10 --days 2" \
           "optimize --subjects 2" "simulate --until 1h" "validate"; do
    # shellcheck disable=SC2086
    mpi "$ketsim" $cmd >out.txt 2>err.txt
    rc=$?
    n=$(grep -c "does not split its work between MPI processes" err.txt)
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ "$n" -eq 1 ] && [ ! -s out.txt ]; then ok; else
        bad "mpirun -np 2 ketsim $cmd: rc=$rc, message $n times, stdout $(wc -c <out.txt) bytes"
    fi
done

# Rank 0 cannot write the first trial's files of the main job (a full disk,
# here a file size limit) while rank 1 goes on to the second trial and its
# collectives: the job must end with the error, not hang.
cp -r "$root/data" data4
sed -i 's/^subjects: .*/subjects: 4/' data4/scenarios/zarate2006.yaml data4/scenarios/murrough2013.yaml
start=$(date +%s)
# (the limit on the ranks only: mpirun itself needs room for its shared memory)
mpi bash -c 'trap "" XFSZ; ulimit -f 4; exec "$0" --data-dir data4 run --out-dir main_out' "$ketsim" >out.txt 2>err.txt
rc=$?
took=$(( $(date +%s) - start ))
if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ "$took" -lt 30 ] && grep -q "File too large" err.txt; then ok; else
    bad "a rank failing alone: rc=$rc after ${took}s (124 = hung until the timeout): $(head -c 300 err.txt)"
fi

# an output location that rank 0 cannot use stops both ranks at once
touch afile
mpi "$ketsim" trial zarate2006 --replicates 1 --subjects 4 --out-dir afile >out.txt 2>err.txt
rc=$?
[ "$rc" -eq 1 ] && grep -q "exists and is not a directory" err.txt && [ ! -s out.txt ] && ok ||
    bad "trial --out-dir onto a file under mpirun: rc=$rc $(head -c 300 err.txt)"
# and the ordinary case still works
mpi "$ketsim" trial zarate2006 --replicates 2 --subjects 4 --out-dir good >out.txt 2>err.txt && [ -s good/zarate2006_manifest.json ] &&
    [ "$(grep -c '^zarate2006:' out.txt)" -eq 1 ] && ok || bad "mpirun trial: $(head -c 300 err.txt)"

finish
