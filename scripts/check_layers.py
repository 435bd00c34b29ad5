#!/usr/bin/env python3
"""Fail when a source file includes a header of a layer above it, or of
another layer on its own level.  The layers are the table in
docs/architecture.md, so the rules and the check cannot drift apart.

usage: check_layers.py [SOURCE_ROOT]   (exit 0: clean, 1: violations, 2: bad table)
"""
import os
import re
import sys

root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
doc = os.path.join(root, "docs", "architecture.md")

layers = {}          # name -> level
folder_layer = {}    # "util" -> "util" (folder under src/)
header_layer = {}    # "error.h" -> "util"
row = re.compile(r"^\|\s*(\d+)\s*\|\s*([a-z]+)\s*\|\s*src/([a-z]+)\s*\|([^|]*)\|\s*$")
with open(doc, encoding="utf-8") as f:
    for line in f:
        m = row.match(line)
        if not m:
            continue
        level, name, folder, headers = int(m.group(1)), m.group(2), m.group(3), m.group(4).split()
        layers[name] = level
        folder_layer[folder] = name
        for h in headers:
            if h in header_layer:
                sys.exit(f"{doc}: public header {h} listed for two layers")
            header_layer[h] = name
if not layers:
    sys.exit(f"{doc}: no layer table found")


def layer_of_include(path_of_file, inc):
    """Layer of the header an include names, or None for one outside ketsim."""
    if inc.startswith("ketsim/"):
        h = inc[len("ketsim/"):]
        if h not in header_layer:
            return "?" + h
        return header_layer[h]
    parts = inc.split("/")
    if len(parts) >= 2 and parts[0] in folder_layer:
        return folder_layer[parts[0]]
    if len(parts) == 1:   # same folder
        return None
    return None


def owner(rel):
    parts = rel.split("/")
    if parts[0] == "include":
        h = parts[-1]
        return header_layer.get(h, "?" + h)
    if parts[0] == "src" and len(parts) >= 3:
        return folder_layer.get(parts[1], "?" + parts[1])
    return None


bad = []
inc_re = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
for top in ("src", "include"):
    for dirpath, _, files in os.walk(os.path.join(root, top)):
        for fn in sorted(files):
            if not fn.endswith((".c", ".h", ".def")):
                continue
            full = os.path.join(dirpath, fn)
            rel = os.path.relpath(full, root)
            me = owner(rel)
            if me is None:
                continue
            if me.startswith("?"):
                bad.append(f"{rel}: not in the layer table ({me[1:]})")
                continue
            with open(full, encoding="utf-8", errors="replace") as f:
                for n, line in enumerate(f, 1):
                    m = inc_re.match(line)
                    if not m:
                        continue
                    other = layer_of_include(rel, m.group(1))
                    if other is None or other == me:
                        continue
                    if other.startswith("?"):
                        bad.append(f"{rel}:{n}: includes {m.group(1)}, a public header missing from the table")
                    elif layers[other] > layers[me]:
                        bad.append(f"{rel}:{n}: {me} (level {layers[me]}) includes {m.group(1)} of {other} (level {layers[other]}), a layer above")
                    elif layers[other] == layers[me]:
                        bad.append(f"{rel}:{n}: {me} includes {m.group(1)} of {other}, a layer beside it")

for b in bad:
    print(b)
print(f"layers: {len(bad)} violation(s) in {len(layers)} layers")
sys.exit(1 if bad else 0)
