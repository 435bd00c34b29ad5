"""The Python package against the ketsim program: the same inputs give the
same numbers, tables and messages.

KETSIM_CLI names the program (the ctest entry sets it to the build's).  The
program prints numbers with 10 significant digits; the package keeps full
doubles, so a column agrees when every value printed as the program prints
it ("%.10g") is the program's text, character for character.
"""
import io
import json
import os
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ketsim

CLI = os.environ.get("KETSIM_CLI")
SOURCE = Path(__file__).resolve().parents[2]
DATASET = SOURCE / "examples" / "dataset.csv"

needs_cli = pytest.mark.skipif(not CLI, reason="KETSIM_CLI (the ketsim program) not set")


def run_cli(*args, check=True):
    p = subprocess.run([CLI, *args], capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"ketsim {' '.join(args)} failed ({p.returncode}): {p.stderr}")
    return p


def cli_error(*args):
    """The program's exit status and one-line error for these options."""
    p = run_cli(*args, check=False)
    assert p.returncode in (1, 2), p.stderr
    line = p.stderr.strip().splitlines()[-1]
    assert line.startswith("ketsim: "), line
    return p.returncode, line[len("ketsim: "):]


def as_cli_csv(df):
    """The DataFrame printed as `ketsim simulate` prints a trajectory."""
    lines = [",".join(df.columns)]
    for row in df.itertuples(index=False):
        lines.append(",".join("%.10g" % v for v in row))
    return "\n".join(lines) + "\n"


# ---- simulate -------------------------------------------------------------

@needs_cli
def test_default_simulation_is_the_programs():
    df = ketsim.simulate()
    assert as_cli_csv(df) == run_cli("simulate").stdout
    assert df.shape == (14 * 24 * 6 + 1, len(df.columns))


@needs_cli
def test_units_and_subject_are_the_programs(tmp_path):
    df = ketsim.simulate(until="1d", every="1h")
    run_cli("simulate", "--until", "1d", "--every", "1h", "--out", str(tmp_path / "run.json"))
    doc = json.loads((tmp_path / "run.json").read_text())
    assert df.attrs["units"] == doc["units"]
    assert list(doc["series"]) == list(df.columns)
    assert (df.attrs["species"], df.attrs["drug"], df.attrs["weight_kg"]) == \
        (doc["species"], doc["drug"], doc["weight_kg"])


@needs_cli
@pytest.mark.parametrize("kwargs,args", [
    (dict(species="rat", dose="ip:10mg/kg", until="3d", outputs=["time_h", "mtorc1_rel", "spine_density_rel"]),
     ["--species", "rat", "--dose", "ip:10mg/kg", "--until", "3d", "--outputs",
      "time_h,mtorc1_rel,spine_density_rel"]),
    (dict(species="rat", dose=["nbqx/ip:10mg/kg", "ip:10mg/kg@30min"], until="2d", every="30min"),
     ["--species", "rat", "--dose", "nbqx/ip:10mg/kg", "--dose", "ip:10mg/kg@30min", "--until", "2d",
      "--every", "30min"]),
    (dict(drug="esketamine", dose=["in:56mg", "in:56mg@3d"], until="7d", weight_kg=82.5),
     ["--drug", "esketamine", "--dose", "in:56mg", "--dose", "in:56mg@3d", "--until", "7d", "--weight", "82.5"]),
    (dict(set={"nmda.interneuron_selectivity": 5}, until=48, every=0.5, outputs="time_h,madrs"),
     ["--set", "nmda.interneuron_selectivity=5", "--until", "48h", "--every", "30min", "--outputs",
      "time_h,madrs"]),
    (dict(drug=str(SOURCE / "examples" / "hnk_like.yaml"), dose="iv:1mg/kg", until="1d"),
     ["--drug", str(SOURCE / "examples" / "hnk_like.yaml"), "--dose", "iv:1mg/kg", "--until", "1d"]),
])
def test_simulate_options_are_the_programs(kwargs, args):
    assert as_cli_csv(ketsim.simulate(**kwargs)) == run_cli("simulate", *args).stdout


@needs_cli
def test_parameter_file_is_read_as_the_program_reads_it(tmp_path):
    f = tmp_path / "p.txt"
    f.write_text("# a parameter file\nnmda.interneuron_selectivity = 3\n")
    got = ketsim.simulate(params=f, until="1d", outputs=["time_h", "madrs"])
    want = run_cli("simulate", "--params", str(f), "--until", "1d", "--outputs", "time_h,madrs")
    assert as_cli_csv(got) == want.stdout


def test_values_are_full_doubles():
    df = ketsim.simulate(until="1h", every="40min", outputs=["plasma_ketamine_ng_per_ml"])
    c = df["plasma_ketamine_ng_per_ml"].iloc[1]
    assert c != float("%.10g" % c)  # more digits than the program prints
    assert df.dtypes.iloc[0] == np.float64


