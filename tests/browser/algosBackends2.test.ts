import * as Comlink from 'comlink';
import { afterAll, describe, it } from 'vitest';
import type { MeasureSpec } from '../../src/core/run/measure';
import type { TrainingSession } from '../../src/core/run/session';
import { expectSameMetricsOnEveryBackend } from './helpers/backendAgreement';

// TD3+BC, AWAC, filtered BC and the Decision Transformer from the same seeded weights and batch on webgpu, webgl,
// wasm and cpu (those that initialise in headless Chromium): the metrics of four updates must agree.
const worker = new Worker(new URL('../../workers/trainer.worker.ts', import.meta.url), { type: 'module' });
const session = Comlink.wrap<TrainingSession>(worker);
afterAll(() => worker.terminate());

const mlp = { hidden: '32,32', batchSize: 32 };
// Dropout stays on (0.1): its masks are drawn on the CPU from the seeded Rng, so every backend gets the same ones.
// No warmup and lr 1e-3, so that four updates move the weights visibly.
const dt = { embedding: '32', layers: 2, heads: 2, contextLength: 5, batchSize: 8, episodeLength: 200, lr: 1e-3, warmup: 1 };
const specs: MeasureSpec[] = [
  { algorithmId: 'td3bc', observationDim: 3, actionDim: 1, discreteActions: null, hyperparameters: mlp },
  { algorithmId: 'awac', observationDim: 3, actionDim: 1, discreteActions: null, hyperparameters: mlp },
  { algorithmId: 'awac', observationDim: 4, actionDim: 1, discreteActions: 2, hyperparameters: mlp },
  { algorithmId: 'bc-filtered', observationDim: 4, actionDim: 1, discreteActions: 2, hyperparameters: mlp },
  { algorithmId: 'bc-filtered', observationDim: 3, actionDim: 2, discreteActions: null, hyperparameters: mlp },
  { algorithmId: 'dt', observationDim: 4, actionDim: 1, discreteActions: 2, hyperparameters: dt },
  { algorithmId: 'dt', observationDim: 3, actionDim: 2, discreteActions: null, hyperparameters: dt },
];

describe('policy-constraint and sequence algorithms across backends', () => {
  for (const spec of specs) {
    it(`${spec.algorithmId} (${spec.discreteActions === null ? 'continuous' : 'discrete'}): the same metrics on every backend`, async () => {
      await expectSameMetricsOnEveryBackend(session, spec, 21, 4);
    });
  }
});
