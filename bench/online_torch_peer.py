"""CleanRL-style PyTorch peers of the lab's online algorithms, doing the same work per second as bench/online.speed.ts:
the same environments (Gymnasium's), networks, batch sizes, environment copies and update schedules. Prints env steps/s
and updates/s for each, as JSON. One torch thread.

    PYTHONPATH=<gymnasium source> OMP_WAIT_POLICY=passive /usr/bin/python3 bench/online_torch_peer.py <seconds>
"""

import json
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import gymnasium as gym

torch.set_num_threads(1)
SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0


def mlp(sizes, act=nn.ReLU):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(act())
    return nn.Sequential(*layers)


def dqn(seconds):
    """zoo CartPole-v1: 1 env, 16 steps then 4 updates of batch 512, [64, 64], Huber, Adam 2.5e-4, clip 10."""
    env = gym.make("CartPole-v1")
    q = mlp([4, 64, 64, 2])
    target = mlp([4, 64, 64, 2])
    target.load_state_dict(q.state_dict())
    opt = torch.optim.Adam(q.parameters(), lr=2.5e-4)
    cap = 100_000
    obs_buf = np.zeros((cap, 4), np.float32)
    next_buf = np.zeros((cap, 4), np.float32)
    act_buf = np.zeros(cap, np.int64)
    rew_buf = np.zeros(cap, np.float32)
    done_buf = np.zeros(cap, np.float32)
    obs, _ = env.reset(seed=0)
    size = steps = updates = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(16):
            with torch.no_grad():
                a = int(q(torch.as_tensor(obs).unsqueeze(0)).argmax(1)) if np.random.rand() > 0.1 else env.action_space.sample()
            nxt, r, term, trunc, _ = env.step(a)
            i = steps % cap
            obs_buf[i], next_buf[i], act_buf[i], rew_buf[i], done_buf[i] = obs, nxt, a, r, float(term)
            steps += 1
            size = min(size + 1, cap)
            obs = env.reset()[0] if term or trunc else nxt
        for _ in range(4):
            idx = np.random.randint(0, size, 512)
            with torch.no_grad():
                y = torch.as_tensor(rew_buf[idx]) + 0.99 * (1 - torch.as_tensor(done_buf[idx])) * target(torch.as_tensor(next_buf[idx])).max(1).values
            qa = q(torch.as_tensor(obs_buf[idx])).gather(1, torch.as_tensor(act_buf[idx]).unsqueeze(1)).squeeze(1)
            loss = F.smooth_l1_loss(qa, y)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(q.parameters(), 10)
            opt.step()
            updates += 1
    t = time.perf_counter() - start
    return {"envStepsPerSecond": steps / t, "updatesPerSecond": updates / t}


def ppo(seconds):
    """zoo CartPole-v1: 8 envs x 32 steps, GAE(0.98, 0.8), 20 epochs of one 256-row minibatch, tanh [64, 64] actor and critic."""
    n, T = 8, 32
    envs = gym.vector.SyncVectorEnv([lambda: gym.make("CartPole-v1") for _ in range(n)])
    actor, critic = mlp([4, 64, 64, 2], nn.Tanh), mlp([4, 64, 64, 1], nn.Tanh)
    params = list(actor.parameters()) + list(critic.parameters())
    opt = torch.optim.Adam(params, lr=1e-3, eps=1e-5)
    obs, _ = envs.reset(seed=0)
    steps = updates = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        b_obs, b_act, b_logp, b_val, b_rew, b_done = [], [], [], [], [], []
        for _ in range(T):
            with torch.no_grad():
                o = torch.as_tensor(obs, dtype=torch.float32)
                dist = torch.distributions.Categorical(logits=actor(o))
                a = dist.sample()
                b_obs.append(o), b_act.append(a), b_logp.append(dist.log_prob(a)), b_val.append(critic(o).squeeze(1))
            obs, r, term, trunc, _ = envs.step(a.numpy())
            b_rew.append(torch.as_tensor(r, dtype=torch.float32)), b_done.append(torch.as_tensor(term | trunc, dtype=torch.float32))
            steps += n
        with torch.no_grad():
            last = critic(torch.as_tensor(obs, dtype=torch.float32)).squeeze(1)
            adv = torch.zeros(T, n)
            run = torch.zeros(n)
            for t in reversed(range(T)):
                nv = last if t == T - 1 else b_val[t + 1]
                nd = 1 - b_done[t]
                delta = b_rew[t] + 0.98 * nv * nd - b_val[t]
                run = delta + 0.98 * 0.8 * nd * run
                adv[t] = run
            ret = adv + torch.stack(b_val)
        O, A, LP, ADV, RET = torch.cat(b_obs), torch.cat(b_act), torch.cat(b_logp), adv.flatten(), ret.flatten()
        for _ in range(20):
            idx = torch.randperm(n * T)[:256]
            logits = actor(O[idx])
            dist = torch.distributions.Categorical(logits=logits)
            ratio = (dist.log_prob(A[idx]) - LP[idx]).exp()
            a_ = (ADV[idx] - ADV[idx].mean()) / (ADV[idx].std() + 1e-8)
            pg = torch.max(-a_ * ratio, -a_ * ratio.clamp(0.8, 1.2)).mean()
            vl = F.mse_loss(critic(O[idx]).squeeze(1), RET[idx])
            loss = pg + 0.5 * vl
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(params, 0.5)
            opt.step()
            updates += 1
    t = time.perf_counter() - start
    return {"envStepsPerSecond": steps / t, "updatesPerSecond": updates / t}


