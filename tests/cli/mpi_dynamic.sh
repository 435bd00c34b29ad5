#!/usr/bin/env bash
# Under mpirun the subjects are handed out in blocks as ranks run out of
# work, so a rank that is held up does less instead of holding up the job.
# Rank 1 is stopped (SIGSTOP) while the trial runs, for 70% of the time one
# process takes on this machine (at least 4 s, at most 8 s: a subject whose
# solve is held past 10 s of wall time fails by design): rank 0 must then do most of
# the work (a fixed half each would leave it waiting), the rank that waits
# must not spin, and the files must still be byte-identical to one
# process's.  The stop scales with the measured time because a fixed one is
# a small part of the job on a slower or busier machine.
# Skipped without mpirun or MPI support, and in the sanitizer stage.
source "$(dirname "$0")/lib/common.bash"
if ! command -v mpirun >/dev/null 2>&1 || [ "${KETSIM_BUILT_WITH_MPI:-}" = OFF ]; then
    echo "SKIP: no mpirun or no MPI support in this build"
    echo "0 passed, 0 failed"
    exit 0
fi
skip_if_quick
cd "$tmp" || exit 1
scen="$root/bench/single_infusion.yaml"
/usr/bin/time -f "%U %e" -o time.one "$ketsim" trial "$scen" --subjects 4000 --threads 1 --out-dir one >/dev/null 2>err1.txt ||
    bad "one process: $(head -c 300 err1.txt)"
read -r c wall_one <time.one
awk -v c="${c:-0}" 'BEGIN { print c }' >cpu.one
stop_s=$(awk -v w="${wall_one:-0}" 'BEGIN { s = 0.7 * w; if (s < 4) s = 4; if (s > 8) s = 8; printf "%.1f", s }')
# each rank writes its pid, then its CPU seconds at the end
timeout 300 mpirun --allow-run-as-root --oversubscribe -np 2 bash -c \
    'echo $$ >pid.$OMPI_COMM_WORLD_RANK; exec /usr/bin/time -f %U -o cpu.$OMPI_COMM_WORLD_RANK "$0" trial "$1" --subjects 4000 --threads 1 --out-dir two' \
    "$ketsim" "$scen" >out.txt 2>err2.txt &
job=$!
for _ in $(seq 100); do [ -s pid.1 ] && break; sleep 0.1; done
sleep 0.5
# the rank itself is the child of /usr/bin/time
r1=$(pgrep -P "$(cat pid.1)" | head -1)
kill -STOP "$r1" 2>/dev/null
sleep "$stop_s"
kill -CONT "$r1" 2>/dev/null
wait $job || bad "mpirun: $(head -c 300 err2.txt)"
for f in single_infusion_subjects.csv single_infusion_summary.json; do
    cmp -s "one/$f" "two/$f" && ok || bad "$f differs between 1 process and 2 ranks with dynamic shares"
done
c0=$(cat cpu.0 2>/dev/null) c1=$(cat cpu.1 2>/dev/null)
# rank 0 ran alone for 70% of the one-process time: well over half
if awk -v a="${c0:-0}" -v b="${c1:-0}" 'BEGIN { exit !(a + b > 0 && a / (a + b) > 0.6) }'; then ok; else
    bad "rank 0 did not take over the stopped rank's work: CPU rank 0 ${c0:-?} s, rank 1 ${c1:-?} s"
fi
# and the rank that waits for the other sleeps instead of spinning: the two
# ranks together use about the CPU of one process (spinning through the
# stop would add its length)
c=$(cat cpu.one 2>/dev/null)
if awk -v a="${c0:-0}" -v b="${c1:-0}" -v c="${c:-0}" 'BEGIN { exit !(c > 0 && a + b < 1.4 * c) }'; then ok; else
    bad "the ranks used ${c0:-?} + ${c1:-?} CPU seconds for work that takes ${c:-?} s in one process"
fi
echo "CPU seconds: rank 0 ${c0:-?}, rank 1 ${c1:-?}; one process ${c:-?} (${wall_one:-?} s wall); rank 1 stopped ${stop_s} s"
finish
