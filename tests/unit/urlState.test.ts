import { describe, expect, it } from 'vitest';
import { listAlgorithms } from '../../src/core/algos/registry';
import { runSchema } from '../../src/core/run/runSettings';
import { algorithmInfo } from '../../src/core/run/session';
import { changedValues, decodeUrlState, encodeUrlState, schemaOf } from '../../src/app/store/urlState';
import { defaultValues } from '../../src/core/run/hyperparameters';

const catalog = { algorithms: listAlgorithms().map(algorithmInfo), runSchema };

describe('the page state in the URL', () => {
  it('round-trips environment, dataset, algorithm, backend and changed values', () => {
    const hash = encodeUrlState({ env: 'CartPole-v1', data: 'cartpole-expert', algo: 'bc', backend: 'wasm', values: { lr: 0.001, hidden: '64,64', normalizeStates: false } });
    expect(hash).toBe('env=CartPole-v1&data=cartpole-expert&algo=bc&backend=wasm&lr=0.001&hidden=64%2C64&normalizeStates=false');
    const { state, problems } = decodeUrlState(`#${hash}`, catalog);
    expect(problems).toEqual([]);
    expect(state).toEqual({ env: 'CartPole-v1', data: 'cartpole-expert', algo: 'bc', backend: 'wasm', values: { lr: 0.001, hidden: '64,64', normalizeStates: false } });
  });

  it('leaves out bad parts of a link and says what they were', () => {
    const { state, problems } = decodeUrlState('#env=Nope-v0&algo=bc&lr=-3&batchSize=64&bogus=1&backend=tpu', catalog);
    expect(state.env).toBeUndefined();
    expect(state.values).toEqual({ batchSize: 64 });
    expect(problems).toEqual([
      'unknown environment "Nope-v0" in the link',
      'unknown backend "tpu" in the link',
      "the link's learning rate (lr) must be between 1e-6 and 1, got -3",
      'the link sets "bogus", which this algorithm does not have',
    ]);
  });

  it('puts only values that differ from the defaults in the link', () => {
    const schema = schemaOf(catalog, 'bc');
    expect(changedValues(schema, { ...defaultValues(schema), lr: 0.01 })).toEqual({ lr: 0.01 });
  });
});

describe('the algorithm catalog the page receives', () => {
  it('is plain data that survives structured cloning (the worker boundary)', () => {
    const cloned = structuredClone(catalog);
    expect(cloned.algorithms.map((a) => a.id)).toEqual(listAlgorithms().map((a) => a.id));
  });
});
