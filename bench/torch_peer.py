"""PyTorch CPU peer of the lab's algorithm updates, for bench/algos.bench.ts.

Each update here is written to do the same work as the lab's TypeScript update (same networks, batch and losses)
so updates/s compare like with like. Prints JSON: {threads, results: {algorithm: {threads_1, threads_all}}}.
Run with Debian's python3-torch: /usr/bin/python3 bench/torch_peer.py --budget 3 --specs '[...]'
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def mlp(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def hidden_of(spec):
    return [int(h) for h in str(spec["hyperparameters"].get("hidden", "256,256")).split(",")]


def batch_of(spec):
    b = spec["hyperparameters"]["batchSize"]
    obs, act = spec["observationDim"], spec["actionDim"]
    discrete = spec["discreteActions"]
    actions = torch.randint(0, discrete, (b, 1)).float() if discrete else torch.rand(b, act) * 2 - 1
    return {
        "obs": torch.randn(b, obs),
        "actions": actions,
        "rewards": torch.randn(b),
        "next_obs": torch.randn(b, obs),
        "dones": torch.zeros(b),
        "mc_returns": torch.randn(b),
    }


def bc(spec):
    """Behaviour cloning (src/core/algos/bc.ts): MSE of a tanh actor, or cross-entropy for discrete actions."""
    discrete = spec["discreteActions"]
    out = discrete or spec["actionDim"]
    actor = mlp([spec["observationDim"], *hidden_of(spec), out])
    opt = torch.optim.Adam(actor.parameters(), lr=3e-4)
    b = batch_of(spec)

    def update():
        if discrete:
            loss = F.cross_entropy(actor(b["obs"]), b["actions"].long().squeeze(1))
        else:
            loss = ((torch.tanh(actor(b["obs"])) - b["actions"]) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.detach()

    return update


PEERS = {"bc": bc}


def measure(update, budget):
    for _ in range(3):
        update()
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < budget:
        update()
        count += 1
    return count / (time.perf_counter() - start)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--budget", type=float, default=3.0)
    p.add_argument("--specs", required=True)
    args = p.parse_args()
    all_threads = torch.get_num_threads()
    results = {}
    for spec in json.loads(args.specs):
        make = PEERS.get(spec["algorithmId"])
        if make is None:
            results[spec["algorithmId"]] = "no PyTorch peer written for this algorithm yet"
            continue
        torch.manual_seed(0)
        row = {}
        for threads in sorted({1, all_threads}):
            torch.set_num_threads(threads)
            row[f"threads_{threads}" if threads == 1 else "threads_all"] = measure(make(spec), args.budget)
        if "threads_all" not in row:
            row["threads_all"] = row["threads_1"]
        results[spec["algorithmId"]] = row
    print(json.dumps({"threads": all_threads, "torch": torch.__version__, "results": results}))


if __name__ == "__main__":
    main()
