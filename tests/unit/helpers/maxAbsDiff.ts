import type * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';

/** The largest absolute difference between two tensors of one shape (read back asynchronously). */
export async function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  expect(a.shape).toEqual(b.shape);
  const [x, y] = [Array.from(await a.data()), Array.from(await b.data())];
  return x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);
}
