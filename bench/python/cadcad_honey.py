"""Runs the Honey seed's sweep on cadCAD 0.5.3, single-process, and reports its time.

usage: python cadcad_honey.py N INDEX_OUT

The time covers the whole job as the notebook does it: the configuration (cell 7), the
execution (cell 8) and the pandas DataFrame of the records (cell 63's first line). Importing
the packages is not counted. The script prints `{"tool": "cadcad", "seconds": ..., "rows": ...}`
and writes the records' index to INDEX_OUT for `cargo xtask compare` to check.
"""

import json
import sys
import time

import numpy as np
import pandas as pd
from cadCAD.configuration import Experiment
from cadCAD.configuration.utils import config_sim
from cadCAD.engine import ExecutionContext, ExecutionMode, Executor

import honey


def main():
    n, index_out = int(sys.argv[1]), sys.argv[2]
    np.random.seed(1)
    start = time.perf_counter()
    exp = Experiment()
    c = config_sim({'T': range(honey.TIMESTEPS), 'N': n, 'M': honey.params})
    exp.append_configs(
        initial_state=honey.genesis_states,
        partial_state_update_blocks=honey.partial_state_update_blocks,
        sim_configs=c,
    )
    ctx = ExecutionContext(ExecutionMode().single_mode)
    simulation = Executor(exec_context=ctx, configs=exp.configs, supress_print=True)
    raw_system_events, tensor_field, sessions = simulation.execute()
    df = pd.DataFrame(raw_system_events)
    seconds = time.perf_counter() - start
    honey.write_index(df, index_out)
    print(json.dumps({'tool': 'cadcad', 'seconds': seconds, 'rows': len(df)}))


if __name__ == '__main__':
    main()
