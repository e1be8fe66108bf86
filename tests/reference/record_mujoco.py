"""Records reference transitions from Gymnasium's MuJoCo v5 locomotion envs for tests/unit/envs.mujoco.test.ts.

Run in a venv with Gymnasium 1.3.0 and MuJoCo 3.14.0 (the wheels on the machine's local package index, the same
MuJoCo as @mujoco/mujoco 3.14.0; see PLATFORM.md):

    python3 -m venv .venv-mujoco && .venv-mujoco/bin/pip install gymnasium==1.3.0 mujoco==3.14.0 h5py numpy
    F=/opt/pypi/files; .venv-mujoco/bin/pip install --no-index --no-deps $F/packaging-26.3-py3-none-any.whl \
        $F/imageio-2.38.0-py3-none-any.whl $F/pillow-12.3.0-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl
    .venv-mujoco/bin/python tests/reference/record_mujoco.py
(gymnasium.envs.mujoco imports imageio, pillow and packaging for its renderer; pip does not pull them in.)

Writes gymnasium_mujoco.json next to this script, per env:
- episodes: chains of steps from seeded resets (the last one with fast random velocities), random actions drawn a little outside [-1, 1] (MuJoCo clamps the
  control; Gymnasium's control cost uses the action as given). Each step: the state before it (qpos then qvel,
  float64, set with set_state before stepping), the float32 action, the observation (float64), reward and terminated after it.
- health: states at and around the healthy-range edges with Gymnasium's is_healthy for each.
Only numbers are written; no Gymnasium code.
"""

import json
import os

import gymnasium as gym
import mujoco
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gymnasium_mujoco.json")
rng = np.random.default_rng(20261127)

ENVS = {"Hopper-v5": (8, 40), "Walker2d-v5": (5, 40), "HalfCheetah-v5": (3, 40)}


def f64(x):
    return float(x)


def f32(x):
    return float("%.9g" % float(np.float32(x)))


def state_of(u):
    return np.concatenate([u.data.qpos, u.data.qvel]).astype(np.float64)


def episodes(env_id, count, steps):
    env = gym.make(env_id)
    u = env.unwrapped
    nq = u.model.nq
    out = []
    clipped = 0
    for ep in range(count):
        env.reset(seed=100 + ep)
        if ep == count - 1:  # a fast start, so velocity clipping and contacts at speed are covered too
            u.set_state(u.data.qpos.copy(), rng.uniform(-25, 25, size=u.model.nv))
        chain = []
        for _ in range(steps):
            s = state_of(u)
            u.set_state(s[:nq], s[nq:])  # exactly what the lab's setState does (qpos, qvel, mj_forward)
            a = rng.uniform(-1.15, 1.15, size=u.model.nu).astype(np.float32)
            obs, reward, terminated, _, _ = u.step(a)
            clipped += int(np.sum(np.abs(obs) >= 10))
            chain.append({"s": [f64(v) for v in s], "a": [f32(v) for v in a], "o": [f64(v) for v in obs], "r": f64(reward), "t": int(bool(terminated))})
            if terminated:
                break
        out.append(chain)
    env.close()
    return out, clipped


def health(env_id, cases):
    env = gym.make(env_id)
    u = env.unwrapped
    env.reset(seed=0)
    nq = u.model.nq
    out = []
    for qpos_patch, qvel_patch in cases:
        qpos = u.init_qpos.copy()
        qvel = u.init_qvel.copy()
        for i, v in qpos_patch.items():
            qpos[i] = v
        for i, v in qvel_patch.items():
            qvel[i] = v
        u.set_state(qpos, qvel)
        out.append({"s": [f64(v) for v in np.concatenate([qpos, qvel])], "healthy": int(bool(u.is_healthy))})
    assert len(out[0]["s"]) == nq + u.model.nv
    env.close()
    return out


def edges(index, values, eps=1e-9):
    """States with qpos[index] at, just inside and just outside each edge value."""
    return [({index: v + d}, {}) for v in values for d in (-eps, 0.0, eps)]


HEALTH = {
    # z (qpos[1]) in (0.7, inf), angle (qpos[2]) in (-0.2, 0.2), state_vector()[2:] in (-100, 100)
    "Hopper-v5": edges(1, [0.7]) + edges(2, [-0.2, 0.2]) + edges(3, [-100, 100]) + [({}, {0: 150.0}), ({}, {1: -100.0}), ({}, {5: 99.999})],
    # z in (0.8, 2.0), angle in (-1, 1)
    "Walker2d-v5": edges(1, [0.8, 2.0]) + edges(2, [-1.0, 1.0]) + [({}, {0: 500.0})],
}

if __name__ == "__main__":
    ref = {"meta": {"gymnasium_version": gym.__version__, "mujoco_version": mujoco.__version__, "numpy": np.__version__}, "envs": {}}
    for env_id, (count, steps) in ENVS.items():
        eps, clipped = episodes(env_id, count, steps)
        entry = {"episodes": eps}
        if env_id in HEALTH:
            entry["health"] = health(env_id, HEALTH[env_id])
        ref["envs"][env_id] = entry
        print(env_id, "steps", sum(len(e) for e in eps), "terminated", sum(e[-1]["t"] for e in eps), "clipped obs values", clipped)
    with open(OUT, "w") as f:
        json.dump(ref, f, separators=(",", ":"))
    print("wrote", OUT, os.path.getsize(OUT), "bytes")
