#!/bin/bash
# ketsim lab: every built-in experiment runs and shows its claim's direction
# and timing; bad input exits 2 and writes nothing; outputs are reproducible.
set -u
KETSIM="$1"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
pass=0
failed=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }

# contrast EXP MEASURE TIME "A vs B" -> "diff p" from the table
contrast() {
    awk -v m="$2" -v t="$3" -v n="$4" '$NF == "(contrast)" && $2 == m && $3 == t && $4 " " $5 " " $6 == n {print $7, $8}' "$dir/$1.txt"
}
# group EXP ASSAY MEASURE TIME GROUP -> "mean p"
group() {
    awk -v a="$2" -v m="$3" -v t="$4" -v g="$5" '$1 == a && $2 == m && $3 == t && $4 == g && $NF != "(contrast)" {print $6, $8}' "$dir/$1.txt"
}
# check DESCRIPTION "diff p" CONDITION (awk expression in d and p)
check() {
    local what="$1" vals="$2" cond="$3"
    if [ -n "$vals" ] && echo "$vals" | awk "{d = \$1 + 0; p = (\$2 == \"nan\") ? 1 : \$2 + 0; exit !($cond)}"; then ok; else bad "$what: got '$vals', want $cond"; fi
}

n=$("$KETSIM" lab --list | wc -l)
[ "$n" -eq 9 ] && ok || bad "--list shows $n experiments, want 9"
for e in $("$KETSIM" lab --list | awk '{print $1}'); do
    if "$KETSIM" lab "$e" >"$dir/$e.txt" 2>"$dir/$e.err"; then ok; else bad "$e: exit $? ($(cat "$dir/$e.err"))"; fi
done

SIG='p < 0.05'
NS='p >= 0.05'
check "mtor: p70S6K up at 2 h" "$(contrast mtor_time_course p_p70s6k 2h "ketamine vs vehicle")" "d > 0 && $SIG"
check "mtor: p-eEF2 down at 30 min" "$(contrast mtor_time_course p_eef2 30min "ketamine vs vehicle")" "d < 0 && $SIG"
check "mtor: p-eEF2 back at 6 h" "$(contrast mtor_time_course p_eef2 6h "ketamine vs vehicle")" "$NS"
check "mtor: GluA1 up at 24 h" "$(contrast mtor_time_course glua1 24h "ketamine vs vehicle")" "d > 0 && $SIG"
check "mtor: spines up at 24 h" "$(contrast mtor_time_course spine_density 24h "ketamine vs vehicle")" "d > 0 && $SIG"
check "mtor: rapamycin blocks spines" "$(contrast mtor_time_course spine_density 24h "rapamycin+ketamine vs rapamycin+vehicle")" "$NS"
check "mtor: forced swim at 24 h" "$(contrast mtor_time_course immobility 24h "ketamine vs vehicle")" "d < 0 && $SIG"
check "mtor: rapamycin blocks forced swim" "$(contrast mtor_time_course immobility 24h "rapamycin+ketamine vs rapamycin+vehicle")" "$NS"
check "ampa: forced swim at 24 h" "$(contrast ampa_block immobility 24h "ketamine vs vehicle")" "d < 0 && $SIG"
# NBQX alone leaves basal signalling at vehicle level (it blocks only the
# evoked AMPA signal).  Whether NBQX + ketamine stays at NBQX + vehicle is a
# known miss, recorded by the targets nbqx_blocks_* in docs/validation.md:
# with its literature PK NBQX covers the first hour, ketamine's evoked drive
# in the rodent model lasts for hours.
check "ampa: NBQX alone leaves p-mTOR at vehicle" "$(group ampa_block western p_mtor 2h nbqx+vehicle)" "d > 0.85 && d < 1.15 && $NS"
check "ampa: NBQX alone leaves BDNF at vehicle" "$(group ampa_block western bdnf 2h nbqx+vehicle)" "d > 0.85 && d < 1.15 && $NS"
check "ampa: NBQX alone leaves forced swim at vehicle" "$(group ampa_block forced_swim immobility 24h nbqx+vehicle)" "$NS"
check "bdnf: forced swim at 24 h" "$(contrast bdnf_loss immobility 24h "ketamine vs vehicle")" "d < 0 && $SIG"
check "bdnf: ANA-12 blocks forced swim" "$(contrast bdnf_loss immobility 24h "ana12+ketamine vs ana12+vehicle")" "$NS"
check "bdnf: knockout blocks forced swim" "$(contrast bdnf_loss immobility 24h "bdnf_ko+ketamine vs bdnf_ko+vehicle")" "$NS"
check "hnk: forced swim at 1 h" "$(contrast hnk immobility 1h "hnk vs vehicle")" "d < 0 && $SIG"
check "hnk: forced swim at 24 h" "$(contrast hnk immobility 24h "hnk vs vehicle")" "d < 0 && $SIG"
check "hnk: NBQX alone leaves forced swim at vehicle" "$(group hnk forced_swim immobility 1h nbqx+vehicle)" "$NS"
# NBQX blocks HNK (target nbqx_blocks_hnk): its gate holds HNK's smaller,
# shorter potentiation drive below the induction threshold
check "hnk: NBQX blocks forced swim at 1 h" "$(contrast hnk immobility 1h "nbqx+hnk vs nbqx+vehicle")" "$NS"
check "hnk: NBQX blocks forced swim at 24 h" "$(contrast hnk immobility 24h "nbqx+hnk vs nbqx+vehicle")" "$NS"
check "stress: CUS lowers sucrose preference" "$(contrast chronic_stress sucrose_preference 24h "cus+vehicle vs no_stress")" "d < 0 && $SIG"
check "stress: CUS lowers spines" "$(contrast chronic_stress spine_density 24h "cus+vehicle vs no_stress")" "d < 0 && $SIG"
check "stress: CUS raises immobility" "$(contrast chronic_stress immobility 24h "cus+vehicle vs no_stress")" "d > 0 && $SIG"
check "stress: ketamine restores preference" "$(contrast chronic_stress sucrose_preference 24h "cus+ketamine vs cus+vehicle")" "d > 0 && $SIG"
check "stress: ketamine restores spines" "$(contrast chronic_stress spine_density 24h "cus+ketamine vs cus+vehicle")" "d > 0 && $SIG"
check "stress: rapamycin prevents it" "$(contrast chronic_stress sucrose_preference 24h "cus+rapamycin+ketamine vs cus+vehicle")" "$NS"
check "anaesthetic: glutamate up after 30 mg/kg" "$(group anaesthetic_regime microdialysis glutamate 40min ketamine_30)" "d > 100 && $SIG"
check "anaesthetic: no significant rise after 50 mg/kg" "$(group anaesthetic_regime microdialysis glutamate 40min ketamine_50)" "$NS"
check "anaesthetic: glutamate below saline after 200 mg/kg" "$(group anaesthetic_regime microdialysis glutamate 20min ketamine_200)" "d < 100"
check "table2: glutamate up during infusion" "$(group table2_human mrs pfc_glutamate 40min ketamine)" "d > 1 && $SIG"
check "table2: hippocampal GABA down at 2 h" "$(group table2_human mrs gaba 160min ketamine)" "d < 1 && $SIG"
check "table2: plasma BDNF up at 240 min" "$(group table2_human plasma bdnf 240min ketamine)" "d > 1"
check "table2: glu/gln up at 14 h" "$(group table2_mouse mrs glu_gln 14h ketamine)" "d > 1"
check "table2: GABA/glu up at 72 h" "$(group table2_mouse mrs gaba_glu 72h ketamine)" "d > 1 && $SIG"

