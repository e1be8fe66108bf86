"""Gymnasium's env steps per second, the peer of bench/envs.bench.ts (which runs this and merges the JSON).

Needs Gymnasium's source on PYTHONPATH (the bench makes a temporary checkout) and Debian's numpy:
    PYTHONPATH=/tmp/gym-src /usr/bin/python3 bench/gymnasium_peer.py <seconds per measurement> <num envs>
The MuJoCo envs run in the venv with Gymnasium 1.3.0 and MuJoCo 3.14.0 (tests/reference/record_mujoco.py):
    .venv-mujoco/bin/python bench/gymnasium_peer.py <seconds> <num envs> mujoco
"""

import json
import sys
import time

import numpy as np

import gymnasium as gym

IDS = {
    "CartPole-v1": ("CartPole-v1", {}),
    "MountainCar-v0": ("MountainCar-v0", {}),
    "MountainCarContinuous-v0": ("MountainCarContinuous-v0", {}),
    "Pendulum-v1": ("Pendulum-v1", {}),
    "Acrobot-v1": ("Acrobot-v1", {}),
    "FrozenLake-4x4": ("FrozenLake-v1", {"map_name": "4x4"}),
    "FrozenLake-8x8": ("FrozenLake-v1", {"map_name": "8x8"}),
    "CliffWalking": ("CliffWalking-v1", {}),
}

MUJOCO_IDS = {"Hopper-v5": ("Hopper-v5", {}), "Walker2d-v5": ("Walker2d-v5", {}), "HalfCheetah-v5": ("HalfCheetah-v5", {})}


def actions_for(space, n, rng):
    if isinstance(space, gym.spaces.Discrete):
        return [int(a) for a in rng.integers(space.n, size=n)]
    return [a.astype(np.float32) for a in rng.uniform(space.low, space.high, size=(n,) + space.shape)]


def timed(step, reset, seconds, rounds=3):
    """Best of `rounds` rounds of seconds / rounds each (checking the clock every 1000 steps): steps per second."""
    reset()
    best = 0.0
    steps = 0
    for _ in range(rounds):
        start = time.perf_counter()
        calls = 0
        while True:
            for _ in range(1000):
                step(steps)
                steps += 1
            calls += 1000
            elapsed = time.perf_counter() - start
            if elapsed >= seconds / rounds:
                best = max(best, calls / elapsed)
                break
    return best


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 0.5
    num_envs = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    mujoco = len(sys.argv) > 3 and sys.argv[3] == "mujoco"
    rng = np.random.default_rng(0)
    out = {}
    for lab_id, (gid, kwargs) in (MUJOCO_IDS if mujoco else IDS).items():
        env = gym.make(gid, **kwargs)
        acts = actions_for(env.action_space, 4096, rng)

        def step_made(i, env=env, acts=acts):
            _, _, term, trunc, _ = env.step(acts[i % 4096])
            if term or trunc:
                env.reset()

        raw = env.unwrapped

        def step_raw(i, raw=raw, acts=acts):
            _, _, term, _, _ = raw.step(acts[i % 4096])
            if term:
                raw.reset()

        venv = gym.make_vec(gid, num_envs=num_envs, vectorization_mode="sync", **kwargs)
        vacts = [np.array(actions_for(env.action_space, num_envs, rng)) for _ in range(64)]

        def step_vec(i, venv=venv, vacts=vacts):
            venv.step(vacts[i % 64])

        out[lab_id] = {
            "single_raw": timed(step_raw, lambda raw=raw: raw.reset(seed=0), seconds),
            "single_make": timed(step_made, lambda env=env: env.reset(seed=0), seconds),
            "vector_env_steps": num_envs * timed(step_vec, lambda venv=venv: venv.reset(seed=0), seconds / 4),
        }
    info = {"gymnasium": gym.__version__, "numpy": np.__version__, "python": sys.version.split()[0], "steps_per_second": out}
    if mujoco:
        import mujoco as mj

        info["mujoco"] = mj.__version__
    print(json.dumps(info))


if __name__ == "__main__":
    main()
