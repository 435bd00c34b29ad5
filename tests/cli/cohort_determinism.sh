#!/usr/bin/env bash
# The virtual-cohort commands are reproducible: predict, design and optimize
# give byte-identical files (and the same printed table) with 1, 2 and 3
# threads for one seed, and different files for another seed; lab (one
# thread by design: it has no --threads) gives the same files for the same
# seed on every run and different ones for another seed.  The manifests
# differ only in what names the run (run id, time, command line, output
# directory): their list of files, sizes and checksums is compared.
source "$(dirname "$0")/lib/common.bash"
cd "$tmp" || exit 1

# same_set A B SET: every data file of the two output directories is the same
# bytes, and the two manifests list the same files, sizes and checksums
same_set() {
    local a=$1 b=$2 set=$3 f
    for f in "$a"/*; do
        f=$(basename "$f")
        [ "$f" = "${set}_manifest.json" ] && continue
        cmp -s "$a/$f" "$b/$f" || return 1
    done
    [ "$(ls "$a" | wc -l)" -eq "$(ls "$b" | wc -l)" ] || return 1
    python3 - "$a/${set}_manifest.json" "$b/${set}_manifest.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
sys.exit(0 if a["files"] == b["files"] and a["seeds"] == b["seeds"] else 1)
PY
}

# the printed table without the lines that name the output directory
table() { grep -v '^wrote ' "$1"; }

# check CMD SET SEEDFLAG ARGS...: threads 1, 2, 3 with seed 3, then seed 4
check() {
    local cmd=$1 set=$2 seedflag=$3 t
    shift 3
    for t in 1 2 3; do
        "$ketsim" "$cmd" "$@" "$seedflag" 3 --threads "$t" --out-dir "$cmd.t$t" >"$cmd.t$t.txt" 2>"$cmd.err" ||
            { bad "$cmd --threads $t: $(cat "$cmd.err")"; return; }
    done
    "$ketsim" "$cmd" "$@" "$seedflag" 4 --threads 2 --out-dir "$cmd.s4" >"$cmd.s4.txt" 2>"$cmd.err" ||
        { bad "$cmd $seedflag 4: $(cat "$cmd.err")"; return; }
    [ -s "$cmd.t1/$set.csv" ] && [ -s "$cmd.t1/$set.json" ] && ok || bad "$cmd: no $set.csv or $set.json"
    for t in 2 3; do
        same_set "$cmd.t1" "$cmd.t$t" "$set" && ok || bad "$cmd: files differ between 1 and $t threads"
        diff <(table "$cmd.t1.txt") <(table "$cmd.t$t.txt") >/dev/null && ok ||
            bad "$cmd: printed table differs between 1 and $t threads"
    done
    cmp -s "$cmd.t1/$set.csv" "$cmd.s4/$set.csv" && bad "$cmd: $seedflag has no effect on $set.csv" || ok
}

check predict predict --seed --subjects 12 --bootstrap 20
check design design --seed --subjects 10 --days 2
# the search cohort's seed and the fresh evaluation cohort's seed, each alone
check optimize optimize --seed --subjects 2 --eval-subjects 4 --iterations 5
check optimize optimize --eval-seed --subjects 2 --eval-subjects 4 --iterations 5

# lab: no threads; the same seed twice, then another seed
for run in a b; do
    "$ketsim" lab ampa_block --seed 3 --out-dir "lab.$run" >"lab.$run.txt" 2>lab.err || bad "lab: $(cat lab.err)"
done
"$ketsim" lab ampa_block --seed 4 --out-dir lab.s4 >lab.s4.txt 2>lab.err || bad "lab --seed 4: $(cat lab.err)"
[ -s lab.a/ampa_block_animals.csv ] && ok || bad "lab: no animals CSV"
same_set lab.a lab.b ampa_block && ok || bad "lab: files differ between two runs with one seed"
diff <(table lab.a.txt) <(table lab.b.txt) >/dev/null && ok || bad "lab: printed table differs between two runs"
cmp -s lab.a/ampa_block_animals.csv lab.s4/ampa_block_animals.csv && bad "lab: --seed has no effect" || ok
# without --seed, the protocol's own seed: the same animals every time
"$ketsim" lab ampa_block --out-dir lab.d1 >/dev/null 2>lab.err && "$ketsim" lab ampa_block --out-dir lab.d2 >/dev/null 2>>lab.err &&
    same_set lab.d1 lab.d2 ampa_block && ok || bad "lab with the protocol's seed: $(cat lab.err)"

finish
