import { describe, expect, it } from 'vitest';
import { configKey, describeRuns, type DescribedConfig } from '../../src/core/experiments/describe';

const iql = (hyperparameters: DescribedConfig['hyperparameters'], datasetName = 'cartpole-expert'): DescribedConfig => ({ algorithmName: 'IQL', datasetName, hyperparameters });
const common = { lr: 3e-4, beta: 3, batchSize: 256, seed: 0 };

describe('describeRuns', () => {
  it('names a lone config by algorithm and dataset', () => {
    expect(describeRuns([iql(common)])).toEqual(['IQL · cartpole-expert']);
    expect(describeRuns([iql(common)], { includeSeed: true })).toEqual(['IQL · cartpole-expert · seed 0']);
    expect(describeRuns([])).toEqual([]);
  });

  it('shows only the hyperparameters that differ, formatted', () => {
    expect(describeRuns([iql({ ...common, lr: 1e-3 }), iql({ ...common, lr: 3e-4 })])).toEqual(['lr 1e-3', 'lr 3e-4']);
    expect(describeRuns([iql({ ...common, lr: 1e-3, beta: 10 }), iql({ ...common, beta: 0.5 })])).toEqual(['lr 1e-3 · beta 10', 'lr 3e-4 · beta 0.5']);
  });

  it('names algorithm and dataset only when they differ', () => {
    const cql: DescribedConfig = { algorithmName: 'CQL', datasetName: 'cartpole-expert', hyperparameters: { lr: 3e-4, alpha: 10, seed: 0 } };
    // Keys only one algorithm has (beta, batchSize here; alpha there) are its own business: the name says enough.
    expect(describeRuns([iql(common), cql])).toEqual(['IQL', 'CQL']);
    expect(describeRuns([iql({ ...common, lr: 1e-3 }), cql])).toEqual(['IQL · lr 1e-3', 'CQL · lr 3e-4']);
    expect(describeRuns([iql(common), iql(common, 'cartpole-random')])).toEqual(['cartpole-expert', 'cartpole-random']);
  });

  it('leaves the seed out unless asked, and falls back to the names when nothing differs', () => {
    const a = iql({ ...common, seed: 0 });
    const b = iql({ ...common, seed: 1 });
    expect(describeRuns([a, b])).toEqual(['IQL · cartpole-expert', 'IQL · cartpole-expert']);
    expect(describeRuns([a, b], { includeSeed: true })).toEqual(['seed 0', 'seed 1']);
    expect(describeRuns([iql({ ...common, lr: 1e-3, seed: 0 }), iql({ ...common, seed: 1 })], { includeSeed: true })).toEqual(['lr 1e-3 · seed 0', 'lr 3e-4 · seed 1']);
  });

  it('keeps lines short: at most six keys, then "+N more"', () => {
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const one = Object.fromEntries(keys.map((k) => [k, 1]));
    const two = Object.fromEntries(keys.map((k) => [k, 2]));
    expect(describeRuns([iql(one), iql(two)])).toEqual(['a 1 · b 1 · c 1 · d 1 · e 1 · f 1 · +2 more', 'a 2 · b 2 · c 2 · d 2 · e 2 · f 2 · +2 more']);
  });
});

describe('configKey', () => {
  const config = { algorithmId: 'iql', datasetId: 'ds1', hyperparameters: { lr: 3e-4, beta: 3, seed: 0 } };

  it('ignores the seed and key order', () => {
    expect(configKey({ ...config, hyperparameters: { seed: 7, beta: 3, lr: 3e-4 } })).toBe(configKey(config));
  });

  it('tells apart algorithms, datasets and any other hyperparameter', () => {
    const key = configKey(config);
    expect(configKey({ ...config, algorithmId: 'cql' })).not.toBe(key);
    expect(configKey({ ...config, datasetId: 'ds2' })).not.toBe(key);
    expect(configKey({ ...config, hyperparameters: { ...config.hyperparameters, beta: 3.5 } })).not.toBe(key);
    expect(configKey({ ...config, hyperparameters: { ...config.hyperparameters, beta: '3' } })).not.toBe(key);
    expect(configKey({ ...config, hyperparameters: { lr: 3e-4, seed: 0 } })).not.toBe(key);
  });
});
