// Offline DQN for a population of K members written in jax-js (`@jax-js/jax`): one member's update as a plain function,
// `vmap` over the members axis, `valueAndGrad` for the TD loss, `jit` over the whole step. The same update as the lab's
// src/core/population/dqn.ts with its defaults (Mnih et al., Nature 2015): y = r + gamma (1 - done) Q_target(s', argmax
// Q_target(s', .)), Huber TD loss (delta 1) averaged over the member's batch, Adam (PyTorch's bias correction, as
// population/memberAdam.ts) with a learning rate per member, Polyak target update with tau per member every update,
// observations standardised, and the same 8 metrics per member. For bench/jaxjs.bench.ts only.
import { defaultDevice, init, jit, nn, numpy as np, tree, valueAndGrad, vmap } from '@jax-js/jax';
import { initialLayers } from '../src/core/algos/nets';
import { Rng } from '../src/core/rng';

type Arr = np.Array;
/** An MLP as [w0, b0, w1, b1, ...] (w [in, out], b [out]). */
type Net = Arr[];
type State = { online: Net; target: Net; m: Net; v: Net };
type Batch = { observations: Arr; actions: Arr; rewards: Arr; nextObservations: Arr; dones: Arr; mcReturns: Arr };
type Shared = { mean: Arr; std: Arr; stepScale: Arr; sqrtBc2: Arr };

const [B1, B2, EPS] = [0.9, 0.999, 1e-8];

/** jax-js's wasm device, on one thread in Node (its thread pool needs a global Worker, which Node 20 has not). */
export async function startJaxWasm(): Promise<void> {
  // jax-js reads navigator.userAgent when it generates kernels; Node 20 has no navigator.
  (globalThis as { navigator?: unknown }).navigator ??= { userAgent: 'node' };
  const devices = await init('wasm');
  if (!devices.includes('wasm')) throw new Error(`jax-js: no wasm device here (devices: ${devices.join(', ')})`);
  defaultDevice('wasm');
}

/** Consumes `p`: relu hidden layers, linear output. */
function mlp(p: Net, x: Arr): Arr {
  let h = x;
  const layers = p.length / 2;
  for (let l = 0; l < layers; l++) {
    const z = np.matmul(h, p[2 * l]).add(p[2 * l + 1]);
    h = l === layers - 1 ? z : nn.relu(z);
  }
  return h;
}

/** q[b, a_b] for an int32 index per row, as losses.ts's pickActions (a one-hot product). */
const pick = (q: Arr, idx: Arr, n: number): Arr => np.sum(q.mul(nn.oneHot(idx, n)), -1);

/** One member's update (shapes without the members axis). Every argument is consumed. */
function memberStep(gamma: number, n: number) {
  return (s: State, lr: Arr, tau: Arr, batch: Batch, shared: Shared): { state: State; metrics: Arr } => {
    const { mean, std, stepScale, sqrtBc2 } = shared;
    const normalize = (x: Arr) => x.sub(mean.ref).div(std.ref);
    const obs = normalize(batch.observations);
    const nextTarget = mlp(tree.ref(s.target), normalize(batch.nextObservations));
    mean.dispose();
    std.dispose();
    const notDone = np.subtract(1, batch.dones).mul(gamma);
    const y = batch.rewards.add(notDone.mul(pick(nextTarget.ref, np.argmax(nextTarget, -1), n)));
    const idx = batch.actions;

    const tdLoss = (online: Net): [Arr, [Arr, Arr]] => {
      const qAll = mlp(online, obs.ref);
      const qData = pick(qAll.ref, idx.ref, n);
      const err = np.abs(qData.ref.sub(y.ref));
      const quad = np.minimum(err.ref, 1); // Huber, delta 1: 0.5 min(|e|, 1)^2 + (|e| - min(|e|, 1)), as tf.losses.huberLoss
      return [np.mean(quad.ref.mul(quad.ref).mul(0.5).add(err.sub(quad))), [qAll, qData]];
    };
    const [[loss, [qAll, qData]], grads] = valueAndGrad(tdLoss, { hasAux: true })(tree.ref(s.online));
    obs.dispose();

    const gradNorm = np.sqrt(grads.map((g) => np.sum(np.square(g.ref))).reduce((a, b) => a.add(b)));
    // Adam: m <- b1 m + (1 - b1) g; v <- b2 v + (1 - b2) g^2; x <- x - lr / bc1 * m / (sqrt(v) / sqrt(bc2) + eps).
    const m = s.m.map((mi, i) => mi.mul(B1).add(grads[i].ref.mul(1 - B1)));
    const v = s.v.map((vi, i) => vi.mul(B2).add(np.square(grads[i]).mul(1 - B2)));
    const step = lr.ref.mul(stepScale);
    const online = s.online.map((x, i) => x.sub(m[i].ref.div(np.sqrt(v[i].ref).div(sqrtBc2.ref).add(EPS)).mul(step.ref)));
    step.dispose();
    sqrtBc2.dispose();
    lr.dispose();
    // target <- tau online + (1 - tau) target (target period 1, the default).
    const target = s.target.map((t, i) => online[i].ref.mul(tau.ref).add(t.mul(np.subtract(1, tau.ref))));
    tau.dispose();

    const agreement = np.mean(np.equal(np.argmax(qAll.ref, -1), idx).astype(np.float32));
    const metrics = np.stack([
      loss,
      np.mean(qData.ref),
      np.mean(np.max(qAll, -1)),
      np.mean(y.ref),
      np.mean(batch.mcReturns),
      np.mean(np.abs(qData.sub(y))),
      agreement,
      gradNorm,
    ]);
    return { state: { online, target, m, v }, metrics };
  };
}

