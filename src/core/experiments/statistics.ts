// Aggregate statistics over runs (seeds), as rliable computes them:
// Agarwal et al. 2021, "Deep Reinforcement Learning at the Edge of the Statistical Precipice" (NeurIPS).
// Plain functions on plain arrays; the page only draws what they return.
//
// Values are expected to be finite. A NaN among them is not an error (a diverged run's loss is data too):
// it propagates, and the result is NaN, as numpy's would be.
import { Rng } from '../rng';

export interface Interval {
  point: number;
  lo: number;
  hi: number;
}

export type Center = 'mean' | 'iqm';
export type Band = 'none' | 'minmax' | 'se' | 'ci95';

export interface BootstrapOptions {
  /** Bootstrap replicates (default 1000; rliable uses 50,000 for papers, far too slow for a live chart). */
  reps?: number;
  /** Size of the percentile interval (default 0.95). */
  confidence?: number;
  /** Seed of the resampling (default 0): a chart redrawn at 4 Hz must not flicker, so the default is fixed too. */
  seed?: number;
}

const DEFAULT_REPS = 1000;
const DEFAULT_CONFIDENCE = 0.95;
const DEFAULT_SEED = 0;

const ascending = (a: number, b: number): number => a - b;

function requireValues(xs: ArrayLike<number>, what: string): void {
  if (xs.length === 0) throw new Error(`${what} of an empty list: at least one value is needed`);
}

function hasNaN(xs: ArrayLike<number>): boolean {
  for (let i = 0; i < xs.length; i++) if (Number.isNaN(xs[i])) return true;
  return false;
}

/** Sorts in place (insertion sort for the few seeds of a chart, the engine's sort beyond). */
function sortInPlace(xs: number[]): void {
  const n = xs.length;
  if (n > 16) {
    xs.sort(ascending);
    return;
  }
  for (let i = 1; i < n; i++) {
    const v = xs[i];
    let j = i - 1;
    while (j >= 0 && xs[j] > v) {
      xs[j + 1] = xs[j];
      j--;
    }
    xs[j + 1] = v;
  }
}

function meanOf(xs: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i];
  return sum / xs.length;
}

/** IQM of a scratch buffer, which it reorders (no copy: the bootstrap's inner loop calls it). */
function iqmInPlace(xs: number[]): number {
  if (hasNaN(xs)) return NaN;
  sortInPlace(xs);
  // scipy.stats.trim_mean(x, 0.25), which rliable's aggregate_iqm calls: cut int(0.25 n) values from each end.
  const n = xs.length;
  const cut = Math.floor(0.25 * n);
  let sum = 0;
  for (let i = cut; i < n - cut; i++) sum += xs[i];
  return sum / (n - 2 * cut);
}

/** numpy's default ('linear') quantile of values already sorted ascending. */
function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  // numpy method 'linear' (Hyndman & Fan type 7): virtual index (n - 1) q.
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo];
  const b = sorted[hi];
  if (a === b) return a;
  const t = h - lo;
  // numpy's _lerp: from the nearer end, so q = 0 and q = 1 give the extremes exactly.
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

function requireQuantile(q: number, what: string): void {
  if (!(q >= 0 && q <= 1)) throw new Error(`${what} must be in [0, 1], got ${q}`);
}

export function mean(xs: readonly number[]): number {
  requireValues(xs, 'mean');
  return meanOf(xs);
}

/**
 * Interquartile mean as rliable computes it: scipy.stats.trim_mean(x, 0.25), the mean of the sorted values
 * after cutting floor(0.25 n) from each end (n < 4 cuts nothing; n = 5 cuts one from each end).
 */
export function iqm(xs: readonly number[]): number {
  requireValues(xs, 'IQM');
  return iqmInPlace(xs.slice());
}

/** Standard error of the mean: sample standard deviation (ddof 1) / sqrt(n); 0 for a single value. */
export function standardError(xs: readonly number[]): number {
  requireValues(xs, 'standard error');
  const n = xs.length;
  if (n < 2) return 0;
  const m = meanOf(xs);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (xs[i] - m) * (xs[i] - m);
  return Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
}

/** The q-quantile (q in [0, 1]) with numpy's default linear interpolation (np.quantile(x, q)). */
export function quantile(xs: readonly number[], q: number): number {
  requireValues(xs, 'quantile');
  requireQuantile(q, 'quantile q');
  if (hasNaN(xs)) return NaN;
  const sorted = xs.slice();
  sortInPlace(sorted);
  return quantileSorted(sorted, q);
}

interface ResolvedOptions {
  reps: number;
  confidence: number;
  seed: number;
}

