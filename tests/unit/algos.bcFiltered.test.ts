import { beforeAll, describe, expect, it } from 'vitest';
import { bestEpisodeRows } from '../../src/core/algos/bcFiltered';
import { generateDataset } from '../../src/core/data/generate';
import { DeviceDataset } from '../../src/core/run/deviceDataset';
import { observationStats } from '../../src/core/data/statistics';
import { Rng } from '../../src/core/rng';
import { Trainer } from '../../src/core/run/trainer';
import { expectFlatTensorCount } from './helpers/algoRuns';
import { trainToEnd } from './helpers/evaluations';
import { useBackend } from './helpers/tfNode';
import { handMade } from './helpers/handDataset';

beforeAll(() => useBackend('wasm'));

// Returns: undiscounted 4, 5, 4, 4.5; with gamma 0.5: 3, 5, 1.875, 2.25.
const hand = handMade([[2, 2], [5], [1, 1, 1, 1], [0, 4.5]]);

describe('filtered BC row selection', () => {
  it('keeps the best episodes by undiscounted return with gamma 1', () => {
    expect(Array.from(bestEpisodeRows(hand, 50, 1))).toEqual([2, 7, 8]); // episodes 1 (5) and 3 (4.5)
  });

  it('ranks by discounted return: with gamma 0.5 the early rewards win', () => {
    expect(Array.from(bestEpisodeRows(hand, 50, 0.5))).toEqual([0, 1, 2]); // episodes 0 (3) and 1 (5)
  });

  it('keeps int(X% of episodes), at least one, and everything at 100%', () => {
    expect(Array.from(bestEpisodeRows(hand, 10, 1))).toEqual([2]); // int(0.4) = 0 -> the single best
    expect(Array.from(bestEpisodeRows(hand, 75, 1))).toEqual([0, 1, 2, 7, 8]); // 3 episodes; ties keep data order
    expect(bestEpisodeRows(hand, 100, 1).length).toBe(hand.size);
  });

  it('samples only the kept rows, and takes state statistics from them', () => {
    const keep = bestEpisodeRows(hand, 50, 1);
    const data = new DeviceDataset(hand, 0.99, null, keep);
    const batch = data.sample(200, new Rng(1), true);
    const seen = new Set(Array.from(batch.observations.dataSync()));
    expect([...seen].sort()).toEqual([2, 7, 8]);
    Object.values(batch).forEach((t) => t.dispose());
    data.dispose();
    expect(observationStats(hand, keep).mean[0]).toBeCloseTo((2 + 7 + 8) / 3, 5);
  });
});

describe('filtered BC on CartPole', () => {
  // 90% random, 10% expert transitions: about 400 short random episodes and 2 expert ones of 500 steps.
  const mixed = generateDataset({ envId: 'CartPole-v1', mix: [{ policy: 'random', weight: 0.9 }, { policy: 'expert', weight: 0.1 }], transitions: 10_000, seed: 1 });
  const hp = { hidden: '64,64', batchSize: 64, updatesPerEval: 250, maxUpdates: 1500, evalEpisodes: 5, seed: 3 };

  it('recovers from mixed data where plain BC is dragged down by the poor episodes', async () => {
    const best = async (algorithmId: string) => {
      const t = new Trainer({ dataset: mixed, algorithmId, hyperparameters: hp });
      const returns = (await trainToEnd(t)).map((e) => e.meanReturn);
      t.dispose();
      console.log(algorithmId, 'eval returns:', returns.map((r) => r.toFixed(0)).join(' '));
      return Math.max(...returns.slice(1));
    };
    const [bc, filtered] = [await best('bc'), await best('bc-filtered')];
    expect(bc).toBeLessThan(150);
    expect(filtered).toBeGreaterThan(250);
  });

  it('refuses to change the kept share while training (it selects the data once)', () => {
    const t = new Trainer({ dataset: mixed, algorithmId: 'bc-filtered' });
    expect(() => t.setHyperparameters({ topPercent: 50 })).toThrow(/best episodes kept \(%\) \(topPercent\) cannot change while the run trains/);
    t.dispose();
  });

  it('keeps the tensor count flat over 300 updates', async () => {
    await expectFlatTensorCount(mixed, 'bc-filtered', { updatesPerEval: 100, evalEpisodes: 1 });
  });
});
