#!/bin/bash
# One command for every performance number in docs/performance.md:
#   bench/run.sh [BUILD_DIR]        (default: build; configured and built here)
# Environment: BENCH_MAX_SUBJECTS (largest memory run, default 10000; 100000
# takes about 3 more minutes), BENCH_MILLION=1 to really run 1e6 subjects
# (otherwise extrapolated, and labelled so), BENCH_REPEATS (ketsim timing
# repeats, default 40), BENCH_PEER_REPEATS (scipy, default 3; deSolve runs
# 10 x as many).
# Needs: python3 with scipy (python3-scipy), Rscript with deSolve
# (r-cran-desolve, r-base-dev), /usr/bin/time; mpirun (openmpi-bin) optional.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${1:-$root/build}
max_subjects=${BENCH_MAX_SUBJECTS:-10000}
repeats=${BENCH_REPEATS:-40}
peer_repeats=${BENCH_PEER_REPEATS:-3}
# Set up the core build and the peers' packages (bench/packages.txt).
"$root/scripts/setup.sh" "$build"
missing=$(for p in $(sed -e 's/#.*//' "$here/packages.txt"); do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -n "$missing" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
py=/usr/bin/python3
[ -x "$py" ] || py=python3
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 >/dev/null
out="$build/bench-out"
rm -rf "$out"
mkdir -p "$out/traj"
res="$out/results.txt"
ketsim="$build/ketsim"
lib="$build/libketsim_rhs.so"
note() { echo "$*" >>"$res"; }
note "date=$(date -u +%Y-%m-%dT%H:%MZ)"
note "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
note "cores=$(nproc)"
note "load_at_start=$(cut -d' ' -f1 /proc/loadavg)"
note "repeats=$repeats"
note "peer_repeats=$peer_repeats"

# sim_bench lines prefixed: KEY=VALUE -> PREFIX_KEY=VALUE
bench() {
    local prefix="$1"
    shift
    "$build/sim_bench" "$@" | sed "s/^/${prefix}_/" >>"$res"
}
grids="dense trial"
newtons="sparse block dense"
if "$build/sim_bench" 1 --newton klu >/dev/null 2>&1; then newtons="sparse klu block dense"; fi
note "newtons=$newtons"

echo "== ketsim: Newton paths, both grids (per-subject cost, counters, overhead)" >&2
# three interleaved passes, the fastest of each path kept: the paths are
# compared under the same load, not one after the other
for pass in 1 2 3; do
    for g in $grids; do
        for k in $newtons; do
            "$build/sim_bench" "$repeats" --newton "$k" --grid "$g" >"$out/newton_${k}_${g}_$pass.txt"
        done
    done
done
for g in $grids; do
    for k in $newtons; do
        best=$(grep -H '^per_subject_ms=' "$out"/newton_${k}_${g}_*.txt | sort -t= -k2 -g | head -1 | cut -d: -f1)
        sed "s/^/ketsim_${k}_${g}_/" "$best" >>"$res"
    done
done

echo "== reference solutions (ketsim at rtol 1e-10, atol x 1e-4) and ketsim's tolerance sweep" >&2
# tolerance scale factors: quarter decades from 10 down to 1e-3
scales="10 5.62 3.16 1.78 1 0.562 0.316 0.178 0.1 0.0562 0.0316 0.0178 0.01 0.00562 0.00316 0.00178 0.001"
note "tol_scales=$scales"
for g in $grids; do
    bench "ref_$g" 2 --grid "$g" --tol-scale 1e-4 --dump "$out/traj/ref_ketsim_$g.csv"
    i=0
    for f in $scales; do
        bench "sweep${i}_$g" "$repeats" --grid "$g" --tol-scale "$f" --dump "$out/traj/sweep${i}_$g.csv"
        i=$((i + 1))
    done
done

echo "== peers: scipy (solve_ivp LSODA and BDF, odeint) and deSolve lsoda" >&2
"$py" "$here/peer_scipy.py" "$lib" "$out/traj" "$peer_repeats" >>"$res"
Rscript "$here/peer_desolve.R" "$lib" "$out/traj" $((10 * peer_repeats)) >>"$res"

echo "== accuracy against the reference" >&2
for g in $grids; do
    args="reflsoda_$g=$out/traj/ref_lsoda_$g.csv"
    i=0
    for f in $scales; do
        args="$args sweep${i}_$g=$out/traj/sweep${i}_$g.csv"
        i=$((i + 1))
    done
    for c in ivp_lsoda_numjac ivp_lsoda ivp_bdf odeint; do
        args="$args scipy_${c}_$g=$out/traj/scipy_${c}_$g.csv"
    done
    for c in default hmaxinf jac; do
        args="$args desolve_${c}_$g=$out/traj/desolve_${c}_$g.csv"
    done
    # shellcheck disable=SC2086
    "$py" "$here/accuracy.py" "$lib" "$out/traj/ref_ketsim_$g.csv" $args >>"$res"
done

# wall and user seconds and peak RSS of one command: KEY_wall_s, KEY_user_s, KEY_rss_kb
timed() {
    local key="$1"
    shift
    /usr/bin/time -f "${key}_wall_s=%e\n${key}_user_s=%U\n${key}_rss_kb=%M" -o "$out/$key.time" "$@" >/dev/null
    cat "$out/$key.time" >>"$res"
}
scen="$here/single_infusion.yaml"
echo "== threads and processes (1000 subjects, single infusion)" >&2
timed threads1 "$ketsim" trial "$scen" --subjects 1000 --threads 1 --no-subjects --out-dir "$out/t1"
timed threads2 "$ketsim" trial "$scen" --subjects 1000 --threads 2 --no-subjects --out-dir "$out/t2"
cmp -s "$out/t1/single_infusion_summary.json" "$out/t2/single_infusion_summary.json" && note "threads_identical=yes" || note "threads_identical=NO"
if command -v mpirun >/dev/null; then
    export ASAN_OPTIONS=detect_leaks=0
    mpi="mpirun --allow-run-as-root --oversubscribe"
    timed mpi1 $mpi -np 1 "$ketsim" trial "$scen" --subjects 1000 --threads 1 --no-subjects --out-dir "$out/m1"
    timed mpi2 $mpi -np 2 "$ketsim" trial "$scen" --subjects 1000 --threads 1 --no-subjects --out-dir "$out/m2"
    cmp -s "$out/t1/single_infusion_summary.json" "$out/m2/single_infusion_summary.json" && note "mpi_identical=yes" || note "mpi_identical=NO"
fi

echo "== memory and throughput by size (2 threads, no per-subject file)" >&2
for n in 1000 10000 100000 1000000; do
    [ "$n" -le "$max_subjects" ] || continue
    [ "$n" -lt 1000000 ] || continue # the million is run as one trial below
    timed "size$n" "$ketsim" trial "$scen" --subjects 1000 --replicates $((n / 1000)) --threads 2 --no-subjects \
        --out-dir "$out/s$n"
done
# one trial of N subjects: its analysis holds all its subjects' records (1e6
# in one trial with BENCH_MILLION=1: about 10 minutes on two idle cores)
for n in 10000 100000 1000000; do
    [ "$n" -le 10000 ] || [ "$n" -le "$max_subjects" ] || { [ "$n" = 1000000 ] && [ "${BENCH_MILLION:-0}" = 1 ]; } || continue
    timed "one_trial_$n" "$ketsim" trial "$scen" --subjects "$n" --replicates 1 --threads 2 --no-subjects \
        --out-dir "$out/one$n"
done
echo "== the main job" >&2
timed mainjob "$ketsim" run --threads 2 --out-dir "$out/main"
note "load_at_end=$(cut -d' ' -f1 /proc/loadavg)"

"$py" "$here/report.py" "$res" >"$root/docs/performance.md"
echo "wrote $root/docs/performance.md (raw numbers: $res)" >&2
