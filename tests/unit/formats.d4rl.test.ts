import { describe, expect, it } from 'vitest';
import { episodeStarts } from '../../src/core/data/episodes';
import { exportD4rl, parseD4rl } from '../../src/core/data/formats/d4rl';
import { expected, expectFormatError, expectSameData, f32, fixture, list, makeDataset, readWithPython } from './formats.helpers';

const basic = expected.d4rl_basic;

describe('D4RL HDF5 import', () => {
  it('reads the gzip-compressed, chunked fixture to the numbers h5py wrote', async () => {
    const d = await parseD4rl(fixture('d4rl_basic.hdf5'));
    expect(d.source).toBe('d4rl');
    expect([d.size, d.observationDim, d.actionDim, d.discreteActions]).toEqual([40, 3, 2, null]);
    expect(Array.from(d.observations)).toEqual(list(basic.observations));
    expect(Array.from(d.actions)).toEqual(list(basic.actions));
    expect(Array.from(d.rewards)).toEqual(list(basic.rewards));
    expect(Array.from(d.terminals)).toEqual(list(basic.terminals));
  });

  it('keeps scalar metadata/* and lists infos/*, but not policy weight arrays', async () => {
    const d = await parseD4rl(fixture('d4rl_basic.hdf5'));
    expect(d.metadata).toEqual({ algorithm: 'SAC', iteration: 7, infos: 'qpos' });
  });

  it('applies qlearning_dataset semantics: next_obs = obs[i+1], time-outs have no successor, the terminal wins', async () => {
    const d = await parseD4rl(fixture('d4rl_basic.hdf5'));
    // Fixture: terminal at 9, time-out at 19, both at 29, nothing on the last row 39.
    expect([9, 29].map((i) => d.terminals[i])).toEqual([1, 1]);
    expect(d.timeouts[29]).toBe(0); // the terminal wins
    const timeoutRows = Array.from(d.timeouts).flatMap((v, i) => (v ? [i] : []));
    expect(timeoutRows).toEqual([19, 39]); // 39: the end of the data cuts the last episode
    const invalid = Array.from(d.nextValid).flatMap((v, i) => (v ? [] : [i]));
    expect(invalid).toEqual([19, 39]); // terminal rows stay valid: their target does not bootstrap
    for (const i of [0, 9, 18, 29, 38]) expect(Array.from(d.nextObservations.subarray(i * 3, i * 3 + 3))).toEqual(Array.from(d.observations.subarray((i + 1) * 3, (i + 2) * 3)));
    expect(Array.from(episodeStarts(d))).toEqual([0, 10, 20, 30, 40]);
    expect(d.episodes).toBe(4);
  });

  it('reads rewards stored as (N, 1) in the newest HDF5 format (superblock v3, no compression)', async () => {
    const d = await parseD4rl(fixture('d4rl_rewards_n1.hdf5'));
    expect(Array.from(d.rewards)).toEqual(list(basic.rewards));
    expect(d.episodes).toBe(4);
  });

  it('converts float64 arrays to float32 and treats every row as valid when next_observations is present', async () => {
    const d = await parseD4rl(fixture('d4rl_float64.hdf5'));
    const e = expected.d4rl_float64;
    expect(d.observations).toBeInstanceOf(Float32Array);
    expect(Array.from(d.observations)).toEqual(f32(list(e.observations)));
    expect(d.observations[0]).toBe(Math.fround(0.1));
    expect(Array.from(d.nextObservations)).toEqual(f32(list(e.next_observations)));
    expect(Array.from(d.actions)).toEqual(f32(list(e.actions)));
    expect(Array.from(d.rewards)).toEqual(f32(list(e.rewards)));
    expect(Array.from(d.nextValid).every((v) => v === 1)).toBe(true);
    expect(Array.from(d.timeouts).flatMap((v, i) => (v ? [i] : []))).toEqual([19, 39]);
  });

  it('reads int64 discrete actions as indices, and a file without timeouts', async () => {
    const d = await parseD4rl(fixture('d4rl_discrete.hdf5'));
    const e = expected.d4rl_discrete;
    expect([d.observationDim, d.actionDim, d.discreteActions]).toEqual([4, 1, 2]);
    expect(Array.from(d.actions)).toEqual(list(e.actions));
    expect(Array.from(d.observations)).toEqual(list(e.observations));
    // Only the terminal at 14 and the end of the data split episodes.
    expect(Array.from(episodeStarts(d))).toEqual([0, 15, 30]);
    expect(d.envId).toBeNull(); // dimensions fit CartPole but nothing names it
  });

  it('derives time-outs from the time limit when the file has none, as d4rl does for v0 files', async () => {
    const d = await parseD4rl(fixture('d4rl_discrete.hdf5'), { maxEpisodeSteps: 10 });
    // Steps 0..9 time out at 9; 10..14 end at the terminal 14; 15..24 time out at 24; 25..29 end with the data.
    expect(Array.from(d.timeouts).flatMap((v, i) => (v ? [i] : []))).toEqual([9, 24, 29]);
    expect(Array.from(d.nextValid).flatMap((v, i) => (v ? [] : [i]))).toEqual([9, 24, 29]);
    const withEnv = await parseD4rl(fixture('d4rl_discrete.hdf5'), { envId: 'CartPole-v1' });
    expect(withEnv.envId).toBe('CartPole-v1');
    expect(withEnv.discreteActions).toBe(2);
  });
});