# ---- datasets -------------------------------------------------------------

@needs_cli
def test_dataset_from_path_and_from_dataframe_is_the_programs(tmp_path):
    run_cli("simulate", "--dataset", str(DATASET), "--out", str(tmp_path / "pred.csv"), "--quiet")
    want = pd.read_csv(tmp_path / "pred.csv")
    pd.testing.assert_frame_equal(ketsim.simulate_dataset(DATASET), want)
    pd.testing.assert_frame_equal(ketsim.simulate_dataset(pd.read_csv(DATASET, comment="#")), want)


@needs_cli
def test_dataset_options_are_the_programs(tmp_path):
    run_cli("simulate", "--dataset", str(DATASET), "--species", "rat", "--weight", "0.3", "--set",
            "nmda.interneuron_selectivity=4", "--out", str(tmp_path / "pred.csv"), "--quiet")
    got = ketsim.simulate_dataset(DATASET, species="rat", weight_kg=0.3, set={"nmda.interneuron_selectivity": 4})
    pd.testing.assert_frame_equal(got, pd.read_csv(tmp_path / "pred.csv"))


# ---- trials and the lab ---------------------------------------------------

@needs_cli
def test_trial_is_the_programs(tmp_path):
    args = ["--replicates", "3", "--subjects", "24", "--seed", "5", "--threads", "2"]
    p = run_cli("trial", "zarate2006", *args, "--out-dir", str(tmp_path))
    summary, subjects = ketsim.trial("zarate2006", replicates=3, subjects=24, seed=5, threads=2)
    table = summary.pop("table")
    assert summary == json.loads((tmp_path / "zarate2006_summary.json").read_text())
    pd.testing.assert_frame_equal(subjects, pd.read_csv(tmp_path / "zarate2006_subjects.csv"))
    assert p.stdout.startswith(table)


@needs_cli
def test_trial_overrides_and_nonmem_format_are_the_programs(tmp_path):
    run_cli("trial", "ketamine_vs_saline", "--replicates", "2", "--subjects", "20", "--set",
            "pop.placebo.mean_points=4", "--format", "nonmem", "--out-dir", str(tmp_path))
    summary, subjects = ketsim.trial("ketamine_vs_saline", replicates=2, subjects=20,
                                     set={"pop.placebo.mean_points": 4}, format="nonmem")
    summary.pop("table")
    assert summary == json.loads((tmp_path / "ketamine_vs_saline_summary.json").read_text())
    pd.testing.assert_frame_equal(subjects, pd.read_csv(tmp_path / "ketamine_vs_saline_subjects_nonmem.csv"))


def test_trial_does_not_depend_on_threads():
    one = ketsim.trial("zarate2006", replicates=2, subjects=20, threads=1)
    two = ketsim.trial("zarate2006", replicates=2, subjects=20, threads=2)
    assert one[0] == two[0]
    pd.testing.assert_frame_equal(one[1], two[1])


@needs_cli
def test_lab_is_the_programs(tmp_path):
    p = run_cli("lab", "ampa_block", "--seed", "3", "--out-dir", str(tmp_path))
    summary, animals = ketsim.lab("ampa_block", seed=3)
    assert p.stdout.startswith(summary.pop("table"))
    assert summary == json.loads((tmp_path / "ampa_block_summary.json").read_text())
    pd.testing.assert_frame_equal(animals, pd.read_csv(tmp_path / "ampa_block_animals.csv"))


# ---- validation, parameters, outputs, drugs -------------------------------

@needs_cli
def test_validation_is_the_programs(tmp_path):
    rows = (SOURCE / "data" / "targets.csv").read_text().splitlines()
    header, body = rows[0], [r for r in rows[1:] if r and not r.startswith("#")]
    # a few single-subject targets: the whole table takes minutes
    picked = [r for r in body if r.split(",")[0] in ("pk_cmax_iv", "pk_dissociative_range")] or body[:2]
    small = tmp_path / "targets.csv"
    small.write_text("\n".join([header, *picked]) + "\n")
    want = json.loads(run_cli("validate", "--targets", str(small), "--json", check=False).stdout)
    got = ketsim.validate(small)
    assert got.attrs["totals"] == want["totals"]
    assert list(got["id"]) == [t["id"] for t in want["targets"]]
    for col in ("simulated", "margin", "lower", "upper"):
        assert [None if pd.isna(v) else v for v in got[col]] == [t[col] for t in want["targets"]]
    assert list(got["pass"]) == [t["pass"] for t in want["targets"]]


