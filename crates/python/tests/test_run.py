"""`tokensim.run` and friends: the records equal the command line's, value for value; the
DataFrames have the CSV's columns and dtypes, and a run again writes over a dropped one's
memory; bad input raises the documented exceptions; KeyboardInterrupt stops a long run."""

import json
import signal
import subprocess
import threading
import _thread
import time

import numpy as np
import pandas as pd
import polars as pl
import pytest

import tokensim


def cli_run(tokensim_bin, tmp_path, *args):
    out = tmp_path / "out"
    subprocess.run(
        [str(tokensim_bin), "run", *args, "--out", str(out), "--no-plots", "--quiet"],
        check=True,
    )
    return out


def test_lists_and_show():
    assert tokensim.models() == ["honey", "flash", "fei"]
    assert "honey" in tokensim.experiments()
    honey = tokensim.show("honey")
    assert honey["model"] == "honey"
    assert honey["sim"]["runs"] == 10 and honey["sim"]["timesteps"] == 120
    assert honey["params"]["throttle"][:3] == [0.002, 0.004, 0.008]


@pytest.mark.parametrize("layout", ["tokensim", "cadcad"])
def test_honey_equals_the_command_line(tokensim_bin, tmp_path, layout):
    out = cli_run(
        tokensim_bin, tmp_path, "honey", "--runs", "3", "--seed", "7", "--layout", layout
    )
    csv = pd.read_csv(out / "records.csv")
    result = tokensim.run("honey", runs=3, seed=7, layout=layout, progress=False)
    df = result.to_pandas()
    assert list(df.columns) == list(csv.columns) == result.columns
    assert list(df.dtypes) == list(csv.dtypes)
    # Value for value: the CSV holds each float's shortest round-trip digits.
    pd.testing.assert_frame_equal(df, csv, check_exact=True)
    summary = json.loads((out / "summary.json").read_text())
    for key in ["runs_completed", "runs_failed", "rows", "subsets", "failures", "seed"]:
        assert result.summary[key] == summary[key], key
    assert len(result) == len(csv) == 9 * 3 * 121


def test_polars_and_records():
    result = tokensim.run("honey", runs=2, timesteps=12, seed=1, progress=False)
    pl_df = result.to_polars()
    pd_df = result.to_pandas()
    assert pl_df.columns == list(pd_df.columns)
    assert pl_df.schema["timestep"] == pl.Int64
    assert pl_df.schema["price"] == pl.Float64
    assert np.array_equal(pl_df["price"].to_numpy(), pd_df["price"].to_numpy())
    records = result.records
    assert records["run"].dtype == np.int64 and records["saturation"].dtype == np.float64
    assert result.failures == []
    assert result.summary["runs_completed"] == 18


def test_a_run_again_writes_over_the_dropped_dataframe():
    def run():
        return tokensim.run("honey", runs=3, seed=7, layout="cadcad", progress=False).to_pandas()

    first = run()
    expected = first.copy()
    addresses = {first[c].to_numpy().ctypes.data for c in first.columns}
    # pandas takes the arrays without a copy; they hold tokensim's memory until it is gone.
    del first
    again = run()
    pd.testing.assert_frame_equal(again, expected, check_exact=True)
    # Every column was written over one the dropped DataFrame gave back.
    assert {again[c].to_numpy().ctypes.data for c in again.columns} == addresses
    # A DataFrame still alive keeps its memory: the next run's columns are new.
    kept = run()
    assert {kept[c].to_numpy().ctypes.data for c in kept.columns}.isdisjoint(
        {again[c].to_numpy().ctypes.data for c in again.columns}
    )
    pd.testing.assert_frame_equal(kept, again, check_exact=True)


