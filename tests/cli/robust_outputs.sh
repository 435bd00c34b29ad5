#!/usr/bin/env bash
# Output files and directories (docs/robustness.md): names from files stay
# inside the output directory, special files are written in place, a run's
# files are published together with a manifest or not at all, an output
# directory has one writer at a time, every output location is checked
# before the work, every write is checked (figures too), and new files
# follow the umask.
source "$(dirname "$0")/lib/common.bash"
cd "$tmp" || exit 1

# expect STATUS PATTERN CMD...: exit status and a stderr line matching PATTERN
expect() {
    local want=$1 pat=$2; shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ "$rc" -ne "$want" ] || ! grep -Eq -- "$pat" "$tmp/err"; then
        bad "${*:1:8} -> exit $rc (want $want), stderr: $(head -c 300 "$tmp/err")"
    else
        ok
    fi
}
# manifest_ok DIR SET: SET_manifest.json lists files whose sizes and SHA-256
# match, and names the set
manifest_ok() {
    python3 - "$1" "$2" <<'EOF'
import hashlib, json, os, sys
d, s = sys.argv[1], sys.argv[2]
m = json.load(open(os.path.join(d, s + "_manifest.json")))
assert m["schema"] == "ketsim-manifest/1" and m["set"] == s, m.get("set")
assert len(m["run_id"]) == 32 and m["command"][0] == "ketsim"
assert m["files"], "no files"
for f in m["files"]:
    data = open(os.path.join(d, f["name"]), "rb").read()
    assert len(data) == f["bytes"], f["name"]
    assert hashlib.sha256(data).hexdigest() == f["sha256"], f["name"]
EOF
}
# leftovers DIR: staging directories or temporary files a run left
leftovers() { find "$1" -name '.ketsim-*' -o -name '*.tmp.*' 2>/dev/null; }
sums() { (cd "$1" && sha256sum -- * 2>/dev/null); }
trial() { "$ketsim" trial zarate2006 --replicates 1 --subjects 4 "$@"; }

# --- names from files stay inside the output directory ----------------------
sed 's|^name: zarate2006|name: ../../../x/pwned|' "$root/data/scenarios/zarate2006.yaml" >"$tmp/evil.yaml"
mkdir -p "$tmp/a/b/c"
expect 2 "evil.yaml: scenario name '../../../x/pwned' cannot be used in a file name" \
    "$ketsim" trial "$tmp/evil.yaml" --replicates 1 --subjects 4 --out-dir "$tmp/a/b/c/out"
expect 2 "cannot be used in a file name" \
    "$ketsim" trial "$tmp/evil.yaml" --replicates 1 --subjects 4 --plot "$tmp/a/b/c/figs"
sed 's|^name: zarate2006|name: .hidden|' "$root/data/scenarios/zarate2006.yaml" >"$tmp/dot.yaml"
expect 2 "cannot be used in a file name" "$ketsim" trial "$tmp/dot.yaml" --replicates 1 --subjects 4 --out-dir "$tmp/o1"
sed 's|^name: ampa_block|name: ../pwned|' "$root/data/lab/ampa_block.yaml" >"$tmp/evil_lab.yaml"
expect 2 "evil_lab.yaml.*name" \
    "$ketsim" lab "$tmp/evil_lab.yaml" --out-dir "$tmp/a/b/c/lab"
expect 2 "evil_lab.yaml.*name" "$ketsim" lab "$tmp/evil_lab.yaml" --plot "$tmp/a/b/c/labfigs"
# the main job runs the built-in scenarios: a data directory whose scenario
# names point elsewhere is refused too
cp -r "$root/data" "$tmp/data2"
sed -i 's|^name: murrough2013|name: ../../pwned|' "$tmp/data2/scenarios/murrough2013.yaml"
expect 2 "scenario name '../../pwned' cannot be used in a file name" \
    env KETSIM_DATA_DIR="$tmp/data2" "$ketsim" run --out-dir "$tmp/a/b/c/main"
# without an output option the name is not used in a file: no objection
trial >/dev/null 2>&1 && "$ketsim" trial "$tmp/evil.yaml" --replicates 1 --subjects 4 >/dev/null 2>&1 && ok ||
    bad "a scenario with a path-like name but no --out-dir should run"
found=$(find "$tmp" -name '*pwned*' | grep -v -e evil -e data2)
[ -z "$found" ] && ok || bad "files outside the output directories: $found"

