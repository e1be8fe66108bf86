import { getAlgorithm } from '../algos/registry';
import { Rng } from '../rng';
import { resolveValues } from './hyperparameters';
import { syntheticTrainingBatch, type MeasureSpec } from './measure';
import { runSchema } from './runSettings';
import * as tf from '@tensorflow/tfjs';

/**
 * Runs `updates` updates from weights and a batch fixed by `seed`, on the current backend, and returns the
 * metrics of each update. The same call on two backends must agree to float tolerance: it is how the lab
 * knows a backend (WebGPU above all) computes the algorithm right.
 */
export async function fixedUpdates(spec: MeasureSpec, seed: number, updates: number): Promise<number[][]> {
  const algo = getAlgorithm(spec.algorithmId);
  const values = resolveValues([...algo.hyperparameters, ...runSchema], spec.hyperparameters ?? {}, algo.name);
  const agent = algo.create({
    observationDim: spec.observationDim,
    actionDim: spec.actionDim,
    discreteActions: spec.discreteActions,
    hyperparameters: values,
    rng: new Rng(seed),
    observationMean: new Float32Array(spec.observationDim),
    observationStd: new Float32Array(spec.observationDim).fill(1),
  });
  const batch = syntheticTrainingBatch(algo, values, spec, new Rng(seed + 1));
  const rows: number[][] = [];
  try {
    for (let i = 0; i < updates; i++) {
      const m = agent.update(batch);
      rows.push(Array.from(await m.data()));
      m.dispose();
    }
    return rows;
  } finally {
    tf.dispose(Object.values(batch));
    agent.dispose();
  }
}
