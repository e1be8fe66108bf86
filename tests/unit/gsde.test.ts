import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GSDE_VARIANCE_EPSILON, gsdeLogStd, gsdeNoise, sampleGsde } from '../../src/core/algos/gsde';
import { generateDataset } from '../../src/core/data/generate';
import { Trainer } from '../../src/core/run/trainer';
import { agentAndTransitions, read } from './helpers/algoRuns';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

// z(s) = [1, 2]; sigma = [[0.5, 1], [1, 0.5]]: sigma_j(s)^2 = sum_i z_i^2 sigma_ij^2 = [1 * 0.25 + 4 * 1, 1 * 1 + 4 * 0.25].
const features = () => tf.tensor2d([[1, 2]]);
const logSigma = () => tf.log(tf.tensor2d([[0.5, 1], [1, 0.5]])) as tf.Tensor2D;
const variance = [4.25, 2];

describe('gSDE maths by hand (Raffin et al. 2021)', () => {
  it('the per-state std of u is sqrt(z^2 sigma^2)', async () => {
    const logStd = await read(gsdeLogStd(features(), logSigma()));
    variance.forEach((v, j) => expect(logStd[j]).toBeCloseTo(0.5 * Math.log(v + GSDE_VARIANCE_EPSILON), 5));
  });

  it('a = tanh(mu + z^T W), W = sigma * noise, and log pi = log N(u; mu, sigma(s)^2) - sum log(1 - tanh(u)^2)', async () => {
    const mean = [0.1, -0.2];
    // noise [[1, 0], [0, -1]]: W = [[0.5, 0], [0, -0.5]], z^T W = [0.5, -1].
    const { action, logProb } = sampleGsde(tf.tensor2d([mean]), features(), logSigma(), tf.tensor2d([[1, 0], [0, -1]]));
    const u = [0.6, -1.2];
    const a = await read(action);
    u.forEach((x, j) => expect(a[j]).toBeCloseTo(Math.tanh(x), 5));
    let expected = 0;
    for (let j = 0; j < 2; j++) {
      const v = variance[j] + GSDE_VARIANCE_EPSILON;
      expected += -0.5 * ((u[j] - mean[j]) ** 2 / v) - 0.5 * Math.log(2 * Math.PI * v) - Math.log(1 - Math.tanh(u[j]) ** 2);
    }
    expect((await read(logProb))[0]).toBeCloseTo(expected, 4);
  });

  it('over many draws of W the noise z^T W has mean 0 and the variance the log-probability assumes', async () => {
    const n = 20000;
    const z = [0.3, -1.2, 2];
    const sig = tf.tensor2d([[0.2, 1.5], [0.7, 0.1], [0.4, 0.3]]);
    const noise = gsdeNoise(tf.tile(tf.tensor2d([z]), [n, 1]) as tf.Tensor2D, tf.log(sig) as tf.Tensor2D, tf.randomNormal([n, 3, 2], 0, 1, 'float32', 7) as tf.Tensor3D);
    const values = await read(noise);
    const sigma = (await sig.array()) as number[][];
    for (let j = 0; j < 2; j++) {
      const col = values.filter((_, k) => k % 2 === j);
      const m = col.reduce((s, x) => s + x, 0) / n;
      const v = col.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1);
      const expected = z.reduce((s, zi, i) => s + zi * zi * sigma[i][j] ** 2, 0);
      expect(Math.abs(m)).toBeLessThan(4 * Math.sqrt(expected / n));
      expect(v / expected).toBeGreaterThan(0.96);
      expect(v / expected).toBeLessThan(1.04);
    }
  });
});

describe('gSDE in online SAC', () => {
  const spec = {
    algorithmId: 'sac-online',
    observationDim: 3,
    actionDim: 1,
    discreteActions: null,
    hyperparameters: { exploration: 'gsde', sdeSampleFreq: 4, sdeLogStdInit: -1, hidden: '32,32', batchSize: 8, autoAlpha: false, alpha: 0.1 },
  };

  it('acting: one state, one action within a window; another state, another push; a new window or another copy, new noise', async () => {
    const { agent, batch } = agentAndTransitions(spec, 3);
    try {
      const obs = tf.tensor2d([[0.1, 0.2, 0.3], [0.1, 0.2, 0.3], [-0.5, 0.9, 0.0]]);
      agent.observeEnvSteps!(0);
      const first = await read(agent.act(obs, 'sample'));
      agent.observeEnvSteps!(3); // same window of 4 steps
      expect(await read(agent.act(obs, 'sample'))).toEqual(first);
      // Rows 0 and 1 are two environment copies in the same state: each has its own matrix.
      expect(first[0]).not.toBe(first[1]);
      const greedy = await read(agent.act(obs, 'greedy'));
      expect(first[2] - greedy[2]).not.toBeCloseTo(first[0] - greedy[0], 3);
      agent.observeEnvSteps!(4); // next window: new matrices
      const later = await read(agent.act(obs, 'sample'));
      expect(later[0]).not.toBe(first[0]);
      tf.dispose(obs);
      // Training moves the learned log sigma (the gradient reaches it) and keeps alpha at its fixed value.
      const before = await agent.save();
      const metrics = await read(agent.update(batch));
      const after = await agent.save();
      const logSigmaOf = (c: typeof before) => Array.from(c.weights['sac-online/actor/gsde_log_std'].values);
      expect(logSigmaOf(before).every((x) => x === -1)).toBe(true);
      expect(logSigmaOf(after).some((x) => Math.abs(x + 1) > 1e-5)).toBe(true);
      expect(metrics[agent.metricNames.indexOf('entropy_alpha')]).toBeCloseTo(0.1, 6);
    } finally {
      tf.dispose(Object.values(batch));
      agent.dispose();
    }
  });

  it('a bad sample frequency is refused by name', () => {
    expect(() => agentAndTransitions({ ...spec, hyperparameters: { ...spec.hyperparameters, sdeSampleFreq: 0 } })).toThrow(/sdeSampleFreq/);
  });

  it('an online run on Pendulum keeps its tensor count flat while the matrices are redrawn', async () => {
    const pendulum = generateDataset({ envId: 'Pendulum-v1', mix: [{ policy: 'random', weight: 1 }], transitions: 200, seed: 2 });
    const t = new Trainer({ dataset: pendulum, algorithmId: 'sac-online', hyperparameters: { ...spec.hyperparameters, learningStarts: 0, trainFrequency: 4, totalEnvSteps: 1e6, updatesPerEval: 1e6 } });
    try {
      while (t.envSteps < 100) await t.run(1e9, 10);
      const before = tf.memory().numTensors;
      while (t.envSteps < 400) await t.run(1e9, 10);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      t.dispose();
    }
  });
});

