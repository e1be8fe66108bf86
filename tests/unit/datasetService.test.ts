import { describe, expect, it } from 'vitest';
import { coverageGrid, uniqueStateActions } from '../../src/core/data/coverage';
import { DatasetService } from '../../src/core/data/datasetService';
import { episodeReturns, returnStats } from '../../src/core/data/episodes';
import { generateDataset } from '../../src/core/data/generate';
import { chooseEnvironment, reattachEnvironment, type ImportProgress } from '../../src/core/data/importFile';
import { getEnvSpec } from '../../src/core/envs/registry';
import { expected, expectFormatError, expectSameData, fixture, list, makeDataset } from './formats.helpers';

const service = new DatasetService();
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const blobBytes = async (b: Blob) => new Uint8Array(await b.arrayBuffer());
const dims = (observationDim: number, actionDim: number, discreteActions: number | null, name = 'data') => ({ observationDim, actionDim, discreteActions, name, envId: null, metadata: undefined });

describe('DatasetService.importFile', () => {
  it('reads a dropped File (a Blob) with staged progress and matches CartPole by its dimensions', async () => {
    const stages: ImportProgress[] = [];
    const file = new Blob([fixture('d4rl_discrete.hdf5') as Uint8Array<ArrayBuffer>]);
    const { dataset, decision, fits } = await service.importFile(file, { fileName: 'd4rl_discrete.hdf5', env: { kind: 'auto' } }, (p) => stages.push(p));
    expect(dataset.size).toBe(expected.d4rl_discrete.size);
    expect(Array.from(dataset.actions)).toEqual(list(expected.d4rl_discrete.actions));
    expect([dataset.envId, dataset.discreteActions, decision]).toEqual(['CartPole-v1', 2, 'only-fit']);
    expect(fits).toEqual(['CartPole-v1']);
    expect(dataset.name).toBe('d4rl_discrete');
    expect(dataset.observations.buffer).toBeInstanceOf(SharedArrayBuffer);
    const order = stages.map((s) => s.stage).filter((s, i, a) => a[i - 1] !== s);
    expect(order).toEqual(['reading', 'parsing', 'checking', 'parsing', 'done']); // parsed again with CartPole's rules
    const fractions = stages.map((s) => s.fraction);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1] || stages[i].stage === 'parsing')).toBe(true);
    expect(fractions[fractions.length - 1]).toBe(1);
  });

  it('keeps a dataset that fits no environment without one', async () => {
    const { dataset, decision, fits } = await service.importFile(fixture('d4rl_basic.hdf5'), { fileName: 'd4rl_basic.hdf5', env: { kind: 'auto', prefer: 'CartPole-v1' } });
    expect([dataset.envId, decision, fits]).toEqual([null, 'no-fit', []]);
    expect(dataset.size).toBe(40);
  });

  it("'none' keeps no environment even when the file names one", async () => {
    const generated = generateDataset({ envId: 'CartPole-v1', mix: [{ policy: 'random', weight: 1 }], transitions: 60, seed: 3 });
    const { blob } = await service.exportFile(generated, 'hdf5');
    const named = await service.importFile(blob, { fileName: 'x.hdf5', env: { kind: 'auto' } });
    expect([named.dataset.envId, named.decision]).toEqual(['CartPole-v1', 'named']);
    const none = await service.importFile(blob, { fileName: 'x.hdf5', env: { kind: 'none' } });
    expect([none.dataset.envId, none.decision, none.fits]).toEqual([null, 'none', ['CartPole-v1']]);
  });

  it("reads a file without timeouts with the chosen environment's time limit, as qlearning_dataset does", async () => {
    // 250 rows of one never-ending episode: MountainCar-v0's 200-step limit cuts it at row 199.
    const rows = Array.from({ length: 250 }, (_, i) => `${(i % 7) / 10},${(i % 5) / 100},${i % 3},-1,0`);
    const csv = new TextEncoder().encode(['obs_0,obs_1,action,reward,terminal', ...rows].join('\n'));
    const limited = await service.importFile(csv, { fileName: 'car.csv', env: { kind: 'env', envId: 'MountainCar-v0' } });
    expect(limited.decision).toBe('chosen');
    expect(Array.from(limited.dataset.timeouts).flatMap((v, i) => (v ? [i] : []))).toEqual([199, 249]);
    expect(limited.dataset.nextValid[199]).toBe(0); // no successor across the cut
    const auto = await service.importFile(csv, { fileName: 'car.csv', env: { kind: 'auto', prefer: 'MountainCar-v0' } });
    expect([auto.dataset.envId, auto.decision]).toEqual(['MountainCar-v0', 'current']);
    expectSameData(auto.dataset, limited.dataset); // 'auto' read it again with the match's rules
    const none = await service.importFile(csv, { fileName: 'car.csv', env: { kind: 'none' } });
    expect(Array.from(none.dataset.timeouts).flatMap((v, i) => (v ? [i] : []))).toEqual([249]);
    expect(none.fits).toContain('MountainCar-v0');
  });

  it('names the problem in bad files: wrong dimensions for the chosen env, missing key, lengths, NaN, truncation, not HDF5', async () => {
    const load = (name: string, envId?: string) => () => service.importFile(fixture(name), { fileName: name, env: envId ? { kind: 'env', envId } : { kind: 'auto' } });
    await expectFormatError(load('bad_wrong_dims.hdf5', 'CartPole-v1'), 'observations have 5 columns but CartPole-v1 expects 4');
    await expectFormatError(load('bad_missing_key.hdf5'), "missing key 'observations'", "'obs'");
    await expectFormatError(load('bad_lengths.hdf5'), 'actions has 39 rows but observations has 40');
    await expectFormatError(load('bad_nan_rewards.hdf5'), 'rewards row 17 is NaN');
    await expectFormatError(load('bad_truncated.hdf5'), 'truncated file');
    await expectFormatError(load('bad_not_hdf5.hdf5'), 'not an HDF5 file');
    await expectFormatError(() => service.importFile(new Blob([]), { fileName: 'empty.csv', env: { kind: 'none' } }), 'empty.csv is empty');
  });

  it('reads NPZ, CSV and JSON through the same entry point', async () => {
    for (const name of ['d4rl.npz', 'dataset.csv', 'dataset_records.json']) {
      const { dataset } = await service.importFile(fixture(name), { fileName: name, env: { kind: 'auto' } });
      expect(dataset.size, name).toBe(name === 'd4rl.npz' ? 40 : 12);
    }
  });
});

