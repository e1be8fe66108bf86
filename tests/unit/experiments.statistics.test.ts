import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng';
import { smoothDebiasedEma } from '../../src/core/experiments/smoothing';
import {
  iqm,
  mean,
  performanceProfile,
  quantile,
  standardError,
  stratifiedBootstrapCI,
  stratifiedBootstrapReplicates,
  summarize,
} from '../../src/core/experiments/statistics';

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('mean, IQM, standard error', () => {
  it('mean by hand, and an empty list is named', () => {
    expect(mean([1, 2, 3, 6])).toBe(3);
    expect(() => mean([])).toThrow(/mean of an empty list/);
  });

  it('IQM trims floor(n/4) from each end, as scipy.stats.trim_mean(x, 0.25)', () => {
    expect(iqm(range(1, 8))).toBe(4.5); // mean of 3, 4, 5, 6
    expect(iqm([8, 1, 7, 2, 6, 3, 5, 4])).toBe(4.5); // order does not matter
    expect(iqm([100, 2, 3, 4, -50])).toBe(3); // n = 5: one cut from each end, mean of 2, 3, 4
    expect(iqm([1, 2, 3, 4])).toBe(2.5); // n = 4: mean of 2, 3
    expect(iqm([1, 2, 30])).toBe(11); // n < 4 cuts nothing
    expect(iqm([7])).toBe(7);
    expect(iqm(range(1, 9))).toBe(5); // n = 9: cut 2 from each end, mean of 3..7
    expect(() => iqm([])).toThrow(/IQM of an empty list/);
  });

  it('IQM leaves its input alone and propagates NaN', () => {
    const xs = [3, 1, 2, 0];
    iqm(xs);
    expect(xs).toEqual([3, 1, 2, 0]);
    expect(iqm([1, NaN, 3, 4])).toBeNaN();
  });

  it('standard error is sample std (ddof 1) / sqrt(n), 0 for one value', () => {
    // [1, 2, 3, 4]: mean 2.5, squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5, var 5/3, SE sqrt(5/3)/2.
    expect(standardError([1, 2, 3, 4])).toBeCloseTo(Math.sqrt(5 / 3) / 2, 12);
    // [2, 4]: var (1 + 1)/1 = 2, SE sqrt(2)/sqrt(2) = 1.
    expect(standardError([2, 4])).toBeCloseTo(1, 12);
    expect(standardError([5])).toBe(0);
    expect(() => standardError([])).toThrow(/standard error of an empty list/);
  });
});

describe('quantile (numpy linear)', () => {
  it('matches np.quantile values computed by hand', () => {
    // np.quantile([1, 2, 3, 4], q): virtual index 3q.
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantile([4, 3, 2, 1], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0)).toBe(1);
    expect(quantile([1, 2, 3, 4], 1)).toBe(4);
    // [0, 5, 10] at 0.9: index 1.8, 5 + 0.8 * 5 = 9.
    expect(quantile([10, 0, 5], 0.9)).toBeCloseTo(9, 12);
    // [0, 10] at 0.025: index 0.025 -> 0.25.
    expect(quantile([0, 10], 0.025)).toBeCloseTo(0.25, 12);
    expect(quantile([3], 0.7)).toBe(3);
  });

  it('names bad input', () => {
    expect(() => quantile([], 0.5)).toThrow(/quantile of an empty list/);
    expect(() => quantile([1], 1.5)).toThrow(/q must be in \[0, 1\], got 1.5/);
    expect(() => quantile([1], NaN)).toThrow(/q must be in \[0, 1\]/);
  });
});

