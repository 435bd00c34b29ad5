#!/usr/bin/env bash
# SBML export round trip: export a scenario, check the document with
# libsbml, integrate it independently (tests/sbml_roundtrip.py, SciPy) and
# compare with `ketsim simulate` hourly over 48 h.  Exit 77 (skipped) when
# this build or this Python lacks libsbml.
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

# roundtrip NAME "export/simulate options": both programs get the same options.
roundtrip() {
    local name=$1 opts=$2
    "$KETSIM" export sbml $opts --out "$tmp/$name.xml" &&
        "$KETSIM" simulate $opts --until 48h --every 1h --out "$tmp/$name.csv" &&
        "$PY" "$CHECK" "$tmp/$name.xml" "$tmp/$name.csv" --require "$REQUIRED" >"$tmp/$name.log" 2>&1
    local rc=$?
    echo "== $name: ketsim export sbml $opts"
    grep -v "^  warning x" "$tmp/$name.log" | grep -E "consistency|FAIL|max relative|max \|rate\||Error|error" || true
    return $rc
}

echo "== default scenario (racemic ketamine 0.5 mg/kg IV over 40 min, human 70 kg)"
"$KETSIM" simulate --until 48h --every 1h --out "$tmp/default.csv"
"$PY" "$CHECK" "$tmp/probe.xml" "$tmp/default.csv" --require "$REQUIRED" >"$tmp/default.log" 2>&1
check "default scenario matches ketsim simulate" "[ $? -eq 0 ]"
cat "$tmp/default.log"

check "boluses and routes (human)" "roundtrip mixed '--dose iv:10mg --dose in:56mg@1.5h --dose po:50mg@3h --dose iv:0.5mg/kg:40min@24h'"
check "rat, ip/sc/im" "roundtrip rat '--species rat --weight 0.3 --dose ip:10mg/kg --dose sc:5mg/kg@6h --dose im:5mg/kg:10min@12h'"
check "esketamine with --set" "roundtrip esk '--drug esketamine --dose in:56mg --dose in:56mg@1d --set nmda.interneuron_selectivity=5'"

# The comparison must see a real difference: the default SBML against a
# simulation with another parameter value fails.
"$KETSIM" simulate --set nmda.interneuron_selectivity=5 --until 48h --every 1h --out "$tmp/other.csv"
"$PY" "$CHECK" "$tmp/probe.xml" "$tmp/other.csv" >"$tmp/other.log" 2>&1
check "a different model is detected" "[ $? -eq 1 ] && grep -q FAIL '$tmp/other.log'"

# Bad input: clear message, exit 2, no file.
"$KETSIM" export sbml --dose iv:lots --out "$tmp/bad.xml" 2>"$tmp/bad.err"
check "bad --dose exits 2" "[ $? -eq 2 ] && grep -q -- '--dose' '$tmp/bad.err' && [ ! -e '$tmp/bad.xml' ]"
"$KETSIM" export yaml 2>"$tmp/fmt.err"
check "unknown format exits 2" "[ $? -eq 2 ] && grep -q yaml '$tmp/fmt.err'"
"$KETSIM" export 2>/dev/null
check "missing format exits 2" "[ $? -eq 2 ]"
"$KETSIM" export sbml --drug no_such_drug --out "$tmp/bad2.xml" 2>/dev/null
check "unknown drug exits 2, no file" "[ $? -eq 2 ] && [ ! -e '$tmp/bad2.xml' ]"

echo "$passes passed, $fails failed"
[ $fails -eq 0 ]
