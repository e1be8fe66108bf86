import * as tf from '@tensorflow/tfjs';

/** Mean over each member's rows (and any further axes): [K, ...] -> [K], the per-member form of a lone run's tf.mean. */
export function perMember(x: tf.Tensor): tf.Tensor1D {
  return tf.mean(x, x.shape.slice(1).map((_, i) => i + 1)) as tf.Tensor1D;
}
