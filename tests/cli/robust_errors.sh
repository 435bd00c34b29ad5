#!/usr/bin/env bash
# Errors say what went wrong, to the end: messages are not cut before their
# reason, numbers on the command line are decimal, values that make the model
# undefined are refused, a NaN in an output is an error, and a fit that did
# not converge does not pass for a result (docs/robustness.md).
source "$(dirname "$0")/lib/common.bash"
cd "$tmp" || exit 1

# expect STATUS PATTERN CMD...: exit status and a stderr line matching PATTERN
expect() {
    local want=$1 pat=$2; shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ "$rc" -ne "$want" ] || ! grep -Eq -- "$pat" "$tmp/err"; then
        bad "${*:1:6} -> exit $rc (want $want), stderr: $(head -c 300 "$tmp/err")"
    else
        ok
    fi
}

# --- a long path does not push the reason out of the message -------------
seg=$(printf 'd%.0s' $(seq 99))
long=$seg/$seg/$seg/$seg/$seg/$seg/$seg                       # 700 characters
expect 1 "cannot create output file: No such file or directory$" "$ketsim" simulate --until 1h --out "$tmp/$long/x.csv"
long2=$long/$long/$long/$long                                  # 2800 characters
expect 1 "\[\.\.\.\].*cannot create output file: No such file or directory$" \
    "$ketsim" simulate --until 1h --out "$tmp/$long2/y.csv"

# --- numbers on the command line are decimal: no hex, inf or nan ---------
# Each case would run (cheaply) if the number were taken; bad usage is 2.
for v in 0x10 inf nan 1e999 " 5"; do
    expect 2 . "$ketsim" simulate --weight "$v" --until 1h
    expect 2 . "$ketsim" simulate --set "cadss.x50=$v" --until 1h
    expect 2 . "$ketsim" params --set "cadss.x50=$v"
    expect 2 . "$ketsim" trial zarate2006 --replicates 1 --subjects 4 --seed "$v"
    expect 2 . "$ketsim" trial zarate2006 --replicates 1 --subjects 4 --subject-timeout "$v"
    expect 2 . "$ketsim" lab ampa_block --seed "$v"
    expect 2 . "$ketsim" export sbml --weight "$v" --out "$tmp/m.xml"
    expect 2 . "$ketsim" sensitivity --output madrs --time 1h --params cadss.x50 --samples "$v"
    expect 2 . "$ketsim" predict --subjects 10 --bootstrap 0 --seed "$v"
    expect 2 . "$ketsim" design --subjects 10 --days "$v"
    expect 2 . "$ketsim" optimize --subjects 2 --cap-cadss "$v"
    expect 2 . "$ketsim" run --threads "$v"
done
printf 'cadss.x50 = 0x10\n' >"$tmp/hex.txt"
expect 2 "hex.txt:1" "$ketsim" simulate --params "$tmp/hex.txt" --until 1h
[ ! -e "$tmp/m.xml" ] && ok || bad "export wrote m.xml for a bad --weight"

# --- values that make the model undefined are outside the rows' ranges ----
for p in cadss.x50 sbp.x50 ltp.early_k_off_per_h ltp.late_k_off_per_h ltp.late_max; do
    expect 2 "parameter '$p': value 0 outside the allowed range" "$ketsim" simulate --set "$p=0" --until 1h --out "$tmp/z.csv"
done
[ ! -e "$tmp/z.csv" ] && ok || bad "a refused --set left an output"
# --- a NaN in an output is an error naming the output and the time -------
# (a steep Hill curve at a tiny half-maximum underflows to 0/0 at baseline)
nan_set="--set cadss.hill=1000 --set cadss.x50=1e-9"
# shellcheck disable=SC2086
expect 1 "output 'cadss' is NaN at t = 0 h" "$ketsim" simulate $nan_set --until 1h --every 1h --out "$tmp/nan.csv"
[ ! -e "$tmp/nan.csv" ] && ok || bad "an output with NaN was written"
# shellcheck disable=SC2086
expect 1 "output 'cadss' is NaN" "$ketsim" simulate $nan_set --until 1h --every 1h
# shellcheck disable=SC2086
expect 1 "subject 0: output 'cadss' is NaN" "$ketsim" trial zarate2006 --replicates 1 --subjects 4 $nan_set

# --- fixed-size fields are not cut silently ---------------------------------
# visit labels are the visits' texts in 16-byte fields: cut, two visits
# shared one label and their endpoints one name
sed 's|^visits: .*|visits: [40min, 1d, 10080.00000000001min, 10080.00000000002min]|' \
    "$root/data/scenarios/zarate2006.yaml" >"$tmp/labels.yaml"
expect 2 "labels.yaml:17: field 'visits\[2\]': longer than 15 characters" \
    "$ketsim" trial "$tmp/labels.yaml" --replicates 1 --subjects 4 --out-dir "$tmp/labels_out"
[ ! -e "$tmp/labels_out" ] && ok || bad "a refused scenario left its --out-dir"
# a data directory whose paths would not fit the 4096-byte path buffers
deep=$tmp; while [ ${#deep} -lt 3600 ]; do deep=$deep/$(printf 'x%.0s' $(seq 200)); done
expect 2 "data-dir: path too long" "$ketsim" --data-dir "$deep" trial zarate2006

# --- a fit that did not converge is not a result --------------------------
pk="$root/examples/pk_data.csv"
expect 3 "NOT converged after 1 iterations.*no --out or --report file written" \
    "$ketsim" fit --data "$pk" --drug esketamine --estimate s_ket.cl_l_per_h,s_ket.v1_l --max-iter 1 --out "$tmp/f1.txt"
[ ! -e "$tmp/f1.txt" ] && ok || bad "an unconverged fit wrote $tmp/f1.txt"
# a parameter the data say nothing about: singular J^T J, SE nan
expect 3 "SE of cadss.x50 is nan" "$ketsim" fit --data "$pk" --drug esketamine --estimate cadss.x50 --out "$tmp/f2.txt"
[ ! -e "$tmp/f2.txt" ] && ok || bad "a fit with SE nan wrote its start value as the estimate"
expect 0 "kept because of --accept-unusable" "$ketsim" fit --data "$pk" --drug esketamine \
    --estimate s_ket.cl_l_per_h --max-iter 1 --accept-unusable --out "$tmp/f3.txt"
grep -q "^# NOT A USABLE FIT" "$tmp/f3.txt" && ok || bad "--accept-unusable: the file does not say so"

finish
