import type { Dataset } from './dataset';

/** Episode boundaries: episode e spans rows [starts[e], starts[e + 1]). Split at terminals or timeouts. */
export function episodeStarts(d: Pick<Dataset, 'size' | 'terminals' | 'timeouts'>): Int32Array {
  const starts = [0];
  for (let i = 0; i < d.size - 1; i++) if (d.terminals[i] || d.timeouts[i]) starts.push(i + 1);
  starts.push(d.size);
  return Int32Array.from(starts);
}

/** Undiscounted return of every episode. */
export function episodeReturns(d: Pick<Dataset, 'size' | 'terminals' | 'timeouts' | 'rewards'>): Float64Array {
  const starts = episodeStarts(d);
  const out = new Float64Array(starts.length - 1);
  for (let e = 0; e < out.length; e++) {
    let sum = 0;
    for (let i = starts[e]; i < starts[e + 1]; i++) sum += d.rewards[i];
    out[e] = sum;
  }
  return out;
}

export interface ReturnStats {
  episodes: number;
  mean: number;
  std: number;
  min: number;
  max: number;
}

export function returnStats(returns: ArrayLike<number>): ReturnStats {
  const n = returns.length;
  if (n === 0) return { episodes: 0, mean: NaN, std: NaN, min: NaN, max: NaN };
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    sum += returns[i];
    min = Math.min(min, returns[i]);
    max = Math.max(max, returns[i]);
  }
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (returns[i] - mean) ** 2;
  return { episodes: n, mean, std: Math.sqrt(sq / n), min, max };
}
