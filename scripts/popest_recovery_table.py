#!/usr/bin/env python3
"""The table of a recovery study: estimates of FOCE-I and SAEM against the
truth the data were simulated from, whether the 95% interval
(estimate +- 1.96 SE) covers it, and the times.
Usage: popest_recovery_table.py joint FOCE.json SAEM.json"""
import json
import sys

TRUTH = {
    # pop_make_data joint (tests/tools/popgen_joint.c)
    "joint": [("theta", "s_ket.cl_l_per_h", 80), ("theta", "mood.sensitivity", 1.25),
              ("theta", "patient.madrs_baseline", 30),
              ("omega", "s_ket.cl_l_per_h", 0.09), ("omega", "mood.sensitivity", 0.09),
              ("omega", "patient.madrs_baseline", 0.02),
              ("sigma", "plasma_s_ketamine_ng_per_ml:prop", 0.15), ("sigma", "madrs:add", 2.0)],
}


def cell(fit, kind, name, t):
    v = fit[kind][name]
    e = v["variance"] if kind == "omega" else v["estimate"]
    se = v["se"]
    cover = se is not None and abs(e - t) <= 1.96 * se
    ses = f"{se:.3g}" if se is not None else "-"
    return f"{e:.4g} ({ses}) {100 * (e - t) / t:+.1f}% {'yes' if cover else 'no'}", cover


def main():
    truth = TRUTH[sys.argv[1]]
    f, s = (json.load(open(p)) for p in sys.argv[2:4])
    print("| parameter | truth | FOCE-I estimate (SE) error, in 95% CI | SAEM estimate (SE) error, in 95% CI |")
    print("|---|---|---|---|")
    cov = [0, 0]
    for kind, name, t in truth:
        a, ca = cell(f, kind, name, t)
        b, cb = cell(s, kind, name, t)
        cov[0] += ca
        cov[1] += cb
        label = name if kind == "theta" else f"{kind.upper()} {name}"
        print(f"| {label} | {t:g} | {a} | {b} |")
    n = len(truth)
    print(f"\ncoverage of the truth by the 95% intervals: FOCE-I {cov[0]}/{n}, SAEM {cov[1]}/{n}")
    for name, r in (("FOCE-I", f), ("SAEM", s)):
        it = max(r["iterations"], 1)
        print(f"{name}: OFV {r['ofv']:.2f} ({r['ofv_method']}), FOCE-I OFV {r['ofv_foce']:.2f}, "
              f"{r['iterations']} iterations, estimation {r['simulations_estimation']} simulations in "
              f"{r['seconds_estimation']:.1f} s ({r['seconds_estimation'] / it:.2f} s per iteration), "
              f"in all {r['simulations']} simulations in {r['seconds']:.1f} s; "
              f"converged: {r['converged']} {r['message']}")


if __name__ == "__main__":
    main()
