#!/usr/bin/env bash
# Ctrl-C stops every command cleanly: exit 130, "ketsim: interrupted" on
# stderr, and neither a temporary file, a staging directory nor an output
# directory the run created is left (docs/robustness.md).  Each command is
# interrupted in the middle of its work, once its outputs are open.
source "$(dirname "$0")/lib/common.bash"
w="$tmp/work"
mkdir -p "$w"
cd "$w" || exit 1

# interrupt LABEL PATTERN CMD...: run CMD, wait until PATTERN (a glob of the
# run's temporary outputs) exists, let it work a moment, send SIGINT
interrupt() {
    local label=$1 pattern=$2; shift 2
    "$@" >/dev/null 2>"$tmp/err" &
    local pid=$! seen=0
    for _ in $(seq 400); do
        # shellcheck disable=SC2086
        if compgen -G "$pattern" >/dev/null; then seen=1; break; fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.025
    done
    sleep 0.3
    kill -0 "$pid" 2>/dev/null || { bad "$label: ended before it could be interrupted (seen=$seen): $(cat "$tmp/err")"; return; }
    kill "-${SIG:-INT}" "$pid"
    wait "$pid"
    local rc=$? want=${WANT:-130} says=${SAYS:-ketsim: interrupted}
    local left
    left=$(find "$w" -mindepth 1 \( -name '.ketsim-*' -o -name '*.tmp.*' -o -newer "$tmp/stamp" \) 2>/dev/null)
    if [ "$seen" -eq 1 ] && [ "$rc" -eq "$want" ] && grep -qx "$says" "$tmp/err" && [ -z "$left" ]; then
        ok
    else
        bad "$label: seen=$seen rc=$rc stderr: $(head -c 200 "$tmp/err"); left: $left"
    fi
    rm -rf "${w:?}"/*
}

# inputs outside the work directory, so that anything new in it is a leftover
sed 's/^    n: 8$/    n: 200/' "$root/data/lab/chronic_stress.yaml" >"$tmp/big_lab.yaml"
{ echo "ID,TIME,AMT,RATE,CMT,EVID,DV,OUTPUT"
  for k in $(seq 0 19); do
      grep -v -e '^#' -e '^ID' "$root/examples/pk_data.csv" | awk -F, -v k="$k" 'BEGIN{OFS=","} {$1 = $1 + 4 * k; print}'
  done; } >"$tmp/pk80.csv"
touch "$tmp/stamp"
sleep 1.1  # so that -newer tells the work directory's new files apart

interrupt "trial" "$w/t/.ketsim-stage.*" \
    "$ketsim" trial zarate2006 --replicates 2000 --out-dir "$w/t" --plot "$w/tf"
interrupt "lab" "$w/l/.ketsim-stage.*" "$ketsim" lab "$tmp/big_lab.yaml" --out-dir "$w/l" --plot "$w/lf"
interrupt "predict" "$w/p/.ketsim-stage.*" "$ketsim" predict --subjects 3000 --out-dir "$w/p"
interrupt "design" "$w/d/.ketsim-stage.*" "$ketsim" design --subjects 1000 --out-dir "$w/d" --plot "$w/d"
interrupt "optimize" "$w/o/.ketsim-stage.*" "$ketsim" optimize --out-dir "$w/o"
interrupt "run" "$w/r/.ketsim-stage.*" "$ketsim" run --out-dir "$w/r"
interrupt "fit" "$w/fit.txt.tmp.*" "$ketsim" fit --data "$tmp/pk80.csv" --drug esketamine \
    --estimate s_ket.cl_l_per_h,s_ket.v1_l --error combined --out "$w/fit.txt"
interrupt "calibrate" "$w/cal.txt.tmp.*" "$ketsim" calibrate --out "$w/cal.txt"
interrupt "sensitivity" "$w/s.csv.tmp.*" "$ketsim" sensitivity --output madrs --time 24h --method sobol \
    --params spine.elimination_k_per_h,ltp.late_max --samples 2000 --out "$w/s.csv"
interrupt "validate" "$w/v.md.tmp.*" "$ketsim" validate --markdown "$w/v.md"
interrupt "simulate --plot" "$w/figs/.ketsim-stage.*" "$ketsim" simulate --until 180d --every 1min \
    --out "$w/big.csv" --plot "$w/figs"
# SIGTERM (kill, a batch system's time limit) is cleaned up the same way
SIG=TERM WANT=143 SAYS="ketsim: terminated (SIGTERM)" interrupt "trial, SIGTERM" "$w/t/.ketsim-stage.*" \
    "$ketsim" trial zarate2006 --replicates 2000 --out-dir "$w/t"
# export is over in a blink: a FIFO nobody reads holds it in the middle of
# its write, with its output open
mkfifo "$tmp/fifo.xml"
exec 3<>"$tmp/fifo.xml"   # a reader that never reads: the pipe fills and the write blocks
interrupt "export" "$tmp/fifo.xml" "$ketsim" export sbml --out "$tmp/fifo.xml"
exec 3>&-

finish
