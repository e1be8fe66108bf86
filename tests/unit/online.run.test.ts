import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../src/core/data/generate';
import type { TrainingEpisode } from '../../src/core/run/envCollector';
import { Trainer } from '../../src/core/run/trainer';
import { mean, offlineData } from './helpers/algoRuns';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

/** A CartPole dataset that keeps its environment: online runs act in it. */
const cartpole = generateDataset({ envId: 'CartPole-v1', mix: [{ policy: 'medium', weight: 1 }], transitions: 2000, seed: 3 });

/** Ticks until `done`; returns the training episodes seen. */
async function runUntil(t: Trainer, done: () => boolean): Promise<TrainingEpisode[]> {
  const episodes: TrainingEpisode[] = [];
  while (!done() && !t.finished) episodes.push(...((await t.run(1e9, 200)).episodes ?? []));
  return episodes;
}

describe('online learning on CartPole', () => {
  it('PPO with the zoo settings: the training return clearly rises within 8k environment steps (seed 0)', async () => {
    const t = new Trainer({ dataset: cartpole, algorithmId: 'ppo', hyperparameters: { seed: 0, totalEnvSteps: 8192, updatesPerEval: 1e6 } });
    try {
      const episodes = await runUntil(t, () => false);
      expect(t.envSteps).toBe(8192);
      // 32 rollouts of 8 x 32 steps, 20 epochs of one 256-row minibatch each.
      expect(t.update).toBe(32 * 20);
      const first = mean(episodes.slice(0, 20).map((e) => e.return));
      const last = mean(episodes.slice(-10).map((e) => e.return));
      expect(first).toBeLessThan(40); // a random policy balances about 22 steps
      expect(last).toBeGreaterThan(3 * first); // measured: 26 -> 135 (seed 1: 19 -> 206)
      expect(episodes.at(-1)!.envSteps).toBeLessThanOrEqual(8192);
    } finally {
      t.dispose();
    }
  }, 60_000);
});

describe('online runs keep the tensor count flat while the buffer grows', () => {
  for (const [algorithmId, extra] of [
    ['dqn-online', { trainFrequency: 4, gradientSteps: 1, batchSize: 32 }],
    ['ppo', { numEnvs: 4, numSteps: 16, epochs: 2, batchSize: 32 }],
  ] as const) {
    it(algorithmId, async () => {
      const t = new Trainer({ dataset: cartpole, algorithmId, hyperparameters: { hidden: '32,32', totalEnvSteps: 1e6, updatesPerEval: 1e6, ...extra } });
      try {
        await runUntil(t, () => t.envSteps >= 200);
        const before = tf.memory().numTensors;
        const steps = t.envSteps;
        await runUntil(t, () => t.envSteps >= steps + 1000);
        expect(t.envSteps).toBeGreaterThanOrEqual(steps + 1000);
        expect(tf.memory().numTensors).toBe(before);
        // What the acting policy saw, saved as a "replay" dataset: whole episodes in a row, each ending in a terminal or a time-out.
        const replay = t.replayDataset('replay');
        expect(replay.source).toBe('replay');
        expect(replay.size).toBeGreaterThan(500);
        expect(replay.size).toBeLessThanOrEqual(t.envSteps);
        let ends = 0;
        for (let i = 0; i < replay.size; i++) {
          const end = replay.terminals[i] + replay.timeouts[i];
          ends += end;
          if (!end && i + 1 < replay.size) for (let k = 0; k < 4; k++) expect(replay.observations[(i + 1) * 4 + k]).toBe(replay.nextObservations[i * 4 + k]);
        }
        expect(ends).toBe(replay.episodes);
        expect(replay.terminals[replay.size - 1] + replay.timeouts[replay.size - 1]).toBe(1);
      } finally {
        t.dispose();
      }
    }, 60_000);
  }
});

describe('offline-to-online fine-tuning', () => {
  it('an offline IQL run switches online: an event, one env step per update, the offline share as a series and live', async () => {
    const t = new Trainer({ dataset: cartpole, algorithmId: 'iql', hyperparameters: { hidden: '32,32', batchSize: 32, updatesPerEval: 1e6 } });
    try {
      await t.run(1e9, 20);
      expect(t.envSteps).toBe(0);
      const [event] = t.setHyperparameters({ interaction: 'online' });
      expect(event).toMatchObject({ update: 20, key: 'interaction', from: 'offline', to: 'online' });
      const tick = await t.run(1e9, 30);
      expect(t.envSteps).toBe(30);
      expect(tick.events.map((e) => e.key)).toEqual(['interaction']);
      const names = tick.metrics!.names;
      const share = (m: typeof tick.metrics) => m!.values[(m!.rows - 1) * names.length + names.indexOf('offline_share')];
      expect(share(tick.metrics)).toBe(0.5);
      t.setHyperparameters({ offlineShare: 0.25 });
      const after = await t.run(1e9, 5);
      expect(share(after.metrics)).toBe(0.25);
      expect(after.events[0]).toMatchObject({ key: 'offlineShare', from: 0.5, to: 0.25 });
      const ck = await t.checkpoint();
      expect(ck.envSteps).toBe(35);
    } finally {
      t.dispose();
    }
  });

  it('a checkpoint of another (offline) run continues online as a fork, its update count and weights kept', async () => {
    const offline = new Trainer({ dataset: cartpole, algorithmId: 'iql', hyperparameters: { hidden: '32,32', batchSize: 32, updatesPerEval: 1e6 } });
    await offline.run(1e9, 10);
    const ck = await offline.checkpoint();
    offline.dispose();
    const fork = Trainer.restore({ dataset: cartpole, algorithmId: 'iql' }, ck, { interaction: 'online' });
    try {
      expect(fork.update).toBe(10);
      await fork.run(1e9, 5);
      expect(fork.update).toBe(15);
      expect(fork.envSteps).toBe(5);
    } finally {
      fork.dispose();
    }
  });

  it('refuses to switch where it cannot act, naming the problem, and changes nothing', async () => {
    const noEnv = offlineData('CartPole-v1', [{ policy: 'medium', weight: 1 }], 500);
    const t = new Trainer({ dataset: noEnv, algorithmId: 'iql', hyperparameters: { hidden: '32,32', batchSize: 16 } });
    try {
      expect(() => t.setHyperparameters({ interaction: 'online', offlineShare: 0.3 })).toThrow(/no environment to interact with/);
      expect(t.hyperparameters.interaction).toBe('offline');
      expect(t.hyperparameters.offlineShare).toBe(0.5);
    } finally {
      t.dispose();
    }
    expect(() => new Trainer({ dataset: noEnv, algorithmId: 'dqn-online' })).toThrow(/has no environment to interact with/);
  });
});
