#!/usr/bin/env bash
# The manual cannot drift from the program: docs/ketsim.1 is what
# scripts/gen_manpage.py makes from docs/ketsim.1.in and every command's
# help; every long option in a command's option table is in its help (so in
# the manual); -h is the help of every command; every time unit the parser
# accepts is in the manual.
source "$(dirname "$0")/lib/common.bash"

python3 "$root/scripts/gen_manpage.py" "$ketsim" >"$tmp/ketsim.1" 2>"$tmp/err.txt" || bad "gen_manpage: $(cat "$tmp/err.txt")"
if cmp -s "$tmp/ketsim.1" "$root/docs/ketsim.1"; then ok; else
    bad "docs/ketsim.1 is not what scripts/gen_manpage.py makes (run it: scripts/gen_manpage.py BUILD/ketsim > docs/ketsim.1)"
    diff "$root/docs/ketsim.1" "$tmp/ketsim.1" | head -20 >&2
fi
command -v man >/dev/null && { man -l "$tmp/ketsim.1" >/dev/null 2>&1 && ok || bad "man cannot render the page"; }

# the option tables: {"name", no_argument|required_argument|optional_argument, ...}
for src in "$root"/src/cli/cmd_*.c; do
    cmd=$(basename "$src" .c)
    cmd=${cmd#cmd_}
    case $cmd in fit_pop) cmd=fit ;; info) continue ;; esac
    "$ketsim" help "$cmd" >"$tmp/help.txt" 2>&1 || { bad "ketsim help $cmd failed"; continue; }
    for opt in $(grep -o '{"[a-z][a-z0-9-]*", *\(no\|required\|optional\)_argument' "$src" | sed 's/{"\([^"]*\)".*/\1/' | sort -u); do
        [ "$opt" = help ] && continue
        grep -q -- "--$opt\b" "$tmp/help.txt" && ok || bad "$cmd: option --$opt (in $(basename "$src")) is not in 'ketsim help $cmd'"
    done
done

# -h anywhere is the help, exit 0
for cmd in $(sed -n 's/^CMD(\([a-z]*\),.*/\1/p' "$root/src/cli/commands.def") run; do
    "$ketsim" help "$cmd" >"$tmp/a.txt" 2>&1
    "$ketsim" "$cmd" -h >"$tmp/b.txt" 2>&1 && cmp -s "$tmp/a.txt" "$tmp/b.txt" && ok || bad "ketsim $cmd -h is not its help"
done
"$ketsim" trial zarate2006 -h >"$tmp/b.txt" 2>&1 && "$ketsim" help trial | cmp -s - "$tmp/b.txt" && ok ||
    bad "ketsim trial NAME -h is not the help"

# every duration unit of src/util/units.c is documented
units=$(sed -n '/ketsim_duration_parse/,/};/p' "$root/src/util/units.c" | grep -o '{"[a-z]*"' | tr -d '{"')
[ -n "$units" ] && ok || bad "no duration units found in src/util/units.c"
for u in $units; do
    grep -q "^\.BR.*\b$u\b\|(\b$u\b\|\b$u\b)" <(sed -n '/^\.SH DURATIONS/,/^\.SH /p' "$root/docs/ketsim.1") && ok ||
        bad "duration unit '$u' is accepted but not in the manual's DURATIONS section"
done
finish
