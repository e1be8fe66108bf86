import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { calibratedLowerBound } from '../../src/core/algos/calQl';
import { duelingQ, epsilonAt } from '../../src/core/algos/dqnOnline';
import { normalizeAdvantages, ppoClipLoss, ppoValueLoss } from '../../src/core/algos/ppo';
import { offlineShareAt } from '../../src/core/run/replaySource';
import { ReplayBuffer } from '../../src/core/run/replayBuffer';
import { generalizedAdvantages } from '../../src/core/run/rolloutRecord';
import { agentForSpec } from '../../src/core/run/measure';
import { Rng } from '../../src/core/rng';
import { read } from './helpers/algoRuns';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

describe('PPO losses by hand', () => {
  it('clipped surrogate: max(-A r, -A clip(r, 1 - eps, 1 + eps)) averaged', async () => {
    // r = e^0.5 = 1.6487 (A > 0: clipped at 1.2), r = e^-0.5 = 0.6065 (A < 0: clipped at 0.8), r = 1.1 inside.
    const logp = tf.tensor1d([0.5, -0.5, Math.log(1.1)]);
    const old = tf.tensor1d([0, 0, 0]);
    const adv = tf.tensor1d([2, -1, 3]);
    const [loss] = await read(ppoClipLoss(logp, old, adv, 0.2));
    const hand = (-2 * 1.2 + Math.max(1 * Math.exp(-0.5), 1 * 0.8) + -3 * 1.1) / 3;
    expect(loss).toBeCloseTo(hand, 5);
    // A > 0 and r below 1 - eps: the unclipped (pessimistic) term wins.
    const [low] = await read(ppoClipLoss(tf.tensor1d([-1]), tf.tensor1d([0]), tf.tensor1d([1]), 0.2));
    expect(low).toBeCloseTo(-Math.exp(-1), 5);
  });

  it('value loss: plain mean square, or the larger of clipped and unclipped', async () => {
    const v = () => tf.tensor1d([2, 0]);
    const old = () => tf.tensor1d([1, 0]);
    const ret = () => tf.tensor1d([0, 1]);
    expect((await read(ppoValueLoss(v(), old(), ret(), null)))[0]).toBeCloseTo((4 + 1) / 2, 6);
    // Row 0: clipped V = 1 + clip(1, -0.2, 0.2) = 1.2: max(4, 1.44) = 4. Row 1: clipped = 0: max(1, 1) = 1.
    expect((await read(ppoValueLoss(v(), old(), ret(), 0.2)))[0]).toBeCloseTo((4 + 1) / 2, 6);
    // Clipping bites when V moved towards the return past the clip: V 3.5, V_old 3, R 4: clipped 3.2, max(0.25, 0.64).
    expect((await read(ppoValueLoss(tf.tensor1d([3.5]), tf.tensor1d([3]), tf.tensor1d([4]), 0.2)))[0]).toBeCloseTo(0.64, 5);
    expect((await read(ppoValueLoss(tf.tensor1d([3.5]), tf.tensor1d([3]), tf.tensor1d([4]), null)))[0]).toBeCloseTo(0.25, 5);
  });

  it('advantages are standardised with the sample std', async () => {
    const a = await read(normalizeAdvantages(tf.tensor1d([1, 2, 3])));
    expect(a[0]).toBeCloseTo(-1, 5);
    expect(a[1]).toBeCloseTo(0, 5);
    expect(a[2]).toBeCloseTo(1, 5);
  });
});

describe('GAE by hand', () => {
  it('sums (gamma lambda)^l delta and stops at an episode end', () => {
    // One copy, T = 3; the episode ends at t = 1, so t = 0..1 never see V after the end.
    const rewards = Float32Array.from([1, 2, 3]);
    const values = Float32Array.from([0.5, 1, 2]);
    const ended = Uint8Array.from([0, 1, 0]);
    const last = Float32Array.from([4]);
    const [g, l] = [0.9, 0.8];
    const { advantages, returns } = generalizedAdvantages(rewards, values, ended, last, 1, g, l);
    const d2 = 3 + g * 4 - 2;
    const d1 = 2 - 1; // ended: no bootstrap
    const d0 = 1 + g * 1 - 0.5;
    expect(advantages[2]).toBeCloseTo(d2, 5);
    expect(advantages[1]).toBeCloseTo(d1, 5);
    expect(advantages[0]).toBeCloseTo(d0 + g * l * d1, 5);
    expect(returns[0]).toBeCloseTo(d0 + g * l * d1 + 0.5, 5);
  });

  it('keeps the copies of a vector env apart (rows are time, columns copies)', () => {
    // Two copies, T = 2: copy 0 rewards 1, 1; copy 1 rewards 0, 10. V = 0 everywhere, last V = 0, lambda 1.
    const { advantages } = generalizedAdvantages(Float32Array.from([1, 0, 1, 10]), new Float32Array(4), new Uint8Array(4), new Float32Array(2), 2, 0.5, 1);
    expect(Array.from(advantages)).toEqual([1 + 0.5 * 1, 0 + 0.5 * 10, 1, 10]);
  });
});

