// Generalized state-dependent exploration (gSDE; Raffin, Kober & Stulp, "Smooth Exploration for Robotic
// Reinforcement Learning", CoRL 2021). Instead of fresh Gaussian noise at every step, the perturbation is a function of
// the state: eps(s) = z(s)^T W, where z(s) are the actor's last hidden features and W [features x actions] is drawn
// from N(0, sigma^2) and kept for `sampleFreq` environment steps. Within that window the same state gives the same
// push, so actions vary smoothly along a trajectory instead of jittering; white noise averages out over the many small
// steps of MountainCarContinuous, this kind of noise can carry the car up a slope. sigma = exp(log sigma) is a learned
// matrix (the paper's and SB3's full_std), initialised at `logStdInit`. For a given state and a fresh W,
// u = mu(s) + z(s)^T W is Gaussian with per-dimension variance sigma_j(s)^2 = sum_i z_i(s)^2 sigma_ij^2, which gives
// SAC's log pi(a|s) for a = tanh(u). In training, one W for the whole batch is redrawn every update and
// reparameterised (W = sigma * N(0, 1)), so the actor loss reaches log sigma through the sample and through log pi.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';
import { normalNoise, tanhGaussianLogProbOfPreTanh } from './distributions';
import { newVariable, type MLP } from './nets';

/** Added to sigma_j(s)^2 before the square root, so a state with all-zero features keeps a finite log-probability. */
export const GSDE_VARIANCE_EPSILON = 1e-6;
/**
 * SB3 clips the mean of a gSDE actor to [-2, 2] (before the tanh), so it cannot run off while the noise is small. The
 * exported policy network (a plain tanh head) lacks the clip: where |mu| > 2 it acts tanh(mu), not tanh(2) = 0.964.
 */
export const GSDE_MEAN_CLIP = 2;

// The functions below also take a leading members axis (population/memberGsde.ts): features [K, n, L], log sigma
// [K, L, A], noise [K, L, A] or [K, n, L, A].

/** log sigma(s) [n, A] of u given the features z(s) [n, L] and log sigma [L, A]: 0.5 log(z^2 sigma^2 + epsilon). */
export function gsdeLogStd<T extends tf.Tensor2D | tf.Tensor3D>(features: T, logSigma: T): T {
  const variance = tf.matMul(tf.square(features), tf.exp(tf.mul(2, logSigma)));
  return tf.mul(0.5, tf.log(tf.add(variance, GSDE_VARIANCE_EPSILON))) as T;
}

/**
 * eps(s) = z(s)^T W with W = sigma * noise: one matrix for every row (noise [L, A], as log sigma) or one per row
 * (noise [n, L, A], one axis more).
 */
export function gsdeNoise<T extends tf.Tensor2D | tf.Tensor3D>(features: T, logSigma: T, noise: tf.Tensor): T {
  if (noise.rank === logSigma.rank) return tf.matMul(features, tf.mul(tf.exp(logSigma), noise) as T) as T;
  // One matrix per row: sigma [..., L, A] broadcast over the rows' axis of noise [..., n, L, A].
  const W = tf.mul(tf.expandDims(tf.exp(logSigma), logSigma.rank - 2), noise);
  const L = features.shape[features.rank - 1];
  const rows = features.size / L;
  const perRow = tf.matMul(tf.reshape(features, [rows, 1, L]) as tf.Tensor3D, tf.reshape(W, [rows, L, -1]) as tf.Tensor3D);
  const shape: number[] = [...features.shape.slice(0, -1), -1];
  return tf.reshape<tf.Rank>(perRow, shape) as T;
}

