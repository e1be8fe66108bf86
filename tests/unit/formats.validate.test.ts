import { describe, expect, it } from 'vitest';
import { listEnvs } from '../../src/core/envs/registry';
import { box, discrete } from '../../src/core/envs/spaces';
import type { EnvSpec } from '../../src/core/envs/types';
import { parseD4rl } from '../../src/core/data/formats/d4rl';
import { detectFileKind, parseDatasetFile } from '../../src/core/data/formats/index';
import { checkAgainstEnv, checkFinite, DatasetFormatError, matchEnvironment, metadataEnvName } from '../../src/core/data/formats/validate';
import { expectFormatError, fixture } from './formats.helpers';

const spec = (id: string, obs: number, action: EnvSpec['actionSpace']): EnvSpec => ({
  id,
  name: id,
  description: '',
  observationSpace: box(new Array(obs).fill(-1), new Array(obs).fill(1)),
  actionSpace: action,
  maxEpisodeSteps: 100,
  observationLabels: [],
  actionLabels: [],
});
const specs = [
  spec('Lab-Discrete-v0', 4, discrete(2)),
  spec('Hopper-v4', 11, box([-1, -1, -1], [1, 1, 1])),
  spec('PointMaze-UMaze-v1', 4, box([-1, -1], [1, 1])),
  spec('PointMaze-UMaze-Dense-v1', 4, box([-1, -1], [1, 1])),
  spec('CartPole-v1', 4, discrete(2)),
];

describe('checkAgainstEnv', () => {
  it('accepts fitting dimensions and names every mismatch', () => {
    expect(() => checkAgainstEnv({ observationDim: 11, actionDim: 3, discreteActions: null }, specs[1])).not.toThrow();
    expect(() => checkAgainstEnv({ observationDim: 4, actionDim: 1, discreteActions: 2 }, specs[4])).not.toThrow();
    const cases: [Parameters<typeof checkAgainstEnv>[0], EnvSpec, string][] = [
      [{ observationDim: 5, actionDim: 1, discreteActions: 2 }, specs[4], 'observations have 5 columns but CartPole-v1 expects 4'],
      [{ observationDim: 4, actionDim: 2, discreteActions: null }, specs[4], 'actions are continuous (2 columns) but CartPole-v1 has 2 discrete actions'],
      [{ observationDim: 4, actionDim: 1, discreteActions: 3 }, specs[4], 'actions use indices up to 2 but CartPole-v1 has 2 actions (0..1)'],
      [{ observationDim: 11, actionDim: 2, discreteActions: null }, specs[1], 'actions have 2 columns but Hopper-v4 expects 3'],
      [{ observationDim: 11, actionDim: 1, discreteActions: 3 }, specs[1], 'actions are discrete indices but Hopper-v4 expects continuous actions with 3 columns'],
    ];
    for (const [info, env, message] of cases) {
      expect(() => checkAgainstEnv(info, env)).toThrow(DatasetFormatError);
      expect(() => checkAgainstEnv(info, env)).toThrow(message);
    }
  });

  it('checks a parsed file against a registered environment', async () => {
    const wrong = await parseD4rl(fixture('bad_wrong_dims.hdf5'));
    const cartPole = listEnvs().find((s) => s.id === 'CartPole-v1');
    if (!cartPole) throw new Error('CartPole-v1 is not registered');
    expect(() => checkAgainstEnv(wrong, cartPole)).toThrow('observations have 5 columns but CartPole-v1 expects 4');
  });
});

