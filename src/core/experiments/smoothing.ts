// Curve smoothing for charts.

/**
 * Exponential moving average debiased at the start, as TensorBoard's scalar charts smooth
 * (last = w * last + (1 - w) * y, starting from 0, then divided by 1 - w^k after k finite values), so the first
 * points are not dragged towards zero. `weight` in [0, 1); 0 is the identity. Non-finite values pass through
 * unchanged and do not enter the average (nor count in k).
 */
export function smoothDebiasedEma(ys: readonly number[], weight: number): number[] {
  if (!(weight >= 0 && weight < 1)) throw new Error(`smoothing weight must be in [0, 1), got ${weight}`);
  const out = new Array<number>(ys.length);
  // TensorBoard's formula rearranged: with s_k = m_k / (1 - w^k), s_k = s_{k-1} + a_k (y_k - s_{k-1}) where
  // a_k = (1 - w) / (1 - w^k). Same values, but a_1 = 1 makes the first point the first value exactly and a
  // constant series stays exactly constant (no rounding from dividing a shrunken sum back up).
  let smoothed = 0;
  let wk = 1; // w^k
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    if (!Number.isFinite(y)) {
      out[i] = y;
      continue;
    }
    wk *= weight;
    const a = (1 - weight) / (1 - wk);
    smoothed = a === 1 ? y : smoothed + a * (y - smoothed); // a = 1 (first point, weight 0): y exactly
    out[i] = smoothed;
  }
  return out;
}
