#!/bin/bash
# The numbers of ketsim do not drift: every case of tests/golden/cases.txt
# is run and compared with its golden file at 1e-9 relative
# (tests/tools/compare_golden.py).  The golden files change only with a
# deliberate model change (scripts/update_golden.sh, and a note saying why).
source "$(dirname "$0")/lib/common.bash"
skip_if_quick
cmp="$root/tests/tools/compare_golden.py"
while IFS='|' read -r name file args ignore; do
    name=$(echo $name); file=$(echo $file)
    case $name in ''|'#'*) continue ;; esac
    golden=$(ls "$root/tests/golden/$name".* 2>/dev/null | grep -v cases.txt | head -1)
    [ -n "$golden" ] || { bad "$name: no golden file"; continue; }
    mkdir -p "$tmp/$name"
    # shellcheck disable=SC2086
    (cd "$tmp/$name" && "$ketsim" $args >stdout.txt 2>stderr.txt) || { bad "$name: exit $? ($(tail -1 "$tmp/$name/stderr.txt"))"; continue; }
    actual="$tmp/$name/stdout.txt"
    [ "$file" = "-" ] || actual="$tmp/$name/$file"
    # summaries name the data files they used: the data directory differs
    # from machine to machine, so it is written DATA in the golden files
    sed -i "s|$root/data|DATA|g" "$actual"
    # shellcheck disable=SC2086
    if python3 "$cmp" "$golden" "$actual" 1e-9 $ignore; then ok; else bad "$name differs from its golden file"; fi
done < <(grep -v '^#' "$root/tests/golden/cases.txt")
finish
