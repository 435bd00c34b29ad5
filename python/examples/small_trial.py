"""A small virtual trial: the zarate2006 crossover (saline vs ketamine
0.5 mg/kg over 40 min) with 40 patients, replicated 5 times.

    python3 python/examples/small_trial.py [OUT_DIR]

prints the response rates and power at the primary visit and writes
OUT_DIR/small_trial.png: mean MADRS per arm over visits in replicate 0.
"""
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

import ketsim

out_dir = sys.argv[1] if len(sys.argv) > 1 else "."
summary, subjects = ketsim.trial("zarate2006", replicates=5, subjects=40, seed=1)
metrics = {m["name"]: m for m in summary["metrics"]}
primary = summary["primary_visit"]
for arm in summary["arms"]:
    m = metrics[f"{arm['name']}@{primary}.response"]
    print(f"{arm['name']:>9}: response at {primary} {m['median']:.0%} "
          f"(5th-95th percentile over replicates {m['p5']:.0%}-{m['p95']:.0%})")
for p in summary["power"]:
    if p["test"].endswith("@" + primary):
        print(f"power of {p['test']} at alpha {p['alpha']}: {p['power']:.0%}")

rated = subjects[subjects["madrs_rated"] >= 0]
fig, ax = plt.subplots(figsize=(6, 4))
for arm, rows in rated.groupby("arm"):
    mean = rows.groupby("time_in_period_h")["madrs_rated"].mean()
    ax.plot(mean.index / 24, mean.values, "o-", label=arm)
ax.set_xlabel("days after the infusion")
ax.set_ylabel("mean rated MADRS")
ax.set_title(f"{summary['scenario']}: {summary['subjects']} patients, replicate 0")
ax.legend()
fig.tight_layout()
path = os.path.join(out_dir, "small_trial.png")
fig.savefig(path, dpi=100)
print("wrote", path)
