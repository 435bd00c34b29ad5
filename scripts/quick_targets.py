#!/usr/bin/env python3
"""The targets file without its trial-level rows, for quick runs (the
sanitizer and valgrind stages of CI): rows whose statistic is `trial:...`
are left out, and so is every contrast (`targets:KIND:A:B`) that names a
row left out, transitively.  Comment lines stay.  Usage:
quick_targets.py IN.csv > OUT.csv"""
import csv
import io
import sys


def main(path):
    with open(path, newline="") as f:
        text = f.read()
    lines = text.splitlines(keepends=True)
    rows = []  # (line, id, statistic) for data rows; (line, None, None) otherwise
    header = None
    for line in lines:
        if not line.strip() or line.startswith("#"):
            rows.append((line, None, None))
            continue
        fields = next(csv.reader(io.StringIO(line)))
        if header is None:
            header = fields
            rows.append((line, None, None))
            continue
        rec = dict(zip(header, fields))
        rows.append((line, rec["id"], rec["statistic"]))
    dropped = {i for _, i, s in rows if i and s.startswith("trial:")}
    changed = True
    while changed:
        changed = False
        for _, i, s in rows:
            if i and i not in dropped and s.startswith("targets:"):
                if any(name in dropped for name in s.split(":")[2:]):
                    dropped.add(i)
                    changed = True
    sys.stdout.write("".join(line for line, i, _ in rows if i not in dropped))


if __name__ == "__main__":
    main(sys.argv[1])
