#!/usr/bin/env python3
"""Per-enantiomer PK summary from `ketsim simulate`: Cmax, tmax, apparent
terminal half-life and metabolite/parent AUC ratios for S- and R-ketamine,
norketamine, (2,6)-HNK and DHNK, in the scenarios the enantiomer work is
judged on (racemic, esketamine and arketamine; human IV, rodents i.p.).

usage: scripts/pk_enantiomers.py path/to/ketsim [--markdown]

Numbers come from the simulator's trajectories only: AUC by the trapezoid
rule on a 2-min grid (0 to the end of the run, which is long enough for
every compound to fall below 1% of its peak), the half-life from a
log-linear least-squares fit over the second half of the run.
"""
import csv
import io
import math
import subprocess
import sys

# (label, species, drug, dose, until)
SCENARIOS = [
    ("human racemic 0.5 mg/kg IV 40 min", "human", "ketamine", "iv:0.5mg/kg:40min", "48h"),
    ("human esketamine 0.5 mg/kg IV 40 min", "human", "esketamine", "iv:0.5mg/kg:40min", "48h"),
    ("human arketamine 0.5 mg/kg IV 40 min", "human", "arketamine", "iv:0.5mg/kg:40min", "48h"),
    ("rat racemic 10 mg/kg i.p.", "rat", "ketamine", "ip:10mg/kg", "24h"),
    ("rat esketamine 10 mg/kg i.p.", "rat", "esketamine", "ip:10mg/kg", "24h"),
    ("rat arketamine 10 mg/kg i.p.", "rat", "arketamine", "ip:10mg/kg", "24h"),
    ("mouse racemic 10 mg/kg i.p.", "mouse", "ketamine", "ip:10mg/kg", "12h"),
    ("mouse esketamine 10 mg/kg i.p.", "mouse", "esketamine", "ip:10mg/kg", "12h"),
    ("mouse arketamine 10 mg/kg i.p.", "mouse", "arketamine", "ip:10mg/kg", "12h"),
]

# compound -> output names to try (fixed per-enantiomer outputs first, then
# the per-compound outputs of older builds)
COMPOUNDS = [
    ("S-ket", ["plasma_s_ketamine_ng_per_ml"]),
    ("S-NK", ["plasma_s_norketamine_ng_per_ml", "plasma_s_nk_ng_per_ml"]),
    ("S-HNK", ["plasma_s_hnk_ng_per_ml"]),
    ("S-DHNK", ["plasma_s_dhnk_ng_per_ml"]),
    ("R-ket", ["plasma_r_ketamine_ng_per_ml"]),
    ("R-NK", ["plasma_r_norketamine_ng_per_ml", "plasma_r_nk_ng_per_ml"]),
    ("R-HNK", ["plasma_r_hnk_ng_per_ml"]),
    ("R-DHNK", ["plasma_r_dhnk_ng_per_ml"]),
    ("DHNK (S+R)", ["plasma_dhnk_ng_per_ml"]),
]


def run(ketsim, species, drug, dose, until):
    out = subprocess.run([ketsim, "simulate", "--quiet", "--species", species, "--drug", drug,
                          "--dose", dose, "--until", until, "--every", "2min"],
                         check=True, capture_output=True, text=True).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    return rows


def series(rows, names):
    for n in names:
        if n in rows[0]:
            return [float(r[n]) for r in rows]
    return None


def stats(t, c):
    cmax = max(c)
    if cmax <= 0:
        return None
    imax = c.index(cmax)
    auc = sum((t[i + 1] - t[i]) * (c[i] + c[i + 1]) / 2 for i in range(len(t) - 1))
    half = [(ti, math.log(ci)) for ti, ci in zip(t, c) if ti >= t[-1] / 2 and ci > 0]
    n = len(half)
    mt = sum(x for x, _ in half) / n
    my = sum(y for _, y in half) / n
    slope = sum((x - mt) * (y - my) for x, y in half) / sum((x - mt) ** 2 for x, _ in half)
    return {"cmax": cmax, "tmax": t[imax], "t12": math.log(2) / -slope if slope < 0 else float("inf"),
            "auc": auc}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    ketsim = sys.argv[1]
    print("| scenario | compound | Cmax (ng/mL) | tmax (h) | t1/2 (h) | AUC (ng h/mL) | AUC / parent |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for label, species, drug, dose, until in SCENARIOS:
        rows = run(ketsim, species, drug, dose, until)
        t = [float(r["time_h"]) for r in rows]
        res = {}
        for name, outs in COMPOUNDS:
            c = series(rows, outs)
            if c is not None:
                res[name] = stats(t, c)
        for name, _ in COMPOUNDS:
            s = res.get(name)
            if not s:
                continue
            parent = "S-ket" if name.startswith("S-") else "R-ket" if name.startswith("R-") else None
            ratio = ""
            if parent and parent != name and res.get(parent):
                ratio = f"{s['auc'] / res[parent]['auc']:.3g}"
            print(f"| {label} | {name} | {s['cmax']:.4g} | {s['tmax']:.3g} | {s['t12']:.3g} | "
                  f"{s['auc']:.4g} | {ratio} |")


if __name__ == "__main__":
    main()
