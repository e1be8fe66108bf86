import { niceTicks } from './frame';

/**
 * Colour scales for heatmaps. Pure functions (no DOM), tested in tests/unit/renderHelpers.test.ts.
 *
 * Viridis (van der Walt & Smith, matplotlib): perceptually uniform, readable in greyscale and by colour-blind
 * viewers, and dark-to-light so "more" reads as "brighter" on a projector. Interpolated linearly in RGB
 * between nine of its published stops, which keeps it within a few levels of the full table.
 */
const VIRIDIS_STOPS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 145, 140],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

/** Viridis at t in [0, 1] (clamped) as [r, g, b] in 0..255. */
export function viridis(t: number): [number, number, number] {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS_STOPS.length - 1);
  const i = Math.min(VIRIDIS_STOPS.length - 2, Math.floor(u));
  const f = u - i;
  const a = VIRIDIS_STOPS[i];
  const b = VIRIDIS_STOPS[i + 1];
  return [Math.round(a[0] + f * (b[0] - a[0])), Math.round(a[1] + f * (b[1] - a[1])), Math.round(a[2] + f * (b[2] - a[2]))];
}

export function rgb([r, g, b]: readonly [number, number, number]): string {
  return `rgb(${r}, ${g}, ${b})`;
}

/** Relative luminance (sRGB, approximate): text on a colour is black above 0.45, white below. */
export function luminance([r, g, b]: readonly [number, number, number]): number {
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

export interface ColourScale {
  /** The value range the colours span (for a log scale: the positive finite values). */
  domain: [number, number];
  scale: 'linear' | 'log';
  /** Position of a value on the scale in [0, 1], or null when it is not drawn (NaN, or <= 0 on a log scale). */
  unit(value: number): number | null;
}

/**
 * The scale of a set of values: `domain` if given, else the finite values' min and max (on a log scale the
 * positive ones', widened to a decade at least). A constant field maps to the middle of the colour map.
 */
export function colourScale(values: ArrayLike<number>, options: { domain?: [number, number]; scale?: 'linear' | 'log' } = {}): ColourScale {
  const scale = options.scale ?? 'linear';
  let [lo, hi] = options.domain ?? [Infinity, -Infinity];
  if (!options.domain) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v) || (scale === 'log' && v <= 0)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (lo > hi) [lo, hi] = scale === 'log' ? [1, 1] : [0, 0];
    // A log scale spans at least a decade: counts that are nearly equal (an expert's path, visited ~equally)
    // should look equal, not be stretched over the whole colour map.
    if (scale === 'log') lo = Math.min(lo, hi / 10);
  }
  const f = scale === 'log' ? Math.log : (v: number) => v;
  const a = f(lo);
  const span = f(hi) - a;
  return {
    domain: [lo, hi],
    scale,
    unit: (v) => {
      if (!Number.isFinite(v) || (scale === 'log' && v <= 0)) return null;
      if (!(span > 0)) return 0.5;
      return Math.min(1, Math.max(0, (f(v) - a) / span));
    },
  };
}

/** Tick values for a colour bar: the two ends and, when they fit, round numbers between. */
export function scaleTicks(s: ColourScale, count = 5): number[] {
  const [lo, hi] = s.domain;
  if (!(hi > lo)) return [lo];
  // Round values between the ends (powers of ten on a log scale), unless they would crowd an end's label.
  const candidates = s.scale === 'log' ? Array.from({ length: Math.floor(Math.log10(hi)) - Math.ceil(Math.log10(lo)) + 1 }, (_, k) => 10 ** (Math.ceil(Math.log10(lo)) + k)) : niceTicks(lo, hi, count);
  const inner = candidates.filter((v) => {
    const t = s.unit(v) ?? 0;
    return t > 0.15 && t < 0.85;
  });
  return [lo, ...inner, hi];
}

/** A short label for a number (one format for every chart and map: charts/numberFormat.ts). */
export { formatNumber } from '../charts/numberFormat';
