#!/usr/bin/env bash
# Memory that grows with the size of a run grows only as documented
# (docs/robustness.md, docs/trial.md): a trial keeps one double per endpoint
# and replicate, simulate streams its rows to the file instead of holding
# the trajectory.  Measured with /usr/bin/time -v (maximum resident set).
source "$(dirname "$0")/lib/common.bash"
if ! /usr/bin/time -v true 2>/dev/null; then
    echo "SKIP: no /usr/bin/time -v"
    echo "0 passed, 0 failed"
    exit 0
fi
# Under AddressSanitizer the resident set is mostly the sanitizer's (shadow
# memory, redzones, the quarantine of freed blocks), so what it measures is
# not the program's growth; the uninstrumented stage of CI runs this.
if ldd "$ketsim" 2>/dev/null | grep -q libasan; then
    echo "SKIP: an AddressSanitizer build measures the sanitizer's memory"
    echo "0 passed, 0 failed"
    exit 0
fi
cd "$tmp" || exit 1
# rss_kb CMD...: maximum resident set size of CMD in kB
rss_kb() { /usr/bin/time -v "$@" >/dev/null 2>"$tmp/time.txt" || { cat "$tmp/time.txt" >&2; echo 0; return; }
           sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time.txt"; }

# trial: 2500 against 5000 replicates of a 2-subject zarate2006 (both past the
# first chunk of 4096 subjects, so the chunk buffer is the same)
a=$(rss_kb "$ketsim" trial zarate2006 --replicates 2500 --subjects 2 --threads 2)
b=$(rss_kb "$ketsim" trial zarate2006 --replicates 5000 --subjects 2 --threads 2)
per=$(( (b - a) * 1024 / 2500 ))
echo "trial: ${a} kB at 2500 replicates, ${b} kB at 5000: about ${per} bytes per replicate"
[ "$a" -gt 0 ] && [ "$per" -lt 2500 ] && ok || bad "trial memory grows by ${per} bytes per replicate (want < 2500)"
# replicates whose endpoint lists differ (dropouts leave some undefined and
# some not listed): kept in the compact store all the same
cat >"$tmp/small.yaml" <<'Y'
name: small
design: parallel
subjects: 7
arms:
  - name: midazolam
    control: midazolam
  - name: ketamine
    dose_mg_per_kg: 0.5
visits: [2h, 1d, 7d]
primary_visit: 1d
dropout: 0.2
Y
"$ketsim" trial "$tmp/small.yaml" --seed 3 --replicates 40 --out-dir "$tmp/small" >/dev/null 2>"$tmp/err" &&
    python3 -c "
import json, sys
m = json.load(open('$tmp/small/small_summary.json'))['metrics']
sys.exit(0 if any(0 < x['defined'] < 40 for x in m) else 1)" && ok ||
    bad "a trial whose replicates list different endpoints: $(cat "$tmp/err")"

# simulate: 30 against 120 days at one-minute resolution (43201 and 172801
# output points); CSV rows are streamed, JSON keeps its columns (8 bytes a
# value, 48 columns)
a=$(rss_kb "$ketsim" simulate --until 30d --every 1min --out "$tmp/a.csv")
b=$(rss_kb "$ketsim" simulate --until 120d --every 1min --out "$tmp/b.csv")
per=$(( (b - a) * 1024 / 129600 ))
echo "simulate CSV: ${a} kB for 30 days, ${b} kB for 120 days: about ${per} bytes per output point"
[ "$a" -gt 0 ] && [ "$per" -lt 32 ] && ok || bad "simulate CSV memory grows by ${per} bytes per output point (want < 32)"
[ "$(wc -l <"$tmp/b.csv")" -eq 172802 ] && ok || bad "the streamed CSV has $(wc -l <"$tmp/b.csv") lines"
a=$(rss_kb "$ketsim" simulate --until 10d --every 1min --out "$tmp/a.json")
b=$(rss_kb "$ketsim" simulate --until 30d --every 1min --out "$tmp/b.json")
per=$(( (b - a) * 1024 / 28800 ))
echo "simulate JSON: ${a} kB for 10 days, ${b} kB for 30 days: about ${per} bytes per output point"
[ "$a" -gt 0 ] && [ "$per" -lt 600 ] && ok || bad "simulate JSON memory grows by ${per} bytes per output point (want < 600)"
json_ok "$tmp/b.json" && ok || bad "the streamed JSON does not parse"

finish
