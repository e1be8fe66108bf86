// Standard normal noise for every member of a population, each slice drawn from that member's own Rng exactly as a
// lone run draws it (algos/distributions.ts's normalNoise: one seed per draw), so member k sees a lone run's numbers.
import * as tf from '@tensorflow/tfjs';
import { normalNoise } from '../algos/distributions';
import type { Rng } from '../rng';

/** [K, ...shape]: slice k is normalNoise(shape, rngs[k]). */
export function memberNoise(rngs: readonly Rng[], shape: number[]): tf.Tensor {
  return tf.stack(rngs.map((rng) => normalNoise(shape, rng)));
}

/** [K, ...shape] uniform on [low, high): slice k drawn as a lone run's tf.randomUniform seeded from its Rng. */
export function memberUniform(rngs: readonly Rng[], shape: number[], low: number, high: number): tf.Tensor {
  return tf.stack(rngs.map((rng) => tf.randomUniform(shape, low, high, 'float32', rng.nextUint32())));
}