function resolveOptions(options: BootstrapOptions | undefined, defaultReps: number): ResolvedOptions {
  const reps = options?.reps ?? defaultReps;
  const confidence = options?.confidence ?? DEFAULT_CONFIDENCE;
  const seed = options?.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(reps) || reps < 1) throw new Error(`bootstrap reps must be a positive integer, got ${reps}`);
  if (!(confidence > 0 && confidence < 1)) throw new Error(`bootstrap confidence must be in (0, 1), got ${confidence}`);
  if (!Number.isFinite(seed)) throw new Error(`bootstrap seed must be a finite number, got ${seed}`);
  return { reps, confidence, seed };
}

/** Checks scores[task][run] and returns the total number of runs. */
function validateScores(scores: readonly (readonly number[])[]): number {
  if (scores.length === 0) throw new Error('bootstrap needs scores of at least one task, got none');
  let total = 0;
  for (let t = 0; t < scores.length; t++) {
    if (scores[t].length === 0) throw new Error(`bootstrap needs at least one run per task; task ${t} has none`);
    total += scores[t].length;
  }
  return total;
}

function flattenInto(scores: readonly (readonly number[])[], out: number[]): void {
  let k = 0;
  for (let t = 0; t < scores.length; t++) {
    const runs = scores[t];
    for (let i = 0; i < runs.length; i++) out[k++] = runs[i];
  }
}

/**
 * One stratified replicate into `out`: within every task, draw as many runs as it has, with replacement
 * (rliable's StratifiedBootstrap: tasks are strata, runs are resampled inside each). Allocates nothing.
 */
function resampleInto(scores: readonly (readonly number[])[], rng: Rng, out: number[]): void {
  let k = 0;
  for (let t = 0; t < scores.length; t++) {
    const runs = scores[t];
    const n = runs.length;
    for (let i = 0; i < n; i++) out[k++] = runs[rng.int(n)];
  }
}

/** Whether every replicate is the data itself (one run per task), so the interval is the point. */
function singleRunPerTask(scores: readonly (readonly number[])[]): boolean {
  for (let t = 0; t < scores.length; t++) if (scores[t].length !== 1) return false;
  return true;
}

/**
 * The statistic of `reps` stratified-bootstrap replicates. `statistic` receives a scratch array refilled for
 * every replicate, so it may reorder it (and must not keep it).
 */
export function stratifiedBootstrapReplicates(
  scores: readonly (readonly number[])[],
  statistic: (flat: number[]) => number,
  options?: { reps?: number; seed?: number },
): Float64Array {
  const total = validateScores(scores);
  const { reps, seed } = resolveOptions(options, DEFAULT_REPS);
  const out = new Float64Array(reps);
  fillReplicates(scores, statistic, new Rng(seed), new Array<number>(total), out);
  return out;
}

function fillReplicates(
  scores: readonly (readonly number[])[],
  statistic: (flat: number[]) => number,
  rng: Rng,
  scratch: number[],
  out: Float64Array,
): void {
  for (let r = 0; r < out.length; r++) {
    resampleInto(scores, rng, scratch);
    out[r] = statistic(scratch);
  }
}

/** Percentile interval of replicates (sorted in place): rliable's default method 'percentile'. NaN if any is NaN. */
function percentileInterval(replicates: Float64Array, confidence: number): { lo: number; hi: number } {
  replicates.sort(); // typed-array sort is numeric and puts NaN last
  if (Number.isNaN(replicates[replicates.length - 1])) return { lo: NaN, hi: NaN };
  const alpha = 1 - confidence;
  return { lo: quantileSorted(replicates, alpha / 2), hi: quantileSorted(replicates, 1 - alpha / 2) };
}

/**
 * rliable's stratified bootstrap confidence interval: scores[task][run]; each replicate resamples runs with
 * replacement within every task and applies `statistic` to the flattened replicate; the interval is the
 * percentile interval of the replicates, the point the statistic of the data. For a single task this is a plain
 * bootstrap over runs. `statistic` may reorder the array it is given.
 */
export function stratifiedBootstrapCI(
  scores: readonly (readonly number[])[],
  statistic: (flat: number[]) => number,
  options?: BootstrapOptions,
): Interval {
  const total = validateScores(scores);
  const { reps, confidence, seed } = resolveOptions(options, DEFAULT_REPS);
  const scratch = new Array<number>(total);
  flattenInto(scores, scratch);
  const point = statistic(scratch);
  if (singleRunPerTask(scores)) return { point, lo: point, hi: point };
  const replicates = new Float64Array(reps);
  fillReplicates(scores, statistic, new Rng(seed), scratch, replicates);
  return { point, ...percentileInterval(replicates, confidence) };
}

function fractionAbove(flat: ArrayLike<number>, tau: number): number {
  let count = 0;
  for (let i = 0; i < flat.length; i++) if (flat[i] > tau) count++;
  return count / flat.length;
}

/**
 * rliable's run-score distribution (a performance profile): for each tau, the fraction of all runs (of all
 * tasks) whose score is strictly above tau, with a stratified-bootstrap percentile interval per tau. All taus
 * share the same replicates, as rliable bootstraps the whole profile at once.
 */
