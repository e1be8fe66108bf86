import { describe, expect, it } from 'vitest';
import { histogram } from '../../src/core/data/histogram';
import { histogramBars } from '../../src/app/components/dataset/histogramBars';
import { layoutMarkerLabels } from '../../src/app/charts/markerLabels';
import { formatNumber, formatTicks } from '../../src/app/charts/numberFormat';
import { linearAxis, logAxis, niceStep, xAxisTicks } from '../../src/app/charts/ticks';

const isRound = (v: number, step: number) => Math.abs(v / step - Math.round(v / step)) < 1e-9;

describe('number format', () => {
  it('prints small and large values whole, in a short exponent form outside 0.001 to 100,000', () => {
    expect(formatNumber(0.000298)).toBe('2.98e-4');
    expect(formatNumber(-0.000298)).toBe('-2.98e-4');
    expect(formatNumber(170_000)).toBe('1.7e5');
    expect(formatNumber(80.123)).toBe('80.1');
    expect(formatNumber(0.5)).toBe('0.5');
    expect(formatNumber(12_345, 5)).toBe('12345');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(1e-300)).toBe('1e-300');
  });

  it('gives ticks just enough digits that neighbours differ', () => {
    expect(formatTicks([0, 0.5, 1, 1.5])).toEqual(['0', '0.5', '1', '1.5']);
    expect(formatTicks([0.0002, 0.00025, 0.0003])).toEqual(['2e-4', '2.5e-4', '3e-4']);
    expect(formatTicks([12_000, 12_500, 13_000])).toEqual(['12000', '12500', '13000']);
    expect(formatTicks([499.9, 500, 500.1])).toEqual(['499.9', '500', '500.1']);
    const labels = formatTicks([100_000, 150_000, 200_000]);
    expect(labels).toEqual(['1e5', '1.5e5', '2e5']);
  });
});

describe('ticks', () => {
  it('puts x ticks at round updates, not at the first update of the data', () => {
    const a = xAxisTicks(13, 10_013);
    expect(a.ticks).toEqual([0, 2000, 4000, 6000, 8000, 10_000]);
    expect(a.domain).toEqual([0, 10_013]);
    // A fork that starts at 5,013: the axis starts at a round value below it.
    const b = xAxisTicks(5013, 9000);
    expect(b.domain[0]).toBe(5000);
    for (const t of b.ticks) expect(isRound(t, 500)).toBe(true);
  });

  it('puts y ticks at round values around the data, the domain on ticks', () => {
    for (const [min, max] of [
      [0.000298, 0.00113],
      [-3.7, 81.2],
      [475, 500],
      [1e4, 1.7e5],
    ]) {
      const a = linearAxis(min, max);
      const step = a.ticks[1] - a.ticks[0];
      expect(a.domain[0]).toBeLessThanOrEqual(min);
      expect(a.domain[1]).toBeGreaterThanOrEqual(max);
      expect(a.ticks[0]).toBe(a.domain[0]);
      expect(a.ticks[a.ticks.length - 1]).toBe(a.domain[1]);
      expect(a.ticks.length).toBeGreaterThanOrEqual(3);
      expect(a.ticks.length).toBeLessThanOrEqual(11);
      expect([1, 2, 2.5, 5]).toContain(Number((step / 10 ** Math.floor(Math.log10(step))).toPrecision(6)));
      for (const t of a.ticks) expect(isRound(t, step)).toBe(true);
    }
    expect(linearAxis(-3.7, 81.2).ticks).toEqual([-20, 0, 20, 40, 60, 80, 100]);
    expect(niceStep(1000, 5)).toBe(200);
  });

  it('draws a flat series in the middle of a small range', () => {
    const a = linearAxis(500, 500);
    expect(a.domain[0]).toBeLessThan(500);
    expect(a.domain[1]).toBeGreaterThan(500);
    expect(a.ticks).toContain(500);
  });

  it('puts log ticks at powers of ten, with 2 and 5 between them on a short range', () => {
    const wide = logAxis(80, 1.7e5);
    expect(wide.domain).toEqual([10, 1e6]);
    expect(wide.ticks).toEqual([10, 100, 1000, 1e4, 1e5, 1e6]);
    const short = logAxis(3, 40);
    expect(short.ticks).toEqual([1, 2, 5, 10, 20, 50, 100]);
    const many = logAxis(1e-6, 1e9);
    expect(many.ticks.length).toBeLessThanOrEqual(9);
    expect(many.domain[0]).toBeLessThanOrEqual(1e-6);
    expect(many.domain[1]).toBeGreaterThanOrEqual(1e9);
  });
});

