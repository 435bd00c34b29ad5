#!/usr/bin/env python3
"""Independent check of an exported SBML model.

Reads the document with libsbml, runs its consistency check, turns the rate
rules, assignment rules and events into Python, integrates them with SciPy
and compares the read-outs with a CSV written by `ketsim simulate` at the
same times.

usage: sbml_roundtrip.py MODEL.xml SIMULATE.csv [--tol 1e-4] [--require a,b,...]
                         [--set ID=VALUE]...

Every output present in both is compared (max |difference| over the times,
relative to the series' max |value|); --require lists outputs that must be
present.  --set changes a constant parameter of the document before its
initial assignments are evaluated, as a user would in an SBML tool.
States are parameters or species with rate rules; a species' value in the
formulas is its amount (hasOnlySubstanceUnits) or its concentration.
exit: 0 all checks pass, 1 a check fails, 77 libsbml or scipy missing.
"""
import argparse
import csv
import math
import re
import sys

try:
    import libsbml
    import numpy as np
    from scipy.integrate import solve_ivp
except ImportError as exc:  # reported, and skipped by the caller
    print(f"SKIP: {exc} (install python3-sbml5 and python3-scipy)")
    sys.exit(77)

# ---- formula translation: L3 infix text -> Python expression ----

TOKEN = re.compile(r"\s*(?:(\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)"
                   r"|([A-Za-z_][A-Za-z0-9_]*)|(&&|\|\||>=|<=|==|!=|[-+*/^(),<>!]))")
FUNCTIONS = {"piecewise": "_pw", "exp": "_exp", "ln": "_ln", "sqrt": "_sqrt", "abs": "abs",
             "min": "min", "max": "max", "pow": "_pow", "and": "_and", "or": "_or",
             "not": "_not", "geq": "_geq", "gt": "_gt", "leq": "_leq", "lt": "_lt",
             "eq": "_eq", "neq": "_neq"}
OPERATORS = {"^": "**", "&&": " and ", "||": " or ", "!": " not ", "(": "(", ")": ")",
             ",": ",", "+": "+", "-": "-", "*": "*", "/": "/", ">=": ">=", "<=": "<=",
             ">": ">", "<": "<", "==": "==", "!=": "!="}


def _pw(*args):
    """piecewise(value1, condition1, ..., [otherwise])"""
    for i in range(0, len(args) - 1, 2):
        if args[i + 1]:
            return args[i]
    return args[-1] if len(args) % 2 else float("nan")


RUNTIME = {
    "__builtins__": {}, "_pw": _pw, "_exp": math.exp, "_ln": math.log, "_sqrt": math.sqrt,
    "abs": abs, "min": min, "max": max, "_pow": math.pow,
    "_and": lambda *a: all(a), "_or": lambda *a: any(a), "_not": lambda a: not a,
    "_geq": lambda a, b: a >= b, "_gt": lambda a, b: a > b, "_leq": lambda a, b: a <= b,
    "_lt": lambda a, b: a < b, "_eq": lambda a, b: a == b, "_neq": lambda a, b: a != b,
}


def var(name):
    return "v_" + name


def translate(ast, known):
    """Python text of an AST; only numbers, known names, listed functions and
    operators pass, so the result is safe to compile."""
    text = libsbml.formulaToL3String(ast)
    out, pos = [], 0
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            if text[pos:].strip() == "":
                break
            raise ValueError(f"cannot translate {text!r} at {text[pos:]!r}")
        num, name, op = m.groups()
        pos = m.end()
        if num:
            out.append(repr(float(num)))
        elif name:
            following = text[pos:].lstrip()[:1]
            if name in FUNCTIONS and following == "(":
                out.append(FUNCTIONS[name])
            elif name == "time":
                out.append("t")
            elif name in ("true", "false"):
                out.append("True" if name == "true" else "False")
            elif name in known:
                out.append(var(name))
            else:
                raise ValueError(f"unknown symbol {name!r} in {text!r}")
        else:
            out.append(OPERATORS[op])
    return "".join(out)


def names_in(ast):
    found = set()
    stack = [ast]
    while stack:
        n = stack.pop()
        if n.getType() == libsbml.AST_NAME:
            found.add(n.getName())
        stack.extend(n.getChild(i) for i in range(n.getNumChildren()))
    return found


# ---- the model as Python ----

def species_value(sp, model):
    """The value a species has in the formulas: its amount when
    hasOnlySubstanceUnits, else its concentration."""
    size = model.getCompartment(sp.getCompartment()).getSize()
    if sp.getHasOnlySubstanceUnits():
        return sp.getInitialAmount() if sp.isSetInitialAmount() else sp.getInitialConcentration() * size
    return sp.getInitialConcentration() if sp.isSetInitialConcentration() else sp.getInitialAmount() / size


