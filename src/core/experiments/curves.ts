// Several seeds' learning curves as one line with a band. Seeds evaluate or log at different x (updates,
// environment steps, wall time), so curves are first put on one grid by linear interpolation, never extrapolated.
import { type Band, type Center, resolveSummaryOptions, summarizeWith, SummaryWorkspace } from './statistics';

export interface Point {
  x: number;
  y: number;
}

/** ~200 points draws smoothly and keeps a 200-rep bootstrap per point cheap enough for 4 Hz. */
const DEFAULT_POINTS = 200;
const DEFAULT_CURVE_REPS = 200;

function validateCurve(curve: readonly Point[]): void {
  for (let i = 0; i < curve.length; i++) {
    if (!Number.isFinite(curve[i].x)) throw new Error(`curve x must be finite; point ${i} has x = ${curve[i].x}`);
    if (i > 0 && curve[i].x < curve[i - 1].x) {
      throw new Error(`curve x must be ascending; point ${i} has x = ${curve[i].x} after x = ${curve[i - 1].x}`);
    }
  }
}

/** Index of the first point with x >= g (curve.length if none). */
function lowerBound(curve: readonly Point[], g: number): number {
  let lo = 0;
  let hi = curve.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (curve[mid].x < g) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function interpolateAt(curve: readonly Point[], g: number): number {
  const n = curve.length;
  if (n === 0 || !(g >= curve[0].x && g <= curve[n - 1].x)) return NaN;
  const j = lowerBound(curve, g);
  const right = curve[j];
  if (right.x === g) return right.y; // on a point: its value exactly (the first, where x repeats)
  const left = curve[j - 1];
  return left.y + ((right.y - left.y) * (g - left.x)) / (right.x - left.x);
}

/**
 * Linear interpolation of a curve (x ascending; a repeated x is allowed and reads as its first point) at the
 * grid's xs, in any order; NaN outside the curve's x range (and for an empty curve).
 */
export function resample(curve: readonly Point[], grid: readonly number[]): number[] {
  validateCurve(curve);
  return grid.map((g) => interpolateAt(curve, g));
}

/**
 * An even grid of `points` xs from the smallest first x to the largest last x of the curves (the union of their
 * ranges), both ends included. Empty curves are ignored; no points at all gives []; a range of one x gives [x].
 */
export function commonGrid(curves: readonly (readonly Point[])[], points: number): number[] {
  if (!Number.isInteger(points) || points < 2) throw new Error(`grid points must be an integer of at least 2, got ${points}`);
  let lo = Infinity;
  let hi = -Infinity;
  for (const curve of curves) {
    if (curve.length === 0) continue;
    validateCurve(curve);
    lo = Math.min(lo, curve[0].x);
    hi = Math.max(hi, curve[curve.length - 1].x);
  }
  if (lo > hi) return [];
  if (lo === hi) return [lo];
  const grid = new Array<number>(points);
  for (let i = 0; i < points; i++) grid[i] = lo + ((hi - lo) * i) / (points - 1);
  grid[points - 1] = hi; // exactly the end, whatever the rounding
  return grid;
}

/**
 * Several seeds' curves as one line with a band: resample them on a common grid of `points` xs (default 200),
 * then summarize the finite values at each x where at least `minRuns` curves have one (default: all curves).
 * xs with fewer are left out. The ci95 bootstrap uses `reps` (default 200) and the same `seed` (default 0) at
 * every x, so the band at an x depends only on the values there.
 */
export function aggregateCurves(
  curves: readonly (readonly Point[])[],
  options: { points?: number; center: Center; band: Band; reps?: number; seed?: number; minRuns?: number },
): { x: number; center: number; lo: number; hi: number; n: number }[] {
  const minRuns = options.minRuns ?? Math.max(1, curves.length);
  if (!Number.isInteger(minRuns) || minRuns < 1) throw new Error(`minRuns must be an integer of at least 1, got ${minRuns}`);
  const { reps, seed } = resolveSummaryOptions(options, DEFAULT_CURVE_REPS);
  const grid = commonGrid(curves, options.points ?? DEFAULT_POINTS);
  const columns = curves.map((curve) => resample(curve, grid));
  const workspace = new SummaryWorkspace();
  const out: { x: number; center: number; lo: number; hi: number; n: number }[] = [];
  const values: number[] = [];
  for (let i = 0; i < grid.length; i++) {
    values.length = 0;
    for (const column of columns) if (Number.isFinite(column[i])) values.push(column[i]);
    if (values.length < minRuns) continue;
    out.push({ x: grid[i], ...summarizeWith(values, options.center, options.band, reps, seed, workspace) });
  }
  return out;
}
