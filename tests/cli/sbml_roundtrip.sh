#!/usr/bin/env bash
# SBML export round trip: export a scenario at SBML Level 3 Version 2 and
# Version 1, check each document with libsbml, integrate it independently
# (tests/sbml_roundtrip.py, SciPy) and compare with `ketsim simulate` hourly
# over 48 h.  Body weight and doses changed in the document (as a user would
# in an SBML tool) must give what ketsim gives for that weight and dose.
# Exit 77 (skipped) when this build or this Python lacks libsbml.
set -u
KETSIM=${1:?usage: sbml_roundtrip.sh path/to/ketsim}
HERE=$(cd "$(dirname "$0")" && pwd)
CHECK="$HERE/../sbml_roundtrip.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0
check() { if eval "$2"; then passes=$((passes + 1)); else echo "FAIL: $1"; fails=$((fails + 1)); fi; }

"$KETSIM" export sbml --out "$tmp/probe.xml" 2>"$tmp/probe.err"
rc=$?
if [ $rc -eq 1 ] && grep -q "not available" "$tmp/probe.err"; then
    check "no output file without libsbml" "[ ! -e '$tmp/probe.xml' ]"
    echo "SKIP: this build has no libsbml ($(cat "$tmp/probe.err"))"
    echo "$passes passed, $fails failed"
    [ $fails -eq 0 ] && exit 77 || exit 1
fi
check "export exits 0" "[ $rc -eq 0 ]"

PY=""
for cand in ${KETSIM_PYTHON:-} python3 /usr/bin/python3; do
    # a namespace package named libsbml (dist-packages on another interpreter's
    # path without Debian's .pth) imports but has no API: ask for a function
    if "$cand" -c 'import libsbml, scipy; libsbml.readSBMLFromFile' 2>/dev/null; then PY=$cand; break; fi
done
if [ -z "$PY" ]; then
    echo "SKIP: no Python with libsbml and scipy (Debian: python3-sbml5 python3-scipy)"
    exit 77
fi

REQUIRED=plasma_ketamine_ng_per_ml,plasma_norketamine_ng_per_ml,plasma_hnk_ng_per_ml,nmda_block_interneuron,nmda_block_pyramidal,pfc_glutamate_rel,bdnf_rel,mtorc1_rel,synaptic_protein_rel,spine_density_rel,madrs,cadss

# roundtrip NAME LEVEL "export options" "simulate options" [checker options]:
# export with the first options, simulate with the second.
roundtrip() {
    local name=$1 level=$2 xopts=$3 sopts=$4
    shift 4
    "$KETSIM" export sbml --level "$level" $xopts --out "$tmp/$name.xml" &&
        "$KETSIM" simulate $sopts --until 48h --every 1h --out "$tmp/$name.csv" &&
        "$PY" "$CHECK" "$tmp/$name.xml" "$tmp/$name.csv" --require "$REQUIRED" "$@" >"$tmp/$name.log" 2>&1
    local rc=$?
    echo "== $name: ketsim export sbml --level $level $xopts ${*:+(checker: $*)}"
    grep -v "^  warning x" "$tmp/$name.log" | grep -E "consistency|model:|FAIL|max relative|max \|rate\||Error|error" || true
    return $rc
}
same() { roundtrip "$1" "$2" "$3" "$3"; }

