// gSDE exploration (algos/gsde.ts: Raffin, Kober & Stulp, "Smooth Exploration for Robotic Reinforcement Learning",
// CoRL 2021) for K members of online SAC: member k's learnt log sigma is slice k of a [K, L, A] variable, its acting
// matrices (one per environment copy, redrawn every `sampleFreq` environment steps) and its training matrix (redrawn
// every update) are drawn from member k's own init Rng at the moments its lone run's GsdeExploration draws them, so
// member k explores as its lone run. The acting matrices are a [K, n, L, A] variable, so a copied member (PBT) or a
// member kept in a smaller population takes its window's matrices along.
import * as tf from '@tensorflow/tfjs';
import { GSDE_MEAN_CLIP, sampleGsde } from '../algos/gsde';
import type { Rng } from '../rng';
import type { BatchedMLP } from './batchedMlp';
import { memberNoise } from './memberNoise';
import { memberVariable, type MemberVariable } from './memberVariables';

export class MemberGsde {
  readonly logSigma: MemberVariable;
  /** [K, n, L, A]: member k's matrices for its n environment copies, valid while `drawnBlock === block`. */
  readonly actingNoise: tf.Variable;
  private trainingNoise: tf.Tensor3D | null = null;
  /** The window of `sampleFreq` environment steps the members are in, and the one their acting matrices were drawn for. */
  private block = -1;
  private drawnBlock = -1;

  /** `actor` outputs the mean only; `envCopies`: each member's environment copies (numEnvs). */
  constructor(
    prefix: string,
    loneActorName: string,
    private readonly actor: BatchedMLP,
    logStdInit: number,
    public sampleFreq: number,
    envCopies: number,
    private readonly rngs: readonly Rng[],
  ) {
    if (!Number.isInteger(sampleFreq) || sampleFreq < 1) throw new Error(`gSDE sample frequency must be a whole number of at least 1, got ${sampleFreq}`);
    const [L, A] = actor.sizes.slice(-2);
    const K = rngs.length;
    this.logSigma = memberVariable(() => tf.fill([K, L, A], logStdInit), `${prefix}/${loneActorName}/gsde_log_std`, `${loneActorName}/gsde_log_std`, [L, A]);
    this.actingNoise = tf.variable(tf.zeros([K, envCopies, L, A]), false, `${prefix}/${loneActorName}/gsde_acting_noise`);
  }

  /** The clipped mean [K, n, A] and the features z(s) [K, n, L]. */
  meanAndFeatures(obs: tf.Tensor3D): { mean: tf.Tensor3D; features: tf.Tensor3D } {
    const { out, features } = this.actor.applyWithFeatures(obs);
    return { mean: tf.clipByValue(out, -GSDE_MEAN_CLIP, GSDE_MEAN_CLIP), features };
  }

  greedy = (obs: tf.Tensor3D): tf.Tensor3D => tf.tanh(this.meanAndFeatures(obs).mean);

  /** Redraws every member's batch matrix (SB3 redraws it before every gradient step). */
  redrawTrainingNoise(): void {
    this.trainingNoise?.dispose();
    this.trainingNoise = tf.keep(memberNoise(this.rngs, this.logSigma.loneShape) as tf.Tensor3D);
  }

  /** A sample for the losses: each member's rows perturbed by its own one matrix. */
  training = (obs: tf.Tensor3D): { action: tf.Tensor3D; logProb: tf.Tensor2D } => {
    if (!this.trainingNoise) this.redrawTrainingNoise();
    const { mean, features } = this.meanAndFeatures(obs);
    return sampleGsde(mean, features, this.logSigma.variable as tf.Tensor3D, this.trainingNoise!);
  };

  /** Told the environment steps before acting: a new window of `sampleFreq` steps draws new matrices at the next act. */
  observeEnvSteps(envSteps: number): void {
    this.block = Math.floor(envSteps / this.sampleFreq);
  }

  /** The acting sample: member k's copy i perturbed by its own matrix, fixed within the window. */
  acting = (obs: tf.Tensor3D): { action: tf.Tensor3D; logProb: tf.Tensor2D } => {
    const [, n] = obs.shape;
    const [, copies, L, A] = this.actingNoise.shape;
    if (n !== copies) throw new Error(`gSDE acting noise is held for ${copies} environment copies per member, got observations of ${n}`);
    if (this.drawnBlock !== this.block) {
      this.actingNoise.assign(memberNoise(this.rngs, [n, L, A]) as tf.Tensor4D);
      this.drawnBlock = this.block;
    }
    const { mean, features } = this.meanAndFeatures(obs);
    return sampleGsde(mean, features, this.logSigma.variable as tf.Tensor3D, this.actingNoise);
  };

  /** The host counters a smaller population takes over with the members' acting matrices. */
  get counters(): number[] {
    return [this.block, this.drawnBlock];
  }

  set counters([block, drawnBlock]: number[]) {
    [this.block, this.drawnBlock] = [block, drawnBlock];
  }

  dispose(): void {
    this.logSigma.variable.dispose();
    this.actingNoise.dispose();
    this.trainingNoise?.dispose();
  }
}
