import { describe, expect, it } from 'vitest';
import { bandPath, lineVertices, linearScale, logScale, nearestIndex, pathOf } from '../../src/app/charts/plotGeometry';
import { valueAxis } from '../../src/app/charts/ticks';

/** A deterministic jagged curve: a trend, a fast wiggle and a few spikes (no Math.random: failures repeat). */
const curve = (n: number) => Array.from({ length: n }, (_, i) => ({ x: i + 1, y: i * 0.01 + Math.sin(i * 1.7) * 3 + (i % 997 === 500 ? 40 : 0) }));

describe('line vertices per pixel column', () => {
  const points = curve(20_000);
  const sx = linearScale([0, 20_000], [0, 400]);
  const sy = linearScale([-5, 250], [200, 0]);

  it('keeps at most four vertices per column and every column\'s extremes, so spikes stay drawn', () => {
    const runs = lineVertices(points, sx, sy);
    expect(runs).toHaveLength(1);
    const v = runs[0];
    expect(v.length).toBeLessThanOrEqual(4 * 401);
    expect(v.length).toBeGreaterThan(400);
    // Per column, the drawn extremes are the data's.
    const cols = new Map<number, { lo: number; hi: number }>();
    for (const p of points) {
      const c = Math.round(Math.round(sx(p.x) * 10) / 10);
      const y = Math.round(sy(p.y) * 10) / 10;
      const e = cols.get(c) ?? { lo: -Infinity, hi: Infinity };
      cols.set(c, { lo: Math.max(e.lo, y), hi: Math.min(e.hi, y) });
    }
    const drawn = new Map<number, { lo: number; hi: number }>();
    for (const [x, y] of v) {
      const c = Math.round(x);
      const e = drawn.get(c) ?? { lo: -Infinity, hi: Infinity };
      drawn.set(c, { lo: Math.max(e.lo, y), hi: Math.min(e.hi, y) });
    }
    for (const [c, e] of cols) expect(drawn.get(c)).toEqual(e);
    // The line starts and ends where the data does.
    expect(v[0]).toEqual([Math.round(sx(1) * 10) / 10, Math.round(sy(points[0].y) * 10) / 10]);
    expect(v[v.length - 1][0]).toBeCloseTo(sx(20_000), 1);
  });

  it('breaks the line at values a log scale cannot draw', () => {
    const ly = logScale([0.1, 1000], [200, 0]);
    const runs = lineVertices([{ x: 1, y: 1 }, { x: 2, y: 10 }, { x: 3, y: -1 }, { x: 4, y: 100 }, { x: 5, y: 10 }], linearScale([0, 5], [0, 500]), ly);
    expect(runs.map((r) => r.length)).toEqual([2, 2]);
    expect(pathOf(runs)).toBe('M100 150L200 100M400 50L500 100');
  });

  it('draws a band as one closed area and finds the nearest point', () => {
    const d = bandPath([{ x: 0, lo: 0, hi: 1 }, { x: 10, lo: 1, hi: 2 }], linearScale([0, 10], [0, 100]), linearScale([0, 2], [100, 0]));
    expect(d).toBe('M0 100L100 50L100 0L0 50Z');
    const pts = [{ x: 1 }, { x: 5 }, { x: 9 }];
    expect([0, 2.9, 3.1, 100].map((x) => nearestIndex(pts, x))).toEqual([0, 0, 1, 2]);
    expect(nearestIndex([], 3)).toBe(-1);
  });
});

describe('value axis', () => {
  it('takes the user\'s bounds, either end automatic, and says why bounds cannot be drawn', () => {
    const extent = { min: 0.2, max: 170_000, minPositive: 0.2 };
    const user = valueAxis(extent, false, { min: 0, max: 200 });
    expect(typeof user).not.toBe('string');
    if (typeof user !== 'string') {
      expect(user.domain).toEqual([0, 200]);
      expect(user.ticks).toEqual([0, 50, 100, 150, 200]);
    }
    const half = valueAxis(extent, false, { min: null, max: 100 });
    if (typeof half !== 'string') expect(half.domain).toEqual([0, 100]);
    expect(valueAxis(extent, false, { min: 5, max: 5 })).toMatch(/lower end \(5\) must be below the upper end \(5\)/);
    expect(valueAxis(extent, true, { min: 0, max: 100 })).toMatch(/log scale cannot show 0/);
    const log = valueAxis(extent, true, { min: 1, max: 1000 });
    if (typeof log !== 'string') expect(log.ticks).toEqual([1, 10, 100, 1000]);
  });
});
