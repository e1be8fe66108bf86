import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';

const LOG_2PI = Math.log(2 * Math.PI);

/** Bounds of a Gaussian actor's log std (CORL's IQL, AWAC and SAC clip to them). */
export const LOG_STD_MIN = -20;
export const LOG_STD_MAX = 2;

/** log N(x; mean, exp(logStd)^2) summed over the last axis. */
export function gaussianLogProb(x: tf.Tensor2D, mean: tf.Tensor2D, logStd: tf.Tensor): tf.Tensor1D;
export function gaussianLogProb(x: tf.Tensor3D, mean: tf.Tensor3D, logStd: tf.Tensor): tf.Tensor2D;
export function gaussianLogProb(x: tf.Tensor, mean: tf.Tensor, logStd: tf.Tensor): tf.Tensor {
  const z = tf.div(tf.sub(x, mean), tf.exp(logStd));
  const perDim = tf.sub(tf.mul(-0.5, tf.add(tf.square(z), LOG_2PI)), logStd);
  return tf.sum(perDim, -1);
}

/** Standard normal noise of a shape, seeded from the lab's Rng (tfjs draws it on the CPU, so every backend sees the same numbers). */
export function normalNoise(shape: number[], rng: Rng): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', rng.nextUint32());
}

/** A draw from a diagonal Gaussian, clipped to the action box [-1, 1] (the Gaussian actors of IQL, AWAC and ODICE). */
export function sampleClippedGaussian(mean: tf.Tensor2D, logStd: tf.Tensor2D, rng: Rng): tf.Tensor2D {
  return clippedGaussianFromNoise(mean, logStd, normalNoise(mean.shape, rng));
}

/** sampleClippedGaussian with its standard normal noise given: rows [n, A], or each member's rows [K, n, A] (populations). */
export function clippedGaussianFromNoise<T extends tf.Tensor>(mean: T, logStd: tf.Tensor, noise: tf.Tensor): T {
  return tf.clipByValue(tf.add(mean, tf.mul(tf.exp(logStd), noise)), -1, 1) as T;
}

/** An action of a softmax policy over logits [n, k] as [n] int32 indices: the argmax (greedy) or a draw seeded from the lab's Rng. */
export function softmaxAction(logits: tf.Tensor2D, mode: 'sample' | 'greedy', rng: Rng): tf.Tensor1D {
  return (mode === 'greedy' ? tf.argMax(logits, 1) : tf.reshape(tf.multinomial(logits, 1, rng.nextUint32()), [-1])) as tf.Tensor1D;
}

/**
 * A tanh-squashed diagonal Gaussian (SAC, Haarnoja et al. 2018, appendix C): a = tanh(u), u ~ N(mean, std^2),
 * reparameterised, with log pi(a|s) = log N(u) - sum log(1 - tanh(u)^2), the last term computed stably as
 * 2 (log 2 - u - softplus(-2u)).
 */
export function sampleTanhGaussian(mean: tf.Tensor2D, logStd: tf.Tensor2D, rng: Rng): { action: tf.Tensor2D; logProb: tf.Tensor1D } {
  return tanhGaussianFromNoise(mean, logStd, normalNoise(mean.shape, rng));
}

/** sampleTanhGaussian with its standard normal noise given: rows [n, A], or each member's rows [K, n, A] (populations). */
export function tanhGaussianFromNoise(mean: tf.Tensor2D, logStd: tf.Tensor2D, noise: tf.Tensor): { action: tf.Tensor2D; logProb: tf.Tensor1D };
export function tanhGaussianFromNoise(mean: tf.Tensor3D, logStd: tf.Tensor3D, noise: tf.Tensor): { action: tf.Tensor3D; logProb: tf.Tensor2D };
export function tanhGaussianFromNoise(mean: tf.Tensor, logStd: tf.Tensor, noise: tf.Tensor): { action: tf.Tensor; logProb: tf.Tensor } {
  const u = tf.add(mean, tf.mul(tf.exp(logStd), noise));
  return { action: tf.tanh(u), logProb: tanhGaussianLogProbOfPreTanh(u, mean, logStd) };
}

/** log pi(tanh(u)|s) of pre-tanh values u under N(mean, exp(logStd)^2): log N(u) - sum log(1 - tanh(u)^2). */
export function tanhGaussianLogProbOfPreTanh(u: tf.Tensor2D, mean: tf.Tensor2D, logStd: tf.Tensor2D): tf.Tensor1D;
export function tanhGaussianLogProbOfPreTanh(u: tf.Tensor, mean: tf.Tensor, logStd: tf.Tensor): tf.Tensor;
export function tanhGaussianLogProbOfPreTanh(u: tf.Tensor, mean: tf.Tensor, logStd: tf.Tensor): tf.Tensor {
  const correction = tf.sum(tf.mul(2, tf.sub(tf.sub(Math.log(2), u), tf.softplus(tf.mul(-2, u)))), -1);
  // gaussianLogProb's overloads name ranks; the arithmetic is rank-free (the last axis is the action's).
  return tf.sub(gaussianLogProb(u as tf.Tensor3D, mean as tf.Tensor3D, logStd), correction);
}

/** log pi(a|s) of given actions in (-1, 1) under a tanh-Gaussian (atanh of a clipped action). */
export function tanhGaussianLogProb(action: tf.Tensor2D, mean: tf.Tensor2D, logStd: tf.Tensor2D): tf.Tensor1D {
  const a = tf.clipByValue(action, -1 + 1e-6, 1 - 1e-6);
  const u = tf.mul(0.5, tf.log(tf.div(tf.add(1, a), tf.sub(1, a)))) as tf.Tensor2D;
  return tanhGaussianLogProbOfPreTanh(u, mean, logStd);
}

/** Entropy of a diagonal Gaussian, summed over dimensions: sum(logStd) + d/2 (1 + log 2pi). */
export function gaussianEntropy(logStd: tf.Tensor): tf.Tensor {
  const dims = logStd.shape[logStd.shape.length - 1];
  return tf.add(tf.sum(logStd, -1), (dims / 2) * (1 + LOG_2PI));
}

/** Entropy of categorical distributions given logits [n, k]: -sum p log p. */
export function categoricalEntropy(logits: tf.Tensor2D): tf.Tensor1D;
export function categoricalEntropy(logits: tf.Tensor3D): tf.Tensor2D;
export function categoricalEntropy(logits: tf.Tensor): tf.Tensor {
  const logp = tf.logSoftmax(logits);
  return tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), -1));
}
