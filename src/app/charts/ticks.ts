/**
 * Axis ticks at round values: steps of 1, 2, 2.5 or 5 times a power of ten on a linear axis (0, 2000, 4000, never
 * 13, 2013), powers of ten (with 2 and 5 between them when the range is short) on a log axis.
 */

export interface Axis {
  domain: [number, number];
  ticks: number[];
}

const STEPS = [1, 2, 2.5, 5, 10];

/** The round step that splits `span` into about `count` parts. */
export function niceStep(span: number, count = 5): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  return STEPS.find((s) => s * power >= raw * (1 - 1e-9))! * power;
}

/** Rounds away float noise (0.1 + 0.2) so labels and comparisons see the round value. */
const clean = (v: number, step: number) => {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  return Number(v.toFixed(Math.min(20, decimals)));
};

/** Multiples of `step` from `lo` to `hi` (both included when they are multiples). */
function multiples(lo: number, hi: number, step: number): number[] {
  const out: number[] = [];
  const first = Math.ceil(lo / step - 1e-9);
  for (let k = first; k * step <= hi + step * 1e-9 && out.length < 1000; k++) out.push(clean(k * step, step));
  return out;
}

/** About `count` round tick values inside [lo, hi] (1, 2, 2.5 or 5 times a power of ten apart). */
export function roundTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  return multiples(lo, hi, niceStep(hi - lo, count - 1));
}

/**
 * A value axis around [min, max]: the domain widened to the round ticks around the data. A flat series (min = max)
 * gets a small range around its value so it is drawn in the middle, not on an edge.
 */
export function linearAxis(min: number, max: number, count = 5): Axis {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { domain: [0, 1], ticks: multiples(0, 1, 0.25) };
  if (min > max) [min, max] = [max, min];
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    [min, max] = [min - pad, max + pad];
  }
  const step = niceStep(max - min, count);
  const lo = clean(Math.floor(min / step + 1e-9) * step, step);
  const hi = clean(Math.ceil(max / step - 1e-9) * step, step);
  return { domain: [lo, hi], ticks: multiples(lo, hi, step) };
}

/**
 * An x axis over [min, max] (updates or seconds): ticks at round multiples inside, the left end pulled down to the
 * round value below (0 when the data starts near 0), the right end where the data ends ("now").
 */
export function xAxisTicks(min: number, max: number, count = 5): Axis {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max <= min) {
    const v = Number.isFinite(min) ? min : 0;
    return { domain: [v, v + 1], ticks: [v] };
  }
  const step = niceStep(max - min, count);
  const lo = clean(Math.floor(min / step + 1e-9) * step, step);
  return { domain: [lo, max], ticks: multiples(lo, max, step) };
}

/**
 * A log axis around [min, max] (both > 0): the domain from the power of ten below to the one above, ticks at the
 * powers of ten, and at 2 and 5 times them when the range spans two decades or less.
 */
export function logAxis(min: number, max: number): Axis {
  if (!(min > 0) || !(max > 0) || !Number.isFinite(min) || !Number.isFinite(max)) return { domain: [1, 10], ticks: [1, 10] };
  if (min > max) [min, max] = [max, min];
  let a = Math.floor(Math.log10(min) + 1e-9);
  let b = Math.ceil(Math.log10(max) - 1e-9);
  if (a === b) b += 1;
  const decades = b - a;
  // Many decades: every other (or third) power so the labels do not crowd.
  const every = Math.max(1, Math.ceil(decades / 6));
  a = Math.floor(a / every) * every;
  b = Math.ceil(b / every) * every;
  const ticks: number[] = [];
  for (let k = a; k <= b; k += every) ticks.push(Number((10 ** k).toPrecision(12)));
  if (decades <= 2) {
    const fine: number[] = [];
    for (let k = a; k <= b; k++) for (const m of k === b ? [1] : [1, 2, 5]) fine.push(Number((m * 10 ** k).toPrecision(12)));
    return { domain: [10 ** a, 10 ** b], ticks: fine };
  }
  return { domain: [Number((10 ** a).toPrecision(12)), Number((10 ** b).toPrecision(12))], ticks };
}

/** A user's bounds for a value axis; null keeps that end automatic. */
export interface AxisBounds {
  min: number | null;
  max: number | null;
}

/**
 * The value axis of a chart: round ticks around the data (and its reference lines), on a log or linear scale, with
 * the user's bounds where set. Returns null when the bounds cannot be drawn (min not below max; an end at or below 0
 * on a log scale), with the reason.
 */
export function valueAxis(extent: { min: number; max: number; minPositive: number }, log: boolean, bounds: AxisBounds = { min: null, max: null }): Axis | string {
  const auto = log ? logAxis(extent.minPositive, extent.max) : linearAxis(extent.min, extent.max);
  if (bounds.min === null && bounds.max === null) return auto;
  const lo = bounds.min ?? auto.domain[0];
  const hi = bounds.max ?? auto.domain[1];
  if (!(lo < hi)) return `the lower end (${lo}) must be below the upper end (${hi})`;
  if (log && lo <= 0) return `a log scale cannot show ${lo}: the lower end must be above 0`;
  if (log) {
    const ticks = logAxis(lo, hi).ticks.filter((t) => t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9));
    return { domain: [lo, hi], ticks: ticks.length >= 2 ? ticks : [lo, hi] };
  }
  return { domain: [lo, hi], ticks: roundTicks(lo, hi, 5) };
}
