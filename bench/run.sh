#!/bin/bash
# One command for every performance number in docs/performance.md:
#   bench/run.sh [BUILD_DIR]        (default: build; configured and built here)
# Environment: BENCH_MAX_SUBJECTS (largest memory run, default 100000),
# BENCH_MILLION=1 to really run 1e6 subjects (otherwise extrapolated, and
# labelled so), BENCH_REPEATS (timing repeats, default 40).
# Needs: python3 with scipy (python3-scipy), Rscript with deSolve
# (r-cran-desolve, r-base-dev), /usr/bin/time; mpirun (openmpi-bin) optional.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${1:-$root/build}
max_subjects=${BENCH_MAX_SUBJECTS:-100000}
repeats=${BENCH_REPEATS:-40}
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
mkdir -p "$out"
res="$out/results.txt"
ketsim="$build/ketsim"
lib="$build/libketsim_rhs.so"
note() { echo "$*" >>"$res"; }
note "date=$(date -u +%Y-%m-%dT%H:%MZ)"
note "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
note "cores=$(nproc)"
note "load_at_start=$(cut -d' ' -f1 /proc/loadavg)"

echo "== per-subject cost and solver overhead" >&2
"$build/sim_bench" "$repeats" --dump "$out/ketsim.csv" | sed 's/^/ketsim_/' >>"$res"
"$build/sim_bench" "$repeats" --dense | grep per_subject_ms | sed 's/^/ketsim_denselu_/' >>"$res"

echo "== peers: scipy solve_ivp (LSODA, BDF), deSolve lsoda (compiled)" >&2
"$py" "$here/peer_scipy.py" "$lib" "$out" 5 >>"$res"
Rscript "$here/peer_desolve.R" "$lib" "$out" 20 >>"$res"
for p in scipy_lsoda scipy_bdf desolve_lsoda; do
    "$py" "$here/agree.py" "$out/ketsim.csv" "$out/$p.csv" "$lib" "$p" >>"$res"
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
    [ "$n" -lt 1000000 ] || [ "${BENCH_MILLION:-0}" = 1 ] || continue
    timed "size$n" "$ketsim" trial "$scen" --subjects 1000 --replicates $((n / 1000)) --threads 2 --no-subjects \
        --out-dir "$out/s$n"
done
# one replicate of 10000 subjects: the analysis of one trial holds its subjects
timed one_trial_10000 "$ketsim" trial "$scen" --subjects 10000 --replicates 1 --threads 2 --no-subjects \
    --out-dir "$out/one10000"
echo "== the main job" >&2
timed mainjob "$ketsim" run --threads 2 --out-dir "$out/main"
note "load_at_end=$(cut -d' ' -f1 /proc/loadavg)"

"$py" "$here/report.py" "$res" >"$root/docs/performance.md"
echo "wrote $root/docs/performance.md (raw numbers: $res)" >&2
