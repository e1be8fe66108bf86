import { listAlgorithms } from '../src/core/algos/registry';
import type { MeasureSpec } from '../src/core/run/measure';
import { defaultValues } from '../src/core/run/hyperparameters';
import { runSchema } from '../src/core/run/runSettings';

/**
 * The D4RL locomotion size (hopper/walker-like: 17-dim observations, 6-dim continuous actions, batch 256) for every
 * algorithm; discrete-only algorithms get 6 discrete actions. Every hyperparameter (the run's too) is its default,
 * written out in full so the PyTorch peer (bench/torch_peer.py) builds the same networks: 2x256 MLPs, 3x256 for AWAC, SAC and
 * CQL (CORL's sizes), the Decision Transformer with its own batch of 64 windows of 20 steps.
 */
export function benchSpecs(only?: string[]): MeasureSpec[] {
  return listAlgorithms()
    .filter((a) => !only || only.includes(a.id))
    .map((a) => {
      const continuous = a.actions.includes('continuous');
      return {
        algorithmId: a.id,
        observationDim: 17,
        actionDim: continuous ? 6 : 1,
        discreteActions: continuous ? null : 6,
        hyperparameters: { ...defaultValues([...a.hyperparameters, ...runSchema]), ...(a.batchKind === 'sequences' ? {} : { batchSize: 256 }) },
      };
    });
}
