// What the generic population test (population.test.ts) does not reach for ReBRAC: its batched LayerNorm critic on its
// own, and the settings the generic test leaves at their defaults (critics without LayerNorm, Q normalisation off for
// one member only).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LayerNormMLP } from '../../src/core/algos/layerNorm';
import { BatchedLayerNormMLP } from '../../src/core/population/batchedLayerNormMlp';
import { writeSlice } from '../../src/core/population/memberVariables';
import { PopulationTrainer } from '../../src/core/population/populationTrainer';
import { Rng } from '../../src/core/rng';
import { Trainer } from '../../src/core/run/trainer';
import { offlineData, train } from './helpers/algoRuns';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

describe('BatchedLayerNormMLP', () => {
  it('member k is a LayerNormMLP with member k\'s Rng: same names, shapes, order and outputs (gains and shifts per member)', () => {
    const sizes = [3, 8, 8, 1];
    const seeds = [4, 9];
    const batched = new BatchedLayerNormMLP('ln_pop_test', 'q', sizes, 2, seeds.map((s) => new Rng(s)));
    const lone = seeds.map((s, k) => new LayerNormMLP(`ln_lone_test${k}/q`, sizes, new Rng(s)));
    try {
      expect(batched.memberVariables.map((v) => [v.loneName, v.loneShape])).toEqual(lone[0].variables.map((v) => [v.name.replace('ln_lone_test0/', ''), v.shape]));
      // Non-trivial norm parameters, different for each member: member 1's first gain and shift.
      const gain = Float32Array.from({ length: 8 }, (_, i) => 0.5 + 0.25 * i);
      const shift = Float32Array.from({ length: 8 }, (_, i) => 0.1 * i - 0.3);
      writeSlice(batched.gains[0], 1, gain);
      writeSlice(batched.shifts[0], 1, shift);
      lone[1].gains[0].assign(tf.tensor1d(gain));
      lone[1].shifts[0].assign(tf.tensor1d(shift));
      const x = tf.tensor3d(Float32Array.from({ length: 2 * 5 * 3 }, (_, i) => Math.sin(i * 1.7) * 2), [2, 5, 3]);
      const got = batched.apply(x).arraySync();
      const xs = tf.unstack(x) as tf.Tensor2D[];
      const want = lone.map((net, k) => net.apply(xs[k]).arraySync());
      for (let k = 0; k < 2; k++) for (let r = 0; r < 5; r++) expect(got[k][r][0]).toBeCloseTo(want[k][r][0], 5);
      // The gains matter: member 1 differs from what member 1 would give with the defaults.
      expect(Math.abs(got[1][0][0] - new LayerNormMLP('ln_lone_test_plain/q', sizes, new Rng(9)).apply(xs[1]).arraySync()[0][0])).toBeGreaterThan(1e-3);
      tf.dispose([x, ...xs]);
    } finally {
      batched.dispose();
      for (const net of lone) net.dispose();
    }
  });
});

describe('ReBRAC population settings', () => {
  it('critics without LayerNorm, Q normalisation off for one member: each member equals its lone run', async () => {
    const dataset = offlineData('Pendulum-v1', [{ policy: 'medium', weight: 1 }], 1000);
    const members = [
      { hidden: '32,32', batchSize: 16, criticLayerNorm: false, seed: 3, actorBcCoef: 0.5 },
      { hidden: '32,32', batchSize: 16, criticLayerNorm: false, seed: 8, normalizeQ: false, criticBcCoef: 0.1 },
    ];
    const UPDATES = 6;
    const population = new PopulationTrainer({ dataset, algorithmId: 'rebrac', members });
    const rows: number[][] = [[], []];
    let states;
    try {
      while (population.update < UPDATES) (await population.run(1e9, UPDATES - population.update)).members.forEach((m, k) => m.metrics && rows[k].push(...m.metrics.values));
      states = await population.checkpoints();
    } finally {
      population.dispose();
    }
    expect(Object.keys(states[0].agent.weights).some((n) => n.includes('ln'))).toBe(false);
    const lambda = population.agent.metricNames.indexOf('lambda');
    for (let k = 0; k < 2; k++) {
      const lone = new Trainer({ dataset, algorithmId: 'rebrac', hyperparameters: members[k] });
      try {
        const m = await train(lone, UPDATES);
        expect(rows[k].length).toBe(m.values.length);
        rows[k].forEach((v, i) => expect(Math.abs(v - m.values[i]), `member ${k}, ${m.names[i % m.names.length]} at row ${Math.floor(i / m.names.length)}`).toBeLessThanOrEqual(2e-3 * (1e-3 + Math.abs(m.values[i]))));
        const loneWeights = (await lone.checkpoint()).agent.weights;
        for (const [name, w] of Object.entries(loneWeights)) w.values.forEach((v, i) => expect(Math.abs(states[k].agent.weights[name].values[i] - v)).toBeLessThanOrEqual(2e-3 * (1e-3 + Math.abs(v))));
      } finally {
        lone.dispose();
      }
    }
    // Member 1 steps its actor with lambda = 1; member 0 with 1 / mean|Q|, which differs from 1.
    expect(rows[1][lambda]).toBe(1);
    expect(Math.abs(rows[0][lambda] - 1)).toBeGreaterThan(1e-3);
  });
});