describe('DQN pieces by hand', () => {
  it('dueling aggregation Q = V + A - mean A (Wang et al. eq. 9)', async () => {
    const q = await read(duelingQ(tf.tensor2d([[10, 1, 2, 3]])));
    expect(q).toEqual([9, 10, 11]);
  });

  it('epsilon falls linearly from start to end, then stays', () => {
    expect(epsilonAt(0, 1, 0.1, 1000)).toBe(1);
    expect(epsilonAt(500, 1, 0.1, 1000)).toBeCloseTo(0.55, 10);
    expect(epsilonAt(5000, 1, 0.1, 1000)).toBeCloseTo(0.1, 10);
    expect(epsilonAt(10, 1, 0.1, 0)).toBe(0.1);
  });
});

describe('SAC temperature loss by hand', () => {
  it('J(alpha) = -log alpha (log pi + target entropy), target entropy -|A|, at the alpha used in the update', async () => {
    const spec = { algorithmId: 'sac-online', observationDim: 3, actionDim: 2, discreteActions: null, hyperparameters: { hidden: '32,32', batchSize: 16 } };
    const { agent, batch } = agentForSpec(spec, 3);
    const ck = await agent.save();
    const logAlpha = 0.7;
    const key = Object.keys(ck.weights).find((k) => k.includes('log_alpha'))!;
    ck.weights[key] = { shape: [], values: Float32Array.from([logAlpha]) };
    agent.load(ck);
    const values = await read(agent.update(batch as never));
    const m = (name: string) => values[agent.metricNames.indexOf(name)];
    expect(m('entropy_alpha')).toBeCloseTo(Math.exp(logAlpha), 5);
    // entropy = -mean log pi, so J = -logAlpha (-entropy + (-2)).
    expect(m('alpha_loss')).toBeCloseTo(-logAlpha * (-m('entropy') - 2), 4);
    agent.dispose();
    tf.dispose(Object.values(batch));
  });
});

describe('Cal-QL by hand', () => {
  it('lifts each sampled-action Q to at least its state\'s return-to-go (Nakamoto et al. eq. 5.1)', async () => {
    const q = tf.tensor2d([[1, 5], [-3, -1]]);
    expect(await read(calibratedLowerBound(q, tf.tensor1d([2, -2])))).toEqual([2, 5, -2, -1]);
  });

  it('the agent reports the share of policy-action Q values the bound lifted, and a bound far below Q lifts none', async () => {
    const spec = { algorithmId: 'cal-ql', observationDim: 3, actionDim: 2, discreteActions: null, hyperparameters: { hidden: '32,32', batchSize: 16, sampledActions: 2 } };
    const rate = async (mc: number) => {
      const { agent, batch } = agentForSpec(spec, 4);
      const b = batch as { mcReturns: tf.Tensor1D };
      b.mcReturns.dispose();
      b.mcReturns = tf.fill([16], mc) as tf.Tensor1D;
      const values = await read(agent.update(batch as never));
      agent.dispose();
      tf.dispose(Object.values(batch));
      return values[agent.metricNames.indexOf('bound_rate')];
    };
    expect(await rate(-1e6)).toBe(0);
    expect(await rate(1e6)).toBe(1);
  });
});

describe('replay buffer and offline share', () => {
  it('backfills discounted returns when an episode ends, and overwrites the oldest rows', async () => {
    const b = new ReplayBuffer(3, 1, 1, 0.5);
    b.add(0, [0], [0], 1, [1], false, false);
    b.add(0, [1], [1], 2, [2], true, true);
    expect(Array.from(b.mcReturns.slice(0, 2))).toEqual([1 + 0.5 * 2, 2]);
    b.add(1, [5], [0], 4, [6], false, false);
    expect(b.mcReturns[2]).toBe(0); // still open
    b.add(1, [6], [0], 8, [7], false, true); // wraps onto row 0
    expect(b.size).toBe(3);
    expect(b.observations[0]).toBe(6);
    expect(b.mcReturns[0]).toBe(8);
    expect(b.mcReturns[2]).toBe(4 + 0.5 * 8);
    const batch = b.sample(5, new Rng(1));
    expect(batch.observations.shape).toEqual([5, 1]);
    const obs = await read(batch.observations);
    for (const o of obs) expect([6, 1, 5]).toContain(o);
    tf.dispose(Object.values(batch));
  });

  it('the offline share stays, or falls linearly to 0 over the decay steps', () => {
    expect(offlineShareAt(0.5, 0, 1e6)).toBe(0.5);
    expect(offlineShareAt(0.5, 1000, 250)).toBeCloseTo(0.375, 10);
    expect(offlineShareAt(0.5, 1000, 5000)).toBe(0);
  });
});