def test_overrides_and_dicts():
    exp = tokensim.show("honey")
    exp["sim"]["runs"] = 1
    exp["sim"]["timesteps"] = 5
    r = tokensim.run(
        exp, params={"throttle": [0.002, 0.004], "target_reserve_ratio": 0.2}, progress=False
    )
    df = r.to_pandas()
    assert sorted(df["throttle"].unique()) == [0.002, 0.004]
    assert set(df["target_reserve_ratio"]) == {0.2}
    r = tokensim.run("honey", runs=1, timesteps=3, genesis={"price": 12.0}, progress=False)
    assert r.to_pandas()["price"].iloc[0] == 12.0
    r = tokensim.run(
        "honey",
        runs=1,
        timesteps=3,
        params={"throttle": [0.002, 0.004], "target_reserve_ratio": [0.1, 0.2]},
        genesis={"price": [8.0, 12.0]},
        progress=False,
    )
    df = r.to_pandas()
    assert list(df.groupby("subset")["genesis_price"].first()) == [8.0, 12.0]


def test_an_experiment_file(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('model = "honey"\n[sim]\nruns = 2\ntimesteps = 4\nseed = 3\n')
    r = tokensim.run(path, progress=False)
    assert r.name == "mine" and len(r) == 2 * 5


def test_errors_raise_the_documented_exceptions():
    assert issubclass(tokensim.TokensimError, ValueError)
    with pytest.raises(tokensim.TokensimError, match="unknown experiment `nope`"):
        tokensim.run("nope")
    with pytest.raises(tokensim.TokensimError, match="has no parameter `warp`"):
        tokensim.run("honey", params={"warp": 1.0}, progress=False)
    with pytest.raises(ValueError, match="runs must be at least 1"):
        tokensim.run("honey", runs=0)
    with pytest.raises(ValueError, match="fidelity"):
        tokensim.run("honey", fidelity="approximate")
    with pytest.raises(TypeError):
        tokensim.run(42)
    with pytest.raises(tokensim.TokensimError, match="unknown experiment"):
        tokensim.show("nope")


def test_faithful_records_and_failures():
    r = tokensim.run("honey", runs=100, fidelity="faithful", progress=False)
    # The corrected model's invariant `price_positive` ends the seed's runs whose price turns
    # negative: the failures name it.
    assert r.summary["runs_failed"] == len(r.failures) > 0
    assert all(f["invariant"] == "price_positive" for f in r.failures)
    off = tokensim.run("honey", runs=100, fidelity="faithful", invariants="off", progress=False)
    assert len(off) == 9 * 100 * 121 and off.failures == []


def test_keyboard_interrupt_stops_a_long_run():
    # Python's own Ctrl-C handler, whatever this process inherited: a process started in the
    # background by a non-interactive shell (as CI may start the check) ignores SIGINT, and
    # then `interrupt_main` does nothing.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        timer = threading.Timer(0.5, _thread.interrupt_main)
        timer.start()
        started = time.monotonic()
        # Long enough that it cannot end before the interrupt (about 30 s in a debug build),
        # short enough that a missed interrupt fails here rather than filling the memory.
        with pytest.raises(KeyboardInterrupt):
            tokensim.run("honey", runs=5_000, threads=1, layout="cadcad", progress=False)
        assert time.monotonic() - started < 10
    finally:
        signal.signal(signal.SIGINT, previous)
    # The module still works afterwards.
    assert len(tokensim.run("honey", runs=1, timesteps=2, progress=False)) == 9 * 3


def test_falsify_finds_the_seed_defect():
    found = tokensim.falsify("honey", fidelity="faithful", cases=256, seed=1)
    assert found is not None
    assert found["invariant"] == "price_positive"
    replay = tokensim.run(found["experiment"], progress=False)
    assert [f["invariant"] for f in replay.failures] == ["price_positive"]
    assert (replay.failures[0]["timestep"], replay.failures[0]["substep"]) == (
        found["timestep"],
        found["substep"],
    )
    assert tokensim.falsify("honey", cases=64, seed=1) is None


def test_progress_bar_in_text(capsys, monkeypatch):
    # Without tqdm the bar is a line on stderr.
    import builtins

    real_import = builtins.__import__

    def no_tqdm(name, *args, **kwargs):
        if name.startswith("tqdm"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_tqdm)
    # Long enough (a quarter of a second or more) that the bar shows: it appears after the
    # first tenth.
    tokensim.run("honey", runs=2000, layout="cadcad", progress=True)
    err = capsys.readouterr().err
    assert "honey [" in err and "/18000 runs" in err