class PyModel:
    def __init__(self, model, overrides=None):
        self.const = {}
        self.states, self.y0 = [], []
        rate = {r.getVariable(): r for r in model.getListOfRules() if r.isRate()}
        assign = {r.getVariable(): r for r in model.getListOfRules() if r.isAssignment()}
        values = [(p.getId(), p.getValue()) for p in model.getListOfParameters()]
        values += [(sp.getId(), species_value(sp, model)) for sp in model.getListOfSpecies()]
        for ident, value in values:
            if ident in rate:
                self.states.append(ident)
                self.y0.append(value)
            elif ident not in assign:
                self.const[ident] = value
        for c in model.getListOfCompartments():
            self.const[c.getId()] = c.getSize()
        for ident, value in (overrides or {}).items():
            if ident not in self.const:
                raise ValueError(f"--set {ident}: not a constant of the document")
            self.const[ident] = value
        known = set(self.const) | set(self.states) | set(assign)
        self.initial = self._initial_assignments(model, known)
        self.assign_order = self._order(assign)
        body = ["    " + ", ".join(var(s) for s in self.states) + (", = y" if len(self.states) == 1 else " = y")]
        body += [f"    {var(v)} = {translate(assign[v].getMath(), known)}" for v in self.assign_order]
        rates = ", ".join(translate(rate[s].getMath(), known) for s in self.states)
        consts = "".join(f"    {var(k)} = {v!r}\n" for k, v in self.const.items())
        every = list(self.const) + self.states + self.assign_order
        env = "{'t': t, " + ", ".join(f"{var(k)!r}: {var(k)}" for k in every) + "}"
        src = ("def _env(t, y):\n" + consts + "\n".join(body) + f"\n    return {env}\n"
               "def _rhs(t, y):\n" + consts + "\n".join(body) + f"\n    return [{rates}]\n")
        ns = dict(RUNTIME)
        exec(compile(src, "<sbml>", "exec"), ns)
        self.env, self.rhs = ns["_env"], ns["_rhs"]
        self.known = known
        self.events = [self._event(e) for e in model.getListOfEvents()]
        self.breaks = sorted(self._time_thresholds(model))

    def _initial_assignments(self, model, known):
        """Evaluate the initial assignments in dependency order into the
        constants (or initial values) they set; returns how many."""
        ias = {ia.getSymbol(): ia for ia in model.getListOfInitialAssignments()}
        for ident in self._order(ias):
            env = dict({var(k): v for k, v in self.const.items()})
            env.update({var(k): v for k, v in zip(self.states, self.y0)})
            value = float(eval(compile(translate(ias[ident].getMath(), known), "<sbml>", "eval"),
                               dict(RUNTIME), env))
            if ident in self.const:
                self.const[ident] = value
            elif ident in self.states:
                self.y0[self.states.index(ident)] = value
            else:
                raise ValueError(f"initial assignment to {ident}, which is not a constant or a state")
        return len(ias)

    @staticmethod
    def _order(assign):
        """Assignment rules in dependency order."""
        deps = {v: names_in(r.getMath()) & set(assign) for v, r in assign.items()}
        order, done = [], set()
        while len(order) < len(assign):
            ready = [v for v in assign if v not in done and deps[v] <= done]
            if not ready:
                raise ValueError("assignment rules form a cycle")
            order += ready
            done.update(ready)
        return order

    def _expr(self, ast):
        return compile(translate(ast, self.known), "<sbml>", "eval")

    def _event(self, e):
        tr = e.getTrigger()
        return {"id": e.getId(), "trigger": self._expr(tr.getMath()), "prev": tr.getInitialValue(),
                "assign": [(a.getVariable(), self._expr(a.getMath()))
                           for a in e.getListOfEventAssignments()]}

    def _time_thresholds(self, model):
        """Every value `time` is compared with: the input switch times."""
        relational = {libsbml.AST_RELATIONAL_GEQ, libsbml.AST_RELATIONAL_GT,
                      libsbml.AST_RELATIONAL_LEQ, libsbml.AST_RELATIONAL_LT,
                      libsbml.AST_RELATIONAL_EQ}
        asts = [r.getMath() for r in model.getListOfRules()]
        asts += [e.getTrigger().getMath() for e in model.getListOfEvents()]
        found, stack = set(), list(asts)
        while stack:
            n = stack.pop()
            kids = [n.getChild(i) for i in range(n.getNumChildren())]
            if n.getType() in relational and len(kids) == 2:
                for a, b in ((kids[0], kids[1]), (kids[1], kids[0])):
                    if a.getType() == libsbml.AST_NAME_TIME:
                        found.add(float(eval(self._expr(b), dict(RUNTIME),
                                             {var(k): v for k, v in self.const.items()})))
            stack.extend(kids)
        return found

    def fire_events(self, t, y):
        env = self.env(t, y)
        fired = []
        for ev in self.events:
            now = bool(eval(ev["trigger"], dict(RUNTIME), env))
            if now and not ev["prev"]:
                fired.append(ev)
            ev["prev"] = now
        y = list(y)
        # Assignments use values from before any of the simultaneous events.
        updates = [(name, eval(code, dict(RUNTIME), env)) for ev in fired for name, code in ev["assign"]]
        for name, value in updates:
            y[self.states.index(name)] = value
        return y, [ev["id"] for ev in fired]


