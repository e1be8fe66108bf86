import { describe, expect, it } from 'vitest';
import { aggregateCurves, commonGrid, resample, type Point } from '../../src/core/experiments/curves';
import { Rng } from '../../src/core/rng';

const line = (x0: number, x1: number, f: (x: number) => number, step = 1): Point[] => {
  const pts: Point[] = [];
  for (let x = x0; x <= x1; x += step) pts.push({ x, y: f(x) });
  return pts;
};

describe('resample', () => {
  it('interpolates linearly inside the curve and is NaN outside', () => {
    const curve = [
      { x: 0, y: 0 },
      { x: 10, y: 10 },
      { x: 20, y: 0 },
    ];
    const ys = resample(curve, [-1, 0, 2.5, 10, 15, 20, 21]);
    expect(ys[0]).toBeNaN();
    expect(ys.slice(1, 6)).toEqual([0, 2.5, 10, 5, 0]);
    expect(ys[6]).toBeNaN();
    expect(resample(curve, [15, 5])).toEqual([5, 5]); // grid in any order
  });

  it('handles empty and one-point curves', () => {
    expect(resample([], [0, 1]).every(Number.isNaN)).toBe(true);
    const one = resample([{ x: 3, y: 7 }], [2, 3, 4]);
    expect(one[1]).toBe(7);
    expect(Number.isNaN(one[0]) && Number.isNaN(one[2])).toBe(true);
  });

  it('names an unsorted or non-finite x', () => {
    expect(() => resample([{ x: 0, y: 0 }, { x: 2, y: 0 }, { x: 1, y: 0 }], [1])).toThrow(/ascending; point 2 has x = 1 after x = 2/);
    expect(() => resample([{ x: NaN, y: 0 }], [1])).toThrow(/point 0 has x = NaN/);
  });
});

describe('commonGrid', () => {
  it('spans the union of the ranges evenly, both ends included', () => {
    expect(commonGrid([line(0, 10, (x) => x), line(5, 15, (x) => x)], 4)).toEqual([0, 5, 10, 15]);
    expect(commonGrid([line(0, 10, (x) => x)], 11)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const g = commonGrid([[{ x: 0.1, y: 0 }, { x: 0.7, y: 0 }]], 7);
    expect(g[0]).toBe(0.1);
    expect(g[6]).toBe(0.7);
  });

  it('is empty without points, one x for a one-x range, and names bad sizes', () => {
    expect(commonGrid([], 10)).toEqual([]);
    expect(commonGrid([[], []], 10)).toEqual([]);
    expect(commonGrid([[{ x: 4, y: 1 }], [{ x: 4, y: 2 }]], 10)).toEqual([4]);
    expect(() => commonGrid([], 1)).toThrow(/grid points must be an integer of at least 2, got 1/);
    expect(() => commonGrid([], 2.5)).toThrow(/got 2.5/);
  });
});

describe('aggregateCurves', () => {
  it('two straight lines give their mean line, with min/max as the band', () => {
    const a = line(0, 10, (x) => x, 2); // x = 0, 2, ..., 10: different x from b
    const b = line(0, 10, (x) => x + 2, 5);
    const agg = aggregateCurves([a, b], { points: 11, center: 'mean', band: 'minmax' });
    expect(agg).toHaveLength(11);
    agg.forEach((p, i) => {
      expect(p.x).toBe(i);
      expect(p.center).toBeCloseTo(i + 1, 12);
      expect(p.lo).toBeCloseTo(i, 12);
      expect(p.hi).toBeCloseTo(i + 2, 12);
      expect(p.n).toBe(2);
    });
  });

  it('summarizes only where at least minRuns curves have a value (default: all)', () => {
    const a = line(0, 10, (x) => x);
    const b = line(5, 15, (x) => 2 * x);
    // Grid 0, 5, 10, 15: a covers 0..10, b covers 5..15.
    const both = aggregateCurves([a, b], { points: 4, center: 'mean', band: 'none' });
    expect(both).toEqual([
      { x: 5, center: 7.5, lo: 7.5, hi: 7.5, n: 2 },
      { x: 10, center: 15, lo: 15, hi: 15, n: 2 },
    ]);
    const any = aggregateCurves([a, b], { points: 4, center: 'mean', band: 'none', minRuns: 1 });
    expect(any.map((p) => [p.x, p.center, p.n])).toEqual([
      [0, 0, 1],
      [5, 7.5, 2],
      [10, 15, 2],
      [15, 30, 1],
    ]);
    expect(aggregateCurves([a, b], { points: 4, center: 'mean', band: 'none', minRuns: 3 })).toEqual([]);
    expect(() => aggregateCurves([a, b], { center: 'mean', band: 'none', minRuns: 0 })).toThrow(/minRuns must be an integer of at least 1, got 0/);
  });

  it('a NaN in a curve means no value there, not a NaN line', () => {
    const a = [{ x: 0, y: 1 }, { x: 1, y: NaN }, { x: 2, y: 1 }];
    const b = line(0, 2, () => 3);
    const agg = aggregateCurves([a, b], { points: 3, center: 'mean', band: 'none', minRuns: 1 });
    expect(agg.map((p) => [p.center, p.n])).toEqual([
      [2, 2],
      [3, 1],
      [2, 2],
    ]);
  });

  it('no curves, no line', () => {
    expect(aggregateCurves([], { center: 'iqm', band: 'ci95' })).toEqual([]);
  });

  it('ci95 bands are deterministic per seed, contain the centre, and are [v, v] where the seeds agree', () => {
    const rng = new Rng(1);
    const curves = Array.from({ length: 5 }, (_, s) => line(0, 1000, (x) => (x < 500 ? 1 : x / 100 + s + rng.normal()), 10));
    const opts = { center: 'iqm' as const, band: 'ci95' as const, seed: 3 };
    const agg = aggregateCurves(curves, opts);
    expect(agg).toHaveLength(200);
    expect(aggregateCurves(curves, opts)).toEqual(agg);
    for (const p of agg) {
      expect(p.lo).toBeLessThanOrEqual(p.center + 1e-12);
      expect(p.hi).toBeGreaterThanOrEqual(p.center - 1e-12);
      if (p.x <= 490) expect([p.lo, p.center, p.hi]).toEqual([1, 1, 1]);
    }
    expect(agg[199].hi - agg[199].lo).toBeGreaterThan(0);
  });
});
