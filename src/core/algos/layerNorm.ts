// Layer normalisation (Ba, Kiros & Hinton, "Layer Normalization", 2016, eq. 4): each row is standardised over its
// features, then scaled and shifted by learned per-feature parameters. ReBRAC (Tarasov et al. 2023) puts it after
// every hidden ReLU of the critic (Dense -> ReLU -> LayerNorm, as CORL's rebrac.py), which keeps Q from blowing up
// on actions far from the data.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';
import { MLP, dense, newVariable, type Activation } from './nets';

/**
 * y = gain * (x - mean(x)) / sqrt(var(x) + eps) + shift, mean and (biased) variance over the last axis; eps 1e-6 as
 * flax. Any rank: [B, H] with gain [H], or a population's [K, B, H] with gain [K, 1, H].
 */
export function layerNorm<T extends tf.Tensor>(x: T, gain: tf.Tensor, shift: tf.Tensor, eps = 1e-6): T {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), gain), shift) as T;
}

/**
 * The lab's MLP (same weights, same initialisation, same Rng draws) with a LayerNorm after each hidden activation.
 * Its gains start at 1 and shifts at 0; they are variables like the weights, so optimizers, soft updates and
 * checkpoints see them through `variables`.
 */
export class LayerNormMLP extends MLP {
  readonly gains: tf.Variable[] = [];
  readonly shifts: tf.Variable[] = [];

  constructor(name: string, sizes: number[], rng: Rng, activation: Activation = 'relu') {
    super(name, sizes, rng, activation);
    for (let l = 1; l + 1 < sizes.length; l++) {
      this.gains.push(newVariable(() => tf.ones([sizes[l]]), `${name}/ln${l - 1}_gain`));
      this.shifts.push(newVariable(() => tf.zeros([sizes[l]]), `${name}/ln${l - 1}_shift`));
    }
  }

  override get variables(): tf.Variable[] {
    return [...this.weights, ...this.biases, ...this.gains, ...this.shifts];
  }

  override apply(x: tf.Tensor2D): tf.Tensor2D {
    let h = x;
    const last = this.weights.length - 1;
    for (let l = 0; l <= last; l++) {
      if (l === last) return dense(h, this.weights[l], this.biases[l], 'linear');
      const relu = this.activation === 'relu';
      const z = dense(h, this.weights[l], this.biases[l], relu ? 'relu' : 'linear');
      h = layerNorm(relu ? z : tf.tanh(z), this.gains[l] as tf.Tensor1D, this.shifts[l] as tf.Tensor1D);
    }
    return h;
  }
}
