"""Runs the Honey seed's sweep on radCAD 0.14.0, single-process, and reports its time.

usage: python radcad_honey.py N INDEX_OUT [--no-deepcopy]

The time covers the model, the simulation, the run with radCAD's single-process backend, and
the pandas DataFrame of the records. radCAD's default deep-copies the state (through pickle)
before every policy and state update function; `--no-deepcopy` turns that off
(`Engine(deepcopy=False)`), which is radCAD's documented option for speed and is safe for this
model, whose functions never mutate their inputs. Importing
the packages is not counted. The script prints `{"tool": "radcad", "seconds": ..., "rows": ...}`
and writes the records' index to INDEX_OUT for `cargo xtask compare` to check.
"""

import json
import sys
import time

import numpy as np
import pandas as pd
from radcad import Experiment, Model, Simulation
from radcad.engine import Backend, Engine

import honey


def main():
    n, index_out = int(sys.argv[1]), sys.argv[2]
    deepcopy = '--no-deepcopy' not in sys.argv[3:]
    np.random.seed(1)
    start = time.perf_counter()
    model = Model(
        initial_state=honey.genesis_states,
        state_update_blocks=honey.partial_state_update_blocks,
        params=honey.params,
    )
    simulation = Simulation(model=model, timesteps=honey.TIMESTEPS, runs=n)
    experiment = Experiment([simulation])
    experiment.engine = Engine(backend=Backend.SINGLE_PROCESS, deepcopy=deepcopy)
    result = experiment.run()
    df = pd.DataFrame(result)
    seconds = time.perf_counter() - start
    honey.write_index(df, index_out)
    print(json.dumps({'tool': 'radcad' if deepcopy else 'radcad-no-deepcopy', 'seconds': seconds, 'rows': len(df)}))


if __name__ == '__main__':
    main()