@needs_cli
def test_params_are_the_programs():
    want = pd.read_csv(io.StringIO(run_cli("params", "--csv", "--species", "rat").stdout),
                       keep_default_na=False, dtype=str)
    got = ketsim.params(species="rat")
    assert list(got["name"]) == list(want["name"])
    assert ["%.10g" % v for v in got["value"]] == list(want["value"])
    for col in ("unit", "kind", "targets", "source", "description"):
        assert list(got[col]) == list(want[col]), col
    assert set(got["kind"]) <= {"literature", "assumed", "calibrated", "hand-set"}


def test_params_mark_overrides():
    got = ketsim.params(set={"nmda.interneuron_selectivity": 5})
    row = got[got["name"] == "nmda.interneuron_selectivity"].iloc[0]
    assert row["value"] == 5 and bool(row["overridden"]) and row["default"] != 5
    assert got["overridden"].sum() == 1


@needs_cli
def test_outputs_and_drugs_are_the_programs():
    got = ketsim.outputs(drug="esketamine")
    lines = run_cli("outputs", "--drug", "esketamine").stdout.splitlines()
    assert ["%-30s %-12s %s" % tuple(r) for r in got.itertuples(index=False)] == lines
    assert list(ketsim.simulate(drug="esketamine", until="1h").columns) == list(got["name"])
    drugs = ketsim.drugs()
    assert ["%-14s %s" % tuple(r) for r in drugs.itertuples(index=False)] == run_cli("drugs").stdout.splitlines()


# ---- errors ---------------------------------------------------------------

@needs_cli
@pytest.mark.parametrize("call,args", [
    (lambda: ketsim.simulate(dose="xx:1mg"), ["simulate", "--dose", "xx:1mg"]),
    (lambda: ketsim.simulate(species="dog"), ["simulate", "--species", "dog"]),
    (lambda: ketsim.simulate(drug="nosuchdrug"), ["simulate", "--drug", "nosuchdrug"]),
    (lambda: ketsim.simulate(set={"foo.bar": 1}), ["simulate", "--set", "foo.bar=1"]),
    (lambda: ketsim.simulate(set={"nmda.interneuron_selectivity": -5}),
     ["simulate", "--set", "nmda.interneuron_selectivity=-5"]),
    (lambda: ketsim.simulate(outputs=["time_h", "foo"]), ["simulate", "--outputs", "time_h,foo"]),
    (lambda: ketsim.simulate(drug="/nonexistent/drug.yaml"), ["simulate", "--drug", "/nonexistent/drug.yaml"]),
    (lambda: ketsim.trial("nosuch"), ["trial", "nosuch"]),
    (lambda: ketsim.trial("zarate2006", set={"foo.bar": 1}), ["trial", "zarate2006", "--set", "foo.bar=1"]),
    (lambda: ketsim.lab("nosuch"), ["lab", "nosuch"]),
    (lambda: ketsim.simulate_dataset(SOURCE / "examples" / "pk_data.csv", drug="nosuchdrug"),
     ["simulate", "--dataset", str(SOURCE / "examples" / "pk_data.csv"), "--drug", "nosuchdrug"]),
])
def test_errors_carry_the_programs_message(call, args):
    with pytest.raises(ketsim.KetsimError) as e:
        call()
    status, message = cli_error(*args)
    assert str(e.value) == message
    # bad input is exit status 2 and code -1 (KETSIM_EINPUT); others exit 1
    assert (e.value.code == -1) == (status == 2)


def test_bad_grid_and_types_are_refused_clearly():
    with pytest.raises(ketsim.KetsimError, match="until: "):
        ketsim.simulate(until="14 parsecs")
    with pytest.raises(ketsim.KetsimError, match="--every"):
        ketsim.simulate(every=0)
    with pytest.raises(ketsim.KetsimError, match="--weight"):
        ketsim.simulate(weight_kg=1e6)
    with pytest.raises(TypeError, match="set: values must be numbers"):
        ketsim.simulate(set={"nmda.interneuron_selectivity": "five"})
    with pytest.raises(ValueError, match="replicates"):
        ketsim.trial("zarate2006", replicates=0)
    with pytest.raises(ValueError, match="on_failure"):
        ketsim.trial("zarate2006", on_failure="ignore")


def test_bad_dataset_names_line_and_column(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("ID,TIME,AMT\n1,0,abc\n")
    with pytest.raises(ketsim.KetsimError, match=r"bad\.csv:2"):
        ketsim.simulate_dataset(bad)
    with pytest.raises(FileNotFoundError):
        ketsim.simulate_dataset(tmp_path / "missing.csv")


# ---- threads --------------------------------------------------------------

def test_simulations_in_threads_agree_with_serial():
    doses = ["iv:%gmg/kg:40min" % d for d in (0.1, 0.25, 0.5, 1.0)]
    serial = [ketsim.simulate(dose=d, until="2d") for d in doses]
    results = [None] * len(doses)

    def work(i):
        results[i] = ketsim.simulate(dose=doses[i], until="2d")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(doses))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for a, b in zip(serial, results):
        pd.testing.assert_frame_equal(a, b)


