import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { chiSquareLoss, gumbelLoss, gumbelRescaledLoss, totalVariationLoss } from '../../src/core/algos/dualValue';
import { getAlgorithm } from '../../src/core/algos/registry';
import { Trainer } from '../../src/core/run/trainer';
import { agentAndTransitions, checkpointRoundTrip, expectCriticContract, expectFlatTensorCount, offlineData, read, series, train, withAndWithoutChange } from './helpers/algoRuns';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

const cartpole = offlineData('CartPole-v1', [{ policy: 'medium', weight: 1 }], 2000);
const pendulum = offlineData('Pendulum-v1', [{ policy: 'medium', weight: 1 }], 2000);

/** d loss / d u of a loss of u, elementwise. */
async function gradOf(loss: (u: tf.Tensor1D) => tf.Scalar, values: number[]): Promise<number[]> {
  const u = tf.tensor1d(values);
  const g = await read(tf.grad((x: tf.Tensor) => loss(x as tf.Tensor1D))(u));
  u.dispose();
  return g;
}
const value = async (loss: (u: tf.Tensor1D) => tf.Scalar, values: number[]) => (await read(loss(tf.tensor1d(values))))[0];

describe('dual value losses by hand', () => {
  it('Gumbel loss (XQL) mean(exp(z) - z - 1), z = u / beta clipped at maxClip, and its gradient', async () => {
    // u = [-1, 0, 2], beta 1: [e^-1, 0, e^2 - 3] / 3
    expect(await value((u) => gumbelLoss(u, 1, 7), [-1, 0, 2])).toBeCloseTo((Math.exp(-1) + Math.exp(2) - 3) / 3, 5);
    // beta 0.5 doubles z: u = 1 -> z = 2
    expect(await value((u) => gumbelLoss(u, 0.5, 7), [1])).toBeCloseTo(Math.exp(2) - 3, 4);
    // clipped: u = 20 -> z = 7, e^7 - 8, and no gradient through the clip
    expect(await value((u) => gumbelLoss(u, 1, 7), [20])).toBeCloseTo(Math.exp(7) - 8, 1);
    const g = await gradOf((u) => gumbelLoss(u, 1, 7), [-1, 2, 20]);
    [(Math.exp(-1) - 1) / 3, (Math.exp(2) - 1) / 3, 0].forEach((want, i) => expect(g[i]).toBeCloseTo(want, 4));
  });

  it('rescaled Gumbel loss (XQL code): the loss over exp(max z), max z floored at -1 and held constant', async () => {
    const plain = (Math.exp(-1) + Math.exp(2) - 3) / 3;
    expect(await value((u) => gumbelRescaledLoss(u, 1, 7), [-1, 0, 2])).toBeCloseTo(plain / Math.exp(2), 5);
    // gradient (e^z - 1) e^-max z / n: max z is a constant, not differentiated
    const g = await gradOf((u) => gumbelRescaledLoss(u, 1, 7), [-1, 0, 2]);
    [-1, 0, 2].forEach((z, i) => expect(g[i]).toBeCloseTo(((Math.exp(z) - 1) * Math.exp(-2)) / 3, 5));
    // all z below -1: the floor -1 is used
    expect(await value((u) => gumbelRescaledLoss(u, 1, 7), [-3])).toBeCloseTo((Math.exp(-3) + 3 - 1) * Math.exp(1), 4);
  });

  it('chi-square (f-DVL) mean(lambda max(u + u^2/4, 0) - (1 - lambda) u) and total variation mean(lambda max(u, 0) - (1 - lambda) u)', async () => {
    // u = [-6, -2, 1], lambda 0.8: u + u^2/4 = [3, -1 -> 0, 1.25]; 0.8 * that + 0.2 * [6, 2, -1] = [3.6, 0.4, 0.8]
    expect(await value((u) => chiSquareLoss(u, 0.8), [-6, -2, 1])).toBeCloseTo(4.8 / 3, 5);
    // gradient: 0.8 (1 + u / 2) where u + u^2/4 > 0, minus 0.2; divided by n
    const g = await gradOf((u) => chiSquareLoss(u, 0.8), [-6, -2, 1]);
    [(0.8 * -2 - 0.2) / 3, -0.2 / 3, (0.8 * 1.5 - 0.2) / 3].forEach((want, i) => expect(g[i]).toBeCloseTo(want, 5));
    // u = [-1, 2], lambda 0.8: [0.2, 1.6 - 0.4]
    expect(await value((u) => totalVariationLoss(u, 0.8), [-1, 2])).toBeCloseTo(0.7, 5);
  });

  it('grows like u^2 (chi-square) where the Gumbel loss grows like exp(u / beta)', async () => {
    // The reason for f-DVL: at a residual of 20 with beta 1 (no clip), exp explodes and the chi-square dual does not.
    expect(await value((u) => gumbelLoss(u, 1, 1e9), [20])).toBeGreaterThan(4e8);
    expect(await value((u) => chiSquareLoss(u, 1), [20])).toBeCloseTo(120, 3);
  });
});