# --- special files are written in place, never replaced -----------------------
if mknod "$tmp/null.csv" c 1 3 2>/dev/null; then
    "$ketsim" simulate --until 2h --every 1h --out "$tmp/null.csv" 2>"$tmp/err" && ok || bad "--out DEVICE: $(cat "$tmp/err")"
    [ -c "$tmp/null.csv" ] && ok || bad "a device node given as --out was replaced by a regular file"
    [ -z "$(ls "$tmp" | grep 'null.csv.tmp')" ] && ok || bad "temporary file beside the device node"
else
    echo "(mknod not permitted: device-node case skipped)"
fi
mkfifo "$tmp/pipe.csv"
timeout 20 cat "$tmp/pipe.csv" >"$tmp/from_pipe" &
reader=$!
"$ketsim" simulate --until 2h --every 1h --out "$tmp/pipe.csv" 2>"$tmp/err"
rc=$?
wait "$reader"
if [ "$rc" -eq 0 ] && [ -p "$tmp/pipe.csv" ] && [ "$(wc -l <"$tmp/from_pipe")" -eq 4 ]; then ok; else
    bad "FIFO --out: rc=$rc, still a FIFO: $([ -p "$tmp/pipe.csv" ] && echo yes || echo no), lines read: $(wc -l <"$tmp/from_pipe")"
fi
# a symbolic link to a regular file: the target gets the output, the link stays
echo old >"$tmp/target.csv"
ln -s target.csv "$tmp/link.csv"
"$ketsim" simulate --until 2h --every 1h --out "$tmp/link.csv" 2>/dev/null
if [ -L "$tmp/link.csv" ] && [ "$(wc -l <"$tmp/target.csv")" -eq 4 ]; then ok; else bad "--out through a symbolic link"; fi

# --- a run's files are published together, with a manifest ------------------
trial --out-dir "$tmp/set" --plot "$tmp/set" >/dev/null 2>&1
manifest_ok "$tmp/set" zarate2006 && ok || bad "trial --out-dir: manifest does not match the files"
[ -z "$(leftovers "$tmp/set")" ] && ok || bad "staging left after success: $(leftovers "$tmp/set")"
[ "$(python3 -c "import json; print(len(json.load(open('$tmp/set/zarate2006_manifest.json'))['files']))")" -eq 4 ] &&
    ok || bad "the manifest should list the CSV, the JSON and two figures"
grep -q '"seeds"' "$tmp/set/zarate2006_manifest.json" && grep -q 'zarate2006.yaml' "$tmp/set/zarate2006_manifest.json" &&
    ok || bad "the manifest names seeds and the scenario file"
"$ketsim" lab ampa_block --out-dir "$tmp/labset" >/dev/null 2>&1 && manifest_ok "$tmp/labset" ampa_block && ok ||
    bad "lab --out-dir: manifest"
"$ketsim" predict --subjects 10 --bootstrap 0 --out-dir "$tmp/pred" >/dev/null 2>&1 &&
    manifest_ok "$tmp/pred" predict && ok || bad "predict --out-dir: manifest"
# a separate figure directory is a set of its own
trial --out-dir "$tmp/d1" --plot "$tmp/f1" >/dev/null 2>&1
manifest_ok "$tmp/d1" zarate2006 && manifest_ok "$tmp/f1" zarate2006_figures && ok || bad "--plot DIR of its own: manifest"

# A full disk for the second file of a set (ulimit -f: writes past 12 kB
# fail): the previous complete set stays as it was, nothing is left behind.
trial --seed 1 --out-dir "$tmp/full" >/dev/null 2>&1
before=$(sums "$tmp/full")
( trap '' XFSZ; ulimit -f 12; exec "$ketsim" trial zarate2006 --replicates 1 --subjects 4 --seed 2 --out-dir "$tmp/full" ) \
    >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] && grep -q "File too large" "$tmp/err" && ok || bad "full disk: rc=$rc, $(cat "$tmp/err")"
[ "$(sums "$tmp/full")" = "$before" ] && ok || bad "full disk: the previous set changed (mixed set)"
[ -z "$(leftovers "$tmp/full")" ] && ok || bad "full disk: left $(leftovers "$tmp/full")"
# figures on a full disk: an error, not empty or cut files
( trap '' XFSZ; ulimit -f 8; exec "$ketsim" simulate --until 2h --every 1h --plot "$tmp/fullfigs" ) >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] && grep -q "cannot write figure" "$tmp/err" && ok || bad "figures on a full disk: rc=$rc, $(cat "$tmp/err")"
[ ! -e "$tmp/fullfigs" ] && ok || bad "figures on a full disk left $(ls -A "$tmp/fullfigs")"

