import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { awacWeights } from '../../src/core/algos/awac';
import { generateDataset } from '../../src/core/data/generate';
import { Trainer } from '../../src/core/run/trainer';
import { expectFlatTensorCount, series, withAndWithoutChange } from './helpers/algoRuns';
import { trainToEnd } from './helpers/evaluations';
import { useBackend } from './helpers/tfNode';

const pendulum = generateDataset({ envId: 'Pendulum-v1', mix: [{ policy: 'expert', weight: 1 }], transitions: 20_000, seed: 1 });
const cartpole = generateDataset({ envId: 'CartPole-v1', mix: [{ policy: 'expert', weight: 1 }], transitions: 10_000, seed: 1 });

beforeAll(() => useBackend('wasm'));

describe('AWAC weights', () => {
  it('are exp(A / lambda), clipped at 100', () => {
    const w = awacWeights(tf.tensor1d([0, 1, -1, 10]), 0.5);
    const expected = [1, Math.exp(2), Math.exp(-2), 100]; // exp(20) is clipped
    Array.from(w.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
    w.dispose();
  });
});

describe('AWAC', () => {
  it('learns to swing Pendulum up from expert data (continuous, Gaussian actor)', async () => {
    const t = new Trainer({ dataset: pendulum, algorithmId: 'awac', hyperparameters: { hidden: '64,64', batchSize: 128, updatesPerEval: 750, maxUpdates: 1500, evalEpisodes: 5, seed: 1 } });
    const evaluations = await trainToEnd(t);
    t.dispose();
    console.log('AWAC Pendulum expert, eval returns:', evaluations.map((e) => e.meanReturn.toFixed(0)).join(' '));
    // Normalized score: 0 is the random policy (-1206.7), 100 the expert (-139.9). Seeds 1-3 ended at -227 to -282.
    expect(Math.max(...evaluations.map((e) => e.normalizedScore!))).toBeGreaterThan(60);
  });

  it('learns CartPole from expert data (discrete, softmax actor)', async () => {
    const t = new Trainer({ dataset: cartpole, algorithmId: 'awac', hyperparameters: { hidden: '64,64', batchSize: 64, updatesPerEval: 250, maxUpdates: 750, evalEpisodes: 3, seed: 1 } });
    const returns = (await trainToEnd(t)).map((e) => e.meanReturn);
    t.dispose();
    console.log('AWAC CartPole expert, eval returns:', returns.map((r) => r.toFixed(0)).join(' '));
    expect(Math.max(...returns)).toBeGreaterThanOrEqual(400);
  });

  it('applies a live lambda change at the next update, records it, and the advantage weights follow', async () => {
    const { events, withChange, without } = await withAndWithoutChange(pendulum, 'awac', { updatesPerEval: 100_000 }, { lambda: 0.05 });
    expect(events).toEqual([{ update: 10, key: 'lambda', label: 'lambda (temperature)', from: 1 / 3, to: 0.05 }]);
    // Same weights and batch at update 10: only the temperature differs, and a colder one spreads the weights.
    expect(series(withChange, 'weight_mean')[0]).not.toBeCloseTo(series(without, 'weight_mean')[0], 3);
  });

  it('keeps the tensor count flat over 300 updates (continuous and discrete)', async () => {
    await expectFlatTensorCount(pendulum, 'awac', { updatesPerEval: 100, evalEpisodes: 1 });
    await expectFlatTensorCount(cartpole, 'awac', { updatesPerEval: 100, evalEpisodes: 1 });
  });
});
