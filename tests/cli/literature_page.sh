#!/usr/bin/env bash
# docs/literature.md cannot drift: it is what scripts/gen_literature.py makes
# from data/targets.csv, the parameter tables and data/literature_*.csv; and
# every literature reference in the sources, the data, the docs and the
# program's own output resolves inside the repository (a section of that
# page), not to notes outside it.
source "$(dirname "$0")/lib/common.bash"
page=$root/docs/literature.md

python3 "$root/scripts/gen_literature.py" "$ketsim" >"$tmp/literature.md" 2>"$tmp/err.txt" ||
    bad "gen_literature: $(cat "$tmp/err.txt")"
if cmp -s "$tmp/literature.md" "$page"; then ok; else
    bad "docs/literature.md is not what scripts/gen_literature.py makes (run it: scripts/gen_literature.py BUILD/ketsim > docs/literature.md)"
    diff "$page" "$tmp/literature.md" | head -20 >&2
fi

# every target id and every parameter name is on the page
for id in $(grep -v '^#' "$root/data/targets.csv" | tail -n +2 | cut -d, -f1); do
    grep -q "^| $id |" "$page" || bad "target $id is not on docs/literature.md"
done
ok
"$ketsim" params --csv | tail -n +2 | cut -d, -f1 >"$tmp/names.txt"
[ "$(wc -l <"$tmp/names.txt")" -gt 100 ] && ok || bad "ketsim params --csv listed too few parameters"
while read -r name; do
    grep -q "^| $name |" "$page" || bad "parameter $name is not on docs/literature.md"
done <"$tmp/names.txt"
ok

# "docs/literature.md section N" names a section of the page, wherever it is
# written: sources, data, docs, and what the program prints
{
    grep -rhoE 'docs/literature\.md section [0-9]+' "$root/src" "$root/data" "$root/docs" "$root/README.md"
    "$ketsim" params --csv | grep -oE 'docs/literature\.md section [0-9]+'
} | sort -u | sed 's/.* //' >"$tmp/sections.txt"
[ -s "$tmp/sections.txt" ] || bad "no section references found (the grep is broken)"
while read -r n; do
    grep -q "^## $n\. " "$page" && ok || bad "docs/literature.md has no section $n, which is cited"
done <"$tmp/sections.txt"

# no reference to notes outside the repository
if grep -rnE 'LITERATURE\.md|DESIGN\.md' "$root/src" "$root/data" "$root/docs" "$root/README.md" >"$tmp/outside.txt"; then
    bad "references to files outside the repository: $(head -3 "$tmp/outside.txt")"
else ok; fi
finish
