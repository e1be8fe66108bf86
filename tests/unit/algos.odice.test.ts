import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { diceLoss, fStar, odiceWeights, orthogonalGradient } from '../../src/core/algos/odice';
import { getAlgorithm } from '../../src/core/algos/registry';
import { Trainer } from '../../src/core/run/trainer';
import { agentAndTransitions, expectFlatTensorCount, lastMean, mean, offlineData, read, series, train, withAndWithoutChange } from './helpers/algoRuns';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

const pendulum = offlineData('Pendulum-v1', [{ policy: 'medium', weight: 1 }], 2000);
const cartpole = offlineData('CartPole-v1', [{ policy: 'medium', weight: 1 }], 2000);
const small = { hidden: '32,32', actorHidden: '32,32', batchSize: 32 };

describe('ODICE losses by hand', () => {
  it('f* of Pearson chi^2 (y + y^2/4 above -2, -1 below) and of reverse KL (exp(y - 1))', async () => {
    const y = tf.tensor1d([-3, -2, 0, 2]);
    expect(await read(fStar(y, 'pearson'))).toEqual([-1, -1, 0, 3].map((v) => expect.closeTo(v, 6)));
    expect(await read(fStar(y, 'reverse-kl'))).toEqual([-3, -2, 0, 2].map((v) => expect.closeTo(Math.exp(v - 1), 6)));
    y.dispose();
  });

  it('the DICE loss (1 - lambda) E[V(s)] + lambda E[f*(r + gamma (1 - done) V(s\') - V(s))] on two transitions', async () => {
    const [v, vNext, r, d] = [tf.tensor1d([1, 2]), tf.tensor1d([3, 0]), tf.tensor1d([0.5, 1]), tf.tensor1d([0, 1])];
    // residuals: 0.5 + 0.9 * 3 - 1 = 2.2 and 1 + 0 - 2 = -1 (done cuts V(s')); f*: 2.2 + 1.21 = 3.41 and -1 + 0.25 = -0.75
    // loss: 0.4 * mean(1, 2) + 0.6 * mean(3.41, -0.75) = 0.6 + 0.798
    expect((await read(diceLoss(v, vNext, r as tf.Tensor1D, d as tf.Tensor1D, 0.9, 0.6, 'pearson')))[0]).toBeCloseTo(1.398, 5);
    // Its gradient in V(s): (1 - lambda) / 2 - lambda f*'(residual) / 2, with f*'(y) = 1 + y / 2: 0.2 - 0.3 * 2.1 and 0.2 - 0.3 * 0.5
    const g = await read(tf.grad((x: tf.Tensor) => diceLoss(x, vNext, r as tf.Tensor1D, d as tf.Tensor1D, 0.9, 0.6, 'pearson'))(v));
    expect(g).toEqual([0.2 - 0.63, 0.2 - 0.15].map((x) => expect.closeTo(x, 5)));
    tf.dispose([v, vNext, r, d]);
  });

  it('policy weights: max(residual, 0) for Pearson and exp(residual - 1) for reverse KL, clipped at 100', async () => {
    const y = tf.tensor1d([-1, 0.5, 3, 200]);
    expect(await read(odiceWeights(y, 'pearson'))).toEqual([0, 0.5, 3, 100]);
    expect(await read(odiceWeights(y, 'reverse-kl'))).toEqual([Math.exp(-2), Math.exp(-0.5), Math.exp(2), 100].map((v) => expect.closeTo(v, 4)));
    y.dispose();
  });
});

