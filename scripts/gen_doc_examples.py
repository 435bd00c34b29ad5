#!/usr/bin/env python3
"""Regenerate the program output quoted in the docs, so no figure is typed.

    scripts/gen_doc_examples.py BUILD_DIR            rewrite the blocks in place
    scripts/gen_doc_examples.py BUILD_DIR --check    exit 1 if a block is stale

A generated block sits between two markers in a Markdown file:

    <!-- generated: NAME (scripts/gen_doc_examples.py) -->
    ...
    <!-- end generated: NAME -->

and NAME is a function below that runs the real program (BUILD_DIR/ketsim
and the test tools next to it) in a scratch directory and returns the
block's text.  tests/cli/doc_examples.sh runs the check.
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Runner:
    def __init__(self, build, cwd):
        self.build, self.cwd = build, cwd

    def run(self, *args):
        """Run BUILD/args[0] with the rest; stdout, or stop on failure."""
        exe = os.path.join(self.build, args[0])
        env = dict(os.environ, KETSIM_DATA_DIR=os.path.join(ROOT, "data"))
        p = subprocess.run([exe, *args[1:]], cwd=self.cwd, env=env, capture_output=True, text=True)
        if p.returncode != 0:
            raise SystemExit(f"gen_doc_examples: {' '.join(args)} exited {p.returncode}: {p.stderr.strip()}")
        return p.stdout


PK_FIT = ("ketsim", "fit", "--data", "pk.csv", "--drug", "esketamine", "--estimate", "s_ket.cl_l_per_h,s_ket.v1_l",
          "--out", "fit.txt")
GLU_FIT = ("ketsim", "fit", "--data", "glu.csv", "--estimate", "glu.feedback_k_per_h", "--error", "additive",
           "--out", "glu.txt")


def estimates(out):
    """name -> (estimate, SE) from the printed table of a pooled fit."""
    est = {}
    for line in out.splitlines():
        m = re.match(r"^(\S+\.\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)$", line)
        if m:
            est[m.group(1)] = (float(m.group(3)), float(m.group(4)))
    return est


def sigma(out):
    m = re.search(r"^sigma_\w+ \([^)]*\)\s+(\S+)", out, re.M)
    return float(m.group(1))


def fit_pk_example(r):
    r.run("fit_make_data", "pk", "pk.csv")
    out = r.run(*PK_FIT)
    return "```\n$ " + " ".join(PK_FIT) + "\n" + out.rstrip("\n") + \
        "\n$ ketsim simulate --drug esketamine --params fit.txt ...\n```\n"


def fit_recovery_table(r):
    r.run("fit_make_data", "pk", "pk.csv")
    r.run("fit_make_data", "cascade", "glu.csv")
    pk_out = r.run(*PK_FIT + ("--error", "proportional"))
    glu_out = r.run(*GLU_FIT)
    pk, glu = estimates(pk_out), estimates(glu_out)

    def row(design, name, truth, start, est, limit):
        e, se = est[name]
        return (f"| {design} | `{name}` {truth:g} | {start:g} | {e:.4g} ({se:.3g}) | "
                f"{100 * (e - truth) / truth:+.1f}% (limit {limit}%) |\n")

    return ("| design | truth | start | estimate (SE) | error |\n|---|---|---|---|---|\n"
            + row("esketamine 20/30/40/50 mg IV over 40 min, 13 plasma S-ketamine samples each, 10% proportional "
                  "error", "s_ket.cl_l_per_h", 80, 95.2, pk, 5)
            + row("same", "s_ket.v1_l", 160, 133, pk, 5)
            + row("racemic ketamine 35 and 70 mg IV over 40 min, 12 samples of `pfc_glutamate_rel` each, additive "
                  "error 0.01", "glu.feedback_k_per_h", 2.6, 2, glu, 15)
            + f"\nThe estimated residual SDs were {sigma(pk_out):.3g} (true 0.10) and {sigma(glu_out):.3g} "
              "(true 0.01).\n")


def design_default_table(r):
    """The built-in design run (docs/beyond.md), from its design.csv."""
    import csv
    r.run("ketsim", "design", "--threads", "2", "--out-dir", "d")
    with open(os.path.join(r.cwd, "d", "design.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    out = ("| candidate | dose | resp 24h % | days in response | days vs placebo | CADSS | SBP mmHg | front |\n"
           "|---|---|---|---|---|---|---|---|\n")
    for c in rows:
        dose = f"{float(c['amount']):g} {c['amount_unit']} {c['route'].upper()}"
        out += (f"| {c['candidate']} | {dose} | {100 * float(c['response_24h']):.0f} "
                f"[{100 * float(c['response_24h_lo']):.0f}, {100 * float(c['response_24h_hi']):.0f}] | "
                f"{float(c['days_in_response']):.1f} [{float(c['days_lo']):.1f}, {float(c['days_hi']):.1f}] | "
                f"{float(c['days_excess']):+.2f} | {float(c['cadss_peak']):.2f} | {float(c['sbp_peak_mmhg']):.4f} | "
                f"{'*' if c['pareto'] == '1' else ''} |\n")
    return out


BLOCK = re.compile(r"(<!-- generated: (\w+) \(scripts/gen_doc_examples\.py\) -->\n)(.*?)(<!-- end generated: \2 -->)",
                   re.S)


def main():
    if len(sys.argv) not in (2, 3) or (len(sys.argv) == 3 and sys.argv[2] != "--check"):
        raise SystemExit("usage: scripts/gen_doc_examples.py BUILD_DIR [--check]")
    build, check = os.path.abspath(sys.argv[1]), len(sys.argv) == 3
    docs = os.path.join(ROOT, "docs")
    stale = 0
    for name in sorted(os.listdir(docs)):
        if not name.endswith(".md"):
            continue
        path = os.path.join(docs, name)
        with open(path) as f:
            text = f.read()

        def fill(m):
            fn = globals().get(m.group(2))
            if not callable(fn):
                raise SystemExit(f"gen_doc_examples: docs/{name}: no generator named {m.group(2)}")
            with tempfile.TemporaryDirectory() as tmp:
                return m.group(1) + fn(Runner(build, tmp)) + m.group(4)

        new = BLOCK.sub(fill, text)
        if new != text:
            stale += 1
            if check:
                print(f"docs/{name}: generated blocks are stale (run scripts/gen_doc_examples.py BUILD_DIR)",
                      file=sys.stderr)
            else:
                with open(path, "w") as f:
                    f.write(new)
    sys.exit(1 if check and stale else 0)


if __name__ == "__main__":
    main()
