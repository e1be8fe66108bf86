import { beforeAll, describe, expect, it } from 'vitest';
import { episodeReturns } from '../../src/core/data/episodes';
import { isGroup, readColumn, readHdf5 } from '../../src/core/data/formats/h5';
import { importDatasetFile } from '../../src/core/data/importFile';
import { normalizedScore } from '../../src/core/data/score';
import { loadMujoco } from '../../src/core/envs/mujoco/loadMujoco';
import { getEnvSpec, makeEnv } from '../../src/core/envs/registry';
import { fixture } from './formats.helpers';

// Files written with h5py by tests/fixtures/make_locomotion_fixtures.py from Gymnasium's own Hopper-v5; the
// mean returns and D4RL-normalized scores below are what that script printed.
const mean = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0) / xs.length;

beforeAll(() => loadMujoco());

describe('MuJoCo locomotion datasets', () => {
  it('a D4RL v2-layout hopper file imports, is matched to Hopper-v5 by its name, and scores with D4RL’s references', async () => {
    const { dataset: d, decision } = await importDatasetFile(fixture('hopper-random-tiny-v2.hdf5'), { fileName: 'hopper-random-tiny-v2.hdf5', env: { kind: 'auto' } });
    expect(d.envId).toBe('Hopper-v5');
    expect(decision).toBe('family');
    expect([d.observationDim, d.actionDim, d.discreteActions]).toEqual([11, 3, null]);
    expect(d.episodes).toBe(21);
    expect(d.metadata?.infos).toBe('qpos, qvel');
    const returns = episodeReturns(d);
    expect(mean(returns)).toBeCloseTo(17.6456, 3);
    expect(normalizedScore(mean(returns), getEnvSpec('Hopper-v5').referenceScores)).toBeCloseTo(1.1651, 3);
  });

  it('its infos/qpos and infos/qvel replay in the lab’s Hopper-v5: each next observation and reward agree', async () => {
    const bytes = fixture('hopper-random-tiny-v2.hdf5');
    const cols = await readHdf5(bytes, (file) => {
      const infos = file.get('infos');
      if (!isGroup(infos)) throw new Error('no infos group');
      return { qpos: readColumn(infos, 'qpos')!, qvel: readColumn(infos, 'qvel')!, obs: readColumn(file, 'observations')!, act: readColumn(file, 'actions')!, rew: readColumn(file, 'rewards')!, term: readColumn(file, 'terminals')!, timeouts: readColumn(file, 'timeouts')! };
    });
    const env = makeEnv('Hopper-v5');
    const n = cols.rew.shape[0];
    let checked = 0;
    for (let i = 0; i + 1 < n; i++) {
      if (cols.term.data[i] || cols.timeouts.data[i]) continue; // the next row starts another episode
      const state = new Float64Array(12);
      for (let k = 0; k < 6; k++) {
        state[k] = cols.qpos.data[6 * i + k];
        state[6 + k] = cols.qvel.data[6 * i + k];
      }
      env.setState(state);
      const r = env.step(Float32Array.from({ length: 3 }, (_, k) => cols.act.data[3 * i + k]));
      for (let k = 0; k < 11; k++) expect(Math.abs(r.observation[k] - cols.obs.data[11 * (i + 1) + k]), `row ${i} obs[${k}]`).toBeLessThan(1e-5);
      expect(Math.abs(r.reward - cols.rew.data[i]), `row ${i} reward`).toBeLessThan(1e-4); // float32 rewards in the file
      checked++;
    }
    expect(checked).toBeGreaterThan(400);
    env.dispose();
  });

  it('a Minari MuJoCo file is matched to Hopper-v5 by its env_spec', async () => {
    const { dataset: d, decision } = await importDatasetFile(fixture('minari_hopper_main_data.hdf5'), { fileName: 'main_data.hdf5', env: { kind: 'auto' } });
    expect(d.envId).toBe('Hopper-v5');
    expect(decision).toBe('named');
    expect(d.episodes).toBe(6);
    const returns = episodeReturns(d);
    expect(normalizedScore(mean(returns), getEnvSpec('Hopper-v5').referenceScores)).toBeCloseTo(1.1046, 3);
  });
});
