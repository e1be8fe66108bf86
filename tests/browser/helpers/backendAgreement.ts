import type { Remote } from 'comlink';
import { expect } from 'vitest';
import type { MeasureSpec } from '../../../src/core/run/measure';
import type { TrainingSession } from '../../../src/core/run/session';
import type { BackendName } from '../../../src/core/tf/backend';

const backends: BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/**
 * Runs `updates` updates of `spec` from the same seeded weights and batch on every backend that initialises
 * (session.checkBackend -> crossCheck.fixedUpdates) and expects every metric to match the cpu backend's within
 * float tolerance (2e-3 relative). wasm and cpu must always run; webgl and webgpu do when the browser offers them.
 */
export async function expectSameMetricsOnEveryBackend(session: Remote<TrainingSession>, spec: MeasureSpec, seed: number, updates: number): Promise<void> {
  const name = `${spec.algorithmId} (${spec.discreteActions === null ? 'continuous' : 'discrete'})`;
  const results = [];
  for (const b of backends) results.push(await session.checkBackend(b, spec, seed, updates));
  const ran = results.filter((r) => r.metrics !== null);
  console.log(name, JSON.stringify(results.map((r) => ({ backend: r.backend, error: r.error, first: r.metrics?.[0].map((v) => Number(v.toPrecision(5))) }))));
  expect(ran.map((r) => r.backend)).toEqual(expect.arrayContaining(['wasm', 'cpu']));
  const reference = ran.find((r) => r.backend === 'cpu')!.metrics!;
  for (const row of reference) for (const v of row) expect(Number.isFinite(v)).toBe(true);
  for (const r of ran) {
    r.metrics!.forEach((row, u) =>
      row.forEach((v, k) => expect(Math.abs(v - reference[u][k]), `${name} on ${r.backend}, update ${u}, metric ${k}: ${v} vs ${reference[u][k]}`).toBeLessThan(2e-3 * Math.max(1, Math.abs(reference[u][k])))),
    );
  }
}