describe('stratified bootstrap (rliable)', () => {
  const normals = (n: number, seed: number): number[] => {
    const rng = new Rng(seed);
    return Array.from({ length: n }, () => rng.normal(1, 2));
  };

  it('contains the point and is deterministic per seed', () => {
    const scores = [normals(10, 1)];
    const a = stratifiedBootstrapCI(scores, mean, { seed: 3 });
    const b = stratifiedBootstrapCI(scores, mean, { seed: 3 });
    const c = stratifiedBootstrapCI(scores, mean, { seed: 4 });
    expect(a.point).toBeCloseTo(mean(scores[0]), 12);
    expect(a.lo).toBeLessThan(a.point);
    expect(a.hi).toBeGreaterThan(a.point);
    expect(b).toEqual(a);
    expect(c.lo).not.toBe(a.lo);
    // No seed given: a fixed default, so a redrawn chart does not flicker.
    expect(stratifiedBootstrapCI(scores, mean)).toEqual(stratifiedBootstrapCI(scores, mean));
  });

  it('shrinks with more runs', () => {
    const width = (n: number): number => {
      const { lo, hi } = stratifiedBootstrapCI([normals(n, 7)], iqm, { seed: 1 });
      return hi - lo;
    };
    expect(width(100)).toBeLessThan(width(5) / 2);
  });

  it('is [v, v] for identical values, and for one run per task', () => {
    const c = stratifiedBootstrapCI([[0.3, 0.3, 0.3]], mean);
    expect(c.point).toBeCloseTo(0.3, 15); // the summed mean may round in the last bit, but the same way every time
    expect([c.lo, c.hi]).toEqual([c.point, c.point]);
    expect(stratifiedBootstrapCI([[2, 2, 2, 2, 2]], iqm)).toEqual({ point: 2, lo: 2, hi: 2 });
    expect(stratifiedBootstrapCI([[1], [5]], mean)).toEqual({ point: 3, lo: 3, hi: 3 });
  });

  it('has the exact replicate distribution of a tiny case: runs 0 and 1', () => {
    // Replicate means 0, 0.5, 1 with probabilities 1/4, 1/2, 1/4.
    const reps = stratifiedBootstrapReplicates([[0, 1]], mean, { reps: 8000, seed: 5 });
    const freq = (v: number): number => reps.filter((r) => r === v).length / reps.length;
    expect(freq(0) + freq(0.5) + freq(1)).toBe(1);
    expect(freq(0)).toBeCloseTo(0.25, 1);
    expect(freq(0.5)).toBeCloseTo(0.5, 1);
    expect(freq(1)).toBeCloseTo(0.25, 1);
    // So the 2.5% and 97.5% percentiles fall inside the 0 and 1 masses.
    expect(stratifiedBootstrapCI([[0, 1]], mean)).toEqual({ point: 0.5, lo: 0, hi: 1 });
  });

  it('resamples within tasks, not across them', () => {
    // Task 2 is constant: replicate means are (a + b + 20) / 4 for a, b in {0, 1}, i.e. 5, 5.25, 5.5.
    const reps = stratifiedBootstrapReplicates([[0, 1], [10, 10]], mean, { reps: 2000, seed: 2 });
    expect(new Set(reps)).toEqual(new Set([5, 5.25, 5.5]));
    expect(stratifiedBootstrapCI([[0, 1], [10, 10]], mean)).toEqual({ point: 5.25, lo: 5, hi: 5.5 });
  });

  it('names bad input', () => {
    expect(() => stratifiedBootstrapCI([], mean)).toThrow(/at least one task/);
    expect(() => stratifiedBootstrapCI([[1], []], mean)).toThrow(/task 1 has none/);
    expect(() => stratifiedBootstrapCI([[1, 2]], mean, { reps: 0 })).toThrow(/reps must be a positive integer, got 0/);
    expect(() => stratifiedBootstrapCI([[1, 2]], mean, { confidence: 1 })).toThrow(/confidence must be in \(0, 1\), got 1/);
  });
});

describe('performance profile (rliable run-score distribution)', () => {
  it('is the fraction of runs strictly above tau, by hand', () => {
    const profile = performanceProfile([[0, 1, 2, 3]], [-1, 0, 1.5, 3]);
    expect(profile.map((p) => p.fraction)).toEqual([1, 0.75, 0.5, 0]);
    expect(profile.map((p) => p.tau)).toEqual([-1, 0, 1.5, 3]);
    // Below every run or at/above every run, every replicate agrees.
    expect(profile[0]).toMatchObject({ lo: 1, hi: 1 });
    expect(profile[3]).toMatchObject({ lo: 0, hi: 0 });
    for (const p of profile) {
      expect(p.lo).toBeLessThanOrEqual(p.fraction);
      expect(p.hi).toBeGreaterThanOrEqual(p.fraction);
    }
  });

  it('is stratified: a tau between the tasks gives the same fraction in every replicate', () => {
    // Task 1 is always below 1.5, task 2 always above: every replicate has exactly half its runs above.
    const [p] = performanceProfile([[0, 1], [2, 3]], [1.5]);
    expect(p).toEqual({ tau: 1.5, fraction: 0.5, lo: 0.5, hi: 0.5 });
    // Within task 1, tau 0.5 splits it: 0, 1 or 2 of its 2 runs above, of 4 runs in all.
    const [q] = performanceProfile([[0, 1], [2, 3]], [0.5], { seed: 9 });
    expect(q).toEqual({ tau: 0.5, fraction: 0.75, lo: 0.5, hi: 1 });
  });
});

