// Runs the trainer worker's benchmark for every algorithm (or ?algos=) on every backend (or ?backends=), in a real browser worker.
import * as Comlink from 'comlink';
import type { TrainingSession } from '../../src/core/run/session';
import { BACKENDS } from '../../src/core/tf/backendNames';
import { benchSpecs } from '../specs';

const params = new URLSearchParams(location.search);
const only = params.get('algos')?.split(',');
const budget = Number(params.get('budget') ?? 3000);
const backends = BACKENDS.filter((b) => params.get('backends')?.split(',').includes(b) ?? true);
const worker = new Worker(new URL('../../workers/trainer.worker.ts', import.meta.url), { type: 'module' });
const session = Comlink.wrap<TrainingSession>(worker);
const results: Record<string, Record<string, number | string>> = {};
for (const spec of benchSpecs(only)) {
  results[spec.algorithmId] = {};
  for (const backend of backends) {
    try {
      const r = await session.benchmark(backend, spec, budget);
      results[spec.algorithmId][backend] = r.updatesPerSecond ?? `unavailable: ${r.error}`;
    } catch (e) {
      results[spec.algorithmId][backend] = `failed: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
}
(window as unknown as { benchResult: unknown }).benchResult = results;
document.getElementById('out')!.textContent = JSON.stringify(results, null, 2);
