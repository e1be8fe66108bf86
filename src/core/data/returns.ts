import type { Dataset } from './dataset';
import { episodeStarts } from './episodes';

/**
 * Discounted Monte-Carlo return-to-go of every row: G_t = r_t + gamma * G_{t+1} within its episode. Episodes cut
 * by a time-out are cut short here too (no bootstrap), so G is a lower estimate near their end: the reference that
 * Q estimates on dataset actions are drawn against.
 */
export function discountedReturnsToGo(d: Pick<Dataset, 'size' | 'rewards' | 'terminals' | 'timeouts'>, gamma: number): Float32Array {
  const out = new Float32Array(d.size);
  const starts = episodeStarts(d);
  for (let e = 0; e + 1 < starts.length; e++) {
    let g = 0;
    for (let i = starts[e + 1] - 1; i >= starts[e]; i--) {
      g = d.rewards[i] + gamma * g;
      out[i] = g;
    }
  }
  return out;
}
