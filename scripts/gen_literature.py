#!/usr/bin/env python3
"""Write docs/literature.md: every number ketsim uses or checks, with its source.

    scripts/gen_literature.py build/ketsim > docs/literature.md

The page is assembled from the project's own tables, never typed: the
targets (data/targets.csv), the parameter tables of the three species
(`ketsim params --csv --species S`) and the collected literature
(data/literature_clinical.csv, data/literature_preclinical.csv).
tests/cli/literature_page.sh regenerates it and fails when the committed page
differs, and checks that every "docs/literature.md section N" cited in the
sources, the data and the program's output names a section of this page.

Sections are numbered as the brief the project started from numbered its
literature notes (2 pharmacokinetics, 4 clinical, 5 preclinical), so the
section numbers cited in older sources stay right.
"""
import csv
import io
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Parameter groups (the part of a name before the first dot) by section.
PK_GROUPS = ("species", "route", "s_ket", "r_ket", "s_nk", "r_nk", "s_hnk", "r_hnk", "s_dhnk", "r_dhnk")
TOOL_GROUPS = ("midazolam", "nbqx", "ana12", "rapamycin", "lname")
CASCADE_GROUPS = ("nmda", "ampa", "gaba", "gad", "intn", "glu", "gln", "tissue_glu", "bdnf", "plasma_bdnf",
                  "trkb", "mtor", "eef2", "rheb", "sno", "nos", "ltp", "synprot", "spine")
CLINICAL_GROUPS = ("pop", "trial", "patient", "mood", "hamd", "cadss", "sedation", "sbp", "dbp", "hr")
PRECLINICAL_GROUPS = ("lab",)

SECTIONS = [
    (1, "Headline figures and the claims the model must reproduce"),
    (2, "Pharmacokinetics"),
    (3, "Receptor pharmacology and the signalling cascade"),
    (4, "Clinical trials and read-outs"),
    (5, "Preclinical: rodent experiments"),
    (6, "The collected literature"),
]


