#!/usr/bin/env bash
# --report FILE.html on simulate, trial, lab, validate and fit (pooled and
# foce-i): one
# self-contained page (lib/check_report.py: well formed, no external
# resource, inline SVG figures, the expected sections and values), text
# from files escaped, the same bytes at any thread count, part of the
# run's outputs (a bad location fails before the work, a failed or
# interrupted run leaves nothing), and, where chromium is installed,
# rendered headless to a PNG of the window's size.
source "$(dirname "$0")/lib/common.bash"
check="python3 $root/tests/cli/lib/check_report.py"
gen="$(dirname "$ketsim")/fit_make_data"
version=$("$ketsim" --version | sed 's/^ketsim //')
# KETSIM_QUICK_VALIDATE=1 (the sanitizer stage of CI): validate a slice of
# the targets file instead of all of it
quick=${KETSIM_QUICK_VALIDATE:-0}

# page_ok LABEL PAGE ARGS...: check_report.py passes
page_ok() {
    local label=$1; shift
    if $check "$@" >"$tmp/check" 2>&1; then ok; else bad "$label: $(cat "$tmp/check")"; fi
}
# the page without its command line (which names the options that differ)
body_of() { grep -v '<th scope="row">command line</th>' "$1"; }
common=(--section Run --section "Parameters changed from the default" --text "$version")

# ---- simulate: a drug file whose source and description need escaping ----
cat >"$tmp/odd.yaml" <<'EOF'
name: odd
description: "a <b>test</b> drug & more"
components:
  - {compound: oddx, fraction: 1.0}
compounds:
  oddx:
    mw_g_per_mol: 239.7
    v1_l: 10
    v2_l: 90
    v3_l: 0
    cl_l_per_h: 50
    q2_l_per_h: 100
    q3_l_per_h: 0
    fu_plasma: 0.5
    kp_brain: 0.9
    kpuu_brain: 1.0
    keo_brain_per_h: 6
    nmda_ki_um: 500
    ampa_emax: 0.6
    ampa_ec50_um: 3.3
    source: "made up: <script>x()</script> & \"quoted\" 'too'"
EOF
mkdir "$tmp/sim"
if "$ketsim" simulate --drug "$tmp/odd.yaml" --dose iv:20mg --until 1d --set oddx.v1_l=12 \
    --set nmda.interneuron_selectivity=5 --out "$tmp/sim/run.csv" --report "$tmp/sim/sim.html" \
    >"$tmp/out" 2>"$tmp/err"; then ok; else bad "simulate --report: $(cat "$tmp/err")"; fi
page_ok "simulate page" "$tmp/sim/sim.html" --svg 3 "${common[@]}" --section "Outputs over the run" \
    --section Figures --text "oddx.v1_l" --text "nmda.interneuron_selectivity" \
    --text "made up: &lt;script&gt;x()&lt;/script&gt; &amp; &quot;quoted&quot; &#39;too&#39;" \
    --text "plasma_ketamine_ng_per_ml" --no-text "<script>x()"
[ "$(ls -A "$tmp/sim")" = "$(printf 'run.csv\nsim.html')" ] && ok || bad "simulate: left $(ls -A "$tmp/sim")"
commit=$(sed -n 's:.*<th scope="row">git commit</th><td>\([^<]*\)</td>.*:\1:p' "$tmp/sim/sim.html")
[[ $commit =~ ^([0-9a-f]{40}|unknown)$ ]] && ok || bad "git commit row: '$commit'"
# the old and new value of an override, from the parameter table
"$ketsim" params 2>/dev/null | awk '$1 == "nmda.interneuron_selectivity" {print $2}' >"$tmp/default"
grep -q "<td>nmda.interneuron_selectivity</td><td class=\"num\">$(cat "$tmp/default")</td><td class=\"num\">5</td>" \
    "$tmp/sim/sim.html" && ok || bad "simulate: override row without default $(cat "$tmp/default") and value 5"
