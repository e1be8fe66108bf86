import * as Comlink from 'comlink';
import { afterAll, describe, it } from 'vitest';
import type { MeasureSpec } from '../../src/core/run/measure';
import type { TrainingSession } from '../../src/core/run/session';
import { expectSameMetricsOnEveryBackend } from './helpers/backendAgreement';

// PRDC from the same seeded weights and batch on webgpu, webgl, wasm and cpu (those that initialise in headless
// Chromium): the metrics of four updates must agree. Built outside a Trainer, the agent indexes the first batch as its
// data (prdc.ts), so the nearest-neighbour search and the read-back it needs are exercised on every backend.
const worker = new Worker(new URL('../../workers/trainer.worker.ts', import.meta.url), { type: 'module' });
const session = Comlink.wrap<TrainingSession>(worker);
afterAll(() => worker.terminate());

const specs: MeasureSpec[] = [
  { algorithmId: 'prdc', observationDim: 3, actionDim: 1, discreteActions: null, hyperparameters: { hidden: '32,32', batchSize: 32 } },
  { algorithmId: 'prdc', observationDim: 4, actionDim: 2, discreteActions: null, hyperparameters: { hidden: '32,32', batchSize: 32, policyDelay: 1 } },
];

describe('PRDC across backends', () => {
  for (const spec of specs) {
    it(`${spec.algorithmId} (${spec.observationDim}-d states, ${spec.actionDim}-d actions): the same metrics on every backend`, async () => {
      await expectSameMetricsOnEveryBackend(session, spec, 21, 4);
    });
  }
});