def cell(text):
    """A table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows]
    return "\n".join(out) + "\n"


def read_params(ketsim, species):
    text = subprocess.run([ketsim, "params", "--csv", "--species", species], check=True,
                          capture_output=True, text=True).stdout
    return list(csv.DictReader(io.StringIO(text)))


def read_targets():
    """Targets with the heading of the block each sits under."""
    rows, heading = [], ""
    with open(os.path.join(ROOT, "data", "targets.csv"), newline="") as f:
        for r in csv.reader(f):
            if not r or r[0] == "id":
                continue
            if r[0].startswith("#"):
                heading = ",".join(r).strip("# -").strip()
                continue
            rec = dict(zip(["id", "quantity", "species", "drug", "doses", "until", "set", "statistic",
                            "literature", "lower", "upper", "window", "source", "role", "table"], r))
            rec["heading"] = heading
            rows.append(rec)
    return rows


def target_section(t):
    if t.get("table") or "docs/literature.md section 1" in t["source"]:
        return 1
    if t["id"].startswith("pk_"):
        return 2
    return 4 if t["species"] == "human" else 5


def group_of(name):
    return name.split(".", 1)[0]


def param_section(name):
    g = group_of(name)
    for sec, groups in ((2, PK_GROUPS + TOOL_GROUPS), (3, CASCADE_GROUPS), (4, CLINICAL_GROUPS),
                        (5, PRECLINICAL_GROUPS)):
        if g in groups:
            return sec
    raise SystemExit(f"gen_literature.py: parameter group '{g}' ({name}) has no section; add it to a *_GROUPS list")


def target_rows(targets):
    return [(t["id"], t["role"], t["quantity"], t["species"], t["literature"], f"[{t['lower']}, {t['upper']}]",
             t["source"]) for t in targets]


def targets_block(targets):
    out, heading = [], None
    for t in targets:
        if t["heading"] != heading:
            heading = t["heading"]
            block = [x for x in targets if x["heading"] == heading]
            out.append(f"Targets: {heading} ({len(block)})\n\n")
            out.append(table(["id", "role", "quantity", "species", "literature", "accepted", "source"],
                             target_rows(block)))
            out.append("\n")
    return "".join(out)


def params_block(human, rodents, names):
    """Human rows in full; rat and mouse rows only where they differ from human."""
    out = [table(["parameter", "human value", "unit", "kind", "source"],
                 [(p["name"], p["value"], p["unit"], p["kind"], p["source"]) for p in human if p["name"] in names])]
    diffs = []
    hum = {p["name"]: p for p in human}
    for species, rows in rodents:
        for p in rows:
            h = hum.get(p["name"])
            if p["name"] in names and h and (p["value"] != h["value"] or p["source"] != h["source"]):
                diffs.append((p["name"], species, p["value"], p["unit"], p["kind"], p["source"]))
    if diffs:
        out.append("\nRat and mouse values where they differ from the human table:\n\n")
        out.append(table(["parameter", "species", "value", "unit", "kind", "source"], diffs))
    return "".join(out)


def literature_block(path, label):
    with open(os.path.join(ROOT, "data", path), newline="") as f:
        rows = list(csv.DictReader(f))
    out = [f"### {label} (`data/{path}`, {len(rows)} rows)\n\n"]
    topics = sorted({r["topic"] for r in rows}, key=lambda s: (int(s.split("_", 1)[0]), s))
    for topic in topics:
        block = [r for r in rows if r["topic"] == topic]
        out.append(f"{topic.split('_', 1)[1].replace('_', ' ')} ({len(block)})\n\n")
        who = "species" if "species" in block[0] else "population"
        out.append(table(["id", "quantity", who, "value", "unit", "source"],
                         [(r["id"], r["quantity"], r[who], r["value"] or "(qualitative)", r["unit"], r["source"])
                          for r in block]))
        out.append("\n")
    return "".join(out)


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: scripts/gen_literature.py KETSIM_BINARY > docs/literature.md")
    ketsim = sys.argv[1]
    human = read_params(ketsim, "human")
    rodents = [("rat", read_params(ketsim, "rat")), ("mouse", read_params(ketsim, "mouse"))]
    targets = read_targets()
    by_sec = {n: [] for n, _ in SECTIONS}
    for p in human:
        by_sec[param_section(p["name"])].append(p["name"])
    kinds = {}
    for p in human:
        kinds[p["kind"]] = kinds.get(p["kind"], 0) + 1

    w = sys.stdout.write
    w("# Literature: every number ketsim uses or checks, and where it comes from\n\n")
    w("<!-- Generated by scripts/gen_literature.py from data/targets.csv, `ketsim params --csv` and "
      "data/literature_*.csv; do not edit by hand (tests/cli/literature_page.sh compares). -->\n\n")
    w(f"This page gathers, from the tables the program reads, the {len(targets)} literature targets the model "
      f"is judged against (`data/targets.csv`, {sum(t['role'] == 'calibration' for t in targets)} calibration, "
      f"{sum(t['role'] == 'check' for t in targets)} checks; docs/targets.md explains the split), the "
      f"{len(human)} rows of the parameter table with their kind and source ("
      + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) +
      "; rat and mouse rows where they differ) and the numbers collected from the literature "
      "(`data/literature_clinical.csv`, `data/literature_preclinical.csv`; their notes are in "
      "docs/literature_clinical.md and docs/literature_preclinical.md). "
      "A source written as \"docs/literature.md section N\" refers to a section of this page; "
      "\"seed Table 1\" and \"seed Table 2\" are the two headline tables of the technical guide the project "
      "started from, whose rows are the targets of section 1.\n\n")
    w("Kinds: *literature* (a published value, or one derived from published values as the source says), "
      "*assumed* (a modelling choice with a stated reason, no direct measurement), *calibrated* (fitted by "
      "`ketsim calibrate` to the named calibration targets), *hand-set* (chosen by hand against the named "
      "targets).\n\n")
    for n, title in SECTIONS:
        w(f"## {n}. {title}\n\n")
        secs = [t for t in targets if target_section(t) == n]
        if n == 1:
            w("The targets of the seed's Tables 1 and 2 (the main job prints them: `ketsim`), and the design's "
              "mechanistic claims that sources elsewhere cite as this section.\n\n")
        if secs:
            w(targets_block(secs))
        if by_sec[n]:
            w(f"Parameters ({len(by_sec[n])})\n\n")
            w(params_block(human, rodents, set(by_sec[n])))
            w("\n")
        if n == 6:
            w("Each row is one number (or a qualitative finding) as read, with its source; the targets and "
              "parameters above cite the rows they use.\n\n")
            w(literature_block("literature_clinical.csv", "Clinical"))
            w(literature_block("literature_preclinical.csv", "Preclinical"))


if __name__ == "__main__":
    main()
