"""PyTorch CPU peer of the lab's algorithm updates, for bench/algos.bench.ts.

Each update here does the same work as the lab's TypeScript update for the same spec (bench/specs.ts passes every
hyperparameter): the same networks, losses, forward and backward passes, optimizer steps, target updates and the
metrics the lab computes on the device every update, on a fixed random batch as src/core/run/measure.ts uses.
Gradients are taken only for the parameters each optimizer owns (torch.autograd.grad, as the lab's
tf.variableGrads(loss, variables)). So updates/s compare like with like.
Prints JSON: {threads, torch, blas, results: {algorithm: {threads_1, threads_all}}}.
Run with Debian's python3-torch: /usr/bin/python3 bench/torch_peer.py --budget 3 --specs '[...]'
"""
import argparse
import copy
import json
import math
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

LOG_2PI = math.log(2 * math.pi)
EXP_ADV_MAX = 100.0


# ---- shared pieces (src/core/algos/{nets,optim,critics,distributions,losses,common}.ts) ----


# --members K: a population of K members as one batched model (src/core/population/batchedMlp.ts): every weight
# gets a leading members axis, every batch tensor too ([K, batch, dim]), layers are batched products (baddbmm).
# None: the lone networks of the lab's own algorithm files.
MEMBERS = None


class MemberLinear(nn.Module):
    """K dense layers as one: x [K, B, in] -> [K, B, out], weights [K, in, out] initialised per member as nn.Linear."""

    def __init__(self, fan_in, fan_out, members):
        super().__init__()
        bound = 1 / math.sqrt(fan_in)
        self.weight = nn.Parameter(torch.empty(members, fan_in, fan_out).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(members, 1, fan_out).uniform_(-bound, bound))

    def forward(self, x):
        return torch.baddbmm(self.bias, x, self.weight)


def lead():
    """The leading shape of a member-batched tensor: (K,) in a population, () for lone networks."""
    return (MEMBERS,) if MEMBERS else ()


