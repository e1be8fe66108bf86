// Global-norm gradient clipping per member (PyTorch's clip_grad_norm_, as SB3's DQN applies it at 10): member k's
// gradients over all variables are scaled by min(1, clipNorm / (norm_k + 1e-6)), the factor algos/optim.ts's Adam uses.
import * as tf from '@tensorflow/tfjs';

/** `gs`: [K, ...] gradients of every variable. Returns them clipped per member, and the norms before clipping [K]. */
export function clipMemberGradients(gs: tf.Tensor[], clipNorm: number): { clipped: tf.Tensor[]; gradNorm: tf.Tensor1D } {
  const gradNorm = tf.sqrt(tf.sum(tf.stack(gs.map((g) => tf.sum(tf.square(g), g.shape.slice(1).map((_, i) => i + 1)))), 0)) as tf.Tensor1D;
  const scale = tf.minimum(1, tf.div(clipNorm, tf.add(gradNorm, 1e-6)));
  const clipped = gs.map((g) => tf.mul(g, tf.reshape(scale, [-1, ...g.shape.slice(1).map(() => 1)])));
  return { clipped, gradNorm };
}