/** a = tanh(mu + z^T W) and log pi(a|s) under N(mu, sigma(s)^2) with the tanh correction. */
export function sampleGsde(mean: tf.Tensor2D, features: tf.Tensor2D, logSigma: tf.Tensor2D, noise: tf.Tensor): { action: tf.Tensor2D; logProb: tf.Tensor1D };
export function sampleGsde(mean: tf.Tensor3D, features: tf.Tensor3D, logSigma: tf.Tensor3D, noise: tf.Tensor): { action: tf.Tensor3D; logProb: tf.Tensor2D };
export function sampleGsde(mean: tf.Tensor, features: tf.Tensor2D | tf.Tensor3D, logSigma: tf.Tensor2D | tf.Tensor3D, noise: tf.Tensor): { action: tf.Tensor; logProb: tf.Tensor } {
  const u = tf.add(mean, gsdeNoise(features, logSigma, noise));
  return { action: tf.tanh(u), logProb: tanhGaussianLogProbOfPreTanh(u, mean, gsdeLogStd(features, logSigma)) };
}

/**
 * gSDE on a tanh-squashed actor whose outputs are the mean: the learned log sigma, the acting noise (one matrix per
 * environment copy, redrawn every `sampleFreq` environment steps) and the training noise (one matrix, redrawn per update).
 */
export class GsdeExploration {
  readonly logSigma: tf.Variable;
  private actingNoise: tf.Tensor3D | null = null;
  private trainingNoise: tf.Tensor2D | null = null;
  private block = -1;

  constructor(
    name: string,
    private readonly actor: MLP,
    logStdInit: number,
    public sampleFreq: number,
    private readonly rng: Rng,
  ) {
    const sizes = actor.sizes;
    if (!Number.isInteger(sampleFreq) || sampleFreq < 1) throw new Error(`gSDE sample frequency must be a whole number of at least 1, got ${sampleFreq}`);
    this.logSigma = newVariable(() => tf.fill([sizes[sizes.length - 2], sizes[sizes.length - 1]], logStdInit), `${name}/gsde_log_std`);
  }

  /** The clipped mean [n, A] and the features z(s) [n, L]. */
  meanAndFeatures(obs: tf.Tensor2D): { mean: tf.Tensor2D; features: tf.Tensor2D } {
    const { out, features } = this.actor.applyWithFeatures(obs);
    return { mean: tf.clipByValue(out, -GSDE_MEAN_CLIP, GSDE_MEAN_CLIP), features };
  }

  greedy = (obs: tf.Tensor2D): tf.Tensor2D => tf.tanh(this.meanAndFeatures(obs).mean);

  /** Redraws the batch's exploration matrix (SB3 redraws it before every gradient step). */
  redrawTrainingNoise(): void {
    this.trainingNoise?.dispose();
    this.trainingNoise = tf.keep(normalNoise(this.logSigma.shape, this.rng) as tf.Tensor2D);
  }

  /** A sample for the losses: every row perturbed by the same matrix. */
  training = (obs: tf.Tensor2D): { action: tf.Tensor2D; logProb: tf.Tensor1D } => {
    if (!this.trainingNoise) this.redrawTrainingNoise();
    const { mean, features } = this.meanAndFeatures(obs);
    return sampleGsde(mean, features, this.logSigma as tf.Tensor2D, this.trainingNoise!);
  };

  /** Told the environment steps before acting: a new window of `sampleFreq` steps draws new matrices. */
  observeEnvSteps(envSteps: number): void {
    const block = Math.floor(envSteps / this.sampleFreq);
    if (block === this.block) return;
    this.block = block;
    this.actingNoise?.dispose();
    this.actingNoise = null;
  }

  /** The acting sample: row i (environment copy i) perturbed by its own matrix, fixed within the window. */
  acting = (obs: tf.Tensor2D): { action: tf.Tensor2D; logProb: tf.Tensor1D } => {
    const n = obs.shape[0];
    if (!this.actingNoise || this.actingNoise.shape[0] !== n) {
      this.actingNoise?.dispose();
      this.actingNoise = tf.keep(normalNoise([n, ...this.logSigma.shape], this.rng) as tf.Tensor3D);
    }
    const { mean, features } = this.meanAndFeatures(obs);
    return sampleGsde(mean, features, this.logSigma as tf.Tensor2D, this.actingNoise);
  };

  dispose(): void {
    this.logSigma.dispose();
    this.actingNoise?.dispose();
    this.trainingNoise?.dispose();
  }
}