"$ketsim" simulate --until 1d --report "$tmp/sim/again.html" >/dev/null 2>&1
"$ketsim" simulate --until 1d --report "$tmp/sim/again2.html" >/dev/null 2>&1
cmp -s <(body_of "$tmp/sim/again.html") <(body_of "$tmp/sim/again2.html") && ok || bad "simulate: two runs, different pages"

# ---- trial: a scenario description and file name with markup in them;
# threads do not matter ----
odd_trial="$tmp/sc<&'>.yaml"
sed -e 's/^description: .*/description: "saline <vs> ketamine \& \\"co\\""/' \
    "$root/data/scenarios/ketamine_vs_saline.yaml" >"$odd_trial"
mkdir "$tmp/trial"
for t in 1 2; do
    if "$ketsim" trial "$odd_trial" --replicates 4 --subjects 24 --seed 7 --threads $t \
        --set pop.weight_median_kg=75 --report "$tmp/trial/t$t.html" >"$tmp/trial_out$t" 2>"$tmp/err"; then ok
    else bad "trial --report (threads $t): $(cat "$tmp/err")"; fi
done
page_ok "trial page" "$tmp/trial/t1.html" --svg 1 "${common[@]}" --section "Endpoints over replicate trials" \
    --section Figures --text "saline &lt;vs&gt; ketamine &amp; &quot;co&quot;" --text "pop.weight_median_kg" \
    --text "sc&lt;&amp;&#39;&gt;.yaml" --text "ketamine_vs_saline_madrs" --no-text "saline <vs>" --no-text "sc<&"
grep -q '<th scope="row">seed (ketamine_vs_saline)</th><td>7</td>' "$tmp/trial/t1.html" \
    && ok || bad "trial: no seed row with 7"
cmp -s <(body_of "$tmp/trial/t1.html") <(body_of "$tmp/trial/t2.html") && ok || bad "trial: page depends on --threads"
# the endpoint table is the one the command prints
grep -q "MADRS change" "$tmp/trial_out1" && grep -q "MADRS change" "$tmp/trial/t1.html" && ok \
    || bad "trial: endpoint table missing"
# a name that cannot name the figures is refused before the run
sed -e 's/^name: .*/name: "a<b"/' "$root/data/scenarios/ketamine_vs_saline.yaml" >"$tmp/badname.yaml"
"$ketsim" trial "$tmp/badname.yaml" --report "$tmp/trial/bad.html" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "cannot be used in a file name" "$tmp/err" && [ ! -e "$tmp/trial/bad.html" ] && ok \
    || bad "trial: a scenario name with markup: $(cat "$tmp/err")"

# ---- lab ----
mkdir "$tmp/lab"
if "$ketsim" lab ampa_block --seed 3 --set lab.fst.sd_s=30 --report "$tmp/lab/lab.html" >"$tmp/lab_out" \
    2>"$tmp/err"; then ok; else bad "lab --report: $(cat "$tmp/err")"; fi
page_ok "lab page" "$tmp/lab/lab.html" --svg 1 "${common[@]}" --section "Groups and tests" --section Figures \
    --text "lab.fst.sd_s" --text "nbqx+ketamine" --text "forced_swim"
grep -q '<th scope="row">seed (ampa_block)</th><td>3</td>' "$tmp/lab/lab.html" && ok || bad "lab: no seed row"

# ---- fit (pooled): the estimates are those of --out ----
mkdir "$tmp/fit"
"$gen" pk "$tmp/fit/pk.csv" || bad "fit_make_data"
if "$ketsim" fit --data "$tmp/fit/pk.csv" --drug esketamine --estimate s_ket.cl_l_per_h,s_ket.v1_l \
    --set s_ket.v1_l=150 --out "$tmp/fit/fit.txt" --report "$tmp/fit/fit.html" >/dev/null 2>"$tmp/err"; then ok
else bad "fit --report: $(cat "$tmp/err")"; fi
page_ok "fit page" "$tmp/fit/fit.html" "${common[@]}" --section Fit --section Estimates --text "s_ket.v1_l" \
    --text "-2LL"
