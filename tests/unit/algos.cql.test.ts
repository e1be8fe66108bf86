import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { discreteCqlGap, sampledCqlGap } from '../../src/core/algos/cql';
import { agentAndTransitions, expectFlatTensorCount, mean, offlineData, read, series, withAndWithoutChange } from './helpers/algoRuns';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

const cartpole = offlineData('CartPole-v1', [{ policy: 'medium', weight: 1 }], 2000);
const pendulum = offlineData('Pendulum-v1', [{ policy: 'medium', weight: 1 }], 2000);
const logSumExp = (xs: number[]) => Math.log(xs.reduce((a, x) => a + Math.exp(x), 0));

describe('CQL conservative term by hand', () => {
  it('discrete: log sum_a exp Q(s, a) - Q(s, a_data), exact (eq. 4)', async () => {
    const gap = await read(discreteCqlGap(tf.tensor2d([[1, 2, 3], [0, 0, 0]]), tf.tensor1d([2, 0])));
    expect(gap[0]).toBeCloseTo(Math.log(Math.E + Math.E ** 2 + Math.E ** 3) - 2, 5); // 1.40761
    expect(gap[1]).toBeCloseTo(Math.log(3), 5); // flat Q: log(#actions)
  });

  it('continuous: importance-sampled log-sum-exp over uniform, current-policy and next-policy actions (appendix F)', async () => {
    // Two states, two samples per proposal, two action dimensions: the uniform density is 0.5^2, so log mu = log 0.25.
    const sampled = () => ({
      qRandom: tf.tensor2d([[1, 2], [0, 0]]),
      qCurrent: tf.tensor2d([[0.5, 1], [0, 0]]),
      logPiCurrent: tf.tensor2d([[-1, 0.2], [0, 0]]),
      qNext: tf.tensor2d([[3, -1], [0, 0]]),
      logPiNext: tf.tensor2d([[0.5, -0.3], [0, 0]]),
    });
    const qData = tf.tensor1d([1.5, 0]);
    const weighted = [1 + Math.log(4), 2 + Math.log(4), 3 - 0.5, -1 + 0.3, 0.5 + 1, 1 - 0.2]; // Q - log mu for each sample
    const gap = await read(sampledCqlGap(sampled(), qData, 2));
    expect(gap[0]).toBeCloseTo(logSumExp(weighted) - 1.5, 5); // 2.59127
    expect(gap[1]).toBeCloseTo(Math.log(4 + 4 + 1 + 1 + 1 + 1), 5); // Q = 0: log(2 / 0.25 + 4 / 1) = log 12
    const hot = await read(sampledCqlGap(sampled(), qData, 2, 2));
    expect(hot[0]).toBeCloseTo(2 * logSumExp(weighted.map((w) => w / 2)) - 1.5, 5); // temperature 2: 4.11130
    expect(hot[1]).toBeCloseTo(2 * Math.log(8), 5);
  });
});

