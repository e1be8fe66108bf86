import * as Comlink from 'comlink';
import { afterAll, describe, it } from 'vitest';
import type { MeasureSpec } from '../../src/core/run/measure';
import type { TrainingSession } from '../../src/core/run/session';
import { expectSameMetricsOnEveryBackend } from './helpers/backendAgreement';

// ReBRAC (LayerNorm critics, the critic's penalty on the data's next actions) from the same seeded weights and batch on
// webgpu, webgl, wasm and cpu (those that initialise in headless Chromium): the metrics of four updates must agree.
const worker = new Worker(new URL('../../workers/trainer.worker.ts', import.meta.url), { type: 'module' });
const session = Comlink.wrap<TrainingSession>(worker);
afterAll(() => worker.terminate());

const specs: MeasureSpec[] = [
  { algorithmId: 'rebrac', observationDim: 3, actionDim: 2, discreteActions: null, hyperparameters: { hidden: '32,32', batchSize: 32 } },
];

describe('ReBRAC across backends', () => {
  for (const spec of specs) {
    it(`${spec.algorithmId}: the same metrics on every backend`, async () => {
      await expectSameMetricsOnEveryBackend(session, spec, 21, 4);
    });
  }
});