describe('marker labels', () => {
  const overlaps = (a: { l: number; r: number; row: number }, b: { l: number; r: number; row: number }) => a.row === b.row && a.l < b.r && b.l < a.r;
  const boxes = (placed: ReturnType<typeof layoutMarkerLabels>, cw: number) =>
    placed.filter((p) => p.text).map((p) => ({ row: p.row, l: p.anchor === 'start' ? p.x : p.x - p.text.length * cw, r: p.anchor === 'start' ? p.x + p.text.length * cw : p.x }));

  it('stacks labels of close changes instead of printing them over each other', () => {
    const placed = layoutMarkerLabels(
      [
        { x: 100, label: 'lr 3e-4 → 1e-3' },
        { x: 104, label: 'batchSize 256 → 255' },
      ],
      { width: 600, charWidth: 6 },
    );
    expect(placed.map((p) => p.text)).toEqual(['lr 3e-4 → 1e-3', 'batchSize 256 → 255']);
    expect(placed[0].row).not.toBe(placed[1].row);
  });

  it('keeps a label near the right edge inside the plot, left of its line', () => {
    const [p] = layoutMarkerLabels([{ x: 590, label: 'alpha 1 → 5' }], { width: 600, charWidth: 6 });
    expect(p.anchor).toBe('end');
    expect(p.x).toBeLessThanOrEqual(590);
    expect(p.x - p.text.length * 6).toBeGreaterThanOrEqual(0);
  });

  it('abbreviates, then leaves out, labels with no room, and never overlaps', () => {
    const cw = 6;
    const many = Array.from({ length: 12 }, (_, i) => ({ x: 200 + i * 2, label: `tau${i} 0.7 → 0.${i}` }));
    const placed = layoutMarkerLabels(many, { width: 400, charWidth: cw, rows: 3 });
    expect(placed.filter((p) => p.text === '').length).toBeGreaterThan(0);
    // Two changes near the right edge in one row: the first goes left of its line, the second is shortened to its key.
    const two = layoutMarkerLabels(
      [
        { x: 150, label: 'tau 0.7 → 0.9 x' },
        { x: 170, label: 'beta 3 → 10 xxx' },
      ],
      { width: 200, charWidth: cw, rows: 1 },
    );
    expect(two.map((p) => [p.text, p.anchor, p.abbreviated])).toEqual([
      ['tau 0.7 → 0.9 x', 'end', false],
      ['beta', 'start', true],
    ]);
    const b = [...boxes(placed, cw), ...boxes(two, cw).map((x) => ({ ...x, row: x.row + 10 }))];
    for (let i = 0; i < b.length; i++) {
      expect(b[i].l).toBeGreaterThanOrEqual(0);
      expect(b[i].r).toBeLessThanOrEqual(400);
      for (let j = i + 1; j < b.length; j++) expect(overlaps(b[i], b[j])).toBe(false);
    }
  });
});

describe('histogram bars', () => {
  it('shows all-equal data as one bar with the exact value', () => {
    const bars = histogramBars(histogram(new Float64Array(40).fill(500), 20));
    expect(bars).toEqual([{ label: 'all 500', axis: '500', n: 40 }]);
    expect(histogramBars(histogram([0.1, 0.1, 0.1], 5))).toEqual([{ label: 'all 0.1', axis: '0.1', n: 3 }]);
  });

  it('labels neighbouring bins of a narrow range differently', () => {
    const values = Array.from({ length: 100 }, (_, i) => 500 + i * 0.004);
    const bars = histogramBars(histogram(values, 20));
    expect(bars).toHaveLength(20);
    expect(new Set(bars.map((b) => b.axis)).size).toBe(20);
    expect(bars.reduce((n, b) => n + b.n, 0)).toBe(100);
  });

  it('keeps an empty histogram as empty bins', () => {
    const bars = histogramBars(histogram([], 4));
    expect(bars.map((b) => b.n)).toEqual([0, 0, 0, 0]);
  });
});
