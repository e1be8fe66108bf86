import type * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';

/**
 * The largest |a - b| / (|b| + floor) over every value of tensors a against references b (shapes must match), with
 * floor = 1e-12 / rel so values near zero are judged absolutely: at most `rel` means each value is within tolerance.
 * `scale` 'tensor' measures against the tensor's largest |b| instead: for values that crossed zero while holding the
 * absolute rounding of the larger values they came from (trained weights, a product's sums).
 */
export async function worstRelative(a: tf.Tensor[], b: tf.Tensor[], rel: number, scale: 'value' | 'tensor' = 'value'): Promise<number> {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    expect(a[i].shape).toEqual(b[i].shape);
    const [x, y] = await Promise.all([a[i].data(), b[i].data()]);
    const largest = Math.max(...Array.from(y, (v) => Math.abs(Number(v))));
    y.forEach((v, j) => {
      worst = Math.max(worst, Math.abs(x[j] - v) / ((scale === 'value' ? Math.abs(v) : largest) + 1e-12 / rel));
    });
  }
  return worst;
}