def mlp(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(MemberLinear(sizes[i], sizes[i + 1], MEMBERS) if MEMBERS else nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def hp(spec, key):
    return spec["hyperparameters"][key]


def hidden_of(spec):
    return [int(h) for h in str(hp(spec, "hidden")).split(",")]


def batch_of(spec):
    """A fixed random batch of transitions, as measure.ts's syntheticBatch."""
    b = int(hp(spec, "batchSize"))
    obs, act = spec["observationDim"], spec["actionDim"]
    discrete = spec["discreteActions"]
    k = lead()
    actions = torch.randint(0, discrete, (*k, b, 1)).float() if discrete else torch.rand(*k, b, act) * 2 - 1
    return {
        "obs": torch.rand(*k, b, obs) * 2 - 1,
        "actions": actions,
        "rewards": torch.rand(*k, b) * 2 - 1,
        "next_obs": torch.rand(*k, b, obs) * 2 - 1,
        "dones": torch.zeros(*k, b),
        "mc_returns": torch.rand(*k, b) * 2 - 1,
    }


def normalizer(spec):
    """observationNormalizer (common.ts): (x - mean) / (std + 1e-3), applied to every batch as the lab does."""
    if not hp(spec, "normalizeStates"):
        return lambda x: x
    mean = torch.zeros(*lead(), 1, spec["observationDim"])
    std = torch.ones(*lead(), 1, spec["observationDim"]) + 1e-3
    return lambda x: (x - mean) / std


def minimize(opt, params, loss, clip=None):
    """Adam.minimize (optim.ts): gradients of `loss` for `params` only, their global norm, optional clipping, one step."""
    grads = torch.autograd.grad(loss, params)
    norm = torch.stack([g.pow(2).sum() for g in grads]).sum().sqrt()
    scale = torch.clamp(clip / (norm + 1e-6), max=1.0) if clip is not None else None
    for p, g in zip(params, grads):
        p.grad = g * scale if scale is not None else g
    opt.step()
    return norm


@torch.no_grad()
def soft_update(target, online, tau):
    """softUpdate (nets.ts): target <- tau * online + (1 - tau) * target."""
    for t, o in zip(target.parameters(), online.parameters()):
        t.mul_(1 - tau).add_(o, alpha=tau)


class Critics:
    """Critics (critics.ts): `count` Q nets on [s, a] (continuous) or s -> Q(s, .) (discrete), with target copies."""

    def __init__(self, spec, hidden, count):
        self.k = spec["discreteActions"]
        sizes = [spec["observationDim"], *hidden, self.k] if self.k else [spec["observationDim"] + spec["actionDim"], *hidden, 1]
        self.online = [mlp(sizes) for _ in range(count)]
        self.target = [copy.deepcopy(n) for n in self.online]
        for t in self.target:
            t.requires_grad_(False)

    def params(self):
        return [p for n in self.online for p in n.parameters()]

    def all(self, obs, which="online"):
        return [net(obs) for net in (self.online if which == "online" else self.target)]

    def q(self, obs, actions, which="online"):
        nets = self.online if which == "online" else self.target
        if self.k:
            idx = actions.long().reshape(-1, 1)
            return [net(obs).gather(1, idx).squeeze(1) for net in nets]
        x = torch.cat([obs, actions], -1)
        return [net(x).squeeze(-1) for net in nets]

    def update_targets(self, tau):
        for t, o in zip(self.target, self.online):
            soft_update(t, o, tau)


def min_of(values):
    out = values[0]
    for v in values[1:]:
        out = torch.minimum(out, v)
    return out


def gaussian_log_prob(x, mean, log_std):
    z = (x - mean) / log_std.exp()
    return (-0.5 * (z.pow(2) + LOG_2PI) - log_std).sum(-1)


def sample_tanh_gaussian(mean, log_std):
    """sampleTanhGaussian (distributions.ts): a = tanh(u), u ~ N(mean, std^2) reparameterised, with its log-prob."""
    u = mean + log_std.exp() * torch.randn_like(mean)
    correction = (2 * (math.log(2) - u - F.softplus(-2 * u))).sum(-1)
    return torch.tanh(u), gaussian_log_prob(u, mean, log_std) - correction


def expectile_loss(u, tau):
    weight = (tau - (u < 0).float()).abs()
    return (weight * u.pow(2)).mean()


def batch_std(x):
    """mean over dimensions of the population std over the batch (tf.moments' variance)."""
    return x.var(-2, unbiased=False).sqrt().mean()


# ---- the algorithms ----


def bc(spec):
    """Behaviour cloning (src/core/algos/bc.ts; bc-filtered trains the same update on fewer rows): MSE of a tanh actor,
    or cross-entropy for discrete actions, with the lab's metrics."""
    discrete = spec["discreteActions"]
    actor = mlp([spec["observationDim"], *hidden_of(spec), discrete or spec["actionDim"]])
    params = list(actor.parameters())
    opt = torch.optim.Adam(params, lr=hp(spec, "lr"))
    b, norm = batch_of(spec), normalizer(spec)

    def update():
        obs = norm(b["obs"])
        if discrete:
            idx = b["actions"].long().squeeze(1)
            logits = actor(obs)
            loss = F.cross_entropy(logits, idx)
            g = minimize(opt, params, loss)
            with torch.no_grad():
                logits = logits.detach()
                logp = logits.log_softmax(-1)
                accuracy = (logits.argmax(1) == idx).float().mean()
                return torch.stack([loss.detach(), accuracy, -(logp.exp() * logp).sum(-1).mean(), g])
        actions = torch.tanh(actor(obs))
        loss = (actions - b["actions"]).pow(2).mean()
        g = minimize(opt, params, loss)
        return torch.stack([loss.detach(), batch_std(actions.detach()), g])

    return update


def td3bc(spec):
    """TD3+BC (src/core/algos/td3bc.ts): twin critics with targets and target policy smoothing every update; every
    `policyDelay`-th update lambda from a separate actor and Q1 pass, the actor step and the Polyak updates; the spread
    of the actor's actions (one more actor pass) every update."""
    hidden, obs_dim, act_dim = hidden_of(spec), spec["observationDim"], spec["actionDim"]
    alpha, tau, gamma = hp(spec, "alpha"), hp(spec, "tau"), hp(spec, "gamma")
    noise_std, noise_clip, delay = hp(spec, "policyNoise"), hp(spec, "noiseClip"), int(hp(spec, "policyDelay"))
    actor = mlp([obs_dim, *hidden, act_dim])
    actor_target = copy.deepcopy(actor).requires_grad_(False)
    critics = Critics(spec, hidden, 2)
    actor_params, critic_params = list(actor.parameters()), critics.params()
    actor_opt = torch.optim.Adam(actor_params, lr=hp(spec, "lr"))
    critic_opt = torch.optim.Adam(critic_params, lr=hp(spec, "lr"))
    b, norm = batch_of(spec), normalizer(spec)
    state = {"updates": 0, "actor_metrics": torch.zeros(5)}

    def pi(net, obs):
        return torch.tanh(net(obs))

    def update():
        obs, next_obs = norm(b["obs"]), norm(b["next_obs"])
        with torch.no_grad():
            noise = (torch.randn_like(b["actions"]) * noise_std).clamp(-noise_clip, noise_clip)
            next_actions = (pi(actor_target, next_obs) + noise).clamp(-1, 1)
            y = b["rewards"] + gamma * (1 - b["dones"]) * min_of(critics.q(next_obs, next_actions, "target"))
        qs = critics.q(obs, b["actions"])
        critic_loss = sum(F.mse_loss(q, y) for q in qs)
        critic_norm = minimize(critic_opt, critic_params, critic_loss)
        if state["updates"] % delay == 0:
            with torch.no_grad():
                lam = alpha / critics.q(obs, pi(actor, obs))[0].abs().mean()
            actions = pi(actor, obs)
            q_policy = critics.q(obs, actions)[0]
            bc_loss = F.mse_loss(actions, b["actions"])
            actor_loss = -lam * q_policy.mean() + bc_loss
            actor_norm = minimize(actor_opt, actor_params, actor_loss)
            state["actor_metrics"] = torch.stack([actor_loss.detach(), lam, bc_loss.detach(), q_policy.detach().mean(), actor_norm])
            critics.update_targets(tau)
            soft_update(actor_target, actor, tau)
        state["updates"] += 1
        with torch.no_grad():
            m = state["actor_metrics"]
            action_std = batch_std(pi(actor, obs))
            return torch.stack([critic_loss.detach(), m[0], m[1], m[2], qs[0].detach().mean(), b["mc_returns"].mean(), m[3], action_std, critic_norm, m[4]])

    return update


def awac(spec):
    """AWAC (src/core/algos/awac.ts), continuous: twin critics on a target V from one sampled action at s', then
    (with the updated critics) Q on the data and V from one sampled action at s, advantage weights clipped at 100,
    the weighted log-likelihood step of the Gaussian actor (unsquashed mean, state-independent log std)."""
    hidden, obs_dim, act_dim = hidden_of(spec), spec["observationDim"], spec["actionDim"]
    lam, tau, gamma = hp(spec, "lambda"), hp(spec, "tau"), hp(spec, "gamma")
    critics = Critics(spec, hidden, 2)
    actor = mlp([obs_dim, *hidden, act_dim])
    log_std = nn.Parameter(torch.zeros(1, act_dim))
    critic_params, actor_params = critics.params(), [*actor.parameters(), log_std]
    critic_opt = torch.optim.Adam(critic_params, lr=hp(spec, "lr"))
    actor_opt = torch.optim.Adam(actor_params, lr=hp(spec, "lr"))
    b, norm = batch_of(spec), normalizer(spec)

    def clipped_log_std():
        return log_std.clamp(-20, 2)

    def sample(mean):
        return (mean + clipped_log_std().exp() * torch.randn_like(mean)).clamp(-1, 1)

    def update():
        obs, next_obs = norm(b["obs"]), norm(b["next_obs"])
        with torch.no_grad():
            y = b["rewards"] + gamma * (1 - b["dones"]) * min_of(critics.q(next_obs, sample(actor(next_obs)), "target"))
        critic_loss = sum(F.mse_loss(q, y) for q in critics.q(obs, b["actions"]))
        critic_norm = minimize(critic_opt, critic_params, critic_loss)
        with torch.no_grad():
            q_data = min_of(critics.q(obs, b["actions"]))
            v = min_of(critics.q(obs, sample(actor(obs))))
            advantage = q_data - v
            weights = (advantage / lam).exp().clamp(max=EXP_ADV_MAX)
        out = actor(obs)
        actor_loss = -(weights * gaussian_log_prob(b["actions"], out, clipped_log_std())).mean()
        actor_norm = minimize(actor_opt, actor_params, actor_loss)
        critics.update_targets(tau)
        with torch.no_grad():
            ls = clipped_log_std()
            entropy = ls.sum(-1) + act_dim / 2 * (1 + LOG_2PI)
            clipped = (weights >= EXP_ADV_MAX).float().mean()
            return torch.stack([critic_loss.detach(), actor_loss.detach(), q_data.mean(), b["mc_returns"].mean(), v.mean(), advantage.mean(), weights.mean(), clipped, entropy.reshape(()), critic_norm, actor_norm])

    return update


def iql(spec):
    """IQL (src/core/algos/iql.ts), continuous: target Q on the data and V(s'), the expectile V step, the twin Q step,
    Polyak targets, the cosine-scheduled advantage-weighted actor step (tanh mean, state-independent log std), and Q
    at the policy's mean for the q_policy metric (one more twin-critic pass)."""
    hidden, obs_dim, act_dim = hidden_of(spec), spec["observationDim"], spec["actionDim"]
    expectile, beta, tau, gamma = hp(spec, "expectile"), hp(spec, "beta"), hp(spec, "tau"), hp(spec, "gamma")
    actor_lr, total = hp(spec, "actorLr"), int(hp(spec, "maxUpdates"))
    critics = Critics(spec, hidden, 2)
    value = mlp([obs_dim, *hidden, 1])
    actor = mlp([obs_dim, *hidden, act_dim])
    log_std = nn.Parameter(torch.zeros(*lead(), 1, act_dim))
    q_params, v_params, actor_params = critics.params(), list(value.parameters()), [*actor.parameters(), log_std]
    q_opt = torch.optim.Adam(q_params, lr=hp(spec, "lr"))
    v_opt = torch.optim.Adam(v_params, lr=hp(spec, "lr"))
    actor_opt = torch.optim.Adam(actor_params, lr=actor_lr)
    b, norm = batch_of(spec), normalizer(spec)
    state = {"updates": 0}

    def update():
        obs, next_obs = norm(b["obs"]), norm(b["next_obs"])
        with torch.no_grad():
            target_q = min_of(critics.q(obs, b["actions"], "target"))
            y = b["rewards"] + gamma * (1 - b["dones"]) * value(next_obs).squeeze(-1)
        advantage = target_q - value(obs).squeeze(-1)
        v_loss = expectile_loss(advantage, expectile)
        v_norm = minimize(v_opt, v_params, v_loss)
        advantage = advantage.detach()
        qs = critics.q(obs, b["actions"])
        q_loss = sum(F.mse_loss(q, y) for q in qs) / len(qs)
        q_norm = minimize(q_opt, q_params, q_loss)
        critics.update_targets(tau)
        lr = actor_lr * 0.5 * (1 + math.cos(math.pi * min(state["updates"], total) / max(1, total))) if hp(spec, "actorCosine") else actor_lr
        for g in actor_opt.param_groups:
            g["lr"] = lr
        weights = (advantage * beta).exp().clamp(max=EXP_ADV_MAX)
        out = torch.tanh(actor(obs))
        ls = log_std.clamp(-20, 2)
        actor_loss = -(weights * gaussian_log_prob(b["actions"], out, ls)).mean()
        actor_norm = minimize(actor_opt, actor_params, actor_loss)
        state["updates"] += 1
        with torch.no_grad():
            q_data = min_of([q.detach() for q in qs])
            q_policy = min_of(critics.q(obs, out.detach()))
            entropy = ls.sum(-1) + act_dim / 2 * (1 + LOG_2PI)
            return torch.stack([v_loss.detach(), q_loss.detach(), actor_loss.detach(), q_data.mean(), (target_q - advantage).mean(), q_policy.mean(), b["mc_returns"].mean(), (q_data - y).abs().mean(), advantage.mean(), weights.mean(), entropy.mean(), torch.tensor(lr), v_norm, q_norm, actor_norm])

    return update


def sac_family(spec, conservative):
    """Offline SAC (src/core/algos/sac.ts) and, with `conservative`, continuous CQL(H) on it (cqlContinuous.ts, cql.ts):
    a tanh-Gaussian actor (mean and log std heads, offset -1, clipped), twin critics with targets, log alpha. The soft
    target from one policy sample at s'; the critic step, for CQL with `sampledActions` uniform actions and as many
    policy samples at s and at s' per state (policy passes on batch * N rows, both critics on 3 * batch * N rows, with
    gradient) and the importance-sampled log-sum-exp; the Lagrange multiplier's step when on; the reparameterised actor
    step through both critics; the log-alpha step; Polyak targets."""
    hidden, obs_dim, A = hidden_of(spec), spec["observationDim"], spec["actionDim"]
    tau, gamma, backup = hp(spec, "tau"), hp(spec, "gamma"), hp(spec, "backupEntropy")
    target_entropy = -A
    critics = Critics(spec, hidden, 2)
    actor = mlp([obs_dim, *hidden, 2 * A])
    log_alpha = nn.Parameter(torch.zeros((*lead(), 1) if MEMBERS else ()))  # [K, 1] per member in a population
    critic_params, actor_params = critics.params(), list(actor.parameters())
    critic_opt = torch.optim.Adam(critic_params, lr=hp(spec, "lr"))
    actor_opt = torch.optim.Adam(actor_params, lr=hp(spec, "actorLr"))
    alpha_opt = torch.optim.Adam([log_alpha], lr=hp(spec, "actorLr"))
    if conservative:
        cql_alpha, lagrange, target_gap = hp(spec, "alpha"), hp(spec, "lagrange"), hp(spec, "targetGap")
        temperature, n = hp(spec, "temperature"), int(hp(spec, "sampledActions"))
        log_alpha_prime = nn.Parameter(torch.tensor(1.0))
        lagrange_opt = torch.optim.Adam([log_alpha_prime], lr=hp(spec, "lr"))
    b, norm = batch_of(spec), normalizer(spec)

    def policy(obs):
        out = actor(obs)
        mean, log_std = out[..., :A], (out[..., A:] - 1).clamp(-20, 2)
        return sample_tanh_gaussian(mean, log_std)

    def penalty(obs, next_obs, q_data):
        """The conservative term of cqlContinuous.ts; the proposal actions carry no gradient to the actor (the
        lab's critic step differentiates the critics only)."""
        B = obs.shape[0]
        obs_rep = obs.repeat_interleave(n, 0)
        with torch.no_grad():
            random = torch.rand(B * n, A) * 2 - 1
            cur_a, cur_lp = policy(obs_rep)
            nxt_a, nxt_lp = policy(next_obs.repeat_interleave(n, 0))
        actions = torch.cat([random, cur_a, nxt_a], 0)
        states = torch.cat([obs_rep, obs_rep, obs_rep], 0)
        gaps, q_random = [], []
        for q, qd in zip(critics.q(states, actions), q_data):
            q_rand, q_cur, q_next = [t.reshape(B, n) for t in q.split(B * n)]
            weighted = torch.cat([q_rand - A * math.log(0.5), q_next - nxt_lp.reshape(B, n), q_cur - cur_lp.reshape(B, n)], 1)
            gaps.append(((weighted / temperature).logsumexp(1) * temperature - qd).mean())
            q_random.append(q_rand.mean())
        gap = sum(gaps) / len(gaps)
        a_prime = log_alpha_prime.exp().clamp(0, 1e6).detach() if lagrange else torch.tensor(0.0)
        loss = a_prime * cql_alpha * sum(g - target_gap for g in gaps) if lagrange else cql_alpha * sum(gaps)
        return loss, [loss.detach(), gap.detach(), (sum(q_random) / len(q_random)).detach(), torch.tensor(float(cql_alpha)), a_prime]

    def update():
        obs, next_obs = norm(b["obs"]), norm(b["next_obs"])
        alpha = log_alpha.detach().exp()
        with torch.no_grad():
            next_a, next_lp = policy(next_obs)
            soft = min_of(critics.q(next_obs, next_a, "target"))
            if backup:
                soft = soft - alpha * next_lp
            y = b["rewards"] + gamma * (1 - b["dones"]) * soft
        qs = critics.q(obs, b["actions"])
        td = sum(F.mse_loss(q, y) for q in qs)
        reg_metrics = []
        loss = td
        if conservative:
            reg_loss, reg_metrics = penalty(obs, next_obs, qs)
            loss = td + reg_loss
        critic_norm = minimize(critic_opt, critic_params, loss)
        if conservative and lagrange:
            gap = reg_metrics[1]
            minimize(lagrange_opt, [log_alpha_prime], -(log_alpha_prime.exp().clamp(0, 1e6) * cql_alpha * (gap - target_gap)))
        action, log_prob = policy(obs)
        q_policy = min_of(critics.q(obs, action))
        actor_loss = (alpha * log_prob - q_policy).mean()
        actor_norm = minimize(actor_opt, actor_params, actor_loss)
        log_prob = log_prob.detach()
        alpha_loss = -(log_alpha * (log_prob + target_entropy)).mean()
        minimize(alpha_opt, [log_alpha], alpha_loss)
        critics.update_targets(tau)
        with torch.no_grad():
            q_data = min_of([q.detach() for q in qs])
            return torch.stack([td.detach(), *reg_metrics, actor_loss.detach(), alpha_loss.detach(), alpha.mean(), -log_prob.mean(), q_data.mean(), q_policy.detach().mean(), y.mean(), b["mc_returns"].mean(), (q_data - y).abs().mean(), critic_norm, actor_norm])

    return update


def dqn_family(spec, conservative):
    """Offline DQN (src/core/algos/dqn.ts) and, with `conservative`, discrete CQL(H) on it (cqlDiscrete.ts, cql.ts):
    the target from the target net at s' (argmax of the online net's Q(s', .) with double DQN), the Huber or squared
    TD step plus alpha * (log sum_a exp Q(s, a) - Q(s, a_data)), the target update every `targetPeriod` updates."""
    k = spec["discreteActions"]
    gamma, tau, period, loss_kind, double = hp(spec, "gamma"), hp(spec, "tau"), int(hp(spec, "targetPeriod")), hp(spec, "loss"), hp(spec, "double")
    alpha = hp(spec, "alpha") if conservative else 0.0
    critic = Critics(spec, hidden_of(spec), 1)
    params = critic.params()
    opt = torch.optim.Adam(params, lr=hp(spec, "lr"))
    b, norm = batch_of(spec), normalizer(spec)
    idx = b["actions"].long().reshape(-1, 1)
    state = {"updates": 0}

    def update():
        with torch.no_grad():
            next_target = critic.all(norm(b["next_obs"]), "target")[0]
            chooser = critic.all(norm(b["next_obs"]))[0] if double else next_target
            y = b["rewards"] + gamma * (1 - b["dones"]) * next_target.gather(1, chooser.argmax(1, keepdim=True)).squeeze(1)
        q_all = critic.all(norm(b["obs"]))[0]
        q_data = q_all.gather(1, idx).squeeze(1)
        td = F.mse_loss(q_data, y) if loss_kind == "mse" else F.huber_loss(q_data, y, delta=1.0)
        reg_metrics = []
        loss = td
        if conservative:
            gap = (q_all.logsumexp(1) - q_data).mean()
            reg = alpha * gap
            loss = td + reg
            reg_metrics = [reg.detach(), gap.detach(), torch.tensor(float(alpha))]
        g = minimize(opt, params, loss)
        state["updates"] += 1
        if state["updates"] % period == 0:
            critic.update_targets(tau)
        with torch.no_grad():
            q_all, q_data = q_all.detach(), q_data.detach()
            agreement = (q_all.argmax(1) == idx.squeeze(1)).float().mean()
            return torch.stack([td.detach(), *reg_metrics, q_data.mean(), q_all.max(1).values.mean(), y.mean(), b["mc_returns"].mean(), (q_data - y).abs().mean(), agreement, g])

    return update


class Block(nn.Module):
    """A pre-LayerNorm GPT block (src/core/algos/transformer.ts): causal self-attention with separate query, key and
    value projections and an output projection, a 4x GELU MLP, dropout on attention weights and both residual branches."""

    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.norm1, self.norm2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.query, self.key, self.value, self.out = (nn.Linear(dim, dim) for _ in range(4))
        self.fc1, self.fc2 = nn.Linear(dim, 4 * dim), nn.Linear(4 * dim, dim)

    def forward(self, x, mask, p):
        B, T, D = x.shape

        def split(y):
            return y.reshape(B, T, self.heads, D // self.heads).transpose(1, 2)

        h = self.norm1(x)
        q, k, v = split(self.query(h)), split(self.key(h)), split(self.value(h))
        scores = q @ k.transpose(-1, -2) / math.sqrt(D // self.heads) + mask
        att = F.dropout(scores.softmax(-1), p)
        y = (att @ v).transpose(1, 2).reshape(B, T, D)
        x = x + F.dropout(self.out(y), p)
        return x + F.dropout(self.fc2(F.gelu(self.fc1(self.norm2(x)))), p)


class DecisionTransformerNet(nn.Module):
    """DecisionTransformerModel (src/core/algos/decisionTransformer.ts): (R, s, a) tokens per step plus a timestep
    embedding, LayerNorm, dropout, the blocks, a final LayerNorm and a tanh action head on the state tokens."""

    def __init__(self, obs_dim, act_dim, dim, layers, heads, episode_length):
        super().__init__()
        self.episode_length = episode_length
        self.timestep = nn.Embedding(episode_length, dim)
        self.ret, self.state, self.action = nn.Linear(1, dim), nn.Linear(obs_dim, dim), nn.Linear(act_dim, dim)
        self.embedding_norm = nn.LayerNorm(dim)
        self.blocks = nn.ModuleList(Block(dim, heads) for _ in range(layers))
        self.output_norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, act_dim)
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, std=0.02)
            if isinstance(m, nn.Linear):
                nn.init.zeros_(m.bias)

    def forward(self, states, actions, returns, timesteps, mask, p, reward_scale):
        B, K, _ = states.shape
        time = self.timestep(timesteps.clamp(max=self.episode_length - 1))
        tokens = torch.stack([self.ret(returns * reward_scale) + time, self.state(states) + time, self.action(actions) + time], 2)
        x = F.dropout(self.embedding_norm(tokens.reshape(B, 3 * K, -1)), p)
        for block in self.blocks:
            x = block(x, mask, p)
        x = self.output_norm(x).reshape(B, K, 3, -1)[:, :, 1]
        return torch.tanh(self.head(x))


def dt(spec):
    """Decision Transformer (src/core/algos/decisionTransformer.ts, transformer.ts), continuous: the lab's default
    model and batch of windows (right-padded, masked in the loss), dropout while training, AdamW with weight decay on
    every weight, global-norm clipping and the linear warmup. The timestep embedding is nn.Embedding here; the lab
    computes the same rows as one-hot times the table (every tfjs backend has matMul's gradient)."""
    if spec["discreteActions"]:
        raise NotImplementedError("the bench runs the Decision Transformer on continuous actions")
    obs_dim, act_dim = spec["observationDim"], spec["actionDim"]
    B, K = int(hp(spec, "batchSize")), int(hp(spec, "contextLength"))
    p, lr, warmup, scale = hp(spec, "dropout"), hp(spec, "lr"), int(hp(spec, "warmup")), hp(spec, "rewardScale")
    net = DecisionTransformerNet(obs_dim, act_dim, int(hp(spec, "embedding")), int(hp(spec, "layers")), int(hp(spec, "heads")), int(hp(spec, "episodeLength")))
    params = list(net.parameters())
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=hp(spec, "weightDecay"))
    norm = normalizer(spec)
    # Windows as measure.ts's syntheticSequences: rows end 0, 1 or 2 steps early (mask 0, zeros).
    mask = torch.tensor([[1.0 if j < K - (i % 3) else 0.0 for j in range(K)] for i in range(B)])
    states = (torch.rand(B, K, obs_dim) * 2 - 1) * mask[..., None]
    actions = (torch.rand(B, K, act_dim) * 2 - 1) * mask[..., None]
    returns = torch.rand(B, K, 1) * 500 * mask[..., None]
    timesteps = (torch.randint(0, 200, (B, K)) * mask).long()
    causal = torch.triu(torch.full((3 * K, 3 * K), -1e9), diagonal=1)
    state = {"updates": 0}

    def update():
        rate = lr * min(1.0, (state["updates"] + 1) / max(1, warmup))
        for g in opt.param_groups:
            g["lr"] = rate
        state["updates"] += 1
        s = norm(states.reshape(B * K, obs_dim)).reshape(B, K, obs_dim)
        out = net(s, actions, returns, timesteps, causal, p, scale)
        count = mask.sum().clamp(min=1)
        loss = ((out - actions).pow(2).sum(-1) * mask).sum() / count / act_dim
        g = minimize(opt, params, loss, clip=hp(spec, "gradClip"))
        with torch.no_grad():
            out = out.detach()
            m = mask[..., None]
            mean = (out * m).sum((0, 1)) / count
            variance = ((out - mean).pow(2) * m).sum((0, 1)) / count
            return torch.stack([loss.detach(), variance.sqrt().mean(), torch.tensor(rate), g])

    return update


PEERS = {
    "bc": bc,
    "bc-filtered": bc,
    "td3bc": td3bc,
    "awac": awac,
    "iql": iql,
    "cql": lambda spec: sac_family(spec, conservative=True),
    "sac": lambda spec: sac_family(spec, conservative=False),
    "cql-discrete": lambda spec: dqn_family(spec, conservative=True),
    "dqn": lambda spec: dqn_family(spec, conservative=False),
    "dt": dt,
}


def sync():
    """Waits for the queued GPU work (CUDA runs asynchronously; the CPU needs nothing)."""
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.synchronize()


def measure(update, budget):
    """Updates per second: three warm-up updates, then as many as fit in `budget` seconds (at least three), until the
    device has finished them."""
    for _ in range(3):
        update()
    sync()
    count, start = 0, time.perf_counter()
    while count < 3 or time.perf_counter() - start < budget:
        update()
        count += 1
    sync()
    return count / (time.perf_counter() - start)


def use_device(device):
    """New tensors and parameters on `device` (the update code creates them without naming one)."""
    if device == "cpu":
        return
    if not torch.cuda.is_available():
        print(json.dumps({"error": f"torch.cuda is not available (torch {torch.__version__}, built for CUDA {torch.version.cuda})"}))
        raise SystemExit(1)
    if hasattr(torch, "set_default_device"):
        torch.set_default_device(device)
    else:
        torch.set_default_tensor_type(torch.cuda.FloatTensor)


def blas_library():
    """The BLAS torch's matrix products run on (Debian's torch links whichever libblas.so.3 the loader finds)."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.split()[-1]}
    return sorted(paths)[0] if paths else "unknown"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--budget", type=float, default=3.0)
    p.add_argument("--specs", required=True)
    p.add_argument("--threads", type=int, default=0, help="only this many threads (0: one thread, then every core)")
    p.add_argument("--device", default="cpu", help="cpu or cuda")
    p.add_argument("--members", default="", help="populations of these sizes (e.g. 1,8,64), each as one batched model (iql, td3bc, sac)")
    args = p.parse_args()
    use_device(args.device)
    # Every core the process may use (torch's own default here is 1: OpenMP reports one thread).
    all_threads = len(os.sched_getaffinity(0))
    thread_counts = [args.threads] if args.threads else sorted({1, all_threads})
    members = [int(k) for k in args.members.split(",")] if args.members else [None]
    global MEMBERS
    results = {}
    for spec in json.loads(args.specs):
        make = PEERS.get(spec["algorithmId"])
        if make is None:
            results[spec["algorithmId"]] = "no PyTorch peer written for this algorithm yet"
            continue
        rows = {}
        for k in members:
            MEMBERS = k
            row = {}
            for threads in [0] if args.device != "cpu" else thread_counts:
                if threads:
                    torch.set_num_threads(threads)
                torch.manual_seed(0)
                key = args.device if not threads else "threads_1" if threads == 1 else "threads_all"
                row[key] = measure(make(spec), args.budget)
            if args.device == "cpu":
                row.setdefault("threads_all", row["threads_1"] if "threads_1" in row else next(iter(row.values())))
            rows[f"K={k}"] = row
        results[spec["algorithmId"]] = rows if args.members else rows["K=None"]
    device = torch.cuda.get_device_name(0) if args.device != "cpu" else "cpu"
    print(json.dumps({"threads": all_threads, "torch": torch.__version__, "blas": blas_library(), "device": device, "results": results}))


if __name__ == "__main__":
    main()
