import { beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../src/core/data/generate';
import { ReplayBuffer, snapshotRowBytes } from '../../src/core/run/replayBuffer';
import { REPLAY_CHECKPOINT_BYTES, Trainer } from '../../src/core/run/trainer';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

/** Row i: observation [i], action [10 i], reward i; an episode of stream 0 ends at rows 2 and 5. */
function filled(capacity: number, rows: number): ReplayBuffer {
  const b = new ReplayBuffer(capacity, 1, 1, 0.5);
  for (let i = 0; i < rows; i++) b.add(0, [i], [10 * i], i, [i + 1], i === 2, i === 2 || i === 5);
  return b;
}

describe('replay buffer snapshot', () => {
  it('keeps the latest rows oldest first, across the ring\'s wrap, with their returns and closed flags', () => {
    const b = filled(4, 7); // rows 3..6 are left; 3..5 closed at the end of the second episode, 6 still open
    const snap = b.snapshot();
    expect(snap.rows).toBe(4);
    expect(Array.from(snap.observations)).toEqual([3, 4, 5, 6]);
    expect(Array.from(snap.actions)).toEqual([30, 40, 50, 60]);
    expect(Array.from(snap.closed)).toEqual([1, 1, 1, 0]);
    // Returns-to-go of the episode 3, 4, 5 with gamma 0.5: G5 = 5, G4 = 4 + 2.5, G3 = 3 + 3.25.
    expect(Array.from(snap.mcReturns)).toEqual([6.25, 6.5, 5, 0]);
    expect(Array.from(b.snapshot(2).observations)).toEqual([5, 6]);
  });

  it('restores into a smaller buffer keeping the latest rows; the ring goes on from there', () => {
    const b = new ReplayBuffer(3, 1, 1, 0.5);
    b.restore(filled(4, 7).snapshot());
    expect(b.size).toBe(3);
    expect(b.closedRows).toBe(2);
    expect(Array.from(b.observations)).toEqual([4, 5, 6]);
    b.add(1, [7], [70], 7, [8], false, false); // overwrites the oldest, row 4
    expect(Array.from(b.observations)).toEqual([7, 5, 6]);
    expect(b.closedRows).toBe(1);
  });

  it('names a shape mismatch, and refuses a buffer already in use', () => {
    const snap = filled(4, 7).snapshot();
    expect(() => new ReplayBuffer(4, 2, 1, 0.5).restore(snap)).toThrow(/1 observation and 1 action numbers, this buffer 2 and 1/);
    expect(() => filled(4, 1).restore(snap)).toThrow(/empty buffer only/);
    expect(snapshotRowBytes(4, 1)).toBe(4 * (2 * 4 + 1 + 3) + 1);
  });
});

describe('an online run\'s checkpoint carries its replay buffer', () => {
  const cartpole = generateDataset({ envId: 'CartPole-v1', mix: [{ policy: 'medium', weight: 1 }], transitions: 1000, seed: 3 });
  const config = { dataset: cartpole, algorithmId: 'dqn-online', hyperparameters: { seed: 1, hidden: '32,32', learningStarts: 400, trainFrequency: 4, gradientSteps: 1, batchSize: 32, totalEnvSteps: 1e6, updatesPerEval: 1e6 } };

  it('a restored DQN run has the same rows and updates at once; without them it waits learningStarts steps again', async () => {
    // One trainer at a time: their variables share names.
    const t = new Trainer(config);
    while (t.envSteps < 600) await t.run(1e9, 50);
    const checkpoint = await t.checkpoint();
    t.dispose();
    const replay = checkpoint.replay!;
    expect(replay.rows).toBe(checkpoint.envSteps); // one environment copy: one row per step, all kept
    expect(replay.rows * snapshotRowBytes(4, 1)).toBeLessThan(REPLAY_CHECKPOINT_BYTES);

    const resumed = Trainer.restore(config, checkpoint);
    try {
      await resumed.run(1e9, 1);
      expect(resumed.update).toBe(checkpoint.update + 1);
      expect(resumed.envSteps - checkpoint.envSteps!).toBeLessThanOrEqual(4); // one round of trainFrequency steps
      const again = (await resumed.checkpoint()).replay!;
      // The restored rows, then the new ones.
      expect(Array.from(again.rewards.subarray(0, replay.rows))).toEqual(Array.from(replay.rewards));
      expect(Array.from(again.observations.subarray(0, replay.observations.length))).toEqual(Array.from(replay.observations));
      expect(again.rows).toBe(resumed.envSteps);
    } finally {
      resumed.dispose();
    }
    const bare = Trainer.restore(config, { ...checkpoint, replay: undefined });
    try {
      await bare.run(1e9, 1);
      expect(bare.envSteps - checkpoint.envSteps!).toBeGreaterThanOrEqual(400);
    } finally {
      bare.dispose();
    }
  }, 60_000);

  it('an offline run\'s checkpoint carries none', async () => {
    const t = new Trainer({ dataset: cartpole, algorithmId: 'bc', hyperparameters: { seed: 1, hidden: '32,32', maxUpdates: 5, updatesPerEval: 1e6 } });
    try {
      await t.run(1e9, 2);
      expect((await t.checkpoint()).replay).toBeUndefined();
    } finally {
      t.dispose();
    }
  });
});
