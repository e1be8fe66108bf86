// What `auto` times for a population (run/measure.ts's updateSubject with members > 1) must be a real update of every
// registered population algorithm on a synthetic batch shaped like the trainer's: a batch missing a field an algorithm
// reads (ReBRAC's next actions) would make the backend choice fail for that algorithm only.
import { beforeAll, describe, expect, it } from 'vitest';
import { getAlgorithm } from '../../src/core/algos/registry';
import { onlinePopulationAlgorithms, populationAlgorithms } from '../../src/core/population/registry';
import { updateSubject } from '../../src/core/run/measure';
import { smallNetworks } from './helpers/smallNetworks';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

describe.each([...populationAlgorithms(), ...onlinePopulationAlgorithms()])('%s population, as the backend choice measures it', (algorithmId) => {
  it('updates every member on the synthetic batch: one finite row of metrics per member', async () => {
    const discrete = getAlgorithm(algorithmId).actions.includes('continuous') ? null : 3;
    const spec = { algorithmId, observationDim: 4, actionDim: discrete === null ? 2 : 1, discreteActions: discrete, hyperparameters: { ...smallNetworks(algorithmId), batchSize: 8 }, members: 3 };
    const subject = updateSubject(spec);
    try {
      for (let i = 0; i < 2; i++) {
        const metrics = await subject.update();
        expect(metrics.shape[0]).toBe(3);
        expect(metrics.shape[1]).toBeGreaterThan(0);
        expect(Array.from(await metrics.data()).every(Number.isFinite)).toBe(true);
        metrics.dispose();
      }
    } finally {
      subject.dispose();
    }
  });
});