$check "$tmp/fit/fit.html" --dump-table Estimates >"$tmp/est" 2>&1
for name in s_ket.cl_l_per_h s_ket.v1_l; do
    want=$(sed -n "s/^$name=//p" "$tmp/fit/fit.txt")
    got=$(awk -F'\t' -v n="$name" '$2 == n {print $5}' "$tmp/est")
    awk -v a="$want" -v b="$got" 'BEGIN { d = (a - b) / a; exit !(b != "" && d < 1e-5 && d > -1e-5) }' && ok \
        || bad "fit: estimate of $name on the page '$got', in --out '$want'"
done

# ---- fit --method foce-i: THETA/OMEGA/SIGMA with SE and RSE as --json has
# them, the verdict, and with --plot the diagnostic figures (drawn once, into
# --plot's set, and read from there); the same page at 1 and 2 threads ----
mkdir "$tmp/pop"
"$(dirname "$ketsim")/pop_make_data" small "$tmp/pop/all.csv" || bad "pop_make_data"
head -n 61 "$tmp/pop/all.csv" >"$tmp/pop/s10.csv"   # the first 10 subjects
POP=(fit --method foce-i --drug "$root/examples/theoph.yaml" --data "$tmp/pop/s10.csv" --error proportional
     --estimate theo.cl_l_per_h,theo.v1_l,theo.route.po.ka_per_h --eta theo.cl_l_per_h,theo.v1_l)
pop_tables=(--section Fit --section THETA --section "OMEGA (variance of ETA)" --section "SIGMA (residual SD)")
if [ "$quick" != 1 ]; then   # the covariance step: minutes under instrumentation
    if "$ketsim" "${POP[@]}" --threads 2 --set theo.v1_l=28 --json "$tmp/pop/fit.json" \
        --report "$tmp/pop/cov.html" >/dev/null 2>"$tmp/err"; then ok; else bad "fit foce-i --report: $(cat "$tmp/err")"; fi
    page_ok "foce-i page" "$tmp/pop/cov.html" "${common[@]}" "${pop_tables[@]}" --text "theo.v1_l" \
        --text "sandwich" --text "converged" --text "seed (fit)"
    for t in THETA "OMEGA (variance of ETA)" "SIGMA (residual SD)"; do
        $check "$tmp/pop/cov.html" --dump-table "$t" >"$tmp/pop/$t.tsv" 2>&1
    done
    python3 - "$tmp/pop" <<'EOF2' && ok || bad "foce-i page: tables differ from --json"
import json, math, sys
d = sys.argv[1]
f = json.load(open(d + "/fit.json"))
def rows(name):
    return {r[1]: r[2:] for r in (l.rstrip("\n").split("\t") for l in list(open(d + "/" + name + ".tsv"))[1:])}
def close(a, b):
    return abs(float(a) - b) <= 1e-5 * abs(b)
ok = True
theta = rows("THETA")
for name, v in f["theta"].items():
    est, se, rse = theta[name][:3]
    lo, hi = theta[name][3:5]
    if not (close(est, v["estimate"]) and close(se, v["se"]) and abs(float(rse) - v["rse_pct"]) < 0.051
            and close(lo, v["estimate"] - 1.96 * v["se"]) and close(hi, v["estimate"] + 1.96 * v["se"])):
        print("THETA", name, theta[name], v); ok = False
omega = rows("OMEGA (variance of ETA)")
for name, v in f["omega"].items():
    var, se, rse, cv, shr = omega[name][:5]
    want_shr = f["shrinkage"]["eta_pct"][name]
    if not (close(var, v["variance"]) and close(se, v["se"]) and abs(float(cv) - v["cv_pct"]) < 0.051
            and abs(float(shr) - want_shr) < 0.051):
        print("OMEGA", name, omega[name], v, want_shr); ok = False
