import { listAlgorithms } from '../src/core/algos/registry';
import type { MeasureSpec } from '../src/core/run/measure';

/**
 * The D4RL locomotion size (hopper/walker-like: 17-dim observations, 6-dim actions, 2x256 MLPs, batch 256) for every
 * algorithm; discrete-only algorithms get 6 discrete actions. Each algorithm keeps its own published network sizes
 * unless it exposes `hidden`, which is set to 256,256.
 */
export function benchSpecs(only?: string[]): MeasureSpec[] {
  return listAlgorithms()
    .filter((a) => !only || only.includes(a.id))
    .map((a) => {
      const continuous = a.actions.includes('continuous');
      const hasHidden = a.hyperparameters.some((p) => p.key === 'hidden');
      return {
        algorithmId: a.id,
        observationDim: 17,
        actionDim: continuous ? 6 : 1,
        discreteActions: continuous ? null : 6,
        hyperparameters: { batchSize: 256, ...(hasHidden ? { hidden: '256,256' } : {}) },
      };
    });
}
