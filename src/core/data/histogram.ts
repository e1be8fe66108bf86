/** Equal-width bins: counts[k] holds values in [edges[k], edges[k + 1]); the last bin also holds its right edge. */
export interface Histogram {
  edges: Float64Array; // bins + 1
  counts: Uint32Array; // bins
  /** Set when every value counted was this one number (the bins then only say "around it"; show it exactly). */
  constant?: number;
}

export interface HistogramOptions {
  /** [low, high]; values outside are not counted. Default: the data's min and max. */
  range?: readonly [number, number];
  /** Read every `stride`-th value starting at `offset` (one column of a row-major array). */
  stride?: number;
  offset?: number;
}

/** A histogram as numpy.histogram makes it (a constant input gets the range value ± 0.5). */
export function histogram(values: ArrayLike<number>, bins: number, opts: HistogramOptions = {}): Histogram {
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`histogram: bins must be a positive integer, got ${bins}`);
  const stride = opts.stride ?? 1;
  const offset = opts.offset ?? 0;
  let [lo, hi] = opts.range ?? [Infinity, -Infinity];
  if (!opts.range) {
    for (let i = offset; i < values.length; i += stride) {
      if (values[i] < lo) lo = values[i];
      if (values[i] > hi) hi = values[i];
    }
    if (lo > hi) [lo, hi] = [0, 1]; // no values
  }
  const constant = lo === hi && Number.isFinite(lo) ? lo : undefined;
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  const edges = new Float64Array(bins + 1);
  for (let k = 0; k <= bins; k++) edges[k] = lo + ((hi - lo) * k) / bins;
  const counts = new Uint32Array(bins);
  for (let i = offset; i < values.length; i += stride) {
    const v = values[i];
    if (!(v >= lo && v <= hi)) continue;
    counts[Math.min(bins - 1, Math.floor(((v - lo) * bins) / (hi - lo)))]++; // multiply first: exact on bin edges
  }
  return constant === undefined || counts.every((n) => n === 0) ? { edges, counts } : { edges, counts, constant };
}