sigma = rows("SIGMA (residual SD)")
for name, v in f["sigma"].items():
    if not (close(sigma[name][0], v["estimate"]) and close(sigma[name][1], v["se"])):
        print("SIGMA", name, sigma[name], v); ok = False
if not (len(theta) == len(f["theta"]) and len(omega) == len(f["omega"]) and len(sigma) == len(f["sigma"])):
    print("row counts differ"); ok = False
sys.exit(0 if ok else 1)
EOF2
    for k in "OFV (-2LL)" AIC BIC; do
        key=$(echo "$k" | sed 's/OFV (-2LL)/ofv/; s/AIC/aic/; s/BIC/bic/')
        want=$(python3 -c "import json,sys; print('%.6g' % json.load(open(sys.argv[1]))[sys.argv[2]])" \
            "$tmp/pop/fit.json" "$key")
        grep -qF "<th scope=\"row\">$k</th><td>$want</td>" "$tmp/pop/cov.html" && ok || bad "foce-i page: no '$k' $want"
    done
fi
for t in 1 2; do
    if "$ketsim" "${POP[@]}" --cov none --threads $t --plot "$tmp/pop/fig$t" --vpc 20 \
        --report "$tmp/pop/p$t.html" >/dev/null 2>"$tmp/err"; then ok; else bad "fit --plot --report: $(cat "$tmp/err")"; fi
