import * as tf from '@tensorflow/tfjs';

/** Asymmetric L2 (IQL, Kostrikov et al. 2021, eq. 5): mean(|tau - 1(u < 0)| * u^2) for u = target - prediction. */
export function expectileLoss(u: tf.Tensor, tau: number): tf.Scalar {
  // 1(u < 0) as step(-u): tf.less has no gradient function, and tfjs refuses any op without one on the gradient path.
  const weight = tf.abs(tf.sub(tau, tf.step(tf.neg(u))));
  return tf.mean(tf.mul(weight, tf.square(u))) as tf.Scalar;
}

export function mse(prediction: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.mean(tf.square(tf.sub(prediction, target))) as tf.Scalar;
}

/** Q(s, a) for the dataset's discrete actions: picks column a of q [n, k]. */
export function pickActions(q: tf.Tensor2D, indices: tf.Tensor1D, numActions: number): tf.Tensor1D {
  return tf.sum(tf.mul(q, tf.oneHot(indices, numActions)), -1) as tf.Tensor1D;
}

/** exp(beta A) is clipped so one large advantage cannot dominate a batch (CORL's EXP_ADV_MAX). */
export const EXP_ADV_MAX = 100;

/** Advantage weights of IQL eq. 7 and AWAC (beta = 1 / lambda): min(exp(beta * A), 100). */
export function advantageWeights(advantage: tf.Tensor1D, beta: number): tf.Tensor1D {
  return tf.minimum(tf.exp(tf.mul(advantage, beta)), EXP_ADV_MAX) as tf.Tensor1D;
}
