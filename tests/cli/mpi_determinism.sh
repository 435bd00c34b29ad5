#!/bin/bash
# Under `mpirun -np 2` a trial gives byte-identical files and table to one
# process with the same seed, also every replicate's subjects streamed.  Skipped (passes with a message) when mpirun is
# missing or the program was built without MPI.
set -u
KETSIM="$1"
if ! command -v mpirun >/dev/null 2>&1; then
    echo "SKIP: mpirun not found (install openmpi-bin to run this test)"
    echo "0 passed, 0 failed"
    exit 0
fi
if [ "${KETSIM_BUILT_WITH_MPI:-}" = OFF ]; then
    echo "SKIP: ketsim was built without MPI support (-DKETSIM_MPI=OFF or no MPI library)"
    echo "0 passed, 0 failed"
    exit 0
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
pass=0
failn=0
# check LABEL COMMAND...
check() {
    local label="$1"
    shift
    if "$@"; then pass=$((pass + 1)); else failn=$((failn + 1)); echo "FAIL: $label"; fi
}
cat >"$dir/small.yaml" <<'Y'
name: small
design: parallel
subjects: 7
arms:
  - name: midazolam
    control: midazolam
  - name: ketamine
    dose_mg_per_kg: 0.5
visits: [2h, 1d, 7d]
primary_visit: 1d
dropout: 0.2
Y
# MPI leak reports are not ours: keep the sanitizer build's leak checker off here
export ASAN_OPTIONS=detect_leaks=0
mpi="mpirun --allow-run-as-root --oversubscribe -np"
"$KETSIM" trial "$dir/small.yaml" --seed 3 --replicates 5 --threads 1 --out-dir "$dir/one" >"$dir/one.txt" 2>"$dir/one.err" \
    || { echo "FAIL: single-process run"; cat "$dir/one.err"; exit 1; }
$mpi 2 "$KETSIM" trial "$dir/small.yaml" --seed 3 --replicates 5 --threads 1 --out-dir "$dir/two" >"$dir/two.txt" 2>"$dir/two.err" \
    || { echo "FAIL: mpirun -np 2"; cat "$dir/two.err"; exit 1; }
$mpi 3 "$KETSIM" trial "$dir/small.yaml" --seed 3 --replicates 5 --threads 2 --out-dir "$dir/three" >"$dir/three.txt" 2>"$dir/three.err" \
    || { echo "FAIL: mpirun -np 3"; cat "$dir/three.err"; exit 1; }
for f in small_subjects.csv small_summary.json; do
    check "$f: 1 process vs 2" cmp -s "$dir/one/$f" "$dir/two/$f"
    check "$f: 1 process vs 3 (2 threads each)" cmp -s "$dir/one/$f" "$dir/three/$f"
done
check "summary JSON parses" python3 -m json.tool "$dir/one/small_summary.json"
# every replicate's subjects, streamed chunk by chunk (one replicate a chunk)
"$KETSIM" trial "$dir/small.yaml" --seed 3 --replicates 5 --threads 1 --all-subjects --out-dir "$dir/one_all" \
    >/dev/null 2>&1 || { echo "FAIL: single-process --all-subjects run"; exit 1; }
$mpi 2 "$KETSIM" trial "$dir/small.yaml" --seed 3 --replicates 5 --threads 1 --all-subjects --chunk-subjects 7 \
    --out-dir "$dir/two_all" >/dev/null 2>&1 || { echo "FAIL: mpirun -np 2 --all-subjects"; exit 1; }
check "--all-subjects: 1 process vs 2, chunks of one replicate" \
    cmp -s "$dir/one_all/small_subjects.csv" "$dir/two_all/small_subjects.csv"
# the last line names the output directory, which differs
same_table() { cmp -s <(grep -v '^wrote' "$1") <(grep -v '^wrote' "$2"); }
check "printed table: 1 process vs 2 (printed once)" same_table "$dir/one.txt" "$dir/two.txt"
check "printed table: 1 process vs 3" same_table "$dir/one.txt" "$dir/three.txt"
# a different seed must change the result, or the comparison proves nothing
"$KETSIM" trial "$dir/small.yaml" --seed 4 --replicates 5 --threads 1 --out-dir "$dir/other" >/dev/null 2>&1
check "seed has an effect" bash -c "! cmp -s '$dir/one/small_subjects.csv' '$dir/other/small_subjects.csv'"
echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