describe('summarize', () => {
  it('centre and band by hand', () => {
    const xs = [1, 2, 3, 4];
    expect(summarize(xs, 'mean', 'none')).toEqual({ center: 2.5, lo: 2.5, hi: 2.5, n: 4 });
    expect(summarize(xs, 'mean', 'minmax')).toEqual({ center: 2.5, lo: 1, hi: 4, n: 4 });
    const se = summarize(xs, 'mean', 'se');
    expect(se.lo).toBeCloseTo(2.5 - Math.sqrt(5 / 3) / 2, 12);
    expect(se.hi).toBeCloseTo(2.5 + Math.sqrt(5 / 3) / 2, 12);
    expect(summarize([100, 2, 3, 4, -50], 'iqm', 'minmax')).toEqual({ center: 3, lo: -50, hi: 100, n: 5 });
  });

  it('ci95 is the bootstrap interval of the centre, deterministic, and leaves the input alone', () => {
    const xs = [5, 1, 4, 2, 3];
    const s = summarize(xs, 'iqm', 'ci95', { seed: 1 });
    expect(s.center).toBe(3);
    expect(s).toEqual(summarize(xs, 'iqm', 'ci95', { seed: 1 }));
    const ci = stratifiedBootstrapCI([xs], iqm, { seed: 1 });
    expect([s.lo, s.hi]).toEqual([ci.lo, ci.hi]);
    expect(xs).toEqual([5, 1, 4, 2, 3]);
    expect(summarize([0, 1], 'mean', 'ci95')).toEqual({ center: 0.5, lo: 0, hi: 1, n: 2 });
    expect(summarize([4], 'mean', 'ci95')).toEqual({ center: 4, lo: 4, hi: 4, n: 1 });
  });

  it('names bad input', () => {
    expect(() => summarize([], 'mean', 'none')).toThrow(/summary of an empty list/);
    expect(() => summarize([1], 'mean', 'ci95', { reps: 1.5 })).toThrow(/reps must be a positive integer/);
  });
});

describe('debiased EMA (TensorBoard smoothing)', () => {
  it('by hand: w = 0.5 on [1, 3, 0]', () => {
    // m1 = 0.5, /0.5 = 1; m2 = 0.25 + 1.5 = 1.75, /0.75 = 7/3; m3 = 0.875 + 0, /0.875 = 1.
    const s = smoothDebiasedEma([1, 3, 0], 0.5);
    expect(s[0]).toBe(1);
    expect(s[1]).toBeCloseTo(7 / 3, 12);
    expect(s[2]).toBeCloseTo(1, 12);
  });

  it('starts at the first value exactly and keeps a constant constant', () => {
    expect(smoothDebiasedEma([0.37, 5], 0.9)[0]).toBe(0.37);
    expect(smoothDebiasedEma([1, 1, 1], 0.6)).toEqual([1, 1, 1]);
    expect(smoothDebiasedEma([0.1, 0.1, 0.1, 0.1], 0.99)).toEqual([0.1, 0.1, 0.1, 0.1]);
  });

  it('weight 0 is the identity', () => {
    const ys = [1e-17, 1, -3.5, 1e20, 0.1];
    expect(smoothDebiasedEma(ys, 0)).toEqual(ys);
  });

  it('non-finite values pass through and do not enter the average', () => {
    const s = smoothDebiasedEma([1, NaN, 3, Infinity, 0], 0.5);
    expect(s[0]).toBe(1);
    expect(s[1]).toBeNaN();
    expect(s[2]).toBeCloseTo(7 / 3, 12); // as if the NaN were not there
    expect(s[3]).toBe(Infinity);
    expect(s[4]).toBeCloseTo(1, 12);
    expect(smoothDebiasedEma([], 0.5)).toEqual([]);
  });

  it('names a bad weight', () => {
    expect(() => smoothDebiasedEma([1], 1)).toThrow(/smoothing weight must be in \[0, 1\), got 1/);
    expect(() => smoothDebiasedEma([1], -0.1)).toThrow(/got -0.1/);
    expect(() => smoothDebiasedEma([1], NaN)).toThrow(/got NaN/);
  });
});
