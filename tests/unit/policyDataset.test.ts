import { beforeAll, describe, expect, it } from 'vitest';
import { episodeReturns } from '../../src/core/data/episodes';
import { generateDataset } from '../../src/core/data/generate';
import { importDatasetFile } from '../../src/core/data/importFile';
import { loadMujoco } from '../../src/core/envs/mujoco/loadMujoco';
import { Trainer } from '../../src/core/run/trainer';
import { fixture } from './formats.helpers';
import { useBackend } from './helpers/tfNode';

const mean = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0) / xs.length;

beforeAll(async () => {
  await useBackend('wasm');
  await loadMujoco();
});

describe('datasets recorded from a trained policy', () => {
  it('CartPole: a BC policy trained on expert data records far better episodes than random ones', async () => {
    const expert = generateDataset({ envId: 'CartPole-v1', mix: [{ policy: 'expert', weight: 1 }], transitions: 5_000, seed: 1 });
    const t = new Trainer({ dataset: expert, algorithmId: 'bc', hyperparameters: { updatesPerEval: 100000, hidden: '64,64', batchSize: 64, seed: 3 } });
    await t.run(60_000, 250);
    const progress: number[] = [];
    const d = await t.recordDataset({ transitions: 1_500, seed: 5, mode: 'greedy', name: 'cartpole-bc', onProgress: (f) => progress.push(f) });
    t.dispose();
    const random = generateDataset({ envId: 'CartPole-v1', mix: [{ policy: 'random', weight: 1 }], transitions: 1_500, seed: 5 });
    expect(d.size).toBe(1_500);
    expect(mean(episodeReturns(d))).toBeGreaterThan(5 * mean(episodeReturns(random)));
    expect(progress.at(-1)).toBe(1);
  });

  it('Hopper: rows come in whole episodes with real successors, actions in the box, flags as the env gave them', async () => {
    const { dataset } = await importDatasetFile(fixture('hopper-random-tiny-v2.hdf5'), { fileName: 'hopper-random-tiny-v2.hdf5', env: { kind: 'auto' } });
    const t = new Trainer({ dataset, algorithmId: 'bc', hyperparameters: { updatesPerEval: 100000, hidden: '32,32', batchSize: 32, seed: 1 } });
    await t.run(60_000, 20);
    const d = await t.recordDataset({ transitions: 400, seed: 2, mode: 'sample', actionNoise: 0.1, name: 'hopper-bc', numEnvs: 4 });
    t.dispose();
    expect([d.envId, d.size, d.observationDim, d.actionDim]).toEqual(['Hopper-v5', 400, 11, 3]);
    expect(d.actions.every((a) => a >= -1 && a <= 1)).toBe(true);
    // Inside an episode, each row's next observation is the following row's observation.
    let ends = 0;
    for (let i = 0; i < d.size; i++) {
      if (d.terminals[i] || d.timeouts[i]) {
        ends++;
        continue;
      }
      for (let k = 0; k < 11; k++) expect(d.nextObservations[11 * i + k]).toBe(d.observations[11 * (i + 1) + k]);
    }
    expect(ends).toBe(d.episodes);
    expect(d.terminals[d.size - 1] || d.timeouts[d.size - 1]).toBeTruthy();
    expect(d.terminals.reduce((a, b) => a + b, 0)).toBeGreaterThan(3); // a barely trained hopper falls
  });

  it('Hopper: a Gaussian policy\'s unbounded samples (PPO) are recorded as the clipped actions the environment applied', async () => {
    const { dataset } = await importDatasetFile(fixture('hopper-random-tiny-v2.hdf5'), { fileName: 'hopper-random-tiny-v2.hdf5', env: { kind: 'auto' } });
    // A fresh PPO actor has log std 0: about a third of its samples per dimension fall outside [-1, 1].
    const t = new Trainer({ dataset, algorithmId: 'ppo', hyperparameters: { hidden: '32,32', numEnvs: 2, seed: 4 } });
    const d = await t.recordDataset({ transitions: 300, seed: 2, mode: 'sample', name: 'hopper-ppo', numEnvs: 4 });
    t.dispose();
    expect(d.actions.every((a) => a >= -1 && a <= 1)).toBe(true);
    const atEdge = d.actions.filter((a) => Math.abs(a) === 1).length / d.actions.length;
    expect(atEdge).toBeGreaterThan(0.2);
    expect(atEdge).toBeLessThan(0.5);
  });
});
