#!/usr/bin/env bash
# The default simulation from the program, from Python and from R: the two
# packages give the same doubles bit for bit (both printed with "%.17g",
# which tells every double apart), and those printed as the program prints
# ("%.10g") are its CSV character for character.
# usage: agree.sh KETSIM_CLI WORK_DIR
set -euo pipefail
cli=$1 work=$2
out=$work/agree
export KETSIM_R_LIBRARY=$work/r
rm -rf "$out" && mkdir -p "$out"
"$cli" simulate >"$out/cli.csv"
PYTHONPATH=$work/python "$(cat "$work/python_exe")" - "$out" <<'PY'
import sys, ketsim
df = ketsim.simulate()
for fmt, name in (("%.17g", "python17.csv"), ("%.10g", "python10.csv")):
    with open(f"{sys.argv[1]}/{name}", "w") as f:
        f.write(",".join(df.columns) + "\n")
        for row in df.itertuples(index=False):
            f.write(",".join(fmt % v for v in row) + "\n")
PY
Rscript -e '
.libPaths(c(Sys.getenv("KETSIM_R_LIBRARY"), .libPaths()))
df <- ketsim::simulate()
out <- commandArgs(TRUE)[1]
for (f in c("%.17g", "%.10g")) {
  rows <- apply(as.matrix(df), 1, function(r) paste(sprintf(f, r), collapse = ","))
  writeLines(c(paste(names(df), collapse = ","), rows),
             file.path(out, sprintf("r%s.csv", substr(f, 3, 4))))
}' "$out"
pass=0 fail=0
same() {
    if cmp -s "$1" "$2"; then pass=$((pass + 1)); echo "ok: $3"
    else fail=$((fail + 1)); echo "FAIL: $3"; diff "$1" "$2" | head -5; fi
}
same "$out/python17.csv" "$out/r17.csv" "Python and R: the same doubles ($(($(wc -l <"$out/r17.csv") - 1)) times x $(head -1 "$out/r17.csv" | tr ',' '\n' | wc -l) outputs)"
same "$out/python10.csv" "$out/cli.csv" "Python printed as the program prints = ketsim simulate"
same "$out/r10.csv" "$out/cli.csv" "R printed as the program prints = ketsim simulate"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
