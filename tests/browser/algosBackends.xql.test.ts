import * as Comlink from 'comlink';
import { afterAll, describe, it } from 'vitest';
import type { MeasureSpec } from '../../src/core/run/measure';
import type { TrainingSession } from '../../src/core/run/session';
import { expectSameMetricsOnEveryBackend } from './helpers/backendAgreement';

// XQL, f-DVL and ReCOIL (dualValue.ts) from the same seeded weights and batch on webgpu, webgl, wasm and cpu (those
// that initialise in headless Chromium): the metrics of four updates must agree. ReCOIL built this way has no dataset,
// so each batch is also its own expert half.
const worker = new Worker(new URL('../../workers/trainer.worker.ts', import.meta.url), { type: 'module' });
const session = Comlink.wrap<TrainingSession>(worker);
afterAll(() => worker.terminate());

const mlp = { hidden: '32,32', batchSize: 32 };
const specs: MeasureSpec[] = [
  { algorithmId: 'xql', observationDim: 3, actionDim: 1, discreteActions: null, hyperparameters: mlp },
  { algorithmId: 'xql', observationDim: 4, actionDim: 1, discreteActions: 2, hyperparameters: mlp },
  { algorithmId: 'f-dvl', observationDim: 3, actionDim: 1, discreteActions: null, hyperparameters: mlp },
  { algorithmId: 'f-dvl', observationDim: 4, actionDim: 1, discreteActions: 2, hyperparameters: { ...mlp, f: 'total-variation', lambda: 0.8 } },
  { algorithmId: 'recoil', observationDim: 4, actionDim: 1, discreteActions: 2, hyperparameters: mlp },
  { algorithmId: 'recoil', observationDim: 3, actionDim: 2, discreteActions: null, hyperparameters: mlp },
];

describe('dual-V algorithms (XQL, f-DVL, ReCOIL) across backends', () => {
  for (const spec of specs) {
    it(`${spec.algorithmId} (${spec.discreteActions === null ? 'continuous' : 'discrete'}): the same metrics on every backend`, async () => {
      await expectSameMetricsOnEveryBackend(session, spec, 21, 4);
    });
  }
});