# outputs: written atomically, reproducible for a seed, different for another
"$KETSIM" lab table2_mouse --out-dir "$dir/o1" >/dev/null && "$KETSIM" lab table2_mouse --out-dir "$dir/o2" >/dev/null
cmp -s "$dir/o1/table2_mouse_animals.csv" "$dir/o2/table2_mouse_animals.csv" && ok || bad "same seed, different CSV"
python3 -m json.tool "$dir/o1/table2_mouse_summary.json" >/dev/null && ok || bad "summary JSON does not parse"
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["schema"] == "ketsim-lab-summary/1"' \
    "$dir/o1/table2_mouse_summary.json" && ok || bad "JSON schema missing"
[ "$(wc -l <"$dir/o1/table2_mouse_animals.csv")" -eq 33 ] && ok || bad "CSV rows: want 32 + header"
"$KETSIM" lab table2_mouse --seed 99 --out-dir "$dir/o3" >/dev/null
cmp -s "$dir/o1/table2_mouse_animals.csv" "$dir/o3/table2_mouse_animals.csv" && bad "seed ignored" || ok

# bad input: exit 2, a message naming the place, no output directory
expect2() { # description, pattern, args...
    local what="$1" pat="$2"
    shift 2
    "$KETSIM" lab "$@" --out-dir "$dir/never" >"$dir/out" 2>"$dir/err"
    local st=$?
    if [ "$st" -ne 2 ]; then bad "$what: exit $st, want 2"; return; fi
    grep -q -- "$pat" "$dir/err" || { bad "$what: message lacks '$pat': $(cat "$dir/err")"; return; }
    [ ! -e "$dir/never" ] || { bad "$what: output directory created"; rm -rf "$dir/never"; return; }
    ok
}
cat >"$dir/p.yaml" <<'Y'
name: p
species: rat
groups:
  - name: a
    n: 4
  - name: b
    n: 4
    drug: ketamine
    dose: ip:10mg/kg
    pretreatments:
      - {drug: nbqx, dose: ip:10mg/kg, time: 2h}
readouts:
  - {assay: spines, times: [24h]}
Y
expect2 "pretreatment after the drug" "p.yaml:11: field 'groups\[1\].pretreatments\[0\].time'" "$dir/p.yaml"
sed -e 's/time: 2h/time: -2h/' -e 's/spines, times/spines, when/' "$dir/p.yaml" >"$dir/q.yaml"
expect2 "unknown field" "q.yaml:13:.*readouts\[0\].when" "$dir/q.yaml"
expect2 "unknown experiment" "no built-in experiment 'nope'" nope
expect2 "missing file" "missing.yaml" "$dir/missing.yaml"
expect2 "bad seed" "--seed" table2_mouse --seed x
expect2 "bad --set" "--set" table2_mouse --set lab.fst.gain=-1
expect2 "two experiments" "unexpected argument" table2_mouse hnk

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