describe('the orthogonal-gradient update by hand', () => {
  // Gradients split over two "variables" as a network's are: g_f = (1, 0 | 0), g_b = (-1, 1 | 1).
  const gf = () => [tf.tensor1d([1, 0]), tf.tensor1d([0])];
  const gb = () => [tf.tensor1d([-1, 1]), tf.tensor1d([1])];
  const flat = async (ts: tf.Tensor[]) => (await Promise.all(ts.map((t) => read(t)))).flat();

  it('removes the backward part along g_f: g = g_f + g_b - (<g_f, g_b> / |g_f|^2) g_f = (1, 1 | 1); the angle is acos(-1/sqrt 3)', async () => {
    const [f, b] = [gf(), gb()];
    const { combined, angle, coef } = orthogonalGradient(f, b);
    expect((await read(coef))[0]).toBeCloseTo(-1, 6);
    expect((await read(angle))[0]).toBeCloseTo((Math.acos(-1 / Math.sqrt(3)) * 180) / Math.PI, 3); // 125.26 degrees
    const g = await flat(combined);
    expect(g).toEqual([1, 1, 1].map((v) => expect.closeTo(v, 6)));
    // What was added to g_f is orthogonal to g_f.
    const added = g.map((x, i) => x - [1, 0, 0][i]);
    expect(added[0] * 1 + added[1] * 0 + added[2] * 0).toBeCloseTo(0, 6);
    tf.dispose([...f, ...b]);
  });

  it('on random vectors the added part is orthogonal to g_f, and the angle matches its cosine', async () => {
    const f = [tf.randomNormal([5, 3], 0, 1, 'float32', 1), tf.randomNormal([4], 0, 1, 'float32', 2)];
    const b = [tf.randomNormal([5, 3], 0, 1, 'float32', 3), tf.randomNormal([4], 0, 1, 'float32', 4)];
    const [fv, bv] = [await flat(f.map((t) => t.clone())), await flat(b.map((t) => t.clone()))];
    const { combined, angle } = orthogonalGradient(f, b);
    const g = await flat(combined);
    const dot = (x: number[], y: number[]) => x.reduce((s, xi, i) => s + xi * y[i], 0);
    expect(dot(g.map((x, i) => x - fv[i]), fv)).toBeCloseTo(0, 4);
    const cos = dot(fv, bv) / Math.sqrt(dot(fv, fv) * dot(bv, bv));
    expect((await read(angle))[0]).toBeCloseTo((Math.acos(cos) * 180) / Math.PI, 2);
    tf.dispose([...f, ...b]);
  });

  it("right angles and parallel vectors: 90 and 0 degrees; 'true' adds g_b whole, 'semi' keeps g_f; a zero g_f leaves g_b", async () => {
    const ortho = orthogonalGradient([tf.tensor1d([1, 0])], [tf.tensor1d([0, 2])]);
    expect((await read(ortho.angle))[0]).toBeCloseTo(90, 4);
    expect(await flat(ortho.combined)).toEqual([1, 2]);
    const parallel = orthogonalGradient([tf.tensor1d([1, 1])], [tf.tensor1d([3, 3])]);
    expect((await read(parallel.angle))[0]).toBeLessThan(0.5); // acos near 1 is ill-conditioned in float32
    expect(await flat(parallel.combined)).toEqual([1, 1].map((v) => expect.closeTo(v, 5)));
    expect(await flat(orthogonalGradient(gf(), gb(), 'true').combined)).toEqual([0, 1, 1]);
    expect(await flat(orthogonalGradient(gf(), gb(), 'semi').combined)).toEqual([1, 0, 0]);
    expect(await flat(orthogonalGradient([tf.zeros([2])], [tf.tensor1d([3, -1])]).combined)).toEqual([3, -1]);
  });
});