for level in 3.2 3.1; do
    v=${level#3.}
    echo "==== SBML Level 3 Version $v"
    check "L3V$v default scenario (racemic ketamine 0.5 mg/kg IV over 40 min, human 70 kg)" "same default_$v $level ''"
    cat "$tmp/default_$v.log"
    check "L3V$v boluses and routes (human)" "same mixed_$v $level '--dose iv:10mg --dose in:56mg@1.5h --dose po:50mg@3h --dose iv:0.5mg/kg:40min@24h'"
    check "L3V$v rat, ip/sc/im" "same rat_$v $level '--species rat --weight 0.3 --dose ip:10mg/kg --dose sc:5mg/kg@6h --dose im:5mg/kg:10min@12h'"
    check "L3V$v esketamine with --set" "same esk_$v $level '--drug esketamine --dose in:56mg --dose in:56mg@1d --set nmda.interneuron_selectivity=5'"
    check "L3V$v rat rapamycin icv and ip" "same rap_$v $level '--species rat --weight 0.3 --drug rapamycin --dose icv:0.01mg --dose ip:1mg/kg@2h'"
    # Weight and doses are parameters of the document: changed there, they
    # must give what ketsim gives for the new weight or dose.
    check "L3V$v body_weight_kg changed in the document = ketsim --weight 95" \
        "roundtrip weight_$v $level '' '--weight 95' --set body_weight_kg=95"
    check "L3V$v dose amount and time changed in the document" \
        "roundtrip dose_$v $level '--dose iv:10mg --dose in:56mg@1.5h' '--dose iv:25mg --dose in:28mg@4h' --set dose_1_mg=25 --set dose_2_mg=28 --set dose_2_time_h=4"
    check "L3V$v mg/kg dose changed in the document" \
        "roundtrip perkg_$v $level '--species rat --weight 0.3 --dose ip:10mg/kg:10min' '--species rat --weight 0.3 --dose ip:3mg/kg:20min' --set dose_1_mg_per_kg=3 --set dose_1_duration_h=0.3333333333333333"
done

# Level 3 Version 1 has no min or max in MathML: the exporter writes
# piecewise instead; Version 2 keeps them.
check "L3V1 document: level 3 version 1, no min or max" \
    "grep -q 'level=\"3\" version=\"1\"' '$tmp/default_1.xml' && ! grep -q '<max/>\|<min/>' '$tmp/default_1.xml'"
check "L3V2 document: level 3 version 2, with max" \
    "grep -q 'level=\"3\" version=\"2\"' '$tmp/default_2.xml' && grep -q '<max/>' '$tmp/default_2.xml'"

# The comparison must see a real difference: the default SBML against a
# simulation with another parameter value fails, and so does the default
# document against another weight when its weight is left alone.
"$KETSIM" simulate --set nmda.interneuron_selectivity=5 --until 48h --every 1h --out "$tmp/other.csv"
"$PY" "$CHECK" "$tmp/probe.xml" "$tmp/other.csv" >"$tmp/other.log" 2>&1
check "a different model is detected" "[ $? -eq 1 ] && grep -q FAIL '$tmp/other.log'"
"$KETSIM" simulate --weight 95 --until 48h --every 1h --out "$tmp/w95.csv"
"$PY" "$CHECK" "$tmp/probe.xml" "$tmp/w95.csv" >"$tmp/w95.log" 2>&1
check "a different weight is detected" "[ $? -eq 1 ] && grep -q FAIL '$tmp/w95.log'"

# Bad input: clear message, exit 2, no file.
"$KETSIM" export sbml --dose iv:lots --out "$tmp/bad.xml" 2>"$tmp/bad.err"
check "bad --dose exits 2" "[ $? -eq 2 ] && grep -q -- '--dose' '$tmp/bad.err' && [ ! -e '$tmp/bad.xml' ]"
"$KETSIM" export sbml --level 2.4 --out "$tmp/bad.xml" 2>"$tmp/lvl.err"
check "bad --level exits 2, no file" "[ $? -eq 2 ] && grep -q -- '--level' '$tmp/lvl.err' && [ ! -e '$tmp/bad.xml' ]"
"$KETSIM" export yaml 2>"$tmp/fmt.err"
check "unknown format exits 2" "[ $? -eq 2 ] && grep -q yaml '$tmp/fmt.err'"
"$KETSIM" export 2>/dev/null
check "missing format exits 2" "[ $? -eq 2 ]"
"$KETSIM" export sbml --drug no_such_drug --out "$tmp/bad2.xml" 2>/dev/null
check "unknown drug exits 2, no file" "[ $? -eq 2 ] && [ ! -e '$tmp/bad2.xml' ]"

echo "$passes passed, $fails failed"
[ $fails -eq 0 ]
