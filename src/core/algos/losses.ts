import * as tf from '@tensorflow/tfjs';

/** The terms |tau - 1(u < 0)| * u^2 of IQL's asymmetric L2 (eq. 5), elementwise (tau may be a tensor: one per population member). */
export function expectileTerms<T extends tf.Tensor>(u: T, tau: number | tf.Tensor): T {
  // 1(u < 0) as step(-u): tf.less has no gradient function, and tfjs refuses any op without one on the gradient path.
  const weight = tf.abs(tf.sub(tau, tf.step(tf.neg(u))));
  return tf.mul(weight, tf.square(u));
}

export function mse(prediction: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.mean(tf.square(tf.sub(prediction, target))) as tf.Scalar;
}

/** Q(s, a) for the dataset's discrete actions: picks column a of q [n, k] (or of each member's [K, n, k]: indices [K, n]). */
export function pickActions<T extends tf.Tensor1D | tf.Tensor2D>(q: tf.Tensor, indices: T, numActions: number): T {
  return tf.sum(tf.mul(q, tf.oneHot(indices, numActions)), -1) as T;
}

/** exp(beta A) is clipped so one large advantage cannot dominate a batch (CORL's EXP_ADV_MAX). */
export const EXP_ADV_MAX = 100;

/** Advantage weights of IQL eq. 7 and AWAC (beta = 1 / lambda): min(exp(beta * A), 100). */
export function advantageWeights<T extends tf.Tensor>(advantage: T, beta: number | tf.Tensor): T {
  return tf.minimum(tf.exp(tf.mul(advantage, beta)), EXP_ADV_MAX) as T;
}
