"""Dose-response of a single 40-minute IV infusion of racemic ketamine:
peak plasma ketamine and the MADRS score one day later, over a range of
doses, and the MADRS time courses behind them.

    python3 python/examples/dose_response.py [OUT_DIR]

writes OUT_DIR/dose_response.png (default: the current directory).
"""
import os
import sys

import matplotlib

matplotlib.use("Agg")  # files only, no display needed
import matplotlib.pyplot as plt

import ketsim

out_dir = sys.argv[1] if len(sys.argv) > 1 else "."
doses_mg_per_kg = [0.1, 0.2, 0.3, 0.5, 0.75, 1.0]

runs = {d: ketsim.simulate(dose=f"iv:{d}mg/kg:40min", until="7d", every="10min",
                           outputs=["time_h", "plasma_ketamine_ng_per_ml", "madrs"])
        for d in doses_mg_per_kg}

print("dose_mg_per_kg  cmax_ng_per_ml  madrs_at_24h")
cmax, madrs_24h = [], []
for d, run in runs.items():
    cmax.append(run["plasma_ketamine_ng_per_ml"].max())
    madrs_24h.append(run.loc[(run["time_h"] - 24).abs().idxmin(), "madrs"])
    print(f"{d:14.2f}  {cmax[-1]:14.1f}  {madrs_24h[-1]:12.2f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
left.plot(doses_mg_per_kg, cmax, "o-", color="tab:blue")
left.set_xlabel("dose (mg/kg over 40 min)")
left.set_ylabel("peak plasma ketamine (ng/mL)", color="tab:blue")
twin = left.twinx()
twin.plot(doses_mg_per_kg, madrs_24h, "s--", color="tab:red")
twin.set_ylabel("MADRS at 24 h", color="tab:red")
left.set_title("dose-response")
for d, run in runs.items():
    right.plot(run["time_h"] / 24, run["madrs"], label=f"{d} mg/kg")
right.set_xlabel("days after the infusion")
right.set_ylabel("MADRS")
right.set_title("mood after one infusion")
right.legend(fontsize="small")
fig.tight_layout()
path = os.path.join(out_dir, "dose_response.png")
fig.savefig(path, dpi=100)
print("wrote", path)
