import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/core/data/dataset';
import { episodeReturns, episodeStarts } from '../../src/core/data/episodes';
import { generateDataset } from '../../src/core/data/generate';
import { bucketShares, cumulativeRowWeights, drawFromCumulative, returnWeights, trajectoryShares } from '../../src/core/data/trajectoryWeights';
import { DeviceDataset } from '../../src/core/run/deviceDataset';
import { defaultValues } from '../../src/core/run/hyperparameters';
import { runSchema } from '../../src/core/run/runSettings';
import { Trainer } from '../../src/core/run/trainer';
import { Rng } from '../../src/core/rng';
import { offlineData, withAndWithoutChange } from './helpers/algoRuns';
import { trainToEnd } from './helpers/evaluations';
import { handMade } from './helpers/handDataset';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

// Returns 4, 5, 1 and 10 (lengths 2, 1, 4, 2); observation i = row i.
const hand = handMade([[2, 2], [5], [0.25, 0.25, 0.25, 0.25], [0, 10]]);

/** The rows of `n` draws (the hand data's observations are row indices). */
function drawnRows(data: DeviceDataset, n: number, rng: Rng, needsNextState = false): number[] {
  const batch = data.sample(n, rng, needsNextState);
  const rows = Array.from(batch.observations.dataSync());
  Object.values(batch).forEach((t) => t.dispose());
  return rows;
}

/** Share of draws that fell in each episode. */
function episodeFrequencies(d: Dataset, rows: number[]): number[] {
  const starts = episodeStarts(d);
  const counts = new Array<number>(starts.length - 1).fill(0);
  for (const r of rows) counts[starts.findIndex((s, e) => r >= s && r < starts[e + 1])]++;
  return counts.map((c) => c / rows.length);
}

describe('return weights (Hong et al. 2023, RW)', () => {
  it('weighs each transition by exp(normalised return / α), the best episode 1', () => {
    // Ĝ = (G − 1) / 9 = 1/3, 4/9, 0, 1; with α = 0.5 the weights are exp((Ĝ − 1) / 0.5).
    const w = returnWeights([4, 5, 1, 10], 0.5);
    [Math.exp(-4 / 3), Math.exp(-10 / 9), Math.exp(-2), 1].forEach((x, i) => expect(w[i]).toBeCloseTo(x, 12));
    // A whole episode is drawn in proportion to length × weight.
    const shares = trajectoryShares([2, 1, 4, 2], w);
    const raw = [2 * Math.exp(-4 / 3), Math.exp(-10 / 9), 4 * Math.exp(-2), 2];
    const total = raw.reduce((a, b) => a + b, 0);
    raw.forEach((x, i) => expect(shares[i]).toBeCloseTo(x / total, 12));
    // The softmax is invariant to shifting and scaling the returns (they are normalised first).
    Array.from(returnWeights([40, 50, 10, 100], 0.5)).forEach((x, i) => expect(x).toBeCloseTo(w[i], 12));
  });

  it('is uniform when returns are equal, nearly so at a high temperature, and all on the best at a low one', () => {
    expect(Array.from(returnWeights([3, 3, 3], 0.1))).toEqual([1, 1, 1]);
    Array.from(returnWeights([0, 5, 10], 100)).forEach((x) => expect(x).toBeGreaterThan(0.99));
    const cold = trajectoryShares([10, 10, 1], returnWeights([0, 5, 10], 0.01));
    expect(cold[2]).toBeGreaterThan(0.999);
    expect(Array.from(trajectoryShares([1, 3], null))).toEqual([0.25, 0.75]);
    expect(() => returnWeights([1, 2], 0)).toThrow(/temperature must be positive/);
  });

  it('gives the share of sampled rows in each return bucket', () => {
    // Buckets [0, 5) and [5, 10]: returns 4 and 1 in the first, 5 and 10 in the second.
    const w = returnWeights([4, 5, 1, 10], 0.5);
    const shares = trajectoryShares([2, 1, 4, 2], w);
    const buckets = bucketShares([4, 5, 1, 10], [2, 1, 4, 2], w, [0, 5, 10]);
    expect(buckets[0]).toBeCloseTo(shares[0] + shares[2], 12);
    expect(buckets[1]).toBeCloseTo(shares[1] + shares[3], 12);
    expect(Array.from(bucketShares([4, 5, 1, 10], [2, 1, 4, 2], null, [0, 5, 10]))).toEqual([6 / 9, 3 / 9]);
  });

  it('draws by binary search in the cumulative row weights', () => {
    const table = cumulativeRowWeights(Int32Array.from([0, 2, 3]), [1, 2], null); // rows 0, 1 weigh 1; row 2 weighs 2
    expect(Array.from(table)).toEqual([1, 2, 4]);
    expect([0, 0.2499, 0.25, 0.4999, 0.5, 0.9999].map((u) => drawFromCumulative(table, u))).toEqual([0, 0, 1, 1, 2, 2]);
    expect(Array.from(cumulativeRowWeights(Int32Array.from([0, 2, 3]), [1, 2], Int32Array.from([1, 2])))).toEqual([1, 3]);
  });
});

