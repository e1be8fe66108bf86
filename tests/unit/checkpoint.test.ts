import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getAlgorithm } from '../../src/core/algos/registry';
import type { TrainingBatch } from '../../src/core/algos/types';
import { syntheticTrainingBatch } from '../../src/core/run/measure';
import { runSchema } from '../../src/core/run/runSettings';
import { resolveValues } from '../../src/core/run/hyperparameters';
import { Trainer, type TrainerCheckpoint } from '../../src/core/run/trainer';
import { Rng } from '../../src/core/rng';
import { offlineData, train } from './helpers/algoRuns';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

const data = offlineData('CartPole-v1', [{ policy: 'medium', weight: 1 }], 3000);
const hyperparameters = { hidden: '32,32', batchSize: 32, actorCosine: true, maxUpdates: 200 };

/** A fixed batch, so two trainers can be compared on the same update. */
function fixedBatch(algorithmId: string, hp: Record<string, unknown>): TrainingBatch {
  const algo = getAlgorithm(algorithmId);
  const values = resolveValues([...algo.hyperparameters, ...runSchema], hp, algo.name);
  return syntheticTrainingBatch(algo, values, { algorithmId, observationDim: 4, actionDim: 1, discreteActions: 2, hyperparameters: values }, new Rng(7));
}

/** Weights after one more update on `batch`, read back; disposes the trainer (two agents of one algorithm cannot coexist). */
async function weightsAfterUpdate(t: Trainer, batch: TrainingBatch): Promise<Record<string, Float32Array>> {
  tf.dispose(t.agent.update(batch));
  const saved = await t.agent.save();
  t.dispose();
  return Object.fromEntries(Object.entries(saved.weights).map(([k, w]) => [k, w.values]));
}

describe('checkpoints keep the optimizer, so a restored run continues exactly', () => {
  for (const [id, hp] of [
    ['iql', hyperparameters],
    ['bc', { hidden: '32,32', batchSize: 32 }],
  ] as const) {
    it(`${id}: restore then one update equals one more update of the original`, async () => {
      const d = data;
      const batch = fixedBatch(id, hp);
      const original = new Trainer({ dataset: d, algorithmId: id, hyperparameters: hp });
      await train(original, 30);
      const checkpoint = await original.checkpoint();
      expect(checkpoint.optimizers?.length).toBeGreaterThan(0);
      expect(checkpoint.optimizers![0].t).toBe(30);
      const expected = await weightsAfterUpdate(original, batch);

      const restored = Trainer.restore({ dataset: d, algorithmId: id }, checkpoint);
      expect(restored.update).toBe(30);
      const got = await weightsAfterUpdate(restored, batch);
      for (const [k, w] of Object.entries(expected)) expect(Array.from(got[k]), k).toEqual(Array.from(w));

      // Without the moments (an old checkpoint) the same update lands elsewhere: the test can tell them apart.
      const fresh = Trainer.restore({ dataset: d, algorithmId: id }, { ...checkpoint, optimizers: undefined });
      const differs = await weightsAfterUpdate(fresh, batch);
      const firstKey = Object.keys(expected)[0];
      expect(Array.from(differs[firstKey])).not.toEqual(Array.from(expected[firstKey]));
    });
  }

  it('a fork applies its changes over the checkpoint and starts at its update', async () => {
    const original = new Trainer({ dataset: data, algorithmId: 'bc', hyperparameters: { hidden: '32,32', batchSize: 32 } });
    await train(original, 12);
    const checkpoint = await original.checkpoint();
    original.dispose();
    const fork = Trainer.restore({ dataset: data, algorithmId: 'bc' }, checkpoint, { lr: 1e-3 });
    expect(fork.update).toBe(12);
    expect(fork.hyperparameters.lr).toBe(1e-3);
    expect(fork.hyperparameters.hidden).toBe('32,32');
    await train(fork, 5);
    expect(fork.update).toBe(17);
    fork.dispose();
  });

  it("adopt (PBT's exploit) takes another run's weights and moments, keeps its own update count and records the change with its source", async () => {
    const donor = new Trainer({ dataset: data, algorithmId: 'bc', hyperparameters: { hidden: '32,32', batchSize: 32, seed: 1 } });
    await train(donor, 40);
    const donorState: TrainerCheckpoint = await donor.checkpoint();
    donor.dispose();
    const target = new Trainer({ dataset: data, algorithmId: 'bc', hyperparameters: { hidden: '32,32', batchSize: 32, seed: 2 } });
    await train(target, 10);
    const events = target.adopt(donorState, { lr: 2.4e-4 }, 'PBT: copied member 0');
    expect(events).toEqual([{ update: 10, key: 'lr', label: 'learning rate', from: 3e-4, to: 2.4e-4, source: 'PBT: copied member 0' }]);
    const now = await target.checkpoint();
    for (const [k, w] of Object.entries(donorState.agent.weights)) expect(Array.from(now.agent.weights[k].values), k).toEqual(Array.from(w.values));
    expect(now.optimizers![0].t).toBe(40);
    expect(target.update).toBe(10);
    expect(() => target.adopt(donorState, { hidden: '64,64' }, 'PBT')).toThrow(/hidden sizes \(hidden\) cannot change while the run trains/);
    target.dispose();
  });
});
