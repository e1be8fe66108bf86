import { describe, expect, it } from 'vitest';
import { episodeStarts } from '../../src/core/data/episodes';
import { parseHdf5 } from '../../src/core/data/formats/index';
import { parseMinari } from '../../src/core/data/formats/minari';
import { expected, expectFormatError, f32, fixture, list } from './formats.helpers';

describe('Minari main_data.hdf5 import', () => {
  it('turns episodes of T+1 observations into transitions s_t = obs[:-1], s_t+1 = obs[1:]', async () => {
    const d = await parseMinari(fixture('minari_main_data.hdf5'));
    const e = expected.minari;
    expect(d.source).toBe('minari');
    expect([d.size, d.observationDim, d.actionDim, d.discreteActions]).toEqual([16, 4, 1, 2]);
    expect(Array.from(d.observations)).toEqual(list(e.observations));
    expect(Array.from(d.nextObservations)).toEqual(list(e.next_observations));
    expect(Array.from(d.actions)).toEqual(list(e.actions));
    expect(Array.from(d.rewards)).toEqual(f32(list(e.rewards)));
    expect(Array.from(d.nextValid).every((v) => v === 1)).toBe(true);
  });

  it('maps terminations and truncations, and ends an episode with neither flag by a time-out', async () => {
    const d = await parseMinari(fixture('minari_main_data.hdf5'));
    const e = expected.minari;
    expect(Array.from(d.terminals)).toEqual(list(e.terminals));
    expect(Array.from(d.timeouts)).toEqual(list(e.timeouts));
    // Episodes of 5, 7 and 4 steps: terminated, truncated, neither.
    expect(Array.from(episodeStarts(d))).toEqual([0, 5, 12, 16]);
    expect([d.terminals[4], d.timeouts[11], d.timeouts[15]]).toEqual([1, 1, 1]);
  });

  it('attaches the environment named in env_spec when the dimensions fit', async () => {
    const d = await parseMinari(fixture('minari_main_data.hdf5'));
    expect(d.envId).toBe('CartPole-v1');
    expect(d.metadata).toMatchObject({ total_episodes: 3, total_steps: 16, dataset_id: 'minari_main_data' });
  });

  it('flattens Dict observations in sorted key order and says so in the metadata', async () => {
    const d = await parseMinari(fixture('minari_dict.hdf5'));
    const e = expected.minari_dict;
    expect([d.size, d.observationDim, d.actionDim, d.discreteActions, d.episodes]).toEqual([7, 7, 2, null, 2]);
    expect(Array.from(d.observations)).toEqual(list(e.observations));
    expect(Array.from(d.nextObservations)).toEqual(list(e.next_observations));
    expect(d.metadata?.observation_keys).toBe('achieved_goal, desired_goal, observation');
    expect(d.envId).toBeNull(); // PointMaze_UMaze-v3 is not a registered id
  });

  it('takes ref scores and env_spec from metadata.json when given', async () => {
    const json = JSON.stringify({ ref_min_score: -5, ref_max_score: 95, env_spec: { id: 'CartPole-v1' }, observation_space: null });
    const d = await parseMinari(fixture('minari_main_data.hdf5'), { metadataJson: json });
    expect(d.metadata).toMatchObject({ ref_min_score: -5, ref_max_score: 95, env_spec: '{"id":"CartPole-v1"}' });
    await expectFormatError(() => parseMinari(fixture('minari_main_data.hdf5'), { metadataJson: '{oops' }), 'metadata.json is not valid JSON');
  });

  it('is chosen by parseHdf5 from the episode groups', async () => {
    expect((await parseHdf5(fixture('minari_main_data.hdf5'))).source).toBe('minari');
    expect((await parseHdf5(fixture('d4rl_basic.hdf5'))).source).toBe('d4rl');
  });

  it('says a D4RL file is not a Minari file', async () => {
    await expectFormatError(() => parseMinari(fixture('d4rl_basic.hdf5')), 'no episode_{i} groups', "'observations'");
  });
});