def test_the_interpreter_lock_is_released_while_simulating():
    """While the library simulates in another thread, this one keeps running
    Python code.  The thread calls the extension directly, so that nothing
    but the library call runs there: had the call kept the lock, this loop
    could not tick until it returned."""
    done = threading.Event()
    args = ("human", "ketamine", 0.0, None, 60 * 24.0, 1 / 60, "time_h,madrs", [], None)

    def work():
        ketsim._core.simulate(*args)
        done.set()

    start = time.perf_counter()
    ketsim._core.simulate(*args)
    alone = time.perf_counter() - start
    assert alone > 0.02, "the simulation was too short to tell"
    t = threading.Thread(target=work)
    ticks = 0
    t.start()
    while not done.is_set():
        ticks += 1
        time.sleep(0.001)
    t.join()
    assert ticks >= 10, f"{ticks} ticks during a {alone:.3f} s simulation"


# ---- population fit -------------------------------------------------------

THEOPH = SOURCE / "examples" / "theoph.yaml"
FIT_ARGS = ["--drug", str(THEOPH), "--estimate", "theo.cl_l_per_h,theo.v1_l,theo.route.po.ka_per_h",
            "--eta", "theo.cl_l_per_h,theo.v1_l", "--error", "proportional", "--cov", "none", "--threads", "2"]
TIMING = ("seconds", "seconds_estimation")


@pytest.fixture(scope="module")
def pop_data(tmp_path_factory):
    """The first subjects of the simulated population the fit tests use
    (pop_make_data, built next to the program)."""
    gen = Path(CLI).parent / "pop_make_data" if CLI else None
    if not gen or not gen.exists():
        pytest.skip("pop_make_data (built with the program) not found")
    path = tmp_path_factory.mktemp("pop") / "small.csv"
    subprocess.run([str(gen), "small", str(path)], check=True)
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:62]) + "\n")
    return path


@needs_cli
def test_fit_is_the_programs(pop_data, tmp_path):
    run_cli("fit", "--method", "foce-i", "--data", str(pop_data), *FIT_ARGS,
            "--json", str(tmp_path / "fit.json"), "--table", str(tmp_path / "table.csv"))
    want = json.loads((tmp_path / "fit.json").read_text())
    got, table = ketsim.fit(pop_data, drug=str(THEOPH), estimate=["theo.cl_l_per_h", "theo.v1_l",
                            "theo.route.po.ka_per_h"], eta="theo.cl_l_per_h,theo.v1_l", error="proportional",
                            cov="none", threads=2)
    for key in TIMING:  # wall clock, the one thing two runs do not share
        assert got.pop(key) > 0 and want.pop(key) > 0
    assert got == want
    assert got["converged"] and set(got["theta"]) == {"theo.cl_l_per_h", "theo.v1_l", "theo.route.po.ka_per_h"}
    pd.testing.assert_frame_equal(table, pd.read_csv(tmp_path / "table.csv"))
    from_frame, _ = ketsim.fit(pd.read_csv(pop_data), drug=str(THEOPH), estimate=["theo.cl_l_per_h", "theo.v1_l",
                               "theo.route.po.ka_per_h"], eta="theo.cl_l_per_h,theo.v1_l", error="proportional",
                               cov="none", threads=1)
    for key in TIMING:
        from_frame.pop(key)
    assert from_frame == want  # a DataFrame, and one thread: the same estimates


@needs_cli
@pytest.mark.parametrize("kwargs,args", [
    (dict(eta="no.such"), ["--eta", "no.such"]),
    (dict(eta="theo.v1_l", bound={"theo.v1_l": (1, 2)}), ["--eta", "theo.v1_l", "--bound", "theo.v1_l=1:2"]),
    (dict(eta="theo.v1_l", error="wobbly"), ["--eta", "theo.v1_l", "--error", "wobbly"]),
    (dict(eta="theo.v1_l", covariate=["theo.v1_l:WT:sideways"]),
     ["--eta", "theo.v1_l", "--covariate", "theo.v1_l:WT:sideways"]),
])
def test_fit_errors_carry_the_programs_message(pop_data, kwargs, args):
    with pytest.raises(ketsim.KetsimError) as e:
        ketsim.fit(pop_data, drug=str(THEOPH), estimate="theo.cl_l_per_h", **kwargs)
    status, message = cli_error("fit", "--method", "foce-i", "--data", str(pop_data), "--drug", str(THEOPH),
                                "--estimate", "theo.cl_l_per_h", *args)
    assert str(e.value) == message and status == 2
