# Time-varying covariate data (tests/cli/popest_time_varying.sh), generated analytically (independent of ketsim):
# one-compartment oral, CL multiplied by exp(beta) from the TIME an
# inducer starts (IND 0 -> 1, carried forward), log-normal ETAs on CL and V,
# proportional error.
import math, random, sys
out, n = sys.argv[1], int(sys.argv[2])  # usage: tv_covariate_data.py OUT.csv N_SUBJECTS
rng = random.Random(20261204)
CL, V, KA, BETA, OM_CL, OM_V, SIG = 2.8, 35.0, 1.5, math.log(2.0), 0.09, 0.04, 0.10
D = 320.0
times = [0.5, 1, 2, 4, 6, 8, 10, 12, 16, 24]
def conc(t, cl0, v, tc, cl1):
    def c_amt(ag0, ac0, k, s):
        return ac0 * math.exp(-k * s) + ag0 * KA / (KA - k) * (math.exp(-k * s) - math.exp(-KA * s))
    k0 = cl0 / v
    if t < tc:
        return c_amt(D, 0, k0, t) / v * 1000
    ac, ag = c_amt(D, 0, k0, tc), D * math.exp(-KA * tc)
    return c_amt(ag, ac, cl1 / v, t - tc) / v * 1000
with open(out, "w") as f:
    f.write("ID,TIME,AMT,CMT,EVID,MDV,DV,IND,OUTPUT\n")
    for i in range(1, n + 1):
        cl = CL * math.exp(rng.gauss(0, math.sqrt(OM_CL)))
        v = V * math.exp(rng.gauss(0, math.sqrt(OM_V)))
        tc = [6.0, 10.0, 1e9][i % 3]          # the inducer starts at 6 h, 10 h or never
        f.write(f"{i},0,{D},2,1,1,.,0,plasma_theo_ng_per_ml\n")
        for t in times:
            ind = 1 if t >= tc else 0
            c = conc(t, cl, v, tc, cl * math.exp(BETA))
            dv = c * (1 + SIG * rng.gauss(0, 1))
            f.write(f"{i},{t},0,2,0,0,{dv:.6g},{ind},plasma_theo_ng_per_ml\n")
