// The losses of Implicit Q-Learning (Kostrikov, Nair & Levine, ICLR 2022), written once for a lone run and a population:
// each reduces over the batch's rows (the last axis), so rows [B] give a lone run's scalar and members' rows [K, B] give
// one loss per member; hyperparameters are numbers or scalars (a lone run) or [K, 1] columns (a population), so every
// member reads its own. algos/iql.ts and population/iql.ts both call these.
import * as tf from '@tensorflow/tfjs';
import { expectileTerms } from './losses';

type Hyper = number | tf.Tensor;

const rowMean = <T extends tf.Tensor>(x: tf.Tensor): T => tf.mean(x, -1) as T;

/** The Q target r + gamma (1 - done) V(s') (eq. 6). */
export function iqlTarget<T extends tf.Tensor>(rewards: T, dones: T, nextV: T, gamma: Hyper): T {
  return tf.add(rewards, tf.mul(tf.mul(gamma, tf.sub(1, dones)), nextV)) as T;
}

/** L_V = E[L2^tau(Q_target(s, a) - V(s))] (eq. 5), with the advantage Q_target - V it is computed from. */
export function iqlValueLoss<T extends tf.Tensor>(targetQ: T, v: T, expectile: Hyper): { loss: tf.Tensor; advantage: T } {
  const advantage = tf.sub(targetQ, v) as T;
  return { loss: rowMean(expectileTerms(advantage, expectile)), advantage };
}

/** L_Q = E[(y - Q(s, a))^2] (eq. 6), averaged over the twin critics as CORL. */
export function iqlQLoss(qs: tf.Tensor[], y: tf.Tensor): tf.Tensor {
  return tf.div(tf.addN(qs.map((q) => rowMean(tf.square(tf.sub(q, y))))), qs.length);
}

/**
 * L_pi = -E[w log pi(a|s)] (eq. 7 with w = min(exp(beta A), 100), computed outside the gradient): the weighted
 * regression of every IQL-shaped actor (algos/valueAgentShell.ts).
 */
export function weightedLogLikelihoodLoss(weights: tf.Tensor, logProb: tf.Tensor): tf.Tensor {
  return tf.neg(rowMean(tf.mul(weights, logProb)));
}
