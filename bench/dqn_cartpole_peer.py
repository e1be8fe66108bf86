"""Peer of bench/online.bench.ts's DQN CartPole-v1 case: the same loop as SB3's DQN with rl-baselines3-zoo's settings
(50k steps, [256, 256], lr 2.3e-3, batch 64, 128 updates per 256 steps, target copied every 10 steps, epsilon 1 -> 0.04
over 16% of the steps, Huber loss, gradient norm clipped at 10) in PyTorch, on a numpy CartPole with Gymnasium's
equations (Euler, 500-step limit; a time-out bootstraps). Prints one JSON line per seed: the final greedy return over
10 episodes, the mean of the last 20 training episodes and the training curve. Diagnosis, not a benchmark.

    OMP_WAIT_POLICY=passive /usr/bin/python3 bench/dqn_cartpole_peer.py 0 1 2
"""
import sys, json, math
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(1)

class CartPole:
    def __init__(s, rng): s.rng = rng
    def reset(s):
        s.x = s.rng.uniform(-0.05, 0.05, 4); s.t = 0; return s.x.astype(np.float32)
    def step(s, a):
        x, xd, th, thd = s.x; f = 10.0 if a == 1 else -10.0
        ct, st = math.cos(th), math.sin(th)
        temp = (f + 0.05 * thd * thd * st) / 1.1
        thacc = (9.8 * st - ct * temp) / (0.5 * (4.0 / 3.0 - 0.1 * ct * ct / 1.1))
        xacc = temp - 0.05 * thacc * ct / 1.1
        x += 0.02 * xd; xd += 0.02 * xacc; th += 0.02 * thd; thd += 0.02 * thacc
        s.x = np.array([x, xd, th, thd]); s.t += 1
        term = x < -2.4 or x > 2.4 or th < -12 * 2 * math.pi / 360 or th > 12 * 2 * math.pi / 360
        return s.x.astype(np.float32), 1.0, term, s.t >= 500

def mlp(sizes):
    L = []
    for i in range(len(sizes) - 1):
        L.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2: L.append(nn.ReLU())
    return nn.Sequential(*L)

def run(seed, cfg):
    rng = np.random.default_rng(seed); torch.manual_seed(seed)
    env = CartPole(rng)
    q = mlp([4, *cfg['hidden'], 2]); tq = mlp([4, *cfg['hidden'], 2]); tq.load_state_dict(q.state_dict())
    opt = torch.optim.Adam(q.parameters(), lr=cfg['lr'])
    cap = 100000; O = np.zeros((cap, 4), np.float32); N = np.zeros((cap, 4), np.float32); A = np.zeros(cap, np.int64); R = np.zeros(cap, np.float32); D = np.zeros(cap, np.float32)
    obs = env.reset(); ret = 0; rets = []; curve = []
    total = cfg['steps']; steps = 0; size = 0
    while steps < total:
        for _ in range(cfg['train_freq']):
            eps = 1 + (cfg['final_eps'] - 1) * min(1, steps / (cfg['fraction'] * total))
            if rng.random() < eps: a = int(rng.integers(2))
            else:
                with torch.no_grad(): a = int(q(torch.as_tensor(obs)[None]).argmax(1))
            nxt, r, term, trunc = env.step(a)
            i = steps % cap; O[i], N[i], A[i], R[i], D[i] = obs, nxt, a, r, float(term)
            steps += 1; size = min(size + 1, cap); ret += r
            if steps % cfg['target'] == 0: tq.load_state_dict(q.state_dict())
            if term or trunc: rets.append(ret); ret = 0; obs = env.reset()
            else: obs = nxt
        if steps > cfg['learning_starts']:
            for _ in range(cfg['gradient_steps']):
                idx = rng.integers(0, size, cfg['batch'])
                o, n_, a_, r_, d_ = map(torch.as_tensor, (O[idx], N[idx], A[idx], R[idx], D[idx]))
                with torch.no_grad(): y = r_ + cfg['gamma'] * (1 - d_) * tq(n_).max(1).values
                qa = q(o).gather(1, a_[:, None]).squeeze(1)
                loss = F.smooth_l1_loss(qa, y)
                opt.zero_grad(); loss.backward(); nn.utils.clip_grad_norm_(q.parameters(), 10); opt.step()
        if steps % 5120 < cfg['train_freq']: curve.append((steps, float(np.mean(rets[-20:])) if rets else 0))
    ev = []
    for _ in range(10):
        o = env.reset(); R_ = 0
        while True:
            with torch.no_grad(): a = int(q(torch.as_tensor(o)[None]).argmax(1))
            o, r, term, trunc = env.step(a); R_ += r
            if term or trunc: break
        ev.append(R_)
    return dict(seed=seed, eval=float(np.mean(ev)), last20=float(np.mean(rets[-20:])), curve=curve)

cfg = dict(steps=50000, lr=2.3e-3, batch=64, learning_starts=1000, gamma=0.99, target=10, train_freq=256, gradient_steps=128, fraction=0.16, final_eps=0.04, hidden=[256, 256])
for s in map(int, sys.argv[1:]):
    print(json.dumps(run(s, cfg)), flush=True)
