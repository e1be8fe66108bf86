import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { td3bcActorLoss, td3bcLambda } from '../../src/core/algos/td3bc';
import { generateDataset } from '../../src/core/data/generate';
import { Trainer } from '../../src/core/run/trainer';
import { expectFlatTensorCount, series, withAndWithoutChange } from './helpers/algoRuns';
import { trainToEnd } from './helpers/evaluations';
import { useBackend } from './helpers/tfNode';

// Pendulum-v1 (README of policies: random -1206.7, medium -885.6, expert -139.9 over 100 episodes).
const expert = generateDataset({ envId: 'Pendulum-v1', mix: [{ policy: 'expert', weight: 1 }], transitions: 20_000, seed: 1 });

beforeAll(() => useBackend('wasm'));

describe('TD3+BC losses', () => {
  it('scales Q by lambda = alpha / mean|Q| and adds the squared distance to the data actions', () => {
    const q = tf.tensor1d([2, -4, 1]);
    const lambda = td3bcLambda(q, 2.5);
    expect(lambda.dataSync()[0]).toBeCloseTo(2.5 / (7 / 3), 5); // mean|Q| = 7/3
    const pi = tf.tensor2d([[0.5], [0], [-1]]);
    const a = tf.tensor2d([[1], [0], [0]]);
    const { loss, bc } = td3bcActorLoss(q, pi, a, lambda);
    expect(bc.dataSync()[0]).toBeCloseTo((0.25 + 0 + 1) / 3, 6);
    // -lambda * mean(Q) + BC = -1.0714286 * (-1/3) + 0.4166667
    expect(loss.dataSync()[0]).toBeCloseTo(0.3571429 + 0.4166667, 5);
    tf.dispose([q, lambda, pi, a, loss, bc]);
  });

  it('treats lambda as a constant in the actor gradient (detached), as the paper', () => {
    // With Q(s, pi) = 3 pi, the detached gradient is -lambda * 3 / n + 2 (pi - a) / n per action; a lambda that
    // followed pi would add -mean(Q) * d lambda / d pi and change it.
    const pi0 = tf.tensor2d([[0.5], [-0.2]]);
    const a = tf.tensor2d([[0], [0]]);
    const lambda = td3bcLambda(tf.mul(pi0, 3).reshape([-1]) as tf.Tensor1D, 2.5); // 2.5 / mean(1.5, 0.6) = 2.380952
    const grad = tf.grad((pi: tf.Tensor) => td3bcActorLoss(tf.mul(pi, 3).reshape([-1]) as tf.Tensor1D, pi as tf.Tensor2D, a, lambda).loss)(pi0);
    const l = 2.5 / 1.05;
    const expected = [(-l * 3) / 2 + (2 * 0.5) / 2, (-l * 3) / 2 + (2 * -0.2) / 2];
    Array.from(grad.dataSync()).forEach((g, i) => expect(g).toBeCloseTo(expected[i], 5));
    tf.dispose([pi0, a, lambda, grad]);
  });
});

describe('TD3+BC on Pendulum', () => {
  it('refuses discrete actions with a message naming the problem', () => {
    const cartpole = generateDataset({ envId: 'CartPole-v1', mix: [{ policy: 'random', weight: 1 }], transitions: 200, seed: 1 });
    expect(() => new Trainer({ dataset: cartpole, algorithmId: 'td3bc' })).toThrow('TD3+BC does not handle discrete actions');
  });

  it('learns from expert data to swing up far better than the random policy', async () => {
    // lr 1e-3 (not the default 3e-4) and 64x64 nets so that 1,500 updates suffice; seeds 1-4 ended at -455 to -558.
    const t = new Trainer({ dataset: expert, algorithmId: 'td3bc', hyperparameters: { hidden: '64,64', batchSize: 128, lr: 1e-3, updatesPerEval: 500, maxUpdates: 1500, evalEpisodes: 5, seed: 1 } });
    const evaluations = await trainToEnd(t);
    t.dispose();
    console.log('TD3+BC Pendulum expert, eval returns:', evaluations.map((e) => e.meanReturn.toFixed(0)).join(' '));
    // Normalized score: 0 is the random policy (-1206.7), 100 the expert (-139.9).
    expect(Math.max(...evaluations.map((e) => e.normalizedScore!))).toBeGreaterThan(40);
  });

  it('applies a live alpha change at the next update, records it, and the lambda metric follows', async () => {
    const { events, withChange, without } = await withAndWithoutChange(expert, 'td3bc', { updatesPerEval: 100_000 }, { alpha: 0.5 });
    expect(events).toEqual([{ update: 10, key: 'alpha', label: 'alpha (Q weight)', from: 2.5, to: 0.5 }]);
    // The first actor step after the change (update 10, policy delay 2) has lambda scaled by 0.5 / 2.5.
    expect(series(withChange, 'lambda')[0]).toBeCloseTo(series(without, 'lambda')[0] * 0.2, 4);
    expect(series(withChange, 'bc_loss')).not.toEqual(series(without, 'bc_loss'));
  });

  it('keeps the tensor count flat over 300 updates', async () => {
    await expectFlatTensorCount(expert, 'td3bc', { updatesPerEval: 100, evalEpisodes: 1 });
  });
});
