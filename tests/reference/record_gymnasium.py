"""Records reference transitions from Gymnasium's own environments for the lab's unit tests.

Run with Debian's Python and numpy, with Gymnasium's source (not installed, not committed) on PYTHONPATH:

    git -C /work/.mirror/Farama-Foundation+Gymnasium/repo archive HEAD gymnasium | tar -x -C /tmp/gym-src
    PYTHONPATH=/tmp/gym-src /usr/bin/python3 tests/reference/record_gymnasium.py [gymnasium commit]

Writes, next to this script:
- gymnasium_classic_control.json: (state, action) -> (next state, observation, reward, terminated) for every
  classic-control env, from random states inside and just outside the limits, all discrete actions, and
  continuous actions inside and outside the action box (to check clipping), plus chained steps from resets.
- gymnasium_toy_text.json: FrozenLake and CliffWalking transition tables (env.unwrapped.P) and optimal state
  values from a value iteration over those tables (written here, not Gymnasium's).
Only numbers are written; no Gymnasium code.
"""

import json
import math
import os
import sys

import numpy as np

import gymnasium as gym

OUT_DIR = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20240611)


def f64(x):
    """Shortest repr that round-trips the float64 exactly."""
    return float(x)


def f32(x):
    """A float32 value written with 9 significant digits (enough to round-trip float32)."""
    return float("%.9g" % float(np.float32(x)))


def record(env, state, action, set_state=True):
    u = env.unwrapped
    if set_state:
        u.state = np.array(state, dtype=np.float64)
    if hasattr(u, "steps_beyond_terminated"):
        u.steps_beyond_terminated = None
    obs, reward, terminated, _, _ = u.step(action)
    ns = [f64(v) for v in np.asarray(u.state, dtype=np.float64).tolist()]
    a = int(action) if np.isscalar(action) or np.ndim(action) == 0 else [f32(v) for v in action]
    return {"s": [f64(v) for v in state], "a": a, "ns": ns, "o": [f32(v) for v in obs], "r": f64(reward), "t": int(bool(terminated))}


def chained(env, episodes, steps, actions):
    """Steps from resets, each record starting from the exact state Gymnasium left (float32 where it stores float32)."""
    out = []
    u = env.unwrapped
    for ep in range(episodes):
        env.reset(seed=1000 + ep)
        for _ in range(steps):
            state = np.asarray(u.state, dtype=np.float64).tolist()
            rec = record(env, state, actions(), set_state=False)  # Gymnasium's own state and dtype
            out.append(rec)
            if rec["t"]:
                break
    return out


def continuous_action(low, high):
    """Mostly inside the box, some far outside, some exactly on the bounds."""
    k = rng.random()
    if k < 0.6:
        v = rng.uniform(low, high)
    elif k < 0.85:
        v = rng.uniform(3 * low, 3 * high)
    else:
        v = rng.choice([low, 0.0, high])
    return np.array([v], dtype=np.float32)


def cartpole():
    env = gym.make("CartPole-v1")
    env.reset(seed=0)
    recs = []
    for _ in range(200):
        s = [rng.uniform(-2.5, 2.5), rng.uniform(-3, 3), rng.uniform(-0.25, 0.25), rng.uniform(-3, 3)]
        recs.append(record(env, s, int(rng.integers(2))))
    recs += chained(env, 2, 60, lambda: int(rng.integers(2)))
    return recs


def mountain_car():
    env = gym.make("MountainCar-v0")
    env.reset(seed=0)
    recs = []
    special = [[-1.2, -0.01], [-1.2, 0.0], [-1.19, -0.02], [0.5, 0.0], [0.49, 0.011], [0.6, 0.07], [0.45, 0.07], [-0.5, 0.0]]
    for s in special:
        for a in range(3):
            recs.append(record(env, s, a))
    for _ in range(200):
        s = [rng.uniform(-1.25, 0.65), rng.uniform(-0.08, 0.08)]
        recs.append(record(env, s, int(rng.integers(3))))
    recs += chained(env, 2, 60, lambda: int(rng.integers(3)))
    return recs


def mountain_car_continuous():
    env = gym.make("MountainCarContinuous-v0")
    env.reset(seed=0)
    recs = []
    special = [[-1.2, -0.01], [-1.19, -0.02], [0.45, 0.0], [0.44, 0.011], [0.6, 0.07], [-0.5, 0.0]]
    for s in special:
        for v in [-5.0, -1.0, 0.0, 0.3, 1.0, 5.0]:
            recs.append(record(env, s, np.array([v], dtype=np.float32)))
    for _ in range(200):
        s = [rng.uniform(-1.25, 0.65), rng.uniform(-0.08, 0.08)]
        recs.append(record(env, s, continuous_action(-1.0, 1.0)))
    recs += chained(env, 2, 60, lambda: continuous_action(-1.0, 1.0))
    return recs


