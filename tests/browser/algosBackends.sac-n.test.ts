import * as Comlink from 'comlink';
import { afterAll, describe, it } from 'vitest';
import type { MeasureSpec } from '../../src/core/run/measure';
import type { TrainingSession } from '../../src/core/run/session';
import { expectSameMetricsOnEveryBackend } from './helpers/backendAgreement';

// SAC-N and EDAC (batched ensemble critics: 3-D matMuls; EDAC's hand-written input gradient) from the same seeded
// weights and batch on webgpu, webgl, wasm and cpu (those that initialise in headless Chromium): the metrics of four
// updates must agree.
const worker = new Worker(new URL('../../workers/trainer.worker.ts', import.meta.url), { type: 'module' });
const session = Comlink.wrap<TrainingSession>(worker);
afterAll(() => worker.terminate());

const small = { hidden: '32,32', batchSize: 32, numCritics: 4 };
const specs: MeasureSpec[] = [
  { algorithmId: 'sac-n', observationDim: 3, actionDim: 1, discreteActions: null, hyperparameters: small },
  { algorithmId: 'edac', observationDim: 3, actionDim: 2, discreteActions: null, hyperparameters: small },
];

describe('SAC-N and EDAC across backends', () => {
  for (const spec of specs) {
    it(`${spec.algorithmId} (continuous): the same metrics on every backend`, async () => {
      await expectSameMetricsOnEveryBackend(session, spec, 21, 4);
    });
  }
});
