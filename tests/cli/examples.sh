#!/bin/bash
# Every example of examples/README.md runs (with fewer replicates or
# patients) and exits 0, writing the files it names.
KETSIM=${1:?usage: examples.sh /path/to/ketsim}
root=$(cd "$(dirname "$0")/../.." && pwd)
ex="$root/examples"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
pass=0
failed=0
run() { # NAME FILE-THAT-MUST-EXIST COMMAND...
    local name=$1 want=$2
    shift 2
    if "$@" >"$dir/out.txt" 2>&1 && { [ -z "$want" ] || [ -s "$want" ]; }; then
        pass=$((pass + 1))
    else
        echo "FAIL: $name: $(tail -3 "$dir/out.txt")"
        failed=$((failed + 1))
    fi
}

mkdir -p "$dir/r" # simulate --out and fit --out write into existing directories
run researcher "$dir/r/run.csv" "$KETSIM" simulate --dose iv:0.5mg/kg:40min --until 3d --every 10min \
    --out "$dir/r/run.csv" --plot "$dir/r/figs"
run "trial designer" "$dir/t/saline_vs_ketamine_course_relapse.png" "$KETSIM" trial \
    "$ex/trial_saline_vs_ketamine.yaml" --replicates 2 --out-dir "$dir/t" --plot "$dir/t"
run neuropharmacologist "$dir/l/nbqx_time_course_readouts.png" "$KETSIM" lab "$ex/lab_nbqx_protocol.yaml" \
    --out-dir "$dir/l" --plot "$dir/l"
mkdir -p "$dir/m"
run "modeller fit" "$dir/m/fit.txt" "$KETSIM" fit --data "$ex/pk_data.csv" --drug esketamine \
    --estimate s_ket.cl_l_per_h,s_ket.v1_l --out "$dir/m/fit.txt"
run "modeller simulate" "" "$KETSIM" simulate --drug esketamine --params "$dir/m/fit.txt" --dose iv:20mg:40min \
    --until 12h
run "modeller sensitivity" "$dir/m/sensitivity.csv" "$KETSIM" sensitivity --output madrs --time 24h \
    --params spine.elimination_k_per_h,ltp.late_max --out "$dir/m/sensitivity.csv"
run "modeller export" "$dir/m/ketsim.xml" "$KETSIM" export sbml --out "$dir/m/ketsim.xml"
run "developer simulate" "$dir/d/clinical.png" "$KETSIM" simulate --drug "$ex/hnk_like.yaml" \
    --dose iv:0.5mg/kg:40min --until 3d --plot "$dir/d"
run "developer design" "$dir/d/design_tradeoff.png" "$KETSIM" design --base "$ex/hnk_like.yaml" \
    --grid ampa_emax=0.2:0.8:2 --subjects 10 --days 3 --out-dir "$dir/d" --plot "$dir/d"

# the fit recovers the values the synthetic data were made with (header)
cl=$(sed -n 's/^s_ket.cl_l_per_h=//p' "$dir/m/fit.txt")
awk -v v="$cl" 'BEGIN { exit !(v > 60 && v < 100) }' && pass=$((pass + 1)) \
    || { echo "FAIL: fitted clearance $cl L/h, data made with 80"; failed=$((failed + 1)); }

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
