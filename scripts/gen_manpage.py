#!/usr/bin/env python3
"""Write docs/ketsim.1 from docs/ketsim.1.in and the program's own help.

The COMMANDS section is each command's `ketsim help CMD` text, verbatim, so
the manual says what --help says and cannot drift from it
(tests/cli/manpage.sh regenerates it and compares).  Usage:
    scripts/gen_manpage.py BUILD/ketsim [docs/ketsim.1.in] > docs/ketsim.1
"""
import re
import subprocess
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent


def run(ketsim, *args):
    return subprocess.run([ketsim, *args], check=True, capture_output=True, text=True).stdout


def roff(line):
    """One line of help text as literal troff (inside .nf/.fi)."""
    line = line.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + line if line.startswith((".", "'")) else line


def commands():
    """(name, summary) in the order of src/cli/commands.def, then run."""
    text = (root / "src/cli/commands.def").read_text()
    out = re.findall(r'^CMD\((\w+), "([^"]*)"\)', text, re.M)
    return out + [("run", "the main job (default when no command is given)")]


def section(ketsim):
    lines = [".SH COMMANDS"]
    for name, summary in commands():
        lines += [f".SS {name}", roff(summary[0].upper() + summary[1:] + "."), ".PP", ".nf"]
        lines += [roff(l) for l in run(ketsim, "help", name).rstrip("\n").split("\n")]
        lines += [".fi"]
    return "\n".join(lines)


def main():
    ketsim = sys.argv[1]
    template = Path(sys.argv[2]) if len(sys.argv) > 2 else root / "docs/ketsim.1.in"
    version = run(ketsim, "--version").split()[-1]
    page = template.read_text().replace("@VERSION@", version).replace("@COMMANDS@", section(ketsim))
    sys.stdout.write(page)


if __name__ == "__main__":
    main()
