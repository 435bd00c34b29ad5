#!/bin/bash
# The same seed gives byte-identical files with 1, 2 and 3 threads; another
# seed gives different ones.  Every replicate's subjects (--all-subjects),
# streamed chunk by chunk, are the same bytes at any thread count and chunk
# size, and begin with the replicate-0 file.
set -u
KETSIM="$1"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cat >"$dir/small.yaml" <<'Y'
name: small
design: crossover
subjects: 6
arms:
  - name: saline
    control: saline
  - name: ketamine
    dose_mg_per_kg: 0.5
    infusion: 40min
washout: 7d
visits: [2h, 1d, 7d]
primary_visit: 1d
dropout: 0.2
Y
run() { "$KETSIM" trial "$dir/small.yaml" --seed "$1" --replicates 3 --threads "$2" --out-dir "$dir/$3" >"$dir/$3.txt" || fail "run $3"; }
run 5 1 a
run 5 2 b
run 5 3 b3
run 6 2 c
for f in small_subjects.csv small_summary.json; do
    [ -s "$dir/a/$f" ] || fail "$f missing"
    cmp -s "$dir/a/$f" "$dir/b/$f" || fail "$f differs between 1 and 2 threads"
    cmp -s "$dir/a/$f" "$dir/b3/$f" || fail "$f differs between 1 and 3 threads"
done
diff <(grep -v "^wrote" "$dir/a.txt") <(grep -v "^wrote" "$dir/b.txt") >/dev/null || fail "table differs between 1 and 2 threads"
diff <(grep -v "^wrote" "$dir/a.txt") <(grep -v "^wrote" "$dir/b3.txt") >/dev/null || fail "table differs between 1 and 3 threads"
cmp -s "$dir/a/small_subjects.csv" "$dir/c/small_subjects.csv" && fail "seed has no effect"
# 6 subjects x 2 periods x (baseline + 3 visits) + header
[ "$(wc -l <"$dir/a/small_subjects.csv")" -eq 49 ] || fail "unexpected CSV row count"
python3 -m json.tool "$dir/a/small_summary.json" >/dev/null || fail "summary JSON does not parse"
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["schema"] == "ketsim-trial-summary/1"' \
    "$dir/a/small_summary.json" || fail "summary schema"
ls "$dir/a" | grep -q tmp && fail "temporary file left behind"

# --all-subjects: one replicate per chunk (6 subjects) and one chunk for all
all() { "$KETSIM" trial "$dir/small.yaml" --seed 5 --replicates 3 --threads "$1" --all-subjects \
        ${2:+--chunk-subjects $2} --out-dir "$dir/$3" >"$dir/$3.txt" || fail "run $3"; }
all 1 6 all1
all 2 6 all2
all 3 "" all3
cmp -s "$dir/all1/small_subjects.csv" "$dir/all2/small_subjects.csv" || fail "--all-subjects differs between 1 and 2 threads"
cmp -s "$dir/all1/small_subjects.csv" "$dir/all3/small_subjects.csv" || fail "--all-subjects differs between chunk sizes"
cmp -s "$dir/all1/small_summary.json" "$dir/a/small_summary.json" || fail "summary changed with --all-subjects"
# 3 replicates x 48 rows + header, replicates 0, 1, 2 in order, replicate 0 as without the option
[ "$(wc -l <"$dir/all1/small_subjects.csv")" -eq 145 ] || fail "unexpected --all-subjects row count"
[ "$(cut -d, -f1 "$dir/all1/small_subjects.csv" | uniq | tr '\n' ' ')" = "replicate 0 1 2 " ] || fail "replicates out of order"
cmp -s <(head -49 "$dir/all1/small_subjects.csv") "$dir/a/small_subjects.csv" || fail "replicate 0 differs with --all-subjects"
echo ok
