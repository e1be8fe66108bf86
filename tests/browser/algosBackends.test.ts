import * as Comlink from 'comlink';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrainingSession } from '../../src/core/run/session';
import type { MeasureSpec } from '../../src/core/run/measure';
import type { BackendName } from '../../src/core/tf/backend';

// IQL, CQL (continuous and discrete), offline DQN and SAC from the same seeded weights and batch on every backend that
// initialises in headless Chromium (session.checkBackend -> crossCheck.fixedUpdates): the metrics must agree. The noise
// they sample (policy actions, CQL's uniform actions) is drawn on the CPU from seeds the Rng hands out, so every backend
// sees the same numbers.
const worker = new Worker(new URL('../../workers/trainer.worker.ts', import.meta.url), { type: 'module' });
const session = Comlink.wrap<TrainingSession>(worker);
afterAll(() => worker.terminate());

const backends: BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
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
    const name = `${spec.algorithmId} (${spec.discreteActions === null ? 'continuous' : 'discrete'})`;
    it(`${name}: the same metrics on every backend`, async () => {
      const results = [];
      for (const b of backends) results.push(await session.checkBackend(b, spec, 31, 4));
      const ran = results.filter((r) => r.metrics !== null);
      console.log(name, JSON.stringify(results.map((r) => ({ backend: r.backend, error: r.error, first: r.metrics?.[0].map((v) => Number(v.toPrecision(5))) }))));
      expect(ran.map((r) => r.backend)).toEqual(expect.arrayContaining(['wasm', 'cpu']));
      const reference = ran.find((r) => r.backend === 'cpu')!.metrics!;
      for (const row of reference) for (const v of row) expect(Number.isFinite(v)).toBe(true);
      for (const r of ran) {
        r.metrics!.forEach((row, u) =>
          row.forEach((v, k) => expect(Math.abs(v - reference[u][k]), `${r.backend} update ${u} metric ${k}: ${v} vs ${reference[u][k]}`).toBeLessThan(2e-3 * Math.max(1, Math.abs(reference[u][k])))),
        );
      }
    });
  }
});
