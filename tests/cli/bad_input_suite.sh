#!/usr/bin/env bash
# Bad input through the real CLI, one case per kind of mistake.  Each case
# checks the exit status (2: usage or input, 1: runtime), that stderr is
# exactly one printable UTF-8 line containing the expected text (the file,
# line, field or flag and the bad value), and that nothing was written: every
# case runs in an empty working directory that also holds its --out path or
# --out-dir, and that directory must still be empty afterwards (no output, no
# *.tmp.* leftovers).  Inputs live in a separate directory.
set -u
KETSIM=${1:?usage: bad_input_suite.sh path/to/ketsim}
case "$KETSIM" in /*) ;; *) KETSIM="$PWD/$KETSIM" ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
IN="$tmp/in" W="$tmp/w"
mkdir -p "$IN" "$W"
fails=0 passes=0
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

expect() { # expect RC "text in the message" args...
    local want=$1 needle=$2
    shift 2
    rm -rf "$W" && mkdir "$W"
    (cd "$W" && timeout 120 "$KETSIM" "$@" >"$tmp/stdout" 2>"$tmp/stderr")
    local rc=$? why=""
    [ $rc -eq "$want" ] || why="exit $rc, want $want"
    [ "$(wc -l <"$tmp/stderr")" -eq 1 ] || why="$why; stderr is not one line"
    grep -qF -- "$needle" "$tmp/stderr" || why="$why; message lacks '$needle'"
    LC_ALL=C grep -q '[[:cntrl:]]' "$tmp/stderr" && why="$why; control characters in the message"
    iconv -f UTF-8 -t UTF-8 "$tmp/stderr" >/dev/null 2>&1 || why="$why; message is not valid UTF-8"
    [ -z "$(ls -A "$W")" ] || why="$why; left behind: $(ls -A "$W" | tr '\n' ' ')"
    if [ -n "$why" ]; then
        bad "ketsim $(printf '%q ' "$@")-> ${why#; }; stderr: $(head -c 300 "$tmp/stderr")"
    else
        passes=$((passes + 1))
        [ -z "${VERBOSE:-}" ] || echo "ok ($rc): $(cat "$tmp/stderr")"
    fi
}
OUT="$W/out.csv" OD="$W/od"

# ---- doses, flags and names (simulate) -------------------------------------
expect 2 "--dose: dose 'iv:-1mg'" simulate --dose iv:-1mg --out "$OUT"
expect 2 "--dose: dose 'iv:0mg'" simulate --dose iv:0mg --out "$OUT"
expect 2 "--dose: dose 'iv:nanmg'" simulate --dose iv:nanmg --out "$OUT"
expect 2 "--dose: dose 'iv:infmg'" simulate --dose iv:infmg --out "$OUT"
expect 2 "implausibly large" simulate --dose iv:1e9mg --out "$OUT"
expect 2 "unknown route 'xx'" simulate --dose xx:10mg --out "$OUT"
expect 2 "duration must be positive" simulate --dose iv:10mg:0min --out "$OUT"
expect 2 "--species: unknown species 'dog'" simulate --species dog --out "$OUT"
expect 2 "--drug: unknown drug 'aspirin'" simulate --drug aspirin --out "$OUT"
expect 2 "unknown parameter 'nope'" simulate --set nope=1 --out "$OUT"
expect 2 "unknown output 'foo'" simulate --outputs time_h,foo --out "$OUT"
expect 2 "--weight '0'" simulate --weight 0 --out "$OUT"
expect 2 "--weight '10000'" simulate --weight 10000 --out "$OUT"
expect 2 "--every '0'" simulate --every 0 --out "$OUT"
expect 2 "--until '-1h'" simulate --until -1h --out "$OUT"
expect 2 "--on-failure 'maybe'" trial zarate2006 --on-failure maybe --out-dir "$OD"

# ---- datasets (simulate --dataset) ------------------------------------------
printf 'ID,TIME,AMT,CMT,EVID\n1,0,35,1,1\n1,2,0,1,0\n1,1,0,1,0\n' >"$IN/back.csv"
expect 2 "back.csv:4" simulate --dataset "$IN/back.csv" --out "$OUT"
printf 'ID,AMT,EVID\n1,35,1\n1,0,0\n' >"$IN/nocol.csv"
expect 2 "required column TIME is missing" simulate --dataset "$IN/nocol.csv" --out "$OUT"
printf 'ID,TIME,AMT,CMT,EVID\n1,0,35,1,1\n1,1,0,1,0,7\n' >"$IN/extra.csv"
expect 2 "extra.csv:3" simulate --dataset "$IN/extra.csv" --out "$OUT"
printf 'ID,TIME,AMT,CMT,EVID\n1,0,35,1,1\n1,1,0,1\n' >"$IN/short.csv"
expect 2 "short.csv:3" simulate --dataset "$IN/short.csv" --out "$OUT"
: >"$IN/empty.csv"
expect 2 "empty.csv" simulate --dataset "$IN/empty.csv" --out "$OUT"
head -c 2000 "$KETSIM" >"$IN/binary.csv"
expect 2 "binary.csv:1: NUL byte" simulate --dataset "$IN/binary.csv" --out "$OUT"

# ---- other empty and binary files -------------------------------------------
: >"$IN/empty.yaml"
expect 2 "empty.yaml" simulate --drug "$IN/empty.yaml" --out "$OUT"
expect 2 "empty.yaml" trial "$IN/empty.yaml" --out-dir "$OD"
expect 2 "empty.yaml" lab "$IN/empty.yaml" --out-dir "$OD"
: >"$IN/empty.params"
expect 2 "empty.params" simulate --params "$IN/empty.params" --out "$OUT"
: >"$IN/empty_targets.csv"
expect 2 "empty_targets.csv" validate --targets "$IN/empty_targets.csv"
head -c 2000 "$KETSIM" >"$IN/binary.yaml"
expect 2 "binary.yaml" simulate --drug "$IN/binary.yaml" --out "$OUT"
head -c 2000 "$KETSIM" >"$IN/binary.params"
expect 2 "binary.params" simulate --params "$IN/binary.params" --out "$OUT"

# ---- file names that are not UTF-8 ------------------------------------------
# a file that cannot be opened is an I/O error (1), as everywhere for YAML input
expect 1 '\xff.yaml: cannot open' simulate --drug "$IN/"$'\xff'".yaml" --out "$OUT"
printf 'name: [unclosed\n' >"$IN/"$'\xfe\x01'".yaml"
expect 2 '\xfe\x01.yaml:2' simulate --drug "$IN/"$'\xfe\x01'".yaml" --out "$OUT"
printf 'name: t\n' >"$IN/"$'bad\nname'".yaml"
expect 2 'bad\x0aname.yaml:1' trial "$IN/"$'bad\nname'".yaml" --out-dir "$OD"

# ---- YAML: unknown keys, wrong types, duplicated keys ------------------------
scenario() { # scenario FILE: a valid scenario with the edits of stdin appended
    cat >"$1" <<'Y'
name: t
design: parallel
subjects: 4
arms:
  - name: a
    dose_mg_per_kg: 0.5
    infusion: 40min
visits: [1d]
Y
    cat >>"$1"
}
echo 'colour: blue' | scenario "$IN/s_unknown.yaml"
expect 2 "s_unknown.yaml:9: unknown field 'colour'" trial "$IN/s_unknown.yaml" --out-dir "$OD"
scenario "$IN/s_type.yaml" </dev/null
sed -i 's/^subjects: 4/subjects: many/' "$IN/s_type.yaml"
expect 2 "s_type.yaml:3: field 'subjects'" trial "$IN/s_type.yaml" --out-dir "$OD"
echo 'subjects: 8' | scenario "$IN/s_dup.yaml"
expect 2 "s_dup.yaml:9" trial "$IN/s_dup.yaml" --out-dir "$OD"
protocol() { # protocol FILE: a valid lab protocol with the edits of stdin appended
    cat >"$1" <<'Y'
name: p
species: rat
groups:
  - name: a
    n: 4
  - name: b
    n: 4
readouts:
  - {assay: spines, times: [24h]}
Y
    cat >>"$1"
}
echo 'colour: blue' | protocol "$IN/p_unknown.yaml"
expect 2 "p_unknown.yaml:10" lab "$IN/p_unknown.yaml" --out-dir "$OD"
protocol "$IN/p_type.yaml" </dev/null
sed -i '0,/n: 4/s//n: four/' "$IN/p_type.yaml"
expect 2 "p_type.yaml:5" lab "$IN/p_type.yaml" --out-dir "$OD"
echo 'species: mouse' | protocol "$IN/p_dup.yaml"
expect 2 "p_dup.yaml:10" lab "$IN/p_dup.yaml" --out-dir "$OD"
printf 'name: d\nname: e\n' >"$IN/d_dup.yaml"
expect 2 "d_dup.yaml:2" simulate --drug "$IN/d_dup.yaml" --out "$OUT"

# ---- outputs that cannot be written (runtime errors, exit 1) -----------------
expect 1 "$W/missing/out.csv" simulate --until 1h --out "$W/missing/out.csv"
expect 1 "$W/missing/od" trial zarate2006 --replicates 1 --out-dir "$W/missing/od"
expect 1 "/sys/ketsim_od" trial zarate2006 --replicates 1 --out-dir /sys/ketsim_od
touch "$IN/plainfile"
expect 1 "$IN/plainfile/od" trial zarate2006 --replicates 1 --out-dir "$IN/plainfile/od"
# a full disk: stdout on /dev/full
rm -rf "$W" && mkdir "$W"
(cd "$W" && "$KETSIM" simulate --until 1h >/dev/full 2>"$tmp/stderr")
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$tmp/stderr")" -eq 1 ] && grep -q "error writing" "$tmp/stderr" && [ -z "$(ls -A "$W")" ] &&
    passes=$((passes + 1)) || bad "stdout on /dev/full: rc=$rc, stderr: $(cat "$tmp/stderr")"

# ---- overlapping infusions are allowed and add up ----------------------------
# Two 20 mg / 40 min infusions at the same time deliver the rates of one
# 40 mg / 40 min infusion, so plasma ketamine during the overlap is the same.
at() { "$KETSIM" simulate "$@" --until 30min --every 30min --outputs plasma_ketamine_ng_per_ml | tail -1; }
two=$(at --dose iv:20mg:40min --dose iv:20mg:40min) || two=x
one=$(at --dose iv:40mg:40min) || one=y
python3 -c 'import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); assert b > 1 and abs(a - b) <= 1e-9 * b' \
    "$two" "$one" 2>/dev/null && passes=$((passes + 1)) || bad "overlapping infusions: $two vs $one"
# Staggered: 20 mg over 0-40 min plus 20 mg over 20-60 min equals, at 30 min,
# one 20 mg/40 min infusion plus a 10 mg/20 min one starting at 20 min.
st=$(at --dose iv:20mg:40min --dose iv:20mg:40min@20min) || st=x
ref=$(at --dose iv:20mg:40min --dose iv:10mg:20min@20min) || ref=y
python3 -c 'import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); assert b > 1 and abs(a - b) <= 1e-9 * b' \
    "$st" "$ref" 2>/dev/null && passes=$((passes + 1)) || bad "staggered infusions: $st vs $ref"

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
