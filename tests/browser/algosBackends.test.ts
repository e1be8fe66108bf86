import * as Comlink from 'comlink';
import { afterAll, describe, it } from 'vitest';
import type { TrainingSession } from '../../src/core/run/session';
import type { MeasureSpec } from '../../src/core/run/measure';
import { expectSameMetricsOnEveryBackend } from './helpers/backendAgreement';

// IQL, CQL (continuous and discrete), offline DQN and SAC from the same seeded weights and batch on every backend that
// initialises in headless Chromium: the metrics must agree. The noise they sample (policy actions, CQL's uniform
// actions) is drawn on the CPU from seeds the Rng hands out, so every backend sees the same numbers.
const worker = new Worker(new URL('../../workers/trainer.worker.ts', import.meta.url), { type: 'module' });
const session = Comlink.wrap<TrainingSession>(worker);
afterAll(() => worker.terminate());

const small = { hidden: '32,32', batchSize: 32 };
const specs: MeasureSpec[] = [
  { algorithmId: 'iql', observationDim: 4, actionDim: 1, discreteActions: 2, hyperparameters: small },
  { algorithmId: 'iql', observationDim: 3, actionDim: 1, discreteActions: null, hyperparameters: small },
  { algorithmId: 'cql-discrete', observationDim: 4, actionDim: 1, discreteActions: 3, hyperparameters: small },
  { algorithmId: 'cql', observationDim: 3, actionDim: 2, discreteActions: null, hyperparameters: { ...small, sampledActions: 3, lagrange: true } },
  { algorithmId: 'dqn', observationDim: 4, actionDim: 1, discreteActions: 2, hyperparameters: { ...small, double: true } },
  { algorithmId: 'sac', observationDim: 3, actionDim: 1, discreteActions: null, hyperparameters: small },
];

describe('value-based offline algorithms across backends', () => {
  for (const spec of specs) {
    it(`${spec.algorithmId} (${spec.discreteActions === null ? 'continuous' : 'discrete'}): the same metrics on every backend`, async () => {
      await expectSameMetricsOnEveryBackend(session, spec, 31, 4);
    });
  }
});