def sac(seconds):
    """zoo Pendulum-v1: 1 env, one update of batch 256 per step, [256, 256] tanh-Gaussian actor and twin Q, auto alpha."""
    env = gym.make("Pendulum-v1")
    actor = mlp([3, 256, 256, 2])
    q1, q2 = mlp([4, 256, 256, 1]), mlp([4, 256, 256, 1])
    t1, t2 = mlp([4, 256, 256, 1]), mlp([4, 256, 256, 1])
    t1.load_state_dict(q1.state_dict()), t2.load_state_dict(q2.state_dict())
    log_alpha = torch.zeros(1, requires_grad=True)
    qopt = torch.optim.Adam(list(q1.parameters()) + list(q2.parameters()), lr=1e-3)
    aopt = torch.optim.Adam(actor.parameters(), lr=1e-3)
    alopt = torch.optim.Adam([log_alpha], lr=1e-3)
    cap = 1_000_000
    ob, nb, ab, rb, db = np.zeros((cap, 3), np.float32), np.zeros((cap, 3), np.float32), np.zeros((cap, 1), np.float32), np.zeros(cap, np.float32), np.zeros(cap, np.float32)

    def pi(o):
        out = actor(o)
        mean, log_std = out[:, :1], (out[:, 1:] - 1).clamp(-20, 2)
        u = mean + log_std.exp() * torch.randn_like(mean)
        logp = (-0.5 * ((u - mean) / log_std.exp()) ** 2 - log_std - 0.5 * np.log(2 * np.pi)).sum(1)
        logp = logp - (2 * (np.log(2) - u - F.softplus(-2 * u))).sum(1)
        return torch.tanh(u), logp

    obs, _ = env.reset(seed=0)
    steps = updates = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        with torch.no_grad():
            a = pi(torch.as_tensor(obs).unsqueeze(0))[0][0].numpy()
        nxt, r, term, trunc, _ = env.step(2 * a)
        i = steps % cap
        ob[i], nb[i], ab[i], rb[i], db[i] = obs, nxt, a, r, float(term)
        steps += 1
        obs = env.reset()[0] if term or trunc else nxt
        if steps < 100:
            continue
        idx = np.random.randint(0, min(steps, cap), 256)
        o, n_, a_, r_, d_ = (torch.as_tensor(x[idx]) for x in (ob, nb, ab, rb, db))
        alpha = log_alpha.exp().detach()
        with torch.no_grad():
            na, nlp = pi(n_)
            x = torch.cat([n_, na], 1)
            y = r_ + 0.99 * (1 - d_) * (torch.min(t1(x), t2(x)).squeeze(1) - alpha * nlp)
        x = torch.cat([o, a_], 1)
        ql = F.mse_loss(q1(x).squeeze(1), y) + F.mse_loss(q2(x).squeeze(1), y)
        qopt.zero_grad(), ql.backward(), qopt.step()
        pa, lp = pi(o)
        x = torch.cat([o, pa], 1)
        al = (alpha * lp - torch.min(q1(x), q2(x)).squeeze(1)).mean()
        aopt.zero_grad(), al.backward(), aopt.step()
        tl = -(log_alpha * (lp.detach() - 1)).mean()
        alopt.zero_grad(), tl.backward(), alopt.step()
        with torch.no_grad():
            for t, s in ((t1, q1), (t2, q2)):
                for pt, ps in zip(t.parameters(), s.parameters()):
                    pt.mul_(0.995).add_(0.005 * ps)
        updates += 1
    t = time.perf_counter() - start
    return {"envStepsPerSecond": steps / t, "updatesPerSecond": updates / t}


print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "dqn-online:CartPole-v1": dqn(SECONDS), "ppo:CartPole-v1": ppo(SECONDS), "sac-online:Pendulum-v1": sac(SECONDS)}))
