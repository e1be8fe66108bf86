import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cosineRate } from '../../src/core/algos/iql';
import { advantageWeights, EXP_ADV_MAX } from '../../src/core/algos/losses';
import { iqlQLoss, iqlValueLoss } from '../../src/core/algos/iqlLosses';
import { agentAndTransitions, checkpointRoundTrip, expectFlatTensorCount, mean, offlineData, read, series, withAndWithoutChange } from './helpers/algoRuns';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

const cartpole = offlineData('CartPole-v1', [{ policy: 'medium', weight: 1 }], 2000);
const pendulum = offlineData('Pendulum-v1', [{ policy: 'medium', weight: 1 }], 2000);

describe('IQL losses by hand', () => {
  it('expectile loss (eq. 5) and its gradient on u = Q_target - V = [-2, 1, 3], tau 0.7', async () => {
    const u = tf.tensor1d([-2, 1, 3]);
    const valueLoss = (x: tf.Tensor) => iqlValueLoss(x, tf.zerosLike(x), 0.7).loss as tf.Scalar;
    // weights |0.7 - 1(u < 0)| = [0.3, 0.7, 0.7]: (0.3 * 4 + 0.7 * 1 + 0.7 * 9) / 3
    expect((await read(valueLoss(u)))[0]).toBeCloseTo(8.2 / 3, 5);
    // d/du = 2 w u / 3
    const grad = tf.grad(valueLoss)(u);
    const g = await read(grad);
    [-0.4, 1.4 / 3, 1.4].forEach((want, i) => expect(g[i]).toBeCloseTo(want, 5));
    u.dispose();
  });

  it('the same loss functions give a population one loss per member, each with its own hyperparameters', async () => {
    // Two members' rows [2, 3] with expectiles 0.7 and 0.9 as a [2, 1] column: each row's loss as a lone run's.
    const rows = [[-2, 1, 3], [1, -1, 0.5]];
    const both = await read(iqlValueLoss(tf.tensor2d(rows), tf.zeros([2, 3]), tf.tensor2d([[0.7], [0.9]])).loss);
    const lone = [await read(iqlValueLoss(tf.tensor1d(rows[0]), tf.zeros([3]), 0.7).loss), await read(iqlValueLoss(tf.tensor1d(rows[1]), tf.zeros([3]), 0.9).loss)];
    expect(both[0]).toBeCloseTo(8.2 / 3, 5);
    expect(both[1]).toBeCloseTo((0.9 * 1 + 0.1 * 1 + 0.9 * 0.25) / 3, 5);
    both.forEach((x, k) => expect(x).toBeCloseTo(lone[k][0], 6));
    // Q loss: the mean of the twins' mean squared errors, per member.
    const q = await read(iqlQLoss([tf.tensor2d([[1, 2], [0, 0]]), tf.tensor2d([[3, 2], [1, 1]])], tf.tensor2d([[1, 1], [0, 1]])));
    expect(q[0]).toBeCloseTo(((0 + 1) / 2 + (4 + 1) / 2) / 2, 5);
    expect(q[1]).toBeCloseTo(((0 + 1) / 2 + (1 + 0) / 2) / 2, 5);
  });

  it('advantage weights exp(beta A) are clipped at 100 (eq. 7, CORL)', async () => {
    const w = await read(advantageWeights(tf.tensor1d([-1, 0, 0.5, 2]), 3));
    [Math.exp(-3), 1, Math.exp(1.5), EXP_ADV_MAX].forEach((want, i) => expect(w[i]).toBeCloseTo(want, 4));
    expect(EXP_ADV_MAX).toBe(100);
  });

  it('cosine actor schedule: full rate at 0, half at T/2, zero at T and after', () => {
    expect(cosineRate(1e-3, 0, 100)).toBeCloseTo(1e-3, 12);
    expect(cosineRate(1e-3, 25, 100)).toBeCloseTo(1e-3 * 0.5 * (1 + Math.SQRT1_2), 12);
    expect(cosineRate(1e-3, 50, 100)).toBeCloseTo(5e-4, 12);
    expect(cosineRate(1e-3, 100, 100)).toBeCloseTo(0, 12);
    expect(cosineRate(1e-3, 150, 100)).toBeCloseTo(0, 12);
  });
});

describe('IQL update', () => {
  for (const discrete of [2, null]) {
    it(`reports Q, V and the return of the batch from before its step (${discrete ? 'discrete' : 'continuous'})`, async () => {
      const spec = { algorithmId: 'iql', observationDim: 3, actionDim: 1, discreteActions: discrete, hyperparameters: { hidden: '32,32', batchSize: 32 } };
      const { agent, batch } = agentAndTransitions(spec);
      try {
        const q = mean(await read(agent.qValue!(batch.observations, batch.actions)));
        const v = mean(await read(agent.stateValue!(batch.observations)));
        const mc = mean(Array.from(await batch.mcReturns.data()));
        const m = await read(agent.update(batch));
        const at = (name: string) => m[agent.metricNames.indexOf(name)];
        expect(at('q_data')).toBeCloseTo(q, 5);
        expect(at('v_data')).toBeCloseTo(v, 5);
        expect(at('mc_return')).toBeCloseTo(mc, 5);
        // Targets start as copies of the critics, so the first advantage is Q - V on the batch.
        expect(at('advantage')).toBeCloseTo(q - v, 5);
        expect(at('actor_lr')).toBeCloseTo(3e-4, 9);
        // The update moved V and Q.
        expect(mean(await read(agent.stateValue!(batch.observations)))).not.toBeCloseTo(v, 6);
      } finally {
        agent.dispose();
        tf.dispose(Object.values(batch));
      }
    });
  }

  it('saves and loads every network: a fresh agent gives the same values and actions', async () => {
    const spec = { algorithmId: 'iql', observationDim: 3, actionDim: 1, discreteActions: null, hyperparameters: { hidden: '32,32', batchSize: 32 } };
    const { checkpoint, want, got } = await checkpointRoundTrip(spec);
    expect(Object.keys(checkpoint.weights)).toEqual(expect.arrayContaining(['iql/q1/w0', 'iql/q2_target/b2', 'iql/v/w1', 'iql/actor/w2', 'iql/actor_log_std']));
    expect(got).toEqual(want);
  });

  it('keeps the tensor count flat over 300 updates (continuous; discrete over 200)', async () => {
    await expectFlatTensorCount(pendulum, 'iql', {});
    await expectFlatTensorCount(cartpole, 'iql', {}, 200);
  });

  it('applies a live beta change at the next update and records it', async () => {
    const { events, withChange, without } = await withAndWithoutChange(cartpole, 'iql', {}, { beta: 0 });
    expect(events).toEqual([{ update: 10, key: 'beta', label: 'inverse temperature (beta)', from: 3, to: 0 }]);
    // beta only enters the policy loss: at the first update after the change V and Q are untouched...
    expect(series(withChange, 'v_loss')[0]).toBe(series(without, 'v_loss')[0]);
    expect(series(withChange, 'q_loss')[0]).toBe(series(without, 'q_loss')[0]);
    // ...while every policy weight exp(0 * A) is 1: plain behaviour cloning.
    expect(series(withChange, 'adv_weight')).toEqual([1, 1, 1, 1, 1]);
    expect(series(without, 'adv_weight')[0]).not.toBeCloseTo(1, 3);
    expect(series(withChange, 'actor_loss')[0]).not.toBe(series(without, 'actor_loss')[0]);
  });
});