describe('matchEnvironment', () => {
  it('lists the environments whose spaces fit, in registry order without a name', () => {
    const m = matchEnvironment({ observationDim: 4, actionDim: 1, discreteActions: 2, envId: null }, specs);
    expect(m).toEqual([
      { envId: 'Lab-Discrete-v0', nameMatch: null },
      { envId: 'CartPole-v1', nameMatch: null },
    ]);
  });

  it('puts the environment named in the metadata first (Minari env_spec or our env_id)', () => {
    const byJson = matchEnvironment({ observationDim: 4, actionDim: 1, discreteActions: 2, envId: null, metadata: { env_spec: '{"id": "CartPole-v1"}' } }, specs);
    expect(byJson[0]).toEqual({ envId: 'CartPole-v1', nameMatch: 'exact' });
    const byFamily = matchEnvironment({ observationDim: 4, actionDim: 1, discreteActions: 2, envId: null, name: 'cartpole-expert' }, specs);
    expect(byFamily[0]).toEqual({ envId: 'CartPole-v1', nameMatch: 'family' });
  });

  it("maps D4RL's maze2d names onto PointMaze, preferring the longest family", () => {
    const info = { observationDim: 4, actionDim: 2, discreteActions: null, envId: null };
    expect(matchEnvironment({ ...info, name: 'maze2d-umaze-dense-v1' }, specs).map((m) => m.envId)).toEqual(['PointMaze-UMaze-Dense-v1', 'PointMaze-UMaze-v1']);
    expect(matchEnvironment({ ...info, name: 'maze2d-umaze-v1' }, specs)[0]).toEqual({ envId: 'PointMaze-UMaze-v1', nameMatch: 'family' });
  });

  it('finds CartPole-v1 in the real registry for a CartPole-sized file', async () => {
    const d = await parseD4rl(fixture('d4rl_discrete.hdf5'));
    expect(matchEnvironment(d, listEnvs()).map((m) => m.envId)).toContain('CartPole-v1');
    expect(metadataEnvName({ env_id: 'CartPole-v1' })).toBe('CartPole-v1');
    expect(metadataEnvName({ env_spec: 'not json' })).toBeNull();
  });
});

describe('checkFinite and file dispatch', () => {
  it('names the key, row and column of the first non-finite value', () => {
    expect(() => checkFinite('observations', new Float32Array([0, 1, 2, Infinity]), 2)).toThrow('observations row 1, column 1 is Infinity');
    expect(() => checkFinite('rewards', [0, NaN], 1)).toThrow('rewards row 1 is NaN');
  });

  it('detects the kind of file by signature, then extension', () => {
    expect(detectFileKind(fixture('d4rl_basic.hdf5'), 'x.csv')).toBe('hdf5');
    expect(detectFileKind(fixture('d4rl.npz'))).toBe('npz');
    expect(detectFileKind(fixture('dataset_records.json'))).toBe('json');
    expect(detectFileKind(fixture('dataset.csv'), 'dataset.csv')).toBe('csv');
    expect(detectFileKind(fixture('bad_not_hdf5.hdf5'), 'bad.hdf5')).toBe('hdf5');
  });

  it('parses any fixture through parseDatasetFile and names the dataset after the file', async () => {
    for (const [file, source] of [['d4rl_basic.hdf5', 'd4rl'], ['minari_main_data.hdf5', 'minari'], ['d4rl.npz', 'npz'], ['dataset.csv', 'csv'], ['dataset_columns.json', 'json']] as const) {
      const d = await parseDatasetFile(fixture(file), `/uploads/${file}`);
      expect(d.source, file).toBe(source);
      expect(d.name, file).toBe(file.replace(/\.[^.]+$/, ''));
    }
    await expectFormatError(() => parseDatasetFile(fixture('bad_not_hdf5.hdf5'), 'bad_not_hdf5.hdf5'), 'not an HDF5 file');
  });
});

describe('discrete actions stored as floats', () => {
  it('are read as indices when a discrete environment is chosen, and named when they are not indices', async () => {
    const { parseCsv } = await import('../../src/core/data/formats/csv');
    const text = 'obs_0,obs_1,obs_2,obs_3,action_0,reward\n0,0,0,0,1,1\n0,0,0,0,0,1\n';
    expect(parseCsv(text).discreteActions).toBeNull();
    const d = parseCsv(text, { envId: 'CartPole-v1' });
    expect([d.discreteActions, d.envId]).toEqual([2, 'CartPole-v1']);
    await expectFormatError(() => parseCsv(text.replace(',1,1\n', ',0.5,1\n'), { envId: 'CartPole-v1' }), /^action_0 row 0 is 0.5, expected a non-negative integer action index/);
    await expectFormatError(() => parseCsv(text, { envId: 'Nope-v0' }), "unknown environment 'Nope-v0'");
  });
});
