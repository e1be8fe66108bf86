/**
 * Return-weighted trajectory sampling (RW) of Hong, Agrawal, Tachet des Combes & Laroche, "Harnessing Mixed Offline
 * Reinforcement Learning Datasets via Trajectory Weighting", ICLR 2023 (github.com/Improbable-AI/harness-offline-rl).
 *
 * The paper's RW weights every transition of trajectory τ_i by a softmax of its min-max normalised return
 * (Sec. 4, RW; the official code's `ReturnWeightedReplayBufferWrapper._compute_sample_probs`):
 *   Ĝ_i = (G_i − min_j G_j) / (max_j G_j − min_j G_j),   P(transition t of τ_i) ∝ exp(Ĝ_i / α),
 * with temperature α (0.1 in the official code): α → ∞ gives uniform sampling over transitions, α → 0 only the best
 * trajectories. A whole trajectory is then drawn with probability ∝ T_i · exp(Ĝ_i / α) (T_i its length), and a
 * step uniformly within it. Here the weights are written exp((G_i − max G) / (α · (max G − min G))), the same
 * softmax shifted so that the best trajectory weighs 1 and nothing overflows.
 */

export type SamplingMode = 'uniform' | 'return-weighted';
export const SAMPLING_MODES: readonly SamplingMode[] = ['uniform', 'return-weighted'];
/** The official code's default temperature α. */
export const DEFAULT_SAMPLING_TEMPERATURE = 0.1;

/**
 * Per-transition weight of each trajectory (unnormalised, the best is 1): exp(Ĝ_i / α) up to a constant.
 * Equal returns (max = min) weigh the same, so sampling stays uniform.
 */
export function returnWeights(returns: ArrayLike<number>, temperature: number): Float64Array {
  if (!(temperature > 0)) throw new Error(`the sampling temperature must be positive, got ${temperature}`);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < returns.length; i++) {
    lo = Math.min(lo, returns[i]);
    hi = Math.max(hi, returns[i]);
  }
  const out = new Float64Array(returns.length);
  const span = hi - lo;
  for (let i = 0; i < returns.length; i++) out[i] = span > 0 ? Math.exp((returns[i] - hi) / (temperature * span)) : 1;
  return out;
}

/**
 * Probability that a sampled row comes from each trajectory: ∝ T_i · w_i with `weights` per transition (null: the
 * uniform sampler, ∝ T_i).
 */
export function trajectoryShares(lengths: ArrayLike<number>, weights: ArrayLike<number> | null): Float64Array {
  const out = new Float64Array(lengths.length);
  let total = 0;
  for (let i = 0; i < lengths.length; i++) {
    out[i] = lengths[i] * (weights ? weights[i] : 1);
    total += out[i];
  }
  if (total > 0) for (let i = 0; i < out.length; i++) out[i] /= total;
  return out;
}

/**
 * Share of sampled rows that falls in each return bucket [edges[k], edges[k + 1]) (the last bucket also holds its
 * right edge), for trajectories with these returns and lengths and per-transition weights (null: uniform).
 */
export function bucketShares(returns: ArrayLike<number>, lengths: ArrayLike<number>, weights: ArrayLike<number> | null, edges: ArrayLike<number>): Float64Array {
  const bins = edges.length - 1;
  const out = new Float64Array(Math.max(0, bins));
  if (bins < 1) return out;
  const shares = trajectoryShares(lengths, weights);
  const [lo, hi] = [edges[0], edges[bins]];
  for (let i = 0; i < returns.length; i++) {
    const g = returns[i];
    if (!(g >= lo && g <= hi)) continue;
    let k = 0;
    while (k < bins - 1 && g >= edges[k + 1]) k++;
    out[k] += shares[i];
  }
  return out;
}

/**
 * Cumulative sampling weights of the rows `rows` (ascending; null: every row of the data), each row weighing its
 * trajectory's per-transition weight. Trajectory e spans rows [starts[e], starts[e + 1]).
 */
export function cumulativeRowWeights(starts: Int32Array, weights: ArrayLike<number>, rows: Int32Array | null): Float64Array {
  const n = rows ? rows.length : starts[starts.length - 1];
  const out = new Float64Array(n);
  let e = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const row = rows ? rows[i] : i;
    while (row >= starts[e + 1]) e++;
    sum += weights[e];
    out[i] = sum;
  }
  return out;
}

/** The index i with cumulative[i − 1] ≤ u · total < cumulative[i] (binary search), for u uniform in [0, 1). */
export function drawFromCumulative(cumulative: Float64Array, u: number): number {
  const target = u * cumulative[cumulative.length - 1];
  let [lo, hi] = [0, cumulative.length - 1];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