describe('DatasetService.exportFile', () => {
  it('writes D4RL HDF5 and NPZ blobs that read back to the same data', async () => {
    const d = makeDataset({ n: 50, obsDim: 3, actDim: 2, seed: 4 });
    const h5 = await service.exportFile({ ...d, name: 'my data/1' }, 'hdf5');
    expect(h5.fileName).toBe('my_data_1.hdf5');
    const bytes = await blobBytes(h5.blob);
    expect(Array.from(bytes.subarray(0, 8))).toEqual(HDF5_SIGNATURE);
    expectSameData((await service.importFile(bytes, { fileName: h5.fileName, env: { kind: 'none' } })).dataset, d);
    const npz = await service.exportFile(d, 'npz');
    expect(npz.fileName).toBe('made-for-tests.npz');
    expectSameData((await service.importFile(npz.blob, { fileName: npz.fileName, env: { kind: 'none' } })).dataset, d);
  });
});

describe('DatasetService.inspect', () => {
  it('reports returns, D4RL score, TQ and SACo against a same-size random dataset, and flag counts', async () => {
    const d = generateDataset({ envId: 'CartPole-v1', mix: [{ policy: 'medium', weight: 1 }], transitions: 3000, seed: 5 });
    const r = await service.inspect(d);
    const stats = returnStats(episodeReturns(d));
    expect(r.measures.returnStats).toEqual(stats);
    const ref = getEnvSpec('CartPole-v1').referenceScores!;
    expect(r.measures.normalizedScore).toBeCloseTo((100 * (stats.mean - ref.min)) / (ref.max - ref.min), 10);
    expect(r.measures.trajectoryQuality).toBeCloseTo(r.measures.normalizedScore! / 100, 12);
    // The reference: a random-policy dataset of the same size, seed 0, counted on a grid over both.
    const random = generateDataset({ envId: 'CartPole-v1', mix: [{ policy: 'random', weight: 1 }], transitions: 3000, seed: 0 });
    const grid = coverageGrid([d, random]);
    expect(r.reference).toEqual({ kind: 'random', name: 'random policy, 3,000 transitions', size: 3000, pairs: uniqueStateActions(random, grid) });
    expect(r.measures.uniqueStateActions).toBe(uniqueStateActions(d, grid));
    expect(r.measures.stateActionCoverage).toBeCloseTo(uniqueStateActions(d, grid) / uniqueStateActions(random, grid), 12);
    const counts = (a: Uint8Array) => a.reduce((s, v) => s + v, 0);
    expect(r.flags).toEqual({ terminals: counts(d.terminals), timeouts: counts(d.timeouts), withoutSuccessor: 0 });
    expect(r.measures.returnHistogram.counts.reduce((a, b) => a + b, 0)).toBe(stats.episodes);
    expect(r.coverage).toBeNull(); // CartPole's state is 4D: no 2D view
  });

  it('uses the environment\'s replay dataset as the SACo reference when there is one', async () => {
    const d = generateDataset({ envId: 'CartPole-v1', mix: [{ policy: 'expert', weight: 1 }], transitions: 1000, seed: 1 });
    const replay = { ...generateDataset({ envId: 'CartPole-v1', mix: [{ policy: 'random', weight: 1 }, { policy: 'medium', weight: 1 }], transitions: 2000, seed: 2 }), source: 'replay' as const, name: 'cartpole-replay' };
    const r = await service.inspect(d, { replay });
    expect(r.reference?.kind).toBe('replay');
    expect(r.reference?.name).toBe('cartpole-replay');
    expect(r.reference?.pairs).toBe(uniqueStateActions(replay, coverageGrid([d, replay])));
  });

  it('draws visitation over a 2D state view: PointMaze cells the data visits, density summing to 1', async () => {
    const d = generateDataset({ envId: 'PointMaze-UMaze-v1', mix: [{ policy: 'expert', weight: 1 }], transitions: 2000, seed: 1 });
    const cov = (await service.inspect(d)).coverage!;
    expect([cov.width, cov.height]).toEqual([25, 25]); // 5 heatmap cells per maze cell, 5 x 5 cells
    expect(cov.values.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    // The heatmap cell of the first observation holds some of the mass; wall cells (row 0 of the layout) none.
    const [x, y] = [d.observations[1], d.observations[0]]; // view: x = column coordinate, y = row coordinate
    const col = Math.floor(((x - cov.xRange[0]) / (cov.xRange[1] - cov.xRange[0])) * cov.width);
    const row = Math.floor(((y - cov.yRange[0]) / (cov.yRange[1] - cov.yRange[0])) * cov.height);
    expect(cov.values[row * cov.width + col]).toBeGreaterThan(0);
    expect(cov.values.subarray(0, cov.width).every((v) => v === 0)).toBe(true);
  });

  it('has no SACo, score or coverage without an environment', async () => {
    const r = await service.inspect(makeDataset({ n: 40, obsDim: 2, actDim: 1, discrete: 3 }));
    expect([r.reference, r.referenceScores, r.coverage, r.measures.normalizedScore, r.measures.stateActionCoverage]).toEqual([null, null, null, null, null]);
    expect(r.measures.uniqueStateActions).toBeGreaterThan(0);
  });
});

describe('environment choice', () => {
  it('prefers a named family, then the current env, then the only fit', () => {
    const maze = dims(4, 2, null);
    expect(chooseEnvironment(maze).decision).toBe('ambiguous');
    expect(chooseEnvironment(maze).fits.every((id) => id.startsWith('PointMaze-'))).toBe(true);
    expect(chooseEnvironment(maze, 'PointMaze-Medium-v1')).toMatchObject({ envId: 'PointMaze-Medium-v1', decision: 'current' });
    expect(chooseEnvironment({ ...maze, name: 'maze2d-umaze-dense-v1' }, 'PointMaze-Medium-v1')).toMatchObject({ envId: 'PointMaze-UMaze-Dense-v1', decision: 'family' });
    expect(chooseEnvironment(dims(4, 1, 2), 'Pendulum-v1')).toMatchObject({ envId: 'CartPole-v1', decision: 'only-fit' });
    expect(chooseEnvironment(dims(27, 8, null))).toMatchObject({ envId: null, decision: 'no-fit', fits: [] }); // D4RL ant: no Ant here
    // Walker2d and HalfCheetah share 17/6 dims: a D4RL or Minari name decides.
    expect(chooseEnvironment(dims(17, 6, null))).toMatchObject({ envId: null, decision: 'ambiguous', fits: ['Walker2d-v5', 'HalfCheetah-v5'] });
    expect(chooseEnvironment({ ...dims(17, 6, null), name: 'halfcheetah-medium-v2' })).toMatchObject({ envId: 'HalfCheetah-v5', decision: 'family' });
    expect(chooseEnvironment({ ...dims(17, 6, null), name: 'mujoco/walker2d/expert-v0' })).toMatchObject({ envId: 'Walker2d-v5', decision: 'family' });
    expect(chooseEnvironment({ ...dims(11, 3, null), name: 'hopper-medium-v2' })).toMatchObject({ envId: 'Hopper-v5', decision: 'family' });
  });

  it('reattaches a dataset to a fitting environment, and refuses one that does not fit', () => {
    const info = { ...dims(4, 1, 2), envId: null };
    expect(reattachEnvironment(info, 'CartPole-v1')).toMatchObject({ envId: 'CartPole-v1', discreteActions: 2 });
    expect(reattachEnvironment({ ...info, envId: 'CartPole-v1' }, null).envId).toBeNull();
    expect(() => reattachEnvironment(info, 'Acrobot-v1')).toThrow('observations have 4 columns but Acrobot-v1 expects 6');
  });
});

describe('generation by episodes', () => {
  it('runs whole episodes shared by weight, with no episode cut short, and trims the arrays to the rows used', async () => {
    const d = await service.generate({ envId: 'CartPole-v1', mix: [{ policy: 'random', weight: 3 }, { policy: 'expert', weight: 4 }], episodes: 7, seed: 2 });
    expect(d.episodes).toBe(7);
    const returns = Array.from(episodeReturns(d));
    expect(returns.length).toBe(7);
    expect(returns.slice(0, 3).every((r) => r < 100)).toBe(true); // random pushes fall within a few dozen steps
    expect(returns.slice(3)).toEqual([500, 500, 500, 500]); // the expert runs to the 500-step limit
    expect(returns.reduce((a, b) => a + b, 0)).toBe(d.size); // reward 1 per step
    expect(d.observations.length).toBe(d.size * 4);
    expect(d.observations.buffer).toBeInstanceOf(SharedArrayBuffer);
    // Only real ends: terminals where the pole fell, time-outs at the limit.
    expect(d.terminals.reduce((a, b) => a + b, 0) + d.timeouts.reduce((a, b) => a + b, 0)).toBe(7);
    expect(d.id).toBe('cartpole-random-expert-7ep-s2');
  });

  it('refuses a size given both ways, or more episodes than 5,000,000 rows could hold', async () => {
    await expect(service.generate({ envId: 'CartPole-v1', mix: [{ policy: 'random', weight: 1 }], transitions: 10, episodes: 2, seed: 0 })).rejects.toThrow('one of them');
    await expect(service.generate({ envId: 'CartPole-v1', mix: [{ policy: 'random', weight: 1 }], episodes: 20_000, seed: 0 })).rejects.toThrow('20000 episodes of up to 500 steps could exceed 5,000,000');
  });
});