def pendulum():
    env = gym.make("Pendulum-v1")
    env.reset(seed=0)
    recs = []
    special = [[0.0, 0.0], [math.pi, 0.0], [-math.pi, 8.0], [0.1, -8.0], [10.0, 7.9], [-10.0, -9.5]]
    for s in special:
        for v in [-4.0, -2.0, 0.0, 1.5, 2.0, 4.0]:
            recs.append(record(env, s, np.array([v], dtype=np.float32)))
    for _ in range(200):
        s = [rng.uniform(-3 * math.pi, 3 * math.pi), rng.uniform(-9, 9)]
        recs.append(record(env, s, continuous_action(-2.0, 2.0)))
    recs += chained(env, 2, 60, lambda: continuous_action(-2.0, 2.0))
    return recs


def acrobot():
    env = gym.make("Acrobot-v1")
    env.reset(seed=0)
    recs = []
    v1, v2 = 4 * math.pi, 9 * math.pi
    for i in range(200):
        k = i % 4
        if k == 0:  # anywhere inside the limits
            s = [rng.uniform(-math.pi, math.pi), rng.uniform(-math.pi, math.pi), rng.uniform(-v1, v1), rng.uniform(-v2, v2)]
        elif k == 1:  # near the goal height, so some steps terminate
            s = [rng.uniform(2.0, math.pi) * rng.choice([-1, 1]), rng.uniform(-1, 1), rng.uniform(-3, 3), rng.uniform(-5, 5)]
        elif k == 2:  # fast, so velocities hit the bounds and angles wrap
            s = [rng.uniform(-math.pi, math.pi), rng.uniform(-math.pi, math.pi), rng.uniform(-1.2 * v1, 1.2 * v1), rng.uniform(-1.2 * v2, 1.2 * v2)]
        else:  # hanging near rest
            s = list(rng.uniform(-0.2, 0.2, size=4))
        recs.append(record(env, s, int(rng.integers(3))))
    recs += chained(env, 2, 60, lambda: int(rng.integers(3)))
    return recs


def table(env):
    P = env.unwrapped.P
    return [[[[f64(p), int(ns), f64(r), int(bool(d))] for (p, ns, r, d) in P[s][a]] for a in range(len(P[s]))] for s in range(len(P))]


def value_iteration(P, gamma, tol=1e-13):
    """Optimal state values by value iteration over a Gymnasium P table (done ends the return)."""
    n = len(P)
    V = np.zeros(n)
    while True:
        Q = np.array([[sum(p * (r + (0.0 if d else gamma * V[ns])) for p, ns, r, d in P[s][a]) for a in range(len(P[s]))] for s in range(n)])
        newV = Q.max(axis=1)
        if np.max(np.abs(newV - V)) < tol:
            return newV, Q
        V = newV


def toy_text():
    out = {}
    cases = {
        "FrozenLake-4x4": ("FrozenLake-v1", {"map_name": "4x4"}),
        "FrozenLake-4x4-not-slippery": ("FrozenLake-v1", {"map_name": "4x4", "is_slippery": False}),
        "FrozenLake-8x8": ("FrozenLake-v1", {"map_name": "8x8"}),
        "CliffWalking": ("CliffWalking-v1", {}),
        "CliffWalkingSlippery": ("CliffWalking-v1", {"is_slippery": True}),
    }
    for name, (gid, kwargs) in cases.items():
        env = gym.make(gid, **kwargs)
        P = table(env)
        entry = {"P": P, "values": {}}
        for gamma in [0.9, 0.99]:
            V, Q = value_iteration(env.unwrapped.P, gamma)
            entry["values"][str(gamma)] = {"V": [f64(v) for v in V], "Q": [[f64(q) for q in row] for row in Q]}
        out[name] = entry
    return out


def main():
    commit = sys.argv[1] if len(sys.argv) > 1 else "unknown"
    meta = {"gymnasium_version": gym.__version__, "gymnasium_commit": commit, "numpy": np.__version__}
    classic = {
        "meta": meta,
        "envs": {
            "CartPole-v1": cartpole(),
            "MountainCar-v0": mountain_car(),
            "MountainCarContinuous-v0": mountain_car_continuous(),
            "Pendulum-v1": pendulum(),
            "Acrobot-v1": acrobot(),
        },
    }
    with open(os.path.join(OUT_DIR, "gymnasium_classic_control.json"), "w") as f:
        json.dump(classic, f, separators=(",", ":"))
    with open(os.path.join(OUT_DIR, "gymnasium_toy_text.json"), "w") as f:
        json.dump({"meta": meta, "envs": toy_text()}, f, separators=(",", ":"))
    for name, recs in classic["envs"].items():
        print(name, len(recs), "records,", sum(r["t"] for r in recs), "terminated")


if __name__ == "__main__":
    main()
