"""ketsim: ketamine's rapid antidepressant action, simulated (Python package).

Every function calls libketsim, the library the ``ketsim`` program is built
on, through the same front doors (``include/ketsim/api.h``), so a result here
is the program's result for the same inputs: ``simulate()`` returns the
columns of ``ketsim simulate`` at full double precision (the program prints
them with 10 significant digits), and the trial, lab and validation tables
are the very text the program writes, parsed.

Errors from the library raise :class:`KetsimError` with its message.  The
interpreter lock is released while the library works, so simulations in
several Python threads run at the same time.
"""

import io
import json
import os
import tempfile
import warnings

import pandas as pd

from . import _core
from ._core import KetsimError

__all__ = [
    "KetsimError",
    "simulate",
    "simulate_dataset",
    "trial",
    "lab",
    "validate",
    "fit",
    "params",
    "outputs",
    "drugs",
    "data_dir",
    "__version__",
]

__version__ = _core.version


def _use_installed_data():
    """Point libketsim at the data installed with it when the data directory
    it would read (the source tree it was built from) is gone and no
    KETSIM_DATA_DIR is set: an installed package keeps finding its scenarios
    after the sources move."""
    if os.environ.get("KETSIM_DATA_DIR"):
        return
    if os.path.exists(os.path.join(_core.data_dir(), "targets.csv")):
        return
    installed = _core.installed_data_dir()
    if installed and os.path.exists(os.path.join(installed, "targets.csv")):
        os.environ["KETSIM_DATA_DIR"] = installed


_use_installed_data()


def _error(message, code):
    e = KetsimError(message)
    e.code = code
    return e


def _hours(value, what):
    """A duration: a number of hours, or text such as "14d" or "10min"."""
    if isinstance(value, bool):
        raise TypeError(f"{what}: expected hours or a duration such as '14d', not {value!r}")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return _core.duration_h(value)
        except KetsimError as e:
            raise _error(f"{what}: {e}", e.code) from None
    raise TypeError(f"{what}: expected hours or a duration such as '14d', not {type(value).__name__}")


