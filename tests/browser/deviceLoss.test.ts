import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../src/core/data/generate';
import type { TrainingReport } from '../../src/core/run/events';
import { TrainingSession } from '../../src/core/run/session';
import { wasmFiles } from '../../workers/wasmFiles';

// A real lost WebGPU device (destroyed mid-run) in headless Chromium: the session must resume on wasm from its
// last checkpoint and say so. The session runs on the page's thread here so the test can reach the device.
describe('losing the GPU device mid-run', () => {
  it('falls back to wasm, resumes from the checkpoint and reports it', async () => {
    const session = new TrainingSession({ tickMs: 50, wasmFiles });
    const dataset = generateDataset({ envId: 'CartPole-v1', mix: [{ policy: 'expert', weight: 1 }], transitions: 2000, seed: 1 });
    const reports: TrainingReport[] = [];
    const backend = await session.start(
      { runId: 'device-loss', dataset, algorithmId: 'bc', hyperparameters: { hidden: '32,32', batchSize: 32, updatesPerEval: 20, evalEpisodes: 1 }, backend: 'webgpu', paused: true },
      (r) => void reports.push(r),
    );
    if (backend.active !== 'webgpu') throw new Error(`this test needs WebGPU in Chromium (--enable-unsafe-webgpu); it got ${backend.active}: ${JSON.stringify(backend.probes)}`);
    await session.step(25); // passes the evaluation (and checkpoint) at update 20
    const device = (tf.backend() as unknown as { device: { destroy(): void } }).device;
    device.destroy();
    await session.step(10);
    const notice = reports.find((r) => r.notice);
    expect(notice?.notice).toMatch(/The webgpu backend failed \(.+\)\. Training resumed on wasm from the checkpoint at update 20/);
    expect(notice?.backend?.active).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(session.getStatus()).toBe('paused');
    await session.step(10);
    const last = reports[reports.length - 1];
    expect(last.update).toBeGreaterThanOrEqual(30);
    expect(last.metrics?.values.every(Number.isFinite)).toBe(true);
    await session.stop();
  });
});
