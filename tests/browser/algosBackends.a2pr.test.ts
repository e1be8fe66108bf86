import * as Comlink from 'comlink';
import { afterAll, describe, it } from 'vitest';
import type { MeasureSpec } from '../../src/core/run/measure';
import type { TrainingSession } from '../../src/core/run/session';
import { expectSameMetricsOnEveryBackend } from './helpers/backendAgreement';

// A2PR (TD3+BC critics, a value net, the advantage-weighted VAE and the advantage-guided targets) from the same seeded
// weights and batch on webgpu, webgl, wasm and cpu (those that initialise in headless Chromium): the metrics of four
// updates must agree, the VAE's reparameterisation noise included (drawn from the seeded Rng).
const worker = new Worker(new URL('../../workers/trainer.worker.ts', import.meta.url), { type: 'module' });
const session = Comlink.wrap<TrainingSession>(worker);
afterAll(() => worker.terminate());

const specs: MeasureSpec[] = [
  { algorithmId: 'a2pr', observationDim: 3, actionDim: 2, discreteActions: null, hyperparameters: { hidden: '32,32', vaeHidden: '32,32', batchSize: 32 } },
];

describe('A2PR across backends', () => {
  for (const spec of specs) {
    it(`${spec.algorithmId}: the same metrics on every backend`, async () => {
      await expectSameMetricsOnEveryBackend(session, spec, 21, 4);
    });
  }
});
