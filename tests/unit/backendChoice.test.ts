import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { choiceKey, deviceKey, likelyFastest, validChoice, CHOICE_MAX_AGE_MS } from '../../src/core/tf/backendChoice';
import { generateDataset } from '../../src/core/data/generate';
import type { TrainingReport } from '../../src/core/run/events';
import { updateSubject } from '../../src/core/run/measure';
import { TrainingSession } from '../../src/core/run/session';
import { useBackend } from './helpers/tfNode';

describe('remembered backend choices', () => {
  const shape = { algorithmId: 'iql', observationDim: 17, actionDim: 6, discreteActions: null, hyperparameters: { hidden: '256,256', batchSize: 256, lr: 3e-4 } };
  const device = deviceKey('Mozilla/5.0 Chrome/140', 8, { description: 'nvidia ampere', fallback: false });

  it('are keyed by device, build and the network shape, not by learning rates', () => {
    const key = choiceKey(device, 'trainer.worker-abc.js', shape);
    expect(choiceKey(device, 'trainer.worker-abc.js', { ...shape, hyperparameters: { ...shape.hyperparameters, lr: 1e-3 } })).toBe(key);
    for (const other of [
      choiceKey(device, 'trainer.worker-def.js', shape), // the lab updated
      choiceKey(deviceKey('Mozilla/5.0 Chrome/140', 8, { description: 'swiftshader', fallback: true }), 'trainer.worker-abc.js', shape),
      choiceKey(device, 'trainer.worker-abc.js', { ...shape, hyperparameters: { ...shape.hyperparameters, hidden: '64,64' } }),
      choiceKey(device, 'trainer.worker-abc.js', { ...shape, hyperparameters: { ...shape.hyperparameters, batchSize: 1024 } }),
      choiceKey(device, 'trainer.worker-abc.js', { ...shape, algorithmId: 'cql' }),
      choiceKey(device, 'trainer.worker-abc.js', { ...shape, observationDim: 11 }),
    ])
      expect(other).not.toBe(key);
  });

  it('of a population are keyed by its size: K members measure and remember apart from a lone run and other sizes', () => {
    const lone = choiceKey(device, 'trainer.worker-abc.js', shape);
    const eight = choiceKey(device, 'trainer.worker-abc.js', { ...shape, members: 8 });
    expect(eight).not.toBe(lone);
    expect(eight).toMatch(/\|members=8$/);
    expect(choiceKey(device, 'trainer.worker-abc.js', { ...shape, members: 4 })).not.toBe(eight);
    expect(choiceKey(device, 'trainer.worker-abc.js', { ...shape, members: 1 })).toBe(lone); // a population of one is a lone run
  });

  it('start on WebGPU only with a hardware adapter, else on wasm', () => {
    expect(likelyFastest({ description: 'nvidia', fallback: false })).toBe('webgpu');
    expect(likelyFastest({ description: 'swiftshader', fallback: true })).toBe('wasm');
    expect(likelyFastest(null)).toBe('wasm');
  });

  it('ignore stored data that is malformed or old', () => {
    const now = 1_800_000_000_000;
    expect(validChoice({ active: 'wasm', measured: { wasm: 40, webgl: 25, webgpu: null, cpu: 'x' }, measuredAt: now - 1000 }, now)).toEqual({ active: 'wasm', measured: { wasm: 40, webgl: 25, webgpu: null }, measuredAt: now - 1000 });
    expect(validChoice({ active: 'tpu', measured: {}, measuredAt: now }, now)).toBeNull();
    expect(validChoice({ active: 'wasm', measured: {}, measuredAt: now - CHOICE_MAX_AGE_MS - 1 }, now)).toBeNull();
    expect(validChoice('wasm', now)).toBeNull();
    expect(validChoice(null, now)).toBeNull();
  });
});