describe('Minari bad files', () => {
  /** A one-episode Minari file written with h5wasm, altered by `change`. */
  async function minariFile(change: (ep: import('h5wasm').Group, file: import('h5wasm').File) => void, obsRows = 4): Promise<Uint8Array> {
    const { writeHdf5 } = await import('../../src/core/data/formats/h5');
    return writeHdf5((file) => {
      const ep = file.create_group('episode_0');
      ep.create_dataset({ name: 'observations', data: new Float32Array(obsRows * 2), shape: [obsRows, 2], dtype: '<f' });
      ep.create_dataset({ name: 'actions', data: new Float32Array(3), shape: [3, 1], dtype: '<f' });
      ep.create_dataset({ name: 'rewards', data: new Float64Array([1, 2, 3]), dtype: '<d' });
      ep.create_dataset({ name: 'terminations', data: new Int8Array([0, 0, 1]), dtype: '<b' });
      ep.create_dataset({ name: 'truncations', data: new Int8Array(3), dtype: '<b' });
      change(ep, file);
    });
  }

  it('reads a well-formed hand-written file', async () => {
    const d = await parseMinari(await minariFile(() => {}));
    expect([d.size, d.observationDim, d.actionDim, d.episodes]).toEqual([3, 2, 1, 1]);
  });
  it('names observations without the final row', async () => {
    await expectFormatError(async () => parseMinari(await minariFile(() => {}, 3)), 'episode_0/observations has 3 rows but episode_0 has 3 steps (expected 4');
  });
  it('names a missing key in an episode', async () => {
    const bytes = await minariFile((ep) => ep.create_dataset({ name: 'unused', data: new Float32Array(1) }));
    expect((await parseMinari(bytes)).size).toBe(3);
    const { writeHdf5 } = await import('../../src/core/data/formats/h5');
    const noRewards = await writeHdf5((file) => {
      const ep = file.create_group('episode_0');
      ep.create_dataset({ name: 'observations', data: new Float32Array(2), shape: [2, 1], dtype: '<f' });
    });
    await expectFormatError(() => parseMinari(noRewards), "missing key 'rewards' in the group episode_0 (found: 'observations')");
  });
  it('names totals that disagree with the episodes', async () => {
    await expectFormatError(async () => parseMinari(await minariFile((_, f) => f.create_attribute('total_steps', 5, null, '<i'))), 'root attribute total_steps is 5 but the file has 3 steps');
  });
  it('names Dict actions', async () => {
    await expectFormatError(async () => parseMinari(await dictActions()), 'episode_0/actions is a Dict or Tuple space (keys: a, b)');
  });
  it('names a NaN reward with its episode', async () => {
    const { writeHdf5 } = await import('../../src/core/data/formats/h5');
    const bytes = await writeHdf5((file) => {
      const ep = file.create_group('episode_0');
      ep.create_dataset({ name: 'observations', data: new Float32Array(3), shape: [3, 1], dtype: '<f' });
      ep.create_dataset({ name: 'actions', data: new Float32Array(2), shape: [2, 1], dtype: '<f' });
      ep.create_dataset({ name: 'rewards', data: new Float64Array([1, NaN]), dtype: '<d' });
      ep.create_dataset({ name: 'terminations', data: new Int8Array(2), dtype: '<b' });
      ep.create_dataset({ name: 'truncations', data: new Int8Array(2), dtype: '<b' });
    });
    await expectFormatError(() => parseMinari(bytes), 'episode_0/rewards row 1 is NaN');
  });
});

async function dictActions(): Promise<Uint8Array> {
  const { writeHdf5 } = await import('../../src/core/data/formats/h5');
  return writeHdf5((file) => {
    const ep = file.create_group('episode_0');
    ep.create_dataset({ name: 'observations', data: new Float32Array(2), shape: [2, 1], dtype: '<f' });
    const actions = ep.create_group('actions');
    actions.create_dataset({ name: 'a', data: new Float32Array(1) });
    actions.create_dataset({ name: 'b', data: new Float32Array(1) });
    ep.create_dataset({ name: 'rewards', data: new Float64Array([1]), dtype: '<d' });
    ep.create_dataset({ name: 'terminations', data: new Int8Array(1), dtype: '<b' });
    ep.create_dataset({ name: 'truncations', data: new Int8Array(1), dtype: '<b' });
  });
}
