import * as Comlink from 'comlink';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrainingSession } from '../../src/core/run/session';
import type { TrainingReport } from '../../src/core/run/events';
import type { BackendName } from '../../src/core/tf/backend';
import { generateDataset } from '../../src/core/data/generate';

// The real trainer worker in headless Chromium (vitest browser mode), on every backend that initialises there.
const worker = new Worker(new URL('../../workers/trainer.worker.ts', import.meta.url), { type: 'module' });
const session = Comlink.wrap<TrainingSession>(worker);
afterAll(() => worker.terminate());

const spec = { algorithmId: 'bc', observationDim: 4, actionDim: 1, discreteActions: 2, hyperparameters: { hidden: '64,64', batchSize: 64 } };
const backends: BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

describe('trainer worker across backends', () => {
  it('runs BC updates on each backend that initialises, and the losses agree', async () => {
    const results = [];
    for (const b of backends) results.push(await session.checkBackend(b, spec, 11, 5));
    const ran = results.filter((r) => r.metrics !== null);
    console.log(JSON.stringify(results.map((r) => ({ backend: r.backend, error: r.error, loss: r.metrics?.map((m) => m[0]) }))));
    // wasm and cpu always start in Chromium; webgl and webgpu do when the machine offers them.
    expect(ran.map((r) => r.backend)).toEqual(expect.arrayContaining(['wasm', 'cpu']));
    const reference = ran.find((r) => r.backend === 'cpu')!.metrics!;
    expect(reference[4][0]).toBeLessThan(reference[0][0]); // the loss falls over five updates
    for (const r of ran) {
      r.metrics!.forEach((row, u) => row.forEach((v, k) => expect(Math.abs(v - reference[u][k]), `${r.backend} update ${u} metric ${k}`).toBeLessThan(2e-3 * Math.max(1, Math.abs(reference[u][k])))));
    }
  });

  it('trains BC through start/pause/step/setHyperparameters/stop, reporting metrics and events', async () => {
    const dataset = generateDataset({ envId: 'CartPole-v1', mix: [{ policy: 'expert', weight: 1 }], transitions: 5000, seed: 1 });
    const reports: TrainingReport[] = [];
    const backend = await session.start(
      { runId: 'worker-bc', dataset, algorithmId: 'bc', hyperparameters: { hidden: '64,64', batchSize: 64, updatesPerEval: 100, evalEpisodes: 2 }, backend: 'wasm', paused: true },
      Comlink.proxy((r: TrainingReport) => void reports.push(r)),
    );
    expect(backend.active).toBe('wasm');
    await session.step(10);
    const events = await session.setHyperparameters({ lr: 1e-3 });
    expect(events).toEqual([{ update: 10, key: 'lr', label: 'learning rate', from: 3e-4, to: 1e-3 }]);
    await expect(session.setHyperparameters({ lr: -1 })).rejects.toThrow(/learning rate \(lr\) must be between/);
    await session.step(5);
    const rows = reports.reduce((n, r) => n + (r.metrics?.rows ?? 0), 0);
    expect(rows).toBe(15);
    expect(reports.flatMap((r) => r.events)).toEqual(events);
    expect(reports.flatMap((r) => r.evaluations).length).toBeGreaterThanOrEqual(1); // the evaluation at update 0
    await session.resume();
    await new Promise((r) => setTimeout(r, 1500));
    await session.stop();
    // Reports come through their own port (a Comlink proxy), stop()'s answer through the worker's: the two are not
    // ordered, so the 'stopped' report may land just after stop() resolves. It must be the last one when it does.
    await expect.poll(() => reports[reports.length - 1].status).toBe('stopped');
    const last = reports[reports.length - 1];
    expect(last.update).toBeGreaterThan(15);
    expect(new Set(reports.map((r) => r.runId))).toEqual(new Set(['worker-bc'])); // every report names its run
  });
});
