import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../src/core/data/generate';
import { HyperparameterError } from '../../src/core/run/hyperparameters';
import { Trainer } from '../../src/core/run/trainer';
import { useBackend } from './helpers/tfNode';

const expert = generateDataset({ envId: 'CartPole-v1', mix: [{ policy: 'expert', weight: 1 }], transitions: 10_000, seed: 1 });
const random = generateDataset({ envId: 'CartPole-v1', mix: [{ policy: 'random', weight: 1 }], transitions: 10_000, seed: 2 });

beforeAll(() => useBackend('wasm'));

describe('behaviour cloning on CartPole', () => {
  it('lowers the loss on a fixed batch', async () => {
    const t = new Trainer({ dataset: expert, algorithmId: 'bc', hyperparameters: { updatesPerEval: 100000, batchSize: 128, hidden: '64,64' } });
    const tick = await t.run(60_000, 200);
    const loss = tick.metrics!;
    const first = loss.values[0];
    const last = loss.values[(loss.rows - 1) * loss.names.length];
    expect(loss.names[0]).toBe('loss');
    expect(first).toBeGreaterThan(0.5); // about ln 2 before training
    expect(last).toBeLessThan(first * 0.5);
    t.dispose();
  });

  it('reaches the maximum return 500 on expert data, and not on random data', async () => {
    // A small network keeps this fast; the default 256x256 learns the same way, only slower on a CPU.
    const hp = { updatesPerEval: 250, maxUpdates: 2000, evalEpisodes: 5, seed: 3, hidden: '64,64', batchSize: 64 };
    const best = async (dataset: typeof expert) => {
      const t = new Trainer({ dataset, algorithmId: 'bc', hyperparameters: hp });
      const returns: number[] = [];
      do for (const ev of (await t.run(60_000)).evaluations) returns.push(ev.meanReturn);
      while (!t.finished);
      t.dispose();
      return returns;
    };
    const onExpert = await best(expert);
    expect(onExpert[0]).toBeLessThan(200); // the untrained policy falls over
    expect(Math.max(...onExpert)).toBe(500);
    const onRandom = await best(random);
    expect(Math.max(...onRandom)).toBeLessThan(200);
  });

  it('keeps the tensor count flat over 1,000 updates', async () => {
    const t = new Trainer({ dataset: expert, algorithmId: 'bc', hyperparameters: { updatesPerEval: 250, batchSize: 64, hidden: '64,64' } });
    await t.run(60_000, 50); // warm-up
    const before = tf.memory().numTensors;
    let done = 0;
    while (done < 1000) {
      const u = t.update;
      await t.run(60_000, 1000 - done);
      done += t.update - u;
    }
    expect(t.update).toBeGreaterThanOrEqual(1050);
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });

  it('rejects a NaN or negative learning rate with a message naming it, and keeps the old value', () => {
    const t = new Trainer({ dataset: expert, algorithmId: 'bc' });
    expect(() => t.setHyperparameters({ lr: NaN })).toThrow(/learning rate \(lr\) must be a finite number, got NaN/);
    expect(() => t.setHyperparameters({ lr: -0.001 })).toThrow('learning rate (lr) must be between 1e-6 and 1, got -1e-3');
    expect(() => t.setHyperparameters({ lr: -0.001 })).toThrow(HyperparameterError);
    expect(() => t.setHyperparameters({ hidden: '64,64' })).toThrow(/cannot change while the run trains/);
    expect(() => t.setHyperparameters({ bogus: 1 })).toThrow(/has no hyperparameter "bogus"/);
    expect(t.hyperparameters.lr).toBe(3e-4);
    expect(() => new Trainer({ dataset: expert, algorithmId: 'bc', hyperparameters: { lr: Number.NaN } })).toThrow(/learning rate/);
    t.dispose();
  });

  it('records a live learning-rate change as an event at the next update', async () => {
    const t = new Trainer({ dataset: expert, algorithmId: 'bc', hyperparameters: { updatesPerEval: 100000 } });
    await t.run(60_000, 10);
    const events = t.setHyperparameters({ lr: 1e-3 });
    expect(events).toEqual([{ update: 10, key: 'lr', label: 'learning rate', from: 3e-4, to: 1e-3 }]);
    const tick = await t.run(60_000, 5);
    expect(tick.events).toEqual(events);
    expect(t.setHyperparameters({ lr: 1e-3 })).toEqual([]); // unchanged value: no event
    t.dispose();
  });

  it('gives the same curve for the same seed', async () => {
    const curve = async () => {
      const t = new Trainer({ dataset: expert, algorithmId: 'bc', hyperparameters: { updatesPerEval: 100000, hidden: '32,32', seed: 5 } });
      const m = (await t.run(60_000, 20)).metrics!;
      t.dispose();
      return Array.from(m.values);
    };
    expect(await curve()).toEqual(await curve());
  });
});
