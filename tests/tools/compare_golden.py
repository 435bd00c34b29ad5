#!/usr/bin/env python3
"""Compare a command's output with its golden file, number by number.

usage: compare_golden.py GOLDEN ACTUAL [REL_TOL [IGNORED_JSON_PATH...]]

CSV files (a header line of names) are compared by column name: every
column of the golden file must be in the actual file with the same number of
rows, and every number equal within REL_TOL (default 1e-9) relative (1e-12
absolute near zero); columns only the actual file has are new outputs and
are allowed.  JSON files are compared as trees (same keys, numbers within
tolerance, new keys allowed only where the golden value is absent).  Other
text is compared token by token: words must match, numbers within tolerance.
Exit 0 when they agree, 1 with the first differences printed.
"""
import csv
import json
import re
import sys

tol = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-9
# JSON paths whose format changed on purpose (e.g. $.arms, now with dose text)
ignored = set(sys.argv[4:])
problems = []


def close(a, b):
    return abs(a - b) <= tol * max(abs(a), abs(b)) + 1e-12


def num(s):
    try:
        return float(s)
    except ValueError:
        return None


def cmp_csv(g, a):
    gr, ar = list(csv.reader(g.splitlines())), list(csv.reader(a.splitlines()))
    gh, ah = gr[0], ar[0]
    if len(gr) != len(ar):
        problems.append(f"rows: golden {len(gr) - 1}, actual {len(ar) - 1}")
        return
    for j, name in enumerate(gh):
        if name not in ah:
            problems.append(f"column {name} missing")
            continue
        k = ah.index(name)
        for i in range(1, len(gr)):
            x, y = gr[i][j], ar[i][k]
            fx, fy = num(x), num(y)
            if fx is not None and fy is not None:
                if not close(fx, fy):
                    problems.append(f"row {i} {name}: golden {x}, actual {y}")
            elif x != y:
                problems.append(f"row {i} {name}: golden '{x}', actual '{y}'")
            if len(problems) > 20:
                return


def cmp_json(g, a, path="$"):
    if path in ignored:
        return
    if isinstance(g, dict):
        if not isinstance(a, dict):
            problems.append(f"{path}: object expected")
            return
        for k in g:
            if k not in a:
                problems.append(f"{path}.{k} missing")
            else:
                cmp_json(g[k], a[k], f"{path}.{k}")
    elif isinstance(g, list):
        if not isinstance(a, list) or len(a) != len(g):
            problems.append(f"{path}: list of {len(g)} expected")
            return
        for i, (x, y) in enumerate(zip(g, a)):
            cmp_json(x, y, f"{path}[{i}]")
    elif isinstance(g, (int, float)) and not isinstance(g, bool) and isinstance(a, (int, float)):
        if not close(float(g), float(a)):
            problems.append(f"{path}: golden {g}, actual {a}")
    elif g != a:
        problems.append(f"{path}: golden {g!r}, actual {a!r}")


token = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|\S")


def cmp_text(g, a):
    gl, al = g.splitlines(), a.splitlines()
    if len(gl) != len(al):
        problems.append(f"lines: golden {len(gl)}, actual {len(al)}")
    for i, (x, y) in enumerate(zip(gl, al)):
        tx, ty = token.findall(x), token.findall(y)
        same = len(tx) == len(ty)
        for p, q in zip(tx, ty):
            fp, fq = num(p), num(q)
            if fp is not None and fq is not None:
                same = same and close(fp, fq)
            else:
                same = same and p == q
        if not same:
            problems.append(f"line {i + 1}:\n  golden {x}\n  actual {y}")
        if len(problems) > 20:
            return


g, a = open(sys.argv[1]).read(), open(sys.argv[2]).read()
if sys.argv[1].endswith(".json"):
    cmp_json(json.loads(g), json.loads(a))
elif sys.argv[1].endswith(".csv"):
    cmp_csv(g, a)
else:
    cmp_text(g, a)
for p in problems[:20]:
    print(f"{sys.argv[2]}: {p}")
sys.exit(1 if problems else 0)
