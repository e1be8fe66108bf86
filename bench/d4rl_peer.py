#!/usr/bin/python3
"""The peer of bench/datasetLoad.bench.ts: writes a D4RL-layout HDF5 file the way D4RL's files are written
(h5py, gzip, a bool terminals/timeouts enum), and times h5py reading it back.

    /usr/bin/python3 bench/d4rl_peer.py write FILE --rows 1000000 --obs 17 --act 6
    /usr/bin/python3 bench/d4rl_peer.py read FILE          # prints JSON timings

Reading = what d4rl.get_dataset does (every root array into numpy), then qlearning_dataset's flags: the rows
whose time-out makes their next observation invalid.
"""
import argparse
import json
import time

import h5py
import numpy as np


def write(path, rows, obs_dim, act_dim):
    rng = np.random.default_rng(0)
    # Episodes of 1000 steps cut by the time limit, as in D4RL's locomotion files, and a few falls.
    timeouts = np.zeros(rows, dtype=bool)
    timeouts[999::1000] = True
    terminals = np.zeros(rows, dtype=bool)
    terminals[rng.choice(rows, size=rows // 5000, replace=False)] = True
    timeouts &= ~terminals
    with h5py.File(path, "w") as f:
        kw = dict(compression="gzip")
        f.create_dataset("observations", data=rng.normal(size=(rows, obs_dim)).astype(np.float32), **kw)
        f.create_dataset("next_observations", data=rng.normal(size=(rows, obs_dim)).astype(np.float32), **kw)
        f.create_dataset("actions", data=rng.uniform(-1, 1, size=(rows, act_dim)).astype(np.float32), **kw)
        f.create_dataset("rewards", data=rng.normal(size=rows).astype(np.float32), **kw)
        f.create_dataset("terminals", data=terminals, **kw)
        f.create_dataset("timeouts", data=timeouts, **kw)
        f.create_group("metadata").create_dataset("algorithm", data="SAC")


def read(path):
    t0 = time.perf_counter()
    with h5py.File(path, "r") as f:
        data = {k: f[k][()] for k in f.keys() if isinstance(f[k], h5py.Dataset)}
    t1 = time.perf_counter()
    valid_next = ~data["timeouts"] | data["terminals"]
    t2 = time.perf_counter()
    return {"readSeconds": t1 - t0, "flagsSeconds": t2 - t1, "totalSeconds": t2 - t0, "rows": int(len(data["rewards"])), "rowsWithSuccessor": int(valid_next.sum())}


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["write", "read"])
    p.add_argument("path")
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--obs", type=int, default=17)
    p.add_argument("--act", type=int, default=6)
    p.add_argument("--repeat", type=int, default=3)
    a = p.parse_args()
    if a.mode == "write":
        write(a.path, a.rows, a.obs, a.act)
    else:
        runs = [read(a.path) for _ in range(a.repeat)]
        print(json.dumps({"runs": runs, "h5py": h5py.__version__, "numpy": np.__version__}))