def integrate(pm, times, method, rtol, atol):
    t_end = times[-1]
    cuts = sorted({0.0, t_end} | {b for b in pm.breaks if 0.0 < b < t_end})
    y = list(pm.y0)
    out = {}
    for a, b in zip(cuts[:-1], cuts[1:]):
        y, fired = pm.fire_events(a, y)
        if fired:
            print(f"  events at t = {a:g} h: {', '.join(fired)}")
        if a == 0.0:
            out[0.0] = list(y)
        inside = [t for t in times if a < t <= b]
        sol = solve_ivp(pm.rhs, (a, b), y, method=method, rtol=rtol, atol=atol,
                        t_eval=sorted(set(inside) | {b}))
        if not sol.success:
            raise RuntimeError(f"solve_ivp failed on [{a}, {b}]: {sol.message}")
        for k, t in enumerate(sol.t):
            if t in inside:
                out[t] = list(sol.y[:, k])
        y = list(sol.y[:, -1])
    return out


def consistency(doc):
    doc.setConsistencyChecks(libsbml.LIBSBML_CAT_UNITS_CONSISTENCY, True)
    doc.checkConsistency()
    errors, warnings = [], []
    for i in range(doc.getNumErrors()):
        e = doc.getError(i)
        line = f" [{e.getCategoryAsString()}] {e.getShortMessage()}: {e.getMessage().strip()[:300]}"
        (errors if e.getSeverity() >= libsbml.LIBSBML_SEV_ERROR else warnings).append(line)
    return errors, warnings


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sbml")
    ap.add_argument("csv")
    ap.add_argument("--tol", type=float, default=1e-4)
    ap.add_argument("--require", default="")
    ap.add_argument("--method", default="LSODA")
    ap.add_argument("--set", action="append", default=[], metavar="ID=VALUE")
    args = ap.parse_args()
    overrides = {}
    for item in args.set:
        ident, _, value = item.partition("=")
        overrides[ident] = float(value)
    failures = 0

    doc = libsbml.readSBMLFromFile(args.sbml)
    if doc.getNumErrors(libsbml.LIBSBML_SEV_ERROR) or doc.getModel() is None:
        print("FAIL: the document does not read:", doc.getErrorLog().toString())
        return 1
    errors, warnings = consistency(doc)
    print(f"consistency check: {len(errors)} errors, {len(warnings)} warnings")
    for line in errors:
        print(line)
    kinds = {}
    for line in warnings:
        kinds[line.split(":")[0]] = kinds.get(line.split(":")[0], 0) + 1
    for kind, n in kinds.items():
        print(f"  warning x{n}:{kind[1:]}")
    failures += bool(errors)

    pm = PyModel(doc.getModel(), overrides)
    print(f"model: SBML Level {doc.getLevel()} Version {doc.getVersion()}, {len(pm.states)} rate rules "
          f"({doc.getModel().getNumSpecies()} on species), {len(pm.assign_order)} assignment rules, "
          f"{pm.initial} initial assignments, {len(pm.events)} events, input switch times {pm.breaks}")
    # Before any input the initial values must be a steady state.
    drift = max(abs(r) for r in pm.rhs(-1.0, pm.y0))
    print(f"max |rate| at the initial values before dosing: {drift:.3e}")
    if not drift < 1e-9:
        print("FAIL: initial values are not the untreated steady state")
        failures += 1

    with open(args.csv) as fh:
        rows = list(csv.DictReader(fh))
    times = [float(r["time_h"]) for r in rows]
    states = integrate(pm, times, args.method, rtol=1e-10, atol=1e-12)
    required = [s for s in args.require.split(",") if s]
    columns = [c for c in rows[0] if c != "time_h" and c in pm.known]
    missing = [c for c in required if c not in columns]
    if missing:
        print("FAIL: outputs missing from the SBML:", ", ".join(missing))
        failures += 1
    print(f"{'output':32s} {'max|ketsim|':>12s} {'max abs diff':>12s} {'max rel diff':>12s}")
    worst = 0.0
    for col in columns:
        ref = np.array([float(r[col]) for r in rows])
        got = np.array([pm.env(t, states[t])[var(col)] for t in times])
        scale = np.max(np.abs(ref))
        diff = np.max(np.abs(got - ref))
        rel = diff / scale if scale > 0 else (0.0 if diff == 0 else math.inf)
        flag = ""
        worst = max(worst, rel)
        if not rel <= args.tol:
            flag = "  FAIL"
            failures += 1
        print(f"{col:32s} {scale:12.5g} {diff:12.3e} {rel:12.3e}{flag}")
    print(f"max relative difference over {len(columns)} outputs: {worst:.3e} (limit {args.tol:g})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
