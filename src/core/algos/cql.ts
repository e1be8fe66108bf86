// Conservative Q-Learning (Kumar, Zhou, Tucker & Levine, "Conservative Q-Learning for Offline Reinforcement Learning",
// NeurIPS 2020): the term both CQL versions add to the critic loss. CQL(H) (eq. 4) pushes Q down on every action through a
// soft maximum, log sum_a exp Q(s, a), and up on the dataset's action, so actions the data never tried cannot look better
// than the ones it did. Discrete: the log-sum-exp is exact (cqlDiscrete.ts, on DQN). Continuous: it is estimated from
// sampled actions with importance weights (appendix F; cqlContinuous.ts, on SAC).
import * as tf from '@tensorflow/tfjs';

/** Discrete CQL(H) gap per state (eq. 4): log sum_a exp Q(s, a) - Q(s, a_data), exact over the actions. */
export function discreteCqlGap(qAll: tf.Tensor2D, qData: tf.Tensor1D): tf.Tensor1D {
  return tf.sub(tf.logSumExp(qAll, 1), qData) as tf.Tensor1D;
}

/**
 * Continuous CQL(H) gap per state with importance sampling (appendix F, as CORL): log sum_a exp Q(s, a) is estimated
 * from N uniform actions in [-1, 1]^d (density 0.5^d), N policy actions at s and N policy actions at s' (density
 * pi(a|.)), each Q divided by its proposal density: temp * logsumexp_j((Q(s, a_j) - log mu(a_j)) / temp) - Q(s, a_data).
 * Like CORL, the constant log(3N) of the sample mean is left out (it shifts the gap, not its gradient).
 * Every Q and log-prob argument is [B, N] (one row per state) and qData [B]; a population's [K, B, N] and [K, B] work the
 * same (the sampled actions are the last axis), with `temperature` a number or a [K, 1, 1] column.
 */
export function sampledCqlGap<T extends tf.Tensor>(
  sampled: { qRandom: tf.Tensor; qCurrent: tf.Tensor; logPiCurrent: tf.Tensor; qNext: tf.Tensor; logPiNext: tf.Tensor },
  qData: T,
  actionDim: number,
  temperature: number | tf.Tensor = 1,
): T {
  const logUniformDensity = actionDim * Math.log(0.5);
  const weighted = tf.concat(
    [tf.sub(sampled.qRandom, logUniformDensity), tf.sub(sampled.qNext, sampled.logPiNext), tf.sub(sampled.qCurrent, sampled.logPiCurrent)],
    -1,
  );
  // keepDims: a [K, 1, 1] temperature then scales its own member's rows only.
  const softMax = tf.reshape(tf.mul(tf.logSumExp(tf.div(weighted, temperature), -1, true), temperature), qData.shape);
  return tf.sub(softMax, qData) as T;
}