describe('ODICE update', () => {
  for (const discrete of [2, null]) {
    it(`reports V and the batch return from before its step, and the angle and coefficient agree (${discrete ? 'discrete' : 'continuous'})`, async () => {
      const spec = { algorithmId: 'odice', observationDim: 3, actionDim: 1, discreteActions: discrete, hyperparameters: small };
      const { agent, batch } = agentAndTransitions(spec);
      try {
        const v = mean(await read(agent.stateValue!(batch.observations)));
        const m = await read(agent.update(batch));
        const at = (name: string) => m[agent.metricNames.indexOf(name)];
        expect(at('v_data')).toBeCloseTo(v, 5);
        expect(at('mc_return')).toBeCloseTo(mean(Array.from(await batch.mcReturns.data())), 5);
        // <g_f, g_b> / |g_f|^2 = cos(angle) |g_b| / |g_f|
        const angle = at('grad_angle');
        expect(angle).toBeGreaterThanOrEqual(0);
        expect(angle).toBeLessThanOrEqual(180);
        expect(at('parallel_coef')).toBeCloseTo((Math.cos((angle * Math.PI) / 180) * at('backward_grad_norm')) / at('forward_grad_norm'), 3);
        expect(at('ratio_zero')).toBeGreaterThanOrEqual(0);
        expect(at('ratio_max')).toBeLessThanOrEqual(100);
        expect(mean(await read(agent.stateValue!(batch.observations)))).not.toBeCloseTo(v, 6);
      } finally {
        agent.dispose();
        tf.dispose(Object.values(batch));
      }
    });
  }

  it('eta 0 switches the backward gradient off: its loss and norm are 0 while the forward one is not', async () => {
    const spec = { algorithmId: 'odice', observationDim: 3, actionDim: 1, discreteActions: null, hyperparameters: { ...small, eta: 0 } };
    const { agent, batch } = agentAndTransitions(spec);
    try {
      const m = await read(agent.update(batch));
      const at = (name: string) => m[agent.metricNames.indexOf(name)];
      expect(at('backward_loss')).toBe(0);
      expect(at('backward_grad_norm')).toBe(0);
      expect(at('forward_grad_norm')).toBeGreaterThan(0);
    } finally {
      agent.dispose();
      tf.dispose(Object.values(batch));
    }
  });

  it('rewardScale multiplies the rewards in the residual: at the first update (same seed, same batch) the mean residual moves by (scale - 1) mean(r)', async () => {
    const run = async (rewardScale: number) => {
      const spec = { algorithmId: 'odice', observationDim: 3, actionDim: 1, discreteActions: null, hyperparameters: { ...small, rewardScale } };
      const { agent, batch } = agentAndTransitions(spec);
      try {
        const m = await read(agent.update(batch));
        return { residual: m[agent.metricNames.indexOf('residual')], r: mean(Array.from(await batch.rewards.data())) };
      } finally {
        agent.dispose();
        tf.dispose(Object.values(batch));
      }
    };
    const [one, three] = [await run(1), await run(3)];
    expect(three.r).toBeCloseTo(one.r, 6);
    expect(Math.abs(one.r)).toBeGreaterThan(1e-3); // so that a missing scale (difference 0) fails below
    expect(three.residual - one.residual).toBeCloseTo(2 * one.r, 4);
  });

  it('saves and loads every network: a fresh agent gives the same V and actions', async () => {
    const spec = { algorithmId: 'odice', observationDim: 3, actionDim: 1, discreteActions: null, hyperparameters: small };
    const first = agentAndTransitions(spec, 1);
    const answers = async (agent: typeof first.agent) => [await read(agent.stateValue!(first.batch.observations)), await read(agent.act(first.batch.observations, 'greedy'))];
    for (let i = 0; i < 3; i++) first.agent.update(first.batch).dispose();
    const checkpoint = await first.agent.save();
    const want = await answers(first.agent);
    first.agent.dispose();
    expect(Object.keys(checkpoint.weights)).toEqual(expect.arrayContaining(['odice/v1/w0', 'odice/v2_target/b2', 'odice/actor/w2', 'odice/actor_log_std']));
    const second = agentAndTransitions(spec, 99);
    try {
      const before = await answers(second.agent);
      second.agent.load(checkpoint);
      expect(await answers(second.agent)).toEqual(want);
      expect(before).not.toEqual(want);
    } finally {
      second.agent.dispose();
      tf.dispose([...Object.values(first.batch), ...Object.values(second.batch)]);
    }
  });

  it('keeps the tensor count flat over 50 updates (continuous; discrete over 30: a leak would show in every update)', async () => {
    await expectFlatTensorCount(pendulum, 'odice', { actorHidden: '32,32' }, 50);
    await expectFlatTensorCount(cartpole, 'odice', { actorHidden: '32,32' }, 30);
  });

  it('applies a live eta change at the next update and records it: the backward loss is 0 from then on, the forward loss unchanged at first', async () => {
    const { events, withChange, without } = await withAndWithoutChange(cartpole, 'odice', { actorHidden: '32,32' }, { eta: 0 });
    expect(events).toEqual([{ update: 10, key: 'eta', label: 'eta (backward weight)', from: 1, to: 0 }]);
    expect(series(withChange, 'backward_loss')).toEqual([0, 0, 0, 0, 0]);
    expect(series(without, 'backward_loss')[0]).not.toBe(0);
    // eta does not enter the forward residual: the first update after the change sees the same forward loss.
    expect(series(withChange, 'forward_loss')[0]).toBe(series(without, 'forward_loss')[0]);
    expect(series(withChange, 'v_grad_norm')[0]).not.toBe(series(without, 'v_grad_norm')[0]);
  });

  it('schema: every control and metric explained, charts draw metrics that exist, the discount fixed', () => {
    const algo = getAlgorithm('odice');
    for (const p of algo.hyperparameters) expect(p.help.length, p.key).toBeGreaterThan(20);
    expect(algo.hyperparameters.find((p) => p.key === 'gamma')?.live).toBe(false);
    const defaults = Object.fromEntries(algo.hyperparameters.map((p) => [p.key, p.default]));
    expect(defaults).toMatchObject({ lambda: 0.6, eta: 1, gradientRule: 'orthogonal', fDivergence: 'pearson', lr: 2e-4, actorLr: 2e-4, weightDecay: 1e-4, tau: 0.005, twinV: true, gamma: 0.99, batchSize: 256 });
    const { agent, batch } = agentAndTransitions({ algorithmId: 'odice', observationDim: 3, actionDim: 1, discreteActions: null, hyperparameters: small });
    try {
      for (const name of agent.metricNames) expect(algo.metricHelp[name], name).toBeTruthy();
      for (const chart of algo.charts ?? []) for (const name of chart.metrics) expect(agent.metricNames, chart.title).toContain(name);
    } finally {
      agent.dispose();
      tf.dispose(Object.values(batch));
    }
  });
});

