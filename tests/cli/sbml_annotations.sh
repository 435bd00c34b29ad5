#!/usr/bin/env bash
# SBML annotations: every row of data/sbml_annotations.csv reaches the
# element it names (SBO term or identifiers.org URI), nothing else is
# written, every parameter has notes and notes repeat the parameter table
# (tests/sbml_annotations.py); libsbml reports no error at either level.  A
# bad row of the table is an error naming file, line and field (exit 2, no
# file).  Exit 77 (skipped) without libsbml in the build or in Python.
set -u
KETSIM=${1:?usage: sbml_annotations.sh path/to/ketsim}
HERE=$(cd "$(dirname "$0")" && pwd)
CHECK="$HERE/../sbml_annotations.py"
TABLE="$HERE/../../data/sbml_annotations.csv"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0
check() { if eval "$2"; then passes=$((passes + 1)); else echo "FAIL: $1"; fails=$((fails + 1)); fi; }

"$KETSIM" export sbml --out "$tmp/probe.xml" 2>"$tmp/probe.err"
if [ $? -eq 1 ] && grep -q "not available" "$tmp/probe.err"; then
    echo "SKIP: this build has no libsbml"
    exit 77
fi
PY=""
for cand in ${KETSIM_PYTHON:-} python3 /usr/bin/python3; do
    if "$cand" -c 'import libsbml; libsbml.readSBMLFromFile' 2>/dev/null; then PY=$cand; break; fi
done
[ -n "$PY" ] || { echo "SKIP: no Python with libsbml (Debian: python3-sbml5)"; exit 77; }

# Documents that between them use every row: human ketamine (both levels),
# human midazolam, rat rapamycin, mouse ketamine.
docs=()
export_doc() { # NAME ORGANISM OPTIONS
    "$KETSIM" export sbml $3 --out "$tmp/$1.xml" && docs+=("$2:$tmp/$1.xml")
}
check "export human ketamine L3V2" "export_doc ket2 human '--level 3.2'"
check "export human ketamine L3V1" "export_doc ket1 human '--level 3.1'"
check "export human midazolam" "export_doc mdz human '--drug midazolam --dose iv:0.045mg/kg:40min'"
check "export rat rapamycin L3V1" "export_doc rap rat '--level 3.1 --species rat --weight 0.3 --drug rapamycin --dose ip:5mg/kg'"
check "export mouse ketamine" "export_doc mouse mouse '--species mouse --weight 0.025 --dose ip:10mg/kg'"
"$KETSIM" params --csv >"$tmp/params.csv"
"$PY" "$CHECK" "$TABLE" "$tmp/params.csv" "${docs[@]}" >"$tmp/check.log" 2>&1
check "annotations, notes and libsbml validation" "[ $? -eq 0 ]"
cat "$tmp/check.log"

# The identifiers of the table are in the human export as text, too.
for id in $(grep -v '^#' "$TABLE" | tail -n +2 | awk -F, '$6 != "rat" && $6 != "mouse" {print $4}' | sort -u); do
    case $id in CHEBI:9168|CHEBI:6931) f="$tmp/rap.xml $tmp/mdz.xml" ;; *) f="$tmp/ket2.xml" ;; esac
    check "identifier $id in an export" "grep -q -- '$id' $f"
done

# A control: a table whose row names an identifier the export then carries
# must fail the checker when the document lacks it.
sed 's/CHEBI:16865/CHEBI:16866/' "$TABLE" >"$tmp/other_table.csv"
"$PY" "$CHECK" "$tmp/other_table.csv" "$tmp/params.csv" "human:$tmp/ket2.xml" >"$tmp/other.log" 2>&1
check "a table the document does not follow is detected" "[ $? -eq 1 ] && grep -q 'CHEBI:16866' '$tmp/other.log'"

# Bad rows: error with file, line and field; exit 2; no file.
bad_table() { # NAME SED-EXPRESSION FIELD
    sed "$2" "$TABLE" >"$tmp/$1.csv"
    "$KETSIM" export sbml --annotations "$tmp/$1.csv" --out "$tmp/$1.xml" 2>"$tmp/$1.err"
    local rc=$?
    [ $rc -eq 2 ] && [ ! -e "$tmp/$1.xml" ] && grep -q "$1.csv line [0-9]*, field '$3'" "$tmp/$1.err"
}
check "a malformed UniProt accession" "bad_table bad_uniprot 's/,P23560,/,P2356,/' identifier"
check "a malformed ChEBI identifier" "bad_table bad_chebi 's/CHEBI:6121/CHEBI6121/' identifier"
check "an unknown qualifier" "bad_table bad_qual 's/,isVersionOf,/,isLike,/' qualifier"
check "an unknown database" "bad_table bad_db 's/,uniprot,P04406/,uniprotkb,P04406/' database"
check "an element without a prefix" "bad_table bad_elem 's/^state:rheb,/rheb,/' element"
check "a MIRIAM row with a pattern" "bad_table bad_pat 's/^compound:midazolam,/compound:*,/' element"
"$KETSIM" export sbml --annotations "$tmp/no_such.csv" --out "$tmp/none.xml" 2>"$tmp/none.err"
check "a missing table exits 2, no file" "[ $? -eq 2 ] && [ ! -e '$tmp/none.xml' ] && grep -q no_such.csv '$tmp/none.err'"

echo "$passes passed, $fails failed"
[ $fails -eq 0 ]
