#!/usr/bin/env python3
"""Fail when an object file of the library calls a function defined in a
layer above its own, or beside it.  check_layers.py reads #include lines,
which cannot see a call through a header of a lower layer to a function
implemented higher up (a declaration in params.h, say, whose body lives in
src/api/); the symbol tables of the compiled objects can.  The layers are
the table in docs/architecture.md, as for check_layers.py.

usage: check_layer_calls.py SOURCE_ROOT OBJECT...   (exit 0: clean, 1: violations, 2: bad input)
"""
import os
import re
import subprocess
import sys

if len(sys.argv) < 3:
    sys.exit(__doc__)
root = os.path.abspath(sys.argv[1])
objects = sys.argv[2:]

levels = {}          # layer name -> level
folder_layer = {}    # src/ folder -> layer name
row = re.compile(r"^\|\s*(\d+)\s*\|\s*([a-z]+)\s*\|\s*src/([a-z]+)\s*\|")
with open(os.path.join(root, "docs", "architecture.md"), encoding="utf-8") as f:
    for line in f:
        m = row.match(line)
        if m:
            levels[m.group(2)] = int(m.group(1))
            folder_layer[m.group(3)] = m.group(2)
if not levels:
    sys.exit("docs/architecture.md: no layer table found")


def layer_of(obj):
    """The layer of an object built from src/LAYER/FILE.c, or None."""
    parts = obj.replace(os.sep, "/").split("/")
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] == "src" and i + 2 < len(parts):
            return folder_layer.get(parts[i + 1], "?" + parts[i + 1])
    return None


defined = {}   # symbol -> (layer, object)
calls = []     # (object, layer, symbol)
for obj in objects:
    me = layer_of(obj)
    if me is None:
        continue
    if me.startswith("?"):
        print(f"{obj}: folder {me[1:]} is not in the layer table")
        sys.exit(2)
    out = subprocess.run(["nm", "-P", obj], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        f = line.split()
        if len(f) < 2:
            continue
        name, kind = f[0], f[1]
        if kind == "U":
            calls.append((obj, me, name))
        elif kind in "TDRBCGSV":   # global definitions (upper case)
            defined[name] = (me, obj)

bad = []
for obj, me, name in calls:
    if name not in defined:
        continue   # a system or third-party library
    other, where = defined[name]
    if other == me:
        continue
    if levels[other] > levels[me]:
        bad.append(f"{os.path.basename(obj)} ({me}, level {levels[me]}) calls {name} of {other} "
                   f"(level {levels[other]}, {os.path.basename(where)}), a layer above")
    elif levels[other] == levels[me]:
        bad.append(f"{os.path.basename(obj)} ({me}) calls {name} of {other}, a layer beside it")

for b in sorted(set(bad)):
    print(b)
print(f"layer calls: {len(set(bad))} violation(s) in {len(objects)} objects")
sys.exit(1 if bad else 0)