describe('a session started from a remembered choice', () => {
  const dataset = generateDataset({ envId: 'CartPole-v1', mix: [{ policy: 'expert', weight: 1 }], transitions: 400, seed: 1 });
  const hyperparameters = { hidden: '32,32', batchSize: 32, evalEpisodes: 1, updatesPerEval: 100_000, maxUpdates: 1_000_000 };

  it('starts on the hinted backend without measuring, and moves to another between ticks with its weights and update count', async () => {
    await useBackend('wasm');
    const session = new TrainingSession({ tickMs: 20 });
    const reports: TrainingReport[] = [];
    try {
      const report = await session.start({ runId: 'r', dataset, algorithmId: 'bc', hyperparameters, backend: 'auto', backendHint: { name: 'cpu', reason: 'remembered: cpu', measured: { cpu: 11, wasm: 9 } }, paused: true }, (r) => reports.push(r));
      expect(report.active).toBe('cpu');
      expect(report.reason).toBe('remembered: cpu');
      expect(report.probes.map((p) => [p.name, p.updatesPerSecond])).toEqual([['cpu', 11], ['wasm', 9]]);
      expect(tf.getBackend()).toBe('cpu');

      await session.step(7);
      const before = await session.currentCheckpoint();
      const tensors = tf.memory().numTensors;
      const moved = await session.switchBackend('wasm', 'measured faster');
      expect(moved?.active).toBe('wasm');
      expect(tf.getBackend()).toBe('wasm');
      expect(reports.at(-1)?.notice).toMatch(/moved from cpu to wasm at update 7: measured faster/);
      const after = await session.currentCheckpoint();
      expect(after.update).toBe(7);
      expect(JSON.stringify(after.agent)).toBe(JSON.stringify(before.agent));
      expect(await session.switchBackend('wasm', 'again')).toBeNull(); // already there

      // Training goes on from there, running, on the new backend; the switch left no tensors behind.
      session.resume();
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if ((reports.at(-1)?.update ?? 0) > 20) {
            clearInterval(poll);
            resolve();
          }
        }, 10);
      });
      const running = await session.switchBackend('cpu', 'back');
      expect(running?.active).toBe('cpu');
      expect(session.getStatus()).toBe('running');
      const at = reports.at(-1)!.update;
      await new Promise((r) => setTimeout(r, 300));
      expect(reports.at(-1)!.update).toBeGreaterThan(at);
      expect(reports.every((r) => r.status === 'paused' || r.status === 'running')).toBe(true);
      await session.stop();
      expect(tf.memory().numTensors).toBeLessThanOrEqual(tensors);
      // The idle session (its run stopped) measures in the background for the page.
      const measured = await session.measureBackends({ algorithmId: 'bc', observationDim: 4, actionDim: 1, discreteActions: 2, hyperparameters: { hidden: '32,32', batchSize: 32 } });
      expect(measured.probes.filter((p) => p.updatesPerSecond !== null).map((p) => p.name).sort()).toEqual(['cpu', 'wasm']);
      expect(['cpu', 'wasm']).toContain(measured.active);
    } finally {
      await session.stop();
    }
  });

  it('a population starts on the choice remembered for its size, and measuring times its K-member update', async () => {
    await useBackend('wasm');
    const session = new TrainingSession({ tickMs: 20 });
    const members = [0, 1, 2].map((k) => ({ runId: `m${k}`, hyperparameters: { ...hyperparameters, seed: k } }));
    try {
      const report = await session.startPopulation({ dataset, algorithmId: 'bc', backend: 'auto', backendHint: { name: 'cpu', reason: 'remembered for 3 members: cpu', measured: { cpu: 5, wasm: 4 } }, members }, () => {});
      expect(report.active).toBe('cpu');
      expect(report.reason).toBe('remembered for 3 members: cpu');
      expect(tf.getBackend()).toBe('cpu');
      await session.stop();

      const spec = { algorithmId: 'bc', observationDim: 4, actionDim: 1, discreteActions: 2, hyperparameters: { hidden: '32,32', batchSize: 32 }, members: 3 };
      // What is measured is the population's update: one row of BC's metrics per member.
      const subject = updateSubject(spec);
      const metrics = await subject.update();
      expect(metrics.shape).toEqual([3, 4]);
      metrics.dispose();
      subject.dispose();
      const measured = await session.measureBackends(spec);
      expect(measured.probes.filter((p) => p.updatesPerSecond !== null).map((p) => p.name).sort()).toEqual(['cpu', 'wasm']);
    } finally {
      await session.stop();
      await useBackend('wasm');
    }
  });
});