export function performanceProfile(
  scores: readonly (readonly number[])[],
  taus: readonly number[],
  options?: BootstrapOptions,
): { tau: number; fraction: number; lo: number; hi: number }[] {
  const total = validateScores(scores);
  const { reps, confidence, seed } = resolveOptions(options, DEFAULT_REPS);
  const scratch = new Array<number>(total);
  flattenInto(scores, scratch);
  const points = taus.map((tau) => fractionAbove(scratch, tau));
  // replicates[j * reps + r]: tau j, replicate r, so each tau's replicates are one contiguous block to sort.
  const replicates = new Float64Array(taus.length * reps);
  const rng = new Rng(seed);
  for (let r = 0; r < reps; r++) {
    resampleInto(scores, rng, scratch);
    for (let j = 0; j < taus.length; j++) replicates[j * reps + r] = fractionAbove(scratch, taus[j]);
  }
  return taus.map((tau, j) => ({
    tau,
    fraction: points[j],
    ...percentileInterval(replicates.subarray(j * reps, (j + 1) * reps), confidence),
  }));
}

/** Buffers reused across many summaries (one per x of a chart), so the bootstrap's inner loop allocates nothing. */
export class SummaryWorkspace {
  private readonly scratch = new Map<number, number[]>();
  private replicates = new Float64Array(0);

  /** A scratch array of length n, the same one each time. */
  scratchOf(n: number): number[] {
    let s = this.scratch.get(n);
    if (s === undefined) {
      s = new Array<number>(n).fill(0);
      this.scratch.set(n, s);
    }
    return s;
  }

  replicatesOf(reps: number): Float64Array {
    if (this.replicates.length !== reps) this.replicates = new Float64Array(reps);
    return this.replicates;
  }
}

function centerFunction(center: Center): (xs: number[]) => number {
  switch (center) {
    case 'mean':
      return meanOf;
    case 'iqm':
      return iqmInPlace;
    default:
      throw new Error(`unknown center '${String(center)}': expected 'mean' or 'iqm'`);
  }
}

/**
 * summarize() with reusable buffers: `values` is left unchanged. The ci95 bootstrap is re-seeded with `seed` on
 * every call, so the band at one x depends only on the values there (a chart does not shimmer as others change).
 */
export function summarizeWith(
  values: readonly number[],
  center: Center,
  band: Band,
  reps: number,
  seed: number,
  workspace: SummaryWorkspace,
): { center: number; lo: number; hi: number; n: number } {
  requireValues(values, 'summary');
  const n = values.length;
  const stat = centerFunction(center);
  const scratch = workspace.scratchOf(n);
  for (let i = 0; i < n; i++) scratch[i] = values[i];
  const c = stat(scratch);
  switch (band) {
    case 'none':
      return { center: c, lo: c, hi: c, n };
    case 'minmax': {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < n; i++) {
        lo = Math.min(lo, values[i]);
        hi = Math.max(hi, values[i]);
      }
      return { center: c, lo, hi, n };
    }
    case 'se': {
      // The standard error of the mean, drawn around either centre (an IQM has no closed-form SE).
      const se = standardError(values);
      return { center: c, lo: c - se, hi: c + se, n };
    }
    case 'ci95': {
      if (n === 1) return { center: c, lo: c, hi: c, n };
      // A single task: the stratified bootstrap is a plain bootstrap over the seeds.
      const rng = new Rng(seed);
      const replicates = workspace.replicatesOf(reps);
      for (let r = 0; r < reps; r++) {
        for (let i = 0; i < n; i++) scratch[i] = values[rng.int(n)];
        replicates[r] = stat(scratch);
      }
      const { lo, hi } = percentileInterval(replicates, 0.95);
      return { center: c, lo, hi, n };
    }
    default:
      throw new Error(`unknown band '${String(band)}': expected 'none', 'minmax', 'se' or 'ci95'`);
  }
}

/**
 * One summary of several seeds' values at one point: the centre (mean or IQM) and a band: 'none' (lo = hi =
 * centre), 'minmax', 'se' (centre ± standard error of the mean) or 'ci95' (95% percentile bootstrap interval of
 * the centre statistic over seeds, rliable's method; `reps` default 1000, `seed` default 0).
 */
export function summarize(
  values: readonly number[],
  center: Center,
  band: Band,
  options?: { reps?: number; seed?: number },
): { center: number; lo: number; hi: number; n: number } {
  const { reps, seed } = resolveOptions(options, DEFAULT_REPS);
  return summarizeWith(values, center, band, reps, seed, new SummaryWorkspace());
}

/** Validated reps and seed for callers that summarize many points with one workspace. */
export function resolveSummaryOptions(options: { reps?: number; seed?: number } | undefined, defaultReps: number): { reps: number; seed: number } {
  const { reps, seed } = resolveOptions(options, defaultReps);
  return { reps, seed };
}