/** Per member hyperparameters (`lr`, `tau` and the shared `gamma`), arrays of K rows on the host. */
export interface JaxDqnSettings {
  observationDim: number;
  numActions: number;
  hidden: number[];
  gamma: number;
  lr: number[];
  tau: number[];
  /** Per member, [K, B, ...] flattened: observations, actions (indices), rewards, next observations, dones, returns. */
  batch: { observations: Float32Array; actions: Float32Array; rewards: Float32Array; nextObservations: Float32Array; dones: Float32Array; mcReturns: Float32Array };
  batchSize: number;
}

/**
 * A K-member population on a fixed batch. Member k starts from initialLayers with Rng(k), the draws the lab's
 * BatchedCritics makes for member k of bench/populationSubjects.ts's population (mean 0, std 1 + 1e-3 normaliser).
 * `vmap`: one step of the stacked members ([K, ...] arrays) as jit(vmap(member step)); `unrolled`: the K member steps
 * written one after another inside one jit (each member's own 2-d products), to tell vmap's batched kernels apart.
 */
export function jaxDqnPopulation(K: number, s: JaxDqnSettings, mode: 'vmap' | 'unrolled' = 'vmap') {
  const sizes = [s.observationDim, ...s.hidden, s.numActions];
  const B = s.batchSize;
  const d = s.observationDim;
  const members = Array.from({ length: K }, (_, k) => {
    const online: Net = initialLayers(sizes, new Rng(k)).flatMap((layer, l) => [np.array(layer.w).reshape([sizes[l], sizes[l + 1]]), np.array(layer.b)]);
    const rows = (x: Float32Array, width: number) => x.subarray(k * B * width, (k + 1) * B * width);
    const state: State = { online, target: online.map((x) => x.ref), m: online.map((x) => np.zerosLike(x.ref)), v: online.map((x) => np.zerosLike(x.ref)) };
    const batch: Batch = {
      observations: np.array(rows(s.batch.observations, d).slice()).reshape([B, d]),
      actions: np.array(Int32Array.from(rows(s.batch.actions, 1)), { dtype: np.int32 }),
      rewards: np.array(rows(s.batch.rewards, 1).slice()),
      nextObservations: np.array(rows(s.batch.nextObservations, d).slice()).reshape([B, d]),
      dones: np.array(rows(s.batch.dones, 1).slice()),
      mcReturns: np.array(rows(s.batch.mcReturns, 1).slice()),
    };
    return { state, batch, lr: np.array(s.lr[k]), tau: np.array(s.tau[k]) };
  });
  const mean = np.zeros([d]);
  const std = np.full([d], 1 + 1e-3);
  const memberUpdate = memberStep(s.gamma, s.numActions);
  /** What stays on the device between updates, stacked ([K, ...], vmap) or as a list of members (unrolled). */
  type Held = { state: State; batch: Batch; lr: Arr; tau: Arr };
  const stack = (...xs: Arr[]) => np.stack(xs);
  const stackTrees = <T extends State | Batch>(trees: T[]): T => tree.map(stack, ...(trees as [T, ...T[]])) as T;
  const held: Held | Held[] =
    mode === 'vmap'
      ? { state: stackTrees(members.map((m) => m.state)), batch: stackTrees(members.map((m) => m.batch)), lr: stack(...members.map((m) => m.lr)), tau: stack(...members.map((m) => m.tau)) }
      : members;
  const batched = vmap(memberUpdate, [0, 0, 0, 0, null]);
  // The state goes in and the new state comes out; batch, lr and tau go in as new references and stay held.
  const step = jit((states: State | State[], fixed: Omit<Held, 'state'> | Omit<Held, 'state'>[], shared: Shared) => {
    if (!Array.isArray(states)) {
      const f = fixed as Omit<Held, 'state'>;
      return batched(states, f.lr, f.tau, f.batch, shared);
    }
    const fs = fixed as Omit<Held, 'state'>[];
    const outs = states.map((st, k) => memberUpdate(st, fs[k].lr, fs[k].tau, fs[k].batch, k === states.length - 1 ? shared : tree.ref(shared)));
    return { state: outs.map((o) => o.state), metrics: np.stack(outs.map((o) => o.metrics)) };
  });
  let states: State | State[] = Array.isArray(held) ? held.map((m) => m.state) : held.state;
  const kept = Array.isArray(held) ? held.map(({ batch, lr, tau }) => ({ batch, lr, tau })) : { batch: held.batch, lr: held.lr, tau: held.tau };
  const fixed = () => tree.ref(kept);
  let t = 0;
  return {
    /** One update of every member; returns the metrics [K, 8] (the lab's metric order), not yet read. */
    update(): Arr {
      t += 1;
      const shared: Shared = { mean: mean.ref, std: std.ref, stepScale: np.array(1 / (1 - B1 ** t)), sqrtBc2: np.array(Math.sqrt(1 - B2 ** t)) };
      const out = step(states, fixed(), shared) as { state: State | State[]; metrics: Arr };
      states = out.state;
      return out.metrics;
    },
    dispose(): void {
      tree.dispose([states, kept, mean, std] as never);
      step.dispose();
    },
  };
}
