#!/usr/bin/env bash
# Program output quoted in the docs is generated, not typed: every block
# between "<!-- generated: NAME -->" markers in docs/*.md is what
# scripts/gen_doc_examples.py makes from the real program now.  Left out of
# the sanitizer stage of CI (KETSIM_QUICK_VALIDATE=1): the figures are those
# of the ordinary build.
source "$(dirname "$0")/lib/common.bash"
if [ -n "${KETSIM_QUICK_VALIDATE:-}" ]; then
    echo "doc_examples: skipped under KETSIM_QUICK_VALIDATE (sanitizer build)"
    exit 0
fi
build=$(dirname "$ketsim")
[ -x "$build/fit_make_data" ] || bad "no fit_make_data next to $ketsim"
grep -q 'generated: fit_pk_example' "$root/docs/fit.md" && ok || bad "docs/fit.md lost its generated example"
if python3 "$root/scripts/gen_doc_examples.py" "$build" --check 2>"$tmp/err.txt"; then ok; else
    bad "$(cat "$tmp/err.txt")"
fi
# the check can fail: a typed figure inside a block is found
cp -r "$root/scripts" "$root/docs" "$tmp/"
ln -s "$root/data" "$tmp/data"
sed -i 's/^-2LL \([0-9.]*\) /-2LL 1.2345 /' "$tmp/docs/fit.md"
if python3 "$tmp/scripts/gen_doc_examples.py" "$build" --check 2>/dev/null; then
    bad "a changed figure in a generated block was not found stale"
else ok; fi
finish
