import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../src/core/data/generate';
import { listEnvs } from '../../src/core/envs/registry';
import { policyLevels } from '../../src/core/policies/index';
import { builtInPresets, datasetPrefix, generatedId, preferredPresetName } from '../../src/app/store/presets';

describe('built-in dataset presets', () => {
  it('name every environment apart, as D4RL names its datasets', () => {
    const prefixes = listEnvs().map((s) => datasetPrefix(s.id));
    expect(new Set(prefixes).size).toBe(prefixes.length);
    expect(builtInPresets('PointMaze-UMaze-Dense-v1').map((p) => p.name)).toEqual([
      'pointmaze-umaze-dense-expert',
      'pointmaze-umaze-dense-medium',
      'pointmaze-umaze-dense-random',
      'pointmaze-umaze-dense-medium-expert',
    ]);
    expect(datasetPrefix('FrozenLake-4x4')).toBe('frozenlake-4x4');
    expect(preferredPresetName('CartPole-v1')).toBe('cartpole-expert');
  });

  it('use policy levels every environment has, and ids that generateDataset gives the same data', () => {
    for (const spec of listEnvs()) {
      const levels = policyLevels(spec.id).map((l) => l.id);
      for (const p of builtInPresets(spec.id)) for (const part of p.mix) expect(levels, `${spec.id} ${p.name}`).toContain(part.policy);
    }
    const [expert] = builtInPresets('CartPole-v1');
    const small = { ...expert, transitions: 50 };
    expect(generateDataset({ envId: 'CartPole-v1', ...small }).id).toBe(generatedId(small.name, 50, small.seed));
  });

  it('build medium-expert as medium then expert data, half and half', () => {
    const me = builtInPresets('Pendulum-v1')[3];
    expect(me.mix).toEqual([{ policy: 'medium', weight: 1 }, { policy: 'expert', weight: 1 }]);
    expect(me.transitions).toBe(2 * builtInPresets('Pendulum-v1')[0].transitions);
  });
});
