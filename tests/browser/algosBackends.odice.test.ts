import * as Comlink from 'comlink';
import { afterAll, describe, it } from 'vitest';
import type { MeasureSpec } from '../../src/core/run/measure';
import type { TrainingSession } from '../../src/core/run/session';
import { expectSameMetricsOnEveryBackend } from './helpers/backendAgreement';

// ODICE from the same seeded weights and batch on webgpu, webgl, wasm and cpu (those that initialise in headless
// Chromium): the metrics of four updates (the gradient angle and projection coefficient included) must agree.
const worker = new Worker(new URL('../../workers/trainer.worker.ts', import.meta.url), { type: 'module' });
const session = Comlink.wrap<TrainingSession>(worker);
afterAll(() => worker.terminate());

// lr 1e-3 so that four updates move the weights visibly.
const mlp = { hidden: '32,32', actorHidden: '32,32', batchSize: 32, lr: 1e-3, actorLr: 1e-3 };
const specs: MeasureSpec[] = [
  { algorithmId: 'odice', observationDim: 3, actionDim: 1, discreteActions: null, hyperparameters: mlp },
  { algorithmId: 'odice', observationDim: 4, actionDim: 1, discreteActions: 2, hyperparameters: mlp },
];

describe('ODICE across backends', () => {
  for (const spec of specs) {
    it(`${spec.algorithmId} (${spec.discreteActions === null ? 'continuous' : 'discrete'}): the same metrics on every backend`, async () => {
      await expectSameMetricsOnEveryBackend(session, spec, 21, 4);
    });
  }
});
