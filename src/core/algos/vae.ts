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

/** Standard normal draws of a shape: a lone run's Rng (normalNoise), or each member's own (population/memberNoise.ts). */
export type NormalDraw = (shape: number[]) => tf.Tensor;

/** Anything that maps [..., in] to [..., out]: an MLP ([n, in]) or a population's BatchedMLP ([K, n, in]). */
interface Net {
  apply(x: tf.Tensor): tf.Tensor;
}

// The losses reduce over the rows and the coordinates (the last two axes): [n, d] gives a lone run's scalar, a
// population's [K, n, d] one loss per member.
const meanOfRows = (x: tf.Tensor): tf.Tensor => tf.mean(x, [-2, -1]);

/**
 * KL(N(mu, sigma^2) || N(0, I)) per latent coordinate, averaged over batch and coordinates as BCQ and A2PR do:
 * -0.5 mean(1 + log sigma^2 - mu^2 - sigma^2) (Kingma & Welling 2014, appendix B).
 */
export function vaeKl(mean: tf.Tensor, std: tf.Tensor): tf.Tensor {
  const variance = tf.square(std);
  return tf.mul(-0.5, meanOfRows(tf.sub(tf.sub(tf.add(1, tf.log(variance)), tf.square(mean)), variance)));
}

/**
 * Reconstruction error mean(w * (a_hat - a)^2) over rows and action dimensions, with per-row weights `rowWeights`
 * ([n] or [K, n]; plain BCQ: all 1; A2PR: vae_weight on high-advantage rows, 0 elsewhere).
 */
export function vaeReconstruction(reconstruction: tf.Tensor, actions: tf.Tensor, rowWeights: tf.Tensor | null): tf.Tensor {
  const sq = tf.square(tf.sub(reconstruction, actions));
  return meanOfRows(rowWeights ? tf.mul(sq, tf.expandDims(rowWeights, -1)) : sq);
}

/** The VAE loss: reconstruction + klWeight * KL (BCQ and A2PR: klWeight 0.5). */
export function vaeLoss(reconstruction: tf.Tensor, actions: tf.Tensor, mean: tf.Tensor, std: tf.Tensor, rowWeights: tf.Tensor | null, klWeight: number) {
  const recon = vaeReconstruction(reconstruction, actions, rowWeights);
  const kl = vaeKl(mean, std);
  return { loss: tf.add(recon, tf.mul(klWeight, kl)), recon, kl };
}

/** q(z | s, a): the mean and the std (log std clamped to [-4, 15]); states and actions joined on their last axis. */
export function vaeEncode(encoder: Net, observations: tf.Tensor, actions: tf.Tensor): { mean: tf.Tensor; std: tf.Tensor } {
  const out = encoder.apply(tf.concat([observations, actions], -1));
  const [mean, logStd] = tf.split(out, 2, -1);
  return { mean, std: tf.exp(tf.clipByValue(logStd, VAE_LOG_STD_MIN, VAE_LOG_STD_MAX)) };
}

/** a = tanh(D(s, z)); without z, z ~ N(0, I) clipped to [-0.5, 0.5] (BCQ's sampling). */
export function vaeDecode(decoder: Net, latentDim: number, observations: tf.Tensor, draw: NormalDraw, z?: tf.Tensor): tf.Tensor {
  const latent = z ?? tf.clipByValue(draw([...observations.shape.slice(0, -1), latentDim]), -VAE_LATENT_CLIP, VAE_LATENT_CLIP);
  return tf.tanh(decoder.apply(tf.concat([observations, latent], -1)));
}

/** Encode, draw z = mu + sigma * eps (the reparameterisation trick), decode: the reconstruction and the encoding. */
export function vaeForward(encoder: Net, decoder: Net, latentDim: number, observations: tf.Tensor, actions: tf.Tensor, draw: NormalDraw) {
  const { mean, std } = vaeEncode(encoder, observations, actions);
  const z = tf.add(mean, tf.mul(std, draw(mean.shape)));
  return { reconstruction: vaeDecode(decoder, latentDim, observations, draw, z), mean, std };
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

  encode(observations: tf.Tensor2D, actions: tf.Tensor2D): { mean: tf.Tensor2D; std: tf.Tensor2D } {
    return vaeEncode(this.encoder, observations, actions) as { mean: tf.Tensor2D; std: tf.Tensor2D };
  }

  decode(observations: tf.Tensor2D, rng: Rng, z?: tf.Tensor2D): tf.Tensor2D {
    return vaeDecode(this.decoder, this.latentDim, observations, (shape) => normalNoise(shape, rng), z) as tf.Tensor2D;
  }

  forward(observations: tf.Tensor2D, actions: tf.Tensor2D, rng: Rng): { reconstruction: tf.Tensor2D; mean: tf.Tensor2D; std: tf.Tensor2D } {
    return vaeForward(this.encoder, this.decoder, this.latentDim, observations, actions, (shape) => normalNoise(shape, rng)) as { reconstruction: tf.Tensor2D; mean: tf.Tensor2D; std: tf.Tensor2D };
  }

  dispose(): void {
    this.encoder.dispose();
    this.decoder.dispose();
  }
}