def _number_text(value):
    """A value as the shortest text that reads back as the same double."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"set: values must be numbers, not {type(value).__name__}")
    return repr(float(value))


def _assignments(overrides):
    """{NAME: VALUE} (or an iterable of "NAME=VALUE") as NAME=VALUE texts."""
    if overrides is None:
        return []
    if isinstance(overrides, dict):
        return [f"{name}={_number_text(value)}" for name, value in overrides.items()]
    if isinstance(overrides, str):
        return [overrides]
    return [str(item) for item in overrides]


def _doses(dose):
    if dose is None:
        return None
    if isinstance(dose, str):
        return [dose]
    return [str(d) for d in dose]


def _path(value, what):
    if value is None:
        return None
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str):
        raise TypeError(f"{what}: expected a path, not {type(value).__name__}")
    return value


def _count(value, what, lo, hi, default):
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ValueError(f"{what}: expected an integer between {lo} and {hi}, not {value!r}")
    return value


def simulate(dose=None, species="human", drug="ketamine", weight_kg=None, until="14d", every="10min",
             outputs=None, set=None, params=None):
    """One subject from dose to mood, as ``ketsim simulate``.

    dose: a dose spec or a list of them, ``[DRUG/]ROUTE:AMOUNT[:DURATION][@TIME]``
        (e.g. ``"iv:0.5mg/kg:40min"``, ``"in:56mg@3d"``); None gives the
        program's default, ketamine 0.5 mg/kg IV over 40 min.
    species: "human", "rat" or "mouse".
    drug: a built-in drug (``drugs()``) or the path of a drug file.
    weight_kg: body weight; None is the species' reference weight (70 kg
        for humans).
    until, every: the output grid, in hours or as text ("14d", "10min").
    outputs: output names (list or comma-separated text); None for all.
    set: parameter overrides, ``{"NAME": value}``.
    params: path of a parameter file (NAME=VALUE lines).

    Returns a DataFrame with one column per output, named as the program
    names them (units in the names, e.g. ``plasma_ketamine_ng_per_ml``,
    and in ``df.attrs["units"]``), one row per output time.
    """
    if isinstance(outputs, (list, tuple)):
        outputs = ",".join(outputs)
    if weight_kg is not None and (isinstance(weight_kg, bool) or not isinstance(weight_kg, (int, float))):
        raise TypeError(f"weight_kg: expected a number of kg, not {type(weight_kg).__name__}")
    names, units, n_times, data, species_name, drug_name, weight = _core.simulate(
        species, drug, float(weight_kg) if weight_kg is not None else 0.0, _doses(dose),
        _hours(until, "until"), _hours(every, "every"), outputs, _assignments(set), _path(params, "params"))
    import numpy as np

    values = np.frombuffer(data, dtype=np.float64).reshape(len(names), n_times)
    df = pd.DataFrame({name: values[k].copy() for k, name in enumerate(names)}, columns=names)
    df.attrs["units"] = dict(zip(names, units))
    df.attrs["species"] = species_name
    df.attrs["drug"] = drug_name
    df.attrs["weight_kg"] = weight
    return df


def simulate_dataset(data, species="human", drug="ketamine", weight_kg=None, set=None, params=None):
    """Predictions for a NONMEM-style dataset, as ``ketsim simulate --dataset``.

    data: a DataFrame (columns ID, TIME, AMT, RATE, CMT, EVID, II, ADDL, SS,
        WT, OUTPUT, ...; docs/dataset.md) or the path of such a CSV file.
    weight_kg: the weight of subjects without WT (None: the species' reference).

    Returns the program's output table: ID, TIME, OUTPUT, PRED and the input
    columns, one row per observation record.
    """
    if isinstance(data, pd.DataFrame):
        text = data.to_csv(index=False, float_format="%.17g")
        name = "<DataFrame>"
    else:
        name = _path(data, "data")
        with open(name, encoding="utf-8") as f:
            text = f.read()
    out = _core.simulate_dataset(text, name, species, drug, float(weight_kg) if weight_kg else 0.0,
                                 _assignments(set), _path(params, "params"))
    return pd.read_csv(io.StringIO(out))


def trial(name_or_path, replicates=None, seed=None, threads=None, set=None, subjects=None,
          on_failure="stop", subject_timeout_s=10.0, format="csv"):
    """A virtual clinical trial, as ``ketsim trial``.

    name_or_path: a built-in scenario (``ketsim trial --list``) or a YAML file.
    replicates, seed, subjects: None takes the scenario's.
    threads: None uses the online CPUs (at most 16); results do not depend on it.
    set: parameter overrides, ``{"NAME": value}``.
    on_failure: "stop" (a failed solve raises) or "skip" (the subject is left
        out; the reasons are in ``summary["skipped"]`` here).
    format: "csv" for the long per-subject table, "nonmem" for the
        NONMEM-style dataset (the program's ``--format``).

    Returns ``(summary, subjects)``: the summary JSON the program writes as a
    dict, and replicate 0's per-subject table as a DataFrame.  The printed
    table is ``summary["table"]``.
    """
    if on_failure not in ("stop", "skip"):
        raise ValueError(f"on_failure: expected 'stop' or 'skip', not {on_failure!r}")
    if format not in ("csv", "nonmem"):
        raise ValueError(f"format: expected 'csv' or 'nonmem', not {format!r}")
    summary, subjects_csv, table, skipped = _core.trial(
        str(_path(name_or_path, "name_or_path")),
        _count(seed, "seed", 0, 2147483647, -1),
        _count(replicates, "replicates", 1, 100000, 0),
        _count(threads, "threads", 1, 64, 0),
        _assignments(set),
        _count(subjects, "subjects", 1, 10000, 0),
        on_failure == "skip",
        float(subject_timeout_s),
        format == "nonmem")
    result = json.loads(summary)
    result["table"] = table
    if on_failure == "skip":
        result["skipped"] = [line for line in skipped.splitlines() if line]
    return result, pd.read_csv(io.StringIO(subjects_csv))


def lab(name_or_path, seed=None, set=None):
    """A virtual laboratory experiment, as ``ketsim lab``.

    Returns ``(summary, animals)``: the summary JSON the program writes as a
    dict (with the printed table as ``summary["table"]``), and one row per
    animal and read-out as a DataFrame.
    """
    summary, animals, table = _core.lab(str(_path(name_or_path, "name_or_path")),
                                        _count(seed, "seed", 0, 2147483647, -1), _assignments(set))
    result = json.loads(summary)
    result["table"] = table
    return result, pd.read_csv(io.StringIO(animals))


def validate(targets=None):
    """Every literature target, as ``ketsim validate --json``.

    targets: a targets CSV (None: data/targets.csv of the data directory).

    Returns a DataFrame with one row per target (id, role, quantity,
    literature, lower, upper, window, simulated, margin, pass, source, ...);
    the totals by role are in ``df.attrs["totals"]``.
    """
    doc = json.loads(_core.validate(_path(targets, "targets")))
    df = pd.DataFrame(doc["targets"])
    for col in ("lower", "upper", "simulated", "margin"):
        if col in df:
            df[col] = df[col].astype(float)
    df.attrs["totals"] = doc["totals"]
    return df


def _names(value, what):
    """A list of parameter names (or comma-separated text) as the program's list."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if not all(isinstance(v, str) for v in value):
        raise TypeError(f"{what}: expected parameter names")
    return ",".join(value)


def _bound_text(name, bound):
    lo, hi = bound
    text = lambda v: "" if v is None else _number_text(v)
    return f"{name}={text(lo)}:{text(hi)}"


def fit(data, estimate=None, eta=None, method="foce-i", species="human", drug="ketamine", weight_kg=None,
        set=None, params=None, error=None, omega=None, omega_block=None, covariate=None, bound=None,
        threads=None, seed=None, max_iter=None, saem_iter=None, chains=None, is_samples=None, cov="sandwich"):
    """Population estimation (FOCE-I or SAEM), as ``ketsim fit --method foce-i|saem``.

    data: a NONMEM-style DataFrame or CSV path (docs/dataset.md), with DV.
    estimate: the THETAs (parameter names; list or comma-separated text).
    eta: the parameters with between-subject variability.
    error: a residual error model ("additive", "proportional", "combined"),
        or {output: model}, or a list of "[OUTPUT=]MODEL".
    omega: start variances {name: variance}; omega_block: lists of ETA names
        sharing a full OMEGA block; covariate: "NAME:COVARIATE:KIND[:START]"
        texts (or tuples); bound: {name: (lo, hi)} (None for either side).
    threads, seed, max_iter, saem_iter=(K1, K2), chains, is_samples, cov
        ("sandwich", "r", "none"): as the program's options.

    Returns ``(result, table)``: the program's fit.json as a dict (THETA,
    OMEGA, SIGMA, objective, shrinkage, EBEs, convergence) and its per-record
    table (ID, TIME, OUTPUT, DV, MDV, BLQ, PRED, IPRED, RES, IWRES, CWRES) as
    a DataFrame.  A fit that did not converge is returned with a warning
    (``result["converged"]`` is False), as the program writes its files and
    exits 1.
    """
    if isinstance(data, pd.DataFrame):
        text, name = data.to_csv(index=False, float_format="%.17g"), "<DataFrame>"
    else:
        name = _path(data, "data")
        with open(name, encoding="utf-8") as f:
            text = f.read()
    if isinstance(error, str):
        error = [error]
    elif isinstance(error, dict):
        error = [f"{out}={model}" for out, model in error.items()]
    omegas = [f"{n}={_number_text(v)}" for n, v in (omega or {}).items()]
    blocks = [_names(b, "omega_block") for b in (omega_block or [])]
    covariates = [c if isinstance(c, str) else ":".join(str(p) for p in c) for c in (covariate or [])]
    bounds = [_bound_text(n, b) for n, b in (bound or {}).items()]
    explore, smooth = saem_iter if saem_iter is not None else (0, 0)
    counts = [_count(threads, "threads", 1, 64, 0), _count(max_iter, "max_iter", 1, 10000, 0),
              _count(explore or None, "saem_iter", 1, 100000, 0), _count(smooth or None, "saem_iter", 1, 100000, 0),
              _count(chains, "chains", 1, 100, 0), _count(is_samples, "is_samples", 10, 1000000, 0)]
    seed = _count(seed, "seed", 0, 2 ** 63, _core.popest_default_seed)
    with tempfile.TemporaryDirectory(prefix="ketsim-fit-") as tmp:
        json_path, table_path = os.path.join(tmp, "fit.json"), os.path.join(tmp, "table.csv")
        converged, message = _core.fit(
            text, name, species, drug, _path(params, "params"), float(weight_kg) if weight_kg else 0.0,
            _assignments(set), method, _names(estimate, "estimate"), _names(eta, "eta"), omegas, blocks,
            list(error or []), covariates, bounds, cov, json_path, table_path, seed, *counts)
        with open(json_path, encoding="utf-8") as f:
            result = json.load(f)
        table = pd.read_csv(table_path)
    if not converged:
        warnings.warn(f"fit did not converge: {message}", RuntimeWarning, stacklevel=2)
    return result, table


_PARAM_COLUMNS = ["name", "value", "unit", "kind", "targets", "source", "description", "default", "min",
                  "max", "overridden"]


def params(species="human", drug="ketamine", set=None):
    """The parameter table, as ``ketsim params --csv`` (plus default, range and
    whether a row is overridden): one row per parameter with value, unit,
    kind (literature, assumed, calibrated, hand-set), the targets a fitted or
    hand-set row names, and its source."""
    rows = _core.params(species, drug, _assignments(set))
    return pd.DataFrame(rows, columns=_PARAM_COLUMNS)


def outputs(species="human", drug="ketamine"):
    """Every output column with unit and meaning, as ``ketsim outputs``."""
    return pd.DataFrame(_core.outputs(species, drug), columns=["name", "unit", "description"])


def drugs():
    """The built-in drugs with their descriptions, as ``ketsim drugs``."""
    return pd.DataFrame(_core.drugs(), columns=["name", "description"])


def data_dir():
    """The data directory libketsim reads scenarios, protocols and targets from."""
    return _core.data_dir()

