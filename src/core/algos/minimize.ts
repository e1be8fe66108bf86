import * as tf from '@tensorflow/tfjs';
import type { Adam } from './optim';

/**
 * One optimizer step on `loss` that also brings out tensors computed inside the gradient scope (Q on the batch,
 * advantages), for metrics and later losses, without a second forward pass. Call inside tf.tidy: the returned
 * tensors belong to the caller's scope and are freed with it.
 */
export function minimizeWith<A extends tf.Tensor[]>(optimizer: Adam, f: () => { loss: tf.Scalar; aux: A }): { loss: tf.Scalar; gradNorm: tf.Scalar; aux: A } {
  let kept: tf.Tensor[] = [];
  const { loss, gradNorm } = optimizer.minimize(() => {
    const out = f();
    // Kept past the gradient scope's own tidy, then handed to the caller's scope as clones.
    kept = out.aux.map((t) => tf.keep(t));
    return out.loss;
  });
  const aux = kept.map((t) => tf.clone(t)) as A;
  tf.dispose(kept);
  return { loss, gradNorm, aux };
}