describe('D4RL HDF5 bad files', () => {
  it('names a file that is not HDF5 by its signature', async () => {
    await expectFormatError(() => parseD4rl(fixture('bad_not_hdf5.hdf5')), 'not an HDF5 file', 'signature 6f 62 73');
  });
  it('names a truncated file', async () => {
    await expectFormatError(() => parseD4rl(fixture('bad_truncated.hdf5')), 'truncated file', 'says 25464 bytes', 'has 12732');
  });
  it('names a missing key and lists the keys found', async () => {
    await expectFormatError(() => parseD4rl(fixture('bad_missing_key.hdf5')), "missing key 'observations'", "'obs'", "'actions'");
  });
  it('names arrays of different lengths', async () => {
    await expectFormatError(() => parseD4rl(fixture('bad_lengths.hdf5')), 'actions has 39 rows but observations has 40');
  });
  it('names the key and the row of a NaN', async () => {
    await expectFormatError(() => parseD4rl(fixture('bad_nan_rewards.hdf5')), 'rewards row 17 is NaN');
  });
  it('names a flag that is not 0 or 1', async () => {
    await expectFormatError(() => parseD4rl(fixture('bad_flags.hdf5')), 'terminals row 5 is 2, expected 0 or 1');
  });
  it('names dimensions that do not fit the chosen environment', async () => {
    await expectFormatError(() => parseD4rl(fixture('bad_wrong_dims.hdf5'), { envId: 'CartPole-v1' }), 'observations have 5 columns but CartPole-v1 expects 4');
  });
  it('names a file too short to hold an HDF5 header', async () => {
    await expectFormatError(() => parseD4rl(fixture('d4rl_basic.hdf5').subarray(0, 4)), 'truncated file: only 4 bytes');
  });
});

describe('D4RL HDF5 export', () => {
  it('round-trips a continuous dataset exactly, rows without a successor included', async () => {
    const d = makeDataset({ n: 300, obsDim: 5, actDim: 3, seed: 7 });
    d.metadata = { note: 'kept', level: 3 };
    const back = await parseD4rl(await exportD4rl(d));
    expectSameData(back, d);
    expect(back.name).toBe('made-for-tests');
    expect(back.behavior).toBe('random');
    expect(back.metadata).toMatchObject({ note: 'kept', level: 3 });
  });

  it('round-trips a discrete dataset and re-attaches its environment', async () => {
    const d = makeDataset({ n: 120, obsDim: 4, actDim: 1, discrete: 2, envId: 'CartPole-v1', seed: 3 });
    d.seed = 4_000_000_000; // beyond int32: stored as float64
    const back = await parseD4rl(await exportD4rl(d));
    expectSameData(back, d);
    expect(back.envId).toBe('CartPole-v1');
    expect(back.metadata?.seed).toBe(4_000_000_000);
  });

  it('round-trips an imported D4RL file', async () => {
    const d = await parseD4rl(fixture('d4rl_basic.hdf5'));
    expectSameData(await parseD4rl(await exportD4rl(d, { compression: 0 })), d);
  });

  it('writes a file h5py reads with the D4RL shapes and dtypes', async () => {
    const d = makeDataset({ n: 50, obsDim: 4, actDim: 1, discrete: 2, envId: 'CartPole-v1', seed: 5 });
    const py = readWithPython(await exportD4rl(d), 'hdf5');
    const a = py.arrays;
    expect(a.observations).toMatchObject({ shape: [50, 4], dtype: 'float32' });
    expect(a.next_observations).toMatchObject({ shape: [50, 4], dtype: 'float32' });
    expect(a.actions).toMatchObject({ shape: [50], dtype: 'int32' });
    expect(a.rewards).toMatchObject({ shape: [50], dtype: 'float32' });
    expect(a.terminals).toMatchObject({ shape: [50], dtype: 'int8', true_count: d.terminals.reduce((s, v) => s + v, 0) });
    expect(a.timeouts).toMatchObject({ shape: [50], dtype: 'int8', true_count: d.timeouts.reduce((s, v) => s + v, 0) });
    expect(a.next_valid.true_count).toBe(d.nextValid.reduce((s, v) => s + v, 0));
    expect(a.observations.first).toEqual(Array.from(d.observations.subarray(0, 3)));
    expect(a.rewards.sum).toBeCloseTo(d.rewards.reduce((s, v) => s + v, 0), 4);
    expect(py.storage.observations).toEqual({ compression: 'gzip', chunks: [50, 4] });
    expect(py.attrs).toMatchObject({ env_id: 'CartPole-v1', dataset_name: 'made-for-tests', behavior: 'random' });
  });

  it('omits next_valid when every row has a successor', async () => {
    const d = await parseD4rl(fixture('d4rl_float64.hdf5'));
    const py = readWithPython(await exportD4rl(d), 'hdf5');
    expect(Object.keys(py.arrays).sort()).toEqual(['actions', 'next_observations', 'observations', 'rewards', 'terminals', 'timeouts']);
    expect(py.arrays.actions).toMatchObject({ shape: [40, 2], dtype: 'float32' });
  });
});