describe('the batch sampler', () => {
  it('samples uniformly by default, row for row as before the setting existed', () => {
    expect(defaultValues(runSchema).sampling).toBe('uniform');
    const t = new Trainer({ dataset: hand, algorithmId: 'bc' });
    expect(t.hyperparameters.sampling).toBe('uniform');
    t.dispose();
    const plain = new DeviceDataset(hand);
    const uniform = new DeviceDataset(hand);
    uniform.setSampling('return-weighted', 0.1);
    uniform.setSampling('uniform', 0.1);
    const [a, b, ref] = [new Rng(5), new Rng(5), new Rng(5)];
    const expected = Array.from({ length: 64 }, () => ref.int(hand.size)); // the sampler's original draw
    expect(drawnRows(plain, 64, a)).toEqual(expected);
    expect(drawnRows(uniform, 64, b)).toEqual(expected);
    plain.dispose();
    uniform.dispose();
  });

  it('is deterministic: the same seed draws the same weighted rows', () => {
    const rows = [1, 2].map(() => {
      const data = new DeviceDataset(hand);
      data.setSampling('return-weighted', 0.3);
      const out = drawnRows(data, 256, new Rng(11));
      data.dispose();
      return out;
    });
    expect(rows[0]).toEqual(rows[1]);
  });

  it("draws episodes as often as their weights say, and steps uniformly within them", () => {
    const data = new DeviceDataset(hand);
    data.setSampling('return-weighted', 0.5);
    const n = 40_000;
    const rows = drawnRows(data, n, new Rng(2));
    const expected = trajectoryShares([2, 1, 4, 2], returnWeights(episodeReturns(hand), 0.5));
    const seen = episodeFrequencies(hand, rows);
    console.log('expected episode shares', Array.from(expected, (x) => x.toFixed(4)).join(' '), '| drawn', seen.map((x) => x.toFixed(4)).join(' '));
    seen.forEach((f, e) => expect(Math.abs(f - expected[e])).toBeLessThan(0.01)); // binomial sd at most 0.0025
    // Within the 4-step episode (rows 3..6) each step is a quarter of its draws.
    const inside = rows.filter((r) => r >= 3 && r <= 6);
    for (let r = 3; r <= 6; r++) expect(Math.abs(inside.filter((x) => x === r).length / inside.length - 0.25)).toBeLessThan(0.04);
    data.dispose();
  });

  it('keeps to the kept rows and to rows with a successor, weighted within them', () => {
    const noSuccessor = { ...hand, nextValid: Uint8Array.from([1, 1, 1, 1, 1, 1, 1, 1, 0]) }; // the last row of the best episode
    const data = new DeviceDataset(noSuccessor, 0.99, null, Int32Array.from([0, 2, 7, 8]));
    data.setSampling('return-weighted', 0.5);
    const w = returnWeights(episodeReturns(hand), 0.5); // per row: episode 0, 1, 3 (row 7 only: 8 has no successor)
    const rows = drawnRows(data, 20_000, new Rng(4), true);
    expect(new Set(rows)).toEqual(new Set([0, 2, 7]));
    const total = w[0] + w[1] + w[3];
    expect(Math.abs(rows.filter((r) => r === 7).length / rows.length - w[3] / total)).toBeLessThan(0.015);
    expect(Math.abs(rows.filter((r) => r === 0).length / rows.length - w[0] / total)).toBeLessThan(0.015);
    data.dispose();
  });
});

describe('return-weighted sampling in a run', () => {
  const mixed = offlineData('CartPole-v1', [{ policy: 'random', weight: 95 }, { policy: 'expert', weight: 5 }], 2000);

  it('changes live, as an event, and the temperature alone does nothing while sampling is uniform', async () => {
    const weighted = await withAndWithoutChange(mixed, 'bc', {}, { sampling: 'return-weighted', samplingTemperature: 0.05 });
    expect(weighted.events.map((e) => [e.key, e.from, e.to])).toEqual([
      ['sampling', 'uniform', 'return-weighted'],
      ['samplingTemperature', 0.1, 0.05],
    ]);
    expect(Array.from(weighted.withChange.values)).not.toEqual(Array.from(weighted.without.values));
    const unused = await withAndWithoutChange(mixed, 'bc', {}, { samplingTemperature: 2 });
    expect(unused.events).toHaveLength(1);
    expect(Array.from(unused.withChange.values)).toEqual(Array.from(unused.without.values));
  });

  // The paper's claim (Hong et al. 2023, Sec. 5): on datasets where a few high-return trajectories sit among many
  // low-return ones, re-weighting by return lets the offline learner follow the good ones instead of the average
  // behaviour. Here: CartPole, 95% random and 5% expert transitions (about 430 random episodes of ~22 steps and one
  // expert episode of 500), BC 32x32, 1,000 updates, seeds 3 and 4, final evaluation over 10 episodes. Measured (wasm):
  // uniform 28 and 21, return-weighted (α = 0.1) 476 and 308 (with evaluations every 250 updates, uniform stays at
  // 9-50 throughout while return-weighted reaches 272-500 from update 500 on).
  it('lets BC follow the few expert episodes among random ones, where uniform BC does not', async () => {
    const d = generateDataset({ envId: 'CartPole-v1', mix: [{ policy: 'random', weight: 95 }, { policy: 'expert', weight: 5 }], transitions: 10_000, seed: 1 });
    const final = async (sampling: string, seed: number) => {
      const t = new Trainer({ dataset: d, algorithmId: 'bc', hyperparameters: { hidden: '32,32', batchSize: 64, updatesPerEval: 1000, maxUpdates: 1000, evalEpisodes: 10, seed, sampling } });
      const returns = (await trainToEnd(t)).map((e) => e.meanReturn);
      t.dispose();
      console.log(sampling, 'seed', seed, 'eval returns:', returns.map((r) => r.toFixed(0)).join(' '));
      return returns[returns.length - 1];
    };
    for (const seed of [3, 4]) {
      const [uniform, weighted] = [await final('uniform', seed), await final('return-weighted', seed)];
      expect(uniform).toBeLessThan(100);
      expect(weighted).toBeGreaterThan(250);
    }
  }, 60_000);
});
