import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sacTarget } from '../../src/core/algos/sac';
import { agentAndTransitions, checkpointRoundTrip, expectFlatTensorCount, mean, offlineData, read, series, withAndWithoutChange } from './helpers/algoRuns';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

const pendulum = offlineData('Pendulum-v1', [{ policy: 'medium', weight: 1 }], 2000);

describe('SAC target by hand', () => {
  const args = () => [tf.tensor1d([1, 2]), tf.tensor1d([0, 1]), tf.tensor1d([2, 7]), tf.tensor1d([-0.5, 3])] as const;

  it('soft target r + gamma (1 - done)(min Q_target(s\', a\') - alpha log pi(a\'|s\')) (eqs. 3 and 5)', async () => {
    const y = await read(sacTarget(...args(), 0.2, 0.99, true));
    expect(y[0]).toBeCloseTo(1 + 0.99 * (2 + 0.2 * 0.5), 5);
    expect(y[1]).toBeCloseTo(2, 5); // terminal: no bootstrap
  });

  it('without the entropy term (CORL\'s CQL)', async () => {
    const y = await read(sacTarget(...args(), 0.2, 0.99, false));
    expect(y[0]).toBeCloseTo(1 + 0.99 * 2, 5);
    expect(y[1]).toBeCloseTo(2, 5);
  });
});

describe('offline SAC agent', () => {
  const spec = { algorithmId: 'sac', observationDim: 3, actionDim: 2, discreteActions: null, hyperparameters: { hidden: '32,32', batchSize: 32 } };

  it('reports Q on data from before its step, alpha 1 at the start, and actions in (-1, 1)', async () => {
    const { agent, batch } = agentAndTransitions(spec);
    try {
      const q = await read(agent.qValue!(batch.observations, batch.actions));
      const v = await read(agent.stateValue!(batch.observations));
      const greedy = await read(agent.act(batch.observations, 'greedy'));
      // V(s) = min_i Q_i(s, tanh(mean)): equal to Q at the greedy action.
      const qGreedy = await read(tf.tidy(() => agent.qValue!(batch.observations, tf.tensor2d(greedy, [32, 2]))));
      expect(v).toEqual(qGreedy);
      const m = await read(agent.update(batch));
      const at = (name: string) => m[agent.metricNames.indexOf(name)];
      expect(at('q_data')).toBeCloseTo(mean(q), 5);
      expect(at('entropy_alpha')).toBe(1);
      expect(at('mc_return')).toBeCloseTo(mean(Array.from(await batch.mcReturns.data())), 5);
      const sampled = await read(agent.act(batch.observations, 'sample'));
      expect(sampled.every((a) => a > -1 && a < 1)).toBe(true);
      expect(sampled).not.toEqual(greedy);
    } finally {
      agent.dispose();
      tf.dispose(Object.values(batch));
    }
  });

  it('saves and loads critics, targets, actor and log alpha', async () => {
    const { checkpoint, want, got } = await checkpointRoundTrip(spec);
    expect(Object.keys(checkpoint.weights)).toEqual(expect.arrayContaining(['sac/q1/w0', 'sac/q2_target/w2', 'sac/actor/b2', 'sac/log_alpha']));
    expect(checkpoint.weights['sac/log_alpha'].values[0]).not.toBe(0); // tuned during the three updates
    expect(got).toEqual(want);
  });

  it('keeps the tensor count flat over 300 updates', async () => {
    await expectFlatTensorCount(pendulum, 'sac', {});
  });

  it('applies a live change of the entropy backup at the next update and records it', async () => {
    const { events, withChange, without } = await withAndWithoutChange(pendulum, 'sac', {}, { backupEntropy: false });
    expect(events).toEqual([{ update: 10, key: 'backupEntropy', label: 'entropy in the target', from: true, to: false }]);
    // Same weights and noise at the first update after the change; only the target loses its -alpha log pi term.
    expect(series(withChange, 'q_data')[0]).toBe(series(without, 'q_data')[0]);
    expect(series(withChange, 'target_q')[0]).not.toBeCloseTo(series(without, 'target_q')[0], 4);
  });
});