# --- one writer per output directory -------------------------------------------
"$ketsim" trial zarate2006 --replicates 30 --out-dir "$tmp/shared" >/dev/null 2>"$tmp/err1" &
first=$!
for _ in $(seq 100); do [ -n "$(ls -A "$tmp/shared" 2>/dev/null)" ] && break; sleep 0.05; done
trial --seed 9 --out-dir "$tmp/shared" >/dev/null 2>"$tmp/err2"
rc2=$?
wait "$first"
rc1=$?
[ "$rc1" -eq 0 ] && ok || bad "first writer: rc=$rc1, $(cat "$tmp/err1")"
[ "$rc2" -eq 1 ] && grep -q "another ketsim run is writing into this directory" "$tmp/err2" && ok ||
    bad "second writer: rc=$rc2, $(cat "$tmp/err2")"
manifest_ok "$tmp/shared" zarate2006 && grep -q '"replicates": 30' "$tmp/shared/zarate2006_summary.json" && ok ||
    bad "the first writer's set is not complete and its own"

# --- a killed publication is finished by the next run into the directory ----
trial --seed 3 --out-dir "$tmp/rf" >/dev/null 2>&1
mkdir "$tmp/rf/.ketsim-ready.0000000000000000"
trial --seed 4 --out-dir "$tmp/rf4" >/dev/null 2>&1
cp "$tmp/rf4"/* "$tmp/rf/.ketsim-ready.0000000000000000/"
rm "$tmp/rf/zarate2006_manifest.json" "$tmp/rf/zarate2006_summary.json"
cp "$tmp/rf4/zarate2006_summary.json" "$tmp/rf/"      # as if killed after the first rename
rm "$tmp/rf/.ketsim-ready.0000000000000000/zarate2006_summary.json"
mkdir "$tmp/rf/.ketsim-stage.1111111111111111" && echo partial >"$tmp/rf/.ketsim-stage.1111111111111111/x.csv"
"$ketsim" lab ampa_block --out-dir "$tmp/rf" >/dev/null 2>&1
manifest_ok "$tmp/rf" zarate2006 && ok || bad "the interrupted publication was not finished"
[ "$(sums "$tmp/rf" | grep zarate2006)" = "$(sums "$tmp/rf4")" ] && ok || bad "the finished set is not the ready one"
[ -z "$(leftovers "$tmp/rf")" ] && ok || bad "recovery left $(leftovers "$tmp/rf")"

# --- every output location is checked before the work ------------------------
touch "$tmp/afile"
start=$(date +%s%N)
expect 1 "[Nn]ot a directory" "$ketsim" trial zarate2006 --replicates 200 --out-dir "$tmp/early" \
    --plot "$tmp/afile/figs"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$ms" -lt 3000 ] && ok || bad "--plot into a file was found out only after ${ms} ms of work"
[ ! -e "$tmp/early" ] && ok || bad "a failed check left --out-dir: $(ls -A "$tmp/early")"
start=$(date +%s%N)
expect 1 "No such file or directory" "$ketsim" simulate --until 180d --every 1min --out "$tmp/nodir/x.csv"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$ms" -lt 1500 ] && ok || bad "simulate --out into a missing directory failed only after ${ms} ms"
for cmd in "fit --data $root/examples/pk_data.csv --estimate s_ket.cl_l_per_h --out $tmp/nodir/p.txt" \
           "export sbml --out $tmp/nodir/m.xml" \
           "sensitivity --output madrs --time 1h --params cadss.x50 --out $tmp/nodir/s.csv" \
           "predict --subjects 10 --bootstrap 0 --out-dir $tmp/nodir/p" \
           "lab ampa_block --plot $tmp/nodir/f"; do
    # shellcheck disable=SC2086
    expect 1 "No such file or directory" "$ketsim" $cmd
done

# --- permissions follow the umask ------------------------------------------------
for mask in 022 027; do
    want=$(printf '%o' $(( 0666 & ~8#$mask )))
    d="$tmp/perm$mask"
    ( umask $mask
      "$ketsim" simulate --until 2h --every 1h --out "$d.csv" --plot "$d.figs" >/dev/null 2>&1
      trial --out-dir "$d.trial" >/dev/null 2>&1
      "$ketsim" export sbml --out "$d.xml" >/dev/null 2>&1 )
    for f in "$d.csv" "$d.figs/cascade.png" "$d.figs/simulate_manifest.json" "$d.trial/zarate2006_summary.json" \
             "$d.trial/zarate2006_subjects.csv" "$d.trial/zarate2006_manifest.json" "$d.xml"; do
        got=$(stat -c %a "$f" 2>/dev/null)
        [ "$got" = "$want" ] && ok || bad "umask $mask: $f has mode ${got:-missing}, want $want"
    done
done

finish
