// Population evaluation frees what it creates: MuJoCo environments hold a wasm model and data each, so a population
// evaluated every few thousand updates must dispose its members' environment copies after each evaluation.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getAlgorithm } from '../../src/core/algos/registry';
import { loadMujoco, mujocoHeapBytes } from '../../src/core/envs/mujoco/loadMujoco';
import { evaluateMembers } from '../../src/core/population/evaluateMembers';
import { populationDef } from '../../src/core/population/registry';
import { Rng } from '../../src/core/rng';
import { defaultValues } from '../../src/core/run/hyperparameters';
import { useBackend } from './helpers/tfNode';

beforeAll(async () => {
  await useBackend('wasm');
  await loadMujoco();
});

describe('evaluateMembers', () => {
  it('disposes every member\'s MuJoCo environments: the wasm heap stays flat over repeated evaluations', async () => {
    const hp = { ...defaultValues(getAlgorithm('bc').hyperparameters), hidden: '16,16' };
    const K = 2;
    const agent = populationDef('bc')!.create({
      members: K,
      observationDim: 11,
      actionDim: 3,
      discreteActions: null,
      hyperparameters: [hp, hp],
      rngs: [new Rng(1), new Rng(2)],
      observationMean: new Float32Array(11),
      observationStd: new Float32Array(11).fill(1),
    });
    try {
      const evaluate = async (round: number) => {
        const results = await evaluateMembers(agent, 'Hopper-v5', [[round, round + 1], [round + 2]], round, null);
        expect(results.map((r) => r?.returns.length)).toEqual([2, 1]);
      };
      for (let i = 0; i < 3; i++) await evaluate(i); // warm up: compiled templates, allocator pools
      const before = mujocoHeapBytes();
      const tensors = tf.memory().numTensors;
      for (let i = 0; i < 20; i++) await evaluate(100 + i);
      expect(mujocoHeapBytes()).toBe(before);
      expect(tf.memory().numTensors).toBe(tensors);
    } finally {
      agent.dispose();
    }
  }, 60_000);
});
