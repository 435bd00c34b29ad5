#!/usr/bin/env bash
# The joint PK + MADRS recovery study of docs/fit.md ("Recovery: PK and
# MADRS together"): 100 subjects simulated by the mechanistic model
# (pop_make_data joint: esketamine 35 mg IV over 40 min, 3 plasma samples
# per subject on rotating schedules, MADRS at 0, 4 h, 1, 3 and 7 d; ETAs on
# S-ketamine clearance, mood sensitivity and the untreated MADRS;
# proportional error on plasma, additive on MADRS), estimated by FOCE-I and
# by SAEM on 2 threads, each output with its own error model.  Prints
# estimates against the truth, whether the 95% interval (estimate +- 1.96
# SE, sandwich) covers it, and the times.  The fits start from the table
# values (95.2 L/h, 1, 32 points), not from the truth.
# Usage: scripts/popest_recovery_joint.sh [BUILD_DIR [KEEP_DIR]] (default
# build; KEEP_DIR keeps the data and fit.json files).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$here/build}"
if [ -n "${2:-}" ]; then
    tmp="$2"; mkdir -p "$tmp"
else
    tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
fi
"$build/pop_make_data" joint "$tmp/joint.csv"
T=s_ket.cl_l_per_h,mood.sensitivity,patient.madrs_baseline
for m in foce-i saem; do
    "$build/ketsim" fit --method "$m" --drug esketamine --data "$tmp/joint.csv" --estimate "$T" --eta "$T" \
        --error plasma_s_ketamine_ng_per_ml=proportional --error madrs=additive \
        --threads 2 --json "$tmp/$m.json" --accept-unusable >"$tmp/$m.out"
done
python3 "$here/scripts/popest_recovery_table.py" joint "$tmp/foce-i.json" "$tmp/saem.json"
