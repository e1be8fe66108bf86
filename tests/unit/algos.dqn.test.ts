import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dqnTarget, tdLoss } from '../../src/core/algos/dqn';
import { agentAndTransitions, checkpointRoundTrip, expectFlatTensorCount, mean, offlineData, read, series, withAndWithoutChange } from './helpers/algoRuns';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

const cartpole = offlineData('CartPole-v1', [{ policy: 'medium', weight: 1 }], 2000);

describe('DQN target and loss by hand', () => {
  const rewards = () => tf.tensor1d([1, 0.5]);
  const dones = () => tf.tensor1d([0, 1]);
  const nextTarget = () => tf.tensor2d([[1, 3], [2, 5]]);

  it('y = r + gamma (1 - done) max_a Q_target(s\', a) (Mnih et al. eq. 2)', async () => {
    const y = await read(dqnTarget(rewards(), dones(), nextTarget(), null, 0.9));
    expect(y[0]).toBeCloseTo(1 + 0.9 * 3, 6);
    expect(y[1]).toBeCloseTo(0.5, 6); // terminal: no bootstrap
  });

  it('Double DQN: the online net picks a\', the target net values it', async () => {
    const y = await read(dqnTarget(rewards(), dones(), nextTarget(), tf.tensor2d([[4, 0], [0, 1]]), 0.9));
    expect(y[0]).toBeCloseTo(1 + 0.9 * 1, 6); // online argmax is action 0, whose target value is 1
    expect(y[1]).toBeCloseTo(0.5, 6);
  });

  it('Huber loss is quadratic inside |x| <= 1 and linear outside; mse squares', async () => {
    const q = () => tf.tensor1d([0, 0]);
    const y = () => tf.tensor1d([0.5, 3]);
    expect((await read(tdLoss(q(), y(), 'huber')))[0]).toBeCloseTo((0.5 * 0.25 + (3 - 0.5)) / 2, 6);
    expect((await read(tdLoss(q(), y(), 'mse')))[0]).toBeCloseTo((0.25 + 9) / 2, 6);
  });
});

describe('DQN agent', () => {
  const spec = { algorithmId: 'dqn', observationDim: 4, actionDim: 1, discreteActions: 2, hyperparameters: { hidden: '32,32', batchSize: 32, gamma: 0.9 } };

  it('reports Q on data, max_a Q and the target from the network it started with', async () => {
    const { agent, batch } = agentAndTransitions(spec);
    try {
      const q = await read(agent.qValue!(batch.observations, batch.actions));
      const v = await read(agent.stateValue!(batch.observations));
      // The target network starts as a copy, so the first target is r + 0.9 (1 - done) max_a Q(s', a).
      const vNext = await read(agent.stateValue!(batch.nextObservations));
      const [r, d] = [Array.from(await batch.rewards.data()), Array.from(await batch.dones.data())];
      const m = await read(agent.update(batch));
      const at = (name: string) => m[agent.metricNames.indexOf(name)];
      expect(at('q_data')).toBeCloseTo(mean(q), 5);
      expect(at('q_policy')).toBeCloseTo(mean(v), 5);
      expect(at('target_q')).toBeCloseTo(mean(r.map((ri, i) => ri + 0.9 * (1 - d[i]) * vNext[i])), 5);
      expect(at('mc_return')).toBeCloseTo(mean(Array.from(await batch.mcReturns.data())), 5);
    } finally {
      agent.dispose();
      tf.dispose(Object.values(batch));
    }
  });

  it('acts greedily, or epsilon-greedily (5% random) when sampling', async () => {
    const { agent, batch } = agentAndTransitions(spec);
    try {
      const obs = tf.tile(batch.observations.slice([0, 0], [1, 4]), [4000, 1]) as tf.Tensor2D;
      const greedy = await read(agent.act(obs, 'greedy'));
      const best = (await read(agent.stateValue!(obs)))[0];
      const bestAction = greedy[0];
      expect((await read(tf.tidy(() => agent.qValue!(obs.slice([0, 0], [1, 4]), tf.tensor2d([[bestAction]])))))[0]).toBeCloseTo(best, 6);
      expect(new Set(greedy).size).toBe(1);
      const sampled = await read(agent.act(obs, 'sample'));
      const other = sampled.filter((a) => a !== bestAction).length / sampled.length;
      expect(other).toBeGreaterThan(0.015); // expected 0.05 * 1/2 = 0.025
      expect(other).toBeLessThan(0.035);
      obs.dispose();
    } finally {
      agent.dispose();
      tf.dispose(Object.values(batch));
    }
  });

  it('saves and loads the network and its target', async () => {
    const { checkpoint, want, got } = await checkpointRoundTrip(spec);
    expect(Object.keys(checkpoint.weights).sort()).toEqual(['dqn/q/b0', 'dqn/q/b1', 'dqn/q/b2', 'dqn/q/w0', 'dqn/q/w1', 'dqn/q/w2', 'dqn/q_target/b0', 'dqn/q_target/b1', 'dqn/q_target/b2', 'dqn/q_target/w0', 'dqn/q_target/w1', 'dqn/q_target/w2']);
    expect(got).toEqual(want);
  });

  it('keeps the tensor count flat over 300 updates', async () => {
    await expectFlatTensorCount(cartpole, 'dqn', { double: true, targetPeriod: 3 });
  });

  it('applies a live target-rate change at the next update and records it', async () => {
    const { events, withChange, without } = await withAndWithoutChange(cartpole, 'dqn', {}, { tau: 1 });
    expect(events).toEqual([{ update: 10, key: 'tau', label: 'target update rate (tau)', from: 0.005, to: 1 }]);
    // The first update after the change uses the old target; its hard copy at the end shows in the next target.
    expect(series(withChange, 'td_loss')[0]).toBe(series(without, 'td_loss')[0]);
    expect(series(withChange, 'target_q')[0]).toBe(series(without, 'target_q')[0]);
    expect(series(withChange, 'target_q')[1]).not.toBeCloseTo(series(without, 'target_q')[1], 4);
  });
});