done
nsvg=$(ls "$tmp/pop/fig1"/*.svg | wc -l)
page_ok "foce-i page with figures" "$tmp/pop/p1.html" --svg "$nsvg" "${common[@]}" "${pop_tables[@]}" \
    --section Figures --text "gof_plasma_theo_ng_per_ml" --text "vpc_plasma_theo_ng_per_ml"
[ "$(grep -c '<figure>' "$tmp/pop/p1.html")" = "$nsvg" ] && ok || bad "foce-i page: not one figure per SVG of --plot"
cmp -s <(body_of "$tmp/pop/p1.html") <(body_of "$tmp/pop/p2.html") && ok || bad "foce-i page depends on --threads"
[ "$(ls -A "$tmp/pop" | grep -c '^\.ketsim')" = 0 ] && ok || bad "foce-i: left $(ls -A "$tmp/pop")"
# an unusable fit publishes no page
"$ketsim" "${POP[@]}" --cov none --max-iter 1 --report "$tmp/pop/unusable.html" >/dev/null 2>"$tmp/err"
[ $? -eq 3 ] && [ ! -e "$tmp/pop/unusable.html" ] && ok || bad "unusable population fit: $(cat "$tmp/err")"

# ---- validate: every target, the printed counts, coloured rows ----
mkdir "$tmp/val"
targets="$root/data/targets.csv"
if [ "$quick" = 1 ]; then
    head -30 "$targets" >"$tmp/val/targets.csv"
    targets="$tmp/val/targets.csv"
fi
"$ketsim" validate --targets "$targets" --report "$tmp/val/val.html" >"$tmp/val_out" 2>"$tmp/err"
[ $? -le 1 ] && [ -s "$tmp/val/val.html" ] && ok || bad "validate --report: $(cat "$tmp/err")"
page_ok "validate page" "$tmp/val/val.html" "${common[@]}" --section Totals --section Targets
$check "$tmp/val/val.html" --dump-table Targets >"$tmp/rows" 2>&1
python3 - "$targets" "$tmp/rows" "$tmp/val_out" <<'EOF' && ok || bad "validate: page and targets file or printed counts differ"
import csv, re, sys
targets, rows, printed = sys.argv[1:]
with open(targets, newline="") as f:
    ids = [r["id"] for r in csv.DictReader(f) if r["id"] and not r["id"].startswith("#")]
body = [l.rstrip("\n").split("\t") for l in open(rows)][1:]      # the heading row first
page_ids = [r[1] for r in body]
ok = page_ids == ids
if not ok:
    print("ids differ:", set(ids) ^ set(page_ids), len(ids), len(page_ids))
counts = {}
for r in body:
    cls, role, result = r[0], r[2], r[-1]
    if (cls == "pass") != result.startswith("pass") or cls not in ("pass", "miss"):
        print("row class and result disagree:", r[:3], cls, result)
        ok = False
    counts[(role, cls)] = counts.get((role, cls), 0) + 1
m = re.search(r"calibration targets: (\d+) passed, (\d+) missed; checks: (\d+) passed, (\d+) missed",
              open(printed).read())
want = tuple(int(x) for x in m.groups()) if m else None
got = (counts.get(("calibration", "pass"), 0), counts.get(("calibration", "miss"), 0),
       counts.get(("check", "pass"), 0), counts.get(("check", "miss"), 0))
if want != got:
    print("printed", want, "page", got)
    ok = False
sys.exit(0 if ok else 1)
EOF
for k in "calibration targets passed" "calibration targets missed" "checks passed" "checks missed"; do
    grep -q "<th scope=\"row\">$k</th><td>[0-9]*</td>" "$tmp/val/val.html" && ok || bad "validate: no '$k' total"
done

# ---- --plot with --report: each figure is drawn once, into --plot's set,
# and the page reads it from there (strace counts the SVG files created);
# the page is the one --report alone writes ----
mkdir "$tmp/both"
both_runs=("simulate --until 1d" "trial ketamine_vs_saline --replicates 2 --subjects 24 --threads 1" "lab ampa_block --seed 3")
for k in 0 1 2; do
    read -r -a args <<<"${both_runs[$k]}"
    # (LeakSanitizer cannot run under a tracer; the sanitizer stage checks
    # leaks in every other run of these commands)
    if ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
        strace -f -qq -e trace=openat -o "$tmp/both/strace$k" "$ketsim" "${args[@]}" --plot "$tmp/both/fig$k" \
        --report "$tmp/both/b$k.html" >/dev/null 2>"$tmp/err"; then ok; else bad "${args[0]} --plot --report: $(cat "$tmp/err")"; fi
    nsvg=$(ls "$tmp/both/fig$k"/*.svg 2>/dev/null | wc -l)
    created=$(grep -E 'openat\(.*\.svg(\.tmp\.[^"]*)?".*O_CREAT' "$tmp/both/strace$k" | grep -vc ENOENT || true)
    [ "$nsvg" -gt 0 ] && [ "$created" = "$nsvg" ] && ok \
        || bad "${args[0]} --plot --report: $created SVG files created for the $nsvg figures of --plot"
    "$ketsim" "${args[@]}" --report "$tmp/both/a$k.html" >/dev/null 2>&1
    cmp -s <(body_of "$tmp/both/a$k.html") <(body_of "$tmp/both/b$k.html") && ok \
        || bad "${args[0]}: the page with --plot differs from the page without"
done
[ "$(ls -A "$tmp/both" | grep -c '^\.ketsim')" = 0 ] && ok || bad "--plot --report: left $(ls -A "$tmp/both")"

# ---- the report is one of the run's outputs ----
mkdir "$tmp/fail"
"$ketsim" simulate --until 1d --report "$tmp/fail/r.txt" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q -- "--report '.*r.txt': the file name must end in .html" "$tmp/err" && ok \
    || bad "report not .html: $(cat "$tmp/err")"
"$ketsim" trial ketamine_vs_saline --replicates 2 --out-dir "$tmp/fail/out" --report "$tmp/nowhere/r.html" \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q -- "--report: .*nowhere" "$tmp/err" && [ ! -s "$tmp/out" ] && [ ! -e "$tmp/fail/out" ] && ok \
    || bad "report in a missing directory: rc $rc, $(cat "$tmp/err"), left $(ls -A "$tmp/fail")"
"$ketsim" simulate --until 1d --set no.such_parameter=1 --report "$tmp/fail/r.html" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && [ -z "$(ls -A "$tmp/fail")" ] && ok || bad "failed run left $(ls -A "$tmp/fail")"
"$ketsim" fit --data "$tmp/fit/pk.csv" --drug esketamine --estimate s_ket.cl_l_per_h --max-iter 1 \
    --report "$tmp/fail/f.html" >/dev/null 2>"$tmp/err"
[ $? -eq 3 ] && [ -z "$(ls -A "$tmp/fail")" ] && ok || bad "unusable fit left $(ls -A "$tmp/fail")"
# Ctrl-C once the page's scratch directory exists: nothing left
mkdir "$tmp/int"
"$ketsim" trial ketamine_vs_saline --replicates 20000 --threads 1 --report "$tmp/int/t.html" >/dev/null 2>"$tmp/err" &
pid=$!
for _ in $(seq 400); do
    compgen -G "$tmp/int/.ketsim-report.*" >/dev/null && break
    sleep 0.025
done
sleep 0.2
if kill -0 $pid 2>/dev/null; then
    kill -INT $pid
    wait $pid
    rc=$?
    [ $rc -eq 130 ] && [ -z "$(ls -A "$tmp/int")" ] && ok || bad "interrupted trial: rc $rc, left $(ls -A "$tmp/int")"
else
    bad "the trial ended before it could be interrupted"
fi

# SIGKILL leaves the scratch directory; the next report into that directory
# removes it once it is a minute old, but not a young one (a run between
# its mkdtemp and its lock) nor one a live run holds locked
mkdir -p "$tmp/kill/.ketsim-report.dead01" "$tmp/kill/.ketsim-report.young1" "$tmp/kill/.ketsim-report.live01"
touch "$tmp/kill/.ketsim-report.dead01/figure.svg"
touch -d '2 minutes ago' "$tmp/kill/.ketsim-report.dead01" "$tmp/kill/.ketsim-report.live01"
flock -x "$tmp/kill/.ketsim-report.live01" -c 'sleep 30' &
locker=$!
sleep 0.3
"$ketsim" simulate --until 6h --report "$tmp/kill/r.html" >/dev/null 2>"$tmp/err" || bad "report beside leftovers: $(cat "$tmp/err")"
left=$(cd "$tmp/kill" && LC_ALL=C ls -A | tr '\n' ' ')
[ "$left" = ".ketsim-report.live01 .ketsim-report.young1 r.html " ] && ok || bad "after the sweep: $left"
kill $locker 2>/dev/null; wait $locker 2>/dev/null

# ---- rendered by a browser ----
# png_size FILE: "WIDTH HEIGHT" from the PNG header
png_size() { python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); assert d[:8]==b"\x89PNG\r\n\x1a\n"; print(*struct.unpack(">II", d[16:24]))' "$1"; }
if command -v chromium >/dev/null 2>&1; then
    for p in sim/sim trial/t1 lab/lab fit/fit pop/p1 val/val; do
        rm -f "$tmp/$p.png"
        timeout 120 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$tmp/chromium" \
            --screenshot="$tmp/$p.png" --window-size=1200,3000 "file://$tmp/$p.html" >/dev/null 2>&1
        # a blank page of this size compresses to a few kB; a page with
        # tables and figures does not
        size=$(stat -c %s "$tmp/$p.png" 2>/dev/null || echo 0)
        [ "$(png_size "$tmp/$p.png" 2>/dev/null)" = "1200 3000" ] && [ "$size" -gt 40000 ] && ok \
            || bad "chromium rendering of $p.html: ${size} bytes, size $(png_size "$tmp/$p.png" 2>&1)"
    done
    if [ -n "${KETSIM_REPORT_PNG_DIR:-}" ]; then   # to look at them
        mkdir -p "$KETSIM_REPORT_PNG_DIR" && cp "$tmp"/*/*.png "$tmp"/*/*.html "$KETSIM_REPORT_PNG_DIR"/
    fi
elif [ -n "${CI:-}" ]; then
    bad "chromium is not installed (scripts/packages.d/report.txt lists it for CI)"
else
    echo "SKIP: chromium not installed: the pages were not rendered (apt-get install chromium)"
fi

finish
