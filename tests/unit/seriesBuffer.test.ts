import { describe, expect, it } from 'vitest';
import { SeriesBuffer } from '../../src/app/charts/seriesBuffer';

/** A deterministic, irregular stream of points: x counts up, y wanders (no Math.random, so failures repeat). */
function stream(count: number, from = 0): [number, number][] {
  const out: [number, number][] = [];
  for (let i = from; i < from + count; i++) out.push([i + 1, Math.sin(i * 0.37) * 10 + (i % 7) * 0.125]);
  return out;
}

function pushAll(b: SeriesBuffer, points: [number, number][]): void {
  for (const [x, y] of points) b.push(x, y);
}

/** Two buffers agree when their state and every view agree exactly. */
function expectSame(a: SeriesBuffer, b: SeriesBuffer): void {
  expect(b.length).toBe(a.length);
  expect(b.snapshot()).toEqual(a.snapshot());
  for (const maxPoints of [1, 3, 10, 1000]) expect(b.view(maxPoints)).toEqual(a.view(maxPoints));
}

describe('SeriesBuffer snapshot and restore', () => {
  it('restores an exact copy before any merge, after several merges and with points pending', () => {
    // Capacity 16: after 100 pushes the stride is 8 and the accumulator holds 4 points.
    for (const before of [0, 5, 16, 17, 33, 100, 257]) {
      const original = new SeriesBuffer(16);
      pushAll(original, stream(before));
      const copy = SeriesBuffer.restore(original.snapshot());
      expectSame(original, copy);
      let at = before;
      for (const more of [1, 7, 40, 300]) {
        const points = stream(more, at);
        at += more;
        pushAll(original, points);
        pushAll(copy, points);
        expectSame(original, copy);
      }
    }
  });

  it('keeps the pending accumulator, so the next stored point is the same mean', () => {
    const original = new SeriesBuffer(4);
    pushAll(original, stream(11)); // two merges (stride 4), two points pending
    const s = original.snapshot();
    expect(s.stride).toBeGreaterThan(1);
    expect(s.accN).toBeGreaterThan(0);
    const copy = SeriesBuffer.restore(s);
    original.push(100, 1);
    copy.push(100, 1);
    expectSame(original, copy);
  });

  it('gives copies: later pushes change neither the snapshot nor a buffer restored from it', () => {
    const original = new SeriesBuffer(8);
    pushAll(original, stream(6));
    const s = original.snapshot();
    const frozen = { xs: Array.from(s.xs), ys: Array.from(s.ys) };
    const copy = SeriesBuffer.restore(s);
    pushAll(original, stream(50, 6));
    expect(Array.from(s.xs)).toEqual(frozen.xs);
    expect(Array.from(s.ys)).toEqual(frozen.ys);
    expect(s.xs.length).toBe(6); // only the stored points, not the whole capacity
    expect(copy.length).toBe(6);
    const again = SeriesBuffer.restore(s);
    pushAll(copy, stream(3, 6));
    expectSame(again, SeriesBuffer.restore(s)); // restoring twice gives independent buffers
  });

  it('restores bare points (a MetricsSnapshot series) at stride 1 with the default capacity', () => {
    const b = SeriesBuffer.restore({ xs: Float64Array.of(1, 2, 3), ys: Float64Array.of(4, 5, 6) });
    expect(b.capacity).toBe(20_000);
    expect(b.view(10)).toEqual([{ x: 1, y: 4 }, { x: 2, y: 5 }, { x: 3, y: 6 }]);
    b.push(4, 7);
    expect(b.snapshot()).toMatchObject({ stride: 1, accN: 0 });
    expect(b.length).toBe(4);
  });

  it('fits a snapshot into a smaller capacity by merging, losing no raw point', () => {
    const original = new SeriesBuffer(64);
    const points: [number, number][] = stream(64 * 3 + 5).map(([x]) => [x, 2]); // constant y: every mean is 2
    pushAll(original, points);
    const before = original.snapshot();
    const small = SeriesBuffer.restore(before, 7);
    expect(small.capacity).toBe(7);
    expect(small.length).toBeLessThanOrEqual(7);
    const s = small.snapshot();
    expect(s.stride).toBeGreaterThan(before.stride);
    expect(s.accN).toBeLessThan(s.stride);
    expect(Array.from(s.ys).every((y) => y === 2)).toBe(true);
    if (s.accN > 0) expect(s.accY / s.accN).toBe(2); // the odd newest point went into the accumulator, not away
    expect(Array.from(s.xs).every((x, i) => i === 0 || x > s.xs[i - 1])).toBe(true);
    expect(s.xs[0]).toBeGreaterThan(0);
    // The raw points it stands for still reach the newest: the last stored x plus the pending ones end near "now".
    const last = s.accN > 0 ? s.accX / s.accN : s.xs[s.xs.length - 1];
    expect(last).toBeGreaterThan(points.length - s.stride * 2);
    // It goes on like a buffer of that capacity.
    pushAll(small, stream(100, points.length));
    expect(small.length).toBeLessThanOrEqual(7);
  });

  it('rejects a malformed snapshot with the reason', () => {
    expect(() => SeriesBuffer.restore({ xs: new Float64Array(2), ys: new Float64Array(3) })).toThrow('2 x values but 3 y values');
    expect(() => SeriesBuffer.restore({ xs: new Float64Array(0), ys: new Float64Array(0), stride: 0 })).toThrow('stride must be a positive integer');
    expect(() => SeriesBuffer.restore({ xs: new Float64Array(0), ys: new Float64Array(0), stride: 2, accN: 2 })).toThrow('2 pending points');
    expect(() => SeriesBuffer.restore({ xs: new Float64Array(0), ys: new Float64Array(0) }, 0)).toThrow('capacity must be a positive integer');
  });

  it('keeps its behaviour: a full buffer halves its resolution instead of dropping the start', () => {
    const b = new SeriesBuffer(4);
    pushAll(b, [[1, 1], [2, 2], [3, 3], [4, 4], [5, 5]]);
    // The fifth point found the buffer full: pairs merged (stride 2), then it was stored on its own.
    expect(b.view(10)).toEqual([{ x: 1.5, y: 1.5 }, { x: 3.5, y: 3.5 }, { x: 5, y: 5 }]);
    b.push(6, 6); // pending: half of the next stored point
    expect(b.length).toBe(3);
    b.push(7, 7);
    expect(b.view(10)).toEqual([{ x: 1.5, y: 1.5 }, { x: 3.5, y: 3.5 }, { x: 5, y: 5 }, { x: 6.5, y: 6.5 }]);
  });
});
