// A conditional variational auto-encoder of the dataset's actions given the state, as BCQ (Fujimoto, Meger & Precup,
// "Off-Policy Deep Reinforcement Learning without Exploration", ICML 2019, sec. 4 and appendix) introduced it for
// offline RL and A2PR, SPOT and PLAS reuse it: an encoder q(z | s, a) = N(mu, sigma^2) with log sigma clamped to
// [-4, 15], a decoder a = tanh(D(s, z)), trained on reconstruction + KL to N(0, I) (Kingma & Welling 2014, eq. 10);
// sampling decodes z ~ N(0, I) clipped to [-0.5, 0.5] so only the well-covered middle of the latent space is used.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';
import { normalNoise } from './distributions';
import { MLP } from './nets';

/** BCQ's clamp on the encoder's log sigma (numerical stability). */
export const VAE_LOG_STD_MIN = -4;
export const VAE_LOG_STD_MAX = 15;
/** BCQ's clip on the latent when sampling from the prior (decode without an encoding). */
export const VAE_LATENT_CLIP = 0.5;

/**
 * KL(N(mu, sigma^2) || N(0, I)) per latent coordinate, averaged over batch and coordinates as BCQ and A2PR do:
 * -0.5 mean(1 + log sigma^2 - mu^2 - sigma^2) (Kingma & Welling 2014, appendix B).
 */
export function vaeKl(mean: tf.Tensor2D, std: tf.Tensor2D): tf.Scalar {
  const variance = tf.square(std);
  return tf.mul(-0.5, tf.mean(tf.sub(tf.sub(tf.add(1, tf.log(variance)), tf.square(mean)), variance))) as tf.Scalar;
}

/**
 * Reconstruction error mean(w * (a_hat - a)^2) over rows and action dimensions, with per-row weights `rowWeights`
 * ([n], plain BCQ: all 1; A2PR: vae_weight on high-advantage rows, 0 elsewhere).
 */
export function vaeReconstruction(reconstruction: tf.Tensor2D, actions: tf.Tensor2D, rowWeights: tf.Tensor1D | null): tf.Scalar {
  const sq = tf.square(tf.sub(reconstruction, actions));
  return tf.mean(rowWeights ? tf.mul(sq, tf.reshape(rowWeights, [-1, 1])) : sq) as tf.Scalar;
}

/** The VAE loss: reconstruction + klWeight * KL (BCQ and A2PR: klWeight 0.5). */
export function vaeLoss(reconstruction: tf.Tensor2D, actions: tf.Tensor2D, mean: tf.Tensor2D, std: tf.Tensor2D, rowWeights: tf.Tensor1D | null, klWeight: number) {
  const recon = vaeReconstruction(reconstruction, actions, rowWeights);
  const kl = vaeKl(mean, std);
  return { loss: tf.add(recon, tf.mul(klWeight, kl)) as tf.Scalar, recon, kl };
}

/** Encoder and decoder MLPs (ReLU hidden layers); actions live in [-1, 1] (the trainer's unit box). */
export class VAE {
  readonly encoder: MLP;
  readonly decoder: MLP;

  constructor(
    name: string,
    readonly observationDim: number,
    readonly actionDim: number,
    readonly latentDim: number,
    hidden: number[],
    rng: Rng,
  ) {
    // One trunk with 2 * latent outputs is BCQ's shared encoder body with its two linear heads (mean, log std).
    this.encoder = new MLP(`${name}/encoder`, [observationDim + actionDim, ...hidden, 2 * latentDim], rng);
    this.decoder = new MLP(`${name}/decoder`, [observationDim + latentDim, ...hidden, actionDim], rng);
  }

  get variables(): tf.Variable[] {
    return [...this.encoder.variables, ...this.decoder.variables];
  }

  get networks(): MLP[] {
    return [this.encoder, this.decoder];
  }

  /** q(z | s, a): the mean and the std (log std clamped to [-4, 15]). */
  encode(observations: tf.Tensor2D, actions: tf.Tensor2D): { mean: tf.Tensor2D; std: tf.Tensor2D } {
    const out = this.encoder.apply(tf.concat([observations, actions], 1) as tf.Tensor2D);
    const [mean, logStd] = tf.split(out, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    return { mean, std: tf.exp(tf.clipByValue(logStd, VAE_LOG_STD_MIN, VAE_LOG_STD_MAX)) as tf.Tensor2D };
  }

  /** a = tanh(D(s, z)); without z, z ~ N(0, I) clipped to [-0.5, 0.5] (BCQ's sampling). */
  decode(observations: tf.Tensor2D, rng: Rng, z?: tf.Tensor2D): tf.Tensor2D {
    const latent = z ?? (tf.clipByValue(normalNoise([observations.shape[0], this.latentDim], rng), -VAE_LATENT_CLIP, VAE_LATENT_CLIP) as tf.Tensor2D);
    return tf.tanh(this.decoder.apply(tf.concat([observations, latent], 1) as tf.Tensor2D));
  }

  /** Encode, draw z = mu + sigma * eps (the reparameterisation trick), decode: the reconstruction and the encoding. */
  forward(observations: tf.Tensor2D, actions: tf.Tensor2D, rng: Rng): { reconstruction: tf.Tensor2D; mean: tf.Tensor2D; std: tf.Tensor2D } {
    const { mean, std } = this.encode(observations, actions);
    const z = tf.add(mean, tf.mul(std, normalNoise(mean.shape, rng))) as tf.Tensor2D;
    return { reconstruction: this.decode(observations, rng, z), mean, std };
  }

  dispose(): void {
    this.encoder.dispose();
    this.decoder.dispose();
  }
}
