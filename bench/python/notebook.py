"""The notebook comparison: in one Python process, the Honey seed's sweep at N runs per subset
to a pandas DataFrame, by tokensim (`tokensim.run("honey", runs=N, fidelity="faithful",
invariants="off").to_pandas()`), by radCAD 0.14 with `deepcopy=False` (its fastest documented
setting), and by cadCAD 0.5.3, after one untimed round of each, rounds alternating (the
first tool rotates), medians.

usage: python notebook.py N ROUNDS

tokensim runs the seed's behaviour with the invariants off, so that it gives the records radCAD
and cadCAD give (the corrected model, and the faithful one with `price_positive` checked, end
the runs whose price turns negative), in cadCAD's layout (`layout="cadcad"`: the state and the
index, no parameter columns), the DataFrame the other two return. Every tool's DataFrame must
have 9 × N × 121 rows and the same columns. Prints
one JSON line per tool: its rounds in seconds, its median, and the ratio of its median to
tokensim's.
"""

import gc
import json
import statistics
import sys
import time

import numpy as np
import pandas as pd
from cadCAD.configuration import Experiment as CadcadExperiment
from cadCAD.configuration.utils import config_sim
from cadCAD.engine import ExecutionContext, ExecutionMode, Executor
from radcad import Experiment, Model, Simulation
from radcad.engine import Backend, Engine

import honey
import tokensim


def run_tokensim(n):
    return tokensim.run(
        "honey", runs=n, fidelity="faithful", invariants="off", layout="cadcad", progress=False
    ).to_pandas()


def run_radcad(n):
    np.random.seed(1)
    model = Model(
        initial_state=honey.genesis_states,
        state_update_blocks=honey.partial_state_update_blocks,
        params=honey.params,
    )
    experiment = Experiment([Simulation(model=model, timesteps=honey.TIMESTEPS, runs=n)])
    experiment.engine = Engine(backend=Backend.SINGLE_PROCESS, deepcopy=False)
    return pd.DataFrame(experiment.run())


def run_cadcad(n):
    np.random.seed(1)
    exp = CadcadExperiment()
    exp.append_configs(
        initial_state=honey.genesis_states,
        partial_state_update_blocks=honey.partial_state_update_blocks,
        sim_configs=config_sim({"T": range(honey.TIMESTEPS), "N": n, "M": honey.params}),
    )
    ctx = ExecutionContext(ExecutionMode().single_mode)
    events, _, _ = Executor(exec_context=ctx, configs=exp.configs, supress_print=True).execute()
    return pd.DataFrame(events)


TOOLS = [
    ("tokensim.run to pandas", run_tokensim),
    ("radCAD 0.14.0, deepcopy=False, to pandas", run_radcad),
    ("cadCAD 0.5.3, single process, to pandas", run_cadcad),
]


def main():
    n, rounds = int(sys.argv[1]), int(sys.argv[2])
    rows = 9 * n * (honey.TIMESTEPS + 1)
    times = {name: [] for name, _ in TOOLS}
    # The columns every tool must give.
    columns = list(run_tokensim(1).columns)
    # One untimed round of every tool first (as criterion warms up): each process's first
    # sweep of this size pays for growing its heap, whichever tool it is.
    for _, fn in TOOLS:
        df = fn(n)
        del df
        gc.collect()
    for r in range(rounds):
        order = TOOLS[r % len(TOOLS):] + TOOLS[: r % len(TOOLS)]
        for name, fn in order:
            start = time.perf_counter()
            df = fn(n)
            times[name].append(time.perf_counter() - start)
            if len(df) != rows:
                raise SystemExit(f"{name} gave {len(df)} rows, not {rows}")
            if sorted(df.columns) != sorted(columns):
                raise SystemExit(f"{name} gave the columns {list(df.columns)}, not {columns}")
            # Freed outside the next tool's timing.
            del df
            gc.collect()
    base = statistics.median(times[TOOLS[0][0]])
    for name, _ in TOOLS:
        med = statistics.median(times[name])
        print(json.dumps({"tool": name, "rounds": times[name], "median": med, "ratio": med / base}))


if __name__ == "__main__":
    main()