describe('ODICE on CartPole mixed data (half random, half expert)', () => {
  // The paper (Sec. 3, Fig. 1) shows the forward and backward gradients of the DICE value loss conflict, so the true
  // gradient cancels the forward one; ODICE keeps the forward gradient and adds only the orthogonal backward part. It
  // claims (Tables 1-2) that this beats action-constrained methods and BC on D4RL after 1M updates. At a test-sized
  // budget that effect did not appear here (measured, 32x32 nets, batch 128, lr 1e-3, one V net, 5,000 transitions,
  // mean return of 5 episodes after 1,000 updates): CartPole BC 371 / 324 (seeds 1 / 2), ODICE 12 / 22; Pendulum (same
  // mix) BC -861 / -1250, ODICE -1557 / -1835. Re-measured after checking odice.ts against the official code
  // (maoliyuan/ODICE-Pytorch, odice.py orthogonal_true_g_update and main_odice_rl.py): the weights are the same
  // (f_prime_inverse = max(forward residual, 0) for Pearson, exp(residual - 1) for reverse KL, clamp_max 100, from the
  // forward residual r + gamma (1 - done) V_target(s') - V(s) over both twin heads), lambda 0.6 and eta 1 are the
  // script's defaults, and the script rescales rewards only for D4RL halfcheetah/hopper/walker2d (times 1000 /
  // (max - min return)) and AntMaze (0 / -3), not for data like this. With the new rewardScale option, seed 1 / 2,
  // 1,000 updates, same settings: CartPole ODICE scale 1: 12 / 24, scale 10: 10 / 10, scale 100: 39 / 10 (BC 500 / 355
  // on this run); Pendulum ODICE scale 1: -1728 / -1676, 10: -1742 / -1626, 100: -1699 / -1738 (BC -1253 / -1029).
  // CartPole seed 1, last 100 updates: scale 1 residual -0.73, weights 0 on 99.6% of rows; scale 10 -1.26, 96.9%;
  // scale 100 -3.66, 11% zero but V (361) still far below the scaled returns (~4650), so the positive residuals mark
  // states V has not caught up with, not better actions. With lambda 0.6 the stationary residual of the forward loss is
  // -2/3 whatever the reward scale; on CartPole (reward 1 every step, nearly identical next states for both actions)
  // the residual's spread across actions is far below 2/3, so every policy weight max(residual, 0) is 0 while V,
  // dragged by a target net at tau 0.005, is still climbing towards the returns: the policy barely trains. What does
  // hold at this budget, and is asserted: the two gradients conflict (angle far above 90 degrees) and V reaches the
  // DICE stationary point of the forward loss.
  const data = offlineData('CartPole-v1', [{ policy: 'random', weight: 0.5 }, { policy: 'expert', weight: 0.5 }], 5000);

  it('the forward and backward gradients point almost opposite ways, and the residual settles at 2 ((1 - lambda) / lambda - 1)', async () => {
    const t = new Trainer({ dataset: data, algorithmId: 'odice', hyperparameters: { hidden: '32,32', actorHidden: '32,32', batchSize: 64, lr: 1e-3, actorLr: 1e-3, twinV: false, seed: 1 } });
    try {
      const m = await train(t, 300);
      const angles = series(m, 'grad_angle');
      console.log('ODICE CartPole mixed: mean angle', mean(angles).toFixed(1), 'residual (last 100)', lastMean(m, 'residual', 100).toFixed(3), 'V', series(m, 'v_data')[0].toFixed(2), '->', lastMean(m, 'v_data', 10).toFixed(2), 'ratio zero (last 100)', lastMean(m, 'ratio_zero', 100).toFixed(3));
      // Measured (seed 1): mean angle 178.5 degrees, residual -0.639, V 0.02 -> 2.95, every policy weight 0 in the last 100; a backward gradient taken through the wrong state would not sit near 180.
      expect(mean(angles)).toBeGreaterThan(150);
      // d/dV(s) of (1 - lambda) V(s) + lambda f*(y) is (1 - lambda) - lambda (1 + y / 2): zero at y = -2/3 for lambda 0.6.
      expect(Math.abs(lastMean(m, 'residual', 100) + 2 / 3)).toBeLessThan(0.1);
      // V climbed from its initial ~0 (it is still far below the data's returns, ~47, at this budget).
      expect(lastMean(m, 'v_data', 10)).toBeGreaterThan(series(m, 'v_data')[0] + 1);
    } finally {
      t.dispose();
    }
  });
});