describe('discrete CQL update', () => {
  it('reports the gap of the Q values it started from, and alpha times it as its loss', async () => {
    const spec = { algorithmId: 'cql-discrete', observationDim: 4, actionDim: 1, discreteActions: 3, hyperparameters: { hidden: '32,32', batchSize: 32, alpha: 2 } };
    const { agent, batch } = agentAndTransitions(spec);
    try {
      const n = 32;
      const qAll = await Promise.all(
        [0, 1, 2].map((a) => read(tf.tidy(() => agent.qValue!(batch.observations, tf.fill([n, 1], a) as tf.Tensor2D)))),
      );
      const actions = Array.from(await batch.actions.data());
      const gaps = actions.map((a, i) => logSumExp(qAll.map((q) => q[i])) - qAll[a][i]);
      const m = await read(agent.update(batch));
      const at = (name: string) => m[agent.metricNames.indexOf(name)];
      expect(at('cql_gap')).toBeCloseTo(mean(gaps), 5);
      expect(at('cql_loss')).toBeCloseTo(2 * mean(gaps), 5);
      expect(at('cql_alpha')).toBe(2);
      expect(at('q_data')).toBeCloseTo(mean(actions.map((a, i) => qAll[a][i])), 5);
      expect(at('q_policy')).toBeCloseTo(mean(actions.map((_, i) => Math.max(qAll[0][i], qAll[1][i], qAll[2][i]))), 5);
    } finally {
      agent.dispose();
      tf.dispose(Object.values(batch));
    }
  });

  it('keeps the tensor count flat over 300 updates', async () => {
    await expectFlatTensorCount(cartpole, 'cql-discrete', {});
  });

  it('applies a live alpha change at the next update and records it', async () => {
    const { events, withChange, without } = await withAndWithoutChange(cartpole, 'cql-discrete', {}, { alpha: 4 });
    expect(events).toEqual([{ update: 10, key: 'alpha', label: 'conservative weight (alpha)', from: 1, to: 4 }]);
    // Same weights at the first update after the change: the same TD loss and gap, four times the conservative loss.
    expect(series(withChange, 'td_loss')[0]).toBe(series(without, 'td_loss')[0]);
    expect(series(withChange, 'cql_gap')[0]).toBe(series(without, 'cql_gap')[0]);
    expect(series(withChange, 'cql_loss')[0]).toBeCloseTo(4 * series(without, 'cql_loss')[0], 5);
    expect(series(withChange, 'cql_alpha')).toEqual([4, 4, 4, 4, 4]);
  });
});

describe('continuous CQL update', () => {
  const spec = (hp: Record<string, unknown>) => ({ algorithmId: 'cql', observationDim: 3, actionDim: 2, discreteActions: null, hyperparameters: { hidden: '32,32', batchSize: 32, sampledActions: 3, ...hp } });

  it('adds alpha times the gaps of both critics; with Lagrange, alpha\' * alpha * (gap - target) per critic', async () => {
    for (const lagrange of [false, true]) {
      const { agent, batch } = agentAndTransitions(spec({ lagrange, targetGap: 0.5 }));
      try {
        const m = await read(agent.update(batch));
        const at = (name: string) => m[agent.metricNames.indexOf(name)];
        expect(at('cql_alpha')).toBe(10);
        if (lagrange) {
          expect(at('lagrange')).toBeCloseTo(Math.E, 5); // log alpha' starts at 1, as CORL
          expect(at('cql_loss')).toBeCloseTo(Math.E * 10 * 2 * (at('cql_gap') - 0.5), 3);
        } else {
          expect(at('lagrange')).toBe(0);
          expect(at('cql_loss')).toBeCloseTo(10 * 2 * at('cql_gap'), 4);
        }
      } finally {
        agent.dispose();
        tf.dispose(Object.values(batch));
      }
    }
  });

  it('moves the Lagrange multiplier up while the gap is above the target and down while below', async () => {
    const multiplier = async (targetGap: number) => {
      const { agent, batch } = agentAndTransitions(spec({ lagrange: true, targetGap }));
      try {
        const rows = [];
        for (let i = 0; i < 4; i++) rows.push(await read(agent.update(batch)));
        return rows.map((r) => r[agent.metricNames.indexOf('lagrange')]);
      } finally {
        agent.dispose();
        tf.dispose(Object.values(batch));
      }
    };
    const up = await multiplier(-50);
    const down = await multiplier(50);
    for (let i = 1; i < 4; i++) {
      expect(up[i]).toBeGreaterThan(up[i - 1]);
      expect(down[i]).toBeLessThan(down[i - 1]);
    }
  });

  it('keeps the tensor count flat over 300 updates (Lagrange on)', async () => {
    await expectFlatTensorCount(pendulum, 'cql', { sampledActions: 1, lagrange: true });
  });

  it('applies a live alpha change at the next update and records it', async () => {
    const { events, withChange, without } = await withAndWithoutChange(pendulum, 'cql', { sampledActions: 2 }, { alpha: 0 });
    expect(events).toEqual([{ update: 10, key: 'alpha', label: 'conservative weight (alpha)', from: 10, to: 0 }]);
    expect(series(withChange, 'td_loss')[0]).toBe(series(without, 'td_loss')[0]);
    expect(series(withChange, 'cql_loss')).toEqual([0, 0, 0, 0, 0]);
    expect(series(without, 'cql_loss')[0]).not.toBe(0);
  });
});
