"""Peer of bench/online.bench.ts's DQN CartPole-v1 case: the same loop as SB3's DQN with rl-baselines3-zoo's settings
(50k steps, [256, 256], lr 2.3e-3, batch 64, 128 updates per 256 steps, target copied every 10 steps, epsilon 1 -> 0.04
over 16% of the steps, Huber loss, gradient norm clipped at 10) in PyTorch, on a numpy CartPole with Gymnasium's
equations (Euler, 500-step limit; a time-out bootstraps). Prints one JSON line per seed: the final greedy return over
10 episodes, the mean of the last 20 training episodes and the curve (env steps, last-20 training return, greedy return
over 5 episodes of a separate environment every 5120 steps). Diagnosis, not a benchmark.

    OMP_WAIT_POLICY=passive /usr/bin/python3 bench/dqn_cartpole_peer.py 0 1 2

With --lockstep DIR it replays the random streams that bench/dqnLockstep.ts recorded there (initial weights, episode
starts, epsilon draws, replay indices) and compares its actions and TD losses with the lab's, step by step.
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

def greedy(q, env, episodes):
    """Mean return of the greedy policy over `episodes` episodes of `env`."""
    total = 0
    for _ in range(episodes):
        o = env.reset()
        while True:
            with torch.no_grad(): a = int(q(torch.as_tensor(o)[None]).argmax(1))
            o, r, term, trunc = env.step(a); total += r
            if term or trunc: break
    return total / episodes

def run(seed, cfg):
    rng = np.random.default_rng(seed); torch.manual_seed(seed)
    env = CartPole(rng)
    eval_env = CartPole(np.random.default_rng(seed + 1000))  # its own stream: the greedy checks leave training as it was
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
        if steps % 5120 < cfg['train_freq']: curve.append((steps, float(np.mean(rets[-20:])) if rets else 0, greedy(q, eval_env, 5)))
    ev = [greedy(q, env, 1) for _ in range(10)]
    return dict(seed=seed, eval=float(np.mean(ev)), last20=float(np.mean(rets[-20:])), curve=curve)

def lockstep(d, cfg):
    """The same loop on the lab's recorded random numbers; prints where the two runs part."""
    starts, acting, replay = (np.fromfile(f'{d}/{n}.f64') for n in ('starts', 'acting', 'replay'))
    flat = np.fromfile(f'{d}/weights.f32', np.float32); meta = json.load(open(f'{d}/weights.json'))
    q = mlp([4, *cfg['hidden'], 2]); tq = mlp([4, *cfg['hidden'], 2])
    linears = [m for m in q if isinstance(m, nn.Linear)]; k = 0; n_layers = len(linears)
    with torch.no_grad():
        for j, m in enumerate(meta):  # w0..wL then b0..bL, [in, out] row-major
            size = int(np.prod(m['shape'])); v = torch.as_tensor(flat[k:k + size].reshape(m['shape'])); k += size
            lin = linears[j % n_layers]
            if j < n_layers: lin.weight.copy_(v.T)
            else: lin.bias.copy_(v)
    tq.load_state_dict(q.state_dict())
    opt = torch.optim.Adam(q.parameters(), lr=cfg['lr'])
    env = CartPole(None); si = [0]; ai = [0]; ri = [0]
    def begin():
        env.x = starts[si[0] * 4:(si[0] + 1) * 4].copy(); env.t = 0; si[0] += 1; return env.x.astype(np.float32)
    cap = 100000; O = np.zeros((cap, 4), np.float32); N = np.zeros((cap, 4), np.float32); A = np.zeros(cap, np.int64); R = np.zeros(cap, np.float32); D = np.zeros(cap, np.float32)
    obs = begin(); ret = 0; rets = []; actions = []; losses = []
    total = cfg['steps']; steps = 0; size = 0
    lab = json.load(open(f'{d}/lab_result.json'))
    while steps < lab['envSteps']:  # the lab's run length; epsilon still decays over cfg['steps']
        for _ in range(cfg['train_freq']):
            eps = 1 + (cfg['final_eps'] - 1) * min(1, steps / (cfg['fraction'] * total))
            u, v = acting[ai[0]], acting[ai[0] + 1]; ai[0] += 2
            if u < eps: a = int(math.floor(v * 2))
            else:
                with torch.no_grad(): a = int(q(torch.as_tensor(obs)[None]).argmax(1))
            actions.append(a)
            nxt, r, term, trunc = env.step(a)
            i = steps % cap; O[i], N[i], A[i], R[i], D[i] = obs, nxt, a, r, float(term)
            steps += 1; size = min(size + 1, cap); ret += r
            if steps % cfg['target'] == 0: tq.load_state_dict(q.state_dict())
            if term or trunc: rets.append(ret); ret = 0; obs = begin()
            else: obs = nxt
        if steps > cfg['learning_starts']:
            for _ in range(cfg['gradient_steps']):
                idx = np.floor(replay[ri[0]:ri[0] + cfg['batch']] * size).astype(np.int64); ri[0] += cfg['batch']
                o, n_, a_, r_, d_ = map(torch.as_tensor, (O[idx], N[idx], A[idx], R[idx], D[idx]))
                with torch.no_grad(): y = r_ + cfg['gamma'] * (1 - d_) * tq(n_).max(1).values
                qa = q(o).gather(1, a_[:, None]).squeeze(1)
                loss = F.smooth_l1_loss(qa, y); losses.append(loss.item())
                opt.zero_grad(); loss.backward(); nn.utils.clip_grad_norm_(q.parameters(), 10); opt.step()
    ev = []
    for _ in range(10):
        o = begin(); R_ = 0
        while True:
            with torch.no_grad(): a = int(q(torch.as_tensor(o)[None]).argmax(1))
            o, r, term, trunc = env.step(a); R_ += r
            if term or trunc: break
        ev.append(R_)
    np.array(losses, np.float32).tofile(f'{d}/peer_losses.f32')
    lab_a = np.fromfile(f'{d}/lab_actions.u8', np.uint8); lab_l = np.fromfile(f'{d}/lab_losses.f32', np.float32)
    mine_a = np.array(actions, np.uint8); n = min(len(lab_a), len(mine_a)); diff = np.nonzero(lab_a[:n] != mine_a[:n])[0]
    mine_l = np.array(losses, np.float32); m = min(len(lab_l), len(mine_l))
    rel = np.abs(lab_l[:m] - mine_l[:m]) / np.maximum(1e-3, np.abs(mine_l[:m])); far = np.nonzero(rel > 1e-3)[0]
    print(json.dumps(dict(peer=dict(eval=float(np.mean(ev)), evalReturns=ev, last20=float(np.mean(rets[-20:]))), lab=dict(eval=lab['evalMean'], evalReturns=lab['evalReturns'], last20=lab['last20']),
                          firstDifferentAction=int(diff[0]) if len(diff) else None, differentActions=int(len(diff)), steps=int(n),
                          firstLossApart=int(far[0]) if len(far) else None, updates=int(m), maxRelLossGapBefore=float(rel[:far[0]].max()) if len(far) and far[0] > 0 else None)))

cfg = dict(steps=50000, lr=2.3e-3, batch=64, learning_starts=1000, gamma=0.99, target=10, train_freq=256, gradient_steps=128, fraction=0.16, final_eps=0.04, hidden=[256, 256])
if sys.argv[1:2] == ['--lockstep']: lockstep(sys.argv[2], cfg)
else:
    for s in map(int, sys.argv[1:]):
        print(json.dumps(run(s, cfg)), flush=True)