describe('XQL and f-DVL updates', () => {
  for (const algorithmId of ['xql', 'f-dvl']) {
    for (const discrete of [2, null]) {
      it(`${algorithmId} (${discrete ? 'discrete' : 'continuous'}): schema, metrics and charts the page needs; the update moves V`, async () => {
        const algo = getAlgorithm(algorithmId);
        for (const p of algo.hyperparameters) expect(p.help.length, p.key).toBeGreaterThan(20);
        const { agent, batch } = agentAndTransitions({ algorithmId, observationDim: 3, actionDim: 1, discreteActions: discrete, hyperparameters: { hidden: '32,32', batchSize: 32 } });
        try {
          for (const name of agent.metricNames) expect(algo.metricHelp[name], name).toBeTruthy();
          for (const chart of algo.charts ?? []) for (const name of chart.metrics) expect(agent.metricNames, chart.title).toContain(name);
          expectCriticContract(algo, agent);
          const v = await read(agent.stateValue!(batch.observations));
          const m = await read(agent.update(batch));
          expect(m.every(Number.isFinite)).toBe(true);
          expect(await read(agent.stateValue!(batch.observations))).not.toEqual(v);
        } finally {
          agent.dispose();
          tf.dispose(Object.values(batch));
        }
      });
    }
  }

  it('saves and loads every network: a fresh agent gives the same values and actions', async () => {
    for (const algorithmId of ['xql', 'f-dvl']) {
      const { checkpoint, want, got } = await checkpointRoundTrip({ algorithmId, observationDim: 3, actionDim: 1, discreteActions: null, hyperparameters: { hidden: '32,32', batchSize: 32 } });
      expect(checkpoint.algorithm).toBe(algorithmId);
      expect(Object.keys(checkpoint.weights)).toEqual(expect.arrayContaining([`${algorithmId}/q1/w0`, `${algorithmId}/q2_target/b2`, `${algorithmId}/v/w1`, `${algorithmId}/actor/w2`, `${algorithmId}/actor_log_std`]));
      expect(got).toEqual(want);
    }
  });

  it('keeps the tensor count flat (continuous over 300 updates, discrete over 100)', async () => {
    await expectFlatTensorCount(pendulum, 'xql', {}, 300);
    await expectFlatTensorCount(cartpole, 'f-dvl', {}, 100);
  });

  it('applies a live beta change at the next update and records it (XQL: the Gumbel temperature enters the V loss)', async () => {
    const { events, withChange, without } = await withAndWithoutChange(cartpole, 'xql', {}, { beta: 0.5 });
    expect(events).toEqual([{ update: 10, key: 'beta', label: 'Gumbel temperature (beta)', from: 2, to: 0.5 }]);
    // max_z is read before the V step: (Q - V) / beta with the new beta is 4 times the old one at the first update.
    expect(series(withChange, 'max_z')[0]).toBeCloseTo(4 * series(without, 'max_z')[0], 4);
    expect(series(withChange, 'v_loss')[0]).not.toBe(series(without, 'v_loss')[0]);
  });

  it('f-DVL: a live switch to total variation changes the V loss, not Q at that update', async () => {
    const { events, withChange, without } = await withAndWithoutChange(cartpole, 'f-dvl', {}, { f: 'total-variation', lambda: 0.8 });
    expect(events.map((e) => e.key)).toEqual(['f', 'lambda']);
    expect(series(withChange, 'max_z')[0]).toBe(series(without, 'max_z')[0]);
    expect(series(withChange, 'v_loss')[0]).not.toBe(series(without, 'v_loss')[0]);
  });
});

describe('XQL vs f-DVL at a small Gumbel temperature on CartPole', () => {
  // Dual RL (Sikchi et al. 2024, Sec. 6 and Fig. on XQL's instability) reports that XQL's Gumbel loss explodes at small
  // beta while f-DVL's chi-square loss stays finite. At this budget (300 updates, CartPole medium data, beta 0.1, with
  // the XQL code's clip at 7 and exp(max z) rescaling on) we measured no divergence: both stay finite, but XQL's value
  // loss runs about two orders of magnitude above f-DVL's and its max z sits at several units (exp(z) in the tens to
  // hundreds), while the chi-square residuals stay below 1. That gap is what is asserted; the blow-up itself is not.
  it('f-DVL’s value loss stays small and finite where XQL’s Gumbel loss and max z run high', async () => {
    const run = async (algorithmId: string, hp: Record<string, unknown>) => {
      const t = new Trainer({ dataset: cartpole, algorithmId, hyperparameters: { hidden: '32,32', batchSize: 64, seed: 3, ...hp } });
      try {
        const m = await train(t, 300);
        return { v: series(m, 'v_loss'), z: series(m, 'max_z') };
      } finally {
        t.dispose();
      }
    };
    const xqlRun = await run('xql', { beta: 0.1 });
    const dvl = await run('f-dvl', {});
    const max = (xs: number[]) => Math.max(...xs);
    const late = (xs: number[]) => xs.slice(-100).reduce((a, b) => a + b, 0) / 100;
    console.log(`XQL beta 0.1: max v_loss ${max(xqlRun.v).toPrecision(3)}, last-100 mean ${late(xqlRun.v).toPrecision(3)}, max z ${max(xqlRun.z).toPrecision(3)}; f-DVL chi-square: max v_loss ${max(dvl.v).toPrecision(3)}, last-100 mean ${late(dvl.v).toPrecision(3)}, max residual ${max(dvl.z).toPrecision(3)}`);
    expect([...xqlRun.v, ...dvl.v].every(Number.isFinite)).toBe(true);
    expect(max(dvl.v)).toBeLessThan(1);
    expect(max(xqlRun.v)).toBeGreaterThan(10 * max(dvl.v));
    expect(late(xqlRun.v)).toBeGreaterThan(10 * late(dvl.v));
    expect(max(xqlRun.z)).toBeGreaterThan(3);
  });
});
